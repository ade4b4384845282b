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

# nn-core: models, losses, optimizers, schedules, clipping, saving.
from . import init, losses, optim, schedules, serialize
from .activations import ACTIVATIONS, activate
from .clip import clip_grad_norm, clip_grad_value
from .layers import MLP, Dropout, Layer, Neuron
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                     get_loss, half_squared_error, hinge, mse, squared_error)
from .losses import categorical_cross_entropy
from .module import Module
from .optim import SGD, Adagrad, Adam, AdamW, RMSprop
from .regularization import l1_penalty, l2_penalty
from .schedules import ExponentialLR, LinearLR, StepLR
from .viz import graph as _graph  # registers draw_dot(collapse="neuron" / "layer")
