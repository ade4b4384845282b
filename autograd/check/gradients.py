"""The checks: the engine's gradient against central differences (first and second order)
and against a hand-derived formula.

Every check compares element by element with the rule of
:func:`autograd.check.report.agree`, returns a truthy :class:`CheckResult` when
all agree, and otherwise raises :class:`GradientMismatch` (naming the worst
element, both values and the tolerance that failed, above a table) or
:class:`NotDifferentiable` (the point sits on a kink; the message says how to
move it).
"""

import math
import numbers
from operator import itemgetter

from .differences import UNIT_ROUNDOFF, between, central, find_kink, shifted
from .objective import Objective
from .precision import difference_advice, method_line, suggested_eps, warn_if_imprecise
from .probes import choose
from .report import CheckResult, Entry, agree, check_tolerances, global_difference

__tracebackhide__ = True  # pytest hides this module's frames in failure reports


def numerical_grad(f, inputs, eps=1e-6):
    """Central differences (F(x + ε·eᵢ) − F(x − ε·eᵢ)) / 2ε for each input i, recording no
    graph.  ``f`` and ``inputs`` as for :func:`gradcheck`."""
    obj = Objective(f, inputs, "numerical_grad()")
    _check_eps(eps, "numerical_grad()")
    return [central(obj.value, obj.point, {i: 1.0}, eps)[0] for i in range(len(obj))]


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, samples=None, directions=None,
              seed=0, skip_kinks=False):
    """Check the engine's gradient ∂F/∂xᵢ at ``inputs`` against central differences.

    ``f`` is either a function of n Values (``lambda w, a: (w * a).sigmoid()``,
    ``inputs`` n numbers or Values) or a function of no arguments using Values it
    holds (``inputs`` those Values, e.g. ``model.parameters()``; named by their
    labels such as ``W^[1]_2,1``, their ``.data`` restored afterwards).

    Each element passes when |analytic − numeric| ≤ atol or the symmetric relative
    error |analytic − numeric| / (|analytic| + |numeric|) ≤ rtol (defaults: PyTorch's
    eps = 1e-6, atol = 1e-5, rtol = 1e-3).  ``samples=k`` checks k random coordinates
    of every parameter (W^[l], b^[l], …), ``directions=k`` k random directional
    derivatives ∇F·v instead of every coordinate; ``seed`` fixes the draw.

    Where an element fails, F alone decides whether a central difference can judge it
    (:mod:`autograd.check.differences`): where F's own one-sided slopes within ε of the
    point disagree beyond their round-off at every smaller step (a kink, as ReLU or |x|
    at 0), :class:`NotDifferentiable` is raised instead, saying where the kink is and how
    to move the point, unless ``skip_kinks=True`` (then such elements are listed in
    ``result.skipped``).  The message says whether the engine's value lies between the
    one-sided slopes (as ReLU'(0) = 0 does) or outside them (wrong, if only one kink
    sits there).  The gradient under test is never asked, so a wrong gradient of a
    smooth F is always a :class:`GradientMismatch`, whatever ε.

    Returns a truthy :class:`CheckResult` (``print`` it for the table; in a notebook it
    shows itself as an HTML table), or raises :class:`GradientMismatch` naming the worst
    element, both values and the tolerance that failed.  Inputs carrying float32
    precision raise a :class:`PrecisionWarning` suggesting an eps.

    The report also gives the deeplearning.ai course's single number over the checked
    coordinates as one vector (``result.difference``, :func:`global_difference`),

        difference = ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂),

    and whether it is below the course's 2·10⁻⁷; the verdict stays per entry, which a
    small wrong entry cannot hide from.  With ``directions`` there is no such line.
    """
    __tracebackhide__ = True
    obj, probes = _prepare(f, inputs, eps, atol, rtol, samples, directions, seed,
                           "gradcheck()")
    entries = _first_order(obj, probes, eps, atol, rtol, skip_kinks)
    scale = abs(obj.value(obj.point))
    result = CheckResult(f"gradcheck at {obj.describe()}", ("analytic", "numeric"), entries,
                         atol, rtol, method_line(eps, scale) + _probe_note(samples, directions,
                                                                          seed), eps,
                         difference=None if directions is not None else _difference(entries))
    result.raise_if_failed()
    return result


