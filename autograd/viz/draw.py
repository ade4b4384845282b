"""Computation graphs as pictures: every value a box, every operation a node.

:func:`draw_dot` lays out everything ``root`` depends on the way micrograd
does: each value a record box ``{ label | data … | grad … }`` and each
operation a small separate node feeding the value it produced, and returns a
:class:`~autograd.viz.picture.Picture` (a ``graphviz.Digraph``).  Colours carry
meaning and a legend says which (torchviz's choice for the first three):

* light blue: a leaf (an input or a parameter), which receives a gradient;
* grey dashed, number only: a constant (the 1 in 1 − a, the 3 in 3·x, a target y):
  by default a leaf with no label, as made when a number meets a Value (but not an
  argument of :func:`autograd.dot`: weights, inputs and bias always get gradients);
* green: the output, where backward starts;
* white dashed, data only: a side output, a value computed from the graph that the
  output does not use (``side_outputs=``: a prediction ŷ = σ(z) when the loss reads z
  itself), drawn hanging off its parents; no gradient flows back through it;
* grey: an operation;
* orange: a vanishing gradient, 0 < |grad| ≤ ``vanishing`` × (largest |grad| in
  the graph); pink: a gradient of exactly 0; red: nan or inf.

The saturated 1-1-1 sigmoid question's C = σ(w·a)² at w = 0.8, a = 62.5 has
∂C/∂w ≈ 2.4e-20 against ∂C/∂σ = 2: its ``w`` is drawn orange.

:func:`draw_step` draws one step of :func:`autograd.backward_steps`: the node
whose turn it is, and the edges it just sent gradient along, each labelled
``local × incoming = added``.

Big graphs: this module knows nothing about neurons or layers.  A caller that
does passes ``groups=``, a list of :class:`Group` (or a function of the
topologically ordered nodes returning one), and each group is drawn as one box;
a library registers named groupings with :func:`register_grouping` so that
``collapse="name"`` works (``nn`` registers "neuron" and "layer").  With the
default ``collapse="auto"`` a graph of more than :data:`AUTO_COLLAPSE_VALUES`
values is drawn with the first registered grouping that brings it under that
size.  Every picture gets a Graphviz ``size`` so it fits a notebook cell.

Node ids come from the topological order (``n0``, ``n1``, …; side outputs follow,
in the order given), so the DOT text of a graph is the same every time it is built
the same way.
"""

import math
from dataclasses import dataclass

from .. import ops
from ..backward import BackwardStep, topological_order
from ..value import Value
from .dot import (HtmlLabel, attributes, format_number, html_text, legend_node, plain_text,
                  record_field)
from .render import RENDER_TIMEOUT

LEAF = "#cfe8ff"
CONSTANT = "#f2f2f2"
OUTPUT = "#b9f0b9"
OPERATION = "#e0e0e0"
INTERMEDIATE = "#ffffff"
GROUP_FILLS = ("#fff2b3", "#ffe0a3", "#e6dcff", "#d9f2e6")
"""Fill colours of group boxes, one per kind of group in order of first appearance."""
ZERO_GRAD = "#f4b6c2"
VANISHING_GRAD = "#ff8c42"
NONFINITE_GRAD = "#ff4d4d"
HIGHLIGHT = "#d4a017"
STEP = "#d62728"

RANKDIRS = ("LR", "RL", "TB", "BT")
NOTEBOOK_SIZE = "12,8"
"""Graphviz ``size`` (inches) of a default picture: a larger layout is scaled down to fit
a notebook cell (about 1150 × 770 px as PNG, shown scaled to the cell); a smaller one is left as it is."""
AUTO_COLLAPSE_VALUES = 45
"""``collapse="auto"`` groups a graph with more values than this (a 2-2-2-1 network's loss
has about 35, a 3-4-2 network's about 50)."""
SIDE_BY_SIDE_VALUES = 15
"""Up to this many values, a box's fields run along the flow as in micrograd
(``{ a | data 2.0000 | grad 6.0000 }`` left to right with rankdir LR); a bigger graph
stacks them across it, which makes each rank about three times narrower."""
MAX_NODES = 5000
"""A picture with more nodes and edges than this refuses to render (see ``max_nodes``):
Graphviz takes minutes over it and the result is unreadable anyway."""
REPEATED_LABEL = "{label} (sample {i})"
"""How the i-th of several different nodes sharing one label is named (i from 1, in
topological order): the same forward code run on several samples labels each copy alike."""


