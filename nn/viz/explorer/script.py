"""The explorer's script: every step of a forward pass, a backward pass and an update,
computed by the engine and written out as the numbers and formulas a learner reads.

:func:`graph_script` walks a scalar graph:

* step 0: the leaves' values are known, every other node is pending;
* forward: one step per operation node in topological order, ``z = formula = numbers = value``;
* backward: one step per :func:`autograd.backward_steps` step — the node whose turn it is,
  the gradient ∂L/∂v arriving at it, each parent's local derivative ∂v/∂p (formula and
  number) and the contribution ``∂L/∂p += ∂v/∂p · ∂L/∂v = local × incoming = added``;
* update (with ``params`` and ``lr``): ``θ ← θ − α ∂L/∂θ`` for every parameter.

Each step carries the changes to the nodes' shown values (``set``), so a front end
reaches step k by applying steps 0 … k to the initial state: going back restores
exactly the earlier state.  Numbers are strings with six significant digits, as the
``backprop explain`` tables print them; every one is read off the engine's nodes.
"""

import contextlib

from autograd import Value, backward_steps, topological_order, zero_grad

from .formulas import forward_formula, local_formula, number
from .pictures import graph_svg

MAX_NODES = 600
"""Graphs with more nodes are refused: a picture that large cannot be read step by step."""

UNKNOWN = "?"


def _check_graph(root, order, params, lr):
    if len(order) > MAX_NODES:
        raise ValueError(f"explore(): the graph has {len(order)} nodes, more than "
                         f"{MAX_NODES} can be stepped through legibly; explore a smaller "
                         f"network or batch")
    members = set(order)
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"explore(): params must be Values of the graph, got "
                            f"{type(p).__name__} {p!r}")
        if p not in members:
            raise ValueError(f"explore(): parameter {p!r} is not part of the graph of {root!r}")
        if not p.is_leaf:
            raise ValueError(f"explore(): parameter {p!r} is computed from other nodes; only "
                             f"leaves can be updated by gradient descent")
    if params and lr is None:
        raise ValueError("explore(): params were given but no learning rate lr to update them")
    if lr is not None:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise ValueError(f"explore(): lr must be a number > 0, got {lr!r}")
        if not params:
            raise ValueError(f"explore(): lr={lr!r} was given but no params to update")


class _Labels:
    """Names every unlabeled node ``#i`` (the root ``L``) while the graph is drawn and
    described, so formulas and picture use the same names; restores the labels after."""

    def __init__(self, order, root):
        self.order = order
        self.saved = [v.label for v in order]
        self.root = root

    def __enter__(self):
        for i, v in enumerate(self.order):
            if not v.label:
                v.label = "L" if v is self.root else f"#{i}"
        return self

    def __exit__(self, *exc):
        for v, label in zip(self.order, self.saved):
            v.label = label


@contextlib.contextmanager
def _widest_data(params, lr):
    """Show each parameter with the longer of its value before and after the update
    while the graph is laid out; restore the values after."""
    saved = [p.data for p in params]
    try:
        for p in params:
            new = p.data - lr * p.grad
            if len(number(new)) > len(number(p.data)):
                p.data = new
        yield
    finally:
        for p, data in zip(params, saved):
            p.data = data


def _operand(x):
    text = number(x)
    return f"({text})" if text.startswith("-") else text


