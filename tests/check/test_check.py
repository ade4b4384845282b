"""gradcheck, gradgradcheck, assert_grad, numerical_grad: they pass on right gradients, fail on
wrong ones naming the worst element, both values and the tolerance that failed, and report
the step size and precision.

A wrong engine gradient is planted with ``detach()``: ``x * x.detach()`` has value x² but
the engine sees the second factor as a constant, so its gradient is x where the true
derivative is 2x.
"""

import math
import sys

import pytest

import autograd
from autograd import (GradientMismatch, Value, assert_grad, gradcheck, gradgradcheck,
                      numerical_grad)
from autograd.check import CheckResult, format_table, relative_error


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def half_detached(x, y):
    """Value x² + y, but the engine's ∂/∂x is x instead of 2x."""
    return x * x.detach() + y


def table_rows(message):
    """{row name: (mark, [numbers])} of a check's table (its last lines)."""
    lines = message.splitlines()
    header_at = max(i for i, line in enumerate(lines) if "abs error" in line)
    rows = {}
    for line in lines[header_at + 1:]:
        cells = line.split()
        mark = cells.pop(0) if cells[0] in "✗~-" else ""
        name = cells.pop(0)
        numbers = []
        for c in cells:
            try:
                numbers.append(float(c))
            except ValueError:
                break
        rows[name] = (mark, numbers)
    return rows


# -- passing ------------------------------------------------------------------

def test_gradcheck_passes_on_a_correct_gradient_and_accepts_values_as_inputs():
    f = lambda w, a: (w * a).sigmoid() * a  # noqa: E731
    result = gradcheck(f, [0.3, -1.2])
    assert isinstance(result, CheckResult) and result
    assert [e.name for e in result.entries] == ["w", "a"]
    assert gradcheck(f, [Value(0.3), Value(-1.2)])


def test_a_passing_result_holds_every_entry_with_the_hand_derived_analytic_values():
    # f = w·a: ∂f/∂w = a, ∂f/∂a = w, exactly.
    result = gradcheck(lambda w, a: w * a, [0.3, -1.2])
    assert [(e.at, e.computed) for e in result.entries] == [(0.3, -1.2), (-1.2, 0.3)]
    assert [e.reference for e in result.entries] == pytest.approx([-1.2, 0.3], rel=1e-9)
    text = str(result)
    assert text.startswith("gradcheck at w = 0.3, a = -1.2: 2 entries")
    assert set(table_rows(text)) == {"w", "a"}


def test_gradgradcheck_passes_on_a_correct_hessian():
    result = gradgradcheck(lambda x, y: (x * y).exp() + x.tanh() * y, [0.4, -0.7])
    # ∂²/∂x∂y of e^{xy} + y·tanh x is e^{xy}(1 + xy) + 1 − tanh² x.
    mixed = math.exp(-0.28) * (1 - 0.28) + 1 - math.tanh(0.4) ** 2
    by_name = {e.name: e.computed for e in result.entries}
    assert by_name["∂²/∂x∂y"] == pytest.approx(mixed, rel=1e-12)
    assert by_name["∂²/∂y∂x"] == pytest.approx(mixed, rel=1e-12)


def test_assert_grad_accepts_a_list_a_number_or_a_function():
    assert_grad(lambda x, y: x * y, at=[2.0, 5.0], expected=[5.0, 2.0])
    assert_grad(lambda x: x * x, at=[3.0], expected=6.0)
    assert_grad(lambda z: z.sigmoid(), at=[0.3], expected=lambda z: sigma(z) * (1 - sigma(z)))


def test_numerical_grad_is_a_central_difference():
    # For a cubic the central difference error is exactly ε²·f'''/6 = ε² here.
    got = numerical_grad(lambda x: x ** 3, [2.0], eps=1e-3)
    assert got == pytest.approx([12.0 + 1e-6], rel=1e-9)


def test_numerical_grad_divides_by_the_step_actually_taken():
    # At 1e8 the floats x ± ε are whole ulps (1.49e-8) apart, not exactly 2ε:
    # dividing by the nominal 2ε would give the identity a slope of 1.043 at ε = 1e-7.
    x = 1e8
    assert ((x + 1e-7) - (x - 1e-7)) / 2e-7 == pytest.approx(1.043, abs=1e-3)
    assert numerical_grad(lambda v: v * 1.0, [x], eps=1e-7) == [1.0]


