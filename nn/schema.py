"""The one document format: every JSON file backproplab writes, and how older ones are read.

Every document is a JSON object that starts with the same three keys::

    {"format": "backproplab", "version": 2, "kind": "derivation", …}

``kind`` says what it holds (:data:`KINDS`); the JSON Schema of all of them ships in the
package (:func:`json_schema`, ``nn/backproplab.schema.json``) and the README says what
each field means.  A **network** object — the network a step starts from — is the same
wherever it appears::

    "network": {"weights": [W^[1], …], "biases": [b^[1], …], "activations": ["relu", …],
                "inputs": [[…], …], "targets": […], "loss": "bce", "lr": 0.1}

(:mod:`nn.explain.network_file` checks it; ``inputs``, ``targets`` and ``loss`` are what
a step needs and a saved model may lack, ``dropout`` is a saved MLP's rate).

=============  ============================================================  ================
kind           what                                                          written by
=============  ============================================================  ================
network        ``network``: a network file, or a saved model                 nn.serialize.save,
                                                                             train --save
derivation     ``network`` and the tables of one step (below)                explain --format
                                                                             json, to_dict()
answers        a student's sheet: ``network``, ``exercise``, ``student``,    exercise
               ``digits`` and the asked entries (null: blank)
key            the answer file filled in with the library's numbers          exercise
grades         a class's results (:mod:`nn.explain.grade_report`)            grade --format
                                                                             json
=============  ============================================================  ================

The tables of a step (a hand-derived file gives any subset; numbers are matrices as lists
of rows, rows are neurons j, columns samples i or inputs k)::

    "loss_function": "bce", "lr": 0.1, "m": 1, "step": 1,
    "A0": n_0 × m, "Y": the m targets,                     (given, copied from the network)
    "Y_hat": n_L × m, "probabilities": n_L × m (a loss on logits only),
    "losses": [L₁ … L_m], "loss": L,
    "layers": {"1": {"activation", "W", "b",                (given)
                     "Z", "A", "dA", "f_prime", "dZ", "dW", "db", "dW_i", "W_new", "b_new"},
               …}

The entries carry the quantity names of :mod:`nn.explain.quantities` — the names grade
reports, ``--weights`` and ``explain --check`` use.  **Older forms** are read and
upgraded by :func:`upgrade`: version 1 derivation and answer files (``delta``,
``dL_dW`` … for ``dZ``, ``dW`` …; a complete one's tables give its network), a bare
network file (``weights`` … at the top level, as written by hand), a version 1 parameter
file (``architecture`` and ``state_dict``) and ``backproplab-grades`` reports.  A
document of a newer version is refused in one line (:func:`check_version`).
"""

import json
from importlib import resources

__all__ = ["FORMAT", "VERSION", "KINDS", "DocumentError", "document", "check_version",
           "upgrade", "json_schema", "SCHEMA_FILE", "V1_NAMES", "LAYER_ATTRIBUTES",
           "TOP_KEYS", "LAYER_KEYS", "GIVEN_TOP", "GIVEN_LAYER", "UPDATE_KEYS",
           "derivation_to_dict", "derivation_from_dict", "network_of_derivation"]

FORMAT = "backproplab"
VERSION = 2
KINDS = ("network", "derivation", "answers", "key", "grades")
SCHEMA_FILE = "backproplab.schema.json"

OLD_FORMATS = {"backproplab-derivation": "derivation", "backproplab-parameters": "network",
               "backproplab-grades": "grades"}
"""Version 1 format names and the kind each became."""

LAYER_ATTRIBUTES = {"activation": "activation", "W": "W", "b": "b", "Z": "Z", "A": "A",
                    "dA": "dL_dA", "f_prime": "f_prime_Z", "dZ": "delta", "dW": "dL_dW",
                    "db": "dL_db", "dW_i": "dL_dW_per_sample", "W_new": "W_new",
                    "b_new": "b_new"}
"""Each layer key, in display order, and the :class:`~nn.explain.LayerDerivation`
attribute that holds it."""

V1_NAMES = {attribute: key for key, attribute in LAYER_ATTRIBUTES.items() if attribute != key}
"""Layer keys of version 1 (the attributes' names) and the quantity names that replaced
them."""

LAYER_KEYS = tuple(LAYER_ATTRIBUTES)
TOP_KEYS = ("format", "version", "kind", "network", "loss_function", "lr", "m", "step", "A0",
            "Y", "Y_hat", "probabilities", "losses", "loss", "layers")
"""Top-level keys of a derivation, in the order it is written."""

