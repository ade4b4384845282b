"""gradcheck, gradgradcheck, assert_grad, numerical_grad: they pass on right gradients and
fail on wrong ones with a table a person can read.

A wrong engine gradient is made on purpose with ``detach()``: ``x * x.detach()``
has value x² but the engine sees the second factor as a constant, so its
gradient is x where the true derivative is 2x.
"""

import math

import pytest

import autograd
from autograd import (GradientMismatch, Value, assert_grad, gradcheck, gradgradcheck,
                      numerical_grad)
from autograd.check import format_table


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def half_detached(x, y):
    """Value x² + y, but the engine's ∂/∂x is x instead of 2x."""
    return x * x.detach() + y


def table_rows(message):
    """The header line and {row name: numbers} of a mismatch table."""
    lines = message.splitlines()
    header_at = next(i for i, line in enumerate(lines) if "abs error" in line)
    rows = {}
    for line in lines[header_at + 1:]:
        cells = line.split()
        failed = cells[0] == "✗"
        if failed:
            cells = cells[1:]
        rows[cells[0]] = (failed, [float(c) for c in cells[1:]])
    return lines[header_at], rows


# -- passing ------------------------------------------------------------------

def test_gradcheck_passes_on_a_correct_gradient_and_accepts_values_as_inputs():
    f = lambda w, a: (w * a).sigmoid() * a  # noqa: E731
    assert gradcheck(f, [0.3, -1.2]) is True
    assert gradcheck(f, [Value(0.3), Value(-1.2)]) is True


def test_gradgradcheck_passes_on_a_correct_hessian():
    assert gradgradcheck(lambda x, y: (x * y).exp() + x.tanh() * y, [0.4, -0.7]) is True


def test_assert_grad_accepts_a_list_a_number_or_a_function():
    assert_grad(lambda x, y: x * y, at=[2.0, 5.0], expected=[5.0, 2.0])
    assert_grad(lambda x: x * x, at=[3.0], expected=6.0)
    assert_grad(lambda z: z.sigmoid(), at=[0.3], expected=lambda z: sigma(z) * (1 - sigma(z)))


def test_numerical_grad_is_a_central_difference():
    # For a cubic the central difference error is exactly ε²·f'''/6 = ε² here.
    got = numerical_grad(lambda x: x ** 3, [2.0], eps=1e-3)
    assert got == pytest.approx([12.0 + 1e-6], rel=1e-9)


def test_numerical_grad_records_no_graph():
    seen = []

    def f(x):
        y = x * x
        seen.append(y)
        return y

    numerical_grad(f, [1.0])
    assert seen and all(y.is_leaf for y in seen)


# -- failing: the tables --------------------------------------------------------

def test_gradcheck_failure_is_a_table_with_the_wrong_row_marked():
    with pytest.raises(GradientMismatch) as info:
        gradcheck(half_detached, [1.5, 2.0])
    message = str(info.value)
    assert message.startswith("gradcheck failed at x = 1.5, y = 2: 1 of 2 entries differ")
    header, rows = table_rows(message)
    for column in ["input", "analytic", "numeric", "abs error", "rel error"]:
        assert column in header
    failed, (x, analytic, numeric, abs_err, rel_err) = rows["x"]
    assert failed
    assert (x, analytic) == (1.5, 1.5)
    assert numeric == pytest.approx(3.0, rel=1e-6)
    assert abs_err == pytest.approx(1.5, rel=1e-3) and rel_err == pytest.approx(0.5, rel=1e-3)
    y_failed, (y, y_analytic, y_numeric, *_) = rows["y"]
    assert not y_failed and (y, y_analytic) == (2.0, 1.0)


def test_gradient_mismatch_is_an_assertion_error():
    assert issubclass(GradientMismatch, AssertionError)


def test_tolerances_decide():
    loose = dict(atol=2.0, rtol=0.0)
    assert gradcheck(half_detached, [1.5, 2.0], **loose)
    with pytest.raises(GradientMismatch, match="atol=0.1, rtol=0"):
        gradcheck(half_detached, [1.5, 2.0], atol=0.1, rtol=0.0)


def test_gradgradcheck_failure_names_the_second_derivative():
    # Engine's ∂f/∂x = 2x·c with c = x held constant, so ∂²f/∂x² = 2c = 3 at x = 1.5;
    # differentiating that first derivative numerically gives d(2x²)/dx = 4x = 6.
    with pytest.raises(GradientMismatch) as info:
        gradgradcheck(lambda x: x * x * x.detach(), [1.5])
    header, rows = table_rows(str(info.value))
    assert "analytic" in header and "numeric" in header
    failed, (at, analytic, numeric, *_) = rows["∂²/∂x∂x"]
    assert failed and at == 1.5
    assert analytic == pytest.approx(3.0, rel=1e-12)
    assert numeric == pytest.approx(6.0, rel=1e-6)


def test_assert_grad_shows_a_wrong_hand_derivative():
    # The first seed's slip: σ − (1 − σ) instead of σ(1 − σ).
    with pytest.raises(GradientMismatch) as info:
        assert_grad(lambda z: z.sigmoid(), at=[0.3],
                    expected=lambda z: sigma(z) - (1 - sigma(z)))
    message = str(info.value)
    assert "hand-derived gradient differs from the engine at z = 0.3" in message
    header, rows = table_rows(message)
    assert "engine" in header and "hand-derived" in header
    failed, (z, engine, hand, abs_err, rel_err) = rows["z"]
    s = sigma(0.3)
    assert failed and z == 0.3
    assert engine == pytest.approx(s * (1 - s), rel=1e-9)
    assert hand == pytest.approx(s - (1 - s), rel=1e-9)
    assert abs_err == pytest.approx(abs(s * (1 - s) - (2 * s - 1)), rel=1e-2)


def test_assert_grad_wants_one_expected_gradient_per_input():
    with pytest.raises(ValueError, match="2 inputs but 1 expected"):
        assert_grad(lambda x, y: x * y, at=[1.0, 2.0], expected=[2.0])


# -- kinks ------------------------------------------------------------------------

def test_kinks_are_documented_and_a_difference_across_relu_at_zero_really_disagrees():
    assert "kink" in autograd.check.__doc__
    assert numerical_grad(lambda z: z.relu(), [0.0]) == [0.5]  # half of each side's slope
    with pytest.raises(GradientMismatch):
        gradcheck(lambda z: z.relu(), [0.0])
    assert gradcheck(lambda z: z.relu(), [1e-3])  # away from the kink both agree


# -- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("check", [gradcheck, gradgradcheck, numerical_grad])
def test_checks_reject_bad_inputs_and_functions(check):
    with pytest.raises(TypeError, match="input 1 must be a number, got str"):
        check(lambda x, y: x * y, [1.0, "2"])
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        check(lambda x: 1.0, [1.0])
    with pytest.raises(ValueError, match="at least one input"):
        check(lambda: Value(1.0), [])


# -- format_table --------------------------------------------------------------------

def test_format_table_aligns_first_column_left_and_the_rest_right():
    text = format_table(["name", "value"], [["a", "1"], ["long name", "12345"]])
    assert text.splitlines() == [
        "name       value",
        "a              1",
        "long name  12345",
    ]
