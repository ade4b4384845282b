"""Every loss of :mod:`nn.losses` on an n_L × m prediction matrix Ŷ = A^[L].

Each :class:`MatrixLoss` gives, for the targets Y (n_L × m; one-hot columns
for cross-entropy), the per-sample losses Lᵢ (the mean over sample i's
outputs, as :mod:`nn.losses` averages every element) and ∂Lᵢ/∂Ŷ, n_L × m.
The batch loss is L = (1/m) Σᵢ Lᵢ.  Conventions are those of :mod:`nn.losses`:
BCE clamps each log at −100 (a clamped log is a constant, gradient 0), BCE
with logits and cross-entropy take logits, hinge takes ±1 labels, ``mse`` is
(ŷ − y)² and ``half_mse`` ½(ŷ − y)².

After a sigmoid output layer BCE is read from Z^[L], as :mod:`nn.losses` reads it from
the sigmoid's input: Lᵢ and δ^[L] = σ(Z) − Y exact at any Z, never clamped
(:func:`output_layer`).
"""

from dataclasses import dataclass
from typing import Callable

from ..losses import TWO_CLASSES_ADVICE
from .activations import sigmoid, softmax
from .equations import output_delta_prediction_minus_target
from ._numpy import np

_LOG_FLOOR = -100.0   # nn.losses' (and PyTorch's BCELoss) clamp of each log


@dataclass(frozen=True)
class MatrixLoss:
    """One loss: ``value(Ŷ, Y)`` → Lᵢ for each sample (m,), ``gradient(Ŷ, Y)`` → ∂Lᵢ/∂Ŷ (n_L × m),
    ``check(Y)`` raises ValueError for targets outside the loss's domain."""

    name: str
    value: Callable
    gradient: Callable
    check: Callable = None
    classes: bool = False   # targets are class indices, turned into one-hot columns
    both: Callable = None   # (Lᵢ, ∂Lᵢ/∂Ŷ) sharing work, where the two share some
    on_logits: dict = None
    """{output activation: the loss on its input Z^[L] that equals this one on its output}
    (BCE after a sigmoid is BCE with logits), read instead of Ŷ (see :func:`output_layer`)."""

    def value_and_gradient(self, P, Y):
        """(``value(P, Y)``, ``gradient(P, Y)``), the same numbers computed together."""
        return (self.value(P, Y), self.gradient(P, Y)) if self.both is None else self.both(P, Y)


def _where(i, j, n_out):
    # nn.losses names sample i, and output j of a multi-output sample.
    return f"[{i}]" if n_out == 1 else f"[{i}][{j}]"


def _first_offender(Y, bad):
    j, i = (int(k[0]) for k in np.nonzero(bad))
    return i, j, float(Y[j, i])


def _check_probabilities(loss):
    def check(Y):
        bad = ~((Y >= 0.0) & (Y <= 1.0))
        if bad.any():
            i, j, y = _first_offender(Y, bad)
            raise ValueError(f"{loss}: target{_where(i, j, len(Y))} is {y!r}; "
                             f"targets must be in [0, 1]")
    return check


def _check_hinge(Y):
    bad = (Y != 1.0) & (Y != -1.0)
    if bad.any():
        i, j, y = _first_offender(Y, bad)
        raise ValueError(f"hinge: target{_where(i, j, len(Y))} is {y!r}; hinge labels must be "
                         f"-1 or +1")


def _check_finite(loss):
    def check(Y):
        bad = ~np.isfinite(Y)
        if bad.any():
            i, j, y = _first_offender(Y, bad)
            raise ValueError(f"{loss}: target{_where(i, j, len(Y))} is {y!r}; expected a "
                             f"finite number")
    return check


def _mean_over_outputs(E):
    return E.sum(axis=0) / E.shape[0]


def _clamped_log(V):
    """(ln V with −100 where ln V < −100 or V = 0, where the log was kept)."""
    with np.errstate(divide="ignore"):
        log_v = np.log(V)
    kept = log_v >= _LOG_FLOOR
    return np.where(kept, log_v, _LOG_FLOOR), kept


def _first_non_probability(P):
    """(i, j, p) of the first entry outside [0, 1], or None.  A nan ŷ (a diverged network)
    passes and gives a nan loss, which ``fit`` and ``backprop explain`` report as
    divergence at the step it happened."""
    bad = (P < 0.0) | (P > 1.0)
    return _first_offender(P, bad) if bad.any() else None


