"""Derivations shared by the explain test modules (imported there as pytest fixtures)."""

from pathlib import Path

import pytest

from nn.explain import explain_step
from nn.layers import MLP
from nn.explain.network_file import load_network

EXAMPLES = Path(__file__).resolve().parents[2] / "nn" / "examples"


@pytest.fixture(scope="module")
def walkthrough():
    """The lecture notes' 2-2-2-1 walkthrough step (nn/examples/lecture_2221.json, lr 0.1)."""
    model, X, Y, loss, lr = load_network(EXAMPLES / "lecture_2221.json")
    return explain_step(model, X, Y, loss=loss, lr=lr)


@pytest.fixture(scope="module")
def batch():
    """A 2-2-1 tanh/sigmoid network on three samples with BCE, lr 0.5."""
    model = MLP.from_weights([[[0.3, -0.2], [0.8, 0.4]], [[1.5, -1.0]]], [[0.1, 0.0], [0.2]],
                             ["tanh", "sigmoid"])
    return explain_step(model, [[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]], [1, 0, 1], loss="bce",
                        lr=0.5)
