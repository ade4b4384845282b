"""Check hand-derived tables against a :class:`~nn.explain.Derivation`, entry by entry.

A hand file is a step document (:mod:`nn.schema`) with any subset of its entries, read
as the grader reads it (:func:`nn.explain.quantities.read_entries`, with its names),
for example the rounded numbers of the lecture notes' 2-2-2-1 walkthrough::

    {"Y_hat": 0.816, "loss": 0.203,
     "layers": {"3": {"dZ": -0.184, "dW": [[-0.11224, -0.14536]]},
                "1": {"b_new": [0.07116, 0.074656]}}}

(version 1 names such as ``delta`` and ``dL_dW`` are read too).  A top-level
"description" (free text) is allowed and ignored.  For convenience a 1 × 1 matrix or
one-entry vector may be a bare number, a matrix with one column (one sample) or one row
may be a flat list, and a vector may be written as a column [[…], […]].

Only derived quantities are counted, the same ones ``backprop grade`` counts; the
given values a file may copy (``A0``, ``Y``, ``lr``, ``m``, ``step``,
``loss_function``, a layer's ``activation``, ``W``, ``b``, and the ``network``) must be
the derivation's, else the file is the derivation of another network and
:class:`HandFileError` says which value differs.  Each number passes when
|library − hand| ≤ atol + rtol·|hand|; the default rtol = 5e-3 accepts hand values
rounded to three significant digits, and atol = 0 means a hand "0" must be exactly 0
(so the saturated 1-1-1 sigmoid question's "∂C/∂w = 0" is reported: the library gets
2.41e-20).  Reports name positions 1-based, as the tables do: "layers.3.dZ[j=1,i=2]" is
neuron j = 1 of sample i = 2.
"""

import json
import math
from typing import NamedTuple

from autograd.check import format_table

from .._checks import is_number as _is_number
from ..jsonfile import read_json
from ..schema import GIVEN_LAYER, network_of_derivation
from .quantities import (BY_NAME, SubmissionError, at, current, element_indices, entry_path,
                         key_value, layer_entries, position, read_entries, shape)

__all__ = ["Mismatch", "HandFileError", "compare", "report", "load_hand"]


class Mismatch(NamedTuple):
    """One entry where the hand value (``expected``) and the library's (``actual``) differ.

    ``name`` is the entry's path in the document ("layers.3.dZ", "loss"); ``index`` its
    position inside it, as 0-based list indices ((row, column) for a matrix, () for a
    single number); :func:`report` prints it 1-based.
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


# --- the given values: the network the file was derived from ----------------------------

def _flat(x):
    """The leaves of nested lists, in order (a bare value is one leaf)."""
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _flat(item)]
    return [getattr(x, "data", x)]


def _agree(expected, actual, rtol, atol):
    if _is_number(expected) and _is_number(actual):
        return abs(actual - expected) <= atol + rtol * abs(expected)
    return expected == actual


def _same_given(where, written, actual, rtol, atol):
    """HandFileError unless the given value ``written`` is ``actual`` (any shorthand of
    its shape: only the numbers in order count)."""
    mine, theirs = _flat(written), _flat(actual)
    if len(mine) == len(theirs) and all(_agree(e, a, rtol, atol)
                                        for e, a in zip(mine, theirs)):
        return
    raise HandFileError(f"{where} is {_short(written)} but the network's is {_short(actual)}: "
                        f"is the file the derivation of another network?")


def _short(x, width=40):
    text = json.dumps(x, default=lambda v: getattr(v, "data", repr(v)))
    return text if len(text) <= width else text[:width - 1] + "…"


def _check_givens(d, hand, rtol, atol):
    for key, actual in (("A0", d.A0), ("Y", d.Y)):
        if key in hand:
            _same_given(repr(key), hand[key], actual, rtol, atol)
    for l, entries in layer_entries(hand, len(d.layers), HandFileError):
        for key in GIVEN_LAYER:
            if key in entries:
                _same_given(f"layer {l}: {key!r}", entries[key], getattr(d.layer(l), key),
                            rtol, atol)
    network = hand.get("network")
    if network is not None:
        if not isinstance(network, dict):
            raise HandFileError(f"'network' must be a network object, got "
                                f"{type(network).__name__}")
        for key, actual in network_of_derivation(d).items():
            if key in network:
                _same_given(f"network {key!r}", network[key], actual, rtol, atol)


# --- comparison -----------------------------------------------------------------------

def _compared(d, hand, rtol, atol):
    """Every compared number as (name, index, expected, actual, agrees, quantity)."""
    try:
        hand = current(hand)
        entries = read_entries(hand, d)
    except SubmissionError as e:
        raise HandFileError(str(e)) from None
    _check_givens(d, hand, rtol, atol)
    rows = []
    for (name, l), grid in entries.items():
        q = BY_NAME[name]
        library = key_value(d, q, l)
        for index in element_indices(shape(d, q, l)):
            given = at(grid, index)
            if given is not None:
                actual = at(library, index)
                rows.append((entry_path(q, l), index, given.value, actual,
                             _agree(given.value, actual, rtol, atol), q))
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
    """The entries of ``hand`` (a dict in the document layout) that differ from
    ``derivation`` beyond |actual − expected| ≤ atol + rtol·|expected|, as
    :class:`Mismatch` es (``expected`` is the hand value).  An empty list means
    every given entry agrees; a hand dict that gives no number raises HandFileError, and
    so do unknown keys, layers that do not exist, entries of the wrong shape and given
    values that are not the derivation's, naming key and layer.
    """
    _check_tolerances(rtol, atol)
    return [Mismatch(name, index, e, a)
            for name, index, e, a, ok, _ in _compared(derivation, hand, rtol, atol) if not ok]


def _value_text(x):
    return f"{x:.10g}" if _is_number(x) else json.dumps(x, default=repr)


def _difference_row(name, index, e, a, q):
    abs_err = abs(a - e)
    rel_err = abs_err / abs(e) if e != 0 else math.inf
    where = position(q, index)
    return [name + (f"[{where}]" if where else ""), _value_text(e), _value_text(a),
            f"{abs_err:.3g}", f"{rel_err:.3g}"]


def report(derivation, hand, rtol=5e-3, atol=0.0):
    """A text report of :func:`compare`: how many entries were checked, and a table of
    every one that differs with the hand value, the library's value and the errors."""
    _check_tolerances(rtol, atol)
    rows = _compared(derivation, hand, rtol, atol)
    rule = f"pass when |library − hand| ≤ atol + rtol·|hand|, rtol={rtol:g}, atol={atol:g}"
    bad = [r for r in rows if not r[4]]
    if not bad:
        return f"All {len(rows)} hand-derived entries agree with the library ({rule}).\n"
    table = [_difference_row(name, index, e, a, q) for name, index, e, a, _, q in bad]
    return (f"{len(bad)} of {len(rows)} hand-derived entries differ from the library "
            f"({rule}):\n"
            + format_table(["entry", "hand", "library", "abs error", "rel error"], table)
            + "\n")