def _check_bce_predictions(Y_hat):
    """ValueError unless every ŷ is a probability in [0, 1] (BCE takes probabilities)."""
    offender = _first_non_probability(Y_hat)
    if offender is not None:
        i, j, p = offender
        raise ValueError(f"binary_cross_entropy: prediction{_where(i, j, len(Y_hat))} is {p!r}, "
                         f"not a probability in [0, 1]; for logits use "
                         f"binary_cross_entropy_with_logits")


def _bce_value(P, Y):
    _check_bce_predictions(P)
    log_p, _ = _clamped_log(P)
    log_q, _ = _clamped_log(1.0 - P)
    return _mean_over_outputs(-(Y * log_p + (1.0 - Y) * log_q))


def _bce_gradient(P, Y):
    # ∂/∂ŷ of −[y ln ŷ + (1 − y) ln(1 − ŷ)]; a clamped log contributes nothing.
    Q = 1.0 - P
    _, kept_p = _clamped_log(P)
    _, kept_q = _clamped_log(Q)
    # where a log is clamped its branch is discarded, whatever 1/ŷ gave (inf, nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = (np.where(kept_q, (1.0 - Y) / Q, 0.0) - np.where(kept_p, Y / P, 0.0))
    return d / P.shape[0]


def _check_class_probabilities(P):
    offender = _first_non_probability(P)
    if offender is not None:
        i, j, p = offender
        raise ValueError(f"categorical_cross_entropy: probability {j + 1} of sample {i + 1} is "
                         f"{p!r}, not in [0, 1]; for logits (a linear output layer) use "
                         f"cross_entropy")


def _categorical_value(P, Y):
    # −ln ŷ_c, the log clamped at −100 as in nn.losses
    _check_class_probabilities(P)
    log_p, _ = _clamped_log(P)
    return -(Y * log_p).sum(axis=0)


def _categorical_gradient(P, Y):
    # ∂(−ln ŷ_c)/∂ŷ_j = −1/ŷ_c for j = c, else 0; a clamped log contributes nothing
    _, kept = _clamped_log(P)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(kept & (Y > 0.0), -Y / P, 0.0)


def _softplus(Z):
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def _bce_of_logits(Z, Y):
    """(Lᵢ, ∂Lᵢ/∂Z) of BCE on logits from one e^−|z|: L = −[y ln σ(z) + (1 − y) ln σ(−z)]
    = y·softplus(−z) + (1 − y)·softplus(z), ∂/∂z = −y σ(−z) + (1 − y) σ(z) = σ(z) − y, each
    term exact (softplus(z) − z·y loses L where it is tiny, y = 1 and z = 40; σ(z) − y
    gives 0 there, not −σ(−z))."""
    e = np.exp(-np.abs(Z))
    log_one_plus_e, share = np.log1p(e), 1.0 / (1.0 + e)
    positive = Z >= 0.0
    sigma, sigma_minus = np.where(positive, share, e * share), np.where(positive, e * share, share)
    value = _mean_over_outputs(Y * (np.maximum(-Z, 0.0) + log_one_plus_e)
                               + (1.0 - Y) * (np.maximum(Z, 0.0) + log_one_plus_e))
    return value, (-Y * sigma_minus + (1.0 - Y) * sigma) / Z.shape[0]


def _logsumexp(Z):
    top = Z.max(axis=0)
    return top + np.log(np.exp(Z - top).sum(axis=0))


def _cross_entropy_both(Z, Y):
    # logsumexp(z) − z_c and softmax(z) − onehot(c) from one e^(Z − max): the same
    # operations as _logsumexp and softmax, so the same numbers
    top = np.maximum.reduce(Z, axis=0)   # Z.max(axis=0) and .sum(axis=0), as ufuncs: the
    E = np.exp(Z - top)                  # same numbers without the methods' Python layer
    S = np.add.reduce(E, axis=0)
    value = top + np.log(S) - np.add.reduce(Z * Y, axis=0)
    return value, output_delta_prediction_minus_target(E / S, Y)


