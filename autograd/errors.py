"""Exceptions the engine raises, each naming the operation and the offending value.

Policy, chosen once for the whole engine: an operation whose forward value is
undefined or unrepresentable (log of a non-positive number, division by zero, a
fractional power of a negative number, ``exp`` past the float range) raises a
:class:`NumericalError` at the line that built it.  It never returns a silent
``nan``/``inf``.  Each subclass also derives from the built-in exception Python
itself would have raised, so ``except ZeroDivisionError`` keeps working.
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
