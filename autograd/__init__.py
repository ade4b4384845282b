"""backproplab's scalar reverse-mode automatic differentiation engine.

A :class:`Value` records the computation graph as it is computed;
``backward()`` walks it in topological order applying each primitive's local
derivative (the table in :mod:`autograd.ops`).  Standard library only.
"""

from . import fast, graph_copy, ops  # fast paths and pickling for Value, installed on import
from .backward import BackwardStep, Contribution, backward_steps, topological_order, zero_grad
from .check import GradientMismatch, assert_grad, gradcheck, gradgradcheck, numerical_grad
from .check import NotDifferentiable, PrecisionWarning, check_accumulation, global_difference
from .errors import (AnomalyError, DivisionByZeroError, DomainError, FloatOverflowError,
                     NumericalError)
from .formula import FormulaError, FormulaMismatch, FormulaVerdict, assert_formula, check_formula
from .functional import dot, grad, hessian, log_softmax, logsumexp, softmax, total
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .value import Value
from .viz import draw_dot, draw_step  # stdlib only: graphviz loads when a picture is made

__backproplab__ = True  # nn checks this to tell our engine from HIPS autograd

__all__ = [
    "Value", "grad", "hessian", "no_grad", "enable_grad", "is_grad_enabled",
    "detect_anomaly", "backward_steps", "BackwardStep", "Contribution",
    "topological_order", "zero_grad", "total", "dot", "logsumexp", "softmax", "log_softmax",
    "gradcheck", "gradgradcheck", "numerical_grad", "assert_grad", "GradientMismatch",
    "check_accumulation", "global_difference", "NotDifferentiable", "PrecisionWarning",
    "NumericalError", "DomainError", "DivisionByZeroError", "FloatOverflowError",
    "AnomalyError", "ops",
    "check_formula", "assert_formula", "FormulaError", "FormulaMismatch", "FormulaVerdict",
]
