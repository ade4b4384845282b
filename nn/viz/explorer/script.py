"""The explorer's script: every step of a forward pass, a backward pass and an update,
computed by the engine and written out as the numbers and formulas a learner reads.

:func:`graph_script` walks a scalar graph:

* step 0: the leaves' values are known, every other node is pending (``?``);
* forward: one step per operation node in topological order, ``z = formula = numbers = value``
  (a side output, a value computed from the graph that the root does not use, right
  after its parents: it is drawn hanging off them, and no gradient flows back to it);
* backward: one step per operation node in the order of :func:`autograd.backward_steps`
  (the root first): the gradient ∂L/∂v arriving at it, each parent's local derivative
  ∂v/∂p (formula and number) and the contribution ``∂L/∂p += ∂v/∂p · ∂L/∂v = local ×
  incoming = added``.  A gradient is shown (``grad ?`` until then) at the step that
  sends its last contribution, when it is complete; a leaf has nothing to pass on, so
  it has no step of its own;
* update (with ``params`` and ``lr``): ``θ ← θ − α ∂L/∂θ`` for every parameter.

Constants (the 1 in 1 − a, a target y: by default every leaf without a label, as
:func:`autograd.draw_dot` draws them) are numbers: no gradient, no step, named by their
value in the formulas.  Unlabelled intermediates are named by their operation
(``a − 1``, ``ln(ŷ)``; ``mul₂`` where that would be long).

Each step carries the changes to the nodes' shown values (``set``), so a front end
reaches step k by applying steps 0 … k to the initial state: going back restores
exactly the earlier state.  Numbers are strings with six significant digits, as the
``backprop explain`` tables print them, with one minus sign (−) throughout; every one
is read off the engine's nodes.
"""

from autograd import Value, backward_steps, topological_order, zero_grad
from autograd.viz.draw import default_constants, described, side_values

from .formulas import forward_formula, local_formula, number
from .pictures import graph_svg

MAX_NODES = 600
"""Graphs with more nodes are refused: a picture that large cannot be read step by step."""

