"""Activation functions a layer applies to its pre-activations: A^[l] = f(Z^[l]).

Each entry of :data:`ACTIVATIONS` maps a name to a function of one
:class:`~autograd.Value`.  The derivatives are the engine's primitives
(:mod:`autograd.ops`): ReLU'(z) = 1 for z > 0 else 0 (so ReLU'(0) = 0, as in
PyTorch, JAX and micrograd), σ'(z) = σ(z)σ(−z), tanh'(z) = 1 − tanh²z.
"""

from autograd import Value


def _linear(z):
    # The identity adds no node: a "linear" layer's output *is* Z^[l].
    return z


ACTIVATIONS = {
    "relu": Value.relu,          # f(z) = max(0, z)
    "sigmoid": Value.sigmoid,    # f(z) = σ(z) = 1/(1 + e^−z)
    "tanh": Value.tanh,          # f(z) = tanh z
    "softplus": Value.softplus,  # f(z) = ln(1 + e^z)
    "linear": _linear,           # f(z) = z
}
"""Activation name -> function of one Value."""


def check_activation(name, where="activation"):
    """Return ``name`` if it is a known activation, else raise ValueError listing the known names.

    ``where`` names the offending setting in the message (e.g. "layer 2 activation")."""
    if isinstance(name, str) and name in ACTIVATIONS:
        return name
    raise ValueError(f"unknown {where} {name!r}; known activations: "
                     f"{', '.join(sorted(ACTIVATIONS))}")


def activate(name, z):
    """a = f(z) for the activation called ``name`` (one of :data:`ACTIVATIONS`)."""
    try:
        fn = ACTIVATIONS[name]
    except (KeyError, TypeError):
        check_activation(name)
    if type(z) is not Value:
        raise TypeError(f"activate({name!r}, z) needs z to be a Value, "
                        f"got {type(z).__name__} {z!r}")
    return fn(z)
