"""nn.matrix's equations, activations and losses: by hand, by finite differences, at random.

Expected numbers are the lecture notes' 2-2-2-1 walkthrough worked by hand (σ, the
chain rule), never copied from the engine's output.
"""

import math

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nn.activations import ACTIVATIONS as SCALAR_ACTIVATIONS  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.losses import LOSSES as SCALAR_LOSSES  # noqa: E402
from nn.matrix import MatrixMLP  # noqa: E402
from nn.matrix import equations as eq  # noqa: E402
from nn.matrix.activations import ACTIVATIONS, LEAKY_RELU_SLOPE, get_activation  # noqa: E402
from nn.matrix.losses import LOSSES, get_loss, target_matrix  # noqa: E402


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


# --- the lecture notes' 2-2-2-1 walkthrough, by hand (x = (0.5, 1), y = 1, BCE, α = 0.1) ---

W1, B1 = np.array([[0.1, 0.2], [0.3, 0.4]]), np.array([[0.05], [0.05]])
W2, B2 = np.array([[0.5, 0.6], [0.7, 0.8]]), np.array([[0.1], [0.1]])
W3, B3 = np.array([[0.9, 1.0]]), np.array([[0.15]])
A0 = np.array([[0.5], [1.0]])
Y_HAT = sigmoid(0.9 * 0.61 + 1.0 * 0.79 + 0.15)   # Z^[3] = 1.489 by hand


def test_forward_equations_give_the_walkthroughs_numbers():
    relu = get_activation("relu").f
    Z1 = eq.linear_forward(W1, A0, B1)
    assert Z1[:, 0] == pytest.approx([0.1 * 0.5 + 0.2 + 0.05, 0.3 * 0.5 + 0.4 + 0.05])
    A1 = eq.activation_forward(relu, Z1)
    Z2 = eq.linear_forward(W2, A1, B2)
    assert Z2[:, 0] == pytest.approx([0.61, 0.79])
    Z3 = eq.linear_forward(W3, eq.activation_forward(relu, Z2), B3)
    assert Z3[0, 0] == pytest.approx(1.489)
    assert eq.activation_forward(get_activation("sigmoid").f, Z3)[0, 0] == pytest.approx(Y_HAT)


def test_backward_equations_give_the_walkthroughs_numbers():
    delta3 = eq.output_delta_prediction_minus_target(np.array([[Y_HAT]]), np.array([[1.0]]))
    assert delta3[0, 0] == pytest.approx(Y_HAT - 1.0)     # ≈ 0.816 − 1 = −0.184
    # Same δ^[3] by the general rule ∂L/∂A ⊙ f'(Z): −(1/ŷ) · ŷ(1 − ŷ)
    general = eq.output_delta(np.array([[-1.0 / Y_HAT]]), np.array([[Y_HAT * (1 - Y_HAT)]]))
    assert general[0, 0] == pytest.approx(Y_HAT - 1.0, rel=1e-14)
    A2, A1 = np.array([[0.61], [0.79]]), np.array([[0.3], [0.6]])
    assert eq.weight_gradient(delta3, A2)[0] == pytest.approx([0.61 * (Y_HAT - 1),
                                                               0.79 * (Y_HAT - 1)])
    assert eq.bias_gradient(delta3)[0, 0] == pytest.approx(Y_HAT - 1)
    delta2 = eq.hidden_delta(W3, delta3, np.ones((2, 1)))       # ReLU'(Z^[2]) = 1
    assert delta2[:, 0] == pytest.approx([0.9 * (Y_HAT - 1), 1.0 * (Y_HAT - 1)])
    delta1 = eq.hidden_delta(W2, delta2, np.ones((2, 1)))
    assert delta1[:, 0] == pytest.approx([(0.5 * 0.9 + 0.7 * 1.0) * (Y_HAT - 1),
                                          (0.6 * 0.9 + 0.8 * 1.0) * (Y_HAT - 1)])
    dW1 = eq.weight_gradient(delta1, A0)
    assert dW1[1] == pytest.approx([0.5 * delta1[1, 0], 1.0 * delta1[1, 0]])
    W1_new = eq.gradient_descent_update(W1, dW1, 0.1)
    assert W1_new[0, 0] == pytest.approx(0.1 - 0.1 * 0.5 * delta1[0, 0])
    assert W1[0, 0] == 0.1   # the update makes a new array


def test_gradients_average_over_the_batch():
    delta = np.array([[1.0, 3.0]])
    A_prev = np.array([[2.0, 4.0], [0.0, 1.0]])
    # (1/m) δ Aᵀ by hand: ((1·2 + 3·4)/2, (1·0 + 3·1)/2)
    assert eq.weight_gradient(delta, A_prev).tolist() == [[7.0, 1.5]]
    assert eq.bias_gradient(delta).tolist() == [[2.0]]


