"""Neural networks built from backproplab's ``autograd`` engine."""

import autograd as _autograd

if not getattr(_autograd, "__backproplab__", False):
    # Not an AttributeError from deep inside: say which package was found and what to do.
    raise ImportError(
        "the 'autograd' package imported from "
        f"{getattr(_autograd, '__file__', '?')} is not backproplab's engine "
        "(probably HIPS autograd, which uses the same import name). "
        "Install backproplab in a dedicated virtual environment: "
        "python -m venv .venv && .venv/bin/pip install -e .")
