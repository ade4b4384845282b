"""Precision: the step size and arithmetic are reported, and inputs that carry only float32
precision are warned about with an eps to use instead."""

import math
import struct
import warnings

import pytest

from autograd import assert_grad, gradcheck
from autograd.check import PrecisionWarning, suggested_eps
from autograd.check.precision import came_from_float32

np = pytest.importorskip("numpy")


def to_float32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def test_the_report_states_the_step_and_the_precision():
    text = str(gradcheck(lambda x: x.tanh(), [0.3], eps=1e-3))
    assert "central differences of f with step ε = 0.001 in float64 (unit round-off 1.1e-16)" \
        in text
    # round-off estimate u·|f|/ε with |f| = tanh 0.3
    assert f"≈ u·|f|/ε = {2 ** -53 * math.tanh(0.3) / 1e-3:.2g}" in text


def test_a_float32_rounded_input_is_warned_about_with_an_eps():
    x = to_float32(0.3)                       # 0.30000001192092896
    with pytest.warns(PrecisionWarning) as caught:
        assert gradcheck(lambda a, b: a * b.tanh(), [1.5, x])
    (warning,) = caught
    message = str(warning.message)
    assert "1 input(s) carry float32 precision" in message
    assert "b = 0.30000001192092896" in message and "a = 1.5" not in message
    assert "pass eps=0.006" in message
    assert warning.filename == __file__        # points at the caller's line


def test_numpy_float32_scalars_are_warned_about_too():
    with pytest.warns(PrecisionWarning, match="x = 0.5"):
        gradcheck(lambda x: x * x, [np.float32(0.5)])


def test_assert_grad_warns_that_its_tight_tolerance_is_beyond_float32():
    with pytest.warns(PrecisionWarning, match="pass rtol=1e-5"):
        assert_grad(lambda x: x * x, at=[to_float32(0.3)], expected=lambda x: 2 * x)


@pytest.mark.parametrize("x", [0.3, 0.5, 1.0, 2.0 ** -23, -1.25, 1e-3, 123.456, 0.0])
def test_float64_and_short_numbers_raise_no_warning(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda v: v * v + v, [x])


def test_what_counts_as_float32():
    assert came_from_float32(None, to_float32(0.1))
    assert came_from_float32(np.float32(0.5), 0.5)           # the type says so
    assert not came_from_float32(np.float64(0.5), 0.5)
    assert not came_from_float32(None, 0.1)                  # a float64 0.1
    assert not came_from_float32(None, 0.75)                 # exact in both, deliberately short


def test_the_suggested_eps_is_the_better_step_for_float32_arithmetic():
    # The advice is right: differentiate tanh computed in float32 at a float32 input.
    x = np.float32(0.3)

    def f32(t):
        return float(np.tanh(np.float32(t)))

    def central(eps):
        return (f32(float(x) + eps) - f32(float(x) - eps)) / (2 * eps)

    exact = 1 - math.tanh(float(x)) ** 2
    eps = suggested_eps(float(x))
    assert eps == 0.006
    assert abs(central(eps) - exact) < 1e-4 < abs(central(1e-6) - exact)
