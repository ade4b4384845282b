"""An MLP's parameters as NumPy matrices, and one forward and backward pass through it.

The parameters live in one flat vector θ in ``model.parameters()`` order (layer
by layer, neuron by neuron, weights then bias), so that optimizers, clipping and
l2 act on θ as they do on the scalar parameter list.  Layer l's slice of θ is an
n_l × (n_{l−1} + 1) block whose first n_{l−1} columns are W^[l] and whose last
column is b^[l]; the gradient vector has the same layout.
"""

from dataclasses import dataclass

from . import equations as eq
from .activations import get_activation
from .losses import LOSSES, check_bce_predictions
from ._numpy import np


@dataclass
class Pass:
    """One forward and backward pass on m samples: per layer l = 1 … L (index l − 1),
    Z^[l], A^[l] (after dropout, if any), f'(Z^[l]) and δ^[l] (n_l × m); ∂Lᵢ/∂Ŷ
    (n_L × m), the per-sample losses Lᵢ, and the batch gradient in θ's layout."""

    Z: list
    A: list
    f_prime_Z: list
    dL_dY_hat: object
    delta: list
    losses: object
    gradient: object

    @property
    def loss(self):
        """L = (1/m) Σᵢ Lᵢ."""
        return float(self.losses.sum() / self.losses.size)


class MatrixMLP:
    """W^[l], b^[l] of an :class:`~nn.layers.MLP` as views into one flat vector ``theta``."""

    def __init__(self, sizes, activations):
        self.sizes = list(sizes)
        self.activations = [get_activation(name) for name in activations]
        for l, act in enumerate(self.activations[:-1], 1):
            if not act.elementwise:
                raise ValueError(f"layer {l} activation {act.name!r} is supported by the matrix "
                                 f"engine only in the output layer (use engine='scalar')")
        self.theta = np.zeros(sum((n_prev + 1) * n for n_prev, n in zip(sizes, sizes[1:])))
        self.W, self.b = self.views(self.theta)

    @classmethod
    def from_model(cls, model):
        """The matrices of ``model`` (an MLP), with its current parameter values."""
        sizes, activations = getattr(model, "sizes", None), getattr(model, "activations", None)
        if not sizes or not activations or not hasattr(model, "layers"):
            raise TypeError(f"the matrix engine needs an nn.MLP (with .sizes and "
                            f".activations), got {type(model).__name__}")
        network = cls(sizes, activations)
        network.read(model.parameters())
        return network

    def views(self, flat):
        """[W^[1], …], [b^[1], …] as views into ``flat`` (θ's layout: θ, or a gradient)."""
        Ws, bs, start = [], [], 0
        for n_prev, n in zip(self.sizes, self.sizes[1:]):
            block = flat[start:start + n * (n_prev + 1)].reshape(n, n_prev + 1)
            Ws.append(block[:, :n_prev])
            bs.append(block[:, n_prev:])
            start += block.size
        return Ws, bs

    def read(self, params):
        """θ ← the ``data`` of ``params`` (model.parameters(), in order)."""
        self.theta[:] = np.fromiter((p.data for p in params), float, len(self.theta))

    def write(self, params):
        """Each parameter's ``data`` ← its entry of θ."""
        for p, value in zip(params, self.theta.tolist()):
            p.data = value

    def forward(self, A0, masks=None):
        """[Z^[1], …, Z^[L]], [A^[1], …, A^[L]] for A^[0] = X (n_0 × m).

        ``masks[l − 1]`` (n_l × m, entries 0 or 1/(1 − p)) multiplies A^[l] of a
        hidden layer: inverted dropout, as :class:`nn.layers.Dropout` applies it."""
        Zs, As, A = [], [], A0
        for l, (W, b, act) in enumerate(zip(self.W, self.b, self.activations)):
            Z = eq.linear_forward(W, A, b)
            A = eq.activation_forward(act.f, Z)
            if masks is not None and l < len(masks):
                A = A * masks[l]
            Zs.append(Z)
            As.append(A)
        return Zs, As

    def backward(self, A0, Y, loss, masks=None):
        """Forward, then δ^[L] … δ^[1] and the batch gradient (a :class:`Pass`).

        ``loss`` is a key of :data:`nn.matrix.losses.LOSSES`, ``Y`` the n_L × m
        target matrix (:func:`nn.matrix.losses.target_matrix`)."""
        Zs, As = self.forward(A0, masks)
        matrix_loss = LOSSES[loss]
        Y_hat, output = As[-1], self.activations[-1]
        losses = matrix_loss.value(Y_hat, Y)
        dL_dA = matrix_loss.gradient(Y_hat, Y)
        f_primes = [act.f_prime(Z) for act, Z in zip(self.activations, Zs)]
        L = len(Zs)
        deltas = [None] * L
        if output.name == "sigmoid" and loss == "bce" and _unclamped(Y_hat):
            # The notes' shortcut, exact where no log was clamped: ∂L/∂Ŷ ⊙ σ'(Z) = (Ŷ − Y)/n_L.
            deltas[-1] = eq.output_delta_prediction_minus_target(Y_hat, Y) / len(Y)
        elif output.elementwise:
            deltas[-1] = eq.output_delta(dL_dA, f_primes[-1])
        else:
            deltas[-1] = output.backward(dL_dA, Zs[-1], Y_hat)
        for l in range(L - 2, -1, -1):
            f_prime = f_primes[l] if masks is None or l >= len(masks) else f_primes[l] * masks[l]
            deltas[l] = eq.hidden_delta(self.W[l + 1], deltas[l + 1], f_prime)
        gradient = np.empty_like(self.theta)
        dW, db = self.views(gradient)
        for l in range(L):
            dW[l][:] = eq.weight_gradient(deltas[l], As[l - 1] if l else A0)
            db[l][:] = eq.bias_gradient(deltas[l])
        return Pass(Zs, As, f_primes, dL_dA, deltas, losses, gradient)


_SMALLEST_UNCLAMPED = np.exp(-100.0)   # below it nn.losses clamps ln ŷ at −100


def _unclamped(Y_hat):
    """True when no BCE log is clamped: e^−100 ≤ ŷ < 1 everywhere."""
    check_bce_predictions(Y_hat)
    return bool(((Y_hat >= _SMALLEST_UNCLAMPED) & (Y_hat < 1.0)).all())
