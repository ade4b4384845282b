"""One record per activation: complete, right (hand values, finite differences, random
inputs), and the only table the rest of nn reads (init, PyTorch names, LaTeX, plots, CLI)."""

import dataclasses
import math

import pytest
from hypothesis import given, settings, strategies as st

from autograd import Value, grad, gradcheck
from nn.activations import ACTIVATIONS, Activation, activate, activation
from nn.cli.train import HIDDEN_ACTIVATIONS
from nn.explain import explain_step
from nn.explain.render import render
from nn.init import activation_gain
from nn.layers import MLP, Layer
from nn.losses import categorical_cross_entropy, cross_entropy

ELEMENTWISE = [name for name, record in ACTIVATIONS.items() if record.elementwise]


# -- every record is complete -------------------------------------------------------------

@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_record_is_complete(name):
    r = ACTIVATIONS[name]
    assert r.name == name
    assert callable(r.fn)
    assert r.formula and r.formula_latex and r.engine and r.symbol  # text a person reads
    assert isinstance(r.gain, float) and math.isfinite(r.gain) and r.gain > 0
    assert isinstance(r.elementwise, bool)
    # f′ is written by the one primitive f is, or by the record of a composite, not both
    assert (r.primitive is None) == (r.derivative is not None) == (r.derivative_latex is not None)
    assert r.f_prime() and r.f_prime(latex=True)
    # None is only allowed where it means something: the identity has no module and
    # no LaTeX function; only a layer-wise activation has no element-wise derivative.
    assert (r.torch_module is None) == (r.latex is None) == r.is_identity == (name == "linear")
    assert (r.hand_derivative is None) == (not r.elementwise) == (r.expression is None) \
        == (r.derivative_answer is None)
    assert (r.output_derivative is None) == (r.output_derivative_text is None)
    if r.saturation is not None:
        text, rule = r.saturation
        assert text and callable(rule)


def test_a_record_missing_a_field_cannot_be_made():
    fields = {f.name: None for f in dataclasses.fields(Activation)}
    del fields["gain"]
    with pytest.raises(TypeError, match="gain"):
        Activation(**fields)


def test_every_derived_table_covers_every_activation():
    for name, record in ACTIVATIONS.items():
        assert activation_gain(name) == record.gain
        sizes = [3, 2] if record.elementwise else [3, 2]
        mlp = MLP(2, sizes, activations=["tanh", name], seed=0)
        expected = ["Linear(2, 3)", "Tanh()", "Linear(3, 2)"] + (
            [record.torch_module] if record.torch_module else [])
        assert mlp.torch_modules() == expected
        assert set(mlp.state_dict()) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert HIDDEN_ACTIVATIONS == sorted(ELEMENTWISE)
    with pytest.raises(ValueError, match="unknown activation 'swish'; known activations: gelu"):
        activation("swish")


# -- the values and derivatives are right -------------------------------------------------

PHI = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731  (standard normal CDF)


@pytest.mark.parametrize("name, z, a, slope", [
    # hand values: GELU(1) = Φ(1) = 0.8413447…, GELU'(1) = Φ(1) + φ(1) = 0.8413447 + 0.2419707
    ("gelu", 1.0, 0.8413447460685429, 0.8413447460685429 + 0.24197072451914337),
    ("gelu", 0.0, 0.0, 0.5),
    ("gelu", -1.0, -(1 - 0.8413447460685429), 1 - 0.8413447460685429 - 0.24197072451914337),
    # SiLU(2) = 2σ(2) = 1.7615942, SiLU'(2) = σ(2)(1 + 2(1 − σ(2))) = 1.0907842
    ("silu", 2.0, 2 * 0.8807970779778823,
     0.8807970779778823 * (1 + 2 * (1 - 0.8807970779778823))),
    ("silu", 0.0, 0.0, 0.5),
    ("leaky_relu", -3.0, -0.03, 0.01),
    ("leaky_relu", 2.5, 2.5, 1.0),
    ("leaky_relu", 0.0, 0.0, 0.01),   # like ReLU'(0) = 0, the kink takes the left slope
    ("relu", 0.0, 0.0, 0.0),
    ("softplus", 0.0, math.log(2), 0.5),
])
def test_hand_values(name, z, a, slope):
    leaf = Value(z)
    out = activate(name, leaf)
    assert out.data == pytest.approx(a, rel=1e-14, abs=1e-16)
    assert grad(out, leaf) == pytest.approx(slope, rel=1e-14, abs=1e-16)
    assert ACTIVATIONS[name].hand_derivative(z) == pytest.approx(slope, rel=1e-14, abs=1e-16)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("z", [-2.3, -0.4, 0.7, 3.1])