@dataclass(frozen=True, eq=False)
class Group:
    """Several nodes of a graph drawn as one box.

    - ``title``: the box's first line, e.g. ``"neuron 2 · layer 1"``.
    - ``members``: every Value drawn inside the box (a leaf member used by nodes
      outside every group that lists it stays drawn on its own).
    - ``shows``: rows of numbers, ``(caption, Values)`` pairs, e.g. ``("z", zs)``;
      the box's grad row is the grads of the last row's Values.
    - ``detail``: a second line, e.g. ``"Σwx+b → tanh"``.
    - ``kind``: groups of one kind share a fill colour and one legend entry, ``meaning``.
    - ``column``: groups with the same column (any hashable, e.g. (sample, layer)) are
      drawn side by side in list order, top to bottom with rankdir LR: the order a
      reader counts them in, not the one Graphviz would pick to shorten edges.
    """

    title: str
    members: tuple
    shows: tuple = ()
    detail: str = ""
    kind: str = "group"
    meaning: str = ""
    column: object = None


_GROUPINGS = {}


def register_grouping(name, grouping):
    """Make ``draw_dot(root, collapse=name)`` draw the groups ``grouping(nodes)`` returns.

    ``grouping`` takes the graph's nodes in topological order and returns a list of
    :class:`Group`.  Groupings registered first are tried first by ``collapse="auto"``."""
    if not isinstance(name, str) or name in (None, "auto"):
        raise ValueError(f"a grouping needs a name other than 'auto', got {name!r}")
    if not callable(grouping):
        raise TypeError(f"grouping {name!r} must be a function of the graph's nodes, "
                        f"got {type(grouping).__name__} {grouping!r}")
    _GROUPINGS[name] = grouping


def draw_step(root, step, **options):
    """Draw ``root``'s graph during one step of :func:`autograd.backward_steps`.

    The node being processed has a red border; each edge to a parent is red and
    labelled ``∂node/∂parent × ∂root/∂node = added``, the chain-rule term just
    added to the parent's gradient.  Grads shown are those accumulated so far::

        for step in backward_steps(loss):
            display(draw_step(loss, step))

    ``options`` are those of :func:`draw_dot`; the graph is never collapsed."""
    options.setdefault("collapse", None)
    return draw_dot(root, step=step, **options)


