"""Argument checks shared by nn's modules, each stated once; every error names the setting
and the offending value."""

import math
import numbers
import random

_GLOBAL_RANDOM = random.random.__self__
"""The ``random.Random`` behind the module-level functions that ``random.seed`` seeds."""


def is_number(x, finite=False):
    """True for an int or float (a bool is not a number here); with ``finite``, also not
    nan or ±inf."""
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        return False
    if not finite:
        return True
    try:
        return math.isfinite(x)
    except OverflowError:   # an int beyond the float range, such as 10**400
        return False


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


def rng(seed, what="seed"):
    """The ``random.Random`` to draw from: a private one seeded with an int ``seed``,
    ``seed`` itself if it is a ``random.Random``, or for None Python's global one (so
    ``random.seed(1337)`` before the call decides the draws, as in micrograd)."""
    if seed is None:
        return _GLOBAL_RANDOM
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"{what} must be an int, None or a random.Random, "
                    f"got {type(seed).__name__} {seed!r}")


def one_line(error):
    """An exception's message on one line (an error message quotes it inside its own)."""
    return " ".join(str(error).split()) or type(error).__name__


def short(x, width=60):
    """``repr(x)``, cut to ``width`` characters: how a message shows an offending value."""
    text = repr(x)
    return text if len(text) <= width else text[:width - 1] + "…"
