"""The backward pass: every walk of the graph, the reference loop first.

For every node v, in an order where v comes after everything that uses it::

    ∂root/∂parent  +=  ∂v/∂parent · ∂root/∂v          (the chain rule)

where ∂v/∂parent is the local derivative stored on v (see :mod:`autograd.ops`)
and ∂root/∂v is complete by the time v is processed, because every node that
uses v was processed before it.  Nodes used more than once (``a + a``,
diamonds) receive one contribution per use, and these add up.  In the lecture
notes' notation the pass computes δ^[l] = ∂L/∂Z^[l] layer by layer and
∂L/∂W^[l] from it, one scalar node at a time.

No recursion and no process-wide state anywhere: a graph a million nodes
deep works, and so does a graph unpickled in another process.
"""

import math
import threading
from dataclasses import dataclass

from . import modes as _modes
from .errors import AnomalyError
from .value import _NO_GRAPH, Value, as_float, origin_of


def backward_reference(root, grad=1.0):
    """The reference backward pass: what :func:`backward` computes, written plainly.

    Walk the nodes children-first, carrying each node's ∂root/∂node (its
    "pass gradient") in a dictionary; add it to the node's ``.grad``, then hand
    ``local · pass gradient`` to each parent.  :func:`backward` computes
    exactly these numbers (a property test holds it to that), faster.
    """
    pass_grads = {root: grad}
    for node in reversed(topological_order(root)):
        g = pass_grads.get(node, 0.0)
        node.grad += g
        if g:
            for parent, local in zip(node.parents, node.local_grads):
                pass_grads[parent] = pass_grads.get(parent, 0.0) + local * g


# Passes over a graph mark nodes in their _pass_grad slot and backward() adds into
# shared .grad slots, so they take turns: threads calling backward() on losses that
# share parameters get exactly the sequential sums.
_graph_lock = threading.Lock()


def topological_order(root):
    """Every node ``root`` depends on, parents before children, ``root`` last."""
    with _graph_lock:
        return _depth_first_order(root)


def _depth_first_order(root):
    """An iterative depth-first search: a node joins the order once all its parents
    have (post-order), first parent first; ``path`` holds the nodes between the root
    and the node being looked at, instead of the call stack of a recursive search.

    A node is marked visited by pointing its ``_pass_grad`` slot at this walk's
    own float 0.0 object (cheaper than a set; the caller holds ``_graph_lock``):
    compared by identity it says "visited", and as a number it is where the
    backward pass starts adding up ∂root/∂node.  A visited parent is already in
    the order: in a DAG it cannot be on the path.
    """
    visited = float("0")  # a new float object: no other walk's mark is this one
    order, path = [], []
    emit, push, pop = order.append, path.append, path.pop
    resume = {}  # a node with more than two parents -> where to look for the next one
    node = root
    node._pass_grad = visited
    while True:
        parent = None
        first = node._first_parent
        if first is not None:  # one or two parents, in slots (see Value)
            if first._pass_grad is not visited:
                parent = first
            else:
                second = node._second_parent
                if second is not None and second._pass_grad is not visited:
                    parent = second
        elif node._primitive is not None:
            parents = node._extras.parents
            i, n = resume.get(node, 0), len(parents)
            while i < n and parents[i]._pass_grad is visited:
                i += 1
            if i < n:
                parent = parents[i]
                resume[node] = i + 1
        if parent is None:  # every parent is in the order: so is the node
            emit(node)
            if not path:
                break
            node = pop()
        else:
            parent._pass_grad = visited
            push(node)
            node = parent
    return order


def backward(root, grad=1.0):
    """Add ∂root/∂v to ``v.grad`` for every node v of root's graph.

    ``grad`` seeds ∂root/∂root (1.0 by default).  Every node's gradient,
    leaves and intermediates alike, is *added to*, the way PyTorch accumulates
    into ``.grad``: calling ``backward()`` twice without zeroing doubles every
    gradient in the graph, and gradients of several losses that share
    parameters add up (also from several threads at once).  Zero them first
    (``Module.zero_grad()`` or :func:`zero_grad`) to get one pass's gradient.

    A zero gradient arriving at a node contributes nothing to its parents (so
    0·∞ counts as 0).  Under :func:`autograd.detect_anomaly` the pass checks
    every contribution and raises on the first nan or inf.  A result made
    inside ``no_grad()`` has no graph, and backward() on it raises.
    """
    g0 = _root_grad(root, grad)
    if _checking(root):
        for _ in backward_steps(root, g0):
            pass
        return
    with _graph_lock:
        _backward_fast(_depth_first_order(root), root, g0)


def _backward_fast(order, root, g0):
    """Fast path of :func:`backward_reference`: the pass gradient lives in a slot of each
    node (0.0 after the walk) instead of a dictionary, and parents are read from the
    slots directly."""
    root._pass_grad = g0
    for node in reversed(order):
        g = node._pass_grad
        node.grad += g
        if g:
            first = node._first_parent
            if first is not None:
                first._pass_grad += node._first_local * g
                second = node._second_parent
                if second is not None:
                    second._pass_grad += node._second_local * g
            elif node._primitive is not None:
                extras = node._extras
                for parent, local in zip(extras.parents, extras.local_grads):
                    parent._pass_grad += local * g


def _root_grad(root, grad):
    if not isinstance(root, Value):
        raise TypeError(f"backward() needs a Value, got {type(root).__name__} {root!r}")
    if origin_of(root) is _NO_GRAPH:
        raise RuntimeError(
            f"backward() on {root!r}: it was computed inside no_grad(), so it recorded no "
            f"graph and no gradient can reach its inputs; compute it outside no_grad()")
    return grad if type(grad) is float else as_float(grad, "backward(grad=...)")


def _checking(root):
    """Check for nan/inf inside detect_anomaly(), or on a graph built inside it."""
    return _modes.anomaly() or origin_of(root) is not None


def zero_grad(root):
    """Set ``grad`` to 0.0 on every node of root's graph."""
    for node in topological_order(root):
        node.grad = 0.0


@dataclass(frozen=True)
class Contribution:
    """One term of the chain rule: what ``node`` adds to one parent's gradient."""

    parent: Value
    local: float
    """∂node/∂parent, the local derivative."""
    added: float
    """local · ∂root/∂node: the amount added to ∂root/∂parent."""


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass."""

    index: int
    """0 for the root, then 1, 2, ... in processing order."""
    node: Value
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
    g0 = _root_grad(root, grad)
    order = topological_order(root)
    checking = _checking(root)
    pass_grads = {root: g0}
    with _graph_lock:
        root.grad += g0
    for index, node in enumerate(reversed(order)):
        g = pass_grads.get(node, 0.0)
        contributions = []
        for parent, local in zip(node.parents, node.local_grads):
            added = local * g if g else 0.0
            if checking and not math.isfinite(added):
                raise _backward_anomaly(node, parent, local, g, added)
            pass_grads[parent] = pass_grads.get(parent, 0.0) + added
            with _graph_lock:
                parent.grad += added
            contributions.append(Contribution(parent, local, added))
        yield BackwardStep(index, node, g, tuple(contributions))


def _backward_anomaly(node, parent, local, g, added):
    where = origin_of(node) or "  (created outside detect_anomaly())\n"
    return AnomalyError(
        f"{node.op_name} returned {added!r} in the backward pass: local derivative "
        f"∂z/∂input = {local!r} at input {parent.data!r}, times incoming gradient {g!r}; "
        f"the node was created at:\n{where}")
