"""The gradable quantities of one step and where each sits in the document layout.

This module is the one place that knows the entries of a step document
(:mod:`nn.schema`, kind ``derivation``, ``answers`` or ``key``) for reading
them: which quantity each key names, its shape, how its indices are named, and the
shorthands a person may write (a bare number for a 1 × 1 entry, a flat list for one
column or one row).  ``explain --check``, grading, exercises and reports all read
entries through :func:`read_entries` and use the names below, which are also the
document's keys.

=============  ==================  ==========================================  ====================
quantity       where               meaning (lecture notes' notation)           indices (1-based)
=============  ==================  ==========================================  ====================
Z              layers.l.Z          Z^[l] = W^[l] A^[l−1] + b^[l]               row j, sample i
A              layers.l.A          A^[l] = f(Z^[l])                            row j, sample i
Y_hat          Y_hat               Ŷ = A^[L] (the logits, for a loss on them)  row j, sample i
probabilities  probabilities       softmax(A^[L]) or σ(A^[L]), for a loss on   row j, sample i
                                   logits only
losses         losses              Lᵢ, the loss of sample i                    sample i
loss           loss                L = (1/m) Σᵢ Lᵢ                             —
dA             layers.l.dA         ∂Lᵢ/∂A^[l]                                  row j, sample i
f_prime        layers.l.f_prime    f′(Z^[l])                                   row j, sample i
dZ             layers.l.dZ         δ^[l] = ∂Lᵢ/∂Z^[l]                          row j, sample i
dW             layers.l.dW         ∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ          row j, col k
db             layers.l.db         ∂L/∂b^[l] = (1/m) Σᵢ δ^[l]                  row j
dW_i           layers.l.dW_i       ∂Lᵢ/∂W^[l] = δᵢ^[l] (aᵢ^[l−1])ᵀ             sample i, row j, col k
W_new          layers.l.W_new      W^[l] − α ∂L/∂W^[l]                         row j, col k
b_new          layers.l.b_new      b^[l] − α ∂L/∂b^[l]                         row j
=============  ==================  ==========================================  ====================

A document also holds values that are given, not derived (``A0``, ``Y``, ``lr``, ``m``,
``step``, ``loss_function``, a layer's ``W``, ``b`` and ``activation``, and the
``network`` they come from); they are never counted, but ``lr``, ``m``, ``step`` and
``loss_function`` must match the network, so a file cannot be read against the wrong
network (``explain --check`` compares every given value: :mod:`nn.explain.check`).
"""

import json
import math
import numbers
from dataclasses import dataclass
from decimal import Decimal

from ..losses import LOSSES
from ..schema import GIVEN_LAYER, GIVEN_TOP, LAYER_ATTRIBUTES, DocumentError, upgrade

__all__ = ["Quantity", "QUANTITIES", "BY_NAME", "ASKED", "Given", "SubmissionError",
           "EntryProblem", "count_asked", "entry_name", "position", "layer_entries",
           "shape", "key_value", "read_entries", "answer_form", "asked", "at",
           "element_indices", "index_names", "entry_path"]


class SubmissionError(ValueError):
    """A submission that cannot be graded; the message is one line naming the entry."""


@dataclass(frozen=True)
class EntryProblem:
    """An entry that cannot be read although the file can: ``code`` is "transposed" or
    "wrong_shape" (:mod:`nn.explain.mistakes`), ``message`` says what was expected."""

    code: str
    message: str


@dataclass(frozen=True)
class Quantity:
    """One gradable quantity: its ``name`` (its key in a document, in reports and
    options), whether it exists per layer, the names of its index ``axes``, how it is
    written in ``text`` and ``latex``, and its relative tolerance ``rtol`` for
    rounding carried through earlier values (a fraction of its formula's scale, for
    answers to 4 significant digits)."""

    name: str
    per_layer: bool
    axes: tuple
    text: str
    latex: str
    rtol: float


