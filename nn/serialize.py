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

Reading is bounded (:mod:`nn.jsonfile`): a file larger than
:data:`nn.limits.MAX_JSON_BYTES`, nested absurdly deep, or holding NaN, Infinity
or a number beyond the float range is refused with one line naming it, and
:func:`load_mlp` checks the saved sizes against the stored numbers and
:data:`nn.limits.MAX_PARAMETERS` before it builds anything.
"""

import json
import math
import numbers
import os

from autograd.files import write_atomically

from ._checks import document_format
from .jsonfile import read_json
from .layers import MLP
from .limits import MAX_JSON_BYTES, MAX_PARAMETERS, check_at_most, parameter_count

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


def read(path, allow_large=False):
    """The saved document at ``path`` as a dict (``architecture``, ``state_dict``, …).

    A missing file is a FileNotFoundError; invalid JSON, non-finite numbers, a
    file of another format, or one larger than MAX_JSON_BYTES (unless
    ``allow_large``) is a ValueError naming ``path``."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no parameter file at {path}")
    document = read_json(path, "parameter file", ValueError,
                         max_bytes=None if allow_large else MAX_JSON_BYTES,
                         override="allow_large=True")
    document_format(document, FORMAT, VERSION, path)
    for key in ("architecture", "state_dict"):
        if not isinstance(document.get(key), dict):
            raise ValueError(f"{path} has no {key!r} object")
    return document


def load(model, path, allow_large=False):
    """Load the parameters saved at ``path`` into ``model`` and return it.

    The saved architecture must equal ``model.architecture()``; otherwise, or
    if any parameter is missing or misshapen, a ValueError names the path and
    the difference, and the model is left untouched.  ``allow_large`` reads
    files beyond :data:`nn.limits.MAX_JSON_BYTES`."""
    return _load_document(model, read(path, allow_large), path)


def _load_document(model, document, path):
    saved, expected = document["architecture"], model.architecture()
    if saved != expected:
        raise ValueError(f"{os.fspath(path)} holds parameters for {_describe(saved)}, "
                         f"but the model is {_describe(expected)}")
    try:
        model.load_state_dict(document["state_dict"])
    except (ValueError, TypeError) as e:
        raise type(e)(f"{os.fspath(path)}: {e}") from None
    return model


def load_mlp(path, allow_large=False):
    """A new :class:`~nn.layers.MLP` built from the architecture saved at ``path``, with its
    parameters.

    Before anything is built, the saved ``sizes`` [n_0, …, n_L] must be positive
    integers whose Σ n_l·(n_{l−1} + 1) parameters are the numbers the file holds,
    and at most :data:`nn.limits.MAX_PARAMETERS` unless ``allow_large``."""
    document = read(path, allow_large)
    architecture = document["architecture"]
    if architecture.get("type") != "MLP":
        raise ValueError(f"{os.fspath(path)} holds a {architecture.get('type')!r}, not an MLP")
    sizes = architecture.get("sizes")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                       for n in sizes)):
        raise ValueError(f"{os.fspath(path)}: 'sizes' must be a list of at least two positive "
                         f"integers [n_0, …, n_L], got {sizes!r}")
    needed = parameter_count(sizes)
    if not allow_large:
        check_at_most(needed, MAX_PARAMETERS, f"{os.fspath(path)}: the parameter count of "
                      f"sizes {sizes}", "load_mlp(..., allow_large=True)")
    stored = sum(map(_count_numbers, document["state_dict"].values()))
    if stored != needed:
        raise ValueError(f"{os.fspath(path)}: sizes {sizes} need {needed} parameters but the "
                         f"file holds {stored} numbers")
    try:
        mlp = MLP(sizes[0], sizes[1:], architecture["activations"],
                  init="zeros", dropout=architecture["dropout"])
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise ValueError(f"{os.fspath(path)} has an invalid MLP architecture "
                         f"{architecture!r}: {e}") from None
    return _load_document(mlp, document, path)


def _count_numbers(value):
    """How many numbers a state_dict entry holds (nested lists flattened; a scalar is one)."""
    if isinstance(value, list):
        return sum(map(_count_numbers, value))
    return 1 if isinstance(value, numbers.Real) else 0


def _describe(architecture):
    return ", ".join(f"{k}={v!r}" for k, v in architecture.items())
