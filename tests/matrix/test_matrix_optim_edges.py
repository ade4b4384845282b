"""The optimizers' edge rules hold in both engines alike: ε = 0 never divides 0 by 0, and
centered RMSprop's v − ḡ² never goes below 0 by rounding (issue 20)."""

import math

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from autograd import Value  # noqa: E402
from nn import data, optim  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.matrix.optim import matrix_optimizer  # noqa: E402
from nn.train import fit  # noqa: E402

EPS_ZERO = {
    "adam": lambda ps: optim.Adam(ps, lr=0.1, eps=0),
    "adamw": lambda ps: optim.AdamW(ps, lr=0.1, eps=0),
    "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.1, eps=0),
    "rmsprop centered momentum": lambda ps: optim.RMSprop(ps, lr=0.1, eps=0, centered=True,
                                                          momentum=0.9),
    "adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, eps=0),
}


@pytest.mark.parametrize("name", list(EPS_ZERO))
def test_eps_zero_and_a_zero_gradient_take_the_same_step_in_both_engines(name):
    """A parameter whose gradient is always 0 stays where it is (the scalar engine's
    documented rule, the limit ε → 0⁺), in the matrix engine too: no 0/0 = nan."""
    scalar = [Value(0.5), Value(0.5)]
    scalar_optimizer = EPS_ZERO[name](scalar)
    matrix_params = [Value(0.5), Value(0.5)]
    matrix = matrix_optimizer(EPS_ZERO[name](matrix_params), matrix_params)
    theta = np.array([0.5, 0.5])
    for _ in range(4):
        scalar_optimizer.zero_grad()
        scalar[1].grad = 1.0
        scalar_optimizer.step()
        matrix.step(theta, np.array([0.0, 1.0]))
    assert np.all(np.isfinite(theta))
    assert theta.tolist() == [p.data for p in scalar]
    if name != "adamw":   # AdamW's decay moves every parameter by γλθ
        assert theta[0] == 0.5


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_fit_with_eps_zero_and_an_input_that_is_always_zero(engine):
    """The weights reading an all-zero input get gradient 0 at every step: with Adam(eps=0)
    they keep their values and training goes on (the matrix engine used to stop with
    "parameters became nan")."""
    X, y = data.moons(24, seed=3)
    X = [[a, b, 0.0] for a, b in X]
    model = MLP(3, [4, 1], ["tanh", "linear"], seed=4)
    zero_input_weights = [n.w[2] for n in model.layers[0].neurons]
    before = [w.data for w in zero_input_weights]
    fit(model, X, y, loss="bce_with_logits", optimizer=optim.Adam(model.parameters(), lr=0.05,
                                                                  eps=0),
        epochs=3, batch_size=8, seed=5, verbose=False, engine=engine)
    assert [w.data for w in zero_input_weights] == before
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_centered_rmsprop_after_a_long_constant_gradient():
    """v and ḡ average g² and g with the same weights, so v − ḡ² ≥ 0 exactly; with a
    constant g it tends to 0 and rounding takes it below 0 after ~50 steps.  Both engines
    take it as 0 there: d = ε, the step γ·g/ε (PyTorch: √(negative) = nan)."""
    alpha, lr, eps, g = 0.5, 1e-12, 1e-8, 0.7   # 0.7: rounding goes below 0 (0.3 would not)
    p = Value(1.0)
    scalar = optim.RMSprop([p], lr=lr, alpha=alpha, eps=eps, centered=True)
    matrix_param = [Value(1.0)]
    matrix = matrix_optimizer(optim.RMSprop(matrix_param, lr=lr, alpha=alpha, eps=eps,
                                            centered=True), matrix_param)
    theta = np.array([1.0])
    v = g_avg = 0.0
    expected, clamped = 1.0, 0
    for _ in range(80):
        p.grad = g
        scalar.step()
        matrix.step(theta, np.array([g]))
        v = alpha * v + (1 - alpha) * g * g
        g_avg = alpha * g_avg + (1 - alpha) * g
        variance = v - g_avg * g_avg
        clamped += variance < 0
        expected -= lr * (g / (math.sqrt(max(variance, 0.0)) + eps))
    assert clamped > 0            # the rounding this test is about did happen
    assert p.data == expected and theta[0] == expected


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_centered_rmsprop_trains_without_a_math_domain_error(engine):
    """Issue 20's case: hinge, α = 0.5, lr = 1e-12, full batch: the hinge's gradient is
    constant while the parameters barely move, and after ~55 steps the scalar engine
    stopped with "math domain error", the matrix engine with "parameters became nan"."""
    X, y = data.moons(40, seed=0, labels=(-1, 1))
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, loss="hinge",
                  optimizer=optim.RMSprop(model.parameters(), lr=1e-12, alpha=0.5,
                                          centered=True),
                  epochs=100, verbose=False, engine=engine)
    assert len(history) == 100
    assert all(math.isfinite(p.data) for p in model.parameters())