# rtol is a fraction of the formula's scale (nn.explain.own_values: Σ |terms| of the
# student's numbers fed in), for rounding a student carried without writing it: two
# half-units of a 4-digit number.  A careful student's own numbers are recomputed
# exactly, so this room only covers digits kept on a calculator; every classic mistake
# moves a value by far more (tests/explain/test_grade_simulated.py holds both to it).
QUANTITIES = (
    Quantity("Z", True, ("row", "sample"), "Z^[l]", r"Z^{[l]}", 1e-3),
    Quantity("A", True, ("row", "sample"), "A^[l]", r"A^{[l]}", 1e-3),
    Quantity("Y_hat", False, ("row", "sample"), "Ŷ", r"\hat{Y}", 1e-3),
    Quantity("probabilities", False, ("row", "sample"), "ŷ = f(A^[L]) (probabilities)",
             r"\hat{\mathbf{y}}", 1e-3),
    Quantity("losses", False, ("sample",), "Lᵢ", r"L_i", 1e-3),
    Quantity("loss", False, (), "L", r"L", 1e-3),
    Quantity("dA", True, ("row", "sample"), "∂Lᵢ/∂A^[l]",
             r"\partial L_i / \partial A^{[l]}", 1e-3),
    Quantity("f_prime", True, ("row", "sample"), "f′(Z^[l])",
             r"f'(Z^{[l]})", 1e-3),
    Quantity("dZ", True, ("row", "sample"), "δ^[l]", r"\delta^{[l]}", 1e-3),
    Quantity("dW", True, ("row", "col"), "∂L/∂W^[l]",
             r"\partial L / \partial W^{[l]}", 1e-3),
    Quantity("db", True, ("row",), "∂L/∂b^[l]", r"\partial L / \partial b^{[l]}",
             1e-3),
    Quantity("dW_i", True, ("sample", "row", "col"), "∂Lᵢ/∂W^[l]",
             r"\partial L_i / \partial W^{[l]}", 1e-3),
    Quantity("W_new", True, ("row", "col"), "W^[l] − α∂L/∂W^[l]",
             r"W^{[l]} - \alpha\,\partial L / \partial W^{[l]}", 1e-3),
    Quantity("b_new", True, ("row",), "b^[l] − α∂L/∂b^[l]",
             r"b^{[l]} - \alpha\,\partial L / \partial b^{[l]}", 1e-3),
)
"""Every gradable quantity, in the order a hand derivation computes them."""

BY_NAME = {q.name: q for q in QUANTITIES}
_TOP_NAMES = tuple(q.name for q in QUANTITIES if not q.per_layer)
_LAYER_NAMES = tuple(q.name for q in QUANTITIES if q.per_layer)

ASKED = ("Z", "A", "losses", "loss", "dA", "f_prime", "dZ", "dW", "db", "W_new", "b_new")
"""The quantities an exercise asks for (``losses`` only when the batch has m > 1)."""

_NOT_ENTRIES = ("format", "version", "kind", "description", "network", "exercise", "student",
                "digits") + GIVEN_TOP
"""Top-level keys that hold no gradable entry."""
_LETTERS = {"row": "j", "sample": "i", "col": "k"}


@dataclass(frozen=True)
class Given:
    """A number a student wrote: its value and how many significant digits were written
    (None for an exact zero, whose digits say nothing about rounding)."""

    value: float
    digits: int = None


def entry_name(quantity, layer=None):
    """Quantity ``quantity`` (a name) at ``layer`` as the worksheet writes it: δ^[2],
    ∂L/∂W^[1], Lᵢ, L."""
    text = BY_NAME[quantity].text
    return text.replace("[l]", f"[{layer}]") if layer is not None else text


def shape(d, q, l=None):
    """The sizes along ``q.axes`` for layer ``l`` of the derivation ``d``."""
    n = d.sizes
    L = len(d.layers)
    sizes = {"row": n[l] if q.per_layer else n[L], "sample": d.m,
             "col": n[l - 1] if q.per_layer else None}
    return tuple(sizes[a] for a in q.axes)


