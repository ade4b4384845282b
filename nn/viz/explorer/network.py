"""The explorer for one gradient-descent step of an MLP on a batch.

Beside the scalar graph's script (:func:`~nn.viz.explorer.script.graph_script`), a
network gets the per-layer tables of ``backprop explain``
(:func:`nn.explain.explain_step`: Z^[l], A^[l], ∂L/∂A^[l], f′(Z^[l]), δ^[l],
∂L/∂W^[l], ∂L/∂b^[l], the updated W^[l] and b^[l]) and its network diagram.

Every number a table cell or the diagram shows is tied to one node of the graph
(``bind``: the node and which of its states shows the number), so the three views
show the same thing at every step: a cell is blank until its node is:

================  ==============================  ==========================================
table             node                            shown once
================  ==============================  ==========================================
Z^[l]_j,i         z^[l]_j of sample i             its value is computed (forward)
A^[l]_j,i, Ŷ      a^[l]_j of sample i             its value is computed
L                 the loss L                      its value is computed
∂L/∂A^[l]_j,i     a^[l]_j of sample i             its gradient is complete (backward)
f′(Z^[l])_j,i     a^[l]_j of sample i             it has passed its gradient back to z
δ^[l]_j,i         z^[l]_j of sample i             its gradient is complete
∂L/∂W^[l]_j,k     W^[l]_j,k (∂L/∂b likewise)      its gradient is complete (all samples)
W^[l] new         W^[l]_j,k (b new likewise)      it is updated
================  ==============================  ==========================================

With a batch of m samples, the graph's ∂L/∂z^[l](i)_j is (1/m) δ^[l]_j,i: the tables
keep the lecture notes' per-sample δ, and the step that completes it says so.

**BCE after a sigmoid output** reads z^[L] itself, L = −[y ln σ(z) + (1 − y) ln σ(−z)]
(exact where σ saturates: :func:`nn.losses.binary_cross_entropy`), so the prediction
ŷ = a^[L] = σ(z^[L]) is not on L's graph.  It is a side output of the walk: computed
right after z^[L], drawn hanging off it, with no gradient.  The step that completes
δ^[L] = ∂L/∂z^[L] derives it as the lecture notes do, ∂L/∂ŷ · ŷ(1 − ŷ) = ŷ − y, and
shows ∂L/∂A^[L] (the loss's own derivative at ŷ, as ``backprop explain`` reports it)
and f′(Z^[L]): their cells are tied to ŷ being done.  Any other prediction L does not
read (under categorical cross-entropy, every class's probability but the target's) is
a side output too, with the nodes computing it, and no derivation.
"""

import copy
import re

from autograd import Value, topological_order

from ...explain import as_batch, explain_step
from ...losses import get_loss, record_of
from ..diagram import diagram_fields
from .logit import ReadsLogit
from .pictures import network_svg
from .script import graph_script, shown

_NODE_LABEL = re.compile(r"^([za])\^\[(\d+)\]_(\d+)$")

# (key of LayerDerivation, title, vector?, (role of the node, state shown)) in the
# order of the walkthrough; W and b are given, and can be edited.
TABLES = (("W", "W^[{l}]", False, None), ("b", "b^[{l}]", True, None),
          ("Z", "Z^[{l}]", False, ("z", "data")), ("A", "A^[{l}]", False, ("a", "data")),
          ("dL_dA", "∂L/∂A^[{l}]", False, ("a", "grad")),
          ("f_prime_Z", "f′(Z^[{l}])", False, ("a", "done")),
          ("delta", "δ^[{l}]", False, ("z", "grad")),
          ("dL_dW", "∂L/∂W^[{l}]", False, ("W", "grad")),
          ("dL_db", "∂L/∂b^[{l}]", True, ("b", "grad")),
          ("W_new", "W^[{l}] new", False, ("W", "updated")),
          ("b_new", "b^[{l}] new", True, ("b", "updated")))

DIAGRAMS = (("weight", ("start", "forward", "update", "end"), "data"),
            ("grad", ("backward",), "grad"))
"""Which diagram each phase shows: weights, biases and activations, or the gradients."""


def cell_id(key, l, *index):
    """The id of a table cell: ``Z-1-0-0`` is Z^[1] row 1, column 1 (0-based in the id)."""
    return "-".join([key, str(l), *map(str, index)])


