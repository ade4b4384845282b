"""Each loss on a whole n_L × m prediction matrix Ŷ = A^[L], for the matrix engine.

The functions are the ``matrix`` field of the loss records (:data:`nn.losses.LOSSES`):
``value(np, Ŷ, Y)`` gives the per-sample losses Lᵢ (the mean over sample i's outputs,
as :mod:`nn.losses` averages every element) and ``gradient(np, Ŷ, Y)`` ∂Lᵢ/∂Ŷ,
n_L × m; ``both`` gives the two from shared work where they share some.  They are
written against the NumPy namespace the matrix engine passes in, so ``nn`` never
imports NumPy itself.  Conventions are :mod:`nn.losses`': BCE clamps each log at −100
(a clamped log is a constant, gradient 0), BCE with logits and cross-entropy take
logits (computed from e^−|z| and from Z − max, exact at any magnitude), hinge takes
±1 labels.
"""

from .activations import ACTIVATIONS

LOG_FLOOR = -100.0   # nn.losses' (and PyTorch's BCELoss) clamp of each log


def where(i, j, n_out):
    """How an entry is named in a message, as nn.losses names it: sample i, and output j
    of a multi-output sample."""
    return f"[{i}]" if n_out == 1 else f"[{i}][{j}]"


def first_offender(np, Y, bad):
    """(i, j, y) of the first entry of Y that ``bad`` marks (column i = sample i)."""
    j, i = (int(k[0]) for k in np.nonzero(bad))
    return i, j, float(Y[j, i])


def mean_over_outputs(E):
    return E.sum(axis=0) / E.shape[0]


# -- the squared errors and hinge ----------------------------------------------------------

def squared(np, P, Y):
    return mean_over_outputs((P - Y) ** 2)


def squared_gradient(np, P, Y):
    return 2.0 * (P - Y) / P.shape[0]


def half_squared(np, P, Y):
    return mean_over_outputs(0.5 * (P - Y) ** 2)


def half_squared_gradient(np, P, Y):
    return (P - Y) / P.shape[0]


def hinge(np, S, Y):
    return mean_over_outputs(np.maximum(1.0 - S * Y, 0.0))


def hinge_gradient(np, S, Y):
    return np.where(1.0 - S * Y > 0.0, -Y, 0.0) / S.shape[0]


# -- cross-entropy on probabilities ---------------------------------------------------------

def _clamped_log(np, V):
    """(ln V with −100 where ln V < −100 or V = 0, where the log was kept)."""
    with np.errstate(divide="ignore"):
        log_v = np.log(V)
    kept = log_v >= LOG_FLOOR
    return np.where(kept, log_v, LOG_FLOOR), kept


def _check_probabilities(np, P, message):
    """ValueError ``message(i, j, p)`` naming the first entry of P outside [0, 1].  A nan ŷ
    (a diverged network) passes and gives a nan loss, which ``fit`` and ``backprop
    explain`` report as divergence at the step it happened."""
    bad = (P < 0.0) | (P > 1.0)
    if bad.any():
        raise ValueError(message(*first_offender(np, P, bad)))


def bce(np, P, Y):
    """−[y ln ŷ + (1 − y) ln(1 − ŷ)], each log clamped; ValueError unless every ŷ is a
    probability in [0, 1] (BCE takes probabilities)."""
    _check_probabilities(np, P, lambda i, j, p: (
        f"binary_cross_entropy: prediction{where(i, j, len(P))} is {p!r}, not a probability "
        f"in [0, 1]; for logits use binary_cross_entropy_with_logits"))
    log_p, _ = _clamped_log(np, P)
    log_q, _ = _clamped_log(np, 1.0 - P)
    return mean_over_outputs(-(Y * log_p + (1.0 - Y) * log_q))


def bce_gradient(np, P, Y):
    # ∂/∂ŷ of −[y ln ŷ + (1 − y) ln(1 − ŷ)]; a clamped log contributes nothing.
    Q = 1.0 - P
    _, kept_p = _clamped_log(np, P)
    _, kept_q = _clamped_log(np, Q)
    # where a log is clamped its branch is discarded, whatever 1/ŷ gave (inf, nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = (np.where(kept_q, (1.0 - Y) / Q, 0.0) - np.where(kept_p, Y / P, 0.0))
    return d / P.shape[0]


def categorical(np, P, Y):
    """−ln ŷ_c, the log clamped at −100 as in nn.losses; ValueError unless every ŷ is in
    [0, 1]."""
    _check_probabilities(np, P, lambda i, j, p: (
        f"categorical_cross_entropy: probability {j + 1} of sample {i + 1} is {p!r}, not in "
        f"[0, 1]; for logits (a linear output layer) use cross_entropy"))
    log_p, _ = _clamped_log(np, P)
    return -(Y * log_p).sum(axis=0)


def categorical_gradient(np, P, Y):
    # ∂(−ln ŷ_c)/∂ŷ_j = −1/ŷ_c for j = c, else 0; a clamped log contributes nothing
    _, kept = _clamped_log(np, P)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(kept & (Y > 0.0), -Y / P, 0.0)


# -- cross-entropy on logits ----------------------------------------------------------------

def bce_of_logits(np, Z, Y):
    """(Lᵢ, ∂Lᵢ/∂Z) of BCE on logits from one e^−|z|: L = −[y ln σ(z) + (1 − y) ln σ(−z)]
    = y·softplus(−z) + (1 − y)·softplus(z), ∂/∂z = −y σ(−z) + (1 − y) σ(z) = σ(z) − y, each
    term exact (softplus(z) − z·y loses L where it is tiny, y = 1 and z = 40; σ(z) − y
    gives 0 there, not −σ(−z))."""
    e = np.exp(-np.abs(Z))
    log_one_plus_e, share = np.log1p(e), 1.0 / (1.0 + e)
    positive = Z >= 0.0
    sigma, sigma_minus = np.where(positive, share, e * share), np.where(positive, e * share, share)
    value = mean_over_outputs(Y * (np.maximum(-Z, 0.0) + log_one_plus_e)
                              + (1.0 - Y) * (np.maximum(Z, 0.0) + log_one_plus_e))
    return value, (-Y * sigma_minus + (1.0 - Y) * sigma) / Z.shape[0]


def bce_of_logits_value(np, Z, Y):
    return bce_of_logits(np, Z, Y)[0]


def bce_of_logits_gradient(np, Z, Y):
    return bce_of_logits(np, Z, Y)[1]


def _logsumexp(np, Z):
    top = Z.max(axis=0)
    return top + np.log(np.exp(Z - top).sum(axis=0))


_softmax = ACTIVATIONS["softmax"].matrix[0]   # what cross-entropy on logits applies


def cross_entropy(np, Z, Y):
    """logsumexp(z) − z_c for logits Z and one-hot columns Y."""
    return _logsumexp(np, Z) - (Z * Y).sum(axis=0)


def cross_entropy_gradient(np, Z, Y):
    return _softmax(np, Z) - Y   # softmax(z) − onehot(c): the notes' δ^[L] = Ŷ − Y


def cross_entropy_both(np, Z, Y):
    # logsumexp(z) − z_c and softmax(z) − onehot(c) from one e^(Z − max): the same
    # operations as cross_entropy and its gradient, so the same numbers
    top = np.maximum.reduce(Z, axis=0)   # Z.max(axis=0) and .sum(axis=0), as ufuncs: the
    E = np.exp(Z - top)                  # same numbers without the methods' Python layer
    S = np.add.reduce(E, axis=0)
    value = top + np.log(S) - np.add.reduce(Z * Y, axis=0)
    return value, E / S - Y
