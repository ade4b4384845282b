"""Exceptions the engine raises, each naming the operation and the offending value.

The numerical policy, chosen once for the whole engine:

* An operation that is undefined at its operand (log of a negative number or
  0, sqrt of a negative one, division by zero, zero to a negative power, a
  fractional power of a negative number) or whose result Python's float math
  cannot represent (``exp`` past x ≈ 709.78, a power past the float range)
  raises a :class:`NumericalError` naming the operation and the operand, at
  the line that built it.
* Everything else follows IEEE floating point exactly as Python floats do:
  ``+ − ×`` and sums (``total``, ``dot``, the sums inside ``logsumexp``)
  give ``inf`` past the float range and ``nan`` for ``inf − inf``; a ``nan``
  input gives a ``nan`` output and a ``nan`` local derivative through every
  primitive, so a diverged run shows ``nan``, never a made-up number.  Sums of
  three or more terms are correctly rounded (``math.fsum``).
* :func:`autograd.detect_anomaly` turns any nan or inf, forward or backward,
  into an :class:`AnomalyError` at the op that made it.

Each subclass also derives from the built-in exception Python itself would
have raised, so ``except ZeroDivisionError`` keeps working.
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