class _Roles:
    """What each node of the network's graph is, and the reverse: ("z" | "a", l, j, i),
    ("W", l, j, k), ("b", l, j), ("x", i, k) (i, j, k from 1)."""

    def __init__(self, model):
        self.role = {}
        self.m = 1
        for l, layer in enumerate(model.layers, 1):
            for j, neuron in enumerate(layer.neurons, 1):
                for k, w in enumerate(neuron.w, 1):
                    self.role[w] = ("W", l, j, k)
                self.role[neuron.b] = ("b", l, j)

    def tag_inputs(self, inputs, i):
        for k, x in enumerate(inputs, 1):
            self.role[x] = ("x", i, k)

    def tag_sample(self, prediction, i, m):
        """Record sample i's z and a nodes (labelled by the MLP) and name them per sample;
        ``prediction`` is the MLP's output, a Value or a list of them."""
        self.m = m
        outputs = prediction if isinstance(prediction, list) else [prediction]
        for v in (v for out in outputs for v in topological_order(out)):
            match = _NODE_LABEL.match(v.label) if v not in self.role else None
            if match:
                kind, l, j = match.group(1), int(match.group(2)), int(match.group(3))
                self.role[v] = (kind, l, j, i)
                if m > 1:
                    v.label = f"{kind}^[{l}]({i})_{j}"

    def index(self, order, side):
        """{role: node id} for the nodes of ``order`` (ids are topological positions) and
        the side outputs ``side`` (ids after them, as the script numbers them)."""
        self.node = {self.role[v]: f"n{i}" for i, v in enumerate(order + side)
                     if v in self.role}
        self.side = {self.node[self.role[v]]: v for v in side if v in self.role}

    def find(self, kind, *index):
        """The id of the node with this role; an output a^[l] falls back to its z^[l]
        (a linear layer's activation is its weighted sum, one node)."""
        node = self.node.get((kind, *index))
        if node is None and kind == "a":
            node = self.node.get(("z", *index))
        return node

    def tie(self, kind, what, *index):
        """[node id, state shown] for a cell showing ``what`` of the node (kind, *index).
        A side output has no gradient: the cell of its ∂L/∂ŷ, the loss's own derivative,
        shows when it is done (when δ^[L] is complete)."""
        node = self.find(kind, *index)
        return [node, "done" if what == "grad" and node in self.side else what]

    def edit(self, v):
        role = self.role.get(v)
        if role is None or role[0] in ("z", "a"):
            return None   # constants and the loss's own numbers: targets are edited in Y
        return list(role)

    def notes(self, completed):
        if self.m == 1:
            return []
        return [f"The table's δ^[{l}] is per sample (the lecture notes' convention): "
                f"δ^[{l}]_{j},{i} = m · ∂L/∂z^[{l}]({i})_{j} with m = {self.m}, since "
                f"L = (1/m) Σᵢ Lᵢ." for kind, l, j, *rest in
                (self.role[v] for v in completed if v in self.role) if kind == "z"
                for i in rest]


def _cell(cid, value, bind=None, edit=None):
    cell = {"id": cid, "text": shown(value)}
    if bind and bind[0]:
        cell["bind"] = bind
    if edit:
        cell["edit"] = edit
    return cell


def _layer_tables(layer, roles):
    l = layer.l
    tables = []
    for key, title, vector, tie in TABLES:
        value = getattr(layer, key)
        if value is None:
            continue
        rows = []
        for r, row in enumerate([[x] for x in value] if vector else value):
            cells = []
            for c, x in enumerate(row):
                cid = cell_id(key, l, r) if vector else cell_id(key, l, r, c)
                bind = edit = None
                if key in ("W", "b"):
                    edit = [key, l, r + 1] + ([c + 1] if key == "W" else [])
                elif tie[0] in ("W", "b"):
                    index = (r + 1, c + 1) if tie[0] == "W" else (r + 1,)
                    bind = roles.tie(tie[0], tie[1], l, *index)
                else:   # z or a of neuron r + 1, sample c + 1
                    bind = roles.tie(tie[0], tie[1], l, r + 1, c + 1)
                cells.append(_cell(cid, x, bind, edit))
            rows.append(cells)
        tables.append({"key": key, "title": title.format(l=l), "rows": rows})
    return {"l": l, "activation": layer.activation, "tables": tables}


def _batch_tables(d, roles, root_id):
    L = len(d.layers)
    x_rows = [[_cell(cell_id("A0", 0, k, i), x, edit=["x", i + 1, k + 1])
               for i, x in enumerate(row)] for k, row in enumerate(d.A0)]
    y_hat = [[_cell(cell_id("Y_hat", 0, j, i), y, bind=roles.tie("a", "data", L, j + 1, i + 1))
              for i, y in enumerate(row)] for j, row in enumerate(d.Y_hat)]
    vectors = any(isinstance(y, (list, tuple)) for y in d.Y)
    if vectors:
        y_rows = [[_cell(cell_id("Y", 0, j, i), d.Y[i][j], edit=["y", i + 1, j + 1])
                   for i in range(len(d.Y))] for j in range(len(d.Y[0]))]
    else:
        y_rows = [[_cell(cell_id("Y", 0, 0, i), y, edit=["y", i + 1])
                   for i, y in enumerate(d.Y)]]
    return [{"key": "A0", "title": "A^[0] = X", "rows": x_rows},
            {"key": "Y", "title": "Y (targets)", "rows": y_rows},
            {"key": "Y_hat", "title": "Ŷ = A^[L]", "rows": y_hat},
            {"key": "loss", "title": f"L ({d.loss_function})",
             "rows": [[_cell("loss", d.loss, bind=[root_id, "data"])]]}]


