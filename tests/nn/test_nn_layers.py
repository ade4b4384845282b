"""Neuron, Layer, MLP, Dropout and the Module interface."""

import math
import random

import pytest

import autograd
from autograd import Value
from nn.activations import ACTIVATIONS, activate
from nn.layers import MLP, Dropout, Layer, Neuron
from nn.module import Module

SEED_WEIGHTS = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]]
SEED_BIASES = [[0.05, 0.05], [0.1, 0.1], [0.15]]


def lecture_mlp():
    return MLP.from_weights(weights=SEED_WEIGHTS, biases=SEED_BIASES,
                            activations=["relu", "relu", "sigmoid"])


# -- activations ---------------------------------------------------------------

def test_activations_apply_their_formula():
    z = Value(-0.7)
    assert activate("relu", z).data == 0.0
    assert activate("sigmoid", z).data == pytest.approx(1 / (1 + math.exp(0.7)), rel=1e-15)
    assert activate("tanh", z).data == pytest.approx(math.tanh(-0.7), rel=1e-15)
    assert activate("linear", z) is z  # the identity adds no node
    assert {"relu", "sigmoid", "tanh", "linear"} <= set(ACTIVATIONS)


def test_unknown_activation_lists_the_known_names():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'.*relu.*sigmoid"):
        activate("sigmod", Value(1.0))
    with pytest.raises(TypeError, match="needs z to be a Value"):
        activate("relu", 1.0)


# -- Neuron ----------------------------------------------------------------------

def test_neuron_preactivation_is_one_dot_node():
    n = Neuron(3, "tanh", weights=[0.1, -0.2, 0.3], bias=0.5)
    z = n.preactivation([1.0, 2.0, 3.0])
    assert z.primitive.name == "dot"
    assert z.parents == (*n.w, *z.parents[3:6], n.b)
    assert z.data == pytest.approx(0.1 - 0.4 + 0.9 + 0.5, rel=1e-15)
    a = n([1.0, 2.0, 3.0])
    assert a.primitive.name == "tanh" and a.data == pytest.approx(math.tanh(1.1), rel=1e-15)
    assert n.parameters() == [*n.w, n.b]


def test_neuron_default_init_is_micrograd_uniform_with_zero_bias():
    n = Neuron(50, seed=3)
    assert all(-1.0 <= w.data <= 1.0 for w in n.w)
    assert n.b.data == 0.0
    assert [w.data for w in Neuron(50, seed=3).w] == [w.data for w in n.w]


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(nin=0), ValueError, "Neuron nin must be a positive int, got 0"),
    (dict(nin=2, weights=[1.0]), ValueError, "2 inputs but got 1 weights"),
    (dict(nin=2, weights=[1.0, "x"]), TypeError, "Neuron weight w_2 is str 'x'"),
    (dict(nin=1, weights=[1.0], bias="b"), TypeError, "bias is str 'b'"),
    (dict(nin=1, activation="softmax"), ValueError, "acts on a whole layer, not on one neuron"),
    (dict(nin=1, activation="swish"), ValueError, "unknown activation 'swish'"),
])
def test_neuron_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        Neuron(**kwargs)


# -- Layer -----------------------------------------------------------------------

