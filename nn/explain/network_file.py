"""Network files: a small network, its data and its loss in one JSON document.

A network object holds exactly what a hand derivation starts from (the example
files in ``nn/examples/`` are the lecture notes' networks, written as bare objects)::

    {
      "description": "free text (optional)",
      "weights": [W^[1], …, W^[L]],      each W^[l] a list of n_l rows of n_{l−1} numbers
      "biases":  [b^[1], …, b^[L]],      each b^[l] a list of n_l numbers
      "activations": ["relu", …],        one per layer (nn.activations.ACTIVATIONS)
      "inputs":  [0.5, 1.0],             one sample (n_0 numbers; a bare number if n_0 = 1)
                 or [[0.5, 1.0], …],     or a list of samples (rows, as nn.data returns X)
      "targets": 1.0 or [1.0, …],        the sample's target, or one per sample
      "loss": "bce",                     a name of nn.losses.get_loss
      "lr": 0.1                          learning rate α (optional; null or absent: no update)
    }

It is read from a bare object like this one, or from any document of the one format
(:mod:`nn.schema`) that holds one under ``"network"``: a saved model (``backprop train
--save``), ``backprop explain --format json``, an exercise's answer file or key.  A saved
model may add ``dropout`` (not applied here: the tables describe the network as written).

A target is a number for a one-output network (a class index 0 … n_L−1 for
"cross_entropy") or a list of n_L numbers, inside the loss's domain (BCE
targets in [0, 1], hinge targets ±1).  :func:`load_network` checks every
part and reports the first problem as a one-line :class:`NetworkFileError`
naming the file, the layer and the row.
"""

import json
import numbers

from .._checks import is_number
from ..activations import ACTIVATIONS
from .derivation import as_batch
from ..jsonfile import read_json
from ..layers import MLP
from ..losses import LOSSES, check_pairing
from ..schema import DocumentError, upgrade

__all__ = ["NetworkFileError", "load_network", "network_from_dict", "network_object",
           "read_json"]

KEYS = ("description", "weights", "biases", "activations", "inputs", "targets", "loss", "lr",
        "dropout")
REQUIRED = ("weights", "biases", "activations", "inputs", "targets", "loss")

class NetworkFileError(ValueError):
    """A network file that cannot be used; the message is one line naming the file and place."""


def load_network(path):
    """Read a network file; return ``(model, X, Y, loss, lr)``.

    ``X`` is the list of samples (one row of n_0 floats each), ``Y`` the list of
    their targets, ``loss`` the loss name and ``lr`` the learning rate or None;
    ``model`` is an :class:`~nn.layers.MLP`.  Any problem raises
    :class:`NetworkFileError` with a one-line message naming the file.
    """
    spec = read_json(path, "network file", NetworkFileError)
    return network_from_dict(spec, source=str(path))


def network_object(spec, source="network"):
    """The network object of ``spec``: ``spec`` itself when it is a bare one (no
    ``format``, ``kind`` or ``network`` key), else the ``network`` of the document it is,
    in any version; NetworkFileError naming ``source`` when it holds none."""
    if not isinstance(spec, dict) or not any(k in spec for k in ("format", "kind", "network")):
        return spec
    try:
        found = upgrade(spec, source, NetworkFileError)
    except DocumentError as e:
        raise NetworkFileError(str(e)) from None
    if "network" not in found:
        raise NetworkFileError(f"{source}: a {found['kind']} document holds no network; give "
                               f"a network file, a saved model, or a derivation, answer or "
                               f"key file")
    return found["network"]


def network_from_dict(spec, source="network"):
    """:func:`load_network` for an already parsed dict (a network object or a document
    that holds one, :func:`network_object`); ``source`` prefixes messages."""

    def fail(message):
        raise NetworkFileError(f"{source}: {message}")

    spec = network_object(spec, source)
    _check_keys(spec, fail)
    sizes = _check_parameters(spec, fail)
    loss = spec["loss"]
    if not isinstance(loss, str) or loss not in LOSSES:
        fail(f"unknown loss {loss!r}; known losses: {', '.join(LOSSES)}")
    lr = spec.get("lr")
    if lr is not None and (not is_number(lr, finite=True) or lr <= 0):
        fail(f"'lr' must be a positive number or null, got {lr!r}")
    _check_inputs(spec["inputs"], sizes[0], fail)
    try:
        X, Y = as_batch(spec["inputs"], spec["targets"], sizes[0],
                        names=("'inputs'", "'targets'"))
        check_pairing(spec["activations"][-1], loss)
    except ValueError as e:
        fail(str(e))
    model = MLP.from_weights(weights=spec["weights"], biases=spec["biases"],
                             activations=spec["activations"])
    _check_targets(model, X, Y, loss, fail)
    return model, X, Y, loss, (None if lr is None else float(lr))


