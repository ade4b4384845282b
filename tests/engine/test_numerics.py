"""Numerics a learner hits: saturated sigmoids (the saturated 1-1-1 sigmoid question), overflow, bad operands, anomalies.

Expected values are computed here by hand in the stable form, e.g.
σ'(z) = σ(z)σ(−z) = e^−z / (1 + e^−z)², never by running the engine.
"""

import inspect
import math
import os

import pytest

import autograd
from autograd import (AnomalyError, DivisionByZeroError, DomainError, FloatOverflowError,
                      NumericalError, Value, detect_anomaly, grad)

THIS_FILE = os.path.basename(__file__)


def sigmoid_prime_by_hand(z):
    """σ'(z) for z > 0 as e^−z / (1 + e^−z)²: no 1 − σ cancellation."""
    e = math.exp(-z)
    return e / (1.0 + e) ** 2


# -- saturated sigmoid and tanh --------------------------------------------------

def test_sigmoid_saturates_cleanly_at_plus_and_minus_1000():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    for z in (1000.0, -1000.0):
        x = Value(z)
        assert grad(x.sigmoid(), x) == 0.0  # the true σ' ≈ e^−1000 is below the smallest float


def test_sigmoid_derivative_at_50_is_tiny_but_not_zero():
    z = Value(50.0)
    s = z.sigmoid()
    assert s.data == 1.0  # σ(50) rounds to 1.0 ...
    assert s.data * (1 - s.data) == 0.0  # ... so the naive σ(1 − σ) says 0
    s.backward()
    assert z.grad == pytest.approx(sigmoid_prime_by_hand(50.0), rel=1e-12)
    assert z.grad == pytest.approx(1.9287e-22, rel=1e-4)


def test_first_seed_one_one_one_example_has_a_nonzero_weight_gradient():
    # C = (σ(w·a) − y)² with w = 0.8, a^{l−1} = 62.5, y = 0, so z = 50.
    w, a_prev, y = Value(0.8, label="w"), Value(62.5, label="a"), 0.0
    cost = ((w * a_prev).sigmoid() - y) ** 2
    cost.backward()
    z = 0.8 * 62.5
    s = 1.0 / (1.0 + math.exp(-z))
    s_minus = math.exp(-z) / (1.0 + math.exp(-z))
    expected = 2 * (s - y) * (s * s_minus) * 62.5
    assert cost.data == 1.0  # the question's C = 1
    assert w.grad == pytest.approx(expected, rel=1e-12)
    assert w.grad == pytest.approx(2.4109e-20, rel=1e-4)
    assert a_prev.grad == pytest.approx(2 * (s - y) * (s * s_minus) * 0.8, rel=1e-12)


def test_tanh_derivative_at_20_is_not_zero():
    z = Value(20.0)
    a = z.tanh()
    assert 1 - a.data ** 2 == 0.0  # the naive 1 − a² underflows
    a.backward()
    e = math.exp(-40.0)
    sech_squared = 4 * e / (1 + e) ** 2
    assert z.grad == pytest.approx(sech_squared, rel=1e-12)
    assert z.grad > 0.0


@pytest.mark.parametrize("z, softplus, d_softplus, log_sigmoid, d_log_sigmoid", [
    (1000.0, 1000.0, 1.0, 0.0, 0.0),
    (-1000.0, 0.0, 0.0, -1000.0, 1.0),
])
def test_softplus_and_log_sigmoid_are_finite_at_plus_minus_1000(
        z, softplus, d_softplus, log_sigmoid, d_log_sigmoid):
    x = Value(z)
    sp, ls = x.softplus(), x.log_sigmoid()
    assert sp.data == softplus and ls.data == log_sigmoid
    assert grad(sp, x) == d_softplus
    assert grad(ls, x) == d_log_sigmoid


def test_logsumexp_of_two_thousands_is_1000_plus_ln_2():
    xs = [Value(1000.0), Value(1000.0)]
    out = autograd.logsumexp(xs)
    assert out.data == pytest.approx(1000.0 + math.log(2.0), rel=1e-15)
    out.backward()
    assert [x.grad for x in xs] == pytest.approx([0.5, 0.5], rel=1e-15)


def test_exp_works_up_to_the_float_limit():
    assert Value(709.0).exp().data == math.exp(709.0)


# -- bad operands: the documented NumericalError subclasses -----------------------