def key_value(d, q, l=None):
    """The derivation's value of ``q`` (layer ``l``) in the canonical nested-list shape
    (None where the derivation has none: f′ of a softmax layer, probabilities for a loss
    on probabilities)."""
    if q.per_layer:
        return getattr(d.layer(l), LAYER_ATTRIBUTES[q.name])
    return getattr(d, q.name)


def entry_path(q, l=None):
    """Where ``q`` sits in a document: "layers.2.dZ", "loss"."""
    return f"layers.{l}.{q.name}" if q.per_layer else q.name


def position(q, index):
    """A 0-based ``index`` inside ``q`` as a person reads it, 1-based and named:
    "j=2,i=1" in a sample matrix, "i=2,j=1,k=3" in the per-sample matrices."""
    return ",".join(f"{_LETTERS[axis]}={k + 1}" for axis, k in zip(q.axes, index))


def layer_entries(document, n_layers, error):
    """(l, entries) for each layer a document gives under "layers", in the document's
    order; ``error`` (an exception class) names a malformed "layers" object, a key that
    is not a layer number 1 … ``n_layers``, or entries that are not an object."""
    layers = document.get("layers", {})
    if not isinstance(layers, dict):
        raise error(f"'layers' must be an object mapping layer numbers (\"1\" … "
                    f"\"{n_layers}\") to entries, got {type(layers).__name__}")
    for key, entries in layers.items():
        try:
            l = int(key)
        except (TypeError, ValueError):
            l = None
        if l is None or not 1 <= l <= n_layers or str(l) != str(key).strip():
            raise error(f"'layers' key {key!r} is not a layer of this network; "
                        f"layers are \"1\" … \"{n_layers}\"")
        if not isinstance(entries, dict):
            raise error(f"layer {l}: entries must be an object such as "
                        f"{{\"dZ\": …}}, got {type(entries).__name__}")
        yield l, entries


def element_indices(dims):
    """Every 0-based index tuple of a nested list of sizes ``dims`` (() for a scalar)."""
    if not dims:
        return [()]
    return [(i,) + rest for i in range(dims[0]) for rest in element_indices(dims[1:])]


def index_names(q, index):
    """{"row": j, "col": k, "sample": i} (1-based) for a 0-based ``index`` of ``q``."""
    return {axis: i + 1 for axis, i in zip(q.axes, index)}


def at(nested, index):
    """The element of nested lists at a 0-based ``index`` tuple."""
    for i in index:
        nested = nested[i]
    return nested


# --- reading a submission -----------------------------------------------------------------

def _is_number(x):
    return isinstance(x, (numbers.Real, Decimal)) and not isinstance(x, bool)


class _NotFinite(ValueError):
    """A written number that is NaN, infinite, or beyond the float range."""


def _leaf(x):
    """A written number (or None, a blank) as :class:`Given` (or None)."""
    if x is None:
        return None
    decimal = x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float)
                                                       else int(x))
    value = float(decimal) if decimal.is_finite() else math.nan
    if not math.isfinite(value):
        raise _NotFinite(str(x))
    digits = len(decimal.as_tuple().digits) if value != 0 else None
    return Given(value, digits)


def _is_leaf(x):
    return x is None or _is_number(x)


