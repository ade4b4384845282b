"""Saving and loading a model as a network document (:mod:`nn.schema`).

The file is the one document format, kind ``network``: the parameters in the lecture
notes' layout (W^[l] is n_l rows of n_{l−1} numbers, as PyTorch's ``nn.Linear.weight``),
so ``backprop explain --network FILE`` reads a saved model as it reads a network file::

    {"format": "backproplab", "version": 2, "kind": "network",
     "description": "…",
     "network": {"weights": [W^[1], …], "biases": [b^[1], …],
                 "activations": ["relu", "linear"], "dropout": 0.25,
                 "loss": "bce_with_logits", "inputs": [[…]], "targets": [1]}}

``dropout`` appears for an MLP that has it; ``loss``, ``inputs``, ``targets`` and ``lr``
when the caller gives them (``backprop train --save`` records its loss and the first
training sample, so the file explains one step as it is).  A Layer or a Neuron is saved
as a one-layer network.  Version 1 parameter files (``architecture`` and a
``state_dict``) are still read.  Floats are written with Python's shortest round-trip
repr, so a load gives back exactly the saved numbers.  Files are written atomically: to
a temporary file in the same directory, then renamed over the target, so a crash never
leaves a half-written file.

Reading is bounded (:mod:`nn.jsonfile`): a file larger than
:data:`nn.limits.MAX_JSON_BYTES`, nested absurdly deep, or holding NaN, Infinity
or a number beyond the float range is refused with one line naming it, and
:func:`load_mlp` checks the sizes the weights give and :data:`nn.limits.MAX_PARAMETERS`
before it builds anything.
"""

import json
import math
import os

from autograd.files import write_atomically

from ._checks import is_number
from .jsonfile import read_json
from .layers import MLP
from .limits import MAX_JSON_BYTES, MAX_PARAMETERS, check_at_most, parameter_count
from .schema import DocumentError, document, upgrade

__all__ = ["save", "read", "load", "load_mlp"]

DATA_KEYS = ("loss", "inputs", "targets", "lr")


def _network_of(model):
    """The network object of ``model``'s parameters: per layer its weight matrix and bias
    vector, in the order of its state_dict (weight then bias, layer by layer)."""
    tensors = list(model.state_dict().values())
    activations = (list(model.activations) if hasattr(model, "activations")
                   else [model.activation])
    network = {"weights": tensors[0::2], "biases": tensors[1::2], "activations": activations}
    if getattr(model, "dropout", 0):
        network["dropout"] = model.dropout
    return network


def save(model, path, loss=None, inputs=None, targets=None, lr=None, description=None):
    """Write ``model`` (an MLP, Layer or Neuron) as a network document at ``path``,
    atomically.  ``loss``, ``inputs``, ``targets`` and ``lr`` (optional) go into the
    network as a network file holds them, so the file can be explained as it is."""
    path = os.fspath(path)
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"cannot save to {path}: parameter {name} is {p.data!r} "
                             f"(JSON has no nan or inf)")
    network = _network_of(model)
    data = dict(zip(DATA_KEYS, (loss, inputs, targets, lr)))
    network.update((k, v) for k, v in data.items() if v is not None)
    fields = {"description": description} if description else {}
    text = json.dumps(document("network", **fields, network=network), indent=1)
    write_atomically(path, text)