def _difference(entries):
    """The course's :func:`global_difference` of the coordinates checked; nan where one of
    them is not finite (that entry is a mismatch already)."""
    pairs = [(e.computed, e.reference) for e in entries]
    if not all(math.isfinite(a) and math.isfinite(n) for a, n in pairs):
        return math.nan
    return global_difference(*zip(*pairs))


def _first_order(obj, probes, eps, atol, rtol, skip_kinks, name=str):
    """One entry per probe: the engine's ∇F·v against the central difference of F;
    ``name`` turns a probe's name into the entry's."""
    point = obj.point
    analytic = obj.gradient(point)
    entries = []
    for p in probes:
        a = _along(p.v)(analytic)
        n, hi, lo = central(obj.value, point, p.v, eps)
        entry = Entry(name(p.name), p.index, None if p.index is None else point[p.index], a, n,
                      moves=p.name)
        if not (math.isfinite(a) and math.isfinite(n)):
            entry.status, entry.hint = "mismatch", "not finite: f or its gradient overflows here"
        elif not agree(a, n, atol, rtol):
            _judge_failure(entry, obj, p, eps, atol, rtol, skip_kinks, {1: hi, -1: lo})
        entries.append(entry)
    return entries


def _judge_failure(entry, obj, probe, eps, atol, rtol, skip_kinks, known):
    """A failing element: not differentiable here if F has a kink within ε, judged from F
    alone (``known``: F(x ± εv)); else a mismatch, with a hint where one can be given."""
    kink = find_kink(obj.value, obj.point, probe.v, eps, known)
    if kink.found:
        _mark_kink(entry, probe, eps, kink.left, kink.right, kink.offset, atol, rtol,
                   skip_kinks)
        return
    entry.status = "mismatch"
    entry.hint = _smaller_step_hint(entry, obj.value, obj.point, probe.v, eps,
                                    kink.five_point, atol, rtol)
    if entry.hint:
        return
    # Not a verdict, only a clue: where kinks of inner nodes meet (relu(z) − relu(−z) at
    # z = 0), F is smooth but the engine's value is a convention (ReLU'(0) = 0), and just
    # off the point it agrees with the difference.
    along = _along(probe.v)
    off = [along(obj.gradient(shifted(obj.point, probe.v, t))) for t in (-eps, eps)]
    if all(agree(g, entry.reference, atol, rtol) for g in off):
        entry.hint = (f"f is smooth here, and the engine gives {off[0]:.6g} just before, "
                      f"{off[1]:.6g} just after: a convention where inner kinks meet "
                      f"(ReLU'(0) = 0)?")


def _smaller_step_hint(entry, value, point, v, eps, five_point, atol, rtol):
    """Where a smooth function's difference with step ε is too coarse: say so when the
    five-point difference, or a central difference with a tenth or a hundredth of the
    step, agrees with the engine (a clue for the reader, never a pass).  Steps below the
    one that balances round-off and truncation in float64 are not tried: they are no
    better."""
    if agree(entry.computed, five_point, atol, rtol):
        return f"5-point difference {five_point:.10g} agrees: ε too large"
    best = suggested_eps(max(abs(point[i]) for i in v), UNIT_ROUNDOFF)
    for step in (eps / 10, eps / 100):
        if step < best:
            break
        n, _, _ = central(value, point, v, step)
        if agree(entry.computed, n, atol, rtol):
            return f"with ε = {step:g} the central difference {n:.10g} agrees: ε too large"
    return ""


