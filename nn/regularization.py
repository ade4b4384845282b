"""Penalties added to a loss to keep parameters small: L + α·penalty."""

from autograd import dot, total


def l2_penalty(params):
    """Σₖ pₖ² as one node; ∂/∂pₖ = 2pₖ (add α·l2_penalty for weight decay of 2α).

    Built as the weighted sum Σₖ pₖ·pₖ with each parameter as both weight and
    input: one node instead of 2n, and the engine adds both uses into 2pₖ."""
    params = list(params)
    return dot(params, params)


def l1_penalty(params):
    """Σₖ |pₖ| as one Σ node over |pₖ|; ∂/∂pₖ = sign(pₖ) (0 at pₖ = 0)."""
    return total([abs(p) for p in params])
