"""Telling a run that diverged from one that finished: the first nan or inf, and what to try.

Gradient descent with too large a learning rate overshoots until the numbers
overflow: parameters become inf, predictions nan, and a loss such as the
hinge's max(0, 1 − y·ŷ) may even read 0.  Training (:func:`nn.train.fit`) and
``backprop explain --steps`` check every step and stop at the first non-finite
number with :class:`TrainingDiverged`, so no meaningless loss or accuracy is
ever reported as a result.
"""

import math

from autograd.errors import NumericalError

__all__ = ["TrainingDiverged", "all_finite", "first_non_finite", "check_finite"]


class TrainingDiverged(NumericalError):
    """The loss, a prediction or a parameter stopped being finite at gradient step ``step``.

    The message names what became nan or inf and at which step (counted from 1
    over the whole run) and suggests a smaller learning rate; ``history`` is
    what :func:`nn.train.fit` recorded before it (None elsewhere)."""

    def __init__(self, message, step, history=None):
        super().__init__(message)
        self.step = step
        self.history = history


def _is_finite(value):
    try:
        return math.isfinite(value)
    except (TypeError, OverflowError):   # not a number, or an int beyond the float range
        return False


def first_non_finite(values):
    """The first value in ``values`` (nested lists allowed) that is not a finite number, or None."""
    for v in values:
        found = first_non_finite(v) if isinstance(v, (list, tuple)) else (
            None if _is_finite(v) else v)
        if found is not None:
            return found
    return None


def all_finite(values):
    """True when every value in ``values`` (nested lists allowed) is a finite number:
    :func:`first_non_finite` is None, at C speed for a flat list of numbers (a data row)."""
    try:
        return all(map(math.isfinite, values))
    except (TypeError, OverflowError):  # a nested list, not a number, an int past the floats
        return first_non_finite(values) is None


def check_finite(what, values, step, lr, where="", history=None):
    """Raise :class:`TrainingDiverged` ("the loss became nan at step 3; try a smaller
    learning rate (it was 10)") if any of ``values`` is not finite; ``where`` adds to
    the step (" (epoch 2)").  A loss or prediction of step 1 comes before any update,
    so there the message points at the inputs, the initial parameters and the
    regularization strength instead of the learning rate."""
    bad = first_non_finite(values)
    if bad is None:
        return
    if step == 1 and what in ("loss", "prediction"):
        advice = ("before any update, so the learning rate is not the cause: look at the "
                  "inputs, the initial parameters and the regularization strength (l2)")
    else:
        was = f" (it was {lr:g})" if isinstance(lr, (int, float)) and _is_finite(lr) else ""
        advice = f"try a smaller learning rate{was}"
    raise TrainingDiverged(f"the {what} became {bad} at step {step}{where}; {advice}",
                           step, history)
