"""Kinks: a finite difference across ReLU's or |x|'s kink disagrees with any analytic
derivative.  The checks detect it (the one-sided differences disagree), report "not
differentiable here" with where the kink is and how to move the point, and can skip such
inputs; a wrong derivative is still caught, at a kink or away from one.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import GradientMismatch, gradcheck, numerical_grad
from autograd.check import NotDifferentiable

relu = lambda z: z.relu()  # noqa: E731


def test_the_kink_is_documented_and_a_difference_across_relu_at_zero_really_disagrees():
    assert "kink" in autograd.check.__doc__
    assert numerical_grad(relu, [0.0]) == [0.5]  # the mean of the one-sided slopes 0 and 1


def test_relu_at_its_kink_is_reported_not_differentiable_with_where_to_move():
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(relu, [0.0])
    message = str(info.value)
    assert message.startswith("gradcheck at z = 0: not differentiable here")
    assert "kink at z ≈ 0;" in message
    assert "one-sided differences disagree (left 0, right 1)" in message
    assert "the analytic 0 lies between them" in message
    assert "move z at least 2ε away from it, e.g. to 0.001" in message
    assert "skip_kinks=True" in message
    assert not isinstance(info.value, GradientMismatch)  # not reported as wrong
    (entry,) = info.value.result.kinks
    assert entry.slopes == pytest.approx((0.0, 1.0), abs=1e-9)


def test_the_suggested_point_passes():
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(relu, [0.0])
    (entry,) = info.value.result.kinks
    assert gradcheck(relu, [entry.move_to])


def test_abs_at_its_kink_agrees_by_symmetry_and_passes():
    # |x|'(0) = 0 in the engine, and the central difference of |x| at 0 is 0 too.
    assert gradcheck(lambda x: abs(x) * 3.0, [0.0])


def test_a_kink_inside_the_stencil_is_located():
    # f = relu(x)² + |x − 0.3| at x = 0.3 + 4e-7: the kink lies between x − ε and x.
    # To its right f' = 2x + 1 = 1.6000008 (the engine's value), to its left 2x − 1.
    x = 0.3 + 4e-7
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(lambda z: z.relu() * z.relu() + abs(z - 0.3), [x])
    (entry,) = info.value.result.kinks
    assert entry.computed == pytest.approx(2 * x + 1, rel=1e-12)
    assert entry.kink_at == pytest.approx(0.3, abs=1e-9)
    assert "kink at z ≈ 0.3;" in str(info.value)


def test_skip_kinks_skips_them_and_still_checks_the_rest():
    f = lambda a, b: a.relu() + (b * a).tanh()  # noqa: E731
    result = gradcheck(f, [0.0, 0.7], skip_kinks=True)
    assert [e.name for e in result.skipped] == ["a"]
    assert [e.status for e in result.entries] == ["skipped", "ok"]
    assert "1 skipped at kinks" in str(result)


def test_a_wrong_derivative_at_a_kink_never_passes_and_is_named_outside_the_slopes():
    # Value relu(z), but the engine's derivative at 0 is 0 + 5: outside the slopes 0 and 1.
    def planted(z):
        return z.relu() + (z - z.detach()) * 5.0

    with pytest.raises(NotDifferentiable) as info:
        gradcheck(planted, [0.0])
    assert "the analytic 5 lies outside them (wrong if one kink sits here" in str(info.value)
    assert "outside them" in info.value.result.table()
    skipped = gradcheck(planted, [0.0], skip_kinks=True).skipped
    assert [(e.name, e.between) for e in skipped] == [("z", False)]


def test_relus_meeting_at_one_point_give_a_convention_value_outside_the_slopes():
    # relu(z) + relu(−z)·2 at 0: slopes −2 on the left, 1 on the right; the engine, with
    # ReLU'(0) = 0 in both, says 0 — inside here.  relu(z)·1 + relu(−z)·(−2): slopes 2 and 1,
    # the engine's 0 is outside both, as PyTorch's would be: not a mismatch.
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(lambda z: z.relu() + (-z).relu() * -2.0, [0.0])
    (entry,) = info.value.result.kinks
    assert entry.slopes == pytest.approx((2.0, 1.0), abs=1e-9)
    assert entry.computed == 0.0 and not entry.between
    assert gradcheck(lambda z: z.relu() + (-z).relu() * -2.0, [0.0], skip_kinks=True)


def test_a_wrong_derivative_away_from_the_kink_is_a_mismatch():
    def planted(z):
        return z.relu() + (z - z.detach()) * 0.5

    with pytest.raises(GradientMismatch, match="analytic 1.5, numeric 1"):
        gradcheck(planted, [1.0], skip_kinks=True)


def test_a_relu_network_on_its_kinks():
    # x = 0 and biases 0: every hidden z^[1] is exactly 0, on ReLU's kink.
    from nn import MLP
    from nn.losses import mse

    model = MLP(2, [3, 1], activations=["relu", "linear"], seed=1)
    loss = lambda: mse([model([0.0, 0.0])], [0.5])  # noqa: E731
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(loss, model.parameters())
    assert {e.name for e in info.value.result.kinks} == {"b^[1]_1", "b^[1]_2", "b^[1]_3"}
    result = gradcheck(loss, model.parameters(), skip_kinks=True)
    assert len(result.skipped) == 3 and len(result.entries) == len(model.parameters())


@pytest.mark.filterwarnings("ignore::autograd.check.PrecisionWarning")  # a drawn x may look float32
@settings(max_examples=300, deadline=None)
@given(kink=st.floats(-1, 1), offset=st.floats(-3e-6, 3e-6), left=st.floats(-3, 3),
       right=st.floats(-3, 3), wrong=st.sampled_from([0.0, 0.0, 1.0, -2.5]))
def test_kinked_functions_are_never_reported_wrong_unless_wrong(kink, offset, left, right, wrong):
    # f(x) = slope `left` below the kink, `right` above it; `wrong` is added to the engine's
    # derivative only (a planted error).  The point lies within 3e-6 of the kink, so the
    # stencil x ± 2ε often straddles it.
    x = kink + offset
    assume(x - kink != 0.0)  # exactly on it, the engine's ReLU'(0) = 0 convention decides

    def f(v):
        d = v - kink
        return (d * -1.0).relu() * -left + d.relu() * right + (v - v.detach()) * wrong

    engine = (right if x > kink else left) + wrong
    inside = min(left, right) - 1e-3 <= engine <= max(left, right) + 1e-3
    try:
        gradcheck(f, [x])
    except NotDifferentiable as kinked:
        (entry,) = kinked.result.kinks
        assert entry.computed == pytest.approx(engine, abs=1e-12)
        if wrong == 0.0:  # a correct derivative at a kink is one of the one-sided slopes
            assert entry.between
            assert entry.kink_at == pytest.approx(kink, abs=1e-9)
    except GradientMismatch:
        assert wrong != 0.0
    else:
        assert wrong == 0.0 or inside


def test_a_kink_along_a_random_direction_is_reported_along_it():
    # relu(a + b) at (0, 0): every direction crosses the kink at the point itself.
    with pytest.raises(NotDifferentiable) as info:
        gradcheck(lambda a, b: (a + b).relu(), [0.0, 0.0], directions=2)
    message = str(info.value)
    assert "- direction 1: kink at x + t·v along direction 1, t ≈ 0ε;" in message
    assert len(info.value.result.kinks) == 2
    assert len(gradcheck(lambda a, b: (a + b).relu(), [0.0, 0.0], directions=2,
                         skip_kinks=True).skipped) == 2


def test_where_kinks_meet_but_f_is_smooth_the_convention_value_is_a_mismatch_with_a_clue():
    # relu(z) − relu(−z) = z, but at z = a + b = 0 the engine (as PyTorch) applies
    # ReLU'(0) = 0 twice and gives ∂/∂a = 0, not 1.  Along every probe f is linear: its
    # one-sided slopes agree, so nothing excuses the 0 (only f may say "kink", never the
    # gradient under test); the message says what the engine does just off the point.
    def f(a, b):
        z = a + b
        return z.relu() - (-z).relu()

    with pytest.raises(GradientMismatch) as info:
        gradcheck(f, [0.0, 0.0])
    assert "(f is smooth here, and the engine gives 1 just before, 1 just after: a " \
           "convention where inner kinks meet (ReLU'(0) = 0)?)" in str(info.value)
    with pytest.raises(GradientMismatch, match="a convention where inner kinks meet"):
        gradcheck(f, [0.0, 0.0], directions=2, skip_kinks=True)
    assert gradcheck(f, [1e-3, 0.0])                 # off the kink all agree


def test_a_planted_error_is_still_caught_where_the_gradient_is_continuous():
    def f(a, b):
        z = a + b
        return z.relu() - (-z).relu() + (a - a.detach()) * 0.5

    with pytest.raises(GradientMismatch, match="worst: a \\(input 0\\): analytic 1.5, numeric 1"):
        gradcheck(f, [0.3, 0.1], skip_kinks=True)


# -- second derivatives: gradgradcheck at a kink of the gradient, or where it jumps ---------

def test_gradgradcheck_at_a_kink_of_the_gradient_says_not_differentiable():
    # f = x·relu(x): ∂f/∂x is 0 left of 0 and 2x right of it, so ∂²f/∂x² is 0 | 2 there;
    # the engine's 0 (ReLU'(0) = 0 twice) lies between, and no difference can judge it.
    with pytest.raises(NotDifferentiable) as info:
        autograd.gradgradcheck(lambda x: x * x.relu(), [0.0])
    message = str(info.value)
    assert "∂²/∂x∂x: kink at x ≈ 0" in message and "(left 0, right 2)" in message
    assert "lies between them: move x at least 2ε away" in message
    assert not isinstance(info.value, GradientMismatch)


@pytest.mark.parametrize("f, at, before, after", [
    (lambda x: x.relu() * 3, [0.0], 0, 3),
    (lambda x, y: x.relu() * y, [0.0, 2.0], 0, 2),
    (lambda x: abs(x) * 2 + x * x, [0.0], -2, 2),
])
def test_gradgradcheck_where_the_gradient_jumps_says_f_has_a_kink(f, at, before, after):
    # Where F has a kink its gradient jumps, and the difference of the gradient grows
    # like jump/2ε: a mismatch report would blame a correct engine.
    with pytest.raises(NotDifferentiable) as info:
        autograd.gradgradcheck(f, at)
    assert (f"the gradient jumps here ({before:g} just before, {after:g} just after): f has a "
            f"kink at this point") in str(info.value)
    result = autograd.gradgradcheck(f, at, skip_kinks=True)
    assert result and any(e.gradient_jumps for e in result.skipped)


def test_gradgradcheck_along_directions_sees_the_jump_too():
    with pytest.raises(NotDifferentiable, match="the gradient jumps here"):
        autograd.gradgradcheck(lambda x, y: (x - y).relu() * 3, [1.0, 1.0], directions=2)


def test_gradgradcheck_off_the_kink_still_catches_a_wrong_second_derivative():
    # Near (not at) a ReLU kink a detached factor makes the engine's ∂²f/∂x² wrong:
    # the kink checks must not excuse it.
    with pytest.raises(GradientMismatch):
        autograd.gradgradcheck(lambda x: x.relu() * x * x.detach(), [0.5])
