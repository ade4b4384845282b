"""What an explorer was made from, so a learner's changed value can be recomputed.

In Jupyter a learner clicks a leaf (a weight, an input, a target), types a number, and
every value, gradient, table cell and update is computed again by the engine: the
front end sends the leaf's ``edit`` key and the text typed, :meth:`edited` returns the
source with that one number changed, and its :meth:`script` is the new walk.

* :class:`GraphSource`: a ``Value`` graph.  Its nodes are recomputed in topological
  order by each primitive's own rule in :mod:`autograd.ops` (the rule the engine's
  nodes are checked against), then walked forward and backward as before.  The
  learner's graph is not touched.
* :class:`NetworkSource`: an MLP on a batch, rebuilt with the changed weight, bias,
  input or target by :func:`~nn.viz.explorer.network.network_script`.
"""

import copy
import math

from autograd import Value, ops, topological_order
from autograd.graph_copy import graph_from_records, graph_records

from .network import network_script
from .script import MINUS, graph_script


def parse_number(text):
    """The number a learner typed (``−0.5`` with a typographic minus too), finite, or a
    ValueError saying what was typed."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        try:
            value = float(str(text).strip().replace(MINUS, "-"))
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


class GraphSource:
    """A ``Value`` graph to explore, and the same graph with one leaf changed."""

    def __init__(self, root, params=(), lr=None, title=None, constants=None):
        self.root, self.lr, self.title = root, lr, title
        order = topological_order(root)
        position = {v: i for i, v in enumerate(order)}
        self.params = [position[p] for p in params if p in position]
        self.constants = None if constants is None else \
            [position[c] for c in constants if c in position]
        self._given = (list(params), constants)

    def script(self):
        params, constants = self._given
        return graph_script(self.root, params=params, lr=self.lr, title=self.title,
                            constants=constants)

    def edited(self, key, text):
        """This graph with leaf ``key["node"]`` (an id ``n{i}``) set to the number ``text``,
        every other node recomputed by its primitive."""
        order = topological_order(self.root)
        node = key.get("node") if isinstance(key, dict) else None
        index = int(node[1:]) if isinstance(node, str) and node[1:].isdigit() else -1
        if not 0 <= index < len(order) or not order[index].is_leaf:
            raise ValueError(f"{node!r} is not a leaf of this graph")
        value = parse_number(text)
        nodes = recomputed(graph_records(self.root), {index: value})
        source = copy.copy(self)
        source.root = nodes[-1]
        source._given = ([nodes[i] for i in self.params],
                         None if self.constants is None else [nodes[i] for i in self.constants])
        return source


def recomputed(records, values):
    """The graph of :func:`autograd.graph_copy.graph_records` rebuilt with new leaves
    (``values``: {position: number}; the other leaves keep their numbers and labels) and
    every other node's value and local derivatives recomputed by its primitive's rule.
    Returns the nodes in the same topological order."""
    rebuilt = []
    for i, record in enumerate(records):
        if type(record) is Value:
            rebuilt.append(Value(values.get(i, record.data), label=record.label))
            continue
        name, _, _, label, constant, parents, _ = record
        inputs = [_data(rebuilt[j]) for j in parents]
        z, *local = ops.PRIMITIVES[name].rule(*inputs, *(() if constant is None else (constant,)))
        rebuilt.append((name, z, 0.0, label, constant, parents, tuple(local)))
    root = graph_from_records(rebuilt)
    return topological_order(root)


def _data(node):
    return node.data if type(node) is Value else node[1]


class NetworkSource:
    """An MLP on a batch (X, Y), and the same with one weight, bias, input or target changed.

    Edit keys: ``["W", l, j, k]``, ``["b", l, j]``, ``["x", i, k]`` (input k of sample i),
    ``["y", i]`` or ``["y", i, j]`` (the target of sample i), all counted from 1."""

    def __init__(self, model, X, Y, loss="bce", lr=None, title=None):
        self.model, self.X, self.Y = model, X, Y
        self.loss, self.lr, self.title = loss, lr, title

    def script(self):
        return network_script(self.model, self.X, self.Y, loss=self.loss, lr=self.lr,
                              title=self.title)

    def edited(self, key, text):
        from ...explain import as_batch

        value = parse_number(text)
        n_inputs = len(self.model.layers[0].neurons[0].w)
        samples, targets = as_batch(self.X, self.Y, n_inputs)
        samples, targets = [list(x) for x in samples], copy.deepcopy(list(targets))
        model = copy.deepcopy(self.model)
        try:
            kind, *index = key
            index = [int(i) - 1 for i in index]
            if min(index, default=0) < 0:
                raise IndexError
            if kind == "W":
                model.layers[index[0]].neurons[index[1]].w[index[2]].data = value
            elif kind == "b":
                model.layers[index[0]].neurons[index[1]].b.data = value
            elif kind == "x":
                samples[index[0]][index[1]] = value
            elif kind == "y" and len(index) == 1:
                targets[index[0]] = value
            elif kind == "y":
                targets[index[0]][index[1]] = value
            else:
                raise IndexError
        except (IndexError, TypeError, ValueError):
            raise ValueError(f"{key!r} names no weight, bias, input or target of this "
                             f"network") from None
        source = copy.copy(self)
        source.model, source.X, source.Y = model, samples, targets
        return source
