"""nn.viz.plots: figures with the right data, saved as real PNG and SVG files (Agg backend)."""

import math
import sys
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")  # headless, whatever the environment says

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from autograd import is_grad_enabled  # noqa: E402
from nn.viz import plots  # noqa: E402
from nn.layers import MLP  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEED_W = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]]
SEED_B = [[0.05, 0.05], [0.1, 0.1], [0.15]]
HISTORY = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.5],
           "accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.4, None, 0.8]}


def saved(fig, tmp_path, name):
    path = tmp_path / name
    fig.savefig(path)
    return path.read_bytes()


# -- history ----------------------------------------------------------------------

def test_history_plots_loss_and_accuracy_curves(tmp_path):
    fig = plots.plot_history(HISTORY)
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == "loss" and acc_ax.get_title() == "accuracy"
    train, val = loss_ax.get_lines()
    assert list(train.get_xdata()) == [1, 2, 3]
    assert list(train.get_ydata()) == HISTORY["loss"]
    assert list(val.get_ydata()) == HISTORY["val_loss"]
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["train", "validation"]
    val_acc = acc_ax.get_lines()[1].get_ydata()
    assert val_acc[0] == 0.4 and math.isnan(val_acc[1]) and val_acc[2] == 0.8  # None is a gap
    assert saved(fig, tmp_path, "history.png").startswith(PNG_SIGNATURE)
    assert ET.fromstring(saved(fig, tmp_path, "history.svg")).tag.endswith("svg")


def test_history_object_and_loss_only():
    class History:  # the shape nn.train.fit returns: .history, a dict of lists
        history = {"loss": [3.0, 2.0], "val_loss": [], "accuracy": [None, None]}

    fig = plots.plot_history(History())
    assert len(fig.axes) == 1  # no accuracy recorded: one panel
    assert len(fig.axes[0].get_lines()) == 1  # empty val_loss: no validation curve


def test_history_from_a_real_training_run(tmp_path):
    from nn.data import moons
    from nn.train import fit

    X, y = moons(20, seed=0)
    mlp = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0)
    history = fit(mlp, X, y, loss="bce", epochs=2, validation_data=(X[:6], y[:6]),
                  verbose=False, seed=0)
    fig = plots.plot_history(history)
    loss_ax, acc_ax = fig.axes
    assert list(loss_ax.get_lines()[0].get_ydata()) == history.history["loss"]
    assert list(acc_ax.get_lines()[1].get_ydata()) == history.history["val_accuracy"]
    assert saved(fig, tmp_path, "fit.png").startswith(PNG_SIGNATURE)


def test_history_errors():
    with pytest.raises(ValueError, match=r"non-empty 'loss' list; the history has keys \['acc'\]"):
        plots.plot_history({"acc": [1.0]})
    with pytest.raises(TypeError, match="needs a History or its .history dict"):
        plots.plot_history([1.0, 2.0])


def test_no_figure_is_left_open_in_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.plot_history(HISTORY)
    assert plt.get_fignums() == before


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="nn.viz.plots needs matplotlib: pip install matplotlib"):
        plots.plot_history(HISTORY)


# -- decision boundary ----------------------------------------------------------------

def regions(fig):
    """(class index per grid cell, cell centres x₁, cell centres x₂) of the drawn map."""
    (mesh,) = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    corners = mesh.get_coordinates()  # (rows + 1, cols + 1, 2) cell edges
    centres = (corners[:-1, :-1] + corners[1:, 1:]) / 2
    return np.asarray(mesh.get_array()).reshape(centres.shape[:2]), centres[..., 0], centres[..., 1]


def test_decision_boundary_of_a_known_classifier(tmp_path):
    # σ(x₁): class 1 exactly where x₁ > 0
    model = MLP.from_weights(weights=[[[1.0, 0.0]]], biases=[[0.0]], activations=["sigmoid"])
    X = [[-1.0, 0.0], [-0.5, 1.0], [0.5, -1.0], [1.0, 0.5], [1.5, 0.0]]
    y = [0, 0, 1, 1, 1]
    fig = plots.plot_decision_boundary(model, X, y, resolution=41)
    cls, x1, x2 = regions(fig)
    assert cls.shape == (41, 41)
    np.testing.assert_array_equal(cls, (x1 > 0).astype(float))
    assert x1.min() < -1.0 and x1.max() > 1.5 and x2.min() < -1.0 and x2.max() > 1.0
    scatters = [c for c in fig.axes[0].collections if not isinstance(c, QuadMesh)]
    assert [len(c.get_offsets()) for c in scatters] == [2, 3]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["class 0", "class 1"]
    assert saved(fig, tmp_path, "boundary.png").startswith(PNG_SIGNATURE)