def draw_dot(root, format="svg", rankdir="LR", *, fmt="{:.4f}", show_grad=True, highlight=(),
             collapse="auto", groups=None, constants=None, legend=True, step=None,
             vanishing=1e-12, show_local=False, title=None, size=NOTEBOOK_SIZE,
             stacked=None, side_outputs=(), max_nodes=MAX_NODES, timeout=RENDER_TIMEOUT):
    """The computation graph of everything ``root`` depends on, as a ``graphviz.Digraph``.

    micrograd's ``draw_dot(root, format='svg', rankdir='LR')`` works unchanged:

    - ``format``: what ``.render()`` and ``.pipe()`` produce ("svg", "png", "pdf").
    - ``rankdir``: "LR" (inputs left, output right; the default), "RL", "TB" or "BT".

    and these are keywords:

    - ``fmt``: format for data and grads, e.g. ``"{:.4f}"``; a nonzero number
      that would print as zeros is shown in e-notation instead.
    - ``show_grad``: show each node's ``.grad`` and colour gradient health.
    - ``highlight``: Values to draw with a thick gold border.
    - ``collapse``: "auto" (group a graph of more than :data:`AUTO_COLLAPSE_VALUES`
      values with the registered groupings), None (every node), or the name of a
      registered grouping ("neuron", "layer" once ``nn`` is imported).
    - ``groups``: a list of :class:`Group`, or a function of the topologically
      ordered nodes returning one; overrides ``collapse``.
    - ``constants``: Values to draw as constants (number only, no gradient); None
      means every leaf without a label that is not an argument of ``autograd.dot``.
    - ``legend``: add a table saying what each colour means.
    - ``step``: a :class:`~autograd.BackwardStep` to draw (see :func:`draw_step`).
    - ``vanishing``: a gradient g ≠ 0 is vanishing when |g| ≤ vanishing × max |grad|
      over the graph (relative, so it works at any loss scale).
    - ``show_local``: label every edge with the local derivative ∂child/∂parent.
    - ``title``: a caption above the graph.
    - ``size``: Graphviz ``size`` in inches (a larger layout is scaled down to it);
      None leaves the natural size.
    - ``stacked``: True stacks a box's fields across the flow (a narrow picture), False
      runs them along it as micrograd does; None (the default) stacks them in a graph of
      more than :data:`SIDE_BY_SIDE_VALUES` values.
    - ``side_outputs``: Values computed from the graph's nodes (or from side outputs
      listed before them) that ``root`` does not depend on (an MLP's prediction
      ŷ = σ(z^[L]) when BCE reads z^[L] itself), each drawn dashed, hanging off its
      parents, with its data and no gradient: none flows back through it.  One that
      ``root`` does depend on is drawn as usual.  Their ids follow the graph's:
      ``n{len(order)}``, … in the order given.
    - ``max_nodes``: rendering refuses a picture of more nodes and edges than this
      (None: no limit); ``timeout``: seconds the layout may take.

    The result's ``.source`` is the DOT text; ``.render('gout')`` writes ``gout``
    and ``gout.svg``, ``.render('graph.png')`` just the image; in Jupyter it shows
    inline as SVG.
    """
    _check_options(root, format, rankdir, fmt, show_grad, step, vanishing)
    graph = _Graph(root, side_outputs)
    highlighted = _members(graph, highlight, "highlight")
    constant = (_members(graph, constants, "constants") if constants is not None
                else default_constants(graph.order))
    if step is not None:
        _check_step(graph, step, collapse, groups)
    chosen, note = _choose_groups(graph, collapse, groups)
    grad_colours = show_grad and step is None
    drawer = _Drawer(graph, fmt, show_grad, vanishing, grad_colours, show_local, constant,
                     stacked)
    body = drawer.draw(chosen, highlighted, step)
    if step is not None and title is None:
        title = _step_title(step, fmt)
    caption = "\\n".join(plain_text(t) for t in (title, note) if t)
    head = {"rankdir": rankdir}
    if size:
        head["size"] = size
    if caption:
        head.update(label=caption, labelloc="t", fontsize="14")
    if legend and drawer.used:
        body.append(legend_node(drawer.legend_entries()))
    return new_picture("computation", format, head, body, len(body), max_nodes, timeout,
                       f"This picture has {len(body)} nodes and edges, more than "
                       f"max_nodes={max_nodes}. Draw it collapsed (collapse='layer', or "
                       f"groups=), or fewer samples, or pass max_nodes=None to render anyway.")


def new_picture(name, format, head, body, boxes, max_nodes, timeout, hint):
    """A :class:`~autograd.viz.picture.Picture` of DOT statements.

    ``head`` holds the graph attributes, ``body`` the statements (no trailing ``;``),
    ``boxes`` how many nodes and edges they draw; rendering more than ``max_nodes`` is
    refused with ``hint``, which says how big the picture is and how to draw less.  graphviz is imported here, so importing
    autograd never loads it."""
    import graphviz

    from .picture import Picture

    picture = Picture(name, format=format, nodes=boxes, max_nodes=max_nodes,
                      timeout=timeout, size_hint=hint)
    # nohtml: a caption is text even when it is shaped <...> (graphviz would pass it as HTML).
    picture.graph_attr.update({key: graphviz.nohtml(str(value)) for key, value in head.items()})
    picture.body.extend(f"\t{statement}\n" for statement in body)
    return picture


