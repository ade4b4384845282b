"""Activation functions a layer applies to its pre-activations: A^[l] = f(Z^[l]).

Each activation is ONE :class:`Activation` record in :data:`ACTIVATIONS`; every
other table in ``nn`` (init gains, PyTorch module names, LaTeX and diagram
symbols, plotted derivatives, saturation rules, the CLI's choices) is read from
it, and so is the matrix engine's table (:mod:`nn.matrix.activations`).  Adding an
activation is one record here, its engine rule in :mod:`autograd.ops` if it needs a new
primitive, and one test case.

The derivatives are the engine's: ReLU'(0) = 0 (as PyTorch, JAX and micrograd),
σ'(z) = σ(z)σ(−z), tanh'(z) = 1 − tanh²z; composite activations (GELU, SiLU)
are built from primitives, so they need no derivative code.

Softmax is the one activation that is not element-wise: it maps the whole
Z^[L] of an output layer to probabilities, A^[L]_j = e^{z_j} / Σ_k e^{z_k};
pair it with the loss ``categorical_cross_entropy`` (on probabilities), which
gives δ^[L] = A^[L] − onehot(y).  ``cross_entropy`` takes logits, i.e. a linear
output layer.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

from autograd import Value, numerics, softmax as _softmax

LEAKY_SLOPE = 0.01
"""The negative slope of "leaky_relu" (PyTorch's and JAX's default)."""

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class Activation:
    """Everything ``nn`` knows about one activation; every field but ``output_derivative`` is required.

    - ``fn``: the activation on engine Values (one Value, or a list for a layer-wise one)
    - ``formula`` / ``derivative``: f(z) and f′(z) as a person writes them
    - ``hand_derivative``: f′ as a float function written from ``derivative`` (plots draw
      it over the engine's f′ and tests compare the two); None only when not element-wise
    - ``engine``: the engine primitives ``fn`` is built from (for readers and pictures)
    - ``gain``: the init gain (PyTorch's ``calculate_gain`` where it has one)
    - ``torch_module``: the ``torch.nn`` module, or None for the identity (no module)
    - ``latex``: the LaTeX function name, or None for the identity (A = Z)
    - ``symbol``: the short name a diagram shows
    - ``saturation``: (rule text, predicate on a) for plots, or None when it has none
    - ``elementwise``: False for softmax, which acts on the whole layer
    - ``matrix``: (f, f′) for the matrix engine, each ``(np, Z) -> array`` on a whole
      n_l × m array Z^[l] with the engine's conventions; written against the NumPy
      namespace the matrix engine passes in, so ``nn`` never imports NumPy itself
      (for softmax f′ is the diagonal aⱼ(1 − aⱼ) its tables show; its backward pass
      uses the whole Jacobian)
    - ``output_derivative``: f′ written in terms of a = f(z), where a hand derivation uses
      that form (σ: a(1 − a), tanh: 1 − a², ReLU: 1 if a > 0 else 0); None where it has
      none.  A grader accepts f′ computed either way from a student's own numbers
    """

    name: str
    fn: Callable
    formula: str
    derivative: str
    hand_derivative: Optional[Callable]
    engine: str
    gain: float
    torch_module: Optional[str]
    latex: Optional[str]
    symbol: str
    saturation: Optional[tuple]
    elementwise: bool
    matrix: tuple
    output_derivative: Optional[Callable] = None

    def __call__(self, z):
        """f(z): a Value for an element-wise activation, a list for softmax (z a list)."""
        return self.fn(z)


def _sigmoid(z):
    return numerics.sigmoid(float(z))


def _identity(z):
    # The identity adds no node: a "linear" layer's output *is* Z^[l].
    return z


def _leaky_relu(z):
    return z.leaky_relu(LEAKY_SLOPE)


def _gelu(z):
    # Exact GELU, z·Φ(z) with Φ(z) = ½(1 + erf(z/√2)), as torch.nn.GELU() by default.
    return z * (0.5 * ((z * _INV_SQRT2).erf() + 1.0))


def _gelu_prime(z):
    return 0.5 * (1.0 + math.erf(z * _INV_SQRT2)) + z * _INV_SQRT_2PI * math.exp(-0.5 * z * z)


def _silu(z):
    return z * z.sigmoid()


def _silu_prime(z):
    s = _sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


def _layer_softmax(zs):
    return _softmax(zs)


# -- the matrix engine's forms, f(np, Z) on whole arrays ----------------------------------

def _np_sigmoid(np, Z):
    # σ from e^−|Z|, so no exponent overflows
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_sigmoid_prime(np, Z):
    return _np_sigmoid(np, Z) * _np_sigmoid(np, -Z)          # σ(z)σ(−z), as the engine


def _np_tanh_prime(np, Z):
    return 4.0 * _np_sigmoid(np, 2.0 * Z) * _np_sigmoid(np, -2.0 * Z)   # = 1 − tanh²z


def _np_phi(np, Z):
    # Φ(z) = ½(1 + erf(z/√2)), exactly: one math.erf per entry, no SciPy
    return 0.5 * (1.0 + np.frompyfunc(math.erf, 1, 1)(Z * _INV_SQRT2).astype(float))


def _np_softmax(np, Z):
    # each column: e^(Z − max)/Σ e^(Z − max), so no exponent overflows
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _np_softmax_diagonal(np, Z):
    A = _np_softmax(np, Z)
    return A * (1.0 - A)


def _outside(low, high):
    return lambda a: a < low or a > high


_RECORDS = (
    Activation("relu", Value.relu, "max(0, z)", "1 if z > 0 else 0 (ReLU'(0) = 0)",
               lambda z: 1.0 if z > 0 else 0.0, "relu", math.sqrt(2.0), "ReLU()",
               r"\mathrm{ReLU}", "ReLU", ("a = 0 (inactive)", lambda a: a == 0.0), True,
               matrix=(lambda np, Z: np.maximum(Z, 0.0), lambda np, Z: (Z > 0).astype(float)),
               output_derivative=lambda a: 1.0 if a > 0 else 0.0),
    Activation("leaky_relu", _leaky_relu, f"z if z > 0 else {LEAKY_SLOPE}·z",
               f"1 if z > 0 else {LEAKY_SLOPE}",
               lambda z: 1.0 if z > 0 else LEAKY_SLOPE, "leaky_relu",
               math.sqrt(2.0 / (1.0 + LEAKY_SLOPE ** 2)), "LeakyReLU()",
               r"\mathrm{LeakyReLU}", "LeakyReLU", None, True,
               matrix=(lambda np, Z: np.where(Z > 0, Z, LEAKY_SLOPE * Z),
                       lambda np, Z: np.where(Z > 0, 1.0, LEAKY_SLOPE))),
    Activation("sigmoid", Value.sigmoid, "σ(z) = 1/(1 + e^−z)", "σ(z)(1 − σ(z))",
               lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)), "sigmoid", 1.0, "Sigmoid()",
               r"\sigma", "σ", ("a < 0.03 or a > 0.97", _outside(0.03, 0.97)), True,
               matrix=(_np_sigmoid, _np_sigmoid_prime),
               output_derivative=lambda a: a * (1.0 - a)),
    Activation("tanh", Value.tanh, "tanh z", "1 − a²", lambda z: 1.0 - math.tanh(z) ** 2,
               "tanh", 5.0 / 3.0, "Tanh()", r"\tanh", "tanh",
               ("|a| > 0.97", lambda a: abs(a) > 0.97), True,
               matrix=(lambda np, Z: np.tanh(Z), _np_tanh_prime),
               output_derivative=lambda a: 1.0 - a * a),
    # PyTorch has no gain for softplus, GELU or SiLU: softplus is treated like linear,
    # GELU and SiLU like ReLU (they are ReLU-shaped for |z| ≫ 1).
    Activation("softplus", Value.softplus, "ln(1 + e^z)", "σ(z)", _sigmoid, "softplus", 1.0,
               "Softplus()", r"\mathrm{softplus}", "softplus", None, True,
               matrix=(lambda np, Z: np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z))),
                       _np_sigmoid)),
    Activation("gelu", _gelu, "z·Φ(z), Φ(z) = ½(1 + erf(z/√2))", "Φ(z) + z·φ(z)",
               _gelu_prime, "erf, ×, +", math.sqrt(2.0), "GELU()", r"\mathrm{GELU}", "GELU",
               None, True,
               matrix=(lambda np, Z: Z * _np_phi(np, Z),
                       lambda np, Z: _np_phi(np, Z) + Z * _INV_SQRT_2PI * np.exp(-0.5 * Z * Z))),
    Activation("silu", _silu, "z·σ(z)", "σ(z)(1 + z(1 − σ(z)))", _silu_prime, "sigmoid, ×",
               math.sqrt(2.0), "SiLU()", r"\mathrm{SiLU}", "SiLU", None, True,
               matrix=(lambda np, Z: Z * _np_sigmoid(np, Z),
                       lambda np, Z: _np_sigmoid(np, Z) * (1.0 + Z * _np_sigmoid(np, -Z)))),
    Activation("linear", _identity, "z", "1", lambda z: 1.0, "(none: A = Z)", 1.0, None, None,
               "linear", None, True, matrix=(lambda np, Z: Z, lambda np, Z: np.ones_like(Z)),
               output_derivative=lambda a: 1.0),
    Activation("softmax", _layer_softmax, "e^{z_j} / Σ_k e^{z_k} (over the layer)",
               "∂a_j/∂z_k = a_j(δ_jk − a_k)", None, "logsumexp, −, exp", 1.0,
               "Softmax(dim=-1)", r"\mathrm{softmax}", "softmax",
               ("a < 0.03 or a > 0.97", _outside(0.03, 0.97)), False,
               matrix=(_np_softmax, _np_softmax_diagonal)),
)

ACTIVATIONS = {record.name: record for record in _RECORDS}
"""Activation name -> :class:`Activation` (callable: ``ACTIVATIONS["relu"](z)``)."""


def check_activation(name, where="activation"):
    """Return ``name`` if it is a known activation, else raise ValueError listing the known names.

    ``where`` names the offending setting in the message (e.g. "layer 2 activation")."""
    if isinstance(name, str) and name in ACTIVATIONS:
        return name
    raise ValueError(f"unknown {where} {name!r}; known activations: "
                     f"{', '.join(sorted(ACTIVATIONS))}")


def activation(name):
    """The :class:`Activation` record called ``name``, or ValueError listing the names."""
    return ACTIVATIONS[check_activation(name)]


def activate(name, z):
    """a = f(z) for the activation called ``name``: z a Value, or for softmax a list of
    Values (the whole layer's Z)."""
    record = activation(name)
    values = [z] if record.elementwise else z
    if not isinstance(values, (list, tuple)) or not all(type(v) is Value for v in values):
        raise TypeError(f"activate({name!r}, z) needs z to be a Value"
                        f"{'' if record.elementwise else ' list'}, got {z!r}")
    return record(z if record.elementwise else list(z))
