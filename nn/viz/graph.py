"""Neurons and layers of a computation graph, as groups for :func:`autograd.draw_dot`.

The engine's drawing knows nothing about networks; this module tells it which
nodes make a neuron: a weighted-sum node z = Σₖ wₖxₖ + b (``autograd.dot``), its
weight and bias leaves, and the activation a = f(z) that is z's only use.  A
layer is the neurons whose weighted sums read the same inputs A^[l−1].

Importing :mod:`nn` registers both, so ``draw_dot(loss, collapse="neuron")`` and
``collapse="layer"`` work, and ``collapse="auto"`` (the default) uses them for a
graph too big to read node by node.  :func:`graph_groups` returns the groups for
``draw_dot(loss, groups=...)``.  Neurons are named from the labels an MLP gives
its nodes (z^[l]_j is "neuron j · layer l"); when the graph holds several
samples, each box also says which sample (in the order the loss adds them).
"""

import re

from autograd import ops
from autograd.viz import Group, register_grouping

from ..activations import ACTIVATIONS

NEURON_MEANING = "neuron: Σwx+b and its activation, weights and bias folded in"
LAYER_MEANING = "layer: the neurons reading the same inputs"

_ACTIVATION_OPS = frozenset(r.primitive.name for r in ACTIVATIONS.values() if r.primitive)
"""The primitives an activation is (a = f(z) as one node, grouped with its neuron)."""
_Z_LABEL = re.compile(r"^z\^\[(\d+)\]_(\d+)$")


def graph_groups(root_or_nodes, by="neuron"):
    """The :class:`~autograd.viz.Group` boxes for ``draw_dot(root, groups=...)``.

    ``by`` is "neuron" (one box per neuron per sample) or "layer" (one box per
    layer per sample); ``root_or_nodes`` is the loss Value or its nodes in
    topological order."""
    from autograd import Value, topological_order

    nodes = topological_order(root_or_nodes) if isinstance(root_or_nodes, Value) \
        else list(root_or_nodes)
    if by == "neuron":
        return neuron_groups(nodes)
    if by == "layer":
        return layer_groups(nodes)
    raise ValueError(f"by must be 'neuron' or 'layer', got {by!r}")


def neuron_groups(nodes):
    """One group per neuron: z, its activation a, and its weight and bias leaves."""
    neurons = _neurons(nodes)
    # The boxes of one layer of one sample are pinned in W^[l]'s row order j = 1, 2, …
    neurons.sort(key=lambda n: (n.reads_first, n.j))
    return [Group(title, n.members, n.shows, n.detail, "neuron", NEURON_MEANING,
                  column=n.reads)
            for n, title in zip(*_numbered(neurons, lambda n: n.name))]


def layer_groups(nodes):
    """One group per layer: the neurons reading the same inputs, in order j = 1, 2, …"""
    layers = {}
    for n in _neurons(nodes):
        layers.setdefault(n.reads, []).append(n)
    members = [sorted(ns, key=lambda n: n.j) for ns in layers.values()]
    named = _numbered(members, lambda ns: f"layer {ns[0].layer}")
    groups = []
    for ns, title in zip(*named):
        acts = {n.activation for n in ns}
        detail = "Σwx+b" + (f" → {acts.pop()}" if len(acts) == 1 and None not in acts
                            else " → mixed" if len(acts) > 1 else "")
        shows = [("z", tuple(n.z for n in ns))]
        if ns[0].a is not None:
            shows.append(("a", tuple(n.out for n in ns)))
        groups.append(Group(f"{title} · {len(ns)} neurons" if len(ns) > 1 else title,
                            tuple(m for n in ns for m in n.members), tuple(shows), detail,
                            "layer", LAYER_MEANING))
    return groups


class _Neuron:
    """A weighted-sum node z = Σwx+b, its leaf weights and bias, and its activation."""

    def __init__(self, z, uses, root):
        n = (len(z.parents) - 1) // 2
        self.z = z
        self.inputs = z.parents[n:2 * n]
        self.reads = tuple(id(x) for x in self.inputs)
        self.reads_first = 0  # topological position of the layer's first neuron
        params = [p for p in z.parents[:n] + z.parents[-1:] if p.is_leaf]
        users = uses.get(z, [])
        self.a = None
        if z is not root and len(users) == 1 and len(users[0].parents) == 1 \
                and users[0].primitive.name in _ACTIVATION_OPS:
            self.a = users[0]
        self.out = self.a or z
        self.activation = self.a.op if self.a is not None else None
        self.members = (z, *((self.a,) if self.a is not None else ()), *params)
        self.layer = self.j = None
        match = _Z_LABEL.match(z.label)
        if match:
            self.layer, self.j = int(match.group(1)), int(match.group(2))

    @property
    def name(self):
        return f"neuron {self.j} · layer {self.layer}"

    @property
    def detail(self):
        return "Σwx+b" + (f" → {self.activation}" if self.activation else "")

    @property
    def shows(self):
        z_row = (self.z.label or "z", (self.z,))
        if self.a is None:
            return (z_row,)
        return (z_row, (self.a.label or "a", (self.a,)))


def _neurons(nodes):
    """The neurons of the graph, in topological order, each knowing its layer and index."""
    uses = {}
    for child in nodes:
        for parent in child.parents:
            uses.setdefault(parent, []).append(child)
    root = nodes[-1] if nodes else None
    neurons = [_Neuron(v, uses, root) for v in nodes if v.primitive is ops.dot]
    # Unlabelled graphs (built with autograd.dot by hand): number by depth and by order
    # among the neurons reading the same inputs.
    first = {}
    for i, n in enumerate(neurons):
        n.reads_first = first.setdefault(n.reads, i)
    making = {n.out: n for n in neurons}
    siblings = {}
    for n in neurons:
        if n.layer is None:
            n.layer = 1 + max((making[x].layer for x in n.inputs if x in making), default=0)
            siblings.setdefault(n.reads, []).append(n)
            n.j = len(siblings[n.reads])
    return neurons


def _numbered(items, name):
    """(items, their names), a name shared by several items getting " · sample i"."""
    names = [name(item) for item in items]
    count, seen = {}, {}
    for n in names:
        count[n] = count.get(n, 0) + 1
    titled = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        titled.append(f"{n} · sample {seen[n]}" if count[n] > 1 else n)
    return items, titled


register_grouping("neuron", neuron_groups)
register_grouping("layer", layer_groups)