UNKNOWN = "?"
MINUS = "−"
MAX_DERIVED_NAME = 16
"""An unlabelled intermediate is named by its formula up to this length, else ``op₁``."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def shown(x):
    """``x`` as every view of the explorer shows it: six significant digits, one minus sign."""
    return number(x).replace("-", MINUS)


def _operand(x):
    text = shown(x)
    return f"({text})" if text.startswith(MINUS) else text


def _ascii_operand(x):
    text = number(x)
    return f"({text})" if text.startswith("-") else text


def operand_name(name):
    """``name`` as an operand in a formula: parenthesised when it is itself a formula
    (``a − 1`` in ``(a − 1)^2``, ``∂L/∂(a − 1)``) or starts with a minus sign
    (``a · (−2)``, ``σ(−(−z))``, ``∂L/∂(−z)``)."""
    if name.startswith(MINUS) and len(name) > 1:
        return f"({name})"
    depth = 0
    for ch in name:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == " " and depth == 0:
            return f"({name})"
    return name


def _check_graph(root, order, params, lr, constants):
    if len(order) > MAX_NODES:
        raise ValueError(f"explore(): the graph has {len(order)} nodes, more than "
                         f"{MAX_NODES} can be stepped through legibly; explore a smaller "
                         f"network or batch")
    members = set(order)
    for what, values in (("params", params), ("constants", constants)):
        for p in values:
            if not isinstance(p, Value):
                raise TypeError(f"explore(): {what} must be Values of the graph, got "
                                f"{described(p)}")
            if p not in members:
                raise ValueError(f"explore(): {what[:-1]} {p!r} is not part of the graph of "
                                 f"{root!r}")
            if not p.is_leaf:
                raise ValueError(f"explore(): {what[:-1]} {p!r} is computed from other nodes; "
                                 f"only leaves can be " + ("updated by gradient descent"
                                                           if what == "params" else "constants"))
    if set(params) & set(constants):
        raise ValueError("explore(): a value cannot be both a parameter (updated by its "
                         "gradient) and a constant (no gradient)")
    if params and lr is None:
        raise ValueError("explore(): params were given but no learning rate lr to update them")
    if lr is not None:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise ValueError(f"explore(): lr must be a number > 0, got {lr!r}")
        if not params:
            raise ValueError(f"explore(): lr={lr!r} was given but no params to update")


def _once(text, operands):
    # an operand parenthesised as a formula, inside f(…) too, reads f(x · w), not f((x · w))
    for name in set(operands):
        if name.startswith("("):
            text = text.replace(f"({name})", name)
    return text


def formula_of(v, names):
    """``v``'s formula in its parents' names, a parent that is itself a formula in
    parentheses once: ``(a − 1)^2``, ``tanh(x · w)``."""
    operands = [operand_name(names[p]) for p in v.parents]
    return _once(forward_formula(v, operands), operands)


def node_names(order, root, constants):
    """{node: the name every view calls it}: its label; ``L`` for an unlabelled root; a
    constant's number; an unlabelled intermediate's formula in its parents' names
    (``a − 1``), or its operation and a count (``mul₂``) where the formula is long."""
    names, taken, counts = {}, {}, {}
    for v in order:
        if v.label:
            name = v.label
        elif v is root:
            name = "L"
        elif v in constants:
            name = f"{v.data:.6g}".replace("-", MINUS)
        elif v.is_leaf:
            counts["u"] = counts.get("u", 0) + 1
            name = "u" + str(counts["u"]).translate(_SUBSCRIPTS)
        else:
            name = formula_of(v, names)
            if len(name) > MAX_DERIVED_NAME:
                op = v.primitive.name.replace("_const", "")
                counts[op] = counts.get(op, 0) + 1
                name = op + str(counts[op]).translate(_SUBSCRIPTS)
        if v not in constants:
            # two nodes, one name (the same label, or the same formula twice): primes tell them apart
            taken[name] = taken.get(name, 0) + 1
            if taken[name] > 1:
                name += "′" * (taken[name] - 1)
        names[v] = name
    return names


class _Labels:
    """Gives every node that is not a constant its name as its label while the graph is
    drawn, so the picture and the formulas use the same names; restores the labels after."""

    def __init__(self, names, constants):
        self.names = names
        self.constants = constants
        self.saved = {v: v.label for v in names}

    def __enter__(self):
        for v, name in self.names.items():
            if v not in self.constants:
                v.label = name
        return self

    def __exit__(self, *exc):
        for v, label in self.saved.items():
            v.label = label


class _WidestData:
    """Shows each parameter with the longer of its value before and after the update
    while the graph is laid out; restores the values after."""

    def __init__(self, params, lr):
        self.params, self.lr = params, lr
        self.saved = [p.data for p in params]

    def __enter__(self):
        for p in self.params:
            new = p.data - self.lr * p.grad
            if len(number(new)) > len(number(p.data)):
                p.data = new

    def __exit__(self, *exc):
        for p, data in zip(self.params, self.saved):
            p.data = data


def graph_script(root, params=(), lr=None, title=None, constants=None, remarks=None,
                 edits=None, side=()):
    """The step-by-step script of ``root``'s forward pass, backward pass and (with
    ``params`` and ``lr``) the update θ ← θ − α ∂L/∂θ, as a JSON-ready dict.

    ``constants``: leaves to show as numbers with no gradient (a labelled target y),
    besides every leaf without a label (as :func:`autograd.draw_dot` draws them).
    ``side``: values computed from the graph that ``root`` does not use (an MLP's
    prediction ŷ = σ(z^[L]) when BCE reads z^[L]), in topological order, or a dict of
    them to a note for their forward step: each is computed right after its parents,
    drawn hanging off them, has no gradient, and is done when its parents' gradients
    are complete.  ``remarks(completed)`` may return (lines, notes) to add to the
    backward step that completes the gradients of the nodes ``completed``;
    ``edits(node)`` the key by which a front end asks to change a leaf (default
    ``{"node": id}`` for every leaf).  The graph's gradients are zeroed and left as one
    backward pass from ``root`` leaves them; ``params`` are not changed.
    """
    if not isinstance(root, Value):
        raise TypeError(f"explore() needs an autograd.Value (a loss) to explore, got "
                        f"{described(root)}")
    params = list(params)
    order = topological_order(root)
    given = [] if constants is None else list(constants)
    _check_graph(root, order, params, lr, given)
    side_notes = side if isinstance(side, dict) else {}
    side = side_values(order, side)
    constants = (set(default_constants(order)) - set(params)) | set(given)
    ids = {v: f"n{i}" for i, v in enumerate(order + side)}
    walk = _walk_order(order, side)
    names = node_names(walk, root, constants)
    remarks = remarks or (lambda completed: ([], []))
    zero_grad(root)
    nodes = [{"id": ids[v], "name": names[v], "op": v.op, "leaf": v.is_leaf,
              "param": v in params, "constant": v in constants,
              "edit": (edits(v) if edits else {"node": ids[v]}) if v.is_leaf else None}
             for v in order]
    nodes += [{"id": ids[v], "name": names[v], "op": v.op, "leaf": False, "param": False,
               "constant": False, "side": True, "edit": None} for v in side]
    initial = {ids[v]: {"data": shown(v.data) if v.is_leaf else UNKNOWN, "grad": UNKNOWN,
                        "status": "constant" if v in constants
                        else "known" if v.is_leaf else "pending"} for v in order}
    # a side output has no gradient: its state has none to show
    initial.update({ids[v]: {"data": UNKNOWN, "status": "pending"} for v in side})
    operations = sum(1 for v in order if not v.is_leaf)
    lines = [f"{len(order)} nodes, {operations} operations; the forward pass computes every "
             f"other node's value, then the backward pass every ∂{names[root]}/∂v."]
    if side:
        one = len(side) == 1
        lines.append(f"{_listed([names[v] for v in side])} "
                     f"{'is a side output' if one else 'are side outputs'} (drawn dashed): "
                     f"computed from the graph but not used by {names[root]}, so no gradient "
                     f"flows back through {'it' if one else 'them'}.")
    steps = [{"phase": "start", "node": None, "title": "Start: the leaves' values are given",
              "lines": lines, "set": {}}]
    steps += _forward_steps(walk, ids, names, side_notes)
    steps += _backward_steps(root, order, side, ids, names, constants, remarks)
    steps += _update_steps(root, params, lr, ids, names)
    steps.append({"phase": "end", "node": None, "title": "Done",
                  "lines": _summary(root, params, lr, names), "set": {}})
    # Drawn after the backward pass, so each box is laid out wide enough for its
    # gradient, and with the longer of each parameter's old and new value.
    with _Labels(names, constants), _WidestData(params, lr):
        svg = graph_svg(root, title=title, constants=constants, side_outputs=side)
    return {"kind": "graph", "title": title or f"Backpropagation through {names[root]}",
            "root": ids[root], "nodes": nodes, "initial": initial, "steps": steps,
            "graph_svg": svg}


def _listed(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _summary(root, params, lr, names):
    lines = [f"{names[root]} = {shown(root.data)}"]
    if params:
        lines.append(f"updated {len(params)} parameter{'s' if len(params) > 1 else ''} with "
                     f"α = {shown(lr)}")
    return lines


def _edges(v, ids, constants=()):
    return [f"{ids[p]}->{ids[v]}_op" for p in v.parents if p not in constants]


def _walk_order(order, side):
    """The graph's nodes ``order`` with the side outputs ``side`` (in topological order)
    each placed right after its last parent on the graph, as the forward pass meets them."""
    position = {v: i for i, v in enumerate(order)}
    anchor, after = {}, {}
    for v in side:   # a side parent's anchor stands for it
        anchor[v] = max((anchor.get(p, p) for p in v.parents), key=position.__getitem__)
        after.setdefault(anchor[v], []).append(v)
    return [w for v in order for w in (v, *after.get(v, ()))]


def _forward_steps(walk, ids, names, side_notes):
    steps = []
    for v in walk:
        if v.is_leaf:
            continue
        steps.append(_forward_step(v, ids, names))
        if side_notes.get(v):
            steps[-1]["notes"] = [side_notes[v]]
    return steps


def _forward_step(v, ids, names):
    name = names[v]
    formula = formula_of(v, names)
    # formulas.py unwraps a negative operand written "(-2)" inside f(…), so the
    # numbers stay ASCII until the line is written
    plugged = forward_formula(v, [_ascii_operand(p.data) for p in v.parents])
    plugged = plugged.replace("-", MINUS)
    lines = [f"{name} = {formula}", f"= {plugged}"] if formula != name \
        else [f"{name} = {plugged}"]
    if plugged != shown(v.data):   # −z = −50 is its value already
        lines.append(f"= {shown(v.data)}")
    return {"phase": "forward", "node": ids[v], "title": f"Forward: {name}",
            "lines": lines,
            "set": {ids[v]: {"data": shown(v.data), "status": "computed"}},
            "edges": _edges(v, ids)}


class _Arrivals:
    """The gradient contributions that have reached each node, in the engine's order: how
    many of its uses have sent one, and the running sum (p.grad += added, as the engine)."""

    def __init__(self, order, constants):
        self.uses, self.arrived, self.running = {}, {}, {}
        for child in order:
            for p in child.parents:
                if p not in constants:
                    self.uses[p] = self.uses.get(p, 0) + 1

    def add(self, node, added):
        """Count one contribution to ``node``: (complete now, the sum so far as shown, where
        the sum stands in words)."""
        self.arrived[node] = self.arrived.get(node, 0) + 1
        self.running[node] = self.running.get(node, 0.0) + added
        done = self.arrived[node] == self.uses[node]
        where = " (complete)" if done else \
            f" so far ({self.arrived[node]} of {self.uses[node]} contributions)"
        return done, shown(self.running[node]), where


def _backward_steps(root, order, side, ids, names, constants, remarks):
    R = operand_name(names[root])
    arrivals = _Arrivals(order, constants)
    # a side output is done once its parents' gradients are complete (the root's at once)
    # and its side parents are done
    waiting = {v: {p for p in v.parents if p not in constants and p is not root} for v in side}
    steps = []
    for step in backward_steps(root):
        v = step.node
        if step.index > 0 and v.is_leaf:
            continue   # its gradient was shown complete with its last contribution
        name = operand_name(names[v])
        incoming = shown(step.grad)
        if step.index == 0:
            changes = {ids[v]: {"grad": incoming, "status": "done"}}
            lines = [f"∂{R}/∂{R} = {incoming}: the backward pass starts at the output; every "
                     f"other gradient is ? until all of its contributions have arrived"]
        else:
            changes = {ids[v]: {"status": "done"}}
            lines = [f"∂{R}/∂{name} = {incoming}, complete: every node that uses "
                     f"{name} has sent its contribution"]
        if v.is_leaf:
            lines.append(f"{name} is a leaf: nothing to pass on")
        completed = _contributions(step, R, names, constants, arrivals, lines)
        changes.update({ids[p]: {"grad": shown(p.grad), "status": "complete"}
                        for p in completed})
        finished = set(completed)
        for s in list(waiting):   # in order: a side parent is done before its children
            waiting[s].difference_update(finished)
            if not waiting[s]:
                changes[ids[s]] = {"status": "done"}
                finished.add(s)
                del waiting[s]
        more, notes = remarks(completed)
        record = {"phase": "backward", "node": ids[v], "title": f"Backward: {names[v]}",
                  "lines": lines + more, "set": changes, "edges": _edges(v, ids, constants)}
        if notes:
            record["notes"] = notes
        steps.append(record)
    return steps


def _contributions(step, R, names, constants, arrivals, lines):
    """Append the lines of each contribution of ``step`` (its node's local derivative and
    what it adds to each parent's gradient); return the parents it completes."""
    v = step.node
    name = operand_name(names[v])
    parents = [operand_name(names[p]) for p in v.parents]
    completed = []
    for position, c in enumerate(step.contributions):
        if c.parent in constants:
            continue
        p = parents[position]
        formula = _once(local_formula(v, parents, position, name), parents + [name])
        local = shown(c.local)
        lines.append(f"∂{name}/∂{p} = {formula}" + ("" if formula == local else f" = {local}"))
        done, so_far, where = arrivals.add(c.parent, c.added)
        lines.append(f"∂{R}/∂{p} += ∂{name}/∂{p} · ∂{R}/∂{name} = {local} × "
                     f"{_operand(step.grad)} = {shown(c.added)}  →  ∂{R}/∂{p} = "
                     f"{so_far}{where}")
        if done:
            completed.append(c.parent)
    return completed


def _update_steps(root, params, lr, ids, names):
    R = operand_name(names[root])
    steps = []
    for p in params:
        name = operand_name(names[p])
        new = p.data - lr * p.grad  # what nn.optim.SGD does to p.data
        steps.append({
            "phase": "update", "node": ids[p], "title": f"Update: {names[p]}",
            "lines": [f"{name} ← {name} − α · ∂{R}/∂{name}",
                      f"= {shown(p.data)} − {shown(lr)} × {_operand(p.grad)}",
                      f"= {shown(new)}"],
            "set": {ids[p]: {"data": shown(new), "status": "updated"}}})
    return steps
