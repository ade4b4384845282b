"""explain_step / explain_steps: the lecture notes' numbers, and the engine against the matrix formulas."""

import math
import random
from pathlib import Path

import pytest

from nn.explain import Derivation, explain_step, explain_steps
from nn.layers import MLP
from nn.explain.network_file import load_network

EXAMPLES = Path(__file__).resolve().parents[2] / "nn" / "examples"


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def close(actual, expected, rel=1e-9, abs_=0.0):
    """Element-wise math.isclose over nested lists of the same shape."""
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (actual, expected)
        for a, e in zip(actual, expected):
            close(a, e, rel, abs_)
    else:
        assert math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_), (actual, expected)


def outer(u, v):
    return [[a * b for b in v] for a in u]


def column(v):
    return [[x] for x in v]


# --- the lecture notes' 2-2-2-1 walkthrough ----------------------------------------

@pytest.fixture(scope="module")
def lecture_2221():
    model, X, Y, loss, lr = load_network(EXAMPLES / "lecture_2221.json")
    return explain_step(model, X, Y, loss=loss, lr=lr)


def test_lecture_2221_forward(lecture_2221):
    d = lecture_2221
    x = [0.5, 1.0]
    z1 = [0.1 * x[0] + 0.2 * x[1] + 0.05, 0.3 * x[0] + 0.4 * x[1] + 0.05]   # (0.30, 0.60)
    z2 = [0.5 * z1[0] + 0.6 * z1[1] + 0.1, 0.7 * z1[0] + 0.8 * z1[1] + 0.1]  # (0.61, 0.79)
    z3 = 0.9 * z2[0] + 1.0 * z2[1] + 0.15                                    # 1.489
    close(z1, [0.30, 0.60])
    close(z2, [0.61, 0.79])
    close(z3, 1.489)
    y_hat = 1.0 / (1.0 + math.exp(-1.489))
    close(d.A0, column(x))
    close(d.layer(1).Z, column([0.30, 0.60]))
    close(d.layer(1).A, column([0.30, 0.60]))
    close(d.layer(2).Z, column([0.61, 0.79]))
    close(d.layer(2).A, column([0.61, 0.79]))
    close(d.layer(3).Z, [[1.489]])
    close(d.Y_hat, [[y_hat]])
    close(d.loss, -math.log(y_hat))
    close(d.losses, [-math.log(y_hat)])


def test_lecture_2221_backward_and_update(lecture_2221):
    d = lecture_2221
    y_hat = 1.0 / (1.0 + math.exp(-1.489))
    a0, a1, a2 = [0.5, 1.0], [0.30, 0.60], [0.61, 0.79]
    delta3 = [y_hat - 1.0]                                   # BCE after a sigmoid: ŷ − y
    delta2 = [0.9 * delta3[0] * 1, 1.0 * delta3[0] * 1]      # (W^[3])ᵀ δ^[3] ⊙ ReLU'(Z^[2]) = 1
    delta1 = [(0.5 * delta2[0] + 0.7 * delta2[1]) * 1,       # (W^[2])ᵀ δ^[2] ⊙ 1
              (0.6 * delta2[0] + 0.8 * delta2[1]) * 1]
    close(d.layer(3).delta, column(delta3))
    close(d.layer(2).delta, column(delta2))
    close(d.layer(1).delta, column(delta1))
    close(d.layer(3).f_prime_Z, [[y_hat * (1 - y_hat)]])
    close(d.layer(2).f_prime_Z, [[1.0], [1.0]])
    close(d.layer(3).dL_dA, [[-1.0 / y_hat]])                # ∂(−ln ŷ)/∂ŷ
    close(d.layer(2).dL_dA, column(delta2))
    W = {1: [[0.1, 0.2], [0.3, 0.4]], 2: [[0.5, 0.6], [0.7, 0.8]], 3: [[0.9, 1.0]]}
    b = {1: [0.05, 0.05], 2: [0.1, 0.1], 3: [0.15]}
    for l, delta, a_prev in ((3, delta3, a2), (2, delta2, a1), (1, delta1, a0)):
        dW = outer(delta, a_prev)                            # δ^[l] (A^[l−1])ᵀ, m = 1
        close(d.layer(l).dL_dW, dW)
        close(d.layer(l).dL_db, delta)
        close(d.layer(l).dL_dW_per_sample, [dW])
        close(d.layer(l).W_new, [[w - 0.1 * g for w, g in zip(wr, gr)]
                                 for wr, gr in zip(W[l], dW)])
        close(d.layer(l).b_new, [bj - 0.1 * g for bj, g in zip(b[l], delta)])
        assert d.layer(l).W == W[l] and d.layer(l).b == b[l]


