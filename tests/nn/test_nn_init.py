"""Initialization schemes: bounds, statistics, gains, and exact repetition from a seed."""

import math
import random
import statistics

import pytest

from nn._checks import rng
from nn.init import activation_gain, canonical_scheme, layer_parameters
from nn.layers import MLP


def flat(rows):
    return [w for row in rows for w in row]


def test_same_seed_same_network_different_seed_different():
    a = MLP(2, [16, 16, 1], seed=42)
    assert a.weights() == MLP(2, [16, 16, 1], seed=42).weights()
    assert a.weights() != MLP(2, [16, 16, 1], seed=43).weights()


def test_an_int_seed_does_not_touch_the_global_rng():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    MLP(2, [8, 1], seed=1)
    assert random.random() == expected


def test_no_seed_draws_from_the_global_rng_in_micrograds_order():
    # micrograd: each Neuron draws random.uniform(-1, 1) per weight, bias 0, layer by layer.
    random.seed(7)
    expected = [random.uniform(-1, 1) for _ in range(2 * 3 + 3 * 1)]
    random.seed(7)
    mlp = MLP(2, [3, 1])
    assert [p.data for p in mlp.parameters() if p.label.startswith("W")] == expected
    assert [p.data for p in mlp.parameters() if p.label.startswith("b")] == [0.0] * 4


@pytest.mark.parametrize("scheme", ["xavier", "glorot", "xavier_uniform", "glorot_uniform"])
def test_xavier_uniform_respects_its_bound(scheme):
    rows, biases = layer_parameters(scheme, 30, 20, "tanh", seed=0)
    bound = math.sqrt(6 / (30 + 20))  # gain 1 whatever the activation, as torch.nn.init
    ws = flat(rows)
    assert len(rows) == 20 and all(len(r) == 30 for r in rows)
    assert max(abs(w) for w in ws) <= bound
    assert max(abs(w) for w in ws) > 0.95 * bound  # the whole range is used
    assert biases == [0.0] * 20


def test_he_uniform_bound_uses_relu_gain():
    ws = flat(layer_parameters("he", 40, 10, "relu", seed=0)[0])
    bound = math.sqrt(2) * math.sqrt(3 / 40)
    assert bound * 0.95 < max(abs(w) for w in ws) <= bound


@pytest.mark.parametrize("scheme, std", [
    ("xavier_normal", math.sqrt(2 / (100 + 100))),  # gain 1, as torch.nn.init
    ("glorot_normal", math.sqrt(2 / (100 + 100))),
    ("he_normal", math.sqrt(2) / math.sqrt(100)),
    ("kaiming_normal", math.sqrt(2) / math.sqrt(100)),
])
def test_normal_schemes_have_the_right_spread(scheme, std):
    ws = flat(layer_parameters(scheme, 100, 100, "relu", seed=1)[0])
    assert abs(statistics.fmean(ws)) < 5 * std / 100  # 5 standard errors of 10,000 draws
    assert statistics.pstdev(ws) == pytest.approx(std, rel=0.05)


def test_gain_override_and_gain_table():
    ws = flat(layer_parameters("xavier", 30, 20, "relu", seed=0, gain=2.0)[0])
    assert math.sqrt(6 / 50) < max(abs(w) for w in ws) <= 2.0 * math.sqrt(6 / 50)
    assert activation_gain("tanh") == 5 / 3 and activation_gain("relu") == math.sqrt(2)
    assert activation_gain("sigmoid") == activation_gain("linear") == 1.0
    assert activation_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))  # calculate_gain
    with pytest.raises(ValueError, match="unknown activation 'swish'; known activations: "):
        activation_gain("swish")


def test_schemes_without_a_gain_accept_every_activation():
    # Only the He family reads the activation's gain; every record has one anyway.
    for act in ("gelu", "silu", "softplus", "leaky_relu", "softmax"):
        assert len(layer_parameters("uniform", 3, 2, act, seed=0)[0]) == 2
        assert len(layer_parameters("he", 3, 2, act, seed=0)[0]) == 2


def test_pytorch_scheme_draws_weights_and_biases_in_its_bound():
    rows, biases = layer_parameters("pytorch", 16, 50, seed=0)
    bound = 1 / math.sqrt(16)
    assert all(abs(v) <= bound for v in flat(rows) + biases)
    assert any(b != 0.0 for b in biases)


def test_micrograd_uniform_zeros_and_constant():
    rows, biases = layer_parameters("uniform", 20, 20, seed=0)
    assert all(-1 <= w <= 1 for w in flat(rows)) and max(map(abs, flat(rows))) > 0.9
    assert biases == [0.0] * 20
    assert layer_parameters("zeros", 2, 3) == ([[0.0, 0.0]] * 3, [0.0] * 3)
    assert layer_parameters("constant", 2, 1, value=0.5) == ([[0.5, 0.5]], [0.5])
    mlp = MLP(3, [2, 1], init="constant", init_value=0.25)
    assert all(p.data == 0.25 for p in mlp.parameters())


def test_weights_are_drawn_in_parameter_order():
    # With one shared RNG, neuron j's weights come before its bias and before neuron j+1.
    rows, biases = layer_parameters("pytorch", 2, 2, seed=9)
    rng = random.Random(9)
    bound = 1 / math.sqrt(2)
    expected = [rng.uniform(-bound, bound) for _ in range(6)]
    assert [rows[0][0], rows[0][1], biases[0], rows[1][0], rows[1][1], biases[1]] == expected


@pytest.mark.parametrize("call, error, message", [
    (lambda: canonical_scheme("orthogonal"), ValueError, "unknown init scheme 'orthogonal'; known"),
    (lambda: layer_parameters("zeros", 2, 1, value=1.0), ValueError,
     "init_value=1.0 is only used by init='constant'"),
    (lambda: layer_parameters("zeros", 0, 1), ValueError, "fan_in must be a positive int"),
    (lambda: rng("seed"), TypeError, "seed must be an int, None or a random.Random"),
    (lambda: layer_parameters("he", 2, 1, gain="big"), TypeError, "gain must be a number"),
])
def test_bad_init_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("kwargs, message", [
    ({"scheme": "he_uniform", "gain": math.nan}, "gain must be a finite number, got nan"),
    ({"scheme": "xavier_normal", "gain": math.inf}, "gain must be a finite number, got inf"),
    ({"scheme": "constant", "value": math.nan}, r"needs a number value \(init_value=...\) that "
                                                r"is finite, got nan"),
    ({"scheme": "constant", "value": -math.inf}, "that is finite, got -inf"),
])
def test_gain_and_init_value_must_be_finite(kwargs, message):
    scheme = kwargs.pop("scheme")
    with pytest.raises(ValueError, match=message):
        layer_parameters(scheme, 2, 3, **kwargs)


def test_is_number_finite_is_false_for_an_int_beyond_the_float_range():
    from nn._checks import is_number

    assert is_number(10**400) and not is_number(10**400, finite=True)
    assert not is_number(-10**400, finite=True) and is_number(10**300, finite=True)
