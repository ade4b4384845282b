"""micrograd's demo code with only the imports swapped: ``random.seed(1337)`` then
``MLP(2, [16, 16, 1])`` gives micrograd's weights, and training gives its numbers."""

import random

import pytest

from nn import MLP, SGD
from nn.data import moons
from nn.losses import hinge
from nn.regularization import l2_penalty

micrograd_nn = pytest.importorskip("micrograd.nn")
from micrograd.engine import Value as MicroValue  # noqa: E402


def test_random_seed_gives_micrograds_weights_and_leaves_the_same_random_state():
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    after_theirs = random.random()
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    after_ours = random.random()
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert after_ours == after_theirs  # the same number of draws, in the same order


def micrograd_demo_losses(X, y, steps):
    """micrograd's demo.ipynb training loop, verbatim except for the data."""
    random.seed(1337)
    model = micrograd_nn.MLP(2, [16, 16, 1])
    losses = []
    for k in range(steps):
        inputs = [list(map(MicroValue, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(y))
        total_loss = data_loss + 1e-4 * sum((p * p for p in model.parameters()))
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
    return losses


def test_training_reproduces_micrograds_demo_losses():
    X, y = moons(20, noise=0.1, seed=3, labels=(-1, 1))
    expected = micrograd_demo_losses(X, y, steps=3)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    losses = []
    for k in range(3):
        loss = hinge([model(x) for x in X], y) + 1e-4 * l2_penalty(params)
        model.zero_grad()
        loss.backward()
        SGD(params, lr=1.0 - 0.9 * k / 100).step()
        losses.append(loss.data)
    assert losses == pytest.approx(expected, rel=1e-12)
