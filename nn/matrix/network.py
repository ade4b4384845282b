"""An MLP's parameters as NumPy matrices, and one forward and backward pass through it.

The parameters live in one flat vector θ in ``model.parameters()`` order (layer
by layer, neuron by neuron, weights then bias), so that optimizers, clipping and
l2 act on θ as they do on the scalar parameter list.  Layer l's slice of θ is an
n_l × (n_{l−1} + 1) block whose first n_{l−1} columns are W^[l] and whose last
column is b^[l]; the gradient vector has the same layout.
"""

from collections import deque
from dataclasses import dataclass
from operator import attrgetter

from autograd import Value

from . import equations as eq
from .activations import get_activation
from .losses import LOSSES, output_layer
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
        self._gradient = self._gradient_views = None   # training_pass's buffer, made once

    @classmethod
    def from_model(cls, model, params=None):
        """The matrices of ``model`` (an MLP), with its current parameter values
        (``params``: its ``parameters()``, if the caller has the list already)."""
        sizes, activations = getattr(model, "sizes", None), getattr(model, "activations", None)
        if not sizes or not activations or not hasattr(model, "layers"):
            raise TypeError(f"the matrix engine needs an nn.MLP (with .sizes and "
                            f".activations), got {type(model).__name__}")
        network = cls(sizes, activations)
        network.read(model.parameters() if params is None else params)
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
        self.theta[:] = np.fromiter(map(_read, params), float, len(self.theta))

    def write(self, params):
        """Each parameter's ``data`` ← its entry of θ."""
        # map at C speed: at MNIST's size θ has 10⁵ entries to hand back every epoch
        deque(map(_write, params, self.theta.tolist()), maxlen=0)

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

    def output(self, A0):
        """Ŷ = A^[L] for A^[0] = X (n_0 × m), keeping no layer's matrices but the last."""
        A = A0
        for W, b, act in zip(self.W, self.b, self.activations):
            A = eq.activation_forward(act.f, eq.linear_forward(W, A, b))
        return A

    def training_pass(self, A0, Y, loss, masks=None):
        """(L, Ŷ, ∂L/∂θ) of one training step on A^[0] = X (n_0 × m): :meth:`backward`'s
        equations, keeping only what a step needs, with the 1/m applied once to δ^[L]
        (see :mod:`nn.matrix.equations`).  The gradient is written into one buffer that
        every step reuses: read it (the optimizer does) before the next step."""
        if self._gradient is None:
            self._gradient = np.empty_like(self.theta)
            self._gradient_views = self.views(self._gradient)
        Zs, As = self.forward(A0, masks)
        Y_hat, m = As[-1], A0.shape[1]
        matrix_loss = LOSSES[loss]
        # BCE after a sigmoid: the notes' δ = Ŷ − Y, read from Z^[L] so it stays exact.
        from_logits = output_layer(matrix_loss, self.activations[-1].name, Zs[-1], Y)
        if from_logits is None:
            losses, dL_dA = matrix_loss.value_and_gradient(Y_hat, Y)
            delta = self._output_delta(Zs[-1], Y_hat, dL_dA)[0] / m
        else:
            losses, delta = from_logits[0], from_logits[1] / m
        batch_loss = float(_total(losses)) / m
        dW, db = self._gradient_views
        for l in range(len(Zs) - 1, -1, -1):
            eq.mean_weight_gradient(delta, As[l - 1] if l else A0, out=dW[l])
            eq.mean_bias_gradient(delta, out=db[l])
            if l:
                delta = eq.hidden_delta(self.W[l], delta, self._hidden_f_prime(l - 1, Zs, masks))
        return batch_loss, Y_hat, self._gradient

    def backward(self, A0, Y, loss, masks=None):
        """Forward, then δ^[L] … δ^[1] and the batch gradient (a :class:`Pass`).

        ``loss`` is a key of :data:`nn.matrix.losses.LOSSES`, ``Y`` the n_L × m
        target matrix (:func:`nn.matrix.losses.target_matrix`)."""
        Zs, As = self.forward(A0, masks)
        matrix_loss = LOSSES[loss]
        Y_hat = As[-1]
        # BCE after a sigmoid: the notes' δ = Ŷ − Y, read from Z^[L] so it stays exact.
        from_logits = output_layer(matrix_loss, self.activations[-1].name, Zs[-1], Y)
        losses = matrix_loss.value(Y_hat, Y) if from_logits is None else from_logits[0]
        dL_dA = matrix_loss.gradient(Y_hat, Y)
        L = len(Zs)
        deltas = [None] * L
        deltas[-1], f_prime_L = (self._output_delta(Zs[-1], Y_hat, dL_dA) if from_logits is None
                                 else (from_logits[1], None))
        f_primes = [act.f_prime(Z) for act, Z in zip(self.activations[:-1], Zs)]
        f_primes.append(f_prime_L if f_prime_L is not None
                        else self.activations[-1].f_prime(Zs[-1]))
        for l in range(L - 2, -1, -1):
            deltas[l] = eq.hidden_delta(self.W[l + 1], deltas[l + 1],
                                        self._hidden_f_prime(l, Zs, masks, f_primes[l]))
        gradient = np.empty_like(self.theta)
        dW, db = self.views(gradient)
        for l in range(L):
            dW[l][:] = eq.weight_gradient(deltas[l], As[l - 1] if l else A0)
            db[l][:] = eq.bias_gradient(deltas[l])
        return Pass(Zs, As, f_primes, dL_dA, deltas, losses, gradient)

    def _output_delta(self, Z, Y_hat, dL_dA):
        """(δ^[L], f′(Z^[L]) where it was needed, else None)."""
        output = self.activations[-1]
        if output.identity:   # f′ = 1: δ^[L] = ∂L/∂A^[L], no product with ones
            return dL_dA, None
        if output.elementwise:
            f_prime = output.f_prime(Z)
            return eq.output_delta(dL_dA, f_prime), f_prime
        return output.backward(dL_dA, Z, Y_hat), None

    def _hidden_f_prime(self, l, Zs, masks, f_prime=None):
        """f′(Z^[l+1]) of hidden layer l + 1 (index l), times its dropout mask if any."""
        if f_prime is None:
            f_prime = self.activations[l].f_prime(Zs[l])
        return f_prime if masks is None or l >= len(masks) else f_prime * masks[l]


# A Value's number is its _data slot, a Python float (Value.data reads and, converting,
# writes it).  θ.tolist() gives floats, so the matrix engine reads and writes the slot
# itself: at MNIST's size θ has 10⁵ entries to hand back every epoch.
_read = attrgetter("_data")
_write = Value._data.__set__
_total = np.add.reduce
