"""The backward pass one node at a time, for printing and pictures; zeroing a graph's gradients.

:meth:`autograd.Value.backward` is the pass itself (read it first); :func:`backward_steps`
runs the same pass as a generator of :class:`BackwardStep` s, each node's turn with its
chain-rule terms, which the explorer, ``draw_step`` and ``print(step)`` show.
"""

import math
from dataclasses import dataclass

from .value import (anomaly_checked, backward_anomaly, backward_seed, constant_of, graph_lock,
                    topological_order)

__all__ = ["BackwardStep", "Contribution", "backward_steps", "topological_order", "zero_grad"]


def backward_steps(root, grad=1.0):
    """The backward pass one node at a time: a generator of :class:`BackwardStep`.

    Leaves behind exactly the gradients :meth:`~autograd.Value.backward` would, and
    updates each parent's ``.grad`` as soon as a contribution is added, so a notebook
    can print or draw the graph after every step::

        for step in backward_steps(loss):
            print(step)
    """
    g0 = backward_seed(root, grad)
    order = topological_order(root)
    checking = anomaly_checked(root)
    pass_grads = {root: g0}
    with graph_lock:
        root.grad += g0
    for index, node in enumerate(reversed(order)):
        g = pass_grads.get(node, 0.0)
        contributions = []
        for parent, local in zip(node.parents, node.local_grads):
            added = local * g if g else 0.0
            if checking and not math.isfinite(added):
                raise backward_anomaly(node, parent, local, g, added)
            pass_grads[parent] = pass_grads.get(parent, 0.0) + added
            with graph_lock:
                parent.grad += added
            contributions.append(Contribution(parent, local, added))
        yield BackwardStep(index, node, g, tuple(contributions))


@dataclass(frozen=True)
class Contribution:
    """One term of the chain rule: what ``node`` adds to one parent's gradient."""

    parent: "Value"
    local: float
    """∂node/∂parent, the local derivative."""
    added: float
    """local · ∂root/∂node: the amount added to ∂root/∂parent."""


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass."""

    index: int
    """0 for the root, then 1, 2, ... in processing order."""
    node: "Value"
    grad: float
    """∂root/∂node, complete when the node's turn comes."""
    contributions: tuple
    """One :class:`Contribution` per parent, in the node's parent order."""

    def __str__(self):
        """The step as text, each local derivative with its formula from the node's
        primitive, written in the nodes' labels (numbers where a node has none)::

            step 0: a = tanh(z) (data=0.462117) receives ∂root/∂a = 1
                → z: ∂a/∂z = 1 − a² = 0.786448, adds 0.786448 × 1 = 0.786448
        """
        node = self.node
        z = node.label or "node"
        incoming = f"(data={node.data:.6g}) receives ∂root/∂{z} = {self.grad:.6g}"
        if node.is_leaf:
            return f"step {self.index}: {z} {incoming}"
        names = [p.label or _number(p.data) for p in node.parents]
        forward, *formulas = node.primitive.formulas(names, z, constant_of(node))
        lines = [f"step {self.index}: {z} = {forward} {incoming}"]
        for k, (c, formula) in enumerate(zip(self.contributions, formulas), 1):
            who = c.parent.label or f"parent {k}"
            local = f"{c.local:.6g}"
            shown = local if formula in (local, _number(c.local)) else f"{formula} = {local}"
            lines.append(f"    → {who}: ∂{z}/∂{who} = {shown}, "
                         f"adds {_number(c.local)} × {_number(self.grad)} = {c.added:.6g}")
        return "\n".join(lines)


def _number(x):
    """x to 6 significant digits, in parentheses if negative (it may stand in a formula)."""
    return f"({x:.6g})" if x < 0 else f"{x:.6g}"


def zero_grad(root):
    """Set ``grad`` to 0.0 on every node of root's graph."""
    for node in topological_order(root):
        node.grad = 0.0