def test_shapes_follow_the_notes():
    rng = np.random.default_rng(0)
    n0, n1, m = 3, 5, 7
    W, b, A = rng.normal(size=(n1, n0)), rng.normal(size=(n1, 1)), rng.normal(size=(n0, m))
    Z = eq.linear_forward(W, A, b)
    assert Z.shape == (n1, m)
    delta = rng.normal(size=(n1, m))
    assert eq.weight_gradient(delta, A).shape == W.shape
    assert eq.bias_gradient(delta).shape == b.shape
    assert eq.hidden_delta(W, delta, np.ones((n0, m))).shape == (n0, m)


# --- activations -------------------------------------------------------------------------

def test_every_scalar_activation_has_a_matrix_form_or_a_clear_error():
    for name in SCALAR_ACTIVATIONS:
        try:
            act = get_activation(name)
        except ValueError as e:
            assert name in str(e) and "not supported by the matrix engine" in str(e)
        else:
            assert act.name == name


def test_unknown_activation_error_names_it_and_the_supported_ones():
    with pytest.raises(ValueError, match=r"'swish' is not supported by the matrix engine.*relu"):
        get_activation("swish")


def _central_difference(f, Z, h=1e-6):
    return (f(Z + h) - f(Z - h)) / (2 * h)


Z_GRID = np.linspace(-6.0, 6.0, 121).reshape(11, 11) + 1e-3   # avoids the kinks at 0


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.elementwise])
def test_f_prime_is_the_derivative_of_f(name):
    act = ACTIVATIONS[name]
    assert act.f_prime(Z_GRID) == pytest.approx(_central_difference(act.f, Z_GRID),
                                                 rel=1e-6, abs=1e-8)


def test_activation_formulas_by_hand():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    row = z[0].tolist()
    gelu = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in row]
    assert ACTIVATIONS["gelu"].f(z)[0].tolist() == pytest.approx(gelu, rel=1e-15)
    assert ACTIVATIONS["silu"].f(z)[0].tolist() == pytest.approx([v * sigmoid(v) for v in row])
    assert ACTIVATIONS["leaky_relu"].f(z)[0].tolist() == pytest.approx(
        [LEAKY_RELU_SLOPE * -2.0, LEAKY_RELU_SLOPE * -0.5, 0.0, 0.5, 2.0])
    assert ACTIVATIONS["softplus"].f(z)[0].tolist() == pytest.approx(
        [math.log(1 + math.exp(v)) for v in row])
    # The scalar engine's conventions at the kinks: ReLU'(0) = 0, leaky ReLU'(0) = slope.
    assert ACTIVATIONS["relu"].f_prime(z)[0, 2] == 0.0
    assert ACTIVATIONS["leaky_relu"].f_prime(z)[0, 2] == LEAKY_RELU_SLOPE


def test_sigmoid_and_softplus_do_not_overflow():
    z = np.array([[-1000.0, 1000.0]])
    assert ACTIVATIONS["sigmoid"].f(z).tolist() == [[0.0, 1.0]]
    assert ACTIVATIONS["softplus"].f(z).tolist() == [[0.0, 1000.0]]
    assert ACTIVATIONS["tanh"].f_prime(z).tolist() == [[0.0, 0.0]]


def test_softmax_columns_and_its_jacobian_product():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(4, 3)) * 3
    act = ACTIVATIONS["softmax"]
    A = act.f(Z)
    assert A.sum(axis=0) == pytest.approx(np.ones(3))
    assert A[:, 0] == pytest.approx(np.exp(Z[:, 0]) / np.exp(Z[:, 0]).sum())
    g = rng.normal(size=(4, 3))
    delta = act.backward(g, Z, A)
    # δ = Jᵀ g column by column, J by central differences of softmax
    for i in range(3):
        J = np.empty((4, 4))
        for k in range(4):
            e = np.zeros((4, 1))
            e[k] = 1e-6
            J[:, k] = (act.f(Z[:, [i]] + e) - act.f(Z[:, [i]] - e))[:, 0] / 2e-6
        assert delta[:, i] == pytest.approx(J.T @ g[:, i], rel=1e-6, abs=1e-9)
    assert act.f(np.array([[1000.0], [0.0]])).tolist() == [[1.0], [0.0]]


def test_softmax_is_refused_in_a_hidden_layer():
    with pytest.raises(ValueError, match="layer 1 activation 'softmax' .* only in the output"):
        MatrixMLP([2, 3, 2], ["softmax", "linear"])


# --- losses ------------------------------------------------------------------------------

def test_every_scalar_loss_has_a_matrix_form():
    assert set(LOSSES) == set(SCALAR_LOSSES)


