"""Computation graphs as pictures: every value a box, every operation a node.

:func:`draw_dot` lays out everything ``root`` depends on the way micrograd
does: each value a record box ``{ label | data … | grad … }`` and each
operation a small separate node feeding the value it produced.  Colours carry
meaning and a legend says which (torchviz's choice for the first three):

* light blue: a leaf (an input or a parameter), which receives a gradient;
* green: the output, where backward starts;
* grey: an operation;
* orange: a vanishing gradient, 0 < |grad| ≤ ``vanishing`` × (largest |grad| in
  the graph); pink: a gradient of exactly 0; red: nan or inf.

The first seed's saturated sigmoid, C = σ(w·a)² at w = 0.8, a = 62.5, has
∂C/∂w ≈ 2.4e-20 against ∂C/∂σ = 2: its ``w`` is drawn orange.

:func:`draw_step` draws one step of :func:`autograd.backward_steps`: the node
whose turn it is, and the edges it just sent gradient along, each labelled
``local × incoming = added``.

Big graphs stay legible with ``collapse="neuron"`` (one box per neuron: its
weighted-sum node ``Σwx+b`` with its weight and bias leaves folded in, and its
activation) or ``collapse="layer"`` (one box per layer: the neurons whose
weighted sums read the same input nodes).  Both work from the graph's
structure, never from labels.

Node ids come from the topological order (``n0``, ``n1``, …), so the DOT text
of a graph is the same every time it is built the same way.
"""

import math

from .backward import BackwardStep, topological_order
from .render import Picture, attributes, legend_node, plain_text, record_field
from .value import Value

LEAF = "#cfe8ff"
OUTPUT = "#b9f0b9"
OPERATION = "#e0e0e0"
INTERMEDIATE = "#ffffff"
NEURON = "#fff2b3"
LAYER = "#ffe0a3"
ZERO_GRAD = "#f4b6c2"
VANISHING_GRAD = "#ff8c42"
NONFINITE_GRAD = "#ff4d4d"
HIGHLIGHT = "#d4a017"
STEP = "#d62728"

ACTIVATION_OPS = frozenset({"relu", "sigmoid", "tanh", "softplus"})
"""Unary primitives folded into their neuron by ``collapse="neuron"`` and ``"layer"``."""

RANKDIRS = ("LR", "RL", "TB", "BT")
COLLAPSE_MODES = (None, "neuron", "layer")


def format_number(x, fmt="{:.4f}"):
    """``x`` formatted with ``fmt``, but never a nonzero number shown as zero.

    Where ``fmt`` would print only zeros for a nonzero x (2.4e-20 with
    ``{:.4f}`` is ``0.0000``), the number is shown as ``2.411e-20`` instead:
    the difference between "tiny" and "zero" is what a learner is looking for."""
    text = fmt.format(x)
    if x != 0 and math.isfinite(x) and not any(c in "123456789" for c in text):
        return f"{x:.3e}"
    return text


def draw_step(root, step, **options):
    """Draw ``root``'s graph during one step of :func:`autograd.backward_steps`.

    The node being processed has a red border; each edge to a parent is red and
    labelled ``∂node/∂parent × ∂root/∂node = added``, the chain-rule term just
    added to the parent's gradient.  Grads shown are those accumulated so far::

        for step in backward_steps(loss):
            display(draw_step(loss, step))

    ``options`` are those of :func:`draw_dot` (``collapse`` must stay None)."""
    return draw_dot(root, step=step, **options)


