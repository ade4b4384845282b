"""Initial weights and biases for a layer with fan_in = n_{l−1} inputs and fan_out = n_l neurons.

=================  ==============================================  =============
scheme             W^[l] entries                                   b^[l] entries
=================  ==============================================  =============
uniform            U(−1, 1)  (micrograd, no fan scaling)           0
xavier_uniform     U(−a, a), a = gain·√(6/(fan_in+fan_out))        0
xavier_normal      N(0, std²), std = gain·√(2/(fan_in+fan_out))    0
he_uniform         U(−a, a), a = gain·√(3/fan_in)                  0
he_normal          N(0, std²), std = gain/√fan_in                  0
pytorch            U(−1/√fan_in, 1/√fan_in)  (nn.Linear)           same as W
zeros              0                                               0
constant           value                                           value
=================  ==============================================  =============

Aliases: "xavier" and "glorot" and "glorot_uniform" mean xavier_uniform,
"glorot_normal" means xavier_normal, "he", "kaiming" and "kaiming_uniform" mean
he_uniform, "kaiming_normal" means he_normal.

Defaults follow PyTorch's ``torch.nn.init`` (and Glorot's and He's papers): the Xavier
family uses gain 1, the He family the layer activation's gain
(:func:`activation_gain`: linear and sigmoid 1, tanh 5/3, ReLU √2, as PyTorch's
``calculate_gain``).  Pass ``gain=`` to choose another, e.g. the activation's gain
for Xavier as PyTorch's documentation suggests.

Numbers are drawn neuron by neuron, weights before bias (the order of
``parameters()``), from ``random.Random(seed)`` for an int ``seed``, or with
``seed=None`` from Python's global ``random``, as micrograd does: after
``random.seed(1337)``, ``MLP(2, [16, 16, 1])`` has micrograd's weights.
"""

import math

from ._checks import is_number, number, positive_int, rng
from .activations import activation as activation_record

_ALIASES = {"xavier": "xavier_uniform", "glorot": "xavier_uniform",
            "glorot_uniform": "xavier_uniform", "glorot_normal": "xavier_normal",
            "he": "he_uniform", "kaiming": "he_uniform", "kaiming_uniform": "he_uniform",
            "kaiming_normal": "he_normal"}


def activation_gain(name):
    """The recommended gain for an activation (its record's ``gain``): linear and
    sigmoid 1, tanh 5/3, ReLU √2, leaky ReLU √(2/(1 + 0.01²))."""
    return activation_record(name).gain


def _constant(c):
    return lambda rng: c


def _uniform(bound):
    return lambda rng: rng.uniform(-bound, bound)


def _normal(std):
    return lambda rng: rng.gauss(0.0, std)


def _samplers(scheme, fan_in, fan_out, g, value):
    """(draw one weight, draw one bias) for ``scheme``; each a function of the rng."""
    zero = _constant(0.0)
    if scheme == "uniform":
        return _uniform(1.0), zero
    if scheme == "xavier_uniform":
        return _uniform(g * math.sqrt(6.0 / (fan_in + fan_out))), zero
    if scheme == "xavier_normal":
        return _normal(g * math.sqrt(2.0 / (fan_in + fan_out))), zero
    if scheme == "he_uniform":
        return _uniform(g * math.sqrt(3.0 / fan_in)), zero
    if scheme == "he_normal":
        return _normal(g / math.sqrt(fan_in)), zero
    if scheme == "pytorch":
        bound = _uniform(1.0 / math.sqrt(fan_in))
        return bound, bound
    if scheme == "zeros":
        return zero, zero
    return _constant(value), _constant(value)  # "constant"


SCHEMES = ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
           "pytorch", "zeros", "constant")
"""Canonical scheme names (see the module docstring for aliases)."""

SCHEME_NAMES = SCHEMES + tuple(_ALIASES)
"""Every name ``init=`` accepts: the canonical ones, then the aliases."""


def canonical_scheme(scheme):
    """The canonical name of ``scheme`` (resolving aliases), or ValueError listing the names."""
    name = _ALIASES.get(scheme, scheme) if isinstance(scheme, str) else None
    if name not in SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; known: "
                         f"{', '.join(SCHEME_NAMES)}")
    return name


def layer_parameters(scheme, fan_in, fan_out, activation="linear", seed=None, *,
                     gain=None, value=None):
    """Initial W (``fan_out`` rows of ``fan_in`` floats) and b (``fan_out`` floats).

    ``gain`` overrides the default gain (1 for Xavier, the activation's for He);
    ``value`` is required by, and only allowed with, the "constant" scheme.
    """
    name = canonical_scheme(scheme)
    positive_int(fan_in, "fan_in")
    positive_int(fan_out, "fan_out")
    if name == "constant":
        if not is_number(value) or not math.isfinite(value):
            raise ValueError(f"init='constant' needs a number value (init_value=...) that is "
                             f"finite, got {value!r}")
        value = float(value)
    elif value is not None:
        raise ValueError(f"init_value={value!r} is only used by init='constant', not {scheme!r}")
    if gain is not None:
        g = number(gain, "gain")   # TypeError for a non-number
        if not math.isfinite(g):
            raise ValueError(f"gain must be a finite number, got {gain!r}")
    else:
        g = 1.0 if name.startswith("xavier") else activation_gain(activation)
    draw_w, draw_b = _samplers(name, fan_in, fan_out, g, value)
    source = rng(seed)
    rows, biases = [], []
    for _ in range(fan_out):
        rows.append([draw_w(source) for _ in range(fan_in)])
        biases.append(draw_b(source))
    return rows, biases
