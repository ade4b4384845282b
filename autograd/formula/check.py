"""Checking a hand-derived formula against the engine's derivative.

The way math e-assessment checks a typed expression (evaluate both at random
points), joined with the engine: the formula is compared with ∂(of)/∂(wrt)
computed by ``autograd.grad`` at

* random points: each variable drawn from its domain ([−3, 3]; [0, 1] for a BCE
  target; (0, 3] under a log or a square root; yours with ``domains=``), points
  where ``of`` is undefined or within 10⁻³ of a kink (ReLU, |x|, max) redrawn;
* special points: each variable in turn at 0, ±30 (σ and tanh saturate) and ±1000
  (e^x overflows), 0 and 1 for a target, and every variable at 0 at once.

Each point passes by gradcheck's rule (:func:`autograd.check.report.agree`):
|engine − formula| ≤ atol or |engine − formula| / (|engine| + |formula|) ≤ rtol,
with assert_grad's tolerances by default, since both sides are exact formulas.
Where they differ at a special point that sits on a kink of ``of``, gradcheck's
kink detector (:func:`autograd.check.differences.find_kink`) decides: a value
between the one-sided slopes is a convention (ReLU′(0)), not a slip.  Where the
formula cannot be evaluated in floating point at a special point (σ(z) rounds to 1
and a division by 1 − σ(z) divides by zero) though it agrees elsewhere, the
verdict notes it instead of failing.
"""

import inspect
import math
import random

from ..check.differences import between, find_kink
from ..check.gradients import assert_grad
from ..check.report import CheckResult, Entry, agree, check_tolerances
from ..errors import NumericalError
from ..modes import no_grad
from .evaluate import Evaluator
from .functions import FUNCTIONS
from .limits import Budget, FormulaError
from .parser import parse
from .problem import Problem
from .slips import SlipMatch, candidates
from .tree import Binary, Call, names, to_text, walk
from .verdict import FormulaMismatch, FormulaVerdict

__tracebackhide__ = True

_DEFAULTS = inspect.signature(assert_grad).parameters
RTOL = _DEFAULTS["rtol"].default
ATOL = _DEFAULTS["atol"].default
KINK_MARGIN = 1e-3
EPS = 1e-6
"""The step of the kink detector (gradcheck's default)."""
MAX_POINTS = 200


def check_formula(formula, of, wrt, *, let=None, functions=None, domains=None, points=20,
                  seed=0, rtol=RTOL, atol=ATOL, derivatives=True, budget=None):
    """Check a hand-derived ``formula`` for ∂(of)/∂(wrt) against the engine's derivative.

    ::

        check_formula("σ(z)(1−σ(z))", of="sigmoid(z)", wrt="z")          # true
        check_formula("yhat - y", of="bce(sigmoid(z), y)", wrt="z")       # δ = ŷ − y
        check_formula("(1 - tanh(z)^2) * w", of="tanh(w*z + b)", wrt="z") # false:
        #   slip missing_inner_argument: tanh′ taken at z instead of at w·z + b

    ``formula`` and ``of`` are text in any notation of :mod:`autograd.formula`
    (ASCII, Unicode, LaTeX); neither is ever passed to ``eval``.  The formula may
    use ``of``'s variables, ``ŷ``/``a`` for its prediction/activation, ``f`` for its
    activation function, and names defined by ``let={"u": "w*z + b"}``;
    ``functions={"f": "tanh"}`` binds a function name.  ``domains={"x": (0, 5)}``
    sets where a variable's random values come from.  ``points`` random points
    (and the special points) are compared, drawn with ``seed``.  ``derivatives=False``
    refuses a formula that uses f′ (σ′(z) would answer "what is σ′?" by itself): set it
    when grading a student's derivation.

    Returns a :class:`~autograd.formula.verdict.FormulaVerdict`, true when the
    formula agrees at every point; false, it names a point where they differ, both
    values, and the classic slip that reproduces the formula, if one does.  Raises
    :class:`~autograd.formula.limits.FormulaError` (a ValueError, one line) when a
    formula cannot be read or checked.
    """
    check_tolerances(atol, rtol, "check_formula()")
    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_POINTS:
        raise ValueError(f"check_formula(): points must be a whole number from 1 to "
                         f"{MAX_POINTS}, got {points!r}")
    if not isinstance(of, str):
        raise FormulaError(f"the expression to differentiate is text, got "
                           f"{type(of).__name__}", "of")
    budget = budget or Budget()
    problem = Problem(of, wrt, let, functions, domains)
    statement = parse(formula, "formula", problem.aliases)
    problem.check_names(statement)
    if not derivatives:
        _refuse_primes(statement)
    return _Check(problem, statement, budget, rtol, atol).run(points, seed)