def graph_script(root, params=(), lr=None, title=None, marks=None):
    """The step-by-step script of ``root``'s forward pass, backward pass and (with
    ``params`` and ``lr``) the update θ ← θ − α ∂L/∂θ, as a JSON-ready dict.

    ``marks(phase, node)`` may return extra annotations for a step (the network
    explorer's table cells and diagram ids).  The graph's gradients are zeroed and
    left as one backward pass from ``root`` leaves them; ``params`` are not changed.
    """
    if not isinstance(root, Value):
        raise TypeError(f"explore() needs a Value (a loss) to explore, got "
                        f"{type(root).__name__} {root!r}")
    params = list(params)
    order = topological_order(root)
    _check_graph(root, order, params, lr)
    ids = {v: f"n{i}" for i, v in enumerate(order)}
    marks = marks or (lambda phase, node: {})
    with _Labels(order, root):
        zero_grad(root)
        names = {v: v.label for v in order}
        nodes = [{"id": ids[v], "name": names[v], "op": v.op, "leaf": v.is_leaf,
                  "param": v in params} for v in order]
        initial = {ids[v]: {"data": number(v.data) if v.is_leaf else UNKNOWN,
                            "grad": UNKNOWN,
                            "status": "known" if v.is_leaf else "pending"} for v in order}
        steps = [{"phase": "start", "node": None, "title": "Start: the leaves' values are given",
                  "lines": [f"{len(order)} nodes; the forward pass computes every other "
                            f"node's value, then the backward pass every ∂{names[root]}/∂v."],
                  "set": {}, **marks("start", None)}]
        steps += _forward_steps(order, ids, names, marks)
        steps += _backward_steps(root, order, ids, names, marks)
        steps += _update_steps(root, params, lr, ids, names, marks)
        # Drawn after the backward pass, so each box is laid out wide enough for its
        # gradient, and with the longer of each parameter's old and new value.
        with _widest_data(params, lr):
            svg = graph_svg(root, title=title)
    steps.append({"phase": "end", "node": None, "title": "Done",
                  "lines": _summary(root, params, lr, names), "set": {}, **marks("end", None)})
    return {"kind": "graph", "title": title or f"Backpropagation through {names[root]}",
            "root": ids[root], "nodes": nodes, "initial": initial, "steps": steps,
            "graph_svg": svg}


def _summary(root, params, lr, names):
    lines = [f"{names[root]} = {number(root.data)}"]
    if params:
        lines.append(f"updated {len(params)} parameters with α = {number(lr)}")
    return lines


def _edges(v, ids):
    return [f"{ids[p]}->{ids[v]}_op" for p in v.parents]


def _forward_steps(order, ids, names, marks):
    steps = []
    for v in order:
        if v.is_leaf:
            continue
        formula = forward_formula(v, [names[p] for p in v.parents])
        plugged = forward_formula(v, [_operand(p.data) for p in v.parents])
        steps.append({
            "phase": "forward", "node": ids[v], "title": f"Forward: {names[v]}",
            "lines": [f"{names[v]} = {formula}", f"= {plugged}", f"= {number(v.data)}"],
            "set": {ids[v]: {"data": number(v.data), "status": "computed"}},
            "edges": _edges(v, ids), **marks("forward", v)})
    return steps


def _backward_steps(root, order, ids, names, marks):
    R = names[root]
    steps = []
    for step in backward_steps(root):
        v = step.node
        name = names[v]
        incoming = number(step.grad)
        changes = {ids[v]: {"status": "done"}}
        if step.index == 0:
            # The pass starts: every gradient is zeroed, then ∂L/∂L = 1.
            changes = {ids[u]: {"grad": "0"} for u in order}
            changes[ids[v]] = {"grad": incoming, "status": "done"}
            lines = [f"∂{R}/∂{R} = {incoming}: the backward pass starts at the output; "
                     f"every other gradient starts at 0"]
        else:
            lines = [f"∂{R}/∂{name} = {incoming}, complete: every node that uses "
                     f"{name} has sent its contribution"]
        if v.is_leaf:
            lines.append(f"{name} is a leaf: nothing to pass on")
        parents = [names[p] for p in v.parents]
        for position, c in enumerate(step.contributions):
            p = names[c.parent]
            formula = local_formula(v, parents, position, name)
            local = number(c.local)
            lines.append(f"∂{name}/∂{p} = {formula}" + ("" if formula == local else f" = {local}"))
            lines.append(f"∂{R}/∂{p} += ∂{name}/∂{p} · ∂{R}/∂{name} = {number(c.local)} × "
                         f"{_operand(step.grad)} = {number(c.added)}  →  ∂{R}/∂{p} = "
                         f"{number(c.parent.grad)}")
            changes.setdefault(ids[c.parent], {})["grad"] = number(c.parent.grad)
        steps.append({"phase": "backward", "node": ids[v], "title": f"Backward: {name}",
                      "lines": lines, "set": changes, "edges": _edges(v, ids),
                      **marks("backward", v)})
    return steps


def _update_steps(root, params, lr, ids, names, marks):
    R = names[root]
    steps = []
    for p in params:
        name = names[p]
        new = p.data - lr * p.grad  # what nn.optim.SGD does to p.data
        steps.append({
            "phase": "update", "node": ids[p], "title": f"Update: {name}",
            "lines": [f"{name} ← {name} − α · ∂{R}/∂{name}",
                      f"= {number(p.data)} − {number(lr)} × {_operand(p.grad)}",
                      f"= {number(new)}"],
            "set": {ids[p]: {"data": number(new), "status": "updated"}},
            **marks("update", p)})
    return steps