def test_engine_derivative_agrees_with_finite_differences(name, z):
    assert gradcheck(lambda v: activate(name, v), [z])


@settings(max_examples=60, deadline=None)
@given(z=st.floats(-8, 8, allow_nan=False).filter(lambda z: abs(z) > 1e-9))
def test_engine_derivative_is_the_records_hand_derivative(z):
    # |z| ≤ 8: beyond it the textbook 1 − a² and σ(1 − σ) lose digits to cancellation
    # (the engine's σ(z)σ(−z) does not; the saturated 1-1-1 sigmoid question is about that).
    for name in ELEMENTWISE:
        leaf = Value(z)
        assert grad(activate(name, leaf), leaf) == pytest.approx(
            ACTIVATIONS[name].hand_derivative(z), rel=1e-8, abs=1e-300), name


def test_softmax_acts_on_the_layer():
    zs = [Value(1.0), Value(2.0), Value(-1.0)]
    a = activate("softmax", zs)
    total = math.exp(1) + math.exp(2) + math.exp(-1)
    assert [v.data for v in a] == pytest.approx([math.exp(1) / total, math.exp(2) / total,
                                                 math.exp(-1) / total], rel=1e-14)
    # ∂a_1/∂z_2 = −a_1 a_2 (off the diagonal: softmax is not element-wise)
    assert grad(a[0], zs[1]) == pytest.approx(-a[0].data * a[1].data, rel=1e-12)
    with pytest.raises(TypeError, match="needs z to be a Value list"):
        activate("softmax", [1.0, 2.0])


# -- the softmax output layer with categorical cross-entropy ------------------------------

def test_softmax_layer_with_categorical_cross_entropy_gives_yhat_minus_onehot():
    weights = [[[0.2, -0.5], [0.4, 0.1]], [[0.3, -0.2], [-0.6, 0.8], [0.5, 0.5]]]
    biases = [[0.1, 0.0], [0.0, 0.2, -0.1]]
    soft = MLP.from_weights(weights, biases, ["tanh", "softmax"])
    logits = MLP.from_weights(weights, biases, ["tanh", "linear"])
    X, Y = [[1.0, -2.0], [0.5, 0.5]], [2, 0]
    d = explain_step(soft, X, Y, loss="categorical_cross_entropy", lr=0.1)
    reference = explain_step(logits, X, Y, loss="cross_entropy", lr=0.1)
    for i, c in enumerate(Y):
        y_hat = [row[i] for row in d.Y_hat]
        onehot = [1.0 if j == c else 0.0 for j in range(3)]
        assert [row[i] for row in d.layers[-1].delta] == pytest.approx(
            [p - t for p, t in zip(y_hat, onehot)], rel=1e-12, abs=1e-15)
    # Same loss, gradients and update as cross_entropy on the logits of a linear layer.
    assert d.loss == pytest.approx(reference.loss, rel=1e-12)
    for ours, ref in zip(d.Y_hat, reference.probabilities):
        assert ours == pytest.approx(ref, rel=1e-12)
    for ours, ref in zip(d.layers, reference.layers):
        assert ours.dL_dW == [pytest.approx(row, rel=1e-12, abs=1e-15) for row in ref.dL_dW]
    assert d.layers[-1].f_prime_Z is None and d.to_dict()["layers"]["2"]["f_prime"] is None
    assert "(diag(a) − a aᵀ)" in render(d)
    assert r"\mathrm{softmax}(\mathbf{Z}^{[2]})" in render(d, "latex")


def test_softmax_is_for_the_output_layer_and_not_with_a_loss_on_logits():
    with pytest.raises(ValueError, match="layer 1 activation 'softmax' is for the output layer"):
        MLP(2, [3, 2], activations=["softmax", "linear"])
    soft = MLP(2, [2], activations="softmax", seed=0)
    with pytest.raises(ValueError, match="'softmax'.* but loss 'cross_entropy' expects logits"):
        explain_step(soft, [1.0, 2.0], 0, loss="cross_entropy")
    assert len(Layer(2, 3, "softmax", seed=0)([1.0, 2.0])) == 3


def test_categorical_cross_entropy_hand_value_and_errors():
    p = [Value(0.2), Value(0.7), Value(0.1)]
    loss = categorical_cross_entropy(p, 1)
    assert loss.data == pytest.approx(-math.log(0.7), rel=1e-15)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([0.0, -1 / 0.7, 0.0], rel=1e-15)
    batch = categorical_cross_entropy([[0.5, 0.5], [0.9, 0.1]], [0, 0])
    assert batch.data == pytest.approx((-math.log(0.5) - math.log(0.9)) / 2, rel=1e-15)
    with pytest.raises(ValueError, match=r"probability 2 of sample 2 is 1.5, not in \[0, 1\]"):
        categorical_cross_entropy([[0.5, 0.5], [0.1, 1.5]], [0, 1])
    with pytest.raises(ValueError, match="target of sample 1 is 3; class indices"):
        categorical_cross_entropy([[0.5, 0.5]], [3])
    logits = [Value(1.0), Value(-1.0)]
    assert cross_entropy(logits, 0).data == pytest.approx(
        categorical_cross_entropy([v.data for v in activate("softmax", logits)], 0).data)