def test_linear_output_uses_zero_threshold_and_hinge_labels():
    # linear output (a logit or hinge score) with labels −1/+1: class +1 where x₂ > 1
    model = MLP.from_weights(weights=[[[0.0, 1.0]]], biases=[[-1.0]], activations=["linear"])
    X = [[0.0, 0.0], [1.0, 0.5], [0.0, 2.0], [1.0, 3.0]]
    fig = plots.plot_decision_boundary(model, X, [-1, -1, 1, 1], resolution=30)
    cls, x1, x2 = regions(fig)
    np.testing.assert_array_equal(cls, (x2 > 1).astype(float))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["class -1",
                                                                            "class 1"]


def test_several_outputs_use_argmax():
    # outputs (x₁, −x₁, x₂ − 2): class 2 above x₂ = 2 + |x₁|, else by the sign of x₁
    model = MLP.from_weights(weights=[[[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]],
                             biases=[[0.0, 0.0, -2.0]], activations=["linear"])
    X = [[1.0, 0.0], [-1.0, 0.0], [0.0, 4.0]]
    fig = plots.plot_decision_boundary(model, X, [0, 2, 1], resolution=50)
    cls, x1, x2 = regions(fig)
    expected = np.where(x2 - 2 > np.abs(x1), 2, np.where(x1 >= 0, 0, 1))
    np.testing.assert_array_equal(cls, expected)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "class 0", "class 1", "class 2"]


def test_labels_may_use_only_some_outputs():
    model = MLP.from_weights(weights=[[[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]],
                             activations=["linear"])
    fig = plots.plot_decision_boundary(model, [[1.0, 0.0], [0.0, 4.0]], [0, 2], resolution=5)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "class 0", "class 2"]


def test_grid_is_evaluated_without_a_graph_in_eval_mode():
    mlp = MLP(2, [4, 1], seed=0)
    seen = []

    class Spy:
        activations = mlp.activations
        training = True

        def __call__(self, x):
            seen.append((is_grad_enabled(), self.training))
            return mlp(x)

        def eval(self):
            self.training = False

        def train(self):
            self.training = True

    spy = Spy()
    plots.plot_decision_boundary(spy, [[0.0, 0.0], [1.0, 1.0]], [0, 1], resolution=5)
    assert len(seen) == 1 + 25  # one probe for the output shape, then the grid
    assert set(seen) == {(False, False)}
    assert spy.training  # mode restored


def test_draws_into_a_given_axes():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    plt.close(fig)
    model = MLP.from_weights(weights=[[[1.0, 0.0]]], activations=["sigmoid"])
    assert plots.plot_decision_boundary(model, [[0, 0], [1, 1]], [0, 1], resolution=5,
                                        ax=right) is fig
    assert right.collections and not left.collections


@pytest.mark.parametrize("X, y, words", [
    ([[0.0, 1.0, 2.0]], [0], "2-D inputs; sample 0 has 3 numbers"),
    ([[0.0, 1.0]], [0, 1], "got 1 samples and 2 labels"),
    ([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], [0, 1, 2], "one output.*y has 3 labels"),
])
def test_decision_boundary_errors(X, y, words):
    model = MLP.from_weights(weights=[[[1.0, 0.0]]], activations=["sigmoid"])
    with pytest.raises(ValueError, match=words):
        plots.plot_decision_boundary(model, X, y, resolution=5)


def test_class_labels_must_match_the_outputs():
    model = MLP.from_weights(weights=[[[1.0, 0.0], [0.0, 1.0]]], activations=["linear"])
    with pytest.raises(ValueError, match=r"2 outputs, so labels must be 0 … 1; y has \[0.0, 5.0\]"):
        plots.plot_decision_boundary(model, [[0, 0], [1, 1]], [0, 5], resolution=5)