def _check_keys(spec, fail):
    """Fail on anything but an object with the known keys and every required one."""
    if not isinstance(spec, dict):
        fail(f"the top level must be a JSON object with keys {', '.join(REQUIRED)}; "
             f"got {type(spec).__name__}")
    unknown = [k for k in spec if k not in KEYS]
    if unknown:
        fail(f"unknown key {unknown[0]!r}; known keys: {', '.join(KEYS)}")
    missing = [k for k in REQUIRED if k not in spec]
    if missing:
        parameters_only = not {"weights", "biases", "activations"} & set(missing)
        hint = (": a saved model holds no sample; add \"inputs\", \"targets\" and \"loss\" to "
                "its \"network\" to explain a step on it" if parameters_only else "")
        fail(f"missing key {missing[0]!r} (required: {', '.join(REQUIRED)}){hint}")


def _check_parameters(spec, fail):
    """Sizes [n_0, …, n_L] of well-formed weights, biases and activations, or fail naming
    the layer."""
    weights, biases, activations = spec["weights"], spec["biases"], spec["activations"]
    sizes = _check_weights(weights, fail)
    L = len(weights)
    if not isinstance(biases, list) or len(biases) != L:
        fail(f"'biases' must be a list of {L} vectors b^[1] … b^[{L}], one per weight "
             f"matrix; got {_short(biases)}")
    for l, b in enumerate(biases, 1):
        if not isinstance(b, list) or len(b) != sizes[l]:
            fail(f"layer {l}: b^[{l}] must be a list of {sizes[l]} numbers (W^[{l}] has "
                 f"{sizes[l]} rows); got {_short(b)}")
        _check_entries(b, f"layer {l}: b^[{l}]", fail)
    if not isinstance(activations, list) or len(activations) != L:
        fail(f"'activations' must be a list of {L} names, one per layer; "
             f"got {_short(activations)}")
    for l, name in enumerate(activations, 1):
        if name not in ACTIVATIONS:
            fail(f"layer {l}: unknown activation {name!r}; known activations: "
                 f"{', '.join(sorted(ACTIVATIONS))}")
    return sizes


def _check_targets(model, X, Y, loss, fail):
    """Fail naming the first sample whose target the loss refuses on this network."""
    # The loss itself knows its domain (BCE targets in [0, 1], hinge ±1, class
    # indices, output counts): evaluating it once per sample checks every target.
    for i, (x, y) in enumerate(zip(X, Y), 1):
        try:
            LOSSES[loss](model(x), y)
        except (ValueError, TypeError) as e:
            fail(f"sample {i}: target {y!r} does not fit loss {loss!r} on this network: "
                 f"{_one_line(e)}")


def _check_weights(weights, fail):
    """Sizes [n_0, …, n_L] of well-formed weight matrices, or fail naming layer and row."""
    if not isinstance(weights, list) or not weights:
        fail(f"'weights' must be a non-empty list of matrices W^[1], W^[2], …; "
             f"got {_short(weights)}")
    sizes = []
    for l, W in enumerate(weights, 1):
        if not isinstance(W, list) or not W:
            fail(f"layer {l}: W^[{l}] must be a non-empty list of rows (one per neuron); "
                 f"got {_short(W)}")
        for j, row in enumerate(W, 1):
            if not isinstance(row, list) or not row:
                fail(f"layer {l} row {j}: W^[{l}] rows must be non-empty lists of numbers, "
                     f"got {_short(row)}")
            expected = len(W[0]) if l == 1 else sizes[-1]
            if len(row) != expected:
                source = ("row 1 has" if l == 1
                          else f"layer {l - 1} has {expected} neurons, so a row needs")
                fail(f"layer {l} row {j}: W^[{l}] row has {len(row)} numbers but {source} "
                     f"{expected}")
            _check_entries(row, f"layer {l} row {j}: W^[{l}]", fail)
        if l == 1:
            sizes.append(len(W[0]))
        sizes.append(len(W))
    return sizes


def _check_inputs(inputs, n_inputs, fail):
    """Fail naming a bad entry of 'inputs' itself (a non-finite or non-number value, a
    ragged row), before the samples are paired with their targets."""
    if isinstance(inputs, list) and any(isinstance(x, list) for x in inputs):
        for i, x in enumerate(inputs, 1):
            row = [x] if is_number(x, finite=True) and n_inputs == 1 else x
            if not isinstance(row, list) or len(row) != n_inputs:
                fail(f"'inputs' sample {i} must be a list of {n_inputs} finite numbers (the "
                     f"network has {n_inputs} inputs), got {_short(x)}")
            _check_entries(row, f"'inputs' sample {i}", fail)
        return
    _check_entries(inputs if isinstance(inputs, list) else [inputs], "'inputs'", fail)


def _check_entries(values, place, fail):
    """Fail naming ``place`` and the entry (from 1) unless every value is a finite number."""
    for k, v in enumerate(values, 1):
        if not is_number(v, finite=True):
            shown = repr(v) if isinstance(v, numbers.Real) else _short(v)
            fail(f"{place} entry {k} must be a finite number, got {shown}")


def _short(x, width=60):
    text = json.dumps(x, default=repr) if not isinstance(x, str) else repr(x)
    return text if len(text) <= width else text[:width - 1] + "…"


def _one_line(error):
    return str(error).splitlines()[0] if str(error) else type(error).__name__
