"""The explorer for one gradient-descent step of an MLP on a batch.

Beside the scalar graph's script (:func:`~nn.viz.explorer.script.graph_script`), a
network gets the per-layer tables of ``backprop explain``
(:func:`nn.explain.explain_step`: Z^[l], A^[l], ∂L/∂A^[l], f′(Z^[l]), δ^[l],
∂L/∂W^[l], ∂L/∂b^[l], the updated W^[l] and b^[l]) and its network diagram.  Every
step names the table cells and diagram elements it computes:

=========================  ================================  =========================
step                       table cells                       diagram
=========================  ================================  =========================
forward z^[l]_j, sample i  Z^[l]_j,i                         neuron j of layer l
forward a^[l]_j, sample i  A^[l]_j,i                         neuron j of layer l
backward a^[l]_j           ∂L/∂A^[l]_j,i and f′(Z^[l])_j,i   neuron j of layer l
backward z^[l]_j           δ^[l]_j,i                         neuron j of layer l
backward W^[l]_j,k         ∂L/∂W^[l]_j,k                     edge k → j
update W^[l]_j,k           W^[l]_j,k new                     edge k → j
=========================  ================================  =========================

(and b^[l]_j like W, on neuron j).  With a batch of m samples, the graph's
∂L/∂z^[l](i)_j is (1/m) δ^[l]_j,i: the tables keep the lecture notes' per-sample δ.
"""

import copy
import re

from autograd import Value, topological_order

from ...explain import as_batch, explain_step
from ...losses import get_loss
from .formulas import number
from .pictures import network_svg
from .script import graph_script

_NODE_LABEL = re.compile(r"^([za])\^\[(\d+)\]_(\d+)$")

# (key of LayerDerivation, title, vector?) in the order of the walkthrough.
TABLES = (("W", "W^[{l}]", False), ("b", "b^[{l}]", True), ("Z", "Z^[{l}]", False),
          ("A", "A^[{l}]", False), ("dL_dA", "∂L/∂A^[{l}]", False),
          ("f_prime_Z", "f′(Z^[{l}])", False), ("delta", "δ^[{l}]", False),
          ("dL_dW", "∂L/∂W^[{l}]", False), ("dL_db", "∂L/∂b^[{l}]", True),
          ("W_new", "W^[{l}] new", False), ("b_new", "b^[{l}] new", True))


def cell_id(key, l, *index):
    """The id of a table cell: ``Z-1-0-0`` is Z^[1] row 1, column 1 (0-based in the id)."""
    return "-".join([key, str(l), *map(str, index)])


def _tables(d):
    layers = []
    for layer in d.layers:
        tables = []
        for key, title, vector in TABLES:
            value = getattr(layer, key)
            if value is None:
                continue
            rows = [[number(x)] for x in value] if vector else \
                [[number(x) for x in row] for row in value]
            tables.append({"key": key, "title": title.format(l=layer.l), "vector": vector,
                           "rows": rows})
        layers.append({"l": layer.l, "activation": layer.activation, "tables": tables})
    return {"A0": [[number(x) for x in row] for row in d.A0],
            "Y_hat": [[number(x) for x in row] for row in d.Y_hat],
            "losses": [number(x) for x in d.losses], "loss": number(d.loss),
            "loss_function": d.loss_function, "m": d.m,
            "lr": None if d.lr is None else number(d.lr), "layers": layers}


class _Roles:
    """What each node of the network's graph is: ("z" | "a", l, j, i) or ("W", l, j, k)
    or ("b", l, j), and the loss."""

    def __init__(self, model):
        self.role = {}
        self.m = 1
        for l, layer in enumerate(model.layers, 1):
            for j, neuron in enumerate(layer.neurons, 1):
                for k, w in enumerate(neuron.w, 1):
                    self.role[w] = ("W", l, j, k)
                self.role[neuron.b] = ("b", l, j)

    def tag_sample(self, prediction, i, m):
        """Record sample i's z and a nodes (labelled by the MLP) and name them per sample."""
        for v in topological_order(prediction):
            match = _NODE_LABEL.match(v.label) if v not in self.role else None
            if match:
                kind, l, j = match.group(1), int(match.group(2)), int(match.group(3))
                self.role[v] = (kind, l, j, i)
                self.m = m
                if m > 1:
                    v.label = f"{kind}^[{l}]({i})_{j}"

    def marks(self, phase, v):
        role = self.role.get(v)
        if role is None:
            return {"cells": ["loss"]} if phase == "forward" and v is not None \
                and v.label == "L" else {}
        kind, l, j = role[:3]
        neuron = f"l{l}n{j}"
        if kind in ("z", "a"):
            i = role[3]
            cells = {("forward", "z"): ["Z"], ("forward", "a"): ["A"],
                     ("backward", "z"): ["delta"], ("backward", "a"): ["dL_dA", "f_prime_Z"]}
            keys = cells.get((phase, kind), [])
            marks = {"cells": [cell_id(key, l, j - 1, i - 1) for key in keys],
                     "diagram": [neuron]}
            if phase == "backward" and kind == "z" and self.m > 1:
                marks["notes"] = [f"The table's δ^[{l}] is per sample (the lecture notes' "
                                  f"convention): δ^[{l}]_{j},{i} = m · ∂L/∂z with m = {self.m}, "
                                  f"since L = (1/m) Σᵢ Lᵢ."]
            return marks
        if kind == "W":
            k = role[3]
            tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
            key = {"backward": "dL_dW", "update": "W_new"}.get(phase)
            return {"cells": [cell_id(key, l, j - 1, k - 1)] if key else [],
                    "diagram": [f"{tail}->{neuron}"]}
        key = {"backward": "dL_db", "update": "b_new"}.get(phase)
        return {"cells": [cell_id(key, l, j - 1)] if key else [], "diagram": [neuron]}


def network_script(model, X, Y, loss="bce", lr=None, title=None):
    """The explorer script of one gradient-descent step of ``model`` on (X, Y).

    As :func:`nn.explain.explain_step` (same arguments), plus the scalar graph of
    the batch loss L = (1/m) Σᵢ Lᵢ stepped through node by node, and the network
    diagram before the step, with ∂L/∂W^[l], and after the update.  ``model`` is
    not changed.
    """
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    model = copy.deepcopy(model)  # the graph's backward pass must not touch the caller's
    samples, targets = as_batch(X, Y, len(model.layers[0].neurons[0].w))
    m = len(samples)
    roles = _Roles(model)
    tag = (lambda i: "") if m == 1 else (lambda i: f"^({i})")
    predictions = []
    for i, x in enumerate(samples, 1):
        prediction = model([Value(v, label=f"x{tag(i)}_{k}") for k, v in enumerate(x, 1)])
        roles.tag_sample(prediction, i, m)
        predictions.append(prediction)
    loss_fn = get_loss(loss)
    root = loss_fn(predictions[0], targets[0]) if m == 1 else loss_fn(predictions, targets)
    root.label = "L"
    sizes = "-".join(str(n) for n in d.sizes)
    title = title or f"MLP {sizes}, {d.loss_function} loss, batch of {m}"
    params = model.parameters() if lr is not None else []
    script = graph_script(root, params=params, lr=lr, title=title, marks=roles.marks)
    script["kind"] = "network"
    script["tables"] = _tables(d)
    script["diagram"] = {"weight": network_svg(model, x=samples[0])}
    script["diagram"]["grad"] = network_svg(model, show="grad")
    if lr is not None:
        script["diagram"]["update"] = network_svg(d.updated_model(), x=samples[0])
    return script
