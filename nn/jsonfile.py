"""Reading the JSON files users hand us (network, hand-derived and parameter files), bounded.

``json.loads`` alone turns a few hostile bytes into a traceback or a stall:
``"[" * 100000`` recurses until RecursionError, an integer such as 10**400 parses
but overflows when it becomes a float, ``NaN``/``Infinity``/``1e999`` (not JSON, yet
Python accepts them) slip in non-finite numbers, and ``/dev/zero`` never ends.
:func:`read_json` reads at most :data:`nn.limits.MAX_JSON_BYTES`, refuses nesting
deeper than :data:`nn.limits.MAX_JSON_DEPTH` before parsing, and accepts only
numbers a float can hold, so every problem is one line naming the file.
"""

import json
import re
from decimal import Decimal

from .limits import MAX_JSON_BYTES, MAX_JSON_DEPTH

__all__ = ["read_json", "loads"]

FLOAT_MAX_DIGITS = 309
"""An integer literal with more digits than this is beyond the float range (≈1.8e308)."""

# A JSON string (escapes included) or a bracket: brackets inside strings do not nest.
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class _BadNumber(ValueError):
    """Raised from the parser's number hooks; :func:`loads` adds the source."""


def _parse_int(text):
    digits = text.lstrip("-")
    too_large = len(digits) > FLOAT_MAX_DIGITS
    if not too_large:
        value = int(text)
        try:
            float(value)
        except OverflowError:
            too_large = True
    if too_large:
        shown = text if len(text) <= 20 else f"{text[:8]}…{text[-4:]} ({len(digits)} digits)"
        raise _BadNumber(f"the integer {shown} is too large: numbers must lie within "
                         f"±1.8e308 (the float range)")
    return value


def _parse_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _BadNumber(f"the number {text} is beyond the float range (±1.8e308)")
    return value


def _parse_decimal(text):
    # The digits as written (a grader reads the rounding a student chose), float-range checked.
    _parse_float(text)
    return Decimal(text)


def _parse_constant(name):
    raise _BadNumber(f"{name} is not a number JSON allows: every number must be finite")


def _too_deep(text):
    """(line, column) where nesting first exceeds MAX_JSON_DEPTH, or None."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None


def loads(text, source, decimals=False):
    """Parse the JSON ``text``; a ValueError naming ``source`` on any problem (bad JSON,
    nesting deeper than MAX_JSON_DEPTH, a number outside the float range, NaN).
    With ``decimals`` numbers with a fraction or exponent are ``Decimal``s, as written."""
    place = _too_deep(text)
    if place is not None:
        raise ValueError(f"{source}: JSON nested more than {MAX_JSON_DEPTH} levels deep "
                         f"(at line {place[0]} column {place[1]})")
    try:
        return json.loads(text, parse_int=_parse_int,
                          parse_float=_parse_decimal if decimals else _parse_float,
                          parse_constant=_parse_constant)
    except _BadNumber as e:
        raise ValueError(f"{source}: {e}") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{source}: invalid JSON at line {e.lineno} column {e.colno}: "
                         f"{e.msg}") from None


def _a(kind):
    """``kind`` with its article: "a network file", "an answer file"."""
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


def read_json(path, kind, error, max_bytes=MAX_JSON_BYTES, override=None, decimals=False):
    """The JSON document in the file at ``path`` (any readable file: a pipe or
    ``/dev/stdin`` too).

    Every problem raises ``error`` (an exception class) with a one-line message
    naming the file: missing or unreadable, not UTF-8, bigger than ``max_bytes``
    (None: no limit; ``override`` names the option that lifts it), or what
    :func:`loads` refuses.  ``kind`` says what the file should be ("network file");
    ``decimals`` as for :func:`loads`.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such {kind}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not {_a(kind)}") from None
    except OSError as e:
        raise error(f"{path}: cannot read the {kind} ({e.strerror or e})") from None
    if max_bytes is not None and len(raw) > max_bytes:
        lift = f"; {override} reads it anyway" if override else ""
        raise error(f"{path}: larger than {max_bytes} bytes, the limit for {_a(kind)}{lift}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not a text file; {_a(kind)} is UTF-8 JSON") from None
    if not text.strip():
        raise error(f"{path}: the file is empty; {_a(kind)} holds a JSON document")
    try:
        return loads(text, str(path), decimals)
    except ValueError as e:
        raise error(str(e)) from None