# -- every activation end to end: MLP, explain tables, plots ------------------------------

@pytest.mark.parametrize("name", ["leaky_relu", "gelu", "silu"])
def test_new_activation_end_to_end(name):
    mlp = MLP.from_weights([[[0.5, -1.0], [1.5, 0.25]], [[0.7, -0.3]]], [[0.1, -0.2], [0.05]],
                           [name, "sigmoid"])
    d = explain_step(mlp, [[1.0, 2.0], [-1.0, 0.5]], [1, 0], loss="bce", lr=0.5)
    record = ACTIVATIONS[name]
    z1 = d.layers[0].Z
    # A^[1] = f(Z^[1]) and f'(Z^[1]) are the record's, element by element.
    assert d.layers[0].A == [[activate(name, Value(z)).data for z in row] for row in z1]
    assert d.layers[0].f_prime_Z == [[pytest.approx(record.hand_derivative(z), rel=1e-12)
                                      for z in row] for row in z1]
    # δ^[1] = ((W^[2])ᵀ δ^[2]) ⊙ f'(Z^[1]), the lecture notes' formula
    W2, delta2 = d.layers[1].W, d.layers[1].delta
    for j in range(2):
        for i in range(2):
            expected = W2[0][j] * delta2[0][i] * d.layers[0].f_prime_Z[j][i]
            assert d.layers[0].delta[j][i] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert f"A^[1] = {name}(Z^[1])" in render(d)
    assert rf"{record.latex}(\mathbf{{Z}}^{{[1]}})" in render(d, "latex")


def test_plots_read_the_records():
    pytest.importorskip("matplotlib")
    from nn.viz.plots import plot_activations, plot_saturation

    fig = plot_activations(ELEMENTWISE)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t for t in titles if t.endswith("′(z)")] == [f"{n}′(z)" for n in ELEMENTWISE]
    with pytest.raises(ValueError, match="softmax acts on a whole layer"):
        plot_activations(["softmax"])
    mlp = MLP.from_weights([[[10.0], [0.0]], [[1.0, 1.0], [1.0, -1.0]]], [[0.0, 0.0], [0.0, 0.0]],
                           ["tanh", "softmax"])
    fig = plot_saturation(mlp, [[1.0]])
    shares = [bar.get_height() for bar in fig.axes[0].patches]
    assert shares == [0.5, 0.0]   # tanh(10) saturates, tanh(0) does not; softmax (½, ½) not


def test_the_cli_takes_the_names_python_takes():
    from nn.cli.main import build_parser
    from nn.cli.options import CommandError
    from nn.init import SCHEME_NAMES

    parser = build_parser()
    for init in ("he", "kaiming_normal", "glorot", "xavier_uniform"):
        assert init in SCHEME_NAMES and parser.parse_args(["train", "--init", init]).init == init
    args = parser.parse_args(["train", "--activation", "gelu", "--loss",
                              "categorical_cross_entropy"])
    assert (args.activation, args.loss) == ("gelu", "categorical_cross_entropy")
    with pytest.raises(CommandError, match="invalid choice: 'softmax'"):
        parser.parse_args(["train", "--activation", "softmax"])


def test_backprop_explain_runs_a_softmax_network(tmp_path, capsys):
    import json

    from nn.cli.main import main

    network = {"weights": [[[0.2, -0.5], [0.4, 0.1]], [[0.3, -0.2], [-0.6, 0.8], [0.5, 0.5]]],
               "biases": [[0.1, 0.0], [0.0, 0.2, -0.1]], "activations": ["gelu", "softmax"],
               "inputs": [[1.0, -2.0], [0.5, 0.5]], "targets": [2, 0],
               "loss": "categorical_cross_entropy", "lr": 0.1}
    path = tmp_path / "softmax.json"
    path.write_text(json.dumps(network))
    assert main(["explain", "--network", str(path)]) == 0
    out = capsys.readouterr().out
    assert "A^[1] = gelu(Z^[1])" in out and "A^[2] = softmax(Z^[2])" in out
    assert main(["explain", "--network", str(path), "--loss", "cross_entropy"]) == 2
    assert "loss 'cross_entropy' expects logits" in capsys.readouterr().err
