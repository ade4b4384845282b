"""Every primitive's derivative against its hand formula.

Each case names a primitive of ``autograd.ops.PRIMITIVES``, a function that
applies it, points away from kinks, and the derivative written out by hand
with ``math``.  The engine must match the hand formula (``assert_grad``), a
central difference (``gradcheck``), and, through ``create_graph``, second
differences (``gradgradcheck``).
"""

import math
from dataclasses import dataclass
from typing import Callable

import pytest

import autograd
from autograd import Value, assert_grad, gradcheck, gradgradcheck
from autograd.ops import PRIMITIVES


def sigma(z):
    """σ(z) computed by hand, taking e^t only for t <= 0."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


def softmax_by_hand(xs):
    m = max(xs)
    es = [math.exp(x - m) for x in xs]
    return [e / sum(es) for e in es]


def softmax_jacobian_row(i):
    """∂softmaxᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ) for every j."""
    def row(*xs):
        s = softmax_by_hand(xs)
        return [s[i] * ((i == j) - s[j]) for j in range(len(xs))]
    return row


@dataclass
class Case:
    name: str
    f: Callable
    points: list
    hand: Callable          # the input numbers -> list of ∂f/∂xᵢ
    value: Callable         # the input numbers -> f by hand
    smooth: bool = True     # False: second derivatives are not checked (a kink nearby)


CASES = [
    Case("add", lambda a, b: a + b, [[1.5, -2.0]], lambda a, b: [1.0, 1.0],
         lambda a, b: a + b),
    Case("sub", lambda a, b: a - b, [[1.5, -2.0]], lambda a, b: [1.0, -1.0],
         lambda a, b: a - b),
    Case("mul", lambda a, b: a * b, [[1.5, -2.0]], lambda a, b: [b, a],
         lambda a, b: a * b),
    Case("div", lambda a, b: a / b, [[1.5, -2.0], [-0.3, 0.7]],
         lambda a, b: [1 / b, -a / b ** 2], lambda a, b: a / b),
    Case("neg", lambda x: -x, [[0.7]], lambda x: [-1.0], lambda x: -x),
    Case("pow_const", lambda x: x ** 3, [[-1.3], [0.4]], lambda x: [3 * x ** 2],
         lambda x: x ** 3),
    Case("pow_const", lambda x: x ** 0.5, [[2.0]], lambda x: [0.5 * x ** -0.5],
         lambda x: math.sqrt(x)),
    Case("pow_const", lambda x: x ** -2, [[-0.8]], lambda x: [-2 * x ** -3],
         lambda x: x ** -2),
    Case("pow", lambda a, b: a ** b, [[1.7, 2.3], [0.4, -1.2]],
         lambda a, b: [b * a ** (b - 1), a ** b * math.log(a)], lambda a, b: a ** b),
    Case("pow", lambda x: 2 ** x, [[0.6]], lambda x: [2 ** x * math.log(2)],
         lambda x: 2 ** x),
    Case("abs", abs, [[-1.2], [0.9]], lambda x: [math.copysign(1.0, x)], abs),
    Case("exp", lambda x: x.exp(), [[0.3], [-2.0]], lambda x: [math.exp(x)], math.exp),
    Case("log", lambda x: x.log(), [[0.3], [4.0]], lambda x: [1 / x], math.log),
    Case("sqrt", lambda x: x.sqrt(), [[0.3], [4.0]], lambda x: [1 / (2 * math.sqrt(x))],
         math.sqrt),
    Case("tanh", lambda z: z.tanh(), [[0.4], [-1.1]], lambda z: [1 - math.tanh(z) ** 2],
         math.tanh),
    Case("sigmoid", lambda z: z.sigmoid(), [[0.4], [-1.1]],
         lambda z: [sigma(z) * (1 - sigma(z))], sigma),
    Case("relu", lambda z: z.relu(), [[0.4], [-1.1]], lambda z: [1.0 if z > 0 else 0.0],
         lambda z: max(z, 0.0), smooth=False),
    Case("leaky_relu", lambda z: z.leaky_relu(0.1), [[0.4], [-1.1]],
         lambda z: [1.0 if z > 0 else 0.1], lambda z: z if z > 0 else 0.1 * z, smooth=False),
    Case("erf", lambda x: x.erf(), [[0.4], [-1.1], [2.5]],
         lambda x: [2 / math.sqrt(math.pi) * math.exp(-x * x)], math.erf),
    Case("softplus", lambda z: z.softplus(), [[0.4], [-1.1]], lambda z: [sigma(z)],
         lambda z: math.log(1 + math.exp(z))),
    Case("log_sigmoid", lambda z: z.log_sigmoid(), [[0.4], [-1.1]],
         lambda z: [sigma(-z)], lambda z: math.log(sigma(z))),
    Case("total", lambda a, b, c: autograd.total([a, b, c]), [[0.1, -2.0, 3.5]],
         lambda a, b, c: [1.0, 1.0, 1.0], lambda a, b, c: a + b + c),
    Case("dot", lambda w1, w2, x1, x2, b: autograd.dot([w1, w2], [x1, x2], b),
         [[0.8, -0.5, 62.5, 2.0, 0.1]], lambda w1, w2, x1, x2, b: [x1, x2, w1, w2, 1.0],
         lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b),
    Case("logsumexp", lambda a, b, c: autograd.logsumexp([a, b, c]), [[0.5, -1.0, 2.0]],
         lambda *xs: softmax_by_hand(xs), lambda *xs: math.log(sum(map(math.exp, xs)))),
    Case("log_softmax", lambda a, b, c: autograd.log_softmax([a, b, c])[1], [[0.5, -1.0, 2.0]],
         lambda *xs: [(j == 1) - s for j, s in enumerate(softmax_by_hand(xs))],
         lambda *xs: math.log(softmax_by_hand(xs)[1])),
]

POINTS = [pytest.param(case, at, id=f"{case.name}-{i}-{at}")
          for i, case in enumerate(CASES) for at in case.points]


def test_every_primitive_has_a_hand_derivative_case():
    assert {case.name for case in CASES} == set(PRIMITIVES)


@pytest.mark.parametrize("case, at", POINTS)
def test_case_exercises_its_primitive_and_forward_matches_hand_value(case, at):
    out = case.f(*[Value(x) for x in at])
    assert out.primitive is PRIMITIVES[case.name]
    assert out.data == pytest.approx(case.value(*at), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("case, at", POINTS)
def test_derivative_matches_hand_formula(case, at):
    assert_grad(case.f, at=at, expected=case.hand)


@pytest.mark.parametrize("case, at", POINTS)
def test_derivative_matches_central_difference(case, at):
    assert gradcheck(case.f, at)


@pytest.mark.parametrize("case, at", [p for p in POINTS if p.values[0].smooth])
def test_second_derivatives_match_differences_of_the_first(case, at):
    assert gradgradcheck(case.f, at)


# -- kinks, stated explicitly --------------------------------------------------

def test_relu_derivative_at_zero_is_zero():
    assert_grad(lambda z: z.relu(), at=[0.0], expected=[0.0], atol=0.0)


def test_relu_derivative_is_a_step():
    for z, step in [(-3.0, 0.0), (-1e-300, 0.0), (1e-300, 1.0), (3.0, 1.0)]:
        assert_grad(lambda z: z.relu(), at=[z], expected=[step], atol=0.0)


def test_abs_derivative_at_zero_is_zero():
    assert_grad(abs, at=[0.0], expected=[0.0], atol=0.0)


# -- softmax, a list of nodes ---------------------------------------------------

SOFTMAX_AT = [0.5, -1.0, 2.0]


@pytest.mark.parametrize("i", range(3))
def test_softmax_jacobian_is_s_i_times_delta_ij_minus_s_j(i):
    def softmax_i(a, b, c):
        return autograd.softmax([a, b, c])[i]

    assert_grad(softmax_i, at=SOFTMAX_AT, expected=softmax_jacobian_row(i))
    assert gradcheck(softmax_i, SOFTMAX_AT)


def test_softmax_values_sum_to_one_and_match_hand_values():
    s = autograd.softmax([Value(x) for x in SOFTMAX_AT])
    assert [v.data for v in s] == pytest.approx(softmax_by_hand(SOFTMAX_AT), rel=1e-14)
    assert math.fsum(v.data for v in s) == pytest.approx(1.0, rel=1e-15)


def test_softmax_of_huge_logits_is_finite():
    s = autograd.softmax([Value(1000.0), Value(1000.0), Value(-1000.0)])
    assert [v.data for v in s] == pytest.approx([0.5, 0.5, 0.0])


def test_leaky_relu_derivative_at_zero_is_the_slope_as_pytorch():
    assert_grad(lambda z: z.leaky_relu(), at=[0.0], expected=[0.01], atol=0.0)
    assert_grad(lambda z: z.leaky_relu(0.2), at=[-3.0], expected=[0.2], atol=0.0)
    assert Value(-3.0).leaky_relu(0.2).data == pytest.approx(-0.6, rel=1e-15)


def test_leaky_relu_rejects_a_slope_that_is_not_a_number():
    with pytest.raises(TypeError, match="negative_slope.*str"):
        Value(1.0).leaky_relu("0.1")


def test_erf_derivative_at_zero_is_two_over_root_pi():
    assert_grad(lambda x: x.erf(), at=[0.0], expected=[2 / math.sqrt(math.pi)], atol=0.0)


def test_silu_is_x_sigmoid_x_with_its_hand_derivative():
    def silu_grad(x):
        return sigma(x) * (1 + x * sigma(-x))

    for x in (-2.0, 0.0, 1.5):
        assert Value(x).silu().data == pytest.approx(x * sigma(x), rel=1e-15, abs=1e-300)
        assert_grad(lambda v: v.silu(), at=[x], expected=[silu_grad(x)])