def read(path, allow_large=False):
    """The saved document at ``path`` in the current version (a dict whose ``network``
    holds the parameters); version 1 parameter files are upgraded.

    A missing file is a FileNotFoundError; invalid JSON, non-finite numbers, a
    file of another format or of a newer version, one that holds no network, or one
    larger than MAX_JSON_BYTES (unless ``allow_large``) is a ValueError naming
    ``path``."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no parameter file at {path}")
    found = read_json(path, "parameter file", ValueError,
                      max_bytes=None if allow_large else MAX_JSON_BYTES,
                      override="allow_large=True")
    try:
        saved = upgrade(found, path)
    except DocumentError as e:
        raise ValueError(str(e)) from None
    if not isinstance(saved.get("network"), dict):
        raise ValueError(f"{path} holds no network (it is a {saved['kind']} document)")
    return saved


def _sizes(network, path):
    """[n_0, …, n_L] of the saved weights and biases, each matrix checked: rows of equal
    length matching the previous layer, a bias per row, numbers only."""
    weights, biases = network.get("weights"), network.get("biases")
    if (not isinstance(weights, list) or not weights or not isinstance(biases, list)
            or len(biases) != len(weights)):
        raise ValueError(f"{path}: 'weights' and 'biases' must be lists of the same length "
                         f"(one W^[l] and one b^[l] per layer)")
    sizes = []
    for l, (W, b) in enumerate(zip(weights, biases), 1):
        if not isinstance(W, list) or not W or not all(isinstance(row, list) for row in W):
            raise ValueError(f"{path}: W^[{l}] must be a non-empty list of rows")
        if l == 1:
            sizes.append(len(W[0]))
        for j, row in enumerate(W, 1):
            if len(row) != sizes[-1] or not all(is_number(v) for v in row):
                raise ValueError(f"{path}: W^[{l}] row {j} must hold {sizes[-1]} numbers, "
                                 f"got {len(row)} entries")
        if not isinstance(b, list) or len(b) != len(W) or not all(is_number(v) for v in b):
            raise ValueError(f"{path}: b^[{l}] must hold {len(W)} numbers (one per row of "
                             f"W^[{l}])")
        sizes.append(len(W))
    return sizes


def _describe(sizes, activations, dropout):
    extra = f", dropout {dropout:g}" if dropout else ""
    return f"{'-'.join(map(str, sizes))} ({', '.join(map(str, activations))}{extra})"


def _load_network(model, network, path):
    """Copy the saved ``network`` into ``model`` after checking that its shape is
    ``model``'s; the model is left untouched on any error."""
    mine = _network_of(model)
    expected = _sizes(mine, "the model")
    saved = (_sizes(network, path), network.get("activations"), network.get("dropout", 0.0))
    wanted = (expected, mine["activations"], mine.get("dropout", 0.0))
    if saved != wanted:
        raise ValueError(f"{path} holds a {_describe(*saved)} network, but the model is "
                         f"{type(model).__name__} {_describe(*wanted)}")
    keys = list(model.state_dict())
    pairs = zip(network["weights"], network["biases"])
    model.load_state_dict(dict(zip(keys, [t for pair in pairs for t in pair])))
    return model


def load(model, path, allow_large=False):
    """Load the parameters saved at ``path`` into ``model`` and return it.

    The saved sizes, activations and dropout rate must be ``model``'s; otherwise, or
    if any parameter is missing or misshapen, a ValueError names the path and
    the difference, and the model is left untouched.  ``allow_large`` reads
    files beyond :data:`nn.limits.MAX_JSON_BYTES`."""
    path = os.fspath(path)
    return _load_network(model, read(path, allow_large)["network"], path)


def load_mlp(path, allow_large=False):
    """A new :class:`~nn.layers.MLP` built from the network saved at ``path``, with its
    parameters.

    Before anything is built, the saved weights must give sizes [n_0, …, n_L] whose
    Σ n_l·(n_{l−1} + 1) parameters are at most :data:`nn.limits.MAX_PARAMETERS`
    unless ``allow_large``."""
    path = os.fspath(path)
    network = read(path, allow_large)["network"]
    sizes = _sizes(network, path)
    if not allow_large:
        check_at_most(parameter_count(sizes), MAX_PARAMETERS, f"{path}: the parameter count "
                      f"of sizes {sizes}", "load_mlp(..., allow_large=True)")
    try:
        mlp = MLP(sizes[0], sizes[1:], network.get("activations"), init="zeros",
                  dropout=network.get("dropout", 0.0))
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise ValueError(f"{path} has an invalid network (activations "
                         f"{network.get('activations')!r}, dropout "
                         f"{network.get('dropout', 0.0)!r}): {e}") from None
    return _load_network(mlp, network, path)
