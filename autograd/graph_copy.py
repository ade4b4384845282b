"""Pickling and copying graphs of any depth, without recursion.

Left to themselves, ``pickle`` and ``copy.deepcopy`` follow a node's parents, their
parents, ... recursively and stop with RecursionError a few thousand nodes deep.  Here
a node travels as the flat list of its graph's nodes, parents first
(:func:`graph_records`), and is rebuilt node by node (:func:`graph_from_records`).
Nothing in a node depends on the process that made it, so a graph unpickled in another
process (a ``multiprocessing`` worker started with "spawn") backpropagates exactly as
in the one that made it.

Importing this module registers :func:`reduce` for ``Value`` with :mod:`copyreg`, which
``pickle``, ``copy.copy`` and ``copy.deepcopy`` all consult (``autograd`` imports it).
A leaf (a parameter) is one object wherever it appears, so a model pickled or
deep-copied together with a loss keeps its parameters shared with the loss's graph;
a graph's inner nodes are copied with the graph of the node being copied.
"""

import copyreg

from . import ops
from .value import Value, _node, constant_of, topological_order


def reduce(node):
    """What pickle and copy store for ``node``: a leaf as its number, gradient and label;
    any other node as the flat list of its graph."""
    if node.is_leaf:
        return (leaf_from_state, (node.data, node.grad, node.label))
    return (graph_from_records, (graph_records(node),))


def leaf_from_state(data, grad, label):
    """The leaf a pickle of ``Value(data, label)`` with this ``grad`` stands for."""
    v = Value(data, label)
    v.grad = grad
    return v


def graph_records(root):
    """Root's graph as a flat list, parents first: a leaf as itself (so pickle keeps
    a parameter shared with a model one object), any other node as (primitive name,
    data, grad, label, constant, parent indices, local derivatives)."""
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    return [node if node.is_leaf else
            (node.primitive.name, node.data, node.grad, node.label,
             constant_of(node), tuple(index[p] for p in node.parents),
             tuple(node.local_grads))
            for node in order]


def graph_from_records(records):
    """Rebuild the graph :func:`graph_records` listed; returns its root (the last node)."""
    nodes = []
    for record in records:
        if type(record) is Value:
            nodes.append(record)
            continue
        name, data, grad, label, constant, parent_indices, local = record
        v = _node(ops.PRIMITIVES[name], data, tuple(nodes[i] for i in parent_indices), local,
                  constant)
        v.grad = grad
        if label:
            v.label = label
        nodes.append(v)
    return nodes[-1]


copyreg.pickle(Value, reduce)
