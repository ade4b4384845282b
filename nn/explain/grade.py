"""Grade a hand derivation entry by entry, with error carried forward and a diagnosis.

Every number of a submission gets one verdict:

- ``correct``: it agrees with the answer key.  When it agrees only within the
  rounding of the digits shown, or only because the student carried their own
  rounded earlier values, the diagnosis is ``rounding`` (a note, not a mistake);
- ``carried_forward``: it disagrees with the key but is right given the
  student's own earlier values (each later quantity is recomputed from the
  student's own entries where given: :mod:`nn.explain.own_values`).  A 0 where
  the key is not 0 never earns this, nor a diagnosis: zeros carried through a
  derivation reproduce any product of zeros and are no evidence of work (an
  all-zero answer file must not pass);
- ``wrong``: neither; the diagnosis names the classic mistake whose formula,
  fed the student's own earlier values, reproduces the number
  (:mod:`nn.explain.mistakes`), or is None (a number that is the key rounded
  to fewer than ``min_digits`` digits is wrong, with a note saying so);
- ``missing``: left blank (null) or absent where the exercise asks for it.

**Tolerances.**  The rounding policy (:class:`Policy`) asks for ``digits``
significant digits (default 4).  With x the value compared against (the key,
or the value recomputed from the student's own numbers) and g the student's
number written with k significant digits, g matches x when

    |g − x| ≤ max(½·10^(e − k + 1) if k ≥ min_digits, rtol_q · s_q(x)) + 1e-12,

where e = ⌊log₁₀|x|⌋ (½ unit in the last digit shown: "the value shown
rounded correctly"), rtol_q is the quantity's tolerance for rounding carried
through earlier values (:data:`nn.explain.quantities.QUANTITIES`) and s_q(x)
is |x|, or for an update W_new/b_new the size of the step |x − θ|.  Agreement
with the key within ½ unit of the ``digits``-th digit is plain ``correct``.
"""

import math
from dataclasses import dataclass, field

from .mistakes import ROUNDING, diagnose
from .own_values import OwnValues
from .quantities import (BY_NAME, QUANTITIES, asked, at, element_indices, index_names,
                         key_value, read_entries, shape)

__all__ = ["Policy", "Entry", "Grade", "grade", "VERDICTS"]

VERDICTS = ("correct", "carried_forward", "wrong", "missing")

_EPS = 1e-12