def test_numerical_grad_records_no_graph():
    seen = []

    def f(x):
        y = x * x
        seen.append(y)
        return y

    numerical_grad(f, [1.0])
    assert seen and all(y.is_leaf for y in seen)


# -- the comparison rule ------------------------------------------------------------

def test_relative_error_is_symmetric_and_safe_at_zero():
    assert relative_error(1.5, 3.0) == relative_error(3.0, 1.5) == pytest.approx(1 / 3)
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1e-300, 0.0) == 1.0
    assert relative_error(1e-320, 0.0) < 1e-12  # below the smallest normal float: noise
    assert relative_error(2.0, -2.0) == 1.0
    assert relative_error(sys.float_info.min, 0.0) == 1.0


def test_tolerances_decide_and_either_one_suffices():
    # abs error 1.5, symmetric relative error 1/3
    assert gradcheck(half_detached, [1.5, 2.0], atol=2.0, rtol=0.0)
    assert gradcheck(half_detached, [1.5, 2.0], atol=0.0, rtol=0.34)
    with pytest.raises(GradientMismatch, match="atol=0.1, rtol=0.3"):
        gradcheck(half_detached, [1.5, 2.0], atol=0.1, rtol=0.3)


# -- failing: the worst element and the table ---------------------------------------

def test_gradcheck_failure_names_the_worst_element_both_values_and_the_failed_tolerance():
    with pytest.raises(GradientMismatch) as info:
        gradcheck(half_detached, [1.5, 2.0])
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0] == "gradcheck at x = 1.5, y = 2: 1 of 2 entries differ"
    assert lines[1].startswith("worst: x (input 0): analytic 1.5, numeric 3")
    assert "relative error 0.333 > rtol 0.001 and absolute error 1.5 > atol 1e-05" in lines[1]
    assert "step ε = 1e-06 in float64" in message
    rows = table_rows(message)
    mark, (x, analytic, numeric, abs_err, rel_err) = rows["x"]
    assert mark == "✗" and (x, analytic) == (1.5, 1.5)
    assert numeric == pytest.approx(3.0, rel=1e-6)
    assert abs_err == pytest.approx(1.5, rel=1e-3) and rel_err == pytest.approx(1 / 3, rel=1e-3)
    y_mark, (y, y_analytic, *_) = rows["y"]
    assert y_mark == "" and (y, y_analytic) == (2.0, 1.0)
    assert info.value.result.worst.name == "x"


def test_the_worst_element_is_the_largest_relative_error_not_the_first():
    # ∂/∂a wrong by 10 % (relative error ≈ 0.048), ∂/∂c by a factor 2 (0.333).
    def f(a, b, c):
        return a * 1.1 - a.detach() * 0.1 + b * 2.0 + c * c.detach()

    with pytest.raises(GradientMismatch) as info:
        gradcheck(f, [1.0, 2.0, 3.0])
    assert "2 of 3 entries differ" in str(info.value)
    assert str(info.value).splitlines()[1].startswith("worst: c (input 2): analytic 3, numeric 6")


def test_gradient_mismatch_is_an_assertion_error():
    assert issubclass(GradientMismatch, AssertionError)


def test_gradgradcheck_failure_names_the_second_derivative():
    # Engine's ∂f/∂x = 2x·c with c = x held constant, so ∂²f/∂x² = 2c = 3 at x = 1.5;
    # differentiating that first derivative numerically gives d(2x²)/dx = 4x = 6.
    with pytest.raises(GradientMismatch) as info:
        gradgradcheck(lambda x: x * x * x.detach(), [1.5])
    message = str(info.value)
    assert "worst: ∂²/∂x∂x (input 0): analytic 3, numeric 6" in message
    mark, (at, analytic, numeric, *_) = table_rows(message)["∂²/∂x∂x"]
    assert mark == "✗" and at == 1.5
    assert analytic == pytest.approx(3.0, rel=1e-12)
    assert numeric == pytest.approx(6.0, rel=1e-6)


