"""Every loss of :mod:`nn.losses` on an n_L × m prediction matrix Ŷ = A^[L].

Each :class:`MatrixLoss` is made from a loss record's ``matrix`` forms
(:mod:`nn.loss_arrays`) with NumPy: for the targets Y (n_L × m; one-hot columns
for cross-entropy) it gives the per-sample losses Lᵢ (the mean over sample i's
outputs, as :mod:`nn.losses` averages every element) and ∂Lᵢ/∂Ŷ, n_L × m.  The batch
loss is L = (1/m) Σᵢ Lᵢ.  Targets are checked against the record's ``targets``.

After a sigmoid output layer BCE is read from Z^[L], as :mod:`nn.losses` reads it from
the sigmoid's input: Lᵢ and δ^[L] = σ(Z) − Y exact at any Z, never clamped
(:func:`output_layer`).
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable

from ..loss_arrays import first_offender, where
from ..losses import LOSSES as RECORDS, TWO_CLASSES_ADVICE
from ._numpy import np


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


def _refuse(loss, Y, bad, rule):
    if bad.any():
        i, j, y = first_offender(np, Y, bad)
        raise ValueError(f"{loss}: target{where(i, j, len(Y))} is {y!r}; {rule}")


_TARGET_CHECKS = {
    "probabilities": lambda loss, Y: _refuse(loss, Y, ~((Y >= 0.0) & (Y <= 1.0)),
                                             "targets must be in [0, 1]"),
    "labels ±1": lambda loss, Y: _refuse(loss, Y, (Y != 1.0) & (Y != -1.0),
                                         "hinge labels must be -1 or +1"),
    "numbers": lambda loss, Y: _refuse(loss, Y, ~np.isfinite(Y), "expected a finite number"),
    "classes": None,   # checked while the one-hot columns are made (target_matrix)
}
"""What a target must be, by the kind a loss record's ``targets`` names, as nn.losses
refuses it (the message names the loss by its function)."""


def _matrix_form(record):
    value, gradient, *both = (partial(form, np) for form in record.matrix)
    check = _TARGET_CHECKS[record.targets]
    return MatrixLoss(record.name, value, gradient,
                      None if check is None else partial(check, record.fn.__name__),
                      record.classes, both[0] if both else None,
                      None if record.fused is None else dict([record.fused]))


LOSSES = {name: _matrix_form(record) for name, record in RECORDS.items()}
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
