"""Saving and loading a model's parameters as JSON.

The file records the architecture next to the parameters::

    {"format": "backproplab-parameters", "version": 1,
     "architecture": {"type": "MLP", "sizes": [2, 16, 1],
                      "activations": ["relu", "linear"], "dropout": 0.0},
     "state_dict": {"0.weight": [[…], …], "0.bias": […], "2.weight": …}}

``state_dict`` is :meth:`nn.module.Module.state_dict` (PyTorch's key names and
layout).  Floats are written with Python's shortest round-trip repr, so a
load gives back exactly the saved numbers.  Files are written atomically: to
a temporary file in the same directory, then renamed over the target, so a
crash never leaves a half-written file.
"""

import json
import math
import os

from autograd.files import write_atomically

from ._checks import document_format
from .layers import MLP

FORMAT = "backproplab-parameters"
VERSION = 1


def save(model, path):
    """Write ``model``'s architecture and parameters to the JSON file ``path`` (atomically)."""
    path = os.fspath(path)
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"cannot save to {path}: parameter {name} is {p.data!r} "
                             f"(JSON has no nan or inf)")
    document = {"format": FORMAT, "version": VERSION, "architecture": model.architecture(),
                "state_dict": model.state_dict()}
    text = json.dumps(document, indent=1)
    write_atomically(path, text)


def read(path):
    """The saved document at ``path`` as a dict (``architecture``, ``state_dict``, …).

    A missing file, invalid JSON or a file of another format is an error naming ``path``."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"no parameter file at {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path} is not a valid JSON parameter file: {e}") from None
    document_format(document, FORMAT, VERSION, path)
    for key in ("architecture", "state_dict"):
        if not isinstance(document.get(key), dict):
            raise ValueError(f"{path} has no {key!r} object")
    return document


def load(model, path):
    """Load the parameters saved at ``path`` into ``model`` and return it.

    The saved architecture must equal ``model.architecture()``; otherwise, or
    if any parameter is missing or misshapen, a ValueError names the path and
    the difference, and the model is left untouched."""
    document = read(path)
    saved, expected = document["architecture"], model.architecture()
    if saved != expected:
        raise ValueError(f"{os.fspath(path)} holds parameters for {_describe(saved)}, "
                         f"but the model is {_describe(expected)}")
    try:
        model.load_state_dict(document["state_dict"])
    except (ValueError, TypeError) as e:
        raise type(e)(f"{os.fspath(path)}: {e}") from None
    return model


def load_mlp(path):
    """A new :class:`~nn.layers.MLP` built from the architecture saved at ``path``, with its parameters."""
    architecture = read(path)["architecture"]
    if architecture.get("type") != "MLP":
        raise ValueError(f"{os.fspath(path)} holds a {architecture.get('type')!r}, not an MLP")
    try:
        sizes = architecture["sizes"]
        mlp = MLP(sizes[0], sizes[1:], architecture["activations"],
                  init="zeros", dropout=architecture["dropout"])
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise ValueError(f"{os.fspath(path)} has an invalid MLP architecture "
                         f"{architecture!r}: {e}") from None
    return load(mlp, path)


def _describe(architecture):
    return ", ".join(f"{k}={v!r}" for k, v in architecture.items())
