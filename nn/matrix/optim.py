"""The optimizers of :mod:`nn.optim` applied to a flat NumPy parameter vector θ.

Each update is the same formula, in the same order of operations, as the
scalar optimizer's ``step()`` (see :mod:`nn.optim` for the formulas), applied to
every entry of θ at once, with the same rules at the edges: with ε = 0 an entry
whose denominator is 0 takes no step (never 0/0), and centered RMSprop's
v − ḡ² is taken as 0 where rounding puts it below 0.  Hyperparameters are read
from the scalar optimizer at every step, so a schedule that changes
``optimizer.lr`` acts here too; its state (momentum buffers, moments, step count)
is taken from it at the start and handed back by :meth:`MatrixOptimizer.store`,
so training can switch engines.
"""

import math
from operator import is_

from .. import optim
from ._numpy import np


def _array(values):
    return np.array(values, dtype=float)


def _ratio(numerator, denominator, eps):
    """numerator / denominator, and 0 where the denominator is 0 (possible only with ε = 0:
    that entry takes no step, as in :mod:`nn.optim`)."""
    if eps > 0.0:
        return numerator / denominator
    return np.divide(numerator, denominator, out=np.zeros_like(numerator),
                     where=denominator != 0.0)


class MatrixOptimizer:
    """Wraps an :mod:`nn.optim` optimizer: ``step(θ, g)`` updates θ in place."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def step(self, theta, g):
        """One update of θ from the gradient g (formula of the wrapped optimizer); g is
        the caller's scratch array, which the step may overwrite."""
        raise NotImplementedError

    def store(self):
        """Write the state back into the wrapped optimizer."""
        raise NotImplementedError


class _SGD(MatrixOptimizer):
    def __init__(self, optimizer):
        super().__init__(optimizer)
        buffers = optimizer._buffers
        self.buffer = None if buffers[0] is None else _array(buffers)

    def step(self, theta, g):
        """g ← g + λθ; b = μb + (1 − τ)g (b₁ = g; average: b₀ = 0, τ = μ); g ← g + μb
        (Nesterov) or b; θ ← θ − γg."""
        o = self.optimizer
        if o.weight_decay:
            g = g + o.weight_decay * theta
        if o.momentum:
            if self.buffer is None and not o.average:
                self.buffer = g.copy()
            else:
                if self.buffer is None:
                    self.buffer = np.zeros_like(theta)
                tau = o.momentum if o.average else o.dampening
                self.buffer = o.momentum * self.buffer + (1.0 - tau) * g
            g = g + o.momentum * self.buffer if o.nesterov else self.buffer
            theta -= o.lr * g
        else:   # in place: at MNIST's size θ has 10⁵ entries, a temporary per step shows
            g *= o.lr
            theta -= g

    def store(self):
        if self.buffer is not None:
            self.optimizer._buffers = self.buffer.tolist()


class _Adam(MatrixOptimizer):
    def __init__(self, optimizer):
        super().__init__(optimizer)
        self.t, self.m, self.v = optimizer._t, _array(optimizer._m), _array(optimizer._v)

    def step(self, theta, g):
        """Adam or AdamW: m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; θ ← θ − γ m̂/(√v̂ + ε)."""
        o = self.optimizer
        self.t += 1
        lr, (beta1, beta2), eps, wd = o.lr, o.betas, o.eps, o.weight_decay
        step_size = lr / (1.0 - beta1 ** self.t)
        root_correction2 = math.sqrt(1.0 - beta2 ** self.t)
        if wd:
            if o.decoupled:
                theta *= 1.0 - lr * wd
            else:
                g = g + wd * theta
        # In place, each entry rounded exactly as nn.optim's β₁m + (1 − β₁)g etc.
        m, v = self.m, self.v
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        denominator = np.sqrt(v)
        denominator /= root_correction2
        denominator += eps
        theta -= step_size * _ratio(m, denominator, eps)

    def store(self):
        o = self.optimizer
        o._t, o._m, o._v = self.t, self.m.tolist(), self.v.tolist()


class _RMSprop(MatrixOptimizer):
    def __init__(self, optimizer):
        super().__init__(optimizer)
        self.v, self.g_avg, self.b = (_array(optimizer._v), _array(optimizer._g_avg),
                                      _array(optimizer._b))

    def step(self, theta, g):
        """v = αv + (1 − α)g²; d = √v + ε (centered: √(v − ḡ²) + ε); θ ← θ − γ g/d (or momentum)."""
        o = self.optimizer
        if o.weight_decay:
            g = g + o.weight_decay * theta
        self.v = o.alpha * self.v + (1.0 - o.alpha) * g * g
        if o.centered:
            self.g_avg = o.alpha * self.g_avg + (1.0 - o.alpha) * g
            d = np.sqrt(np.maximum(self.v - self.g_avg * self.g_avg, 0.0)) + o.eps
        else:
            d = np.sqrt(self.v) + o.eps
        if o.momentum > 0.0:
            self.b = o.momentum * self.b + _ratio(g, d, o.eps)
            theta -= o.lr * self.b
        else:
            theta -= o.lr * _ratio(g, d, o.eps)

    def store(self):
        o = self.optimizer
        o._v, o._g_avg, o._b = self.v.tolist(), self.g_avg.tolist(), self.b.tolist()


class _Adagrad(MatrixOptimizer):
    def __init__(self, optimizer):
        super().__init__(optimizer)
        self.t, self.s = optimizer._t, _array(optimizer._s)

    def step(self, theta, g):
        """s += g²; θ ← θ − γ_t g/(√s + ε), γ_t = γ/(1 + (t − 1)·lr_decay)."""
        o = self.optimizer
        self.t += 1
        if o.weight_decay:
            g = g + o.weight_decay * theta
        lr_t = o.lr / (1.0 + (self.t - 1) * o.lr_decay)
        self.s = self.s + g * g
        theta -= lr_t * _ratio(g, np.sqrt(self.s) + o.eps, o.eps)

    def store(self):
        self.optimizer._t, self.optimizer._s = self.t, self.s.tolist()


_MATRIX_FORMS = {optim.SGD: _SGD, optim.Adam: _Adam, optim.AdamW: _Adam,
                 optim.RMSprop: _RMSprop, optim.Adagrad: _Adagrad}


def matrix_optimizer(optimizer, params):
    """The NumPy form of ``optimizer``, which must update exactly ``params`` in order."""
    form = _MATRIX_FORMS.get(type(optimizer))
    if form is None:
        raise ValueError(f"the optimizer {type(optimizer).__name__} is not supported by the "
                         f"matrix engine; it supports "
                         f"{', '.join(c.__name__ for c in _MATRIX_FORMS)} (use engine='scalar')")
    if len(optimizer.params) != len(params) or not all(map(is_, optimizer.params, params)):
        raise ValueError("the matrix engine needs an optimizer over exactly "
                         "model.parameters(), in that order")
    return form(optimizer)
