"""Exceptions the engine raises, each naming the operation and the offending value.

Policy, chosen once for the whole engine: an operation that is undefined at its
operand (log of a non-positive number, sqrt of a negative one, division by
zero, zero to a negative power, a fractional power of a negative number) or
whose result Python's float math cannot represent (``exp`` past x ≈ 709.78, a
power past the float range) raises a :class:`NumericalError` naming the
operation and the operand, at the line that built it.  Plain arithmetic
(+, −, ×) follows IEEE floating point exactly as Python floats do
(``1e308 * 10`` is ``inf``); :func:`autograd.detect_anomaly` turns any nan or
inf, forward or backward, into an error at the op that made it.  Each subclass
also derives from the built-in exception Python itself would have raised, so
``except ZeroDivisionError`` keeps working.
"""


class NumericalError(ArithmeticError):
    """An operation was asked for a value outside its domain or the float range."""


class DomainError(NumericalError, ValueError):
    """The operand lies outside the operation's domain, e.g. ``log(-1)``."""


class DivisionByZeroError(NumericalError, ZeroDivisionError):
    """Division by zero, or zero raised to a negative power."""


class FloatOverflowError(NumericalError, OverflowError):
    """The exact result is larger than the largest float (about 1.8e308)."""


class AnomalyError(NumericalError):
    """Raised under ``detect_anomaly()`` when an op produces nan or inf."""
