"""Switches for how ops behave: record a graph or not, check every op for nan/inf."""

import contextlib

from . import value as _value


@contextlib.contextmanager
def _modes(recording=None, anomaly=None):
    """Switch the given modes for the block, then restore both as they were."""
    before = (_value._recording, _value._anomaly)
    _value.set_modes(before[0] if recording is None else recording,
                     before[1] if anomaly is None else anomaly)
    try:
        yield
    finally:
        _value.set_modes(*before)


def no_grad():
    """Inside this block ops record no graph: every result is a leaf.

    Use it for evaluation and for parameter updates, which must not become
    part of the next step's graph.  Works as a decorator too (``@no_grad()``).
    """
    return _modes(recording=False)


def enable_grad():
    """Record a graph again inside a :func:`no_grad` block."""
    return _modes(recording=True)


def is_grad_enabled():
    """True when ops record the graph (outside :func:`no_grad`)."""
    return _value._recording


def detect_anomaly():
    """Raise :class:`~autograd.errors.AnomalyError` at the first nan or inf.

    Every op made inside the block checks its forward value, and remembers the
    lines of user code that created it; ``backward()`` on such a graph checks
    every chain-rule contribution.  The error names the op, its inputs, and
    where the node was created.  Slow: for debugging only.
    """
    return _modes(anomaly=True)