def draw_dot(root, rankdir="LR", fmt="{:.4f}", show_grad=True, highlight=(), collapse=None,
             legend=True, *, step=None, vanishing=1e-12, show_local=False, title=None):
    """The computation graph of everything ``root`` depends on, as a :class:`Picture`.

    - ``rankdir``: "LR" (inputs left, output right; the default), "RL", "TB" or "BT".
    - ``fmt``: format for data and grads, e.g. ``"{:.4f}"``; a nonzero number
      that would print as zeros is shown in e-notation instead.
    - ``show_grad``: show each node's ``.grad`` and colour gradient health.
    - ``highlight``: Values to draw with a thick gold border.
    - ``collapse``: None (every node), "neuron" or "layer" (see the module docs).
    - ``legend``: add a table saying what each colour means.
    - ``step``: a :class:`~autograd.BackwardStep` to draw (see :func:`draw_step`).
    - ``vanishing``: a gradient g ≠ 0 is vanishing when |g| ≤ vanishing × max |grad|
      over the graph (relative, so it works at any loss scale).
    - ``show_local``: label every edge with the local derivative ∂child/∂parent.
    - ``title``: a caption above the graph.

    The result's ``.source`` is the DOT text; ``.render("graph.svg")`` writes
    SVG or PNG by extension; in Jupyter it shows inline as SVG.
    """
    _check_options(root, rankdir, fmt, show_grad, collapse, step, vanishing)
    graph = _Graph(root)
    highlighted = _members(graph, highlight, "highlight")
    if step is not None:
        _check_step(graph, step, collapse)
    units = _units(graph, collapse) if collapse else []
    grad_colours = show_grad and step is None
    drawer = _Drawer(graph, fmt, show_grad, vanishing, grad_colours, show_local)
    body = drawer.draw(units, highlighted, step)
    if step is not None and title is None:
        title = _step_title(step, fmt)
    head = {"rankdir": rankdir}
    if title:
        head.update(label=plain_text(title), labelloc="t", fontsize="14")
    lines = ["digraph computation {", f"  graph {attributes(head)};", *body]
    if legend and drawer.used:
        lines.append(legend_node(drawer.legend_entries()))
    lines.append("}")
    return Picture("\n".join(lines) + "\n")


# -- argument checks ---------------------------------------------------------------

def _check_options(root, rankdir, fmt, show_grad, collapse, step, vanishing):
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot() needs a Value to draw the graph of, got "
                        f"{type(root).__name__} {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}; got {rankdir!r}")
    try:
        if not isinstance(fmt, str):
            raise TypeError
        fmt.format(1.0)
    except (TypeError, ValueError, IndexError, KeyError):
        raise ValueError(f"fmt must be a format string for one number, such as '{{:.4f}}'; "
                         f"got {fmt!r}") from None
    if not isinstance(show_grad, bool):
        raise TypeError(f"show_grad must be True or False, got {show_grad!r}")
    if collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be None, 'neuron' or 'layer'; got {collapse!r}")
    if step is not None and not isinstance(step, BackwardStep):
        raise TypeError(f"step must be a BackwardStep from autograd.backward_steps(), got "
                        f"{type(step).__name__} {step!r}")
    if isinstance(vanishing, bool) or not isinstance(vanishing, (int, float)) \
            or not 0 <= vanishing < 1:
        raise ValueError(f"vanishing must be a relative threshold in [0, 1), such as 1e-12; "
                         f"got {vanishing!r}")


def _members(graph, values, what):
    if isinstance(values, Value):
        values = (values,)
    chosen = set()
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"{what} must list Values of the graph, got "
                            f"{type(v).__name__} {v!r}")
        if v not in graph.index:
            raise ValueError(f"{what}: {v!r} is not part of the graph of the root being drawn")
        chosen.add(v)
    return chosen


def _check_step(graph, step, collapse):
    if collapse is not None:
        raise ValueError(f"draw a backward step with collapse=None (got collapse={collapse!r}): "
                         f"a collapsed box hides the edges the step sends gradient along")
    if step.node not in graph.index:
        raise ValueError(f"step {step.index} processes {step.node!r}, which is not part of "
                         f"the graph of the root being drawn")


def _step_title(step, fmt):
    name = step.node.label or step.node.op or "value"
    return (f"backward step {step.index}: {name} has ∂root/∂node = "
            f"{format_number(step.grad, fmt)} and adds local × that to each parent")


