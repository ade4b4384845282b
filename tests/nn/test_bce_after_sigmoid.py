"""BCE after a sigmoid output is exact in both engines, at any z.

Through ŷ the graph computes (ŷ − y)/(ŷ(1 − ŷ)) · σ(z)σ(−z), and 1 − ŷ cancels where σ(z)
is close to 1: δ was 1.00102 at z = 30 (|δ| > 1 is impossible), 0.9465 at 35, 0.634 at 36.5,
and the clamp of ln(1 − ŷ) at −100 made it 0 from z ≈ 37 in both engines.  Read from z,
L = −[y ln σ(z) + (1 − y) ln σ(−z)] and δ = −y σ(−z) + (1 − y) σ(z) = σ(z) − y to rounding:
checked here against 40-digit decimals for z over [−750, 750] and y over [0, 1].
"""

import math
import sys
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad
from nn import MLP, SGD
from nn.explain import explain_step
from nn.losses import binary_cross_entropy, binary_cross_entropy_with_logits
from nn.train import fit

U = sys.float_info.epsilon / 2
TINY = 2.0 ** -1074          # the smallest subnormal: results below it round to 0

Z_EDGES = [0.0, 1.489, 10.0, 30.0, 35.0, 36.5, 37.0, 40.0, 100.0, 700.0, 708.5, 709.9,
           720.0, 745.0, 746.0, 750.0]
ZS = sorted({s * z for z in Z_EDGES for s in (1.0, -1.0)})
YS = [0.0, 1.0, 0.5, 0.3, 0.9999999, 1e-300, 1.0 - 2.0 ** -53]


def log1p(x):
    """ln(1 + x) to 40 digits, also for x far below 10⁻⁴⁰ (where 1 + x rounds to 1)."""
    if x < Decimal("1e-12"):
        return x - x * x / 2 + x * x * x / 3
    return (1 + x).ln()


def exact(z, y):
    """(L, δ, the size of δ's two terms) to 40 digits: L = y·ln(1 + e^−z) + (1 − y)·ln(1 + e^z),
    δ = (1 − y)σ(z) − yσ(−z)."""
    with localcontext() as ctx:
        ctx.prec = 40
        z, y = Decimal(z), Decimal(y)
        one = Decimal(1)
        sigma, sigma_minus = one / (one + (-z).exp()), one / (one + z.exp())
        loss = y * log1p((-z).exp()) + (one - y) * log1p(z.exp())
        terms = (one - y) * sigma + y * sigma_minus
        return loss, (one - y) * sigma - y * sigma_minus, terms


def assert_to_rounding(got, want, scale, what):
    """|got − want| within a few roundings of the terms that make it (and of a subnormal)."""
    error = abs(Decimal(got) - want)
    assert error <= Decimal(8 * U) * scale + Decimal(2 * TINY), (what, got, float(want))


def scalar_engine(z, y):
    """(L, δ) of a 1-1 sigmoid MLP with z = w·1 + 0, BCE: δ = ∂L/∂b."""
    model = MLP.from_weights(weights=[[[z]]], biases=[[0.0]], activations=["sigmoid"])
    loss = binary_cross_entropy(model([1.0]), y)
    return loss.data, grad(loss, model.layers[0].neurons[0].b)


def matrix_engine(z, y):
    np = pytest.importorskip("numpy")
    from nn.matrix.network import MatrixMLP

    model = MLP.from_weights(weights=[[[z]]], biases=[[0.0]], activations=["sigmoid"])
    result = MatrixMLP.from_model(model).backward(np.array([[1.0]]), np.array([[y]]), "bce")
    return float(result.losses[0]), float(result.delta[-1][0, 0])


ENGINES = {"scalar": scalar_engine, "matrix": matrix_engine}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("y", YS)
def test_delta_and_loss_are_exact_over_the_whole_range(engine, y):
    for z in ZS:
        loss, delta = ENGINES[engine](z, y)
        want_loss, want_delta, terms = exact(z, y)
        assert_to_rounding(delta, want_delta, terms, f"δ at z = {z}")
        assert_to_rounding(loss, want_loss, want_loss, f"L at z = {z}")
        assert abs(delta) <= 1.0


@settings(max_examples=200, deadline=None)
@given(z=st.floats(-750, 750), y=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1)))
def test_both_engines_are_exact_anywhere(z, y):
    want_loss, want_delta, terms = exact(z, y)
    for engine in ENGINES.values():
        loss, delta = engine(z, y)
        assert_to_rounding(delta, want_delta, terms, f"δ at z = {z}, y = {y}")
        assert_to_rounding(loss, want_loss, want_loss, f"L at z = {z}, y = {y}")


@pytest.mark.parametrize("z", [30.0, 36.5, 40.0, -40.0, 750.0])
def test_the_graph_of_a_sigmoid_and_the_logits_loss_agree(z):
    for y in (0.0, 1.0, 0.25):
        a, b = Value(z), Value(z)
        on_probability = binary_cross_entropy(a.sigmoid(), y)
        on_logit = binary_cross_entropy_with_logits(b, y)
        assert on_probability.data == on_logit.data
        assert grad(on_probability, a) == grad(on_logit, b)


def test_a_probability_that_is_not_a_sigmoids_output_keeps_the_clamp():
    # A number or a leaf carries no z: PyTorch's BCELoss convention, ln clamped at −100.
    p = Value(1.0)
    loss = binary_cross_entropy(p, 0.0)
    assert loss.data == 100.0 and grad(loss, p) == 0.0


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_fit_takes_the_exact_step_on_a_saturated_output(engine):
    # z = 40, y = 0: δ = σ(40) = 1 to rounding, so one SGD step moves b by −α.
    pytest.importorskip("numpy")
    model = MLP.from_weights(weights=[[[40.0]]], biases=[[0.0]], activations=["sigmoid"])
    history = fit(model, [[1.0]], [0.0], loss="bce", optimizer=SGD(model.parameters(), lr=0.5),
                  epochs=1, verbose=False, engine=engine)
    assert model.biases()[0][0] == pytest.approx(-0.5, rel=1e-15)
    assert model.weights()[0][0][0] == pytest.approx(39.5, rel=1e-15)
    assert history.history["loss"][0] == pytest.approx(40.0, rel=1e-15)


def test_explain_keeps_the_lecture_numbers_and_the_tables_dl_da():
    # The notes' 2-2-2-1 walkthrough: L = −ln ŷ = 0.203429, ∂L/∂ŷ = −1/ŷ, δ^[3] = ŷ − 1.
    model = MLP.from_weights(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]],
                                      [[0.9, 1.0]]],
                             biases=[[0.05, 0.05], [0.1, 0.1], [0.15]],
                             activations=["relu", "relu", "sigmoid"])
    d = explain_step(model, [0.5, 1.0], 1.0, loss="bce", lr=0.1)
    y_hat = d.Y_hat[0][0]
    assert f"{d.loss:.6f}" == "0.203429" and f"{y_hat:.6f}" == "0.815928"
    assert d.layer(3).dL_dA[0][0] == pytest.approx(-1 / y_hat, rel=1e-14)
    assert d.layer(3).delta[0][0] == pytest.approx(y_hat - 1.0, rel=1e-14)
    assert d.layer(3).f_prime_Z[0][0] == pytest.approx(y_hat * (1 - y_hat), rel=1e-14)
    assert math.isclose(d.layer(3).dL_dA[0][0] * d.layer(3).f_prime_Z[0][0],
                        d.layer(3).delta[0][0], rel_tol=1e-14)
