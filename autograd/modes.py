"""Switches for how ops behave, per thread: record a graph or not, check every op for nan/inf.

Like PyTorch's grad mode, each thread has its own modes and a new thread
starts with the defaults (recording on, anomaly checks off): one thread inside
:func:`no_grad` never turns another thread's graphs into leaves.  Blocks nest
and restore what was there before, also when the block raises.

The engine's hot path asks one question per op, ``open_blocks``: is any
thread inside a mode block at all?  Only when one is does it look up the
calling thread's own modes.
"""

import contextlib
import threading


class _ThreadModes(threading.local):
    recording = True   # False inside no_grad(): results are leaves
    anomaly = False    # True inside detect_anomaly(): check every result


_mine = _ThreadModes()
open_blocks = []
"""One entry per mode block open in any thread: empty (false) while every thread has
the default modes.  The engine tests it on every op; only this module changes it."""


def recording():
    """True when the calling thread's ops record the graph."""
    return _mine.recording


def anomaly():
    """True when the calling thread is inside :func:`detect_anomaly`."""
    return _mine.anomaly


@contextlib.contextmanager
def _modes(**changes):
    """Switch the calling thread's modes for the block, then restore them as they were."""
    before = {name: getattr(_mine, name) for name in changes}
    open_blocks.append(changes)  # list.append and .pop are atomic under the GIL
    try:
        for name, on in changes.items():
            setattr(_mine, name, on)
        yield
    finally:
        for name, on in before.items():
            setattr(_mine, name, on)
        open_blocks.pop()


def no_grad():
    """Inside this block the calling thread's ops record no graph: every result is a leaf.

    Use it for evaluation and for parameter updates, which must not become
    part of the next step's graph.  Works as a decorator too (``@no_grad()``).
    Calling ``backward()`` on a result made here raises (it has no graph).
    """
    return _modes(recording=False)


def enable_grad():
    """Record a graph again inside a :func:`no_grad` block."""
    return _modes(recording=True)


def is_grad_enabled():
    """True when the calling thread's ops record the graph (outside :func:`no_grad`)."""
    return _mine.recording


def detect_anomaly():
    """Raise :class:`~autograd.errors.AnomalyError` at the first nan or inf.

    Every op the calling thread makes inside the block checks its forward
    value, and remembers the lines of user code that created it; ``backward()``
    on such a graph checks every chain-rule contribution.  The error names the
    op, its inputs, and where the node was created.  Slow: for debugging only.
    """
    return _modes(anomaly=True)