def test_assert_grad_shows_a_wrong_hand_derivative():
    # The saturated 1-1-1 sigmoid question's slip: σ − (1 − σ) instead of σ(1 − σ).
    with pytest.raises(GradientMismatch) as info:
        assert_grad(lambda z: z.sigmoid(), at=[0.3],
                    expected=lambda z: sigma(z) - (1 - sigma(z)))
    message = str(info.value)
    assert message.startswith("hand-derived gradient vs the engine at z = 0.3: 1 of 1 entries")
    assert "rtol 1e-07" in message and "atol 1e-12" in message
    mark, (z, engine, hand, abs_err, rel_err) = table_rows(message)["z"]
    s = sigma(0.3)
    assert mark == "✗" and z == 0.3
    assert engine == pytest.approx(s * (1 - s), rel=1e-9)
    assert hand == pytest.approx(s - (1 - s), rel=1e-9)
    assert abs_err == pytest.approx(abs(s * (1 - s) - (2 * s - 1)), rel=1e-2)


def test_assert_grad_wants_one_expected_gradient_per_input():
    with pytest.raises(ValueError, match="2 inputs but 1 expected"):
        assert_grad(lambda x, y: x * y, at=[1.0, 2.0], expected=[2.0])
    with pytest.raises(TypeError, match="expected gradient 1 must be a number, got str"):
        assert_grad(lambda x, y: x * y, at=[1.0, 2.0], expected=[2.0, "1"])
    with pytest.raises(TypeError, match="expected must be a list of numbers.*NoneType"):
        assert_grad(lambda x: x * x, at=[1.0], expected=lambda x: None)


# -- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("check", [gradcheck, gradgradcheck, numerical_grad])
def test_checks_reject_bad_inputs_and_functions(check):
    with pytest.raises(TypeError, match="input 1 must be a number, got str"):
        check(lambda x, y: x * y, [1.0, "2"])
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        check(lambda x: 1.0, [1.0])
    with pytest.raises(ValueError, match="at least one input"):
        check(lambda: Value(1.0), [])
    with pytest.raises(ValueError, match="eps must be a positive number, got 0"):
        check(lambda x: x, [1.0], eps=0)
    with pytest.raises(TypeError, match="inputs must be a list of numbers or Values, got NoneType"):
        check(lambda x: x, None)
    with pytest.raises(TypeError, match="f must be a function, got str"):
        check("x * x", [1.0])
    if check is not numerical_grad:
        with pytest.raises(ValueError, match="rtol must be a number ≥ 0, got -0.1"):
            check(lambda x: x, [1.0], rtol=-0.1)


def test_samples_and_directions_are_checked():
    f = lambda x, y: x * y  # noqa: E731
    with pytest.raises(ValueError, match="samples must be a positive whole number, got 0"):
        gradcheck(f, [1.0, 2.0], samples=0)
    with pytest.raises(ValueError, match="directions must be a positive whole number, got 1.5"):
        gradcheck(f, [1.0, 2.0], directions=1.5)
    with pytest.raises(ValueError, match="samples= or directions=, not both"):
        gradcheck(f, [1.0, 2.0], samples=1, directions=1)


# -- format_table --------------------------------------------------------------------

def test_format_table_aligns_first_column_left_and_the_rest_right():
    text = format_table(["name", "value"], [["a", "1"], ["long name", "12345"]])
    assert text.splitlines() == [
        "name       value",
        "a              1",
        "long name  12345",
    ]


def test_long_tables_keep_every_failing_row():
    # 60 inputs, the last one wrong: the table keeps it, 39 passing rows, and counts the rest.
    def f(*xs):
        return autograd.total(list(xs[:-1])) + xs[-1] * xs[-1].detach()

    with pytest.raises(GradientMismatch) as info:
        gradcheck(f, [0.5] * 60)
    message = str(info.value)
    assert "✗ x59" in message
    assert "… and 20 more passing entries" in message


def test_a_step_too_large_for_the_tolerance_is_a_mismatch_with_a_hint_not_a_kink():
    # x³ at 1 by central differences is 3 + ε² = 3.0001 at ε = 0.01: truncation, not a kink.
    # The five-point difference is exact for a cubic and agrees with the engine.
    with pytest.raises(GradientMismatch) as info:
        gradcheck(lambda x: x ** 3, [1.0], eps=0.01, rtol=1e-6, atol=1e-12)
    message = str(info.value)
    assert "relative error 1.67e-05 > rtol 1e-06" in message
    assert "5-point difference 3 agrees: ε too large" in message


def test_a_gradient_that_is_not_finite_fails_saying_so():
    # f = x·1e308·10 overflows to inf in the differences; the engine's gradient is 1e309 = inf.
    with pytest.raises(GradientMismatch) as info:
        gradcheck(lambda x: x * 1e308 * 10.0, [1.0])
    assert "not finite: f or its gradient overflows here" in str(info.value)
