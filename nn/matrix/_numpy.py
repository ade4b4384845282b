"""NumPy, or a clear error saying how to install it: the matrix engine's only dependency."""

try:
    import numpy as np
except ImportError as error:   # pragma: no cover - exercised in a subprocess test
    raise ImportError("the matrix engine (nn.matrix, fit(..., engine='matrix'), "
                      "backprop --engine matrix) needs NumPy, which is not installed; "
                      "install it with: pip install 'backproplab[fast]' (or pip install numpy), "
                      "or use engine='scalar'") from error

__all__ = ["np"]
