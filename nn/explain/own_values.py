"""A student's own derivation: every quantity recomputed from the student's earlier entries.

Error carried forward needs, for each entry, the value the *correct* formula
gives when fed the student's own earlier numbers.  :class:`OwnValues` holds a
derivation (for the network: W^[l], b^[l], X, Y, α, activations, loss) and the
student's entries; :meth:`OwnValues.value` is the student's number where one
was written and otherwise the formula applied to the student's values, so a
gap in the middle of a derivation is filled the way the student would have
filled it.  Element by element, in the lecture notes' notation (j a neuron of
layer l, k one of layer l − 1, i a sample)::

    Z_ji^[l]   = Σ_k W_jk^[l] A_ki^[l−1] + b_j^[l]           A^[0] = X
    A_ji^[l]   = f(Z_ji^[l])                               Ŷ = A^[L]
    Lᵢ         = loss(Ŷ_·i, yᵢ),   L = (1/m) Σᵢ Lᵢ
    ∂Lᵢ/∂A^[L] = ∂loss/∂Ŷ at Ŷ_·i;  ∂Lᵢ/∂A_ji^[l] = Σ_r W_rj^[l+1] δ_ri^[l+1]   (l < L)
    f′_ji      = f′(Z_ji^[l]),      δ_ji^[l] = ∂Lᵢ/∂A_ji^[l] · f′_ji
    ∂L/∂W_jk^[l] = (1/m) Σᵢ δ_ji^[l] A_ki^[l−1],   ∂L/∂b_j^[l] = (1/m) Σᵢ δ_ji^[l]
    W^[l] − α ∂L/∂W^[l],   b^[l] − α ∂L/∂b^[l]

With no student entries these are the library's numbers (a test holds them to
:func:`nn.explain.explain_step`, which gets them from the engine).
"""

import math

from autograd import Value, grad

from ..activations import activate
from ..losses import get_loss
from .quantities import at

__all__ = ["OwnValues", "activation_value", "activation_slope"]


def activation_value(name, z):
    """f(z) for the activation ``name``, on a float."""
    return activate(name, Value(z)).data


def activation_slope(name, z):
    """f′(z) for the activation ``name``, on a float (the engine's local derivative)."""
    node = Value(z)
    return grad(activate(name, node), [node])[0]


class OwnValues:
    """The quantities of one step as the student's own entries determine them."""

    def __init__(self, derivation, entries):
        d = derivation
        self.d = d
        self.L = len(d.layers)
        self.m = d.m
        self.W = [layer.W for layer in d.layers]
        self.b = [layer.b for layer in d.layers]
        self.activations = [layer.activation for layer in d.layers]
        self.lr = d.lr
        self.loss_fn = get_loss(d.loss_function)
        self.entries = entries
        self._dropped = set()
        self._memo = {}
        self._sample_memo = {}

    def given(self, name, l, index):
        """The student's number for this element, or None."""
        if (name, l, index) in self._dropped:
            return None
        grid = self.entries.get((name, l))
        written = None if grid is None else at(grid, index)
        return None if written is None else written.value

    def drop(self, name, l, index):
        """Treat this element as not written (it is then recomputed like a blank)."""
        self._dropped.add((name, l, index))
        self._memo.clear()
        self._sample_memo.clear()

    def value(self, name, l, index):
        """The student's number where written, else the correct formula on the student's values."""
        if name == "A" and l == 0:
            return self.d.A0[index[0]][index[1]]
        for alias in _aliases(name, l, self.L):
            written = self.given(*alias, index)
            if written is not None:
                return written
        key = (name, l, index)
        if key not in self._memo:
            self._memo[key] = self.recomputed(name, l, index)
        return self._memo[key]

    def recomputed(self, name, l, index):
        """The correct formula for this element, fed with the student's other values."""
        return RULES[name](self, l, index)

    def sample_loss(self, i):
        """(Lᵢ, [∂Lᵢ/∂Ŷ_ji for each output j]) at the student's Ŷ of sample i."""
        if i not in self._sample_memo:
            outputs = [Value(self.value("A", self.L, (j, i)))
                       for j in range(len(self.W[-1]))]
            prediction = outputs[0] if len(outputs) == 1 else outputs
            try:
                loss = self.loss_fn(prediction, self.d.Y[i])
                self._sample_memo[i] = (loss.data, grad(loss, outputs))
            except (ValueError, ArithmeticError):
                # The student's Ŷ is outside the loss's domain (a BCE "probability" of
                # −0.4): nothing follows from it, so nothing can match it.
                self._sample_memo[i] = (math.nan, [math.nan] * len(outputs))
        return self._sample_memo[i]

    def delta_through(self, l, index, weight):
        """Σ_r weight(r, j) δ_ri^[l+1]: the backward sum into neuron j of layer l."""
        j, i = index
        return sum(weight(r, j) * self.value("dZ", l + 1, (r, i))
                   for r in range(len(self.W[l])))

    def weight_gradient(self, l, j, k, source_layer, samples):
        """Σᵢ δ_ji^[l] A_ki^[source_layer] over ``samples``."""
        return sum(self.value("dZ", l, (j, i)) * self.value("A", source_layer, (k, i))
                   for i in samples)


def _aliases(name, l, L):
    """Entries that hold the same number: A^[L] and Ŷ are one matrix."""
    if name == "A" and l == L:
        return [("A", L), ("Y_hat", None)]
    if name == "Y_hat":
        return [("Y_hat", None), ("A", L)]
    return [(name, l)]


def _z(w, l, index):
    j, i = index
    return sum(w.W[l - 1][j][k] * w.value("A", l - 1, (k, i))
               for k in range(len(w.W[l - 1][j]))) + w.b[l - 1][j]


def _a(w, l, index):
    return activation_value(w.activations[l - 1], w.value("Z", l, index))


def _y_hat(w, l, index):
    return _a(w, w.L, index)


def _losses(w, l, index):
    return w.sample_loss(index[0])[0]


def _loss(w, l, index):
    return sum(w.value("losses", None, (i,)) for i in range(w.m)) / w.m


def _d_a(w, l, index):
    j, i = index
    if l == w.L:
        return w.sample_loss(i)[1][j]
    return w.delta_through(l, index, lambda r, j: w.W[l][r][j])


def _f_prime(w, l, index):
    return activation_slope(w.activations[l - 1], w.value("Z", l, index))


def _d_z(w, l, index):
    return w.value("dA", l, index) * w.value("f_prime", l, index)


def _d_w(w, l, index):
    j, k = index
    return w.weight_gradient(l, j, k, l - 1, range(w.m)) / w.m


def _d_w_i(w, l, index):
    i, j, k = index
    return w.weight_gradient(l, j, k, l - 1, [i])


def _d_b(w, l, index):
    return sum(w.value("dZ", l, (index[0], i)) for i in range(w.m)) / w.m


def _w_new(w, l, index):
    j, k = index
    return w.W[l - 1][j][k] - w.lr * w.value("dW", l, index)


def _b_new(w, l, index):
    return w.b[l - 1][index[0]] - w.lr * w.value("db", l, index)


RULES = {"Z": _z, "A": _a, "Y_hat": _y_hat, "losses": _losses, "loss": _loss, "dA": _d_a,
         "f_prime": _f_prime, "dZ": _d_z, "dW": _d_w, "dW_i": _d_w_i, "db": _d_b,
         "W_new": _w_new, "b_new": _b_new}
"""Quantity name -> the correct formula for one element, on an :class:`OwnValues`."""