def test_layer_always_returns_a_list_and_labels_nodes():
    layer = Layer(2, 1, "sigmoid", seed=0)
    out = layer([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1
    assert out[0].label == "a_1" and out[0].parents[0].label == "z_1"
    assert layer.neurons[0].w[1].label == "W_1,2"
    assert layer.nin == 2 and layer.nout == 1 and layer.activation == "sigmoid"


def test_layer_named_parameters_follow_micrograd_order():
    layer = Layer(2, 2, seed=0)
    names = [name for name, _ in layer.named_parameters()]
    assert names == ["weight[0][0]", "weight[0][1]", "bias[0]",
                     "weight[1][0]", "weight[1][1]", "bias[1]"]
    assert [p for _, p in layer.named_parameters()] == layer.parameters()


# -- MLP -------------------------------------------------------------------------

def test_mlp_structure_reads_the_micrograd_way():
    mlp = MLP(2, [16, 16, 1], seed=0)
    assert mlp.sizes == [2, 16, 16, 1]
    assert mlp.activations == ["relu", "relu", "linear"]
    assert len(mlp.parameters()) == 16 * 3 + 16 * 17 + 17
    expected = [p for layer in mlp.layers for n in layer.neurons for p in (*n.w, n.b)]
    assert mlp.parameters() == expected
    assert mlp.layers[1].neurons[3].w[5].label == "W^[2]_4,6"
    assert isinstance(mlp([0.1, 0.2]), Value)
    assert len(MLP(2, [3, 2], seed=0)([0.1, 0.2])) == 2


def test_mlp_forward_matches_the_lecture_matrix_formulas():
    mlp = lecture_mlp()
    x = [0.5, 1.0]
    a = x
    for W, b, f in zip(SEED_WEIGHTS, SEED_BIASES, [lambda z: max(z, 0.0)] * 2
                       + [lambda z: 1 / (1 + math.exp(-z))]):
        a = [f(sum(w * ak for w, ak in zip(row, a)) + bj) for row, bj in zip(W, b)]
    assert mlp(x).data == pytest.approx(a[0], rel=1e-15)
    assert mlp.weights() == SEED_WEIGHTS and mlp.biases() == SEED_BIASES


def test_forward_trace_gives_z_and_a_whose_grads_are_deltas():
    mlp = lecture_mlp()
    trace = mlp.forward_trace([0.5, 1.0])
    (z1, a1), (z2, a2), (z3, a3) = trace
    assert [z.label for z in z1] == ["z^[1]_1", "z^[1]_2"]
    assert [round(z.data, 12) for z in z1] == [0.3, 0.6]
    loss = -a3[0].log()
    loss.backward()
    yhat = a3[0].data
    assert z3[0].grad == pytest.approx(yhat - 1.0, rel=1e-12)  # δ^[3] = ŷ − y


def test_mlp_accepts_values_and_a_bare_number_for_one_input():
    mlp = MLP(1, [1], activations="sigmoid", init="zeros")
    assert mlp(2).data == 0.5
    x = Value(2.0)
    out = MLP(1, [1], activations="linear", init="constant", init_value=1.0)(x)
    out.backward()
    assert x.grad == 1.0


def test_activation_forms():
    assert MLP(2, [3, 1], activations="tanh", seed=0).activations == ["tanh", "tanh"]
    assert MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=0).activations == \
        ["tanh", "sigmoid"]


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6, 0.7]]]), ValueError,
     r"W\^\[2\] row 1 has 3 numbers but layer 1 has 2 neurons"),
    (dict(weights=[[[0.1, 0.2], [0.3]]]), ValueError,
     r"W\^\[1\] row 2 has 1 number but row 1 has 2"),
    (dict(weights=[[[0.1, 0.2]], [[0.5], [0.6]], [[1.0, 2.0, 3.0]]]), ValueError,
     r"W\^\[3\] row 1 has 3 numbers but layer 2 has 2 neurons"),
    (dict(weights=[[[0.1, "a"]]]), TypeError, r"W\^\[1\] row 1 entry 2 is str 'a'"),
    (dict(weights=[]), ValueError, "non-empty list of matrices"),
    (dict(weights=[[]]), ValueError, r"W\^\[1\] must be a non-empty list of rows"),
    (dict(weights=[[[1.0, 2.0]]], biases=[[0.1, 0.2]]), ValueError,
     r"b\^\[1\] must be a list of 1 number \(W\^\[1\] has 1 row\)"),
    (dict(weights=[[[1.0]], [[2.0]]], biases=[[0.1]]), ValueError,
     "list of 2 vectors"),
    (dict(weights=[[[1.0]]], biases=[[None]]), TypeError, r"b\^\[1\] entry 1 is NoneType"),
    (dict(weights=[[[1.0]], [[2.0]]], activations=["relu", "sigmod"]), ValueError,
     "unknown layer 2 activation 'sigmod'; known activations: gelu, leaky_relu, linear, relu"),
    (dict(weights=[[[1.0]], [[2.0]]], activations=["relu"]), ValueError,
     r"got 1 activations \['relu'\] for 2 layers"),
])
def test_from_weights_errors_name_the_layer(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP.from_weights(**kwargs)


@pytest.mark.parametrize("x, error, message", [
    ([1.0, 2.0, 3.0], ValueError, r"MLP expects 2 inputs \(one per input neuron\), got 3"),
    ([1.0], ValueError, "MLP expects 2 inputs"),
    ([1.0, "a"], TypeError, "MLP input x_2 is str 'a'"),
    ("ab", TypeError, "MLP expects a list of 2 numbers or Values, got str"),
    (None, TypeError, "got NoneType None"),
    (3.0, ValueError, "got the single number 3.0"),
])
def test_mlp_bad_input(x, error, message):
    with pytest.raises(error, match=message):
        lecture_mlp()(x)


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, [1]), {}, "MLP nin"),
    ((2, []), {}, "non-empty list of layer sizes"),
    ((2, 3), {}, "non-empty list of layer sizes"),
    ((2, [3, 0]), {}, "MLP layer 2 size must be a positive int, got 0"),
    ((2, [3]), dict(init="glorious"), "unknown init scheme 'glorious'"),
    ((2, [3]), dict(init="constant"), "needs a number value"),
    ((2, [3]), dict(dropout=1.0), r"p must be a number in \[0, 1\), got 1.0"),
])
def test_mlp_bad_construction(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(*args, **kwargs)


# -- Module interface ----------------------------------------------------------------

def test_zero_grad_clears_every_parameter():
    mlp = lecture_mlp()
    mlp([0.5, 1.0]).backward()
    assert any(p.grad for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())


def test_train_and_eval_reach_every_submodule():
    mlp = MLP(2, [4, 1], seed=0, dropout=0.5)
    assert mlp.training and all(m.training for m in mlp.modules())
    assert mlp.eval() is mlp
    assert not any(m.training for m in mlp.modules())
    mlp.train()
    assert all(m.training for m in mlp.modules())
    with pytest.raises(TypeError, match="True or False"):
        mlp.train("yes")


def test_state_dict_layout_and_round_trip():
    mlp = lecture_mlp()
    state = mlp.state_dict()
    assert state == {"0.weight": SEED_WEIGHTS[0], "0.bias": SEED_BIASES[0],
                     "2.weight": SEED_WEIGHTS[1], "2.bias": SEED_BIASES[1],
                     "4.weight": SEED_WEIGHTS[2], "4.bias": SEED_BIASES[2]}
    other = MLP(2, [2, 2, 1], activations=["relu", "relu", "sigmoid"], seed=5)
    other.load_state_dict(state)
    assert other.weights() == SEED_WEIGHTS and other.biases() == SEED_BIASES
    names = dict(mlp.named_parameters())
    assert names["2.weight[1][0]"] is mlp.layers[1].neurons[1].w[0]
    assert names["4.bias[0]"] is mlp.layers[2].neurons[0].b


def test_state_dict_keys_skip_linear_activations_and_count_dropout():
    assert list(MLP(2, [3, 1], seed=0).state_dict()) == ["0.weight", "0.bias",
                                                         "2.weight", "2.bias"]
    assert list(MLP(2, [3, 1], activations="linear", seed=0).state_dict()) == \
        ["0.weight", "0.bias", "1.weight", "1.bias"]
    mlp = MLP(2, [3, 3, 1], activations=["tanh", "relu", "sigmoid"], seed=0, dropout=0.2)
    assert mlp.torch_modules() == ["Linear(2, 3)", "Tanh()", "Dropout(p=0.2)", "Linear(3, 3)",
                                   "ReLU()", "Dropout(p=0.2)", "Linear(3, 1)", "Sigmoid()"]
    assert list(mlp.state_dict())[::2] == ["0.weight", "3.weight", "6.weight"]


@pytest.mark.parametrize("change, error, message", [
    (lambda s: s.pop("4.bias"), ValueError, r"missing \['4.bias'\]"),
    (lambda s: s.update(extra=[1.0]), ValueError, r"unexpected \['extra'\]"),
    (lambda s: s["2.weight"][1].append(0.0), ValueError,
     r"state_dict\['2.weight'\]\[1\] has 3 entries, expected 2"),
    (lambda s: s["0.bias"].__setitem__(1, "x"), TypeError,
     r"state_dict\['0.bias'\]\[1\] should be a number, got str 'x'"),
    (lambda s: s.__setitem__("4.bias", 0.15), TypeError, "should be a list of 1 entries"),
])
def test_load_state_dict_mismatch_leaves_model_untouched(change, error, message):
    mlp = lecture_mlp()
    state = MLP(2, [2, 2, 1], seed=1).state_dict()
    change(state)
    with pytest.raises(error, match=message):
        mlp.load_state_dict(state)
    assert mlp.weights() == SEED_WEIGHTS and mlp.biases() == SEED_BIASES


def test_custom_module_gets_the_interface_from_named_tensors():
    class Scale(Module):
        def __init__(self):
            self.k = Value(2.0)

        def named_tensors(self):
            return [("k", [self.k])]

    m = Scale()
    assert m.named_parameters() == [("k[0]", m.k)] and m.parameters() == [m.k]
    m.load_state_dict({"k": [3.0]})
    assert m.state_dict() == {"k": [3.0]}


# -- Dropout ---------------------------------------------------------------------------

def test_dropout_is_inverted_and_only_in_training():
    xs = [Value(1.0) for _ in range(2000)]
    drop = Dropout(0.25, seed=1)
    out = drop(xs)
    kept = [v.data for v in out if v.data != 0.0]
    assert set(kept) == {1.0 / 0.75}
    assert abs(len(kept) / 2000 - 0.75) < 0.04
    autograd.total(out).backward()
    assert {x.grad for x in xs} == {0.0, 1.0 / 0.75}
    drop.eval()
    assert drop(xs) is xs


def test_dropout_repeats_with_its_seed_and_p_zero_is_identity():
    xs = [Value(1.0) for _ in range(50)]
    assert [v.data for v in Dropout(0.5, seed=7)(xs)] == [v.data for v in Dropout(0.5, seed=7)(xs)]
    assert Dropout(0.0)(xs) is xs


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, "0.5", None])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match=r"in \[0, 1\)"):
        Dropout(p)


