"""Pickling and copying graphs of any depth, without recursion.

Left to themselves, ``pickle`` and ``copy.deepcopy`` follow a node's parents,
their parents, ... recursively and stop with RecursionError a few thousand
nodes deep.  Here a graph travels as a flat list of its nodes, parents first
(:func:`graph_records`), and is rebuilt node by node (:func:`graph_from_records`).
Nothing in a node depends on the process that made it, so a graph unpickled in
another process (a ``multiprocessing`` worker started with "spawn") backpropagates
exactly as in the one that made it.
"""

from . import ops
from .backward import topological_order
from .value import Value, _Extras, _extras, _leaf, _link, _new, constant_of


def reduce(node):
    """``node.__reduce_ex__``: a leaf as its number, gradient and label; any other
    node as the flat list of its graph."""
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
            (node.op_name, node.data, node.grad, node.label,
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
        v = _leaf(data)
        _link(v, ops.PRIMITIVES[name], [nodes[i] for i in parent_indices], local)
        v.grad = grad
        if label:
            v.label = label
        if constant is not None:
            _extras(v).constant = constant
        nodes.append(v)
    return nodes[-1]


def deepcopy_graph(root, memo):
    """``root.__deepcopy__``: every node of root's graph copied once, parents first, each
    copy linked to its parents' copies; ``memo`` is ``copy.deepcopy``'s, so nodes shared
    with other copied objects (a model's parameters) stay shared."""
    for node in topological_order(root):
        if id(node) not in memo:
            memo[id(node)] = copy_node(node, memo)
    return memo[id(root)]


def copy_node(node, memo):
    """A node like ``node`` (number, gradient, label, primitive, local derivatives) whose
    parents are their copies in ``memo``, or the same parents if not copied."""
    copy = _new(Value)
    for name in Value.__slots__:
        if name != "_extras" and hasattr(node, name):
            setattr(copy, name, getattr(node, name))
    copy._pass_grad = 0.0
    if node._first_parent is not None:
        copy._first_parent = memo.get(id(node._first_parent), node._first_parent)
        if node._second_parent is not None:
            copy._second_parent = memo.get(id(node._second_parent), node._second_parent)
    extras = getattr(node, "_extras", None)
    if extras is not None:  # all of it but where the node was made, which stays behind
        parents = extras.parents
        if parents is not None:
            parents = tuple(memo.get(id(p), p) for p in parents)
        copy._extras = _Extras(parents, extras.local_grads, extras.constant)
    return copy
