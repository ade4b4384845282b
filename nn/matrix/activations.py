"""A^[l] = f(Z^[l]) and f'(Z^[l]) for whole n_l × m matrices, one entry per activation.

The table is read from the activation records of :mod:`nn.activations` (their
``matrix`` field, written against the NumPy namespace passed in here), so it has
exactly the activations ``nn`` has, with the scalar engine's conventions:
ReLU'(0) = 0, σ'(z) = σ(z)σ(−z), tanh'(z) = 4σ(2z)σ(−2z), softplus'(z) = σ(z),
leaky ReLU'(0) = slope, GELU exact via erf.  Softmax is not element-wise: its
``backward`` is the Jacobian-vector product δ = A ⊙ (∂L/∂A − Σₖ A ⊙ ∂L/∂A) over
each column.
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable

from ..activations import ACTIVATIONS as RECORDS, LEAKY_SLOPE
from ._numpy import np

LEAKY_RELU_SLOPE = LEAKY_SLOPE
"""The negative slope of ``leaky_relu`` (PyTorch's and the scalar engine's default)."""


@dataclass(frozen=True)
class MatrixActivation:
    """f and f' of one activation, each mapping an array Z^[l] to an array of its shape."""

    name: str
    f: Callable
    f_prime: Callable
    elementwise: bool = True
    identity: bool = False   # f′ = 1 ("linear"): δ needs no product with ones


class _Softmax(MatrixActivation):
    """Softmax couples a column's entries, so δ needs its Jacobian, not f' alone."""

    def backward(self, dL_dA, Z, A):
        """δ = A ⊙ (∂L/∂A − Σₖ Aₖ ∂L/∂Aₖ): the softmax Jacobian (diag(a) − a aᵀ) times ∂L/∂A."""
        return A * (dL_dA - np.sum(A * dL_dA, axis=0, keepdims=True))


def _matrix_form(record):
    # Softmax is the one activation that is not element-wise (see nn.activations).
    kind = MatrixActivation if record.elementwise else _Softmax
    f, f_prime = (partial(form, np) for form in record.matrix)
    return kind(record.name, f, f_prime, record.elementwise, record.is_identity)


ACTIVATIONS = {name: _matrix_form(record) for name, record in RECORDS.items()}
"""Activation name -> :class:`MatrixActivation` (the names of :data:`nn.activations.ACTIVATIONS`)."""

def get_activation(name):
    """The matrix form of the activation called ``name``, or ValueError naming it."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"activation {name!r} is not supported by the matrix engine; it "
                         f"supports {', '.join(ACTIVATIONS)} (use engine='scalar')") from None
