"""Gradient clipping, applied between ``backward()`` and ``optimizer.step()``."""

import math

from ._checks import non_negative


def _parameters(params, owner):
    params = list(params)
    for i, p in enumerate(params):
        if not hasattr(p, "grad"):
            raise TypeError(f"{owner}: parameter {i} is {type(p).__name__} {p!r}, not a Value")
    return params


def global_norm(params):
    """‖g‖ = √(Σ g²) over the ``grad`` of every parameter (no overflow for huge grads)."""
    grads = [p.grad for p in params]
    largest = max(map(abs, grads), default=0.0)
    if largest == 0.0 or math.isinf(largest) or math.isnan(largest):
        return largest
    # Scaled by the largest entry so that squaring cannot overflow or underflow.
    return largest * math.sqrt(math.fsum((g / largest) ** 2 for g in grads))


def clip_grad_norm(params, max_norm):
    """Clip by global norm: scale every grad by min(1, max_norm/(‖g‖ + 1e-6)).

    The direction of the gradient is kept; only its length is capped.  Returns
    ‖g‖ before clipping (as PyTorch's ``clip_grad_norm_`` does).
    """
    params = _parameters(params, "clip_grad_norm")
    max_norm = non_negative(max_norm, "clip_grad_norm: max_norm")
    norm = global_norm(params)
    scale = max_norm / (norm + 1e-6)
    if scale < 1.0:
        for p in params:
            p.grad *= scale
    return norm


def clip_grad_value(params, clip_value):
    """Clamp every grad into [−clip_value, clip_value] (changes the gradient's direction)."""
    params = _parameters(params, "clip_grad_value")
    c = non_negative(clip_value, "clip_grad_value: clip_value")
    for p in params:
        p.grad = min(max(p.grad, -c), c)
