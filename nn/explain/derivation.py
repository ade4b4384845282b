"""One step of gradient descent, laid out layer by layer as the lecture notes derive it by hand.

:func:`explain_step` runs the forward and backward pass of an :class:`~nn.layers.MLP`
on a mini-batch of m samples with the engine, and records for every layer
l = 1 … L the quantities of the lecture notes' 2-2-2-1 walkthrough::

    Z^[l] = W^[l] A^[l−1] + b^[l]            (1)   n_l × m
    A^[l] = f(Z^[l])                         (2)   n_l × m
    δ^[l] = ∂Lᵢ/∂Z^[l]   (column i: sample i alone)
          = ∂L/∂A^[L] ⊙ f'(Z^[L])                  for l = L
          = ((W^[l+1])ᵀ δ^[l+1]) ⊙ f'(Z^[l])       for l < L
    ∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ       (3)   n_l × n_{l−1}
    ∂L/∂b^[l] = (1/m) Σᵢ δ^[l]               (4)   n_l
    W^[l] ← W^[l] − α ∂L/∂W^[l],   b^[l] ← b^[l] − α ∂L/∂b^[l]

with A^[0] = X (n_0 × m), Ŷ = A^[L] and L = (1/m) Σᵢ Lᵢ.

**Convention for δ.**  With the batch loss L = (1/m) Σᵢ Lᵢ, the engine's
∂L/∂Z^[l] has column i equal to (1/m)·∂Lᵢ/∂Z^[l].  The notes' δ^[l] is the
per-sample ∂Lᵢ/∂Z^[l] and the 1/m appears in (3) and (4); this module follows
the notes: ``delta`` is per-sample, ``dL_dW``/``dL_db`` are batch averages.
For one sample (m = 1) the two conventions coincide.

Nothing here re-implements (1)-(4): every number comes from the engine
(``autograd.grad`` of Lᵢ with respect to each neuron's pre-activation node
and of L with respect to each parameter), so the formulas above are a claim
that the tests check against the engine.  ∂Lᵢ/∂A^[L] is the engine's derivative
of the loss in its prediction, taken at leaves holding A^[L]: BCE after a
sigmoid reads Z^[L] itself (exactly, :func:`nn.losses.binary_cross_entropy`), so
A^[L] is not on Lᵢ's graph.

**The JSON layout** (:meth:`Derivation.to_dict`; a hand-derived file for
:func:`nn.explain.check.compare` uses the same layout, with any subset of the
entries) is stated once, in :mod:`nn.schema`.

For the losses that take logits (``cross_entropy``, ``bce_with_logits``) the
derivation also records the probabilities ŷ = softmax(Z^[L]) or σ(Z^[L]) a
student writes down beside the logits A^[L].
"""

import json
from dataclasses import dataclass, field

from autograd import Value, grad, total

from .._checks import positive_int
from ..activations import ACTIVATIONS
from ..losses import LOSSES, check_pairing
from ..module import evaluation
from .inputs import as_batch, check_lr, resolve_loss
from ..schema import derivation_from_dict, derivation_to_dict


@dataclass
class LayerDerivation:
    """Everything about layer ``l`` in one step (shapes in the lecture notes' convention).

    ``W`` and ``b`` are the parameters *before* the step; ``W_new``/``b_new``
    are θ − α ∂L/∂θ (None when no learning rate was given).
    """

    l: int
    activation: str
    W: list             # n_l × n_{l−1}
    b: list             # n_l
    Z: list             # n_l × m
    A: list             # n_l × m
    dL_dA: list         # n_l × m, ∂Lᵢ/∂A^[l]
    f_prime_Z: list     # n_l × m, f'(Z^[l]) = ∂A/∂Z element-wise (None for softmax)
    delta: list         # n_l × m, δ^[l] = ∂Lᵢ/∂Z^[l] (per sample, the lecture notes' δ)
    dL_dW: list         # n_l × n_{l−1}, (1/m) δ^[l] (A^[l−1])ᵀ
    dL_db: list         # n_l, (1/m) Σᵢ δ^[l]
    dL_dW_per_sample: list  # m matrices n_l × n_{l−1}, ∂Lᵢ/∂W^[l] = δᵢ aᵢᵀ
    W_new: list = None
    b_new: list = None

    @property
    def shape(self):
        """(n_l, n_{l−1}): the shape of W^[l]."""
        return len(self.W), len(self.W[0])