def test_lecture_2221_agrees_with_the_notes_rounding(lecture_2221):
    # The notes print ŷ ≈ 0.816 (σ(1.489) = 0.81593), L = 0.203, δ^[3] = −0.184 and
    # W^[3]_new = (0.911224, 1.014536) computed from the rounded δ^[3].
    d = lecture_2221
    assert abs(d.Y_hat[0][0] - 0.816) < 5e-4
    assert abs(d.loss - 0.203) < 5e-4
    assert abs(d.layer(3).delta[0][0] - (-0.184)) < 5e-4
    close(d.layer(3).W_new, [[0.911224, 1.014536]], rel=1e-5)
    close(d.layer(1).b_new, [0.07116, 0.074656], rel=5e-4)


def test_second_iteration_lowers_the_loss():
    model, X, Y, loss, lr = load_network(EXAMPLES / "lecture_2221.json")
    first, second, third = explain_steps(model, X, Y, loss=loss, lr=lr, steps=3)
    assert [first.step, second.step, third.step] == [1, 2, 3]
    assert third.loss < second.loss < first.loss
    # The second step starts from the first step's update (θ − α∂L/∂θ) ...
    for l in (1, 2, 3):
        assert second.layer(l).W == first.layer(l).W_new
        assert second.layer(l).b == first.layer(l).b_new
    # ... and the model passed in is unchanged.
    assert model.weights()[2] == [[0.9, 1.0]]


# --- the saturated 1-1-1 sigmoid question's two networks --------------------------------------------------

def test_saturated_111_gradient_is_tiny_not_zero():
    model, X, Y, loss, lr = load_network(EXAMPLES / "saturated_111.json")
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    sigma_prime_50 = math.exp(-50) / (1 + math.exp(-50)) ** 2     # ≈ 1.9287e-22
    assert d.layer(1).A == [[62.5]] and d.layer(2).Z == [[50.0]]
    assert d.Y_hat == [[1.0]]                       # σ(50) rounds to exactly 1.0
    close(d.layer(2).f_prime_Z, [[sigma_prime_50]])
    close(d.layer(2).dL_dW, [[2 * (1.0 - 0.0) * sigma_prime_50 * 62.5]])   # ≈ 2.4109e-20
    assert 2.4e-20 < d.layer(2).dL_dW[0][0] < 2.42e-20
    assert d.layer(2).W_new == [[0.8]]              # the step is below float resolution


def test_zero_init_111_output_is_one_half_and_update_is_descent():
    model, X, Y, loss, lr = load_network(EXAMPLES / "zero_init_111.json")
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    f2 = sigmoid(0 * sigmoid(0 * 2 + 0) + 0)        # 0.5, not the answer's 0
    assert d.Y_hat == [[f2]] and f2 == 0.5
    a2, s3 = sigmoid(0.0), sigmoid(0.0) * (1 - sigmoid(0.0))
    dC_db3 = -2 * (1 - f2) * s3                     # the answer's formulas
    dC_dw3 = dC_db3 * a2
    dC_dw2 = dC_db3 * 0.0 * s3 * 2                  # w^(3) = 0
    close(d.layer(2).dL_db, [dC_db3])
    close(d.layer(2).dL_dW, [[dC_dw3]])
    close(d.layer(1).dL_dW, [[dC_dw2]])
    close(d.layer(2).W_new, [[0.0 - lr * dC_dw3]])  # θ − η∇C: w^(3) grows
    close(d.layer(2).b_new, [0.0 - lr * dC_db3])
    assert d.layer(2).W_new[0][0] > 0


# --- mini-batches against the matrix formulas, computed independently ------------------

def matmul(A, B):
    return [[sum(a * b for a, b in zip(row, col)) for col in zip(*B)] for row in A]


def transpose(A):
    return [list(r) for r in zip(*A)]


