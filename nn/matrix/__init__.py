"""The matrix engine: the lecture notes' vectorized equations in NumPy.

Where the scalar engine builds a graph of Values per sample, this package runs a
whole mini-batch as matrices (A^[0] = X is n_0 × m, W^[l] is n_l × n_{l−1}):
:mod:`~nn.matrix.equations` has one function per equation of the notes,
:mod:`~nn.matrix.activations` and :mod:`~nn.matrix.losses` the f, f′ and ∂L/∂Ŷ
of every activation and loss :mod:`nn` offers, :mod:`~nn.matrix.network` one
forward and backward pass of an :class:`~nn.layers.MLP`, :mod:`~nn.matrix.optim`
the optimizers' formulas on a flat parameter vector, :mod:`~nn.matrix.data` the
samples as one float64 array (checked once, an epoch's order, ``.npz`` files),
:mod:`~nn.matrix.trainer` ``fit(..., engine="matrix")``'s step, and
:mod:`~nn.matrix.explain` the ``explain`` tables from the same equations.

NumPy is an optional extra (``pip install 'backproplab[fast]'``); importing this
package without it raises an ImportError saying so.  ``import nn`` never imports it.
"""

from ._numpy import np  # noqa: F401  (first: a missing NumPy fails here with the advice)
from .network import MatrixMLP, Pass

__all__ = ["MatrixMLP", "Pass"]