LOSSES = {
    "mse": MatrixLoss(
        "mse", lambda P, Y: _mean_over_outputs((P - Y) ** 2),
        lambda P, Y: 2.0 * (P - Y) / P.shape[0], _check_finite("mse")),
    "half_mse": MatrixLoss(
        "half_mse", lambda P, Y: _mean_over_outputs(0.5 * (P - Y) ** 2),
        lambda P, Y: (P - Y) / P.shape[0], _check_finite("half_squared_error")),
    "squared_error": MatrixLoss(
        "squared_error", lambda P, Y: _mean_over_outputs((Y - P) ** 2),
        lambda P, Y: -2.0 * (Y - P) / P.shape[0], _check_finite("squared_error")),
    "bce": MatrixLoss("bce", _bce_value, _bce_gradient,
                      _check_probabilities("binary_cross_entropy"),
                      on_logits={"sigmoid": "bce_with_logits"}),
    "bce_with_logits": MatrixLoss(
        "bce_with_logits", lambda Z, Y: _bce_of_logits(Z, Y)[0],
        lambda Z, Y: _bce_of_logits(Z, Y)[1],
        _check_probabilities("binary_cross_entropy_with_logits"), both=_bce_of_logits),
    # logsumexp(z) − z_c, ∂/∂z = softmax(z) − onehot(c): the notes' Ŷ − Y
    "cross_entropy": MatrixLoss(
        "cross_entropy", lambda Z, Y: _logsumexp(Z) - (Z * Y).sum(axis=0),
        lambda Z, Y: output_delta_prediction_minus_target(softmax(Z), Y), classes=True,
        both=_cross_entropy_both),
    # −ln ŷ_c on a softmax layer's probabilities; through softmax's Jacobian δ = Ŷ − Y again
    "categorical_cross_entropy": MatrixLoss(
        "categorical_cross_entropy", _categorical_value, _categorical_gradient, classes=True),
    "hinge": MatrixLoss(
        "hinge", lambda S, Y: _mean_over_outputs(np.maximum(1.0 - S * Y, 0.0)),
        lambda S, Y: np.where(1.0 - S * Y > 0.0, -Y, 0.0) / S.shape[0], _check_hinge),
}
"""Loss name (as in :data:`nn.losses.LOSSES`) -> :class:`MatrixLoss`."""


def output_layer(loss, activation, Z, Y):
    """(Lᵢ, δ^[L] = ∂Lᵢ/∂Z^[L]) read from the output layer's Z^[L] where ``loss`` (a
    :class:`MatrixLoss`) has a form on the logits of ``activation`` (a name): BCE after a
    sigmoid, L = −[y ln σ(z) + (1 − y) ln σ(−z)], δ = −y σ(−z) + (1 − y) σ(z) = σ(z) − y,
    exact at any z (from Ŷ, 1 − ŷ cancels: δ = 1.001 at z = 30, and the clamp of
    ln(1 − ŷ) at −100 gives δ = 0 from z ≈ 37).  None elsewhere: then Lᵢ = value(Ŷ, Y)
    and δ^[L] = ∂Lᵢ/∂Ŷ ⊙ f'(Z^[L])."""
    logits = (loss.on_logits or {}).get(activation)
    return None if logits is None else LOSSES[logits].value_and_gradient(Z, Y)


def get_loss(name):
    """The matrix form of the loss called ``name``, or ValueError saying what is supported."""
    if isinstance(name, str) and name in LOSSES:
        return LOSSES[name]
    what = f"loss {name!r}" if isinstance(name, str) else f"the loss function {name!r}"
    raise ValueError(f"{what} is not supported by the matrix engine; it supports the named "
                     f"losses {', '.join(LOSSES)} (use engine='scalar' for a loss function)")


def target_matrix(loss, y, n_out):
    """The targets y (m entries: numbers, lists of n_out numbers, or class indices) as Y,
    n_out × m (one-hot columns for class indices), checked against the loss's domain."""
    if loss.classes:
        if n_out < 2:
            raise ValueError(f"{loss.name}: the network has one output, so one class; the loss "
                             f"needs one output per class, at least 2 ({TWO_CLASSES_ADVICE})")
        labels = np.asarray(y, dtype=float).reshape(-1)
        bad = (labels != np.floor(labels)) | (labels < 0) | (labels >= n_out)
        if bad.any() or labels.size != len(y):
            i = int(np.nonzero(bad)[0][0]) if bad.any() else 0
            raise ValueError(f"{loss.name}: target[{i}] is {y[i]!r}; class indices must be "
                             f"integers in 0..{n_out - 1}")
        Y = np.zeros((n_out, len(labels)))
        Y[labels.astype(int), np.arange(len(labels))] = 1.0
        return Y
    try:
        Y = np.asarray(y, dtype=float).reshape(len(y), -1).T
    except (TypeError, ValueError):
        raise ValueError(f"{loss.name}: targets must be numbers (one output) or lists of "
                         f"{n_out} numbers, got {str(list(y))[:60]}") from None
    if Y.shape[0] != n_out:
        raise ValueError(f"{loss.name}: each target must have {n_out} "
                         f"{'number' if n_out == 1 else 'numbers'} (the network has {n_out} "
                         f"outputs), got {y[0]!r}")
    if loss.check is not None:
        loss.check(Y)
    return Y
