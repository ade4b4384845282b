"""Grade a hand derivation entry by entry, with error carried forward and a diagnosis.

Every asked number gets one verdict:

- ``correct``: it is the key under the digits rule (:mod:`nn.explain.policy`).  When it
  agrees only within the rounding of the digits shown, or only because the student
  carried their own rounded earlier values, the diagnosis is ``rounding`` (a note, not
  a mistake);
- ``carried_forward``: it differs from the key at the digits shown, something the
  student wrote before it is not correct, and it is right given the student's own
  earlier values (each later quantity is recomputed from the student's own entries
  where given: :mod:`nn.explain.own_values`).  Every downstream effect of a slip gets
  this one verdict.  A written 0 earns it only when it follows from the student's own
  numbers that are evidence of work: nonzero ones, and zeros that were themselves
  right, carried forward or a named mistake (ReLU of their negative z and its zero
  slope carry; a 0 written for no reason reproduces any product of zeros and is no
  evidence, so an all-zero answer file never passes);
- ``wrong``: neither; the diagnosis names the classic mistake whose formula, fed the
  student's own earlier values, reproduces the number (:mod:`nn.explain.mistakes`),
  ``too_few_digits`` for the right value rounded to fewer than ``min_digits``, or
  ``transposed``/``wrong_shape`` for a matrix that cannot be read; or is None;
- ``missing``: left blank (null) or absent where the exercise asks for it.
"""

import math
from dataclasses import dataclass, field

from .mistakes import ROUNDING, TOO_FEW_DIGITS, diagnose
from .own_values import OwnValues
from .policy import Policy, digits_text, half_unit
from .quantities import (BY_NAME, QUANTITIES, asked, at, element_indices, index_names,
                         key_value, read_entries, shape)

__all__ = ["Policy", "Entry", "Grade", "grade", "VERDICTS", "half_unit", "derivation_order"]

VERDICTS = ("correct", "carried_forward", "wrong", "missing")


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
    def total(self):
        """How many numbers were graded (every asked one)."""
        return len(self.entries)

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


def _same(x, y):
    return abs(x - y) <= 1e-9 * max(1.0, abs(y))


class _Judge:
    """The verdict of each written number, under a policy, on the student's own values."""

    def __init__(self, derivation, entries, policy):
        self.policy = policy
        self.own = OwnValues(derivation, entries)
        # A written 0 is judged on the student's nonzero numbers only (their zeros read as
        # blanks): see the module docstring.
        self.evidence = OwnValues(derivation, entries, zeros_are_blank=True)
        # The student's entries not (yet) found correct: where these recompute the key,
        # nothing wrong lies upstream, so a match with the student's own numbers is
        # rounding, not error carried forward.
        self.suspects = OwnValues(derivation, entries)

    def verdict(self, q, l, index, given, expected):
        """(verdict, diagnosis, note, own value) of one written number."""
        if given is None:
            return "missing", None, None, None
        policy = self.policy
        if policy.exact(given.value, expected):
            return "correct", None, None, None
        own = self.evidence if given.value == 0 else self.own
        carried = policy.rtol(q.name) * own.scale(q.name, l, index)
        mine = own.recomputed(q.name, l, index)
        follows = [mine] if policy.matches(given, mine, carried) else [
            x for x in own.alternatives(q.name, l, index) if policy.matches(given, x, carried)]
        near_key = policy.matches(given, expected, carried)
        clean = _same(self.suspects.recomputed(q.name, l, index), expected)
        if follows and not clean:
            return ("carried_forward", None, f"right for your own earlier numbers "
                    f"({follows[0]:.6g}); the key is {expected:.6g}", follows[0])
        if near_key:
            if given.digits and abs(given.value - expected) <= half_unit(expected,
                                                                         given.digits):
                note = f"the key {expected:.6g} rounded to the {digits_text(given.digits)} shown"
            else:
                note = f"the key is {expected:.6g} (rounding carried from earlier numbers)"
            return "correct", ROUNDING, note, None
        if follows:
            return ("correct", ROUNDING, f"follows from your own rounded earlier numbers "
                    f"({follows[0]:.6g})", follows[0])
        return ("wrong",) + self._diagnosis(own, q, l, index, given, expected, mine,
                                            carried) + (mine,)

    def _diagnosis(self, own, q, l, index, given, expected, mine, carried):
        policy = self.policy
        for x in (expected, mine):
            if policy.too_few_digits(given, x):
                return TOO_FEW_DIGITS, (f"{x:.6g} rounded to only {digits_text(given.digits)}; "
                                        f"at least {digits_text(policy.min_digits)} count")
        code = diagnose(own, q.name, l, index,
                        lambda value: math.isfinite(value)
                        and policy.matches(given, value, carried))
        return code, None

    def judged(self, q, l, index, given, verdict, code):
        """Record a verdict: a correct number is no suspect, and a written 0 that is right,
        carried forward or a named mistake is work the student did."""
        if verdict == "correct":
            self.suspects.drop(q.name, l, index)
        if given is not None and given.value == 0 and (verdict != "wrong" or code):
            self.evidence.keep(q.name, l, index)


_FORWARD = ("Z", "A", "Y_hat", "probabilities", "losses", "loss")
_BACKWARD = ("dA", "f_prime", "dZ", "dW", "db", "dW_i")


def derivation_order(pair, L):
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
    :data:`~nn.explain.quantities.ASKED`): every element of those is graded, blanks and
    absent entries as ``missing``.  Without it the entries the submission gives are
    graded.  An asked entry whose shape does not fit is ``wrong`` (diagnosis
    ``transposed`` or ``wrong_shape``) and the rest is graded.  Returns a
    :class:`Grade`; a submission that cannot be read at all raises
    :class:`~nn.explain.quantities.SubmissionError`.
    """
    policy = policy or Policy()
    problems = {}
    entries = read_entries(submission, derivation, problems)
    judge = _Judge(derivation, entries, policy)
    if questions is None:
        pairs = [(BY_NAME[name], l) for name, l in list(entries) + list(problems)]
    else:
        pairs = asked(derivation, questions)
    pairs.sort(key=lambda pair: derivation_order(pair, len(derivation.layers)))
    graded = []
    for q, l in pairs:
        grid = entries.get((q.name, l))
        problem = problems.get((q.name, l))
        key = key_value(derivation, q, l)
        for index in element_indices(shape(derivation, q, l)):
            given = None if grid is None else at(grid, index)
            expected = at(key, index)
            if problem is not None:
                verdict, code, note, mine = "wrong", problem.code, problem.message, None
            else:
                verdict, code, note, mine = judge.verdict(q, l, index, given, expected)
            judge.judged(q, l, index, given, verdict, code)
            names = index_names(q, index)
            graded.append(Entry(q.name, l, names.get("row"), names.get("col"),
                                names.get("sample"), expected,
                                None if given is None else given.value,
                                verdict, code, note, mine))
    tolerances = {q.name: policy.rtol(q.name) for q, _ in pairs}
    return Grade(graded, policy, source=source, tolerances=tolerances)
