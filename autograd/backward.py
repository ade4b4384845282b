"""The backward pass: topological order, the chain rule, and stepping through it.

For every node v, in an order where v comes after everything that uses it::

    ∂root/∂parent  +=  ∂v/∂parent · ∂root/∂v          (the chain rule)

where ∂v/∂parent is the local derivative stored on v (see :mod:`autograd.ops`)
and ∂root/∂v is complete by the time v is processed, because every node that
uses v was processed before it.  Nodes used more than once (``a + a``,
diamonds) receive one contribution per use, and these add up.

No recursion anywhere: a graph a million nodes deep works.
"""

import math
from dataclasses import dataclass
from operator import attrgetter

from . import value as _value
from .errors import AnomalyError

_creation_order = attrgetter("_id")


def topological_order(root):
    """Every node ``root`` depends on, parents before children, ``root`` last.

    A node is always created after its parents, so sorting the reachable nodes
    by creation number is a valid topological order (and needs no recursion).
    """
    seen = {root}
    stack = [root]
    push = stack.append
    while stack:
        node = stack.pop()
        a = node._a
        if a is not None:  # one or two parents, kept in slots (see Value)
            if a not in seen:
                seen.add(a)
                push(a)
            b = node._b
            if b is not None and b not in seen:
                seen.add(b)
                push(b)
        elif node._op is not None:
            for parent in node._ps:
                if parent not in seen:
                    seen.add(parent)
                    push(parent)
    return sorted(seen, key=_creation_order)


def backward(root, grad=1.0):
    """Add ∂root/∂v to ``v.grad`` for every node v of root's graph.

    ``grad`` seeds ∂root/∂root (1.0 by default).  Every node's gradient,
    leaves and intermediates alike, is *added to*, the way PyTorch accumulates
    into ``.grad``: calling ``backward()`` twice without zeroing doubles every
    gradient in the graph, and gradients of several losses that share
    parameters add up.  Zero them first (``Module.zero_grad()`` or
    :func:`zero_grad`) to get the gradient of one pass.

    A zero gradient arriving at a node contributes nothing to its parents (so
    0·∞ counts as 0).  Under :func:`autograd.detect_anomaly` the pass checks
    every contribution and raises on the first nan or inf.
    """
    if _checking(root):
        for _ in backward_steps(root, grad):
            pass
        return
    for node in reversed(_prepare(root, grad)):
        g = node._g
        node.grad += g
        if g:
            a = node._a
            if a is not None:
                a._g += node._da * g
                b = node._b
                if b is not None:
                    b._g += node._db * g
            elif node._op is not None:
                for parent, local in zip(node._ps, node._ls):
                    parent._g += local * g


def _checking(root):
    """Check for nan/inf inside detect_anomaly(), or on a graph built inside it."""
    return _value._anomaly or hasattr(root, "_where")


def _prepare(root, grad):
    """Root's graph in topological order, each node's pass gradient ``_g`` (∂root/∂v)
    set to 0 and the root's to ``grad``."""
    order = topological_order(root)
    for node in order:
        node._g = 0.0
    root._g = grad if type(grad) is float else _value._as_float(grad, "backward(grad=...)")
    return order


def zero_grad(root):
    """Set ``grad`` to 0.0 on every node of root's graph."""
    for node in topological_order(root):
        node.grad = 0.0


@dataclass(frozen=True)
class Contribution:
    """One term of the chain rule: what ``node`` adds to one parent's gradient."""

    parent: "_value.Value"
    local: float
    """∂node/∂parent, the local derivative."""
    added: float
    """local · ∂root/∂node: the amount added to ∂root/∂parent."""


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass."""

    index: int
    """0 for the root, then 1, 2, ... in processing order."""
    node: "_value.Value"
    grad: float
    """∂root/∂node, complete when the node's turn comes."""
    contributions: tuple
    """One :class:`Contribution` per parent, in the node's parent order."""

    def __str__(self):
        name = self.node.label or self.node.op or "node"
        lines = [f"step {self.index}: {name} (data={self.node.data:.6g}) "
                 f"receives ∂root/∂node = {self.grad:.6g}"]
        for c in self.contributions:
            who = c.parent.label or c.parent.op or f"{c.parent.data:.6g}"
            lines.append(f"    → {who}: local ∂node/∂parent = {c.local:.6g}, "
                         f"adds {c.local:.6g} × {self.grad:.6g} = {c.added:.6g}")
        return "\n".join(lines)


def backward_steps(root, grad=1.0):
    """The backward pass one node at a time: a generator of :class:`BackwardStep`.

    Leaves behind exactly the gradients :func:`backward` would, and updates
    each parent's ``.grad`` as soon as a contribution is added, so a notebook
    can print or draw the graph after every step::

        for step in backward_steps(loss):
            print(step)
    """
    order = _prepare(root, grad)
    root.grad += root._g
    checking = _checking(root)
    for index, node in enumerate(reversed(order)):
        g = node._g
        contributions = []
        for parent, local in zip(node.parents, node.local_grads):
            added = local * g if g else 0.0
            if checking and not math.isfinite(added):
                raise _backward_anomaly(node, parent, local, g, added)
            parent._g += added
            parent.grad += added
            contributions.append(Contribution(parent, local, added))
        yield BackwardStep(index, node, g, tuple(contributions))


def _backward_anomaly(node, parent, local, g, added):
    where = getattr(node, "_where", None) or "  (created outside detect_anomaly())\n"
    return AnomalyError(
        f"{node.op_name} returned {added!r} in the backward pass: local derivative "
        f"∂z/∂input = {local!r} at input {parent.data!r}, times incoming gradient {g!r}; "
        f"the node was created at:\n{where}")
