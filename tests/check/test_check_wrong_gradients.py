"""A check never passes a wrong gradient: "kink" is decided from f alone.

The classic slips (a term computed from ``.data``, so detached from the graph; a local
derivative off by a factor) give the engine a wrong gradient of a perfectly smooth f.
Such a gradient disagrees with the engine's own gradient just off the point as much as
with anything else, so a judge that consulted it would see a "kink" and, with
``skip_kinks=True``, skip the very entry that is wrong.  The judge reads f only: f's
one-sided slopes must disagree beyond their round-off at every smaller step.
"""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import GradientMismatch, Value, grad, gradcheck, gradgradcheck, total
from autograd.check import NotDifferentiable, relative_error
from autograd.strategies import expressions


def detached_cos(x):
    # ∂f/∂x = 0.001·tanh'(0.001x) − 10 sin(10x) = −1.41 at 0.3; the engine sees only 0.001.
    return (x * 0.001).tanh() + Value(math.cos(10 * x.data))


@pytest.mark.parametrize("eps", [1e-6, 1e-3, 6e-3])
@pytest.mark.parametrize("skip_kinks", [False, True])
def test_the_data_slip_is_a_mismatch_at_every_step_never_a_skipped_kink(eps, skip_kinks):
    with pytest.raises(GradientMismatch) as info:
        gradcheck(detached_cos, [0.3], eps=eps, skip_kinks=skip_kinks)
    (entry,) = info.value.result.entries
    assert entry.status == "mismatch" and entry.slopes is None
    assert entry.computed == pytest.approx(0.001, rel=1e-6)
    assert entry.reference == pytest.approx(-10 * math.sin(3.0) + 0.001, rel=1e-3)
    assert "not differentiable" not in str(info.value)


def test_a_large_step_on_a_smooth_f_is_a_mismatch_that_says_the_step_is_too_large():
    # The README's test, run with --gradcheck-eps 0.5: tanh turns over a scale of 0.5, so
    # the central difference is far off, but f is smooth and the gradient right.
    def f(w, b):
        return ((w * 2.0 + b).tanh() - 1) ** 2

    assert gradcheck(f, [0.4, -0.1])
    with pytest.raises(GradientMismatch) as info:
        gradcheck(f, [0.4, -0.1], eps=0.5, skip_kinks=True)
    assert not info.value.result.kinks and not info.value.result.skipped
    assert "the central difference" in str(info.value) and "agrees: ε too large" in str(info.value)


@pytest.mark.parametrize("eps", [1e-6, 6e-3, 0.1])
@pytest.mark.parametrize("at, kink", [(0.3 + 4e-7, 0.3), (0.0, 0.0), (1e4, 1e4)])
def test_the_point_to_move_to_stays_near_the_input(eps, at, kink):
    def f(z):
        return (z - kink).relu() * 100 + (z - kink) * (z - kink)

    with pytest.raises(NotDifferentiable) as info:
        gradcheck(f, [at], eps=eps)
    (entry,) = info.value.result.kinks
    assert entry.kink_at == pytest.approx(kink, abs=1e-3 * eps)
    near = max(4 * eps, 1e-3 * max(1.0, abs(at)))     # a few steps, or a thousandth of x
    assert 2 * eps < abs(entry.move_to - entry.kink_at) <= near * (1 + 1e-9)
    assert gradcheck(f, [entry.move_to], eps=eps, rtol=0.05)


# -- the property: random smooth graphs, one slip planted -----------------------------------

def planted(expr, step, factor):
    """``expr`` with the node of ``step`` given a wrong local derivative: ``factor`` times
    the right one (0: detached, as a term computed from ``.data``), its value unchanged."""
    def f(*leaves):
        nodes = list(leaves)
        for s, (name, operands) in enumerate(expr.steps):
            node = expr.operations[name](*[nodes[k] for k in operands])
            if s == step:
                still = node.detach()
                node = still if factor == 0.0 else still + (node - still) * factor
            nodes.append(node)
        return total(nodes)
    return f


def clearly_wrong(wrong, right, atol, rtol):
    """Some entry of ``wrong`` is off by ten times both tolerances."""
    return any(abs(w - r) > 10 * atol and relative_error(w, r) > 10 * rtol
               for w, r in zip(wrong, right))


def slipped(expr, step, factor, eps, check):
    """``expr`` with a slip planted at ``step``, where the slip changes the gradient clearly
    and ``check`` passes the right one at this point and eps (so they can judge it)."""
    wrong = planted(expr, step % len(expr.steps), factor)
    leaves = [Value(x) for x in expr.point]
    assume(clearly_wrong(grad(wrong(*leaves), leaves), grad(expr(*leaves), leaves), 1e-5, 1e-3))
    try:
        check(expr, expr.point, eps=eps)
    except GradientMismatch:
        assume(False)
    return wrong


@pytest.mark.parametrize("check, max_ops", [(gradcheck, 8), (gradgradcheck, 4)])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                   HealthCheck.too_slow])
@given(data=st.data(), step=st.integers(0, 7), factor=st.sampled_from([0.0, 0.0, 0.5, 2.0, -1.0]),
       eps=st.sampled_from([1e-6, 1e-3, 6e-3]))
def test_a_slip_in_a_smooth_graph_is_always_a_mismatch_never_a_kink(check, max_ops, data, step,
                                                                    factor, eps):
    # For gradgradcheck: a detached or scaled term leaves the Hessian consistent with the
    # wrong gradient's own differences; only f exposes it, so it checks first derivatives too.
    expr = data.draw(expressions(max_ops=max_ops), label="expr")
    wrong = slipped(expr, step, factor, eps, check)
    for skip_kinks in (False, True):
        with pytest.raises(GradientMismatch) as info:
            check(wrong, expr.point, eps=eps, skip_kinks=skip_kinks)
        assert not info.value.result.kinks and not info.value.result.skipped


def test_gradgradcheck_names_a_first_derivative_that_misses_a_term():
    with pytest.raises(GradientMismatch, match=r"worst: ∂/∂x \(input 0\): analytic 0.000999"):
        gradgradcheck(detached_cos, [0.3], skip_kinks=True)