def test_a_loss_function_is_refused_with_the_supported_names():
    with pytest.raises(ValueError, match="not supported by the matrix engine.*mse"):
        get_loss(lambda p, t: p)


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient_is_the_derivative_of_the_loss(name):
    rng = np.random.default_rng(2)
    loss = LOSSES[name]
    n, m = (3, 4)
    probabilities = name in ("bce", "categorical_cross_entropy")
    P = rng.uniform(0.1, 0.9, size=(n, m)) if probabilities else rng.normal(size=(n, m))
    if name in ("cross_entropy", "categorical_cross_entropy"):
        Y = target_matrix(loss, [0, 2, 1, 2], n)
    elif name == "hinge":
        Y = rng.choice([-1.0, 1.0], size=(n, m))
    elif name.startswith("bce"):
        Y = rng.choice([0.0, 0.3, 1.0], size=(n, m))
    else:
        Y = rng.normal(size=(n, m))
    G = loss.gradient(P, Y)
    h = 1e-6
    for j in range(n):
        for i in range(m):
            E = np.zeros_like(P)
            E[j, i] = h
            numeric = (loss.value(P + E, Y)[i] - loss.value(P - E, Y)[i]) / (2 * h)
            assert G[j, i] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_bce_clamps_each_log_at_minus_100_with_zero_gradient():
    loss = LOSSES["bce"]
    P, Y = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    assert loss.value(P, Y).tolist() == [100.0, 100.0]
    assert loss.gradient(P, Y).tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match=r"prediction\[1\] is 1.5, not a probability"):
        loss.value(np.array([[0.5, 1.5]]), np.array([[1.0, 0.0]]))


@pytest.mark.parametrize("loss, y, message", [
    ("bce", [0, 1.5], r"binary_cross_entropy: target\[1\] is 1.5; targets must be in \[0, 1\]"),
    ("hinge", [1, 0], r"hinge: target\[1\] is 0.0; hinge labels must be -1 or \+1"),
    ("cross_entropy", [0, 3], r"cross_entropy: target\[1\] is 3; class indices .* 0..2"),
    ("cross_entropy", [0.5], r"target\[0\] is 0.5"),
    ("mse", [[1, 2]], r"each target must have 1 number"),
])
def test_bad_targets_are_named(loss, y, message):
    n_out = 3 if loss == "cross_entropy" else 1
    with pytest.raises(ValueError, match=message):
        target_matrix(get_loss(loss), y, n_out)


@settings(max_examples=50, deadline=None)
@given(z=st.floats(-8, 8), y=st.sampled_from([0.0, 0.25, 1.0]))
def test_sigmoid_bce_shortcut_is_the_general_rule(z, y):
    """δ^[L] = Ŷ − Y equals ∂L/∂Ŷ ⊙ σ'(Z) away from saturation (where the general rule
    loses digits: 1 − ŷ rounds, so its relative error grows like 1e-16/(1 − ŷ))."""
    Z = np.array([[z]])
    Y_hat = ACTIVATIONS["sigmoid"].f(Z)
    shortcut = eq.output_delta_prediction_minus_target(Y_hat, np.array([[y]]))
    general = eq.output_delta(LOSSES["bce"].gradient(Y_hat, np.array([[y]])),
                              ACTIVATIONS["sigmoid"].f_prime(Z))
    assert shortcut[0, 0] == pytest.approx(general[0, 0], rel=1e-11, abs=1e-15)


def test_matrix_mlp_reads_and_writes_the_models_values():
    model = MLP(2, [3, 1], seed=4)
    network = MatrixMLP.from_model(model)
    assert network.W[0].tolist() == model.weights()[0]
    assert network.b[1][:, 0].tolist() == model.biases()[1]
    network.W[1][0, 2] = 7.5
    network.write(model.parameters())
    assert model.weights()[1][0][2] == 7.5
    with pytest.raises(TypeError, match="needs an nn.MLP"):
        MatrixMLP.from_model(object())


@pytest.mark.parametrize("hidden, output, loss", [
    ("gelu", "softmax", "mse"), ("silu", "linear", "cross_entropy"),
    ("leaky_relu", "sigmoid", "bce"), ("tanh", "softmax", "bce"),
    ("softplus", "linear", "hinge")])
def test_network_gradient_is_the_derivative_of_the_batch_loss(hidden, output, loss):
    """∂L/∂θ from the backward equations against central differences of L(θ)."""
    rng = np.random.default_rng(5)
    network = MatrixMLP([3, 4, 3], [hidden, output])
    network.theta[:] = rng.uniform(-1, 1, size=network.theta.size)
    A0, m = rng.uniform(-1.5, 1.5, size=(3, 6)), 6
    labels = {"cross_entropy": [0, 2, 1, 1, 0, 2], "hinge": rng.choice([-1.0, 1.0], (m, 3))}
    y = labels.get(loss, rng.uniform(0, 1, size=(m, 3)))
    Y = target_matrix(get_loss(loss), list(y), 3)

    def batch_loss():
        return LOSSES[loss].value(network.forward(A0)[1][-1], Y).mean()

    gradient = network.backward(A0, Y, loss).gradient
    numeric = np.empty_like(gradient)
    for k in range(network.theta.size):
        saved = network.theta[k]
        network.theta[k] = saved + 1e-6
        up = batch_loss()
        network.theta[k] = saved - 1e-6
        numeric[k] = (up - batch_loss()) / 2e-6
        network.theta[k] = saved
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-8)
