"""Learning-rate schedules (PyTorch's semantics): each changes ``optimizer.lr``.

Make the schedule after the optimizer and call ``scheduler.step()`` once per
epoch, after ``optimizer.step()``.  Writing γ₀ for the optimizer's ``lr`` when
the schedule is made and t for the number of ``step()`` calls so far:

* StepLR:        γ_t = γ₀ · gamma^⌊t / step_size⌋
* LinearLR:      γ_t = γ₀ · (s + (e − s) · min(t, T)/T),  s = start_factor,
                 e = end_factor, T = total_iters (γ₀·s already at t = 0)
* ExponentialLR: γ_t = γ₀ · gamma^t

Like PyTorch, each step multiplies the current ``lr`` by the ratio of
successive factors ("chainable" form), which gives the formulas above and
matches ``torch.optim.lr_scheduler`` to the last bit.
"""

from ._checks import number, positive_int
from .optim import finite_non_negative


def _factor(value, what, low_open):
    value = number(value, what)
    ok = (0.0 < value <= 1.0) if low_open else (0.0 <= value <= 1.0)
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ValueError(f"{what} must be in {interval}, got {value!r}")
    return value


class LRScheduler:
    """Base class: ``step()`` advances the epoch count t and sets ``optimizer.lr``."""

    def __init__(self, optimizer):
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"{type(self).__name__} needs an optimizer with an lr attribute, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self._next_lr(optimizer.lr)

    def _next_lr(self, lr):
        """The lr for epoch ``self.last_epoch`` given the previous epoch's ``lr``."""
        raise NotImplementedError

    def step(self):
        """Advance one epoch and update ``optimizer.lr``."""
        self.last_epoch += 1
        self.optimizer.lr = self._next_lr(self.optimizer.lr)

    def get_last_lr(self):
        """The current learning rate, as a one-element list (PyTorch returns one per group)."""
        return [self.optimizer.lr]


class StepLR(LRScheduler):
    """Multiply lr by ``gamma`` every ``step_size`` epochs: γ_t = γ₀ · gamma^⌊t / step_size⌋."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size = positive_int(step_size, "StepLR: step_size")
        self.gamma = finite_non_negative(gamma, "StepLR: gamma")
        super().__init__(optimizer)

    def _next_lr(self, lr):
        t = self.last_epoch
        return lr * self.gamma if t and t % self.step_size == 0 else lr


class LinearLR(LRScheduler):
    """Scale lr linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs:
    γ_t = γ₀ · (s + (e − s) · min(t, T)/T)."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        self.start_factor = _factor(start_factor, "LinearLR: start_factor", low_open=True)
        self.end_factor = _factor(end_factor, "LinearLR: end_factor", low_open=False)
        self.total_iters = positive_int(total_iters, "LinearLR: total_iters")
        super().__init__(optimizer)

    def _next_lr(self, lr):
        t, s, e, total = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if t == 0:
            return lr * s
        if t > total:
            return lr
        # factor(t)/factor(t−1), with factor(t) = s + (e − s)·t/T
        return lr * (1.0 + (e - s) / (total * s + (t - 1) * (e - s)))


class ExponentialLR(LRScheduler):
    """Multiply lr by ``gamma`` every epoch: γ_t = γ₀ · gamma^t."""

    def __init__(self, optimizer, gamma):
        self.gamma = finite_non_negative(gamma, "ExponentialLR: gamma")
        super().__init__(optimizer)

    def _next_lr(self, lr):
        return lr * self.gamma if self.last_epoch else lr