# -- gradient flow, activations, saturation ------------------------------------------------

def test_gradient_flow_bars_are_the_walkthrough_gradients(tmp_path):
    mlp = MLP.from_weights(weights=SEED_W, biases=SEED_B, activations=["relu", "relu", "sigmoid"])
    fig = plots.plot_gradient_flow(mlp)
    assert "call loss.backward() first" in fig.axes[0].texts[0].get_text()
    loss = -(mlp([0.5, 1.0]).log())
    loss.backward()
    fig = plots.plot_gradient_flow(mlp)
    heights = [p.get_height() for p in fig.axes[0].patches]
    # Hand δs (the lecture notes): |∂L/∂W^[l]_jk| = |δ_j^[l]|·a_k^[l−1]
    d3 = 1 - 1 / (1 + math.exp(-1.489))
    d2 = [0.9 * d3, 1.0 * d3]
    d1 = [0.5 * d2[0] + 0.7 * d2[1], 0.6 * d2[0] + 0.8 * d2[1]]
    grads = [[d * a for d in d1 for a in (0.5, 1.0)],
             [d * a for d in d2 for a in (0.3, 0.6)],
             [d3 * a for a in (0.61, 0.79)]]
    assert heights == pytest.approx([max(g) for g in grads] + [sum(g) / len(g) for g in grads])
    assert not fig.axes[0].texts
    assert saved(fig, tmp_path, "flow.png").startswith(PNG_SIGNATURE)
    assert plots.plot_gradient_flow(mlp, log=True).axes[0].get_yscale() == "log"


def test_activation_derivatives_from_engine_match_hand_formulas(tmp_path):
    fig = plots.plot_activations(points=241)  # z = −6 … 6 in steps of 0.05
    right = fig.axes[1::2]
    assert [ax.get_title() for ax in right] == ["sigmoid′(z)", "tanh′(z)", "relu′(z)"]
    at_zero = []
    for ax in right:
        engine, hand = ax.get_lines()
        np.testing.assert_allclose(engine.get_ydata(), hand.get_ydata(), rtol=1e-12, atol=1e-15)
        at_zero.append(engine.get_ydata()[120])
    assert at_zero == [0.25, 1.0, 0.0]  # σ'(0) = ¼, tanh'(0) = 1, ReLU'(0) = 0
    # the hand curve's label is the f′ the sigmoid primitive's record writes
    assert "hand: σ(z)·(1 − σ(z))" == right[0].get_legend().get_texts()[1].get_text()
    assert saved(fig, tmp_path, "activations.png").startswith(PNG_SIGNATURE)


def test_activation_plot_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plots.plot_activations(["swish"])
    with pytest.raises(ValueError, match="low < high"):
        plots.plot_activations(z_range=(1, -1))


def test_saturation_shares():
    # sigmoid layer with w = 0.8 on inputs of 62.5 (the saturated 1-1-1 sigmoid question): z = 50, σ ≈ 1
    saturated = MLP.from_weights(weights=[[[0.8], [0.0]], [[1.0, 1.0]]],
                                 biases=[[0.0, 0.0], [-5.0]],
                                 activations=["sigmoid", "relu"])
    fig = plots.plot_saturation(saturated, [[62.5], [-62.5]])
    heights = [p.get_height() for p in fig.axes[0].patches]
    # layer 1: σ(±50) saturated (2 of 4), σ(0) = ½ not; layer 2: z = σ(..) + ½ − 5 < 0: dead
    assert heights == [0.5, 1.0]
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "layer 1\nsigmoid\na < 0.03 or a > 0.97"
    assert labels[1] == "layer 2\nrelu\na = 0 (inactive)"


def test_saturation_of_a_linear_layer_is_not_applicable():
    mlp = MLP.from_weights(weights=[[[1.0]]], activations=["linear"])
    fig = plots.plot_saturation(mlp, [[0.0]])
    assert fig.axes[0].get_xticklabels()[0].get_text().endswith("n/a")


def test_model_checks():
    with pytest.raises(TypeError, match="plot_gradient_flow\\(\\) needs an MLP"):
        plots.plot_gradient_flow(object())
    with pytest.raises(ValueError, match="at least one sample"):
        plots.plot_saturation(MLP(1, [1]), [])