GIVEN_TOP = ("loss_function", "lr", "m", "step", "A0", "Y")
"""Top-level entries a step is given (copied from its network), not derived."""
GIVEN_LAYER = ("activation", "W", "b")
"""Layer entries a step is given."""
UPDATE_KEYS = ("W_new", "b_new")
"""Layer keys present only when the step has a learning rate."""


class DocumentError(ValueError):
    """A document of another format or a newer version; the message is one line."""


def document(kind, **fields):
    """A new document of ``kind``: format, version and kind first, then ``fields``."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; kinds: {', '.join(KINDS)}")
    return {"format": FORMAT, "version": VERSION, "kind": kind, **fields}


def check_version(doc, where, error=DocumentError):
    """Raise ``error`` (one line, starting with ``where``) unless ``doc`` is a backproplab
    document of a version this library reads; a hand-written object with neither
    ``format`` nor ``version`` passes (it is read as the current version)."""
    if not isinstance(doc, dict):
        raise error(f"{where} is not a backproplab document (a JSON object), got "
                    f"{type(doc).__name__}")
    found, version = doc.get("format"), doc.get("version")
    if found is not None and found != FORMAT and found not in OLD_FORMATS:
        raise error(f"{where} is not a backproplab document (\"format\" is {found!r}, not "
                    f"\"{FORMAT}\")")
    if version is None:
        return
    newest = VERSION if found in (None, FORMAT) else _old_version(found)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise error(f"{where} has format version {json.dumps(version)}; versions are whole "
                    f"numbers 1 … {newest}")
    if version > newest:
        raise error(f"{where} is a version {version} document, newer than this backproplab "
                    f"reads (up to version {newest}): upgrade backproplab to read it")


def _old_version(old_format):
    return 2 if old_format == "backproplab-grades" else 1


def upgrade(doc, where="the document", error=DocumentError):
    """``doc`` (any form :func:`check_version` accepts) in the current version, as a new
    dict: format, version and kind set, version 1 names renamed, the network of a bare
    network file or a version 1 parameter file under ``network``.  ``doc`` is not
    changed; a document that is already current comes back as an equal copy."""
    check_version(doc, where, error)
    found = doc.get("format")
    if found == "backproplab-parameters":
        return document("network", network=_network_of_parameters(doc, where, error))
    if found is None and "weights" in doc:
        return document("network", network=dict(doc))
    body = {k: v for k, v in doc.items() if k not in ("format", "version", "kind")}
    kind = doc.get("kind") if found == FORMAT else OLD_FORMATS.get(found)
    if kind is None:
        kind = "answers" if "exercise" in doc else "derivation"
    if kind not in KINDS:
        raise error(f"{where}: unknown \"kind\" {kind!r}; kinds: {', '.join(KINDS)}")
    if kind in ("derivation", "answers", "key"):
        body = _renamed(body, where, error)
        if "network" not in body:
            network = network_of_tables(body)
            if network is not None:
                body = {"network": network, **body}
    return document(kind, **body)


def _renamed(body, where, error):
    """``body`` with version 1 layer keys under their quantity names."""
    layers = body.get("layers")
    if not isinstance(layers, dict):
        return body
    renamed = {}
    for l, entries in layers.items():
        if not isinstance(entries, dict):
            renamed[l] = entries
            continue
        new = {}
        for key, value in entries.items():
            name = V1_NAMES.get(key, key)
            if name in new:
                raise error(f"{where}: layer {l} gives {name!r} twice (as {key!r} too, its "
                            f"version 1 name)")
            new[name] = value
        renamed[l] = new
    return {**body, "layers": renamed}


def network_of_tables(body):
    """The network object that the given tables of a derivation state (A0, Y,
    loss_function, lr and every layer's activation, W and b), or None when any is
    missing."""
    layers = body.get("layers")
    if not isinstance(layers, dict) or not layers or not all(
            k in body for k in ("A0", "Y", "loss_function")):
        return None
    try:
        ordered = [layers[str(l)] for l in range(1, len(layers) + 1)]
        if not all(isinstance(e, dict) and all(k in e for k in GIVEN_LAYER) for e in ordered):
            return None
        inputs = [list(column) for column in zip(*body["A0"])]
    except (KeyError, TypeError):
        return None
    return {"weights": [e["W"] for e in ordered], "biases": [e["b"] for e in ordered],
            "activations": [e["activation"] for e in ordered], "inputs": inputs,
            "targets": body["Y"], "loss": body["loss_function"], "lr": body.get("lr")}


def _network_of_parameters(doc, where, error):
    """The network object of a version 1 parameter file (a module's architecture and its
    state_dict in PyTorch's names)."""
    architecture, state = doc.get("architecture"), doc.get("state_dict")
    for key, value in (("architecture", architecture), ("state_dict", state)):
        if not isinstance(value, dict):
            raise error(f"{where} has no {key!r} object")
    kind = architecture.get("type")
    if kind == "MLP":
        _check_v1_sizes(architecture.get("sizes"), state, where, error)
        def order(key):
            head = key.split(".")[0]
            return int(head) if head.isdigit() else -1
        weights = [state[k] for k in sorted(state, key=order) if k.endswith(".weight")]
        biases = [state[k] for k in sorted(state, key=order) if k.endswith(".bias")]
        activations = architecture.get("activations")
        extra = {"dropout": architecture.get("dropout", 0.0)}
    elif kind in ("Layer", "Neuron"):
        weights, biases = [state.get("weight")], [state.get("bias")]
        activations = [architecture.get("activation")]
        extra = {}
    else:
        raise error(f"{where} holds a {kind!r}; a saved model is an MLP, a Layer or a Neuron")
    return {"weights": weights, "biases": biases, "activations": activations, **extra}


def _check_v1_sizes(sizes, state, where, error):
    """A version 1 MLP file states its sizes apart from its numbers: they must agree."""
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                       for n in sizes)):
        raise error(f"{where}: 'sizes' must be a list of at least two positive integers "
                    f"[n_0, …, n_L], got {sizes!r}")
    needed = sum(n * (n_prev + 1) for n_prev, n in zip(sizes, sizes[1:]))
    stored = sum(map(_count_numbers, state.values()))
    if stored != needed:
        raise error(f"{where}: sizes {sizes} need {needed} parameters but the file holds "
                    f"{stored} numbers")


