"""One rule for comparing two gradients element by element, and the report a person reads.

Every check (finite differences, hand formulas, second derivatives, the
accumulation probes) produces :class:`Entry` rows; :class:`CheckResult` decides,
names the worst element and renders the table (as text, and as HTML in a notebook).
:func:`global_difference` is the deeplearning.ai course's one number for a whole
gradient, which :func:`~autograd.check.gradcheck` reports beside its verdict.
"""

import html
import math
import numbers
import sys
from dataclasses import dataclass

from .table import format_table

__tracebackhide__ = True  # pytest hides this module's frames in failure reports

TINY = sys.float_info.min
MAX_ROWS = 40  # longer tables show every non-passing row and the first passing ones


class GradientMismatch(AssertionError):
    """Gradients disagree; the message names the worst element and tables every compared one.

    ``.result`` is the :class:`CheckResult` with every entry."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


class NotDifferentiable(AssertionError):
    """The point sits on a kink: the one-sided differences disagree, so no finite difference
    can confirm or refute the derivative there.  The message says how to move the point;
    ``skip_kinks=True`` skips such inputs instead.  ``.result`` holds every entry."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


def relative_error(a, b):
    """Symmetric relative error |a − b| / max(|a| + |b|, tiny): 0 for equal numbers, 1 when
    one of them is 0 or their signs differ, and the same whichever is taken as the truth."""
    return abs(a - b) / max(abs(a) + abs(b), TINY)


GLOBAL_DIFFERENCE_THRESHOLD = 2e-7
"""The deeplearning.ai course's pass mark for :func:`global_difference` (with its ε = 1e-7)."""


def global_difference(g, g_approx):
    """The deeplearning.ai course's gradient-check difference: every parameter's gradient
    as one vector, compared in one norm,

        difference = ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂)

    with ``g`` the backward pass's gradient and ``g_approx`` its central differences
    (J(θ + ε) − J(θ − ε)) / 2ε, entry for entry in the same order.  The course
    ("Gradient Checking", ``gradient_check_n``) passes a backward pass whose difference
    is below 2·10⁻⁷ (:data:`GLOBAL_DIFFERENCE_THRESHOLD`); its deliberately broken
    ``backward_propagation_n`` gives 0.2850931568, the fixed one 1.189e-7.

    ``g`` and ``g_approx`` are numbers: flat sequences, nested lists (one per
    parameter matrix) or NumPy arrays of any shape, flattened in order.  Both zero
    gives 0; for one entry it is :func:`relative_error`.  The norms are taken with
    :func:`math.hypot`, so entries near the float range neither overflow nor
    underflow.  Raises ValueError naming the entry for a nan or inf, or when the two
    hold different numbers of entries.

    One norm is dominated by the largest entries: an entry whose error is below
    2·10⁻⁷·(‖g‖₂ + ‖g_approx‖₂) passes however wrong it is, e.g. a gradient of 10⁻⁸
    with its sign flipped beside gradients of order 1.  :func:`gradcheck` judges every
    entry, and prints this number as one line of its report.
    """
    g = _flat_numbers(g, "g")
    g_approx = _flat_numbers(g_approx, "g_approx")
    if len(g) != len(g_approx):
        raise ValueError(f"global_difference(): g has {len(g)} entries but g_approx has "
                         f"{len(g_approx)}; give both gradients over the same parameters, "
                         f"in the same order")
    if not g:
        raise ValueError("global_difference(): g and g_approx are empty; give the gradient "
                         "over every parameter")
    scale = math.hypot(*g) + math.hypot(*g_approx)
    if scale == 0.0:
        return 0.0
    return math.hypot(*(a - b for a, b in zip(g, g_approx))) / scale


