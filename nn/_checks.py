"""Argument checks shared by nn's modules; each error names the setting and the value."""

import numbers


def is_number(x):
    """True for an int or float (a bool is not a number here)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def number(value, what):
    """``value`` as a float, or TypeError "<what> must be a number, got …"."""
    if not is_number(value):
        raise TypeError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def non_negative(value, what):
    """``value`` as a float ≥ 0, or an error naming ``what``."""
    value = number(value, what)
    if not value >= 0.0:
        raise ValueError(f"{what} must be >= 0, got {value!r}")
    return value


def positive_int(value, what):
    """``value`` if it is an int ≥ 1, else ValueError "<what> must be a positive int, got …"."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return value


def document_format(document, expected_format, version, where):
    """Check a JSON document's ``format`` tag and ``version``; errors start with ``where``."""
    if not isinstance(document, dict) or document.get("format") != expected_format:
        raise ValueError(f"{where} is not a {expected_format} document "
                         f"(no \"format\": \"{expected_format}\" entry)")
    found = document.get("version")
    if isinstance(found, bool) or found != version:   # True == 1, but is no version
        raise ValueError(f"{where} has format version {found!r}; "
                         f"this backproplab reads version {version}")