def _count_numbers(value):
    """How many numbers a nested list holds (a bare number is one)."""
    if isinstance(value, list):
        return sum(map(_count_numbers, value))
    return 1 if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


# --- a derivation as a document, and back ---------------------------------------------

def _plain(x):
    """Numbers as JSON writes them (a Value's data, an array's list)."""
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "tolist"):
        return x.tolist()
    return getattr(x, "data", x)


def network_of_derivation(d):
    """The network object a derivation ``d`` starts from: its W^[l], b^[l],
    activations, samples (the columns of A^[0]), targets, loss and learning rate."""
    return {"weights": [layer.W for layer in d.layers],
            "biases": [layer.b for layer in d.layers],
            "activations": [layer.activation for layer in d.layers],
            "inputs": [list(column) for column in zip(*d.A0)],
            "targets": _plain(d.Y), "loss": d.loss_function, "lr": d.lr}


def derivation_to_dict(d):
    """The derivation ``d`` as a ``derivation`` document (a deep copy: editing it leaves
    ``d`` alone)."""
    layers = {str(layer.l): {key: getattr(layer, attribute)
                             for key, attribute in LAYER_ATTRIBUTES.items()
                             if d.lr is not None or key not in UPDATE_KEYS}
              for layer in d.layers}
    values = {"network": network_of_derivation(d), "loss_function": d.loss_function,
              "lr": d.lr, "m": d.m, "step": d.step, "A0": d.A0, "Y": _plain(d.Y),
              "Y_hat": d.Y_hat, "probabilities": d.probabilities, "losses": d.losses,
              "loss": d.loss, "layers": layers}
    if d.probabilities is None:
        del values["probabilities"]
    return json.loads(json.dumps(document("derivation", **values)))


def derivation_from_dict(doc, derivation_class, layer_class):
    """A ``derivation_class`` (with ``layer_class`` layers) rebuilt from a derivation
    document of any version."""
    d = upgrade(doc, f"the derivation {str(doc)[:40]!r}")
    layers = [layer_class(l=int(k), **{attribute: entries.get(key)
                                        for key, attribute in LAYER_ATTRIBUTES.items()})
              for k, entries in sorted(d["layers"].items(), key=lambda kv: int(kv[0]))]
    return derivation_class(loss_function=d["loss_function"], lr=d["lr"], A0=d["A0"],
                            Y=d["Y"], Y_hat=d["Y_hat"], losses=d["losses"], loss=d["loss"],
                            layers=layers, step=d.get("step", 1),
                            probabilities=d.get("probabilities"))


def json_schema():
    """The JSON Schema (draft 2020-12) of every document kind, as shipped in the package."""
    text = resources.files("nn").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)