def _flat_numbers(x, name):
    """``x`` (a number, a nested sequence or an array) as a flat list of finite floats."""
    if hasattr(x, "tolist") and not isinstance(x, numbers.Number):
        x = x.tolist()   # a NumPy array of any shape, or a NumPy scalar
    flat, stack = [], [(x, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed([(v, where + (k,)) for k, v in enumerate(item)]))
            continue
        place = f"{name}{''.join(f'[{k}]' for k in where)}"
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise TypeError(f"global_difference(): {place} is {type(item).__name__} {item!r}; "
                            f"expected numbers (a gradient's .grad, not the Value)")
        if not math.isfinite(item):
            raise ValueError(f"global_difference(): {place} is {item!r}; the difference needs "
                             f"finite gradients")
        flat.append(float(item))
    return flat


def check_tolerances(atol, rtol, context):
    """Raise ValueError unless atol and rtol are numbers ≥ 0."""
    for name, t in (("atol", atol), ("rtol", rtol)):
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not t >= 0:
            raise ValueError(f"{context}: {name} must be a number ≥ 0, got {t!r}")


def agree(a, b, atol, rtol):
    """The pass rule: |a − b| ≤ atol or |a − b| / (|a| + |b|) ≤ rtol.

    atol covers values near zero, where any relative error is meaningless; rtol
    covers the rest, whatever their size."""
    return abs(a - b) <= atol or relative_error(a, b) <= rtol


def number(x):
    """A number as the tables print it: 10 significant digits."""
    return f"{x:.10g}"


@dataclass
class Entry:
    """One compared element: ``computed`` (the engine's) against ``reference``."""

    name: str
    """The input's name (``x``, ``W^[1]_2,1``), or the probe's (``direction 2``)."""
    index: int | None
    """Position among the inputs (None for a direction)."""
    at: float | None
    """The input's value (None for a direction)."""
    computed: float
    reference: float
    status: str = "ok"
    """"ok", "mismatch", "kink" (not differentiable here) or "skipped" (a kink, skipped)."""
    slopes: tuple | None = None
    """(left, right) one-sided differences, measured when the entry failed."""
    kink_at: float | None = None
    """Estimated position of the kink along the probe (the input's value, or the
    offset along a direction)."""
    move_to: float | None = None
    """A suggested value (or offset along a direction) well clear of the kink."""
    between: bool = True
    """At a kink: the engine's value lies between the one-sided slopes."""
    moves: str | None = None
    """The input the probe moves, where it is not ``name`` (a second derivative
    ∂²/∂xᵢ∂xⱼ moves xⱼ)."""
    gradient_jumps: bool = False
    """A second derivative where the gradient component itself jumps (``slopes`` holds its
    values just before and just after): F has a kink there, as ReLU at 0."""
    hint: str = ""
    """Anything else the table should say about this entry."""

    @property
    def abs_error(self):
        """|computed − reference|."""
        return abs(self.computed - self.reference)

    @property
    def rel_error(self):
        """The symmetric relative error of :func:`relative_error`."""
        return relative_error(self.computed, self.reference)

    def where(self):
        """``W^[1]_2,1 (input 3)`` or ``direction 2``."""
        return self.name if self.index is None else f"{self.name} (input {self.index})"

    def note(self):
        """The table's last column: the one-sided slopes at a kink, or a hint."""
        if self.slopes is None:
            return self.hint
        left, right = self.slopes
        what = {"kink": "not differentiable", "skipped": "kink, skipped"}[self.status]
        if self.gradient_jumps:
            return f"{what}: gradient jumps {left:.4g} | {right:.4g}"
        outside = "" if self.between else ", outside them"
        return f"{what}: slopes {left:.4g} | {right:.4g}{outside}"


@dataclass
class CheckResult:
    """What a check compared.  Returned (truthy) when the check passes; failing checks
    raise :class:`GradientMismatch` or :class:`NotDifferentiable` carrying it."""

    title: str
    """What was checked and where, e.g. ``gradcheck at x = 1.5, y = 2``."""
    columns: tuple
    """Names of the two compared columns, e.g. ("analytic", "numeric")."""
    entries: list
    atol: float
    rtol: float
    method: str = ""
    """How the reference was made: step size and precision."""
    eps: float | None = None
    """The finite-difference step, when there was one."""
    difference: float | None = None
    """:func:`global_difference` of the two columns over every entry, where the check
    reports it (:func:`gradcheck` over coordinates); nan when an entry is not finite."""

    def __bool__(self):
        return not self.mismatches and not self.kinks

    @property
    def mismatches(self):
        """Entries that disagree beyond both tolerances, away from any kink."""
        return [e for e in self.entries if e.status == "mismatch"]

    @property
    def kinks(self):
        """Entries on a kink (not differentiable here), not skipped."""
        return [e for e in self.entries if e.status == "kink"]

    @property
    def skipped(self):
        """Entries on a kink, skipped because of ``skip_kinks=True``."""
        return [e for e in self.entries if e.status == "skipped"]

    @property
    def worst(self):
        """The mismatch with the largest relative error (then absolute), else None."""
        return max(self.mismatches, key=lambda e: (e.rel_error, e.abs_error), default=None)

    def rule(self):
        """The pass rule with this check's tolerances."""
        a, b = self.columns
        return (f"pass when |{a} − {b}| ≤ atol or |{a} − {b}| / (|{a}| + |{b}|) ≤ rtol, "
                f"atol={self.atol:g}, rtol={self.rtol:g}")

    def _shown(self):
        """(entries to show, how many passing ones are left out): every entry that did not
        pass, and passing ones up to :data:`MAX_ROWS` rows, in their order."""
        shown = [e for e in self.entries if e.status != "ok"]
        passing = [e for e in self.entries if e.status == "ok"]
        room = max(MAX_ROWS - len(shown), 0)
        rows = sorted(shown + passing[:room], key=self.entries.index)
        return rows, len(self.entries) - len(rows)

    def _cells(self, e):
        """One entry's numbers as the tables print them: at, both values, both errors."""
        return ["" if e.at is None else number(e.at), number(e.computed), number(e.reference),
                f"{e.abs_error:.3g}", f"{e.rel_error:.3g}"]

    def table(self):
        """Every entry that did not pass, and passing ones up to :data:`MAX_ROWS` rows."""
        rows, hidden = self._shown()
        marks = {"mismatch": "✗ ", "kink": "~ ", "skipped": "- ", "ok": "  "}
        a, b = self.columns
        text = format_table(
            ["", "at", a, b, "abs error", "rel error", ""],
            [[marks[e.status] + e.name, *self._cells(e), e.note()] for e in rows])
        return text + (f"\n… and {hidden} more passing entries" if hidden else "")

    def difference_line(self):
        """The report's line for :attr:`difference`, or "" where there is none."""
        if self.difference is None:
            return ""
        a, b = self.columns
        n = len(self.entries)
        line = (f"‖{a} − {b}‖₂ / (‖{a}‖₂ + ‖{b}‖₂) over {'the' if n == 1 else 'all'} {n} "
                f"{'entry' if n == 1 else 'entries'} as one vector (the deeplearning.ai "
                f"course's difference)")
        if math.isnan(self.difference):
            return f"{line}: undefined, an entry is not finite"
        below = self.difference < GLOBAL_DIFFERENCE_THRESHOLD
        mark = f"{GLOBAL_DIFFERENCE_THRESHOLD:.0e}".replace("e-0", "e-")   # 2e-7
        line += (f" = {number(self.difference)}: {'below' if below else 'not below'} the "
                 f"course's pass mark {mark}")
        if below and self.mismatches:
            line += "; one norm hides a wrong small entry, the table does not"
        return line

    def _counts(self):
        counts = f"{len(self.entries)} {'entry' if len(self.entries) == 1 else 'entries'}"
        if self.skipped:
            counts += f", {len(self.skipped)} skipped at kinks"
        return counts

    def __str__(self):
        lines = [f"{self.title}: {self._counts()}", self.rule(), self.method,
                 self.difference_line(), self.table()]
        return "\n".join(line for line in lines if line)

    def _repr_html_(self):
        """The report as HTML, for a notebook: the title, the pass rule, the method and the
        difference above a table of every entry (the failing ones marked).  Every label
        is escaped: a Value's label is the user's text."""
        def cell(text, tag="td", align="right"):
            return f'<{tag} style="text-align:{align}">{html.escape(str(text))}</{tag}>'

        marks = {"mismatch": "✗", "kink": "~", "skipped": "-", "ok": "✓"}
        a, b = self.columns
        head = "".join(cell(h, "th", "left" if i < 2 else "right") for i, h in enumerate(
            ["", "", "at", a, b, "abs error", "rel error", ""]))
        shown, hidden = self._shown()
        rows = ["<tr>" + cell(marks[e.status], align="left") + cell(e.name, align="left")
                + "".join(cell(v) for v in self._cells(e)) + cell(e.note(), align="left")
                + "</tr>" for e in shown]
        notes = [self.rule(), *self.method.split("\n"), self.difference_line()]
        if hidden:
            notes.append(f"… and {hidden} more passing entries")
        return (f"<div><p><b>{html.escape(self.title)}</b>: {html.escape(self._counts())}, "
                f"{'passed' if self else 'failed'}</p>"
                + "<p><small>" + "<br>".join(html.escape(n) for n in notes if n)
                + "</small></p>"
                + f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
                f"</table></div>")

    def raise_if_failed(self):
        """Raise the failure this result describes, if any."""
        __tracebackhide__ = True
        if self.mismatches:
            worst = self.worst
            a, b = self.columns
            why = [f"relative error {worst.rel_error:.3g} > rtol {self.rtol:g}",
                   f"absolute error {worst.abs_error:.3g} > atol {self.atol:g}"]
            lines = [f"{self.title}: {len(self.mismatches)} of {len(self.entries)} entries differ",
                     f"worst: {worst.where()}: {a} {number(worst.computed)}, {b} "
                     f"{number(worst.reference)}; {' and '.join(why)}"]
            if worst.hint:
                lines.append(f"({worst.hint})")
            lines += [self.rule(), self.method, self.difference_line(), self.table()]
            raise GradientMismatch("\n".join(line for line in lines if line), self)
        if self.kinks:
            lines = [f"{self.title}: not differentiable here"]
            lines += [kink_sentence(e, self.columns[0], self.eps) for e in self.kinks]
            lines.append("or pass skip_kinks=True to skip such inputs.")
            lines += [self.method, self.table()]
            raise NotDifferentiable("\n".join(line for line in lines if line), self)


def kink_sentence(e, computed_name, eps):
    """Why a finite difference cannot judge this entry, and where to move the point."""
    left, right = e.slopes
    who = e.moves or e.name
    if e.gradient_jumps:
        move = (f"move the point so no kink lies within 2ε along {who}" if e.index is None
                else f"move {who} at least 2ε away from it, e.g. to {e.move_to:.6g},")
        return (f"- {e.name}: the gradient jumps here ({left:.6g} just before, {right:.6g} just "
                f"after): f has a kink at this point (e.g. ReLU at 0), so its gradient has no "
                f"derivative and the {computed_name} {number(e.computed)} is a convention; "
                f"{move}")
    if e.index is None:
        where = f"kink at x + t·v along {who}, t ≈ {round(e.kink_at / eps, 2) + 0.0:g}ε"
        move = f"move the point so no kink lies within 2ε along {who}"
    else:
        where = f"kink at {who} ≈ {e.kink_at:.6g}"
        move = f"move {who} at least 2ε away from it, e.g. to {e.move_to:.6g},"
    if e.between:
        verdict = f"the {computed_name} {number(e.computed)} lies between them"
    else:
        verdict = (f"the {computed_name} {number(e.computed)} lies outside them (wrong if one kink "
                   f"sits here; where several meet, e.g. ReLUs whose inputs vanish together, "
                   f"conventions such as ReLU'(0) = 0 give such values too)")
    return (f"- {e.name}: {where}; the one-sided differences disagree (left {left:.6g}, "
            f"right {right:.6g}) and {verdict}: {move}")
