"""Students who work an exercise by hand, written out here independently of the grader.

A :class:`Student` computes one gradient-descent step of an exercise's network the
way the worksheet teaches, number by number, writing each number to ``digits``
significant digits (trailing zeros kept, as an answer file's JSON text keeps them)
and carrying forward either what they wrote (``carry="written"``), the calculator's
full precision (``"exact"``), or a random mix of the two (``"mixed"``).  ``style``
picks the other correct ways the worksheet allows: f′ from A (a(1 − a), 1 − a²)
instead of from Z, and δ^[L] = ŷ − y for BCE with a sigmoid output.

``slip`` makes one classic mistake (a code of nn.explain.mistakes) at one layer, and
the student then carries on correctly from their own numbers.  :meth:`Student.work`
returns the answer file and which (quantity, layer) entries the slip touched.
"""

import math
import random
from decimal import Decimal

ACTIVATIONS = {
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0,
             lambda a: 1.0 if a > 0 else 0.0),
    "sigmoid": (lambda z: 1 / (1 + math.exp(-z)),
                lambda z: (1 / (1 + math.exp(-z))) * (1 - 1 / (1 + math.exp(-z))),
                lambda a: a * (1 - a)),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2, lambda a: 1 - a * a),
    "linear": (lambda z: z, lambda z: 1.0, lambda a: 1.0),
}
"""name -> (f(z), f′(z), f′ written with a = f(z))."""

LOSSES = {
    "bce": (lambda p, y: -(y * math.log(p) + (1 - y) * math.log(1 - p)),
            lambda p, y: -y / p + (1 - y) / (1 - p)),
    "half_mse": (lambda p, y: 0.5 * (p - y) ** 2, lambda p, y: p - y),
    "squared_error": (lambda p, y: (p - y) ** 2, lambda p, y: 2 * (p - y)),
}
"""name -> (Lᵢ(ŷ, y), ∂Lᵢ/∂ŷ)."""

SLIPS = {
    # code: (quantity the slip is made in, a rule for the layers where it can show)
    "missing_activation_derivative": "dZ",
    "derivative_of_output": "f_prime",
    "sigma_minus_typo": "f_prime",
    "weights_not_transposed": "dA",
    "wrong_activation_in_weight_gradient": "dW",
    "missing_batch_mean": "dW",
    "missing_half": "dA",
    "extra_half": "dA",
    "error_sign": "dA",
    "update_sign": "W_new",
    "learning_rate_missing": "W_new",
}


def slip_layers(exercise, code):
    """The layers where ``code`` can be made on ``exercise`` (empty: it cannot)."""
    sizes, acts, L = exercise.sizes, exercise.activations, len(exercise.sizes) - 1
    square = [None] + [sizes[l] == sizes[l - 1] for l in range(1, L + 1)]
    if code == "missing_activation_derivative":
        return [l for l in range(1, L + 1) if acts[l - 1] != "linear"]
    if code == "derivative_of_output":
        return [l for l in range(1, L + 1) if acts[l - 1] in ("sigmoid", "tanh")]
    if code == "sigma_minus_typo":
        return [l for l in range(1, L + 1) if acts[l - 1] == "sigmoid"]
    if code == "weights_not_transposed":
        return [l for l in range(1, L) if square[l + 1]]
    if code == "wrong_activation_in_weight_gradient":
        return [l for l in range(1, L + 1) if square[l]]
    if code == "missing_batch_mean":
        return list(range(1, L + 1)) if exercise.m > 1 else []
    if code == "missing_half":
        return [L] if exercise.loss == "half_mse" else []
    if code == "extra_half":
        return [L] if exercise.loss == "squared_error" else []
    if code in ("error_sign",):
        return [L]
    if code == "learning_rate_missing":
        return list(range(1, L + 1)) if exercise.lr != 1 else []
    return list(range(1, L + 1))


def written(x, digits):
    """``x`` as a student writes it to ``digits`` significant digits."""
    return Decimal(f"{x:#.{digits}g}")


