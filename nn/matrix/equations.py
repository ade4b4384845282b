"""The lecture notes' vectorized equations, one function each, in the notes' shapes.

A^[0] = X is n_0 × m (one column per sample), W^[l] is n_l × n_{l−1}, b^[l] is
n_l × 1 (broadcast over the m columns), Z^[l], A^[l] and δ^[l] are n_l × m::

    Z^[l] = W^[l] A^[l−1] + b^[l]                    linear_forward
    A^[l] = f(Z^[l])                                 activation_forward
    δ^[L] = ∂L/∂A^[L] ⊙ f'(Z^[L])                    output_delta
    δ^[L] = Ŷ − Y     (sigmoid + BCE, softmax + CE)  output_delta_prediction_minus_target
    δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f'(Z^[l])           hidden_delta
    ∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ               weight_gradient
    ∂L/∂b^[l] = (1/m) Σᵢ δ^[l]                       bias_gradient
    θ ← θ − α ∂L/∂θ                                  gradient_descent_update

δ^[l] is per sample (column i is ∂Lᵢ/∂Z^[l]); the 1/m of the batch mean
L = (1/m) Σᵢ Lᵢ appears in the two gradients, as in the notes.  A training step
applies it once, to δ^[L]: the δ recursion is linear, so δ̄^[l] = δ^[l]/m follows
from δ̄^[L] = δ^[L]/m and the gradients are δ̄^[l] (A^[l−1])ᵀ and Σᵢ δ̄^[l]
(``mean_weight_gradient``, ``mean_bias_gradient``), the same numbers to rounding
with one pass less over each ∂W.
"""

from ._numpy import np


def linear_forward(W, A_prev, b):
    """Z^[l] = W^[l] A^[l−1] + b^[l]:  (n_l × n_{l−1})(n_{l−1} × m) + (n_l × 1) → n_l × m."""
    return W @ A_prev + b


def activation_forward(f, Z):
    """A^[l] = f(Z^[l]), element by element (column by column for softmax)."""
    return f(Z)


def output_delta(dL_dA, f_prime_Z):
    """δ^[L] = ∂L/∂A^[L] ⊙ f'(Z^[L]), n_L × m (any element-wise output activation and loss)."""
    return dL_dA * f_prime_Z


def output_delta_prediction_minus_target(Y_hat, Y):
    """δ^[L] = Ŷ − Y: ∂L/∂A ⊙ f'(Z) simplified for a sigmoid output with BCE
    (Ŷ = σ(Z), Y the 0/1 targets) and for a softmax output or logits with
    cross-entropy (Ŷ = softmax(Z), Y one-hot)."""
    return Y_hat - Y


def hidden_delta(W_next, delta_next, f_prime_Z):
    """δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f'(Z^[l]):  (n_l × n_{l+1})(n_{l+1} × m) ⊙ (n_l × m)."""
    return (W_next.T @ delta_next) * f_prime_Z


def weight_gradient(delta, A_prev):
    """∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ:  (n_l × m)(m × n_{l−1}) → n_l × n_{l−1}."""
    return (delta @ A_prev.T) / delta.shape[1]


def bias_gradient(delta):
    """∂L/∂b^[l] = (1/m) Σᵢ δ^[l]: the mean of δ^[l]'s columns, n_l × 1."""
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]


def mean_weight_gradient(delta_over_m, A_prev, out=None):
    """∂L/∂W^[l] = δ̄^[l] (A^[l−1])ᵀ for δ̄^[l] = δ^[l]/m, written into ``out`` if given."""
    return np.matmul(delta_over_m, A_prev.T, out=out)


def mean_bias_gradient(delta_over_m, out=None):
    """∂L/∂b^[l] = Σᵢ δ̄^[l] for δ̄^[l] = δ^[l]/m (n_l × 1), written into ``out`` if given."""
    return np.add.reduce(delta_over_m, axis=1, keepdims=True, out=out)


def gradient_descent_update(theta, dL_dtheta, lr):
    """θ ← θ − α ∂L/∂θ (a new array; the notes' update of W^[l] and b^[l])."""
    return theta - lr * dL_dtheta
