"""A^[l] = f(Z^[l]) and f'(Z^[l]) for whole n_l × m matrices, one entry per activation name.

Each :class:`MatrixActivation` gives f and f' element-wise, with the same
conventions as the scalar engine's primitives (:mod:`autograd.ops`): ReLU'(0) = 0,
σ'(z) = σ(z)σ(−z), tanh'(z) = 4σ(2z)σ(−2z), softplus'(z) = σ(z), leaky ReLU'(0) = slope,
GELU exact via erf.  Softmax is not element-wise: its ``backward`` is the
Jacobian-vector product δ = A ⊙ (∂L/∂A − Σₖ A ⊙ ∂L/∂A) over each column.
"""

import math
from dataclasses import dataclass
from typing import Callable

from ._numpy import np

LEAKY_RELU_SLOPE = 0.01
"""The negative slope of ``leaky_relu`` (PyTorch's and the scalar engine's default)."""

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)   # exact erf without SciPy, one math.erf per entry


@dataclass(frozen=True)
class MatrixActivation:
    """f and f' of one activation, each mapping an array Z^[l] to an array of its shape."""

    name: str
    f: Callable
    f_prime: Callable
    elementwise: bool = True


class _Softmax(MatrixActivation):
    """Softmax couples a column's entries, so δ needs its Jacobian, not f' alone."""

    def backward(self, dL_dA, Z, A):
        """δ = A ⊙ (∂L/∂A − Σₖ Aₖ ∂L/∂Aₖ): the softmax Jacobian (diag(a) − a aᵀ) times ∂L/∂A."""
        return A * (dL_dA - np.sum(A * dL_dA, axis=0, keepdims=True))


def sigmoid(Z):
    """σ(Z) = 1/(1 + e^−Z), computed from e^−|Z| so it never overflows."""
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _relu(Z):
    return np.maximum(Z, 0.0)


def _relu_prime(Z):
    return (Z > 0).astype(float)


def _sigmoid_prime(Z):
    return sigmoid(Z) * sigmoid(-Z)


def _tanh_prime(Z):
    return 4.0 * sigmoid(2.0 * Z) * sigmoid(-2.0 * Z)


def _softplus(Z):
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def _linear(Z):
    return Z


def _ones(Z):
    return np.ones_like(Z)


def _leaky_relu(Z):
    return np.where(Z > 0, Z, LEAKY_RELU_SLOPE * Z)


def _leaky_relu_prime(Z):
    return np.where(Z > 0, 1.0, LEAKY_RELU_SLOPE)


def _phi(Z):
    """Φ(Z), the standard normal CDF, ½(1 + erf(Z/√2)), exactly (math.erf per entry)."""
    return 0.5 * (1.0 + _erf(Z * _SQRT_HALF).astype(float))


def _gelu(Z):
    return Z * _phi(Z)


def _gelu_prime(Z):
    return _phi(Z) + Z * _INV_SQRT_2PI * np.exp(-0.5 * Z * Z)


def _silu(Z):
    return Z * sigmoid(Z)


def _silu_prime(Z):
    s = sigmoid(Z)
    return s * (1.0 + Z * sigmoid(-Z))


def softmax(Z):
    """softmax of each column: e^(Z − max)/Σ e^(Z − max), so no exponent overflows."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_diagonal(Z):
    # For the tables' f'(Z) column: ∂aⱼ/∂zⱼ = aⱼ(1 − aⱼ); the backward pass uses the full Jacobian.
    A = softmax(Z)
    return A * (1.0 - A)


ACTIVATIONS = {
    "relu": MatrixActivation("relu", _relu, _relu_prime),              # f'(0) = 0
    "sigmoid": MatrixActivation("sigmoid", sigmoid, _sigmoid_prime),   # σ' = σ(z)σ(−z)
    "tanh": MatrixActivation("tanh", np.tanh, _tanh_prime),            # 1 − tanh² = 4σ(2z)σ(−2z)
    "softplus": MatrixActivation("softplus", _softplus, sigmoid),      # softplus' = σ
    "linear": MatrixActivation("linear", _linear, _ones),
    "leaky_relu": MatrixActivation("leaky_relu", _leaky_relu, _leaky_relu_prime),
    "gelu": MatrixActivation("gelu", _gelu, _gelu_prime),              # z Φ(z); Φ(z) + z φ(z)
    "silu": MatrixActivation("silu", _silu, _silu_prime),              # z σ(z); σ(z)(1 + z σ(−z))
    "softmax": _Softmax("softmax", softmax, _softmax_diagonal, elementwise=False),
}
"""Activation name -> :class:`MatrixActivation` (names as in :data:`nn.activations.ACTIVATIONS`)."""


def get_activation(name):
    """The matrix form of the activation called ``name``, or ValueError naming it."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"activation {name!r} is not supported by the matrix engine; it "
                         f"supports {', '.join(ACTIVATIONS)} (use engine='scalar')") from None
