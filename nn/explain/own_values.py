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

Each formula also gives its **scale**: how far its value moves when every number
the student computed and fed into it moves by the same small fraction, Σ |x ∂f/∂x|
over those inputs (Σ |terms| for a sum, |step| for an update, 0 for Z^[1], which
uses given numbers only).  A grader's tolerance for rounding carried from earlier
numbers is a fraction of it, so a formula that cancels or saturates is judged on
the digits its inputs really had.  :meth:`OwnValues.alternatives` are the values the
same correct formula takes when a student writes it another way the worksheet
teaches: f′ from their own A (a(1 − a), 1 − a²), δ = ∂L/∂A ⊙ f′(A), and both
one-sided slopes where their own Z sits exactly on a kink.

``zeros_are_blank`` reads a written 0 as not written: a 0 is then carried forward
only when the student's own nonzero numbers give it (ReLU of their negative z and
its zero slope do; a 0 written anywhere else reproduces any product of zeros and is
no evidence of work).
"""

import math

from autograd import Value, grad

from ..activations import ACTIVATIONS, activate
from ..losses import LOSSES, get_loss
from .quantities import at

__all__ = ["OwnValues", "activation_value", "activation_slope"]

_NUDGE = 1e-6     # relative step of the scale's one-sided difference
_KINK = 1e-9      # distance of the one-sided slopes either side of a student's z


def activation_value(name, z):
    """f(z) for the activation ``name``, on a float."""
    return ACTIVATIONS[name].on_float(z)


def activation_slope(name, z):
    """f′(z) for the activation ``name``, on a float (the engine's local derivative)."""
    node = Value(z)
    return grad(activate(name, node), [node])[0]


def _sensitivity(f, x):
    """|x f′(x)| by a one-sided relative step (never across a kink at 0)."""
    return abs(f(x) - f(x * (1 - _NUDGE))) / _NUDGE if x else 0.0


class OwnValues:
    """The quantities of one step as the student's own entries determine them."""

    def __init__(self, derivation, entries, zeros_are_blank=False):
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
        self.zeros_are_blank = zeros_are_blank
        self._dropped = set()
        self._kept = set()
        self._memo = {}
        self._rule_memo = {}
        self._sample_memo = {}

    def given(self, name, l, index):
        """The student's number for this element, or None."""
        if (name, l, index) in self._dropped:
            return None
        grid = self.entries.get((name, l))
        written = None if grid is None else at(grid, index)
        if written is None or (self.zeros_are_blank and written.value == 0
                               and (name, l, index) not in self._kept):
            return None
        return written.value

    def drop(self, name, l, index):
        """Treat this element as not written (it is then recomputed like a blank).

        A grader drops and keeps elements in derivation order, as it judges them: every
        number already computed and remembered comes before the element (formulas read
        only earlier quantities), so none of it depends on the change."""
        self._dropped.add((name, l, index))
        self._memo.pop((name, l, index), None)

    def keep(self, name, l, index):
        """Read this element as written even if it is a 0 (it was judged to be work);
        called in derivation order, as :meth:`drop`."""
        self._kept.add((name, l, index))
        self._memo.pop((name, l, index), None)

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

    def _rule(self, name, l, index):
        key = (name, l, index)
        if key not in self._rule_memo:
            self._rule_memo[key] = RULES[name](self, l, index)
        return self._rule_memo[key]

    def recomputed(self, name, l, index):
        """The correct formula for this element, fed with the student's other values."""
        return self._rule(name, l, index)[0]

    def scale(self, name, l, index):
        """Σ |x ∂f/∂x| over the computed inputs x of this element's formula."""
        return self._rule(name, l, index)[1]

    def alternatives(self, name, l, index):
        """Other values the correct formula takes on the student's numbers when written
        the other way the worksheet teaches (empty where there is none)."""
        if name == "f_prime":
            return self._slopes(l, index)
        if name == "dZ":
            slope = self._slope_from_output(l, index)
            if slope is None:
                return []
            found = [self.value("dA", l, index) * slope]
            if l == self.L:   # δ^[L] straight from Ŷ (for BCE with σ: ŷ − y)
                found.append(self.recomputed("dA", l, index) * slope)
            return found
        return []

    def _slope_from_output(self, l, index):
        record = ACTIVATIONS[self.activations[l - 1]]
        if record.output_derivative is None:
            return None
        return record.output_derivative(self.value("A", l, index))

    def _slopes(self, l, index):
        name = self.activations[l - 1]
        z = self.value("Z", l, index)
        found = [activation_slope(name, z + side) for side in (-_KINK, _KINK)]
        from_output = self._slope_from_output(l, index)
        return found + ([] if from_output is None else [from_output])

    def sample_loss(self, i):
        """(Lᵢ, [∂Lᵢ/∂Ŷ_ji for each output j]) at the student's Ŷ of sample i."""
        if i not in self._sample_memo:
            outputs = [self.value("A", self.L, (j, i)) for j in range(len(self.W[-1]))]
            self._sample_memo[i] = self._loss_at(i, outputs)
        return self._sample_memo[i]

    def _loss_at(self, i, numbers):
        outputs = [Value(x) for x in numbers]
        prediction = outputs[0] if len(outputs) == 1 else outputs
        try:
            loss = self.loss_fn(prediction, self.d.Y[i])
            return loss.data, grad(loss, outputs)
        except (ValueError, ArithmeticError):
            # The student's Ŷ is outside the loss's domain (a BCE "probability" of
            # −0.4): nothing follows from it, so nothing can match it.
            return math.nan, [math.nan] * len(outputs)

    def loss_gradient_scale(self, j, i):
        """Σ_r |ŷ_r ∂²Lᵢ/∂ŷ_r∂ŷ_j| at the student's Ŷ of sample i."""
        outputs = [self.value("A", self.L, (r, i)) for r in range(len(self.W[-1]))]
        total = 0.0
        for r, y in enumerate(outputs):
            def gradient(x, r=r):
                nudged = list(outputs)
                nudged[r] = x
                return self._loss_at(i, nudged)[1][j]
            total += _sensitivity(gradient, y)
        return total

    def delta_through(self, l, index, weight):
        """Σ_r weight(r, j) δ_ri^[l+1]: the backward sum into neuron j of layer l."""
        return _sum(self._delta_terms(l, index, weight))[0]

    def _delta_terms(self, l, index, weight):
        j, i = index
        return [weight(r, j) * self.value("dZ", l + 1, (r, i)) for r in range(len(self.W[l]))]

    def weight_gradient(self, l, j, k, source_layer, samples):
        """Σᵢ δ_ji^[l] A_ki^[source_layer] over ``samples``."""
        return sum(self._gradient_terms(l, j, k, source_layer, samples))

    def _gradient_terms(self, l, j, k, source_layer, samples):
        return [self.value("dZ", l, (j, i)) * self.value("A", source_layer, (k, i))
                for i in samples]


def _aliases(name, l, L):
    """Entries that hold the same number: A^[L] and Ŷ are one matrix."""
    if name == "A" and l == L:
        return [("A", L), ("Y_hat", None)]
    if name == "Y_hat":
        return [("Y_hat", None), ("A", L)]
    return [(name, l)]


def _sum(terms, constant=0.0):
    """(constant + Σ terms, Σ |terms|): a sum and its scale."""
    return constant + sum(terms), sum(abs(t) for t in terms)


def _z(w, l, index):
    j, i = index
    value, scale = _sum([w.W[l - 1][j][k] * w.value("A", l - 1, (k, i))
                         for k in range(len(w.W[l - 1][j]))], w.b[l - 1][j])
    return value, (0.0 if l == 1 else scale)   # Z^[1] uses given numbers only


def _a(w, l, index):
    name = w.activations[l - 1]
    z = w.value("Z", l, index)
    return (activation_value(name, z),
            _sensitivity(lambda x: activation_value(name, x), z))


def _y_hat(w, l, index):
    return _a(w, w.L, index)


def _probabilities(w, l, index):
    """ŷ_ji = f(A^[L])_ji for a loss on logits (f = softmax or σ of the student's Ŷ)."""
    j, i = index
    name = LOSSES[w.d.loss_function].applies
    logits = [w.value("A", w.L, (r, i)) for r in range(len(w.W[-1]))]

    record = ACTIVATIONS[name]

    def probability(numbers):
        out = record.on_float(numbers) if not record.elementwise else [
            record.on_float(x) for x in numbers]
        return out[j]

    def nudged(r):
        return lambda x: probability(logits[:r] + [x] + logits[r + 1:])
    return probability(logits), sum(_sensitivity(nudged(r), x) for r, x in enumerate(logits))


def _losses(w, l, index):
    i = index[0]
    loss, gradient = w.sample_loss(i)
    outputs = [w.value("A", w.L, (j, i)) for j in range(len(gradient))]
    return loss, sum(abs(g * y) for g, y in zip(gradient, outputs))


def _loss(w, l, index):
    return _sum([w.value("losses", None, (i,)) / w.m for i in range(w.m)])


def _d_a(w, l, index):
    j, i = index
    if l == w.L:
        return w.sample_loss(i)[1][j], w.loss_gradient_scale(j, i)
    return _sum(w._delta_terms(l, index, lambda r, j: w.W[l][r][j]))


def _f_prime(w, l, index):
    name = w.activations[l - 1]
    z = w.value("Z", l, index)
    return (activation_slope(name, z),
            _sensitivity(lambda x: activation_slope(name, x), z))


def _d_z(w, l, index):
    value = w.value("dA", l, index) * w.value("f_prime", l, index)
    return value, 2 * abs(value)


def _d_w(w, l, index):
    j, k = index
    return _sum([t / w.m for t in w._gradient_terms(l, j, k, l - 1, range(w.m))])


def _d_w_i(w, l, index):
    i, j, k = index
    return _sum(w._gradient_terms(l, j, k, l - 1, [i]))


def _d_b(w, l, index):
    return _sum([w.value("dZ", l, (index[0], i)) / w.m for i in range(w.m)])


def _w_new(w, l, index):
    j, k = index
    return _sum([-w.lr * w.value("dW", l, index)], w.W[l - 1][j][k])


def _b_new(w, l, index):
    return _sum([-w.lr * w.value("db", l, index)], w.b[l - 1][index[0]])


RULES = {"Z": _z, "A": _a, "Y_hat": _y_hat, "probabilities": _probabilities,
         "losses": _losses, "loss": _loss, "dA": _d_a, "f_prime": _f_prime, "dZ": _d_z, "dW": _d_w, "dW_i": _d_w_i, "db": _d_b,
         "W_new": _w_new, "b_new": _b_new}
"""Quantity name -> the correct formula for one element, on an :class:`OwnValues`:
``rule(own, l, index)`` gives (value, scale)."""
