"""Exceptions the engine raises, each naming the operation and the offending value.

The numerical policy, one for the whole engine (PyTorch's, except that an
undefined operation is an error instead of a quiet nan):

* **Undefined at the operand** -- log of a number ≤ 0, sqrt of a negative
  number, division by zero, zero to a negative power, a fractional power of a
  negative number, ``a ** b`` with a negative base and a Value exponent:
  raises a :class:`NumericalError` naming the operation and the operand, at
  the line that built it.
* **Past the float range** -- every operation (``+ − × ÷ **``, ``exp``, sums)
  gives ±inf, exactly as IEEE floating point does (``1e308 * 10``,
  ``Value(1000).exp()``, ``total([1e308, 1e308])``), and ``inf − inf`` is nan.
* **nan** -- a nan input gives a nan output and a nan local derivative
  through every primitive and loss, so a diverged run shows nan, never a
  made-up number.
* :func:`autograd.detect_anomaly` turns any nan or inf, forward or backward,
  into an :class:`AnomalyError` at the op that made it.

``total`` rounds its sum correctly (``math.fsum``); ``dot`` adds left to right.
A number too large for a float given to ``Value()`` (``Value(10**400)``)
raises :class:`FloatOverflowError`.  Each subclass also derives from the
built-in exception Python itself would have raised, so ``except
ZeroDivisionError`` keeps working.
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