# -- the graph and its collapsed units -------------------------------------------------

class _Graph:
    """Root's nodes in topological order, each node's index, and who uses each node."""

    def __init__(self, root):
        self.root = root
        self.order = topological_order(root)
        self.index = {v: i for i, v in enumerate(self.order)}
        self.uses = {}  # node -> [(child, parent position), ...]
        for child in self.order:
            for position, parent in enumerate(child.parents):
                self.uses.setdefault(parent, []).append((child, position))


class _Neuron:
    """A weighted-sum node z = Σwx+b, its leaf weights and bias, and its activation."""

    def __init__(self, graph, z):
        n = (len(z.parents) - 1) // 2
        self.z = z
        self.inputs = z.parents[n:2 * n]
        self.params = [p for p in z.parents[:n] + z.parents[-1:] if p.is_leaf]
        users = graph.uses.get(z, [])
        self.act = None
        if z is not graph.root and len(users) == 1 and users[0][0].op_name in ACTIVATION_OPS:
            self.act = users[0][0]
        self.out = self.act or z
        self.depth = 1


class _Unit:
    """What one collapsed box stands for: one neuron, or a layer of them."""

    def __init__(self, uid, kind, neurons, name):
        self.id = uid
        self.kind = kind
        self.neurons = neurons
        self.name = name
        self.params = [p for nrn in neurons for p in nrn.params]
        self.inputs = [x for nrn in neurons for x in nrn.inputs]


def _units(graph, mode):
    """The boxes of a collapsed drawing, in topological order of their first neuron."""
    neurons = [_Neuron(graph, v) for v in graph.order if v.op_name == "weighted_sum"]
    making = {nrn.out: nrn for nrn in neurons}
    layers = {}
    for nrn in neurons:  # topological order, so every input's neuron has its depth already
        feeding = [making[x].depth for x in nrn.inputs if x in making]
        nrn.depth = 1 + max(feeding, default=0)
        layers.setdefault(tuple(graph.index[x] for x in nrn.inputs), []).append(nrn)
    boxes = []  # (kind, neurons, name)
    for members in layers.values():
        depth = members[0].depth
        if mode == "layer":
            boxes.append(("layer", members, f"layer {depth}"))
        else:
            boxes.extend(("neuron", [nrn], f"neuron {j} · layer {depth}")
                         for j, nrn in enumerate(members, 1))
    boxes.sort(key=lambda box: graph.index[box[1][0].z])
    return [_Unit(f"u{i}", *box) for i, box in enumerate(boxes)]


# -- drawing ---------------------------------------------------------------------------

