"""The deeplearning.ai course's conventions, one keyword away, in both engines (issue 27):
momentum as an average from zero, Adam's step counter, L2 on the weights only."""

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from autograd import Value  # noqa: E402
from nn import data, optim  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.matrix.optim import matrix_optimizer  # noqa: E402
from nn.train import fit  # noqa: E402

GRADIENTS = [[0.5, -1.0, 2.0], [0.25, 0.0, -3.0], [-1.5, 1.0, 0.5]]   # three steps
START = [1.0, -2.0, 0.5]


def both_engines(make_optimizer):
    """θ after three steps with GRADIENTS, from the scalar optimizer and its matrix form."""
    scalar = [Value(x) for x in START]
    optimizer = make_optimizer(scalar)
    for grads in GRADIENTS:
        for p, g in zip(scalar, grads):
            p.grad = g
        optimizer.step()
    params = [Value(x) for x in START]
    matrix = matrix_optimizer(make_optimizer(params), params)
    theta = np.array(START)
    for grads in GRADIENTS:
        matrix.step(theta, np.array(grads))
    return [p.data for p in scalar], theta.tolist()


def test_averaged_momentum_is_the_course_formula_from_zero():
    beta, lr = 0.9, 0.01
    v, theta = [0.0] * 3, list(START)
    for grads in GRADIENTS:                      # v = βv + (1 − β)dW;  W = W − α v
        v = [beta * vk + (1 - beta) * g for vk, g in zip(v, grads)]
        theta = [t - lr * vk for t, vk in zip(theta, v)]
    scalar, matrix = both_engines(lambda p: optim.SGD(p, lr=lr, momentum=beta, average=True))
    assert scalar == theta and matrix == theta
    # PyTorch's buffer starts at the gradient itself: a first step ten times larger
    pytorch, _ = both_engines(lambda p: optim.SGD(p, lr=lr, momentum=beta))
    assert pytorch != theta


@pytest.mark.parametrize("settings, message", [
    ({"momentum": 0.0}, "needs 0 < momentum < 1"),
    ({"momentum": 1.0}, "needs 0 < momentum < 1"),
    ({"momentum": 0.9, "dampening": 0.1}, "dampening = 0"),
    ({"momentum": 0.9, "nesterov": True}, "nesterov=False"),
])
def test_averaged_momentum_refuses_settings_it_cannot_mean(settings, message):
    with pytest.raises(ValueError, match=message):
        optim.SGD([Value(1.0)], lr=0.1, average=True, **settings)
    with pytest.raises(TypeError, match="average must be True or False"):
        optim.SGD([Value(1.0)], lr=0.1, momentum=0.9, average=1)


def test_adam_starting_at_step_two_is_the_course_update_with_t_2():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    t, m, v, theta = 1, [0.0] * 3, [0.0] * 3, list(START)
    for grads in GRADIENTS:
        t += 1
        m = [b1 * mk + (1 - b1) * g for mk, g in zip(m, grads)]
        v = [b2 * vk + (1 - b2) * g * g for vk, g in zip(v, grads)]
        theta = [th - lr * (mk / (1 - b1 ** t)) / ((vk / (1 - b2 ** t)) ** 0.5 + eps)
                 for th, mk, vk in zip(theta, m, v)]

    def adam_from_step_two(params):
        optimizer = optim.Adam(params, lr=lr, betas=(b1, b2), eps=eps)
        optimizer.t = 1   # steps taken: the first step() is t = 2
        return optimizer

    scalar, matrix = both_engines(adam_from_step_two)
    assert scalar == pytest.approx(theta, rel=1e-14) and matrix == scalar
    with pytest.raises(ValueError, match=r"t \(the number of steps taken\) must be an integer"):
        optim.Adam([Value(1.0)]).t = -1


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_l2_on_the_weights_only_leaves_the_biases_to_the_loss(engine):
    """One full-batch SGD step: with l2_biases=False each weight moves by an extra
    2·l2·lr·w and each bias exactly as without l2; the loss adds l2·Σw² only."""
    X, y = data.moons(20, seed=1)

    def start_model():
        model = MLP(2, [3, 1], ["tanh", "linear"], seed=2)
        for k, (name, p) in enumerate(model.named_parameters()):
            if "bias" in name:
                p.data = 0.1 * (k + 1)   # biases start at 0; these show whether l2 hits them
        return model

    def one_step(**settings):
        model = start_model()
        history = fit(model, X, y, loss="bce_with_logits",
                      optimizer=optim.SGD(model.parameters(), lr=0.5), epochs=1, seed=0,
                      verbose=False, engine=engine, **settings)
        return model, history.history["loss"][0]

    plain, plain_loss = one_step()
    weights_only, weights_loss = one_step(l2=0.1, l2_biases=False)
    everything, _ = one_step(l2=0.1)
    start = start_model()
    for (name, p0), p, q, r in zip(start.named_parameters(), plain.parameters(),
                                   weights_only.parameters(), everything.parameters()):
        with_l2 = pytest.approx(p.data - 0.5 * 2 * 0.1 * p0.data, rel=1e-12)
        assert r.data == with_l2
        assert q.data == (p.data if "bias" in name else with_l2)
    penalty = sum(p.data ** 2 for name, p in start.named_parameters() if "bias" not in name)
    assert weights_loss == pytest.approx(plain_loss + 0.1 * penalty, rel=1e-12)
    with pytest.raises(TypeError, match="l2_biases must be True or False"):
        fit(start, X, y, l2=0.1, l2_biases="no", epochs=1, verbose=False, engine=engine)


def test_l2_on_the_weights_only_trains_alike_in_both_engines():
    X, y = data.spirals(30, seed=3)
    runs = []
    for engine in ("scalar", "matrix"):
        model = MLP(2, [5, 3], ["relu", "linear"], seed=4)
        history = fit(model, X, y, loss="cross_entropy", epochs=3, batch_size=8, seed=5,
                      l2=0.05, l2_biases=False, verbose=False, engine=engine,
                      optimizer=optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                          average=True))
        runs.append((np.array([p.data for p in model.parameters()]), history.history["loss"]))
    assert np.allclose(runs[0][0], runs[1][0], rtol=1e-12, atol=1e-15)
    assert np.allclose(runs[0][1], runs[1][1], rtol=1e-12, atol=0)