# -- argument checks ---------------------------------------------------------------

def described(obj):
    """An unexpected argument as an error names it: its type, with the module unless
    built in (micrograd's ``Value`` is not ``autograd.Value``, and "got Value" would not
    say so), then its repr."""
    kind = type(obj)
    module = "" if kind.__module__ == "builtins" else kind.__module__ + "."
    return f"{module}{kind.__qualname__} {obj!r}"


def needs_value(who, what, obj):
    """The TypeError for ``who`` given ``obj`` where an ``autograd.Value`` was needed."""
    hint = ""
    if type(obj).__name__ == "Value":
        hint = (" Build the graph with `from autograd import Value` (micrograd's code runs "
                "unchanged with it).")
    return TypeError(f"{who} needs {what}, got {described(obj)}.{hint}")


def _check_options(root, format, rankdir, fmt, show_grad, step, vanishing):
    if not isinstance(root, Value):
        raise needs_value("draw_dot()", "an autograd.Value (backproplab's engine) to draw the "
                          "graph of", root)
    if not isinstance(format, str) or format not in ("svg", "png", "pdf"):
        raise ValueError(f"format must be 'svg', 'png' or 'pdf'; got {format!r}")
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
    elif isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{what} must be a Value or a list of Values of the graph, got "
                        f"{type(values).__name__} {values!r}")
    chosen = set()
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"{what} must list Values of the graph, got "
                            f"{type(v).__name__} {v!r}")
        if v not in graph.index:
            raise ValueError(f"{what}: {v!r} is not part of the graph of the root being drawn")
        chosen.add(v)
    return chosen


def _check_step(graph, step, collapse, groups):
    if collapse not in (None, "auto") or groups is not None:
        raise ValueError(f"draw a backward step with collapse=None and no groups (got "
                         f"collapse={collapse!r}): a collapsed box hides the edges the step "
                         f"sends gradient along")
    if step.node not in graph.index:
        raise ValueError(f"step {step.index} processes {step.node!r}, which is not part of "
                         f"the graph of the root being drawn")


def _step_title(step, fmt):
    name = step.node.label or step.node.op or "value"
    return (f"backward step {step.index}: {name} has ∂root/∂node = "
            f"{format_number(step.grad, fmt)} and adds local × that to each parent")


# -- the graph and its groups ------------------------------------------------------------

class _Graph:
    """Root's nodes in topological order, each node's index, who uses each node, and the
    side outputs: values computed from the graph's nodes that root does not use."""

    def __init__(self, root, side_outputs=()):
        self.root = root
        self.order = topological_order(root)
        self.index = {v: i for i, v in enumerate(self.order)}
        self.uses = {}  # node -> [(child, parent position), ...]
        for child in self.order:
            for position, parent in enumerate(child.parents):
                self.uses.setdefault(parent, []).append((child, position))
        self.side = side_values(self.order, side_outputs)


def side_values(order, side_outputs):
    """The Values of ``side_outputs`` (a Value or an iterable of Values) that are not in
    ``order`` (a graph's nodes), without repeats, each checked to be computed from nodes
    of ``order`` or side outputs before it (a softmax output: exp of a log-softmax node
    the loss does not read either): a ValueError names one that is not."""
    if isinstance(side_outputs, Value):
        side_outputs = (side_outputs,)
    elif isinstance(side_outputs, (str, bytes)) or not hasattr(side_outputs, "__iter__"):
        raise TypeError(f"side_outputs must be a Value or a list of Values, got "
                        f"{described(side_outputs)}")
    members = set(order)
    side = []
    for v in side_outputs:
        if not isinstance(v, Value):
            raise TypeError(f"side_outputs must list Values, got {described(v)}")
        if v in members:   # on the graph, or given already
            continue
        outside = [p for p in v.parents if p not in members]
        if v.is_leaf or outside:
            raise ValueError(f"side_outputs: {v!r} is not computed from the graph of the root "
                             f"being drawn" + (f" ({outside[0]!r} is neither part of it nor "
                                               f"a side output listed before)" if outside else ""))
        members.add(v)   # a later side output may be computed from it
        side.append(v)
    return side


