"""Optimizers with PyTorch's update formulas, parameter names and defaults.

Notation: θ a parameter, g = ∂L/∂θ its ``grad`` after ``backward()``, γ = ``lr``,
λ = ``weight_decay``, t = the step count (from 1).  ``step()`` changes each
``θ.data`` in place, reading plain floats, so updates never become part of a
graph; ``zero_grad()`` sets every g to 0 (``backward()`` adds to it).  ``lr`` is a
plain attribute that learning-rate schedules (:mod:`nn.schedules`) change.

Every setting is checked when the optimizer is made, so a typo fails at the
line that made it: ``lr`` is a finite number > 0, the others finite and in their
range (ε ≥ 0, RMSprop's α and Adam's β in [0, 1)).  A step never divides 0 by
0: with ε = 0, a parameter whose denominator is 0 (its gradients have all been 0,
or so small their squares underflow) stays where it is, the limit ε → 0⁺,
where PyTorch's 0/0 makes it nan.  The matrix engine (:mod:`nn.matrix.optim`)
follows the same rule.  Centered RMSprop's variance v − ḡ² is never below 0
exactly (v averages g², ḡ averages g with the same weights), but rounding can
take it below 0 once the gradient has been constant for a while; it is taken
as 0 there (PyTorch's square root makes it nan).
"""

import math

from autograd import Value

from ._checks import number


def finite(value, what):
    """``value`` as a float, or an error naming ``what`` unless it is a finite number."""
    value = number(value, what)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def finite_non_negative(value, what):
    """``value`` as a float, or an error naming ``what`` unless it is finite and >= 0."""
    value = number(value, what)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return value


def positive(value, what):
    """``value`` as a float, or an error naming ``what`` unless it is finite and > 0."""
    value = number(value, what)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{what} must be a finite number > 0, got {value!r}")
    return value


def _unit_interval(value, what):
    value = number(value, what)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")
    return value