@dataclass(frozen=True)
class Policy:
    """The rounding policy a worksheet states: answers to ``digits`` significant digits;
    a number written with fewer (but at least ``min_digits``) counts when it is the
    value correctly rounded to the digits shown.  ``carried_forward_credit`` is the
    points a carried-forward entry earns (1 = full marks, as in e-assessment's ECF)."""

    digits: int = 4
    min_digits: int = 3
    carried_forward_credit: float = 1.0

    def __post_init__(self):
        for name in ("digits", "min_digits"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 17:
                raise ValueError(f"{name} must be an integer from 1 to 17, got {value!r}")
        if self.min_digits > self.digits:
            raise ValueError(f"min_digits ({self.min_digits}) must not exceed digits "
                             f"({self.digits})")
        credit = self.carried_forward_credit
        if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not 0 <= credit <= 1:
            raise ValueError(f"carried_forward_credit must be a number from 0 to 1, got "
                             f"{credit!r}")

    def statement(self):
        """The policy in one sentence, as the worksheet and the report print it."""
        return (f"Give each number to {self.digits} significant digits. A number counts as "
                f"correct when it is the exact value rounded to the digits you show (at "
                f"least {self.min_digits}), or follows from your own rounded earlier "
                f"numbers within the tolerance listed per quantity.")


def half_unit(x, digits):
    """½ unit in the ``digits``-th significant digit of ``x`` (0 for x = 0)."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)


@dataclass(frozen=True)
class Entry:
    """The verdict on one number; ``layer``, ``row``, ``col``, ``sample`` are 1-based (None
    where the quantity has no such index).  ``own`` is the value recomputed from the
    student's own earlier entries; ``note`` explains a rounding or carried-forward verdict."""

    quantity: str
    layer: int
    row: int
    col: int
    sample: int
    expected: float
    given: float
    verdict: str
    diagnosis: str = None
    note: str = None
    own: float = None

    def to_dict(self):
        """The entry as the JSON report writes it."""
        return {k: getattr(self, k) for k in ("quantity", "layer", "row", "col", "sample",
                                              "expected", "given", "verdict", "diagnosis",
                                              "note", "own")}


@dataclass
class Grade:
    """The graded entries of one submission, and what they add up to."""

    entries: list
    policy: Policy
    source: str = None
    student: str = None
    exercise: str = None
    network: str = None
    tolerances: dict = field(default_factory=dict)

    def counts(self, entries=None):
        """{verdict: how many entries got it}."""
        entries = self.entries if entries is None else entries
        return {v: sum(e.verdict == v for e in entries) for v in VERDICTS}

    def points(self, entries=None):
        """Marks earned: 1 per correct entry, ``carried_forward_credit`` per carried one."""
        counts = self.counts(entries)
        return counts["correct"] + self.policy.carried_forward_credit * counts["carried_forward"]

    @property
    def score(self):
        """Points over the number of entries graded (0 when nothing was graded)."""
        return self.points() / len(self.entries) if self.entries else 0.0

    @property
    def all_correct(self):
        """True when there is at least one entry and every one is correct."""
        return bool(self.entries) and all(e.verdict == "correct" for e in self.entries)

    def by_quantity(self):
        """{quantity: (points, entries)} in derivation order."""
        result = {}
        for q in QUANTITIES:
            mine = [e for e in self.entries if e.quantity == q.name]
            if mine:
                result[q.name] = (self.points(mine), len(mine))
        return result

    def diagnoses(self):
        """{code: how many entries it names} (``rounding`` included)."""
        found = {}
        for e in self.entries:
            if e.diagnosis:
                found[e.diagnosis] = found.get(e.diagnosis, 0) + 1
        return found


class _Matcher:
    """Whether a written number matches a value, under the policy and a quantity's rtol."""

    def __init__(self, own, policy):
        self.own = own
        self.policy = policy

    def scale(self, q, l, index, x):
        if q.name == "W_new":
            return abs(x - self.own.W[l - 1][index[0]][index[1]])
        if q.name == "b_new":
            return abs(x - self.own.b[l - 1][index[0]])
        return abs(x)

    def tolerance(self, q, l, index, x, digits):
        shown = half_unit(x, digits) if digits and digits >= self.policy.min_digits else 0.0
        return max(shown, q.rtol * self.scale(q, l, index, x)) + _EPS

    def matches(self, q, l, index, given, x):
        if not math.isfinite(x):
            return False
        return abs(given.value - x) <= self.tolerance(q, l, index, x, given.digits)

    def exact(self, given, x):
        return abs(given.value - x) <= half_unit(x, self.policy.digits) + _EPS


def _same(x, y):
    return abs(x - y) <= 1e-9 * max(1.0, abs(y))


def _verdict(q, l, index, given, expected, own, suspects, match):
    """(verdict, diagnosis, note, own value) of one written number.

    ``suspects`` holds only the student's entries not (yet) found correct: where it
    recomputes the key, nothing wrong lies upstream, so a match with the student's own
    numbers is rounding, not error carried forward."""
    if given is None:
        return "missing", None, None, None
    if match.exact(given, expected):
        return "correct", None, None, None
    if match.matches(q, l, index, given, expected):
        if given.digits and abs(given.value - expected) <= half_unit(expected, given.digits):
            return ("correct", ROUNDING, f"the key {expected:.6g} rounded to the "
                    f"{given.digits} digits shown", None)
        return ("correct", ROUNDING, f"within rtol {q.rtol:g} of the key {expected:.6g} "
                f"(rounding carried from earlier numbers)", None)
    mine = own.recomputed(q.name, l, index)
    if match.matches(q, l, index, given, mine):
        if _same(suspects.recomputed(q.name, l, index), expected):
            return ("correct", ROUNDING, f"follows from your own rounded earlier numbers "
                    f"({mine:.6g})", mine)
        if given.value != 0:
            return ("carried_forward", None, f"right for your own earlier numbers "
                    f"({mine:.6g}); the key is {expected:.6g}", mine)
    if given.value == 0:
        return "wrong", None, None, mine   # zeros reproduce any product of zeros: no evidence
    code = diagnose(own, q.name, l, index,
                    lambda value: match.matches(q, l, index, given, value))
    return "wrong", code, _too_few_digits(given, expected, match.policy), mine


def _too_few_digits(given, expected, policy):
    """A note when the number is the key rounded to fewer digits than count."""
    if given.digits and abs(given.value - expected) <= half_unit(expected, given.digits):
        return (f"the key {expected:.6g} rounded to only {given.digits} digits; at least "
                f"{policy.min_digits} count")
    return None


_FORWARD = ("Z", "A", "Y_hat", "losses", "loss")
_BACKWARD = ("dA", "f_prime", "dZ", "dW", "db", "dW_i")


def _derivation_order(pair, L):
    """Sort key: the order a hand derivation computes in, so every entry is judged after
    the entries it is computed from (forward 1 → L, loss, backward L → 1, update)."""
    q, l = pair
    if q.name in _FORWARD:
        return (0, l if l is not None else L + 1, _FORWARD.index(q.name))
    if q.name in _BACKWARD:
        return (1, L - l, _BACKWARD.index(q.name))
    return (2, l, q.name)


def grade(derivation, submission, policy=None, questions=None, source=None):
    """Grade ``submission`` (a dict in the derivation's JSON layout, any subset of its
    entries; numbers may be :class:`decimal.Decimal` to keep the digits written) against
    ``derivation`` (:func:`nn.explain.explain_step` of the submission's network).

    ``questions`` is the list of quantity names asked (an exercise's
    :data:`~nn.explain.quantities.ASKED`): every element of those is graded, blanks as
    ``missing``.  Without it the entries the submission gives are graded.  Returns a
    :class:`Grade`; a submission that does not fit the network raises
    :class:`~nn.explain.quantities.SubmissionError`.
    """
    policy = policy or Policy()
    entries = read_entries(submission, derivation)
    own = OwnValues(derivation, entries)
    suspects = OwnValues(derivation, entries)
    match = _Matcher(own, policy)
    if questions is None:
        pairs = [(BY_NAME[name], l) for name, l in entries]
    else:
        pairs = asked(derivation, questions)
    pairs.sort(key=lambda pair: _derivation_order(pair, len(derivation.layers)))
    graded = []
    for q, l in pairs:
        grid = entries.get((q.name, l))
        key = key_value(derivation, q, l)
        for index in element_indices(shape(derivation, q, l)):
            given = None if grid is None else at(grid, index)
            expected = at(key, index)
            verdict, code, note, mine = _verdict(q, l, index, given, expected, own,
                                                 suspects, match)
            if verdict == "correct":
                suspects.drop(q.name, l, index)
            names = index_names(q, index)
            graded.append(Entry(q.name, l, names.get("row"), names.get("col"),
                                names.get("sample"), expected,
                                None if given is None else given.value,
                                verdict, code, note, mine))
    tolerances = {q.name: q.rtol for q, _ in pairs}
    return Grade(graded, policy, source=source, tolerances=tolerances)
