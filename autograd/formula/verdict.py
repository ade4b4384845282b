"""What checking a formula found, for a person (``str``), a test (``assert_formula``) and a
grader (``to_dict``).

A :class:`FormulaVerdict` is true when the formula agreed everywhere it was
compared.  When it did not, it names a point where the two differ with both
values, the slip that reproduces the formula (or says that none does), and
keeps every compared point in ``result`` (an :class:`autograd.check.CheckResult`,
printed as the same table as ``gradcheck``'s).  Notes say what passed but
deserves a word: a value at a kink that is a convention (ReLU′(0)), a point
where the formula cannot be evaluated in floating point though it is right
elsewhere.
"""

from dataclasses import dataclass, field

from ..check.report import GradientMismatch, number


class FormulaMismatch(GradientMismatch):
    """A formula differs from the derivative it claims to be (an AssertionError, so pytest
    reports a failed test); ``.verdict`` is the :class:`FormulaVerdict`."""

    def __init__(self, verdict):
        super().__init__(verdict.report(), verdict.result)
        self.verdict = verdict


@dataclass
class FormulaVerdict:
    """The outcome of one formula check (see the module docstring)."""

    formula: str
    """As typed."""
    reading: str
    """How it was read, every grouping explicit (``(1/2)·x``)."""
    against: str
    """What it was compared with, e.g. ``∂/∂z tanh(w·z + b)``."""
    result: object
    """The :class:`autograd.check.CheckResult` of every compared point."""
    points: str
    """Where it was compared, in words ("at 20 random points (…)")."""
    truth: str = "the engine's derivative"
    unit: str = "points"
    """What the compared entries are ("points", or "entries" of matrices)."""
    slip: object = None
    """The :class:`~autograd.formula.slips.SlipMatch` that reproduces the formula, or None."""
    notes: list = field(default_factory=list)
    where: list = field(default_factory=list)
    """The bindings the formula used, as text (``ŷ = σ(z) (the prediction in BCE)``)."""
    reason: str = ""
    """Why it failed when no point can show it (a shape that does not fit)."""

    @property
    def ok(self):
        """True when the formula agreed at every compared point."""
        return not self.reason and not self.result.mismatches

    def __bool__(self):
        return self.ok

    shown: object = None
    """The compared point the report names (an :class:`autograd.check.report.Entry`):
    the random point that differs most, else the special point that does; None when
    the formula passes."""

    def summary(self):
        """One line: ✓ or ✗, the formula as read, and what it was compared with."""
        if self.ok:
            return f"✓ {self.reading} = {self.against}: equal {self.points}"
        return f"✗ {self.reading} ≠ {self.against}"

    def report(self, table=True):
        """The summary, the differing point, the slip, notes, and (``table=True``) every
        compared point."""
        lines = [self.summary()]
        if not self.ok:
            if self.reason:
                lines.append(f"  {self.reason}")
            else:
                w = self.shown
                lines.append(f"  at {w.name}: your formula gives {number(w.reference)}, "
                             f"{self.truth} is {number(w.computed)}"
                             + (f" ({w.hint})" if w.hint else ""))
            if self.slip is not None:
                lines.append(f"  slip: {self.slip.detail} ({self.slip.code})")
            elif not self.reason:
                lines.append("  no classic slip reproduces it")
            if not self.reason:
                differ = len(self.result.mismatches)
                lines.append(f"  {differ} of {len(self.result.entries)} {self.unit} differ, "
                             f"compared {self.points}")
        lines += [f"  where {text}" for text in self.where]
        lines += [f"  note: {text}" for text in self.notes]
        if table and self.result.entries:
            lines += ["", self.result.rule(), self.result.table()]
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    def to_dict(self):
        """The verdict as JSON-ready data (a grader's record of one formula answer)."""
        w = self.shown
        return {
            "ok": self.ok, "formula": self.formula, "reading": self.reading,
            "against": self.against, "points": self.points,
            "differ": len(self.result.mismatches), "compared": len(self.result.entries),
            "at": None if w is None else w.name,
            "formula_value": None if w is None else w.reference,
            "expected": None if w is None else w.computed,
            "slip": None if self.slip is None else {
                "code": self.slip.code, "meaning": self.slip.meaning,
                "detail": self.slip.detail},
            "reason": self.reason, "notes": list(self.notes), "where": list(self.where),
        }