def _tables(d, roles, root_id):
    return {"batch": _batch_tables(d, roles, root_id),
            "layers": [_layer_tables(layer, roles) for layer in d.layers],
            "loss": shown(d.loss), "loss_function": d.loss_function, "m": d.m,
            "lr": None if d.lr is None else shown(d.lr)}


def _diagrams(model, sample, roles):
    diagrams = []
    for name, phases, state in DIAGRAMS:
        svg = network_svg(model, show="weight" if state == "data" else "grad",
                          x=sample if state == "data" else None)
        elements = diagram_fields(model, "weight" if state == "data" else "grad",
                                  with_sample=state == "data", edge_labels=True)
        fields = {}
        for element, (_, lines) in elements.items():
            bound = []
            for prefix, keys, suffix in lines:
                ties = []
                for kind, *index in keys:
                    if kind == "x":
                        ties.append([roles.find("x", 1, *index), "data"])
                    elif kind == "a":
                        ties.append([roles.find("a", *index, 1), "data"])
                    else:
                        ties.append([roles.find(kind, *index), state])
                bound.append([prefix, ties, suffix])
            fields[element] = bound
        diagrams.append({"name": name, "phases": list(phases), "svg": svg, "fields": fields})
    return diagrams


def network_script(model, X, Y, loss="bce", lr=None, title=None):
    """The explorer script of one gradient-descent step of ``model`` on (X, Y).

    As :func:`nn.explain.explain_step` (same arguments), plus the scalar graph of
    the batch loss L = (1/m) Σᵢ Lᵢ stepped through node by node, its tables and the
    network diagram, every number tied to its node.  ``model`` is not changed.
    """
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    model = copy.deepcopy(model)  # the graph's backward pass must not touch the caller's
    samples, targets = as_batch(X, Y, len(model.layers[0].neurons[0].w))
    m = len(samples)
    roles = _Roles(model)
    tag = (lambda i: "") if m == 1 else (lambda i: f"^({i})")
    predictions = []
    for i, x in enumerate(samples, 1):
        inputs = [Value(v, label=f"x{tag(i)}_{k}") for k, v in enumerate(x, 1)]
        roles.tag_inputs(inputs, i)
        prediction = model(inputs)
        roles.tag_sample(prediction, i, m)
        predictions.append(prediction)
    loss_fn = get_loss(loss)
    root = loss_fn(predictions[0], targets[0]) if m == 1 else loss_fn(predictions, targets)
    root.label = "L"
    order = topological_order(root)
    outputs = [a for p in predictions for a in (p if isinstance(p, list) else [p])]
    side = _side_outputs(outputs, order)
    roles.index(order, side)
    # a loss computed from its output layer's logits (BCE after σ) leaves ŷ off the graph
    record = record_of(loss_fn)
    reads_logit = ReadsLogit(roles, d, targets) if record and record.fused else None
    sizes = "-".join(str(n) for n in d.sizes)
    title = title or f"MLP {sizes}, {d.loss_function} loss, batch of {m}"
    params = model.parameters() if lr is not None else []
    script = graph_script(root, params=params, lr=lr, title=title, edits=roles.edit,
                          remarks=lambda completed: _remarks(completed, roles, reads_logit),
                          side={v: _side_note(v, outputs, reads_logit) for v in side})
    script["kind"] = "network"
    script["tables"] = _tables(d, roles, script["root"])
    script["diagrams"] = _diagrams(model, samples[0], roles)
    return script


def _side_outputs(outputs, order):
    """The nodes computing the predictions ``outputs`` that L (its graph ``order``) does not
    read, in topological order: σ(z^[L]) when BCE reads z^[L] itself, the probabilities
    of the classes but the target's.  A prediction that needs a leaf L does not read
    either is left out: its number is not a step of L's computation."""
    on_graph, side = set(order), []
    for out in outputs:
        missing = [v for v in topological_order(out) if v not in on_graph and v not in side]
        if not any(v.is_leaf for v in missing):
            side += missing
    return side


def _side_note(v, outputs, reads_logit):
    """The note of a side output's forward step: why L does not read this prediction."""
    if v not in outputs:
        return None
    if reads_logit and reads_logit.reads(v.parents[0]):
        return reads_logit.forward_note(v)
    return (f"{v.label} is a prediction L does not read (drawn dashed): no gradient flows "
            f"back through it.")


def _remarks(completed, roles, reads_logit):
    """(lines, notes) for the backward step completing ``completed``: the derivation of
    δ^[L] = ŷ − y where BCE reads z^[L], and the per-sample δ of a batch."""
    lines, notes = reads_logit.remarks(completed) if reads_logit else ([], [])
    return lines, notes + roles.notes(completed)