def _canonical(value, dims):
    """``value`` as nested lists of exactly ``dims`` with :class:`Given`/None leaves,
    accepting the shorthands; None when it does not fit."""
    if not dims:
        if _is_leaf(value):
            return _leaf(value)
        single = isinstance(value, list) and len(value) == 1 and _is_leaf(value[0])
        return _leaf(value[0]) if single else None
    if _is_leaf(value):
        return _reshape([_leaf(value)], dims) if all(n == 1 for n in dims) else None
    if not isinstance(value, list):
        return None
    if all(_is_leaf(v) for v in value):
        # a flat list stands for the one axis longer than 1 (a column, a row)
        longer = [n for n in dims if n != 1]
        if len(longer) <= 1 and len(value) == (longer[0] if longer else 1):
            return _reshape([_leaf(v) for v in value], dims)
        return None
    if len(dims) == 1:
        column = len(value) == dims[0] and all(
            isinstance(v, list) and len(v) == 1 and _is_leaf(v[0]) for v in value)
        return [_leaf(v[0]) for v in value] if column else None
    if len(value) == dims[0]:
        parts = [_canonical(v, dims[1:]) for v in value]
        if all(p is not None for p in parts):
            return parts
    if dims[0] == 1:   # one sample's matrix may stand alone
        single = _canonical(value, dims[1:])
        return None if single is None else [single]
    return None