class Optimizer:
    """Holds the parameters and ``lr``; subclasses define ``step()``."""

    def __init__(self, params, lr):
        owner = type(self).__name__
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"{owner}: params must be a list of Values such as "
                            f"model.parameters(), got {type(params).__name__}") from None
        if not params:
            raise ValueError(f"{owner}: got an empty parameter list")
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{owner}: parameter {i} is {type(p).__name__} {p!r}, "
                                f"not a Value")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{owner}: some parameters appear more than once in the list")
        self.params = params
        self.lr = positive(lr, f"{owner}: lr")

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self):
        """Update every parameter from its ``grad``."""
        raise NotImplementedError

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                             if not k.startswith("_") and k != "params")
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's ``SGD``).

    g ← g + λθ;  with momentum μ ≠ 0: b₁ = g, b_t = μ b_{t−1} + (1 − τ) g
    (τ = dampening), then g ← g + μ b_t if nesterov else g ← b_t;  θ ← θ − γ g.

    With the defaults this is the lecture notes' θ_new = θ_old − α ∂L/∂θ.  Keras keeps
    v = μv − γg and adds it to θ instead: the same for constant γ.

    ``average=True`` is the deeplearning.ai course's momentum, an exponentially
    weighted average of the gradients from b₀ = 0:  b_t = μ b_{t−1} + (1 − μ) g,
    θ ← θ − γ b_t  (the course's v_dW = βv_dW + (1 − β)dW, W = W − α v_dW, with
    μ = β).  Its first step is (1 − μ)γg, a tenth of PyTorch's for μ = 0.9; without
    it the course's numbers come out only with ``lr = α(1 − β)``.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, average=False):
        super().__init__(params, lr)
        self.momentum = finite_non_negative(momentum, "SGD: momentum")
        self.dampening = finite(dampening, "SGD: dampening")
        self.weight_decay = finite_non_negative(weight_decay, "SGD: weight_decay")
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be True or False, got {nesterov!r}")
        if nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, "
                             f"got momentum={momentum!r}, dampening={dampening!r}")
        if not isinstance(average, bool):
            raise TypeError(f"SGD: average must be True or False, got {average!r}")
        if average and not (0.0 < self.momentum < 1.0 and self.dampening == 0.0
                            and not nesterov):
            raise ValueError(f"SGD: average=True (the course's momentum, an average of the "
                             f"gradients) needs 0 < momentum < 1, dampening = 0 and "
                             f"nesterov=False, got momentum={momentum!r}, "
                             f"dampening={dampening!r}, nesterov={nesterov!r}")
        self.nesterov = nesterov
        self.average = average
        self._buffers = [0.0 if average else None] * len(self.params)

    def step(self):
        """θ ← θ − γ g, g with weight decay and momentum as in the class docstring."""
        lr, mu, tau, wd = self.lr, self.momentum, self.dampening, self.weight_decay
        buffers = self._buffers
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                g = g + wd * p.data
            if mu:
                b = buffers[i]
                # average: b starts at 0.0 and τ is μ (the course); else b₁ = g (PyTorch)
                b = g if b is None else mu * b + (1.0 - (mu if self.average else tau)) * g
                buffers[i] = b
                g = g + mu * b if self.nesterov else b
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (PyTorch's ``Adam``; Kingma & Ba).

    g ← g + λθ;  m = β₁m + (1 − β₁)g;  v = β₂v + (1 − β₂)g²;
    m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  θ ← θ − γ m̂/(√v̂ + ε).

    Keras adds its ε (default 1e-7) in a different place, so its numbers differ slightly.
    """

    decoupled = False  # AdamW sets this: decay θ directly instead of adding λθ to g

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, lr)
        owner = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{owner}: betas must be a pair (β₁, β₂), got {betas!r}")
        self.betas = (_unit_interval(betas[0], f"{owner}: betas[0]"),
                      _unit_interval(betas[1], f"{owner}: betas[1]"))
        self.eps = finite_non_negative(eps, f"{owner}: eps")
        self.weight_decay = finite_non_negative(weight_decay, f"{owner}: weight_decay")
        self._t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    @property
    def t(self):
        """How many steps have been taken: the next ``step()`` is step t + 1, whose bias
        corrections are 1 − β₁ᵗ⁺¹ and 1 − β₂ᵗ⁺¹.  Settable (an int ≥ 0) to resume a run,
        or to reproduce the deeplearning.ai course's test of ``update_parameters_with_adam``,
        whose first update is t = 2: set ``opt.t = 1`` before the first step."""
        return self._t

    @t.setter
    def t(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{type(self).__name__}: t (the number of steps taken) must be an "
                             f"integer >= 0, got {value!r}")
        self._t = value

    def step(self):
        """One Adam update of every parameter (formula in the class docstring)."""
        self._t += 1
        lr, (beta1, beta2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        step_size = lr / (1.0 - beta1 ** self._t)
        root_correction2 = math.sqrt(1.0 - beta2 ** self._t)
        m, v = self._m, self._v
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                if self.decoupled:
                    p.data *= 1.0 - lr * wd
                else:
                    g = g + wd * p.data
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            # √v̂ = √v / √(1 − β₂ᵗ), then ε: the order PyTorch uses.
            d = math.sqrt(v[i]) / root_correction2 + eps
            if d:   # 0 only with ε = 0 and v = 0: no step (module docstring)
                p.data -= step_size * (m[i] / d)


class AdamW(Adam):
    """Adam with decoupled weight decay (PyTorch's ``AdamW``; Loshchilov & Hutter).

    θ ← θ − γλθ first, then the Adam step with g unchanged:
    m = β₁m + (1 − β₁)g;  v = β₂v + (1 − β₂)g²;  θ ← θ − γ m̂/(√v̂ + ε).
    """

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)


class RMSprop(Optimizer):
    """RMSprop (PyTorch's ``RMSprop``).

    g ← g + λθ;  v = αv + (1 − α)g²;  centered: ḡ = αḡ + (1 − α)g and
    d = √max(v − ḡ², 0) + ε (v − ḡ² ≥ 0 but for rounding), else d = √v + ε (root
    taken before adding ε); with momentum μ > 0: b = μb + g/d, θ ← θ − γb;
    else θ ← θ − γ g/d.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False):
        super().__init__(params, lr)
        self.alpha = _unit_interval(alpha, "RMSprop: alpha")
        self.eps = finite_non_negative(eps, "RMSprop: eps")
        self.weight_decay = finite_non_negative(weight_decay, "RMSprop: weight_decay")
        self.momentum = finite_non_negative(momentum, "RMSprop: momentum")
        if not isinstance(centered, bool):
            raise TypeError(f"RMSprop: centered must be True or False, got {centered!r}")
        self.centered = centered
        n = len(self.params)
        self._v, self._g_avg, self._b = [0.0] * n, [0.0] * n, [0.0] * n

    def step(self):
        """One RMSprop update of every parameter (formula in the class docstring)."""
        lr, alpha, eps, wd, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        v, g_avg, b = self._v, self._g_avg, self._b
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                g = g + wd * p.data
            v[i] = alpha * v[i] + (1.0 - alpha) * g * g
            if self.centered:
                g_avg[i] = alpha * g_avg[i] + (1.0 - alpha) * g
                d = math.sqrt(max(v[i] - g_avg[i] * g_avg[i], 0.0)) + eps
            else:
                d = math.sqrt(v[i]) + eps
            step = g / d if d else 0.0   # d = 0 only with ε = 0 and v = 0 (module docstring)
            if mu > 0.0:
                b[i] = mu * b[i] + step
                p.data -= lr * b[i]
            else:
                p.data -= lr * step


class Adagrad(Optimizer):
    """Adagrad (PyTorch's ``Adagrad``).

    g ← g + λθ;  γ_t = γ/(1 + (t − 1)·lr_decay);  s += g² (s starts at
    ``initial_accumulator_value``);  θ ← θ − γ_t g/(√s + ε).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = finite_non_negative(lr_decay, "Adagrad: lr_decay")
        self.weight_decay = finite_non_negative(weight_decay, "Adagrad: weight_decay")
        self.initial_accumulator_value = finite_non_negative(
            initial_accumulator_value, "Adagrad: initial_accumulator_value")
        self.eps = finite_non_negative(eps, "Adagrad: eps")
        self._t = 0
        self._s = [self.initial_accumulator_value] * len(self.params)

    def step(self):
        """One Adagrad update of every parameter (formula in the class docstring)."""
        self._t += 1
        wd, eps = self.weight_decay, self.eps
        lr_t = self.lr / (1.0 + (self._t - 1) * self.lr_decay)
        s = self._s
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                g = g + wd * p.data
            s[i] += g * g
            d = math.sqrt(s[i]) + eps
            if d:   # 0 only with ε = 0 and s = 0: no step (module docstring)
                p.data -= lr_t * (g / d)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}
"""Lower-case name -> optimizer class (for command lines and configuration files)."""