def _mark_kink(entry, probe, eps, left, right, offset, atol, rtol, skip_kinks):
    entry.status = "skipped" if skip_kinks else "kink"
    entry.slopes = (left, right)
    entry.between = entry.gradient_jumps or between(entry.computed, left, right, atol, rtol)
    # Far enough that no kink lies within 2ε of the new point, near enough to be the same
    # question: a few ε, or a thousandth of the input's size.
    clear = max(4 * eps, 1e-3 * max(1.0, abs(entry.at or 0.0)))
    if probe.index is None:
        entry.kink_at = offset
        entry.move_to = -clear if offset > 0 else clear
    else:
        entry.kink_at = entry.at + offset * probe.v[probe.index]
        entry.move_to = entry.kink_at + (clear if entry.at >= entry.kink_at else -clear)


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, samples=None, directions=None,
                  seed=0, skip_kinks=False):
    """Check first and second derivatives: the engine's ∂F/∂xᵢ against central differences
    of F (as :func:`gradcheck`), and its ∂²F/∂xᵢ∂xⱼ (through ``grad(..., create_graph=True)``)
    against central differences of its gradient,
    (∂F/∂xᵢ(x + εeⱼ) − ∂F/∂xᵢ(x − εeⱼ)) / 2ε.

    The first derivatives come first because the second are checked against them: a
    gradient that misses a term (a detached factor, a scaled local derivative) has a
    Hessian that agrees with its own differences, so only F can expose it (as JAX's
    ``check_grads(order=2)`` checks order 1 too).

    Inputs, tolerances, ``samples`` and ``seed`` as for :func:`gradcheck`: one row
    per input and one per (i, j) over all (or the sampled) inputs.  ``directions=k``
    compares ∇F·v and vᵀHv with the differences of F and of ∇F·v along k random
    directions v (JAX's ``order=2``).

    Where a second derivative fails because ∂F/∂xᵢ itself is not differentiable within ε
    of the point (a kink in it, as x·ReLU(x) has at 0, or a jump, where F has a kink as
    ReLU(x) at 0), judged from ∂F/∂xᵢ alone, never from the second derivative under
    test, :class:`NotDifferentiable` is raised instead, saying where and how to move the
    point, unless ``skip_kinks=True`` (then such elements are listed in
    ``result.skipped``).  Returns a truthy :class:`CheckResult` or raises
    :class:`GradientMismatch`.
    """
    __tracebackhide__ = True
    obj, probes = _prepare(f, inputs, eps, atol, rtol, samples, directions, seed,
                           "gradgradcheck()")
    point, names = obj.point, obj.names
    first = _first_order(obj, probes, eps, atol, rtol, skip_kinks,
                         name=lambda n: f"∇f·v, {n}" if n.startswith("direction") else f"∂/∂{n}")
    rows = [p.index for p in probes]
    compared = []  # (entry, probe, the gradient component it differentiates)
    for p in probes:
        hv = obj.hessian_times(point, p.v)
        up = obj.gradient(shifted(point, p.v, eps))
        down = obj.gradient(shifted(point, p.v, -eps))
        if p.index is None:
            along = _along(p.v)
            compared.append((Entry(f"vᵀHv, {p.name}", None, None, along(hv),
                                   (along(up) - along(down)) / (2 * eps), moves=p.name),
                             p, along, up, down))
            continue
        j = p.index
        step = shifted(point, p.v, eps)[j] - shifted(point, p.v, -eps)[j]
        for i in rows:
            compared.append((Entry(f"∂²/∂{names[i]}∂{names[j]}", j, point[j], hv[i],
                                   (up[i] - down[i]) / step, moves=names[j]),
                             p, itemgetter(i), up, down))
    for e, p, component, up, down in compared:
        if not agree(e.computed, e.reference, atol, rtol):
            _judge_second_order(e, obj, p, component, eps, atol, rtol, skip_kinks,
                                {1: component(up), -1: component(down)})
    scale = abs(obj.value(point))
    gradient_scale = max(abs(g) for g in obj.gradient(point))
    result = CheckResult(f"gradgradcheck at {obj.describe()}", ("analytic", "numeric"),
                         first + [e for e, *_ in compared], atol, rtol,
                         method_line(eps, scale) + "\n"
                         + method_line(eps, gradient_scale, of="∂f/∂xᵢ")
                         + _probe_note(samples, directions, seed), eps)
    result.raise_if_failed()
    return result


def _along(v):
    """The component of a gradient g along the probe v: Σᵢ gᵢvᵢ."""
    return lambda g: math.fsum(g[i] * c for i, c in v.items())