def assert_formula(formula, of, wrt, **options):
    """:func:`check_formula`, raising :class:`~autograd.formula.verdict.FormulaMismatch`
    (an AssertionError whose message names the point, both values and the slip) when
    the formula differs; a pytest test in one line::

        def test_sigmoid_derivative():
            assert_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z")
    """
    __tracebackhide__ = True
    verdict = check_formula(formula, of, wrt, **options)
    if not verdict:
        raise FormulaMismatch(verdict)
    return verdict


class _Check:
    def __init__(self, problem, statement, budget, rtol, atol):
        self.problem, self.statement, self.budget = problem, statement, budget
        self.rtol, self.atol = rtol, atol
        self.unstable = []   # special points where the formula has no finite value
        self.on_kinks = 0    # special points exactly on a kink of ``of``

    def run(self, count, seed):
        problem = self.problem
        randoms = self._random_points(count, random.Random(seed))
        specials = self._special_points(randoms[0][0])
        entries, notes = [], []
        random_values = []
        for point, truth in randoms:
            entry, value = self._compare(point, truth, special=False)
            entries.append(entry)
            random_values.append((point, value))
        for point, truth, kink in specials:
            entry, _ = self._compare(point, truth, special=True, kink=kink)
            entries.append(entry)
        notes += self._notes(entries[len(randoms):])
        result = CheckResult(f"{to_text(self.statement.rhs)} against ∂/∂{problem.wrt} "
                             f"{to_text(problem.tree)}", ("engine", "formula"), entries,
                             self.atol, self.rtol)
        verdict = FormulaVerdict(
            formula=self.statement.text, reading=to_text(self.statement.rhs),
            against=f"∂/∂{problem.wrt} {to_text(problem.tree)}", result=result,
            points=self._described(len(randoms), len(specials)), notes=notes,
            where=[b.text() for key, b in problem.bindings.items()
                   if key in _used_names(self.statement)])
        random_mismatches = [e for e in entries[:len(randoms)] if e.status == "mismatch"]
        if result.mismatches:
            verdict.shown = max(random_mismatches or result.mismatches,
                                key=lambda e: (e.rel_error, e.abs_error))
        if random_mismatches:
            verdict.slip = self._slip(random_values)
        elif result.mismatches:
            verdict.notes.append("it agrees at every random point and differs only at special "
                                 "points")
        return verdict

    # -- points ----------------------------------------------------------------------
    def _derivative(self, point):
        """(∂F/∂wrt, distance to the nearest kink), or None where F is undefined."""
        try:
            d, kink = self.problem.derivative(point, self.budget)
        except NumericalError:
            return None
        return (d, kink) if math.isfinite(d) else None

    def _random_points(self, count, rng):
        problem = self.problem
        accepted, tries = [], 0
        while len(accepted) < count and tries < 50 * count:
            tries += 1
            point = {v: rng.uniform(*problem.domains[v].sample) for v in problem.variables}
            found = self._derivative(point)
            if found is not None and found[1] >= KINK_MARGIN:
                accepted.append((point, found[0]))
        if len(accepted) < max(1, count // 2):
            raise FormulaError(f"found only {len(accepted)} of {count} random points where it "
                               f"is defined and away from kinks; give the variables domains "
                               f"where it is (domains=)", "of")
        return accepted

    def _special_points(self, base):
        problem = self.problem
        chosen = []
        for v in problem.variables:
            for s in problem.domains[v].specials:
                chosen.append({**base, v: s})
        if all(0.0 in problem.domains[v].specials for v in problem.variables) \
                and len(problem.variables) > 1:
            chosen.append({v: 0.0 for v in problem.variables})
        kinks = self._kink_points(base)
        points, seen = [], set()
        for point in chosen + kinks:
            key = tuple(point[v] for v in problem.variables)
            found = self._derivative(point)
            if key in seen or found is None:
                continue
            seen.add(key)
            points.append((point, *found))
            self.on_kinks += point in kinks
        return points

    def _kink_points(self, base):
        """Points exactly on each kink of ``of`` whose argument depends on the variable
        (ReLU(w·x + b) at w·x + b = 0), found along one variable from ``base``."""
        problem = self.problem
        points = []
        for call in walk(problem.tree):
            function = FUNCTIONS.get(call.function) if isinstance(call, Call) else None
            if function is None or function.kink is None or \
                    problem.wrt not in names(Binary("-", *call.args[:2]) if len(call.args) > 1
                                             else call.args[0]):
                continue
            for v in names(call.args[0]) if len(call.args) == 1 else problem.variables:
                point = self._on_kink(call, function, base, v)
                if point is not None:
                    points.append(point)
                    break
        return points

    def _on_kink(self, call, function, base, v):
        """``base`` with ``v`` moved so the kink's offset is exactly 0, or None."""
        problem = self.problem

        def offset(t):
            point = {**base, v: t}
            evaluate = Evaluator(problem.lookup(problem.leaves(point), self.budget), self.budget,
                                 problem.aliases, what="of")
            try:
                with no_grad():
                    return function.kink(*[evaluate(a) for a in call.args]), point
            except (NumericalError, FormulaError):
                return math.nan, point

        t0, t1 = base[v], base[v] + 0.5
        g0, g1 = offset(t0)[0], offset(t1)[0]
        for _ in range(60):
            if not (math.isfinite(g0) and math.isfinite(g1)) or g1 == g0:
                return None
            t0, t1 = t1, t1 - g1 * (t1 - t0) / (g1 - g0)
            g0, (g1, point) = g1, offset(t1)
            if g1 == 0.0:
                return point
            if abs(t1 - t0) <= 1e-15 * max(1.0, abs(t1)):
                break
        for direction in (math.inf, -math.inf):   # the last few ulps
            t = t1
            for _ in range(4):
                t = math.nextafter(t, direction)
                g, point = offset(t)
                if g == 0.0:
                    return point
        return None

    def _described(self, n_random, n_special):
        problem = self.problem
        groups = {}
        for v in problem.variables:
            groups.setdefault(problem.domains[v].text, []).append(v)
        ranges = "; ".join(f"{', '.join(vs)} in {text}" for text, vs in groups.items())
        text = f"at {n_random} random points ({ranges})"
        if n_special:
            specials = {}
            for v in problem.variables:
                values = problem.domains[v].specials
                if values:
                    specials.setdefault(_values_text(values), []).append(v)
            at = "; ".join(f"{', '.join(vs)} at {values}" for values, vs in specials.items())
            if self.on_kinks:
                at += f"; {self.on_kinks} on kinks"
            text += f" and {n_special} special points ({at})"
        return text

    def _name(self, point):
        return ", ".join(f"{v} = {point[v]:.10g}" for v in self.problem.variables)

    # -- one point ---------------------------------------------------------------------
    def _formula_at(self, point):
        """(value, problem) of the formula at ``point``: problem is '' or why it has no
        finite value there."""
        try:
            value = self.problem.formula_value(self.statement, point, self.budget)
        except NumericalError as e:
            return math.nan, str(e)
        if not math.isfinite(value):
            return value, f"it evaluates to {value!r}"
        return value, ""

    def _compare(self, point, truth, special, kink=math.inf):
        value, trouble = self._formula_at(point)
        entry = Entry(self._name(point), None, None, truth, value)
        if trouble:
            entry.hint = trouble
            if special and kink == 0.0:
                entry.hint = (f"at {entry.name}, a kink of {to_text(self.problem.tree)}, the "
                              f"formula has no value ({trouble}); the engine takes "
                              f"{_convention(self.problem)} = {truth:.6g}, a convention")
            elif special:
                self.unstable.append(entry)
            else:
                entry.status = "mismatch"
            return entry, None
        if agree(truth, value, self.atol, self.rtol):
            return entry, value
        if special:
            self._judge_kink(entry, point, value)
        else:
            entry.status = "mismatch"
        return entry, value

    def _judge_kink(self, entry, point, value):
        """A special point where they differ: a convention if it sits on a kink of ``of``
        and the formula's value lies between the one-sided slopes, else a mismatch."""
        problem = self.problem
        order = problem.variables
        i = order.index(problem.wrt)
        at = [point[v] for v in order]

        def F(values):
            return problem.value(dict(zip(order, values)), self.budget)

        try:
            kink = find_kink(F, at, {i: 1.0}, EPS)
        except NumericalError:
            kink = None
        if kink is None or not kink.found:
            entry.status = "mismatch"
            return
        entry.slopes = None
        if between(value, kink.left, kink.right, self.atol, self.rtol):
            entry.hint = (f"at {entry.name}, a kink of {to_text(problem.tree)}, your formula gives "
                          f"{value:.6g} and the engine {entry.computed:.6g}: "
                          f"{_convention(problem)} is a convention (any value between the "
                          f"one-sided slopes {kink.left:.6g} and {kink.right:.6g} will do), "
                          f"not a slip")
        else:
            entry.status = "mismatch"
            entry.hint = (f"a kink: {value:.6g} lies outside the one-sided slopes "
                          f"{kink.left:.6g} and {kink.right:.6g}")

    def _notes(self, special_entries):
        """The notes on special points that passed: conventions at kinks, and one on the
        points where the formula has no finite value."""
        unstable = self.unstable
        notes = sorted({e.hint for e in special_entries
                        if e.status == "ok" and e.hint and e not in unstable})
        if unstable:
            where = "; ".join(e.name for e in unstable[:3]) + ("; …" if len(unstable) > 3 else "")
            notes.append(f"the formula has no finite value at {len(unstable)} special "
                         f"point{'s' if len(unstable) > 1 else ''} where the derivative has one "
                         f"({where}: {unstable[0].hint}): rounding or overflow at extreme values "
                         f"(e^1000 is inf, σ(z) is exactly 1.0 in float64 for z ≥ 37), a weakness "
                         f"of the written form, not a wrong formula")
        return notes

    # -- naming the slip ---------------------------------------------------------------
    def _slip(self, random_values):
        compared = [(p, v) for p, v in random_values if v is not None][:10]
        if not compared:
            return None
        for candidate in candidates(self.problem):
            try:
                if all(agree(candidate.derivative(p, self.budget), v, self.atol, self.rtol)
                       for p, v in compared):
                    return SlipMatch(candidate.slip, candidate.detail)
            except (NumericalError, LookupError):
                continue
        return None


def _refuse_primes(statement):
    for node in walk(statement.rhs):
        if isinstance(node, Call) and node.primes:
            raise FormulaError(f"it uses the derivative {node.spelled}′ itself; write the "
                               f"derivative out (e.g. σ′(z) as σ(z)(1 − σ(z)))")


def _used_names(statement):
    return {n.key for n in walk(statement.rhs) if hasattr(n, "key")}


def _convention(problem):
    kinked = [c.spelled for c in walk(problem.tree)
              if isinstance(c, Call) and FUNCTIONS[c.function].kink is not None]
    if "ReLU" in kinked:
        return "ReLU′(0)"
    if kinked:
        return f"{kinked[0]}′(0)" if kinked[0] in ("abs", "sign", "step") \
            else f"the derivative of {kinked[0]} at its kink"
    return "the value at a kink"


def _values_text(values):
    shown, done = [], set()
    for x in values:
        if x in done:
            continue
        if -x in values and x != 0:
            shown.append(f"±{abs(x):g}")
            done.update((x, -x))
        else:
            shown.append(f"{x:g}")
            done.add(x)
    return ", ".join(shown)
