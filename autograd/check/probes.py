"""Which directions a check differentiates along: every coordinate, a random sample of
coordinates of every parameter, or a few random directions.

Inputs labelled ``W^[1]_2,1`` and ``W^[1]_1,2`` belong to one parameter, ``W^[1]``
(the label up to its last ``_``); ``samples=k`` checks k coordinates of each (the
course advice: a few dimensions of every parameter).  ``directions=k`` checks k
directional derivatives ∇F·v, v uniform on the unit sphere: one pair of function
evaluations per direction instead of one per input (JAX's ``check_grads``).
"""

import math
import random
from dataclasses import dataclass

__tracebackhide__ = True  # pytest hides this module's frames in failure reports


@dataclass(frozen=True)
class Probe:
    name: str
    index: int | None
    """The input this probe moves (None for a direction)."""
    v: dict
    """The direction as {input index: component}."""


def group_of(name):
    """The parameter an input belongs to: its label up to the last ``_``."""
    head, sep, _ = name.rpartition("_")
    return head if sep and head else name


def choose(names, samples=None, directions=None, seed=0, context="gradcheck()"):
    """The probes for inputs named ``names`` (see the module docstring)."""
    if samples is not None and directions is not None:
        raise ValueError(f"{context}: give samples= or directions=, not both "
                         f"(got samples={samples!r}, directions={directions!r})")
    rng = random.Random(seed)
    if directions is not None:
        _positive(directions, "directions", context)
        return [Probe(f"direction {k}", None, _unit_vector(len(names), rng))
                for k in range(1, directions + 1)]
    indices = range(len(names))
    if samples is not None:
        _positive(samples, "samples", context)
        groups = {}
        for i, name in enumerate(names):
            groups.setdefault(group_of(name), []).append(i)
        indices = sorted(i for members in groups.values()
                         for i in rng.sample(members, min(samples, len(members))))
    return [Probe(names[i], i, {i: 1.0}) for i in indices]


def _positive(k, what, context):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"{context}: {what} must be a positive whole number, got {k!r}")


def _unit_vector(n, rng):
    while True:
        v = [rng.gauss(0.0, 1.0) for _ in range(n)]
        norm = math.sqrt(sum(c * c for c in v))
        if norm > 1e-12:
            return {i: c / norm for i, c in enumerate(v)}
