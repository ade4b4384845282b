"""A loss that does not fit the output layer is refused, naming the fix, in every API that
takes a network and a loss: a loss on logits after an output that already gives
probabilities would squash twice (σ(σ(z))), a loss over classes needs one output per class."""

import pytest

from nn import MLP
from nn.explain import explain_step, explain_steps
from nn.losses import check_pairing, cross_entropy

LECTURE = dict(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]],
               biases=[[0.05, 0.05], [0.1, 0.1], [0.15]], activations=["relu", "relu", "sigmoid"])


def explainers():
    found = [explain_step, lambda *a, **k: explain_steps(*a, steps=2, **k)]
    try:
        from nn.matrix.explain import explain_step as matrix_explain_step
    except ImportError:   # the matrix engine needs NumPy (the "fast" extra)
        return found
    return found + [matrix_explain_step]


@pytest.mark.parametrize("loss, fix", [
    ("bce_with_logits", "applies sigmoid itself; use 'bce' (or a 'linear' output layer)"),
    ("cross_entropy", "applies softmax itself; give it a 'linear' output layer")])
def test_explain_refuses_a_loss_on_logits_after_a_sigmoid(loss, fix):
    model = MLP.from_weights(**LECTURE)
    for explain in explainers():
        with pytest.raises(ValueError, match="the output layer is 'sigmoid', so its outputs "
                                             "are probabilities") as info:
            explain(model, [0.5, 1.0], 1.0, loss=loss, lr=0.1)
        assert fix in str(info.value)


def test_the_pairings_that_fit_pass():
    for output, loss in [("sigmoid", "bce"), ("linear", "bce_with_logits"),
                         ("softmax", "categorical_cross_entropy"), ("linear", "cross_entropy"),
                         ("sigmoid", "mse"), ("tanh", "bce_with_logits")]:
        check_pairing(output, loss)
    with pytest.raises(ValueError, match="use 'categorical_cross_entropy'"):
        check_pairing("softmax", "cross_entropy")


def test_a_loss_over_classes_on_one_output_says_why():
    model = MLP(2, [1], "linear", seed=0)
    with pytest.raises(TypeError) as info:
        explain_step(model, [0.1, 0.2], 1, loss="cross_entropy")
    message = str(info.value)
    assert "got one Value (a network with one output" in message and "Value(" not in message
    with pytest.raises(ValueError, match="one entry, so one class; it needs one per class"):
        cross_entropy([[model([0.1, 0.2])]], [0])