def default_constants(order):
    """The leaves drawn as constants by default, among ``order`` (a graph's nodes in
    topological order, the root last): those without a label, except the weights, inputs
    and bias of an ``autograd.dot`` (a weighted sum's arguments are what a learner wants
    gradients for, labelled or not)."""
    summed = {p for v in order if v.primitive is ops.dot for p in v.parents}
    root = order[-1] if order else None
    return {v for v in order if v.is_leaf and not v.label and v is not root and v not in summed}


def _choose_groups(graph, collapse, groups):
    """(the groups to draw, a note for the caption saying what was collapsed)."""
    if groups is not None:
        return _checked_groups(graph, groups(graph.order) if callable(groups) else groups), ""
    if collapse is None:
        return [], ""
    if collapse == "auto":
        if len(graph.order) <= AUTO_COLLAPSE_VALUES:
            return [], ""
        chosen = []
        for name, grouping in _GROUPINGS.items():
            chosen = _checked_groups(graph, grouping(graph.order))
            if chosen and _boxes(graph, chosen) <= AUTO_COLLAPSE_VALUES:
                break
        if not chosen:
            return [], ""
        return chosen, (f"{len(graph.order)} values, drawn one box per {name} "
                        f"(collapse=None draws every value)")
    if collapse not in _GROUPINGS:
        known = ", ".join(repr(n) for n in (None, "auto", *_GROUPINGS))
        hint = "" if _GROUPINGS else " (import nn to register 'neuron' and 'layer')"
        raise ValueError(f"collapse must be one of {known}; got {collapse!r}{hint}")
    return _checked_groups(graph, _GROUPINGS[collapse](graph.order)), ""


def _boxes(graph, groups):
    inside = {v for g in groups for v in g.members}
    return len(graph.order) - len(inside) + len(groups)


def _checked_groups(graph, groups):
    groups = list(groups)
    for g in groups:
        if not isinstance(g, Group):
            raise TypeError(f"groups must be autograd.viz.Group objects, got "
                            f"{type(g).__name__} {g!r}")
        for v in g.members:
            if v not in graph.index:
                raise ValueError(f"group {g.title!r} lists {v!r}, which is not part of the "
                                 f"graph of the root being drawn")
    return groups


# -- drawing ---------------------------------------------------------------------------