class Student:
    """One student's way of working (see the module docstring)."""

    def __init__(self, exercise, digits=4, carry="written", style=(), slip=None, seed=0,
                 relu_sign_slip=False):
        self.ex = exercise
        self.digits = digits
        self.carry = carry
        self.style = set(style)
        self.slip = slip          # (code, layer) or None
        self.rng = random.Random(seed)
        self.slipped = set()
        self.relu_sign_slip = relu_sign_slip   # Z^[1] of neuron 1, sample 1, sign flipped

    def _write(self, x):
        text = written(x, self.digits)
        keep = {"written": True, "exact": False}.get(self.carry)
        if keep is None:
            keep = self.rng.random() < 0.5
        return text, (float(text) if keep else x)

    def _grid(self, rows, cols, compute):
        """A rows × cols matrix: (what is written, what is carried)."""
        out_w, out_c = [], []
        for j in range(rows):
            w_row, c_row = [], []
            for k in range(cols):
                w, c = self._write(compute(j, k))
                w_row.append(w)
                c_row.append(c)
            out_w.append(w_row)
            out_c.append(c_row)
        return out_w, out_c

    def _slipping(self, code, quantity, l):
        if self.slip == (code, l) and SLIPS[code] == quantity:
            self.slipped.add((quantity, l))
            return True
        return False

    def work(self):
        """(answer file dict, set of (quantity, layer) the slip touched)."""
        ex = self.ex
        L, m, lr = len(ex.sizes) - 1, ex.m, ex.lr
        W, b = ex.weights, ex.biases
        X = [[ex.inputs[i][k] for i in range(m)] for k in range(ex.sizes[0])]
        A = {0: X}
        Z = {}
        layers = {str(l): {} for l in range(1, L + 1)}
        for l in range(1, L + 1):
            f = ACTIVATIONS[ex.activations[l - 1]][0]
            n = ex.sizes[l]
            def z(j, i):
                value = sum(W[l - 1][j][k] * A[l - 1][k][i]
                            for k in range(ex.sizes[l - 1])) + b[l - 1][j]
                if self.relu_sign_slip and (l, j, i) == (1, 0, 0):
                    self.slipped.add(("Z", 1))
                    return -value
                return value
            layers[str(l)]["Z"], Z[l] = self._grid(n, m, z)
            layers[str(l)]["A"], A[l] = self._grid(n, m, lambda j, i: f(Z[l][j][i]))
        loss_f, loss_d = LOSSES[ex.loss]
        answers = {}
        per_sample = [loss_f(A[L][0][i], ex.targets[i]) for i in range(m)]
        if m > 1:
            answers["losses"], carried = self._grid(1, m, lambda _, i: per_sample[i])
            answers["losses"], per_sample = answers["losses"][0], carried[0]
        answers["loss"], _ = self._write(sum(per_sample) / m)
        delta = {}
        for l in range(L, 0, -1):
            name = ex.activations[l - 1]
            _, f_z, f_a = ACTIVATIONS[name]
            n = ex.sizes[l]
            if l == L:
                def d_a(j, i):
                    g = loss_d(A[L][j][i], ex.targets[i])
                    if self._slipping("error_sign", "dA", l):
                        return -g
                    if self._slipping("missing_half", "dA", l):
                        return 2 * g
                    if self._slipping("extra_half", "dA", l):
                        return 0.5 * g
                    return g
            else:
                def d_a(j, i):
                    if self._slipping("weights_not_transposed", "dA", l):
                        return sum(W[l][j][r] * delta[l + 1][r][i] for r in range(n))
                    return sum(W[l][r][j] * delta[l + 1][r][i]
                               for r in range(ex.sizes[l + 1]))
            layers[str(l)]["dA"], dA = self._grid(n, m, d_a)

            def slope(j, i):
                a = A[l][j][i]
                if self._slipping("derivative_of_output", "f_prime", l):
                    return f_z(a)
                if self._slipping("sigma_minus_typo", "f_prime", l):
                    return a - (1 - a)
                return f_a(a) if "f_from_A" in self.style else f_z(Z[l][j][i])
            layers[str(l)]["f_prime"], fp = self._grid(n, m, slope)

            def d_z(j, i):
                if self._slipping("missing_activation_derivative", "dZ", l):
                    return dA[j][i]
                if l == L and "bce_shortcut" in self.style and ex.loss == "bce":
                    return A[L][j][i] - ex.targets[i]
                return dA[j][i] * fp[j][i]
            layers[str(l)]["dZ"], delta[l] = self._grid(n, m, d_z)

            def d_w(j, k):
                source = A[l - 1]
                if self._slipping("wrong_activation_in_weight_gradient", "dW", l):
                    source = A[l]
                scale = 1 if self._slipping("missing_batch_mean", "dW", l) else 1 / m
                return scale * sum(delta[l][j][i] * source[k][i] for i in range(m))
            layers[str(l)]["dW"], dW = self._grid(n, ex.sizes[l - 1], d_w)
            db_w, db = self._grid(n, 1, lambda j, _: sum(delta[l][j][i] for i in range(m)) / m)
            layers[str(l)]["db"] = [row[0] for row in db_w]

            def step(theta, gradient):
                if self._slipping("update_sign", "W_new", l):
                    self.slipped.add(("b_new", l))
                    return theta + lr * gradient
                if self._slipping("learning_rate_missing", "W_new", l):
                    self.slipped.add(("b_new", l))
                    return theta - gradient
                return theta - lr * gradient
            layers[str(l)]["W_new"], _ = self._grid(
                n, ex.sizes[l - 1], lambda j, k: step(W[l - 1][j][k], dW[j][k]))
            b_new, _ = self._grid(n, 1, lambda j, _: step(b[l - 1][j], db[j][0]))
            layers[str(l)]["b_new"] = [row[0] for row in b_new]
        answers["layers"] = layers
        return answers, self.slipped