@dataclass
class Derivation:
    """One forward + backward pass (and update, with ``lr``) of an MLP on m samples.

    ``layers[l − 1]`` is layer l.  ``A0`` is X as n_0 × m, ``Y_hat`` is A^[L]
    (n_L × m), ``losses`` the per-sample Lᵢ, ``loss`` = L = (1/m) Σᵢ Lᵢ.
    ``step`` numbers successive iterations (1 for the first).  ``probabilities``
    is softmax(A^[L]) or σ(A^[L]) for a loss on logits, else None.
    """

    loss_function: str
    lr: float
    A0: list
    Y: list
    Y_hat: list
    losses: list
    loss: float
    layers: list = field(default_factory=list)
    step: int = 1
    probabilities: list = None

    @property
    def m(self):
        """The number of samples in the batch."""
        return len(self.losses)

    @property
    def sizes(self):
        """[n_0, n_1, …, n_L]."""
        return [len(self.A0)] + [len(layer.W) for layer in self.layers]

    def layer(self, l):
        """Layer ``l`` (1-based, as in the lecture notes)."""
        if not 1 <= l <= len(self.layers):
            raise IndexError(f"layer {l} does not exist; layers are 1 … {len(self.layers)}")
        return self.layers[l - 1]

    def updated_model(self):
        """A new MLP with the updated parameters W_new, b_new (needs ``lr``)."""
        from ..layers import MLP

        if self.lr is None:
            raise ValueError("this derivation has no update: it was computed with lr=None")
        return MLP.from_weights(weights=[layer.W_new for layer in self.layers],
                                biases=[layer.b_new for layer in self.layers],
                                activations=[layer.activation for layer in self.layers])

    def to_dict(self):
        """The derivation as a ``derivation`` document (:mod:`nn.schema`, which the
        module docstring's JSON layout refers to); a deep copy, so editing it leaves the
        derivation alone."""
        return derivation_to_dict(self)

    def to_json(self, indent=2):
        """:meth:`to_dict` as JSON text (full float precision)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d):
        """Rebuild a Derivation from :meth:`to_dict`'s output (a JSON round trip; older
        versions of the document too)."""
        return derivation_from_dict(d, cls, LayerDerivation)


def _transpose(columns):
    return [list(row) for row in zip(*columns)]


# --- the step ---------------------------------------------------------------------------

def _slopes(activation, zs):
    """f'(Z) of one layer for one sample, by the engine: ∂f(z_j)/∂z_j on a fresh leaf at
    each z_j (so a composite f such as GELU is differentiated through all its nodes);
    None for softmax, whose ∂a_j/∂z_k is not diagonal."""
    record = ACTIVATIONS[activation]
    if not record.elementwise:
        return None
    leaves = [Value(z.data) for z in zs]
    return [grad(record(leaf), leaf) for leaf in leaves]


def _probabilities(loss_name, logits):
    """ŷ from the logits A^[L] of one sample for a loss on logits (softmax or σ, the
    activation the loss applies itself), else None."""
    record = LOSSES.get(loss_name)
    if record is None or record.applies is None:
        return None
    squash = ACTIVATIONS[record.applies]
    return squash.on_float(logits) if not squash.elementwise else list(map(squash.on_float,
                                                                             logits))


def _loss_gradient(loss_fn, outputs, y):
    """∂Lᵢ/∂A^[L], the loss's derivative in its prediction, taken at leaves holding the
    output layer's values (so it is the loss's own, whichever nodes its graph reads)."""
    leaves = [Value(a.data) for a in outputs]
    return grad(loss_fn(_prediction(leaves), y), leaves)


def _prediction(outputs):
    # MLP.__call__'s convention, which the loss functions expect.
    return outputs[0] if len(outputs) == 1 else outputs


def explain_step(model, X, Y, loss="bce", lr=None):
    """One forward and backward pass of ``model`` on (X, Y), laid out per layer.

    ``X`` is one sample or a list of m samples (rows of n_0 numbers), ``Y`` its
    target or the list of m targets; ``loss`` a name of :func:`nn.losses.get_loss`
    or a function ``loss(prediction, target)``.  Returns a :class:`Derivation`
    holding Z^[l], A^[l], f'(Z^[l]), ∂Lᵢ/∂A^[l], δ^[l] (per sample: the lecture
    notes' convention), ∂L/∂W^[l] = (1/m) δ^[l](A^[l−1])ᵀ and ∂L/∂b^[l] (batch
    averages), and with ``lr`` the updated W^[l] − α∂L/∂W^[l], b^[l] − α∂L/∂b^[l].
    The forward pass is the model's own (:meth:`~nn.layers.MLP.forward_trace`).
    The model itself is not changed (see :meth:`Derivation.updated_model`), and
    Dropout is not applied: the tables describe the network as written.
    """
    layers = _mlp_layers(model)
    samples, targets = as_batch(X, Y, model.sizes[0])
    loss_name, loss_fn = resolve_loss(loss)
    check_pairing(layers[-1].activation, loss_name)
    lr = check_lr(lr)
    m = len(samples)
    weights = [[list(neuron.w) for neuron in layer.neurons] for layer in layers]
    biases = [[neuron.b for neuron in layer.neurons] for layer in layers]
    params = [p for layer_w, layer_b in zip(weights, biases)
              for row, bias in zip(layer_w, layer_b) for p in (*row, bias)]

    per_sample = []   # for each sample: (zs, as_, Lᵢ)
    with evaluation(model):
        for x, y in zip(samples, targets):
            trace = model.forward_trace(x)
            zs, as_ = [list(z) for z, _ in trace], [list(a) for _, a in trace]
            per_sample.append((zs, as_, loss_fn(_prediction(as_[-1]), y)))
    batch_loss = total([li for _, _, li in per_sample]) / m

    # Per sample: ∂Lᵢ/∂Z, ∂Lᵢ/∂A and ∂Lᵢ/∂θ from one reverse pass over sample i's graph;
    # ∂Lᵢ/∂A^[L] from the loss itself (after a sigmoid, BCE reads z, not A^[L]).
    sample_grads = []
    for (zs, as_, li), y in zip(per_sample, targets):
        z_nodes = [z for layer_z in zs for z in layer_z]
        a_nodes = [a for layer_a in as_ for a in layer_a]
        g = _unflatten(grad(li, z_nodes + a_nodes + params), zs, as_, weights)
        g["dA"][-1] = _loss_gradient(loss_fn, as_[-1], y)
        sample_grads.append(g)
    batch_param_grads = grad(batch_loss, params)
    batch_dW, batch_db = _unflatten_params(batch_param_grads, weights)

    tables = [_layer_table(l, layer, weights[l], biases[l], per_sample, sample_grads,
                           batch_dW[l], batch_db[l], lr) for l, layer in enumerate(layers)]
    logits = [[a.data for a in s[1][-1]] for s in per_sample]
    probabilities = [_probabilities(loss_name, z) for z in logits]
    return Derivation(loss_function=loss_name, lr=lr, A0=_transpose(samples), Y=targets,
                      Y_hat=tables[-1].A, losses=[li.data for _, _, li in per_sample],
                      loss=batch_loss.data, layers=tables,
                      probabilities=None if probabilities[0] is None
                      else _transpose(probabilities))


def _layer_table(l, layer, weights, biases, per_sample, sample_grads, dL_dW, dL_db, lr):
    """The :class:`LayerDerivation` of layer index ``l`` from the samples' traced nodes
    (``per_sample``: (Z nodes, A nodes, Lᵢ) per sample), their gradients and the batch's."""
    W = [[p.data for p in row] for row in weights]
    b = [p.data for p in biases]
    slopes = [_slopes(layer.activation, s[0][l]) for s in per_sample]
    table = LayerDerivation(
        l=l + 1, activation=layer.activation, W=W, b=b,
        Z=_transpose([[z.data for z in s[0][l]] for s in per_sample]),
        A=_transpose([[a.data for a in s[1][l]] for s in per_sample]),
        dL_dA=_transpose([g["dA"][l] for g in sample_grads]),
        f_prime_Z=None if slopes[0] is None else _transpose(slopes),
        delta=_transpose([g["dZ"][l] for g in sample_grads]),
        dL_dW=dL_dW, dL_db=dL_db, dL_dW_per_sample=[g["dW"][l] for g in sample_grads])
    if lr is not None:
        table.W_new = [[w - lr * d for w, d in zip(wr, dr)] for wr, dr in zip(W, dL_dW)]
        table.b_new = [bj - lr * d for bj, d in zip(b, dL_db)]
    return table