def test_mlp_dropout_acts_in_train_mode_only():
    mlp = MLP(2, [64, 1], seed=3, dropout=0.5)
    x = [0.3, -0.2]
    train_outputs = {mlp(x).data for _ in range(5)}
    assert len(train_outputs) > 1
    mlp.eval()
    assert len({mlp(x).data for _ in range(5)}) == 1
    (z1, a1), _ = mlp.forward_trace(x)
    assert [a.data for a in a1] == [max(z.data, 0.0) for z in z1]


def test_same_seed_gives_micrograds_network_and_gradients():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd.engine import Value as MicroValue

    state = random.getstate()
    random.seed(1337)  # micrograd draws from the global RNG, in the same order as ours
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.setstate(state)
    ours = MLP(2, [16, 16, 1], seed=1337)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]

    x = [0.4, -1.3]
    out_ours, out_theirs = ours(x), theirs([MicroValue(v) for v in x])
    assert out_ours.data == pytest.approx(out_theirs.data, rel=1e-12)
    out_ours.backward()
    out_theirs.backward()
    assert [p.grad for p in ours.parameters()] == \
        pytest.approx([p.grad for p in theirs.parameters()], rel=1e-12, abs=1e-15)


def test_one_forward_path_checked_once(monkeypatch):
    # MLP.__call__ is the last entry of forward_trace; each Layer makes Z = W x + b in one
    # call and has each Neuron activate its z_j; the input is checked once per MLP call,
    # not per layer or per neuron.
    import nn.layers as layers

    mlp = MLP(3, [4, 2], activations=["gelu", "linear"], seed=3)
    calls = {"check": 0, "neuron": 0, "trace": 0}
    check, activate, trace = layers._as_inputs, layers.Neuron.activate, MLP.forward_trace

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(layers, "_as_inputs", counting("check", check))
    monkeypatch.setattr(layers.Neuron, "activate", counting("neuron", activate))
    monkeypatch.setattr(MLP, "forward_trace", counting("trace", trace))
    out = mlp([0.1, -0.2, 0.3])
    assert calls == {"check": 1, "neuron": 4 + 2, "trace": 1}
    (_, _), (z2, a2) = trace(mlp, [0.1, -0.2, 0.3])
    assert [v.data for v in out] == [v.data for v in a2] and a2[0] is z2[0]
    assert [a.label for a in a2] == ["z^[2]_1", "z^[2]_2"]  # linear: A^[2] is Z^[2]