class _Drawer:
    """Writes the node and edge statements and remembers which legend entries they used."""

    def __init__(self, graph, fmt, show_grad, vanishing, grad_colours, show_local):
        self.graph = graph
        self.fmt = fmt
        self.show_grad = show_grad
        self.vanishing = vanishing
        self.show_local = show_local
        finite = [abs(v.grad) for v in graph.order if math.isfinite(v.grad)]
        self.scale = max(finite, default=0.0)
        # Before any backward pass every grad is 0: nothing to say about gradient health.
        self.grad_colours = grad_colours and (self.scale > 0 or len(finite) < len(graph.order))
        self.used = {}

    def num(self, x):
        return format_number(x, self.fmt)

    def health(self, g):
        """'nonfinite', 'zero', 'vanishing' or None for a gradient g."""
        if not self.grad_colours:
            return None
        if not math.isfinite(g):
            return "nonfinite"
        if g == 0:
            return "zero"
        if abs(g) <= self.vanishing * self.scale:
            return "vanishing"
        return None

    def placement(self, units):
        """({node: id of the box showing it}, parameters shown only inside a unit)."""
        where = {}
        for unit in units:
            for nrn in unit.neurons:
                where[nrn.z] = unit.id
                if nrn.act is not None:
                    where[nrn.act] = unit.id
        folded = self._folded_params(units)
        for i, v in enumerate(self.graph.order):
            if v not in where and v not in folded:
                where[v] = f"n{i}"
        for unit in units:
            for p in unit.params:
                where.setdefault(p, unit.id)  # a highlighted folded parameter marks its box
        return where, folded

    def draw(self, units, highlighted, step):
        """The node and edge statements, in topological order."""
        where, folded = self.placement(units)
        lines, edges = [], []
        box_marks = {}
        for v in highlighted:
            box_marks[where[v]] = {"color": HIGHLIGHT, "penwidth": "3"}
            self.used["highlight"] = None
        if step is not None:
            box_marks[where[step.node]] = {"color": STEP, "penwidth": "3"}
            self.used["step"] = None

        by_id = {unit.id: unit for unit in units}
        drawn_units = set()
        for v in self.graph.order:
            node_id = where[v]
            if node_id.startswith("u"):
                if node_id in drawn_units or v in folded:
                    continue
                drawn_units.add(node_id)
                unit = by_id[node_id]
                lines.append(self._unit_statement(unit, box_marks.get(node_id, {})))
                edges.extend((where[x], unit.id, {}) for x in unit.inputs)
                continue
            lines.append(self._value_statement(v, node_id, box_marks.get(node_id, {})))
            if v.is_leaf:
                continue
            op_id = node_id + "_op"
            stepping = step is not None and step.node is v
            lines.append(self._op_statement(v, op_id, box_marks[node_id] if stepping else {}))
            edges.append((op_id, node_id, {}))
            sent = step.contributions if stepping else None
            for position, (parent, local) in enumerate(zip(v.parents, v.local_grads)):
                edges.append((where[parent], op_id, self._edge_style(local, sent, position, step)))
        if units:
            edges = _unique(edges)
        lines.extend(f"  {a} -> {b}" + (f" {attributes(style)}" if style else "") + ";"
                     for a, b, style in edges)
        return lines

    def _folded_params(self, units):
        """Parameters shown only inside their neuron's box (no other use, not the root)."""
        slot_uses = {}
        for unit in units:
            for p in unit.params:
                slot_uses[p] = slot_uses.get(p, 0) + 1
        return {p for p, n in slot_uses.items()
                if p is not self.graph.root and len(self.graph.uses.get(p, [])) == n}

    def _value_statement(self, v, node_id, marks):
        fields = [v.label] if v.label else []
        fields.append(f"data {self.num(v.data)}")
        if self.show_grad:
            fields.append(f"grad {self.num(v.grad)}")
        kind = self.health(v.grad) if self.show_grad else None
        if kind is None:
            if v is self.graph.root:
                kind = "output"
            elif v.is_leaf:
                kind = "leaf"
            else:
                kind = "intermediate"
        return self._box(node_id, fields, kind, marks)

    def _unit_statement(self, unit, marks):
        acts = {nrn.act.op if nrn.act else "" for nrn in unit.neurons}
        act = acts.pop() if len(acts) == 1 else "mixed"
        size = len(unit.neurons)
        title = unit.name + (f" · {size} neurons" if size > 1 else "")
        formula = unit.neurons[0].z.op + (f" → {act}" if act else "")
        # A lone neuron's z and a keep their own labels (an MLP names them z^[l]_j, a^[l]_j).
        z_name = unit.neurons[0].z.label if size == 1 else ""
        a_name = unit.neurons[0].out.label if size == 1 else ""
        numbers = [f"{z_name or 'z'} {self._numbers([n.z.data for n in unit.neurons])}"]
        if act:
            numbers.append(f"{a_name or 'a'} {self._numbers([n.out.data for n in unit.neurons])}")
        kind = None
        if self.show_grad:
            numbers.append(f"grad {self._numbers([n.out.grad for n in unit.neurons])}")
            if unit.params:
                worst = max((p.grad for p in unit.params),
                            key=lambda g: abs(g) if math.isfinite(g) else math.inf)
                numbers.append(f"max |grad w,b| {self.num(abs(worst))}")
                kind = self.health(worst)
        if kind is None:
            if any(self.graph.root in (n.z, n.out) for n in unit.neurons):
                kind = "output"
            else:
                kind = unit.kind
        return self._box(unit.id, [title, formula, numbers], kind, marks)

    def _numbers(self, xs):
        shown = [self.num(x) for x in xs[:4]] + (["…"] if len(xs) > 4 else [])
        return shown[0] if len(xs) == 1 else "[" + ", ".join(shown) + "]"

    def _box(self, node_id, fields, kind, marks):
        """A record node; a list among ``fields`` is a nested record (stacked across)."""
        self.used[kind] = None
        style = {"shape": "record", "style": "filled", "fillcolor": _FILL[kind],
                 "label": _record(fields), **marks}
        return f"  {node_id} {attributes(style)};"

    def _op_statement(self, v, op_id, marks):
        self.used["op"] = None
        style = {"shape": "ellipse", "style": "filled", "fillcolor": OPERATION,
                 "label": plain_text(v.op), "fontsize": "12", "height": "0.3", **marks}
        return f"  {op_id} {attributes(style)};"

    def _edge_style(self, local, sent, position, step):
        if sent is not None:
            self.used["sent"] = None
            c = sent[position]
            label = f"{self.num(c.local)} × {self.num(step.grad)} = {self.num(c.added)}"
            return {"label": plain_text(label), "color": STEP, "fontcolor": STEP, "penwidth": "2.5"}
        if self.show_local:
            return {"label": plain_text(f"local {self.num(local)}"), "fontsize": "9"}
        return {}

    def legend_entries(self):
        threshold = self.vanishing * self.scale
        meaning = {
            "leaf": ({"bgcolor": LEAF}, "leaf: an input or parameter (gets a gradient)"),
            "output": ({"bgcolor": OUTPUT}, "output: backward starts here"),
            "intermediate": ({"bgcolor": INTERMEDIATE}, "intermediate value"),
            "op": ({"bgcolor": OPERATION}, "operation making the value it points to"),
            "neuron": ({"bgcolor": NEURON},
                       "neuron: Σwx+b and its activation, weights and bias folded in"),
            "layer": ({"bgcolor": LAYER}, "layer: the neurons reading the same inputs"),
            "zero": ({"bgcolor": ZERO_GRAD}, "gradient exactly 0"),
            "vanishing": ({"bgcolor": VANISHING_GRAD},
                          f"vanishing gradient: 0 < |grad| ≤ {self.vanishing:g} × max |grad| "
                          f"= {threshold:.3g}"),
            "nonfinite": ({"bgcolor": NONFINITE_GRAD}, "gradient is nan or inf"),
            "highlight": ({"color": HIGHLIGHT, "border": "3"}, "highlighted"),
            "step": ({"color": STEP, "border": "3"}, "node passing its gradient back this step"),
            "sent": ({"bgcolor": STEP}, "edge: local × incoming = added to the parent's grad"),
        }
        return [meaning[k] for k in meaning if k in self.used]


_FILL = {"leaf": LEAF, "output": OUTPUT, "intermediate": INTERMEDIATE, "neuron": NEURON,
         "layer": LAYER, "zero": ZERO_GRAD, "vanishing": VANISHING_GRAD,
         "nonfinite": NONFINITE_GRAD}


def _record(fields):
    """A record label ``{ a | b | { c | d } }`` from fields (lists nest), text escaped."""
    return "{ " + " | ".join(_record(f) if isinstance(f, list) else record_field(f)
                             for f in fields) + " }"


def _unique(edges):
    """Edges without repeats (first occurrence kept): collapsed boxes share many."""
    seen, kept = set(), []
    for a, b, style in edges:
        key = (a, b, tuple(style.items()))
        if key not in seen:
            seen.add(key)
            kept.append((a, b, style))
    return kept
