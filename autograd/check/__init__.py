"""Checking gradients: the engine against finite differences and against hand derivations.

* :func:`gradcheck` / :func:`gradgradcheck`: first and second derivatives against
  central differences, over every input, a sample of coordinates of every
  parameter, or random directions;
* :func:`assert_grad`: a hand-derived gradient against the engine (a pytest test
  in one line);
* :func:`check_accumulation`: reuse, a second backward and ``zero_grad`` (the
  ``=`` instead of ``+=`` bug of hand-written backward passes);
* :func:`numerical_grad`: the central differences themselves;
* :func:`global_difference`: the deeplearning.ai course's one number for a whole
  gradient, ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂), which :func:`gradcheck` reports too.

``f`` is a function of n Values (``lambda w, a: (w * a).sigmoid()``) checked at n
numbers, or a function of no arguments checked at the Values it uses (an MLP's
``parameters()``).  Errors are symmetric relative errors |a − n| / (|a| + |n|) per
element; a failure names the worst element, both values and the tolerance that
failed, and reports the step size and precision.

A finite difference straddling a kink (ReLU or ``abs`` at 0) disagrees with any
analytic derivative, and that disagreement is real, not a bug.  Where an element
fails, the checks ask f alone whether a kink lies within ε (f's one-sided slopes
still disagree, beyond their round-off, at ever smaller steps) and then raise
:class:`NotDifferentiable`, saying where the kink is and how to move the point,
instead of reporting the derivative as wrong; the gradient under test is never asked,
so a wrong gradient of a smooth f is always a :class:`GradientMismatch`.
``gradgradcheck`` checks the first derivatives too, and excuses a second derivative
where the gradient it differentiates has a kink or jumps; ``skip_kinks=True`` skips such
inputs.  For property tests over random graphs, see :mod:`autograd.strategies`;
under pytest the same checks are fixtures (:mod:`backproplab.pytest_plugin`).
"""

from .accumulation import check_accumulation
from .gradients import assert_grad, gradcheck, gradgradcheck, numerical_grad
from .precision import PrecisionWarning, suggested_eps
from .report import (GLOBAL_DIFFERENCE_THRESHOLD, CheckResult, GradientMismatch,
                     NotDifferentiable, global_difference, relative_error)
from .table import format_table

# Reports name these as autograd.check.GradientMismatch, where users import them from.
for _public in (GradientMismatch, NotDifferentiable, PrecisionWarning, CheckResult):
    _public.__module__ = __name__
del _public

__all__ = [
    "gradcheck", "gradgradcheck", "assert_grad", "numerical_grad", "check_accumulation",
    "GradientMismatch", "NotDifferentiable", "PrecisionWarning", "CheckResult",
    "relative_error", "global_difference", "GLOBAL_DIFFERENCE_THRESHOLD", "suggested_eps",
    "format_table",
]
