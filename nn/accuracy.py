"""When a prediction counts as correct: one rule per model and loss, decided once.

Each :class:`AccuracyRule` is one record read by both engines: ``correct(ŷ, y)``
for one sample (a float or a list of floats, as ``predict`` gives them) and, for a
whole n_L × m batch, ``targets(np, Y)`` (what of the targets the rule compares, made
once per data set; its last axis is the samples) and ``matrix(np, Ŷ, T)`` (a boolean
per column), so the scalar and the matrix engine score alike.

:func:`decide` picks the rule from the loss's record (:data:`nn.losses.LOSSES`, its
``accuracy``) and the model's output layer (its activation record), and only
where those leave it open (a squared error on a linear output, a loss function
of your own) from the training labels, once: ``fit`` then scores every epoch and
the validation set by that one rule and states it in ``History.accuracy_rule``.
A model that predicts 0.3 everywhere is therefore wrong on every 1 label, in the
training set and in the validation set alike, whatever labels each happens to hold.
"""

import numbers
from dataclasses import dataclass, replace
from typing import Callable

from .activations import ACTIVATIONS

__all__ = ["AccuracyRule", "ARGMAX", "SIGN", "THRESHOLD", "LOGIT", "RULES", "decide",
           "count_correct"]


@dataclass(frozen=True)
class AccuracyRule:
    """One way to score a prediction; ``str(rule)`` says which, and why it was chosen."""

    name: str
    formula: str
    correct: Callable   # (prediction, target) -> bool, one sample
    targets: Callable   # (np, Y) -> T, once per data set (last axis: the samples)
    matrix: Callable    # (np, Ŷ, T) -> bool per column, Ŷ n_L × m
    reason: str = ""

    def __str__(self):
        return f"{self.name}: {self.formula}" + (f" ({self.reason})" if self.reason else "")


def _argmax(values):
    return max(range(len(values)), key=values.__getitem__)


def _class_of(target):
    # a class index, or the position of the 1 in a one-hot row
    return int(target) if isinstance(target, numbers.Real) else list(target).index(1)


def _per_output(match):
    """A per-output rule; a sample with several outputs is correct when all of them are."""
    def correct(p, t):
        if isinstance(p, list):
            return isinstance(t, (list, tuple)) and all(map(match, p, t))
        return match(p, t)
    return correct


ARGMAX = AccuracyRule(
    "argmax", "correct when the largest output's index is the class",
    lambda p, t: _argmax(p) == _class_of(t),
    lambda np, Y: Y.argmax(axis=0),                    # the class of each one-hot column
    lambda np, P, T: P.argmax(axis=0) == T)
SIGN = AccuracyRule(
    "sign", "correct when ŷ > 0 exactly where y > 0 (labels −1/+1)",
    _per_output(lambda p, t: (p > 0) == (t > 0)),
    lambda np, Y: Y > 0.0,
    lambda np, P, T: ((P > 0.0) == T).all(axis=0))
THRESHOLD = AccuracyRule(
    "threshold", "correct when ŷ > 0.5 exactly where y ≥ 0.5 (labels 0/1, ŷ a probability)",
    _per_output(lambda p, t: (p > 0.5) == (t >= 0.5)),
    lambda np, Y: Y >= 0.5,
    lambda np, P, T: ((P > 0.5) == T).all(axis=0))
LOGIT = AccuracyRule(
    "logit", "correct when ŷ > 0 (σ(ŷ) > 0.5) exactly where y ≥ 0.5 (labels 0/1, ŷ a logit)",
    _per_output(lambda p, t: (p > 0) == (t >= 0.5)),
    lambda np, Y: Y >= 0.5,
    lambda np, P, T: ((P > 0.0) == T).all(axis=0))

RULES = {rule.name: rule for rule in (ARGMAX, SIGN, THRESHOLD, LOGIT)}
"""Rule name -> :class:`AccuracyRule`."""

def _output_activation(model):
    activations = getattr(model, "activations", None)
    return activations[-1] if activations else None


def _labels_of(y):
    """(the set of label values, whether every target is one number), vectorized for arrays."""
    if hasattr(y, "dtype") and hasattr(y, "ndim"):      # a NumPy array: no per-sample Python
        import numpy as np

        if y.dtype.kind not in "biuf":
            return set(), False
        flat = y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)
        return set(np.unique(y).tolist()), flat
    y = list(y)
    if all(isinstance(t, numbers.Real) for t in y):
        return set(y), True
    return None, False


def _one_hot_rows(y):
    if hasattr(y, "dtype") and hasattr(y, "ndim"):
        return (y.ndim == 2 and y.dtype.kind in "biuf" and ((y == 0) | (y == 1)).all()
                and bool((y.sum(axis=1) == 1).all()))
    return all(isinstance(t, (list, tuple)) and set(t) <= {0, 1} and list(t).count(1) == 1
               for t in y)


def decide(loss, model, y):
    """The :class:`AccuracyRule` for ``model`` trained with ``loss`` on targets ``y``, or
    None (regression targets: no accuracy).

    ``loss`` is a loss record (:class:`nn.losses.Loss`) or a function of one's own.  The
    loss decides where it takes labels of one kind (its record's ``accuracy``:
    cross-entropy argmax, hinge sign, BCE threshold 0.5, BCE with logits logit > 0); for
    the squared errors and loss functions the output layer decides where it gives
    probabilities (softmax: argmax; sigmoid: threshold 0.5), and otherwise the targets
    ``y`` given here: 0/1 → threshold, −1/+1 → sign, one-hot rows → argmax, anything
    else → None.  ``fit`` calls this once, with the training targets, and keeps the rule
    for every epoch and the validation set; the returned rule's ``reason`` says what
    decided it.
    """
    rule = getattr(loss, "accuracy", None)
    if rule is not None:
        return rule
    name = getattr(loss, "name", None)
    what = f"loss {name!r}" if name else "a loss function"
    output = _output_activation(model)
    record = ACTIVATIONS.get(output)
    if record is not None and record.gives_probabilities:
        if not record.elementwise:
            return replace(ARGMAX, reason=f"{what} on a {output} output")
        return replace(THRESHOLD, reason=f"{what} on a {output} output (a probability)")
    labels, flat = _labels_of(y)
    if not flat:
        if _one_hot_rows(y):
            return replace(ARGMAX, reason=f"{what} with one-hot target rows")
        return None
    if labels <= {0, 1} and 0 in labels:
        return replace(THRESHOLD, reason=f"{what} on a {output or 'custom'} output, "
                                         f"training labels 0/1")
    if labels <= {-1, 1}:
        return replace(SIGN, reason=f"{what} on a {output or 'custom'} output, "
                                    f"training labels −1/+1")
    return None


def count_correct(rule, predictions, targets):
    """How many (prediction, target) pairs ``rule`` scores as correct (scalar engine)."""
    correct = rule.correct
    return sum(1 for p, t in zip(predictions, targets) if correct(p, t))