def _judge_second_order(entry, obj, probe, component, eps, atol, rtol, skip_kinks, known):
    """A failing second derivative: not defined here if G, the gradient ``component``
    being differentiated (``known``: G(x ± εv)), jumps within ε (F has a kink there,
    judged from F) or has a kink (as x·ReLU(x) at 0, judged from G); never from the
    second derivative under test.  Else a mismatch."""
    def g(point):
        return component(obj.gradient(point))

    kink_of_f = find_kink(obj.value, obj.point, probe.v, eps)
    if kink_of_f.found:
        # G just before and just after the kink, outside the window that holds it.
        before, after = (g(shifted(obj.point, probe.v, kink_of_f.offset + t * kink_of_f.width))
                         for t in (-2, 2))
        entry.gradient_jumps = True
        _mark_kink(entry, probe, eps, before, after, kink_of_f.offset, atol, rtol, skip_kinks)
        return
    kink = find_kink(g, obj.point, probe.v, eps, known)
    if kink.found:
        _mark_kink(entry, probe, eps, kink.left, kink.right, kink.offset, atol, rtol,
                   skip_kinks)
        return
    entry.status = "mismatch"
    entry.hint = _smaller_step_hint(entry, g, obj.point, probe.v, eps, kink.five_point,
                                    atol, rtol)


def assert_grad(f, at, expected, rtol=1e-7, atol=1e-12):
    """Assert that a hand-derived gradient equals the engine's, entry by entry.

    ``expected`` is the list of hand-derived ∂F/∂xᵢ, or a function of the input
    numbers returning that list (or one number for one input)::

        def test_sigmoid_derivative():
            assert_grad(lambda z: z.sigmoid(), at=[0.3],
                        expected=lambda z: sigma(z) * (1 - sigma(z)))

    ``f`` and ``at`` as ``f`` and ``inputs`` of :func:`gradcheck`.  Both sides are
    exact formulas, so the tolerances are tight: pass when |engine − hand| ≤ atol
    or |engine − hand| / (|engine| + |hand|) ≤ rtol.  On failure raises
    :class:`GradientMismatch` (an AssertionError, so pytest shows it as a failed
    test) naming the worst entry, above a table of every entry.  Float32 inputs
    raise a :class:`PrecisionWarning`: hand values computed from them match only
    to about 1e-7.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    context = "assert_grad()"
    obj = Objective(f, at, context)
    check_tolerances(atol, rtol, context)
    warn_if_imprecise(obj.names, obj.raw, obj.point, context,
                      "Hand values computed from them in float32 match the engine only to "
                      "about 1e-7 relative: pass rtol=1e-5, or give float64 inputs.")
    engine = obj.gradient(obj.point)
    hand = expected(*obj.point) if callable(expected) else expected
    if isinstance(hand, numbers.Real) and not isinstance(hand, bool):
        hand = [hand]
    try:
        hand = list(hand)
    except TypeError:
        raise TypeError(f"{context}: expected must be a list of numbers, a number or a function "
                        f"returning them, got {type(hand).__name__} {hand!r}") from None
    if len(hand) != len(obj):
        raise ValueError(f"{context}: {len(obj)} inputs but {len(hand)} expected "
                         f"gradients ({hand!r})")
    for i, h in enumerate(hand):
        if isinstance(h, bool) or not isinstance(h, numbers.Real):
            raise TypeError(f"{context}: expected gradient {i} must be a number, got "
                            f"{type(h).__name__} {h!r}")
    entries = [Entry(name, i, x, a, float(h))
               for i, (name, x, a, h) in enumerate(zip(obj.names, obj.point, engine, hand))]
    for e in entries:
        if not agree(e.computed, e.reference, atol, rtol):
            e.status = "mismatch"
    result = CheckResult(f"hand-derived gradient vs the engine at {obj.describe()}",
                         ("engine", "hand-derived"), entries, atol, rtol)
    result.raise_if_failed()
    return result


def _prepare(f, inputs, eps, atol, rtol, samples, directions, seed, context):
    """The objective and its probes, after checking eps, the tolerances and the inputs'
    precision."""
    obj = Objective(f, inputs, context)
    _check_eps(eps, context)
    check_tolerances(atol, rtol, context)
    warn_if_imprecise(obj.names, obj.raw, obj.point, context, difference_advice(eps),
                      stacklevel=4)
    return obj, choose(obj.names, samples, directions, seed, context)


def _check_eps(eps, context):
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < math.inf:
        raise ValueError(f"{context}: eps must be a positive number, got {eps!r}")


def _probe_note(samples, directions, seed):
    if directions is not None:
        return f"; {directions} random direction(s), seed {seed}"
    if samples is not None:
        return f"; {samples} random coordinate(s) of every parameter, seed {seed}"
    return ""