def _reshape(flat, dims):
    if len(dims) == 1:
        return flat
    step = len(flat) // dims[0]
    return [_reshape(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def _describe(q, dims):
    names = {"row": "rows", "col": "columns", "sample": "samples"}
    if not dims:
        return "a number"
    return " × ".join(f"{n} {names[a]}" for a, n in zip(q.axes, dims)) + " (nested lists)"


def _strings(value):
    """The first string among the leaves of ``value``, or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for v in value:
            found = _strings(v)
            if found is not None:
                return found
    return None


def _entry(q, l, value, d):
    """The grid of one entry, or an :class:`EntryProblem` when its shape does not fit."""
    dims = shape(d, q, l)
    where = f"layer {l}: {q.name!r}" if q.per_layer else repr(q.name)
    if value is None:
        return _build(dims, lambda index: None)
    if key_value(d, q, l) is None:
        raise SubmissionError(_undefined(q, l, d))
    text = _strings(value)
    if text is not None:
        raise SubmissionError(f"{where} holds the string {json.dumps(text)[:40]}: numbers are "
                              f"written without quotes (0.25, not \"0.25\")")
    try:
        grid = _canonical(value, dims)
        if grid is not None:
            return grid
        flipped = (_canonical(value, dims[::-1]) if len(dims) == 2 and dims[0] != dims[1]
                   and 1 not in dims else None)
    except _NotFinite as e:
        raise SubmissionError(f"{where} holds {e}, not a finite number") from None
    got = json.dumps(value, default=float)[:80]
    if flipped is not None:
        return EntryProblem("transposed", f"{where} should be {_describe(q, dims)}; it is "
                                          f"written transposed ({got})")
    return EntryProblem("wrong_shape", f"{where} should be {_describe(q, dims)}, got {got}")


def _undefined(q, l, d):
    """Why the derivation ``d`` has no ``q`` (layer ``l``), for an error message."""
    if q.name == "probabilities":
        on_logits = ", ".join(name for name, record in LOSSES.items() if record.applies)
        return (f"'probabilities' is only computed for a loss on logits ({on_logits}); this "
                f"derivation's loss is {d.loss_function!r}")
    return (f"layer {l}: {q.name!r} is not defined for a {d.layer(l).activation} layer (its "
            f"Jacobian is not element-wise); check 'dZ' instead")


def _check_header(submission, d):
    if submission.get("step", d.step) != d.step:
        raise SubmissionError(f"'step' is {submission['step']!r} but the derivation is step "
                              f"{d.step}")
    for key, actual in (("lr", d.lr), ("m", d.m), ("loss_function", d.loss_function)):
        written = submission.get(key)
        if written is None:
            continue
        if key == "loss_function":
            same = written == actual
        else:
            same = _is_number(written) and actual is not None and float(written) == actual
        if not same:
            raise SubmissionError(f"the file says {key} = {_plain(written)} but its "
                                  f"network has {key} = {actual!r}: is it the derivation of "
                                  f"another network?")


def _plain(x):
    return repr(float(x)) if isinstance(x, Decimal) else repr(x)


def current(submission):
    """``submission`` upgraded to the current document version (:func:`nn.schema.upgrade`):
    version 1 names such as ``delta`` read as ``dZ``; SubmissionError for a document of
    another format or a newer version."""
    if not isinstance(submission, dict):
        raise SubmissionError(f"the file must be a JSON object in the document layout, got "
                              f"{type(submission).__name__}")
    try:
        return upgrade(submission, "the file", SubmissionError)
    except DocumentError as e:
        raise SubmissionError(str(e)) from None


def read_entries(submission, d, problems=None):
    """{(quantity name, layer or None): grid} for every gradable entry of ``submission``
    (a dict in the document layout, any version; numbers may be Decimals, which keep the
    digits written).  Unknown keys, missing layers, numbers written as strings and
    non-finite numbers raise SubmissionError, and so do ``step``, ``lr``, ``m`` or
    ``loss_function`` that disagree with ``d``.  An entry of the wrong shape raises too,
    unless ``problems`` is a dict: then it is recorded there as an :class:`EntryProblem`
    under its (quantity name, layer) and left out, so it costs that entry and not the
    file."""
    submission = current(submission)
    _check_header(submission, d)
    entries = {}
    for key, value in submission.items():
        if key in _NOT_ENTRIES or key == "layers":
            continue
        q = BY_NAME.get(key)
        if q is None or q.per_layer:
            raise SubmissionError(f"unknown key {key!r} at the top level; known keys: "
                                  f"{', '.join(_NOT_ENTRIES + _TOP_NAMES)}, layers")
        _keep(entries, problems, (q.name, None), _entry(q, None, value, d))
    for l, given in layer_entries(submission, len(d.layers), SubmissionError):
        for key, value in given.items():
            if key in GIVEN_LAYER:
                continue
            q = BY_NAME.get(key)
            if q is None or not q.per_layer:
                raise SubmissionError(f"layer {l}: unknown key {key!r}; known keys: "
                                      f"{', '.join(GIVEN_LAYER + _LAYER_NAMES)}")
            if q.name in ("W_new", "b_new") and d.lr is None:
                raise SubmissionError(f"layer {l}: {key!r} given but the network has no "
                                      f"learning rate")
            _keep(entries, problems, (q.name, l), _entry(q, l, value, d))
    return entries


def _keep(entries, problems, name, grid):
    if not isinstance(grid, EntryProblem):
        entries[name] = grid
    elif problems is None:
        raise SubmissionError(grid.message)
    else:
        problems[name] = grid


def asked(d, names=ASKED):
    """(quantity, layer) pairs of ``names`` that exist for the derivation ``d``."""
    pairs = []
    for name in names:
        q = BY_NAME[name]
        if name == "losses" and d.m == 1:
            continue
        if name in ("W_new", "b_new") and d.lr is None:
            continue
        pairs += [(q, l) for l in range(1, len(d.layers) + 1)] if q.per_layer else [(q, None)]
    return pairs


def count_asked(d, names=ASKED):
    """How many numbers the quantities ``names`` ask for on the derivation ``d``."""
    return sum(len(element_indices(shape(d, q, l))) for q, l in asked(d, names))


def answer_form(d, header, names=ASKED, fill=None):
    """A dict in the derivation's layout with ``header`` first and every asked entry,
    each element ``fill(q, l, index)`` (None: a blank to fill in)."""
    form = dict(header)
    layers = {}
    for q, l in asked(d, names):
        dims = shape(d, q, l)
        value = _build(dims, lambda index: fill(q, l, index) if fill else None)
        if q.per_layer:
            layers.setdefault(str(l), {})[q.name] = value
        else:
            form[q.name] = value
    form["layers"] = dict(sorted(layers.items(), key=lambda kv: int(kv[0])))
    return form


def _build(dims, element, prefix=()):
    if not dims:
        return element(prefix)
    return [_build(dims[1:], element, prefix + (i,)) for i in range(dims[0])]