@pytest.mark.parametrize("build, error, builtin, words", [
    (lambda: Value(0.0).log(), DomainError, ValueError, ["log", "0.0"]),
    (lambda: Value(-2.0).log(), DomainError, ValueError, ["log", "-2.0"]),
    (lambda: Value(1.0) / 0, DivisionByZeroError, ZeroDivisionError, ["division by zero", "1.0"]),
    (lambda: 3 / Value(0.0), DivisionByZeroError, ZeroDivisionError, ["division by zero", "3.0"]),
    (lambda: Value(-8.0) ** 0.5, DomainError, ValueError, ["-8.0", "0.5", "fractional"]),
    (lambda: Value(0.0) ** -1, DivisionByZeroError, ZeroDivisionError, ["0", "-1", "negative"]),
    (lambda: Value(-1.0).sqrt(), DomainError, ValueError, ["sqrt", "-1.0"]),
    (lambda: Value(10 ** 400), FloatOverflowError, OverflowError, ["Value()", "1000000"]),
    (lambda: Value(-2.0) ** Value(2.0), DomainError, ValueError, ["-2.0", "a > 0"]),
])
def test_bad_operands_raise_a_numerical_error_naming_op_and_operand(build, error, builtin, words):
    with pytest.raises(error) as info:
        build()
    assert isinstance(info.value, NumericalError)
    assert isinstance(info.value, builtin)  # `except ZeroDivisionError` keeps working
    for word in words:
        assert word in str(info.value)


def test_error_is_raised_at_the_line_that_made_the_mistake():
    line = inspect.currentframe().f_lineno + 2
    with pytest.raises(DomainError) as info:
        Value(-1.0).log()
    frames = [(os.path.basename(e.path), e.lineno + 1) for e in info.traceback]
    assert (THIS_FILE, line) in frames


# -- detect_anomaly -----------------------------------------------------------

def test_anomaly_in_forward_names_the_op_and_the_users_line():
    infinite = Value(math.inf)  # a leaf: leaves are not checked, ops are
    with detect_anomaly():
        zero = Value(2.0) * 0.0  # finite: no error
        line = inspect.currentframe().f_lineno + 2
        with pytest.raises(AnomalyError) as info:
            undefined = zero * infinite  # the first op whose result is nan
    message = str(info.value)
    assert "mul" in message and "nan" in message
    assert THIS_FILE in message and f"line {line}" in message
    assert "undefined = zero * infinite" in message
    assert "undefined" not in locals()


def test_anomaly_in_forward_catches_nan():
    inf = Value(math.inf)
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=r"sub\(inf, inf\) returned nan"):
            inf - inf


def test_anomaly_in_backward_names_the_op():
    with detect_anomaly():
        x = Value(0.0)
        root = x.sqrt()  # forward is fine: √0 = 0
        line = inspect.currentframe().f_lineno - 1
        used = root * 3.0
        with pytest.raises(AnomalyError) as info:
            used.backward()  # ∂√x/∂x = ∞ at 0, times 3
    message = str(info.value)
    assert "sqrt" in message and "backward" in message and "inf" in message
    assert THIS_FILE in message and f"line {line}" in message


def test_graph_built_under_detect_anomaly_is_checked_in_a_later_backward():
    with detect_anomaly():
        x = Value(0.0)
        used = x.sqrt() * 3.0
    with pytest.raises(AnomalyError, match="sqrt"):
        used.backward()


def test_detect_anomaly_is_an_error_class_of_its_own_and_switches_off_after_the_block():
    assert issubclass(AnomalyError, NumericalError)
    with detect_anomaly():
        pass
    x = Value(0.0)
    (x.sqrt() * 3.0).backward()  # no check outside the block: the documented ∞ comes through
    assert x.grad == math.inf


def test_detect_anomaly_leaves_correct_gradients_alone():
    with detect_anomaly():
        w, a = Value(0.8), Value(62.5)
        cost = (w * a).sigmoid() ** 2
        cost.backward()
    plain_w, plain_a = Value(0.8), Value(62.5)
    ((plain_w * plain_a).sigmoid() ** 2).backward()
    assert (w.grad, a.grad) == (plain_w.grad, plain_a.grad)


def test_plain_arithmetic_overflow_follows_ieee_like_python_floats():
    # The documented policy (autograd.errors): +, −, × overflow to inf as floats
    # do; only detect_anomaly() turns that into an error at the op.
    assert (Value(1e308) * 10).data == math.inf
    assert (Value(1e308) + Value(1e308)).data == math.inf
    with autograd.detect_anomaly():
        with pytest.raises(AnomalyError, match=r"mul\(1e\+308, 10\.0\) returned inf"):
            Value(1e308) * 10