F = {"tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
     "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)))}


@pytest.fixture(scope="module")
def random_batch():
    rng = random.Random(7)
    sizes = [3, 4, 3, 1]
    weights = [[[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
               for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [[rng.uniform(-0.5, 0.5) for _ in range(n)] for n in sizes[1:]]
    activations = ["tanh", "sigmoid", "sigmoid"]
    model = MLP.from_weights(weights, biases, activations)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(5)]
    Y = [0.0, 1.0, 1.0, 0.0, 1.0]
    d = explain_step(model, X, Y, loss="bce", lr=0.05)
    return model, weights, biases, activations, X, Y, d


def test_batch_matches_the_vectorised_formulas(random_batch):
    model, weights, biases, activations, X, Y, d = random_batch
    m = len(X)
    A = [transpose(X)]
    Zs = []
    for W, b, f in zip(weights, biases, activations):
        Z = [[z + bj for z in row] for row, bj in zip(matmul(W, A[-1]), b)]   # (1)
        Zs.append(Z)
        A.append([[F[f][0](z) for z in row] for row in Z])                    # (2)
    deltas = [None] * 3
    deltas[2] = [[a - y for a, y in zip(A[3][0], Y)]]                         # ŷ − y
    for l in (1, 0):
        back = matmul(transpose(weights[l + 1]), deltas[l + 1])
        deltas[l] = [[g * F[activations[l]][1](z) for g, z in zip(grow, zrow)]
                     for grow, zrow in zip(back, Zs[l])]
    for l in range(3):
        layer = d.layers[l]
        close(layer.Z, Zs[l], rel=1e-12)
        close(layer.A, A[l + 1], rel=1e-12)
        close(layer.delta, deltas[l], rel=1e-9, abs_=1e-15)
        dW = [[v / m for v in row] for row in matmul(deltas[l], transpose(A[l]))]   # (3)
        db = [sum(row) / m for row in deltas[l]]                                    # (4)
        close(layer.dL_dW, dW, rel=1e-9, abs_=1e-15)
        close(layer.dL_db, db, rel=1e-9, abs_=1e-15)
    losses = [-(y * math.log(a) + (1 - y) * math.log(1 - a)) for a, y in zip(A[3][0], Y)]
    close(d.losses, losses, rel=1e-12)
    close(d.loss, sum(losses) / m, rel=1e-12)


def test_batch_columns_equal_single_sample_runs(random_batch):
    model, _, _, _, X, Y, d = random_batch
    for i, (x, y) in enumerate(zip(X, Y)):
        single = explain_step(model, x, y, loss="bce", lr=0.05)
        assert single.m == 1
        for layer, one in zip(d.layers, single.layers):
            for key in ("Z", "A", "dL_dA", "f_prime_Z", "delta"):
                assert [row[i] for row in getattr(layer, key)] == [
                    row[0] for row in getattr(one, key)], key
            assert layer.dL_dW_per_sample[i] == one.dL_dW


def test_batch_gradient_is_the_mean_of_per_sample_gradients(random_batch):
    *_, X, Y, d = random_batch
    m = len(X)
    for layer in d.layers:
        mean = [[sum(g[j][k] for g in layer.dL_dW_per_sample) / m
                 for k in range(len(layer.W[0]))] for j in range(len(layer.W))]
        close(layer.dL_dW, mean, rel=1e-12, abs_=1e-16)
        close(layer.dL_db, [sum(row) / m for row in layer.delta], rel=1e-12, abs_=1e-16)
        close(layer.W_new, [[w - 0.05 * g for w, g in zip(wr, gr)]
                            for wr, gr in zip(layer.W, layer.dL_dW)], rel=1e-15)


def test_multi_output_cross_entropy_delta_is_softmax_minus_onehot():
    model = MLP.from_weights([[[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]], [[0.0, 0.1, -0.1]],
                             ["linear"])
    d = explain_step(model, [[1.0, 2.0], [-1.0, 0.5]], [2, 0], loss="cross_entropy")
    for i, c in enumerate([2, 0]):
        z = [row[i] for row in d.layer(1).Z]
        soft = [math.exp(v) / sum(math.exp(u) for u in z) for v in z]
        close([row[i] for row in d.layer(1).delta],
              [s - (1.0 if j == c else 0.0) for j, s in enumerate(soft)], rel=1e-12)
    assert d.lr is None and d.layer(1).W_new is None


def test_losses_on_logits_show_the_probabilities_beside_the_logits():
    from nn.explain.check import HandFileError, compare
    from nn.explain.render import render

    model = MLP.from_weights([[[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]], [[0.0, 0.1, -0.1]],
                             ["linear"])
    d = explain_step(model, [[1.0, 2.0], [-1.0, 0.5]], [2, 0], loss="cross_entropy")
    for i in range(2):
        z = [row[i] for row in d.Y_hat]   # the logits A^[1]
        close([row[i] for row in d.probabilities],
              [math.exp(v) / sum(math.exp(u) for u in z) for v in z], rel=1e-14)
    text = render(d)
    assert "A^[1] (logits)" in text and "Ŷ = softmax(A^[1]) (probabilities)" in text
    assert compare(d, {"probabilities": [[round(v, 4) for v in row]
                                         for row in d.probabilities]}) == []

    binary = MLP.from_weights([[[1.5, -0.5]]], [[0.25]], ["linear"])
    d = explain_step(binary, [2.0, 1.0], 1.0, loss="bce_with_logits")
    assert d.Y_hat == [[2.75]] and d.probabilities == [[1 / (1 + math.exp(-2.75))]]
    assert "Ŷ = sigmoid(A^[1]) (probabilities)" in render(d)
    assert r"\hat{\mathbf{Y}} &= \sigma(\mathbf{A}^{[1]})" in render(d, "latex")

    plain = explain_step(binary, [2.0, 1.0], 1.0, loss="mse")
    assert plain.probabilities is None and "probabilities" not in plain.to_dict()
    with pytest.raises(HandFileError, match="'probabilities' is only computed for a loss"):
        compare(plain, {"probabilities": 0.9})


def test_derivation_dict_round_trip(random_batch):
    d = random_batch[-1]
    assert Derivation.from_dict(d.to_dict()) == d


# --- bad input ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    return MLP.from_weights([[[0.5, -0.5]]], [[0.0]], ["sigmoid"])


@pytest.mark.parametrize("call, message", [
    (lambda m: explain_step(m, [1.0, 2.0, 3.0], 1.0),
     "X is one sample of 3 numbers but the network has 2 inputs"),
    (lambda m: explain_step(m, [[1.0, 2.0], [1.0]], [1.0, 0.0]),
     "X sample 2 must be a list of 2 finite numbers (the network has 2 inputs), got [1.0]"),
    (lambda m: explain_step(m, [float("nan"), 2.0], 1.0),
     "X entry 1 must be a finite number, got nan"),
    (lambda m: explain_step(m, [1.0, 10**400], 1.0),
     "X entry 2 must be a finite number, got 1000000"),
    (lambda m: explain_step(m, [[1.0, 2.0], [3.0, 4.0]], [1.0]),
     "X has 2 samples, so Y must be a list of 2 targets, one per sample; got [1.0]"),
    (lambda m: explain_step(m, [], []), "X must be one sample"),
    (lambda m: explain_step(m, [1.0, 2.0], 1.0, lr=-0.1),
     "lr must be a positive number or None, got -0.1"),
    (lambda m: explain_step(m, [1.0, 2.0], 1.0, loss="nope"), "unknown loss 'nope'"),
    (lambda m: explain_step(m, [1.0, 2.0], 3.0, loss="bce"),
     "targets must be in [0, 1]"),
    (lambda m: explain_steps(m, [1.0, 2.0], 1.0, steps=0), "steps must be a positive int, got 0"),
    (lambda m: explain_steps(m, [1.0, 2.0], 1.0, lr=None), "needs a learning rate"),
    (lambda m: explain_step(m, [1.0, 2.0], 1.0).updated_model(),
     "this derivation has no update: it was computed with lr=None"),
    (lambda m: explain_step(m, [1.0, 2.0], 1.0).layer(2), "layer 2 does not exist"),
])
def test_bad_input_is_named(small, call, message):
    with pytest.raises((ValueError, IndexError)) as info:
        call(small)
    assert message in str(info.value)


def test_not_an_mlp():
    with pytest.raises(TypeError, match="explain_step\\(\\) needs an MLP"):
        explain_step(object(), [1.0], 1.0)