def explain_steps(model, X, Y, loss="bce", lr=0.1, steps=2):
    """``steps`` successive iterations of :func:`explain_step`, each on the model
    the previous one produced (θ − α∂L/∂θ), e.g. the lecture notes' "second iteration".

    Returns the list of Derivations; their ``loss`` entries show L falling (or not).
    ``model`` is left unchanged.
    """
    return successive_steps(explain_step, model, X, Y, loss, lr, steps)


def successive_steps(explain_one, model, X, Y, loss, lr, steps):
    """``steps`` derivations by ``explain_one`` (an ``explain_step`` of either engine), each
    on the model the previous one produced; ``model`` is left unchanged."""
    positive_int(steps, "steps")
    if lr is None:
        raise ValueError("explain_steps() needs a learning rate lr to take steps, got None")
    derivations = []
    for k in range(steps):
        d = explain_one(model, X, Y, loss=loss, lr=lr)
        d.step = k + 1
        derivations.append(d)
        model = d.updated_model()
    return derivations


def _mlp_layers(model):
    layers = getattr(model, "layers", None)
    if not layers or not hasattr(model, "forward_trace") or not all(
            hasattr(layer, "neurons") and hasattr(layer, "activation") for layer in layers):
        raise TypeError(f"explain_step() needs an MLP (an object with .forward_trace() and "
                        f".layers of Layers with .neurons), got {type(model).__name__}")
    return layers


def _unflatten(g, zs, as_, weights):
    """Split one grad() result (Z nodes, A nodes, parameters) back into per-layer lists."""
    pos = 0
    dZ, dA = [], []
    for target, source in ((dZ, zs), (dA, as_)):
        for layer_nodes in source:
            target.append(list(g[pos:pos + len(layer_nodes)]))
            pos += len(layer_nodes)
    dW, _ = _unflatten_params(g[pos:], weights)
    return {"dZ": dZ, "dA": dA, "dW": dW}


def _unflatten_params(g, weights):
    """Gradients in parameter order (per neuron: weights then bias) as per-layer dW, db."""
    dW, db = [], []
    pos = 0
    for layer_w in weights:
        rows, col = [], []
        for row in layer_w:
            rows.append(list(g[pos:pos + len(row)]))
            col.append(g[pos + len(row)])
            pos += len(row) + 1
        dW.append(rows)
        db.append(col)
    return dW, db
