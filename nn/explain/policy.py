"""The marking policy of a class: how many digits, how much room for carried rounding, how
much credit for error carried forward.  It is the teacher's: ``backprop exercise`` writes it
into the class manifest and ``backprop grade`` reads it from there (or from flags); a
number a student's file states about it is reported, never obeyed.

**The digits rule** (one rule for every number).  A student's number g, written with k
significant digits, matches a value x when

- g is x rounded to the ``digits`` the sheet asks for (trailing zeros may be left
  out: 0.5 for 0.50003 at 4 digits), or
- k ≥ ``min_digits`` and |g − x| ≤ ½ unit in the k-th digit of x + rtol_q · s + 1e-12,

where rtol_q is the quantity's tolerance for rounding carried from earlier numbers and s
the scale of its formula on the student's numbers (:mod:`nn.explain.own_values`:
Σ |terms| of a sum, |step| of an update).  A number with fewer than ``min_digits``
digits that is not exact matches nothing: when it is x rounded to the digits shown its
diagnosis is ``too_few_digits``.  So 0.41 for 0.4140 and 0.54 for 0.5412 are judged
alike (both too few digits).
"""

import math
from dataclasses import dataclass, field

from .quantities import BY_NAME, QUANTITIES

__all__ = ["Policy", "half_unit", "digits_text", "REFERENCE_DIGITS"]

_EPS = 1e-12

REFERENCE_DIGITS = 4
"""The digits the quantities' default tolerances are stated for; each digit fewer asked
multiplies them by 10 (the rounding a student carries grows tenfold)."""


def half_unit(x, digits):
    """½ unit in the ``digits``-th significant digit of ``x`` (0 for x = 0)."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)


def _is_int(x, low, high):
    return not isinstance(x, bool) and isinstance(x, int) and low <= x <= high


def _is_fraction(x):
    return (not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)
            and 0 <= x <= 1)


@dataclass(frozen=True)
class Policy:
    """Answers to ``digits`` significant digits; a number written with fewer (but at least
    ``min_digits``, default digits − 1) counts when it is the value correctly rounded to
    the digits shown.  ``carried_forward_credit`` is the points a carried-forward entry
    earns (1 = full marks, as in e-assessment's ECF).  ``tolerances`` maps quantity
    names to their rtol for carried rounding, overriding the defaults
    (:data:`nn.explain.quantities.QUANTITIES`, scaled by 10 per digit below
    :data:`REFERENCE_DIGITS`)."""

    digits: int = 4
    min_digits: int = None
    carried_forward_credit: float = 1.0
    tolerances: dict = field(default_factory=dict)

    def __post_init__(self):
        if not _is_int(self.digits, 1, 17):
            raise ValueError(f"digits must be an integer from 1 to 17, got {self.digits!r}")
        if self.min_digits is None:
            object.__setattr__(self, "min_digits", max(self.digits - 1, 1))
        if not _is_int(self.min_digits, 1, 17):
            raise ValueError(f"min_digits must be an integer from 1 to 17, got "
                             f"{self.min_digits!r}")
        if self.min_digits > self.digits:
            raise ValueError(f"min_digits ({self.min_digits}) must not exceed digits "
                             f"({self.digits})")
        if not _is_fraction(self.carried_forward_credit):
            raise ValueError(f"carried_forward_credit must be a number from 0 to 1, got "
                             f"{self.carried_forward_credit!r}")
        if not isinstance(self.tolerances, dict):
            raise ValueError(f"tolerances must map quantity names to numbers, got "
                             f"{type(self.tolerances).__name__}")
        for name, rtol in self.tolerances.items():
            if name not in BY_NAME:
                raise ValueError(f"tolerance for unknown quantity {name!r}; quantities: "
                                 f"{', '.join(BY_NAME)}")
            if not _is_fraction(rtol):
                raise ValueError(f"the tolerance of {name} must be a number from 0 to 1, "
                                 f"got {rtol!r}")

    def rtol(self, name):
        """The relative tolerance for rounding carried into quantity ``name``."""
        if name in self.tolerances:
            return self.tolerances[name]
        return BY_NAME[name].rtol * 10.0 ** max(REFERENCE_DIGITS - self.digits, 0)

    def all_tolerances(self):
        """{quantity name: rtol} for every quantity, in derivation order."""
        return {q.name: self.rtol(q.name) for q in QUANTITIES}

    def exact(self, value, x):
        """Whether ``value`` is ``x`` rounded to the asked digits (or closer)."""
        return abs(value - x) <= half_unit(x, self.digits) + _EPS

    def matches(self, given, x, carried):
        """Whether the written number ``given`` (a :class:`~nn.explain.quantities.Given`)
        matches ``x`` under the digits rule; ``carried`` is the absolute room for
        rounding carried from earlier numbers (rtol_q · scale)."""
        if not math.isfinite(x):
            return False
        if self.exact(given.value, x):
            return True
        if given.digits is not None and given.digits < self.min_digits:
            return False
        shown = half_unit(x, given.digits) if given.digits else 0.0
        # the number shown is the rounding of a value within ``carried`` of x: both add up
        return abs(given.value - x) <= shown + carried + _EPS

    def too_few_digits(self, given, x):
        """Whether ``given`` is ``x`` rounded to fewer digits than ``min_digits``."""
        return (given.digits is not None and given.digits < self.min_digits
                and math.isfinite(x) and abs(given.value - x) <= half_unit(x, given.digits) + _EPS)

    def statement(self):
        """The policy in one paragraph, as the worksheet and the report print it."""
        credit = ("full marks" if self.carried_forward_credit == 1 else
                  f"{self.carried_forward_credit:g} of a mark")
        asked, least = digits_text(self.digits), digits_text(self.min_digits)
        return (f"Give each number to {asked.replace(' ', ' significant ')}. A number "
                f"counts as correct when it is the exact value rounded to {asked}, or "
                f"rounded to the digits you show (at least {self.min_digits}), or follows "
                f"from your own rounded earlier numbers within the tolerance listed per "
                f"quantity. A number with fewer than {least} counts only when it is exact. "
                f"A number that is wrong only because an earlier number of yours "
                f"was wrong (error carried forward) earns {credit}.")

    def to_dict(self):
        """The policy as the manifest and the JSON report write it."""
        return {"digits": self.digits, "min_digits": self.min_digits,
                "carried_forward_credit": self.carried_forward_credit,
                "tolerances": self.all_tolerances()}

    @classmethod
    def from_dict(cls, document):
        """The policy :meth:`to_dict` wrote (ValueError naming what does not fit)."""
        if not isinstance(document, dict):
            raise ValueError(f"the policy must be an object, got {type(document).__name__}")
        unknown = set(document) - {"digits", "min_digits", "carried_forward_credit",
                                   "tolerances"}
        if unknown:
            raise ValueError(f"unknown policy key {sorted(unknown)[0]!r}")
        return cls(**document)


def digits_text(n):
    """"1 digit", "4 digits"."""
    return f"{n} digit" if n == 1 else f"{n} digits"
