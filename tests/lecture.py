"""The micrograd lecture's own helpers, as the lecture writes them: they read ``_prev`` and
``_op`` and call ``_backward()``, so they run on any micrograd-style Value, ours included."""

from graphviz import Digraph


def trace(root):
    """The lecture's trace(): every node and edge reachable from root, through _prev."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def backward_by_hand(root):
    """The lecture's topological sort, then _backward() on each node in reverse."""
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(root)
    root.grad = 1.0
    for node in reversed(topo):
        node._backward()
    return topo


def hand_written_draw_dot(root):
    """The lecture's draw_dot(): a graphviz.Digraph built from trace(), _op and the numbers."""
    dot = Digraph(format='svg', graph_attr={'rankdir': 'LR'})  # LR = left to right
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # for any value in the graph, create a rectangular ('record') node for it
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad),
                 shape='record')
        if n._op:
            # if this value is a result of some operation, create an op node for it
            dot.node(name=uid + n._op, label=n._op)
            # and connect this node to it
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        # connect n1 to the op node of n2
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot
