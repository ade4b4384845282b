"""Check hand-derived tables against a :class:`~nn.explain.Derivation`, entry by entry.

A hand file uses the JSON layout of :meth:`Derivation.to_dict` (stated in
:mod:`nn.explain.schema`) with any subset of its entries, for example the
rounded numbers of the lecture notes' 2-2-2-1 walkthrough::

    {"Y_hat": 0.816, "loss": 0.203,
     "layers": {"3": {"delta": -0.184, "dL_dW": [[-0.11224, -0.14536]]},
                "1": {"b_new": [0.07116, 0.074656]}}}

A top-level "description" (free text) is allowed and ignored.
For convenience a 1 × 1 matrix or one-entry vector may be a bare number, a
matrix with one column (one sample) or one row may be a flat list, and a
vector may be written as a column [[…], […]].  Each number passes when
|library − hand| ≤ atol + rtol·|hand|; the default rtol = 5e-3 accepts hand
values rounded to three significant digits, and atol = 0 means a hand "0"
must be exactly 0 (so the saturated 1-1-1 sigmoid question's "∂C/∂w = 0" is
reported: the library gets 2.41e-20).  Reports name positions 1-based, as the
tables do: "layers.3.delta[j=1,i=2]" is neuron j = 1 of sample i = 2.
"""

import json
import math
from typing import NamedTuple

from autograd.check import format_table

from .._checks import document_format, is_number as _is_number
from .network_file import read_json
from .schema import (FORMAT, IGNORED_KEYS, LAYER_KEYS, TOP_KEYS, UPDATE_KEYS, VERSION,
                     describe, layer_entries, layer_shapes, position, top_shapes)

__all__ = ["Mismatch", "HandFileError", "compare", "report", "load_hand"]


class Mismatch(NamedTuple):
    """One entry where the hand value (``expected``) and the library's (``actual``) differ.

    ``name`` is the entry's path in the JSON layout ("layers.3.delta", "loss");
    ``index`` its position inside it, as 0-based list indices ((row, column) for
    a matrix, () for a single number); :func:`report` prints it 1-based.
    """

    name: str
    index: tuple
    expected: object
    actual: object


class HandFileError(ValueError):
    """A hand-derived file or dict that does not fit the derivation; one-line message."""


def load_hand(path):
    """Read a hand-derived JSON file as a dict; a missing file or bad JSON is a HandFileError."""
    return read_json(path, "hand-derived file", HandFileError)


# --- shapes of every entry, from the schema --------------------------------------------

def _layer_shapes(layer, m):
    n, n_prev = layer.shape
    return layer_shapes(n, n_prev, m)


def _numbers(row):
    return isinstance(row, list) and all(_is_number(v) for v in row)


def _canonical(value, shape):
    """``value`` in the layout's exact shape, accepting the shorthands above; None if it
    does not fit."""
    kind = shape[0]
    if kind == "text":
        return value if isinstance(value, str) else None
    if kind == "scalar":
        if _is_number(value):
            return value
        inner = _canonical(value, ("vector", 1))
        return None if inner is None else inner[0]
    if kind == "vector":
        n = shape[1]
        if _is_number(value) and n == 1:
            return [value]
        if _numbers(value) and len(value) == n:
            return value
        column = _canonical(value, ("matrix", n, 1)) if isinstance(value, list) else None
        return None if column is None else [row[0] for row in column]
    if kind == "matrix":
        rows, cols = shape[1], shape[2]
        if _is_number(value) and rows == cols == 1:
            return [[value]]
        if _numbers(value):
            if cols == 1 and len(value) == rows:
                return [[v] for v in value]
            if rows == 1 and len(value) == cols:
                return [value]
            return None
        if (isinstance(value, list) and len(value) == rows
                and all(_numbers(r) and len(r) == cols for r in value)):
            return value
        return None
    if kind == "matrices":
        m, rows, cols = shape[1:]
        if isinstance(value, list) and len(value) == m:
            each = [_canonical(v, ("matrix", rows, cols)) for v in value]
            if all(e is not None for e in each):
                return each
        if m == 1:
            single = _canonical(value, ("matrix", rows, cols))
            return None if single is None else [single]
        return None
    # targets: one per sample; one sample's target may stand alone
    m = shape[1]
    if isinstance(value, list) and len(value) == m:
        return value
    return [value] if m == 1 else None


# --- comparison -----------------------------------------------------------------------

def _leaves(expected, actual, index=()):
    """(index, expected, actual) for every number or string, walking both structures."""
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from _leaves(e, a, index + (i,))
    else:
        yield index, expected, actual


def _agree(expected, actual, rtol, atol):
    if _is_number(expected) and _is_number(actual):
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return abs(actual - expected) <= atol + rtol * abs(expected)
    return expected == actual


def _entries(d, hand):
    """(name, expected, actual) for every entry the hand dict gives, in canonical shape."""
    library = d.to_dict()
    top = top_shapes(d.sizes, d.m)
    for key, value in hand.items():
        if key == "layers" or key in IGNORED_KEYS:
            continue
        if key not in top:
            raise HandFileError(f"unknown key {key!r} at the top level; known keys: "
                                f"{', '.join(TOP_KEYS + IGNORED_KEYS)}")
        if key not in library:
            raise HandFileError(f"{key!r} is only computed for a loss on logits "
                                f"(cross_entropy, bce_with_logits); this derivation's loss "
                                f"is {d.loss_function!r}")
        yield _entry(key, value, top[key], library[key], key)
    for l, entries in layer_entries(hand, len(d.layers), HandFileError):
        layer = d.layer(l)
        shapes = _layer_shapes(layer, d.m)
        for key, value in entries.items():
            if key not in shapes:
                raise HandFileError(f"layer {l}: unknown key {key!r}; known keys: "
                                    f"{', '.join(LAYER_KEYS)}")
            if key in UPDATE_KEYS and d.lr is None:
                raise HandFileError(f"layer {l}: {key!r} given but the derivation has no "
                                    f"update (no learning rate); give lr or remove {key!r}")
            actual = getattr(layer, key)
            if actual is None and value is not None:
                raise HandFileError(f"layer {l}: {key!r} is not defined for a "
                                    f"{layer.activation} layer (its Jacobian is not "
                                    f"element-wise); check 'delta' instead")
            yield _entry(f"layers.{l}.{key}", value, shapes[key], actual,
                         f"layer {l}: {key!r}")


def _entry(name, value, shape, actual, where):
    if value is None and actual is None:
        return name, None, None, shape
    canonical = _canonical(value, shape)
    if canonical is None:
        raise HandFileError(f"{where} should be {describe(shape)}, got "
                            f"{json.dumps(value, default=repr)[:80]}")
    return name, canonical, actual, shape


def _check_header(hand):
    try:
        document_format(hand, FORMAT, VERSION, "the hand-derived entries", required=False)
    except ValueError as e:
        raise HandFileError(str(e)) from None


def _compared(d, hand, rtol, atol):
    """Every compared number as (name, index, expected, actual, agrees, shape)."""
    if not isinstance(hand, dict):
        raise HandFileError(f"hand-derived entries must be a JSON object (a dict) in the "
                            f"derivation layout, got {type(hand).__name__}")
    _check_header(hand)
    rows = []
    for name, expected, actual, shape in _entries(d, hand):
        if name in ("format", "version"):
            continue
        for index, e, a in _leaves(expected, actual):
            rows.append((name, index, e, a, _agree(e, a, rtol, atol), shape))
    if not rows:
        # Nothing compared proves nothing: an empty file must not read as "all agree".
        raise HandFileError("the hand-derived entries give no number to check; add entries "
                            "such as \"loss\" or \"layers\": {\"1\": {\"Z\": …}}")
    return rows


def _check_tolerances(rtol, atol):
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not _is_number(tol) or not tol >= 0:
            raise ValueError(f"{name} must be a number >= 0, got {tol!r}")


def compare(derivation, hand, rtol=5e-3, atol=0.0):
    """The entries of ``hand`` (a dict in the derivation's JSON layout) that differ from
    ``derivation`` beyond |actual − expected| ≤ atol + rtol·|expected|, as
    :class:`Mismatch` es (``expected`` is the hand value).  An empty list means
    every given entry agrees; a hand dict that gives no entry raises HandFileError.  Unknown keys, layers that do not exist and
    entries of the wrong shape raise :class:`HandFileError` naming key and layer.
    """
    _check_tolerances(rtol, atol)
    return [Mismatch(name, index, e, a)
            for name, index, e, a, ok, _ in _compared(derivation, hand, rtol, atol) if not ok]


def _index_text(shape, index):
    where = position(shape, index)
    return f"[{where}]" if where else ""


def _value_text(x):
    return f"{x:.10g}" if _is_number(x) else json.dumps(x, default=repr)


def report(derivation, hand, rtol=5e-3, atol=0.0):
    """A text report of :func:`compare`: how many entries were checked, and a table of
    every one that differs with the hand value, the library's value and the errors."""
    _check_tolerances(rtol, atol)
    rows = _compared(derivation, hand, rtol, atol)
    rule = f"pass when |library − hand| ≤ atol + rtol·|hand|, rtol={rtol:g}, atol={atol:g}"
    bad = [r for r in rows if not r[4]]
    if not bad:
        return f"All {len(rows)} hand-derived entries agree with the library ({rule}).\n"
    table = []
    for name, index, e, a, _, shape in bad:
        numeric = _is_number(e) and _is_number(a)
        abs_err = abs(a - e) if numeric else math.nan
        rel_err = abs_err / abs(e) if numeric and e != 0 else math.inf if numeric else math.nan
        table.append([name + _index_text(shape, index), _value_text(e), _value_text(a),
                      f"{abs_err:.3g}" if numeric else "", f"{rel_err:.3g}" if numeric else ""])
    return (f"{len(bad)} of {len(rows)} hand-derived entries differ from the library "
            f"({rule}):\n"
            + format_table(["entry", "hand", "library", "abs error", "rel error"], table)
            + "\n")