class _Drawer:
    """Writes the node and edge statements and remembers which legend entries they used."""

    def __init__(self, graph, fmt, show_grad, vanishing, grad_colours, show_local, constants,
                 stacked=None):
        self.graph = graph
        self.fmt = fmt
        self.show_grad = show_grad
        self.vanishing = vanishing
        self.show_local = show_local
        self.constants = constants
        finite = [abs(v.grad) for v in graph.order
                  if math.isfinite(v.grad) and v not in constants]
        self.scale = max(finite, default=0.0)
        # Before any backward pass every grad is 0: nothing to say about gradient health.
        self.grad_colours = grad_colours and (self.scale > 0 or len(finite) < len(graph.order))
        self.names = _display_names(graph.order + graph.side)
        self.stacked = len(graph.order) > SIDE_BY_SIDE_VALUES if stacked is None else stacked
        self.used = {}
        self.kinds = {}  # group kind -> (fill, meaning)

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

    def placement(self, groups):
        """({node: id of the box showing it}, leaves shown only inside groups)."""
        listing = {}  # leaf -> the groups that list it
        where = {}
        for i, g in enumerate(groups):
            for v in g.members:
                if v.is_leaf:
                    listing.setdefault(v, set()).add(i)
                else:
                    where.setdefault(v, f"g{i}")
        folded = set()
        for v, owners in listing.items():
            users = self.graph.uses.get(v, [])
            if v is not self.graph.root and users and all(
                    where.get(child, "")[1:].isdigit() and int(where[child][1:]) in owners
                    for child, _ in users):
                folded.add(v)
        for i, v in enumerate(self.graph.order):
            if v not in where and v not in folded:
                where[v] = f"n{i}"
        return where, folded

    def draw(self, groups, highlighted, step):
        """The node and edge statements, in topological order."""
        where, folded = self.placement(groups)
        lines, edges = [], []
        box_marks = {}
        for v in highlighted:
            box_marks[where.get(v) or self._owner(v, groups)] = {"color": HIGHLIGHT,
                                                                "penwidth": "3"}
            self.used["highlight"] = None
        if step is not None:
            box_marks[where[step.node]] = {"color": STEP, "penwidth": "3"}
            self.used["step"] = None

        drawn_groups = set()
        for v in self.graph.order:
            if v in folded:
                continue
            node_id = where[v]
            if node_id.startswith("g"):
                if node_id in drawn_groups:
                    continue
                drawn_groups.add(node_id)
                g = groups[int(node_id[1:])]
                lines.append(self._group_statement(g, node_id, box_marks.get(node_id, {})))
                edges.extend((where[p], node_id, {}) for m in g.members if not m.is_leaf
                             for p in m.parents if p not in folded and where[p] != node_id)
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
                if parent not in folded:
                    edges.append((where[parent], op_id,
                                  self._edge_style(local, sent, position, step)))
        first = len(self.graph.order)
        for k, v in enumerate(self.graph.side):
            node_id = where[v] = f"n{first + k}"
            lines.append(self._side_statement(v, node_id))
            lines.append(self._op_statement(v, node_id + "_op", {"style": "filled,dashed"}))
            edges.append((node_id + "_op", node_id, {"style": "dashed"}))
            edges.extend((where.get(p) or self._owner(p, groups), node_id + "_op",
                          {"style": "dashed"}) for p in v.parents)
        if groups:
            edges = _unique(edges)
        lines.extend(self._columns(groups))
        lines.extend(f"{a} -> {b}" + (f" {attributes(style)}" if style else "")
                     for a, b, style in edges)
        return lines

    def _columns(self, groups):
        """Statements pinning each column's groups in list order (invisible edges)."""
        columns = {}
        for i, g in enumerate(groups):
            if g.column is not None:
                columns.setdefault(g.column, []).append(f"g{i}")
        pins = []
        for ids in columns.values():
            if len(ids) > 1:
                pins.append("{rank=same; " + " -> ".join(ids) + " [style=invis]}")
        return pins

    def _owner(self, v, groups):
        return next(f"g{i}" for i, g in enumerate(groups) if v in g.members)

    def _value_statement(self, v, node_id, marks):
        if v in self.constants:
            self.used["constant"] = None
            style = {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": CONSTANT,
                     "color": "#888888", "fontcolor": "#555555", "fontsize": "11",
                     "height": "0.3", "label": plain_text(self._constant_text(v)), **marks}
            return f"{node_id} {attributes(style)}"
        name = self.names.get(v, v.label)
        fields = [name] if name else []
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

    def _side_statement(self, v, node_id):
        """A side output's box: its name and data, dashed, no gradient (none reaches it)."""
        name = self.names.get(v, v.label)
        fields = ([name] if name else []) + [f"data {self.num(v.data)}"]
        return self._box(node_id, fields, "side", {"style": "filled,dashed"})

    def _constant_text(self, v):
        # The number as typed (1, 0.5, 3), not padded to fmt's digits like a computed value.
        number = f"{v.data:.6g}"
        return f"{v.label} = {number}" if v.label else number

    def _group_statement(self, g, node_id, marks):
        rows = [f"{caption} {self._numbers([v.data for v in values])}"
                for caption, values in g.shows]
        kind = None
        if self.show_grad:
            if g.shows:
                rows.append(f"grad {self._numbers([v.grad for v in g.shows[-1][1]])}")
            inner = [v.grad for v in g.members if v.is_leaf and v not in self.constants]
            if inner:
                worst = max(inner, key=lambda x: abs(x) if math.isfinite(x) else math.inf)
                rows.append(f"max |grad| inside {self.num(abs(worst))}")
                kind = self.health(worst)
        if kind is None:
            kind = "output" if self.graph.root in g.members else self._group_kind(g)
        lines = [g.title] + ([g.detail] if g.detail else []) + rows
        self.used[kind] = None
        fill = self.kinds[kind][0] if kind in self.kinds else _FILL[kind]
        # An HTML-like label, not a record: Graphviz cannot pin the order of record
        # nodes in a rank (see _columns), and the lines read top to bottom either way.
        cells = "<hr/>".join(f"<tr><td>{html_text(line)}</td></tr>" for line in lines)
        table = HtmlLabel(f'<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
                          f'{cells}</table>')
        style = {"shape": "box", "style": "filled", "fillcolor": fill, "margin": "0.05",
                 "label": table, **marks}
        return f"{node_id} {attributes(style)}"

    def _group_kind(self, g):
        key = "group:" + g.kind
        if key not in self.kinds:
            fill = GROUP_FILLS[len(self.kinds) % len(GROUP_FILLS)]
            self.kinds[key] = (fill, g.meaning or f"{g.kind}: several values in one box")
        return key

    def _numbers(self, xs):
        shown = [self.num(x) for x in xs[:4]] + (["…"] if len(xs) > 4 else [])
        return shown[0] if len(xs) == 1 else "[" + ", ".join(shown) + "]"

    def _box(self, node_id, fields, kind, marks):
        """A record node; a list among ``fields`` is a nested record (stacked across)."""
        self.used[kind] = None
        fill = self.kinds[kind][0] if kind in self.kinds else _FILL[kind]
        label = _record(fields)
        if self.stacked:  # without the outer braces the fields run across the flow
            label = label[2:-2]
        style = {"shape": "record", "style": "filled", "fillcolor": fill,
                 "label": label, **marks}
        return f"{node_id} {attributes(style)}"

    def _op_statement(self, v, op_id, marks):
        self.used["op"] = None
        style = {"shape": "ellipse", "style": "filled", "fillcolor": OPERATION,
                 "label": plain_text(v.op), "fontsize": "12", "height": "0.3", **marks}
        return f"{op_id} {attributes(style)}"

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
            "constant": ({"bgcolor": CONSTANT}, "constant: a number, no gradient needed"),
            "output": ({"bgcolor": OUTPUT}, "output: backward starts here"),
            "side": ({"bgcolor": INTERMEDIATE, "style": "dashed"},
                     "side output: not used by the output, so no gradient flows back to it"),
            "intermediate": ({"bgcolor": INTERMEDIATE}, "intermediate value"),
            "op": ({"bgcolor": OPERATION}, "operation making the value it points to"),
            **{key: ({"bgcolor": fill}, text) for key, (fill, text) in self.kinds.items()},
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


_FILL = {"leaf": LEAF, "output": OUTPUT, "intermediate": INTERMEDIATE, "side": INTERMEDIATE,
         "zero": ZERO_GRAD,
         "vanishing": VANISHING_GRAD, "nonfinite": NONFINITE_GRAD}


def _display_names(order):
    """{node: name} for nodes whose label other nodes share: the i-th gets "(sample i)"."""
    sharing = {}
    for v in order:
        if v.label:
            sharing.setdefault(v.label, []).append(v)
    return {v: REPEATED_LABEL.format(label=label, i=i)
            for label, nodes in sharing.items() if len(nodes) > 1
            for i, v in enumerate(nodes, 1)}


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
