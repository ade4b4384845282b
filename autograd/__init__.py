"""backproplab's scalar reverse-mode automatic differentiation engine.

A :class:`Value` records the computation graph as it is computed;
``backward()`` walks it in topological order applying each primitive's local
derivative (the table in :mod:`autograd.ops`).  Standard library only.
"""

from . import ops
from .backward import BackwardStep, Contribution, backward_steps, topological_order, zero_grad
from .check import GradientMismatch, assert_grad, gradcheck, gradgradcheck, numerical_grad
from .errors import (AnomalyError, DivisionByZeroError, DomainError, FloatOverflowError,
                     NumericalError)
from .functional import dot, grad, hessian, log_softmax, logsumexp, softmax, total
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .value import Value
from .draw import draw_dot, draw_step  # stdlib only: Graphviz is looked for when rendering

__backproplab__ = True  # nn checks this to tell our engine from HIPS autograd

__all__ = [
    "Value", "grad", "hessian", "no_grad", "enable_grad", "is_grad_enabled",
    "detect_anomaly", "backward_steps", "BackwardStep", "Contribution",
    "topological_order", "zero_grad", "total", "dot", "logsumexp", "softmax", "log_softmax",
    "gradcheck", "gradgradcheck", "numerical_grad", "assert_grad", "GradientMismatch",
    "NumericalError", "DomainError", "DivisionByZeroError", "FloatOverflowError",
    "AnomalyError", "ops",
]
