"""Switches for how ops behave: record a graph or not, check every op for nan/inf."""

import contextlib

from . import value as _value


@contextlib.contextmanager
def no_grad():
    """Inside this block ops record no graph: every result is a leaf.

    Use it for evaluation and for parameter updates, which must not become
    part of the next step's graph.  Works as a decorator too.
    """
    previous = _value._recording
    _value.set_modes(False, _value._anomaly)
    try:
        yield
    finally:
        _value.set_modes(previous, _value._anomaly)


@contextlib.contextmanager
def enable_grad():
    """Record a graph again inside a :func:`no_grad` block."""
    previous = _value._recording
    _value.set_modes(True, _value._anomaly)
    try:
        yield
    finally:
        _value.set_modes(previous, _value._anomaly)


def is_grad_enabled():
    """True when ops record the graph (outside :func:`no_grad`)."""
    return _value._recording


@contextlib.contextmanager
def detect_anomaly():
    """Raise :class:`~autograd.errors.AnomalyError` at the first nan or inf.

    Every op made inside the block checks its forward value, and remembers the
    lines of user code that created it; ``backward()`` on such a graph checks
    every chain-rule contribution.  The error names the op, its inputs, and
    where the node was created.  Slow: for debugging only.
    """
    previous = _value._anomaly
    _value.set_modes(_value._recording, True)
    try:
        yield
    finally:
        _value.set_modes(_value._recording, previous)
