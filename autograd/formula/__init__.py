"""Checking a hand-derived formula, typed as a learner writes it, against the engine.

::

    from autograd import check_formula, assert_formula

    check_formula("σ(z)(1−σ(z))", of="sigmoid(z)", wrt="z")              # ✓
    check_formula(r"\\hat{y} - y", of="bce(sigmoid(z), y)", wrt="z")      # ✓ δ = ŷ − y
    verdict = check_formula("(1 - tanh(z)^2) * w", of="tanh(w*z + b)", wrt="z")
    verdict.slip.code                      # 'missing_inner_argument'

The pieces, each in its own module: :mod:`~autograd.formula.tokens` (ASCII,
Unicode and LaTeX into tokens), :mod:`~autograd.formula.parser` (a hand-written
parser into the whitelisted tree of :mod:`~autograd.formula.tree`, bounded by
:mod:`~autograd.formula.limits`), :mod:`~autograd.formula.functions` (what a
formula may call: the engine's primitives), :mod:`~autograd.formula.evaluate` (the
tree on engine Values), :mod:`~autograd.formula.slips` (the classic slips, made by
the engine), :mod:`~autograd.formula.check` and :mod:`~autograd.formula.verdict`.
A formula is never passed to ``eval`` or to a parser that calls it.
"""

from .check import assert_formula, check_formula
from .evaluate import evaluate
from .limits import FormulaError, FormulaTooLarge
from .matrix import Matrix, ShapeError
from .parser import parse
from .slips import SLIPS, Slip, SlipMatch
from .verdict import FormulaMismatch, FormulaVerdict

__all__ = ["check_formula", "assert_formula", "parse", "evaluate", "FormulaError", "FormulaTooLarge",
           "FormulaVerdict", "FormulaMismatch", "Slip", "SlipMatch", "SLIPS", "Matrix",
           "ShapeError"]
