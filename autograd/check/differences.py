"""Finite differences along a probe, and the kink detector.

A probe is a direction v in input space: a coordinate axis eⱼ (one input) or a
random unit vector.  Steps are taken as x + kεv and the difference is divided by
the step actually taken (the floats x + εv and x − εv differ by exactly what
they differ by, not always by 2ε), so rounding of the point itself adds no error.

Kink detector (after Chainer's ``detect_nondifferentiable``): at a point where
the central difference disagrees with the engine, the one-sided second-order
differences

    D₋ = (3F(x) − 4F(x − εv) + F(x − 2εv)) / 2ε
    D₊ = (−3F(x) + 4F(x + εv) − F(x + 2εv)) / 2ε

are compared.  For a smooth F both equal the derivative up to O(ε²); when they
disagree by more than the tolerance and the round-off, F has a kink within 2ε.
"""

import sys

__tracebackhide__ = True  # pytest hides this module's frames in failure reports

UNIT_ROUNDOFF = sys.float_info.epsilon / 2  # float64: 1.1e-16


def shifted(point, v, t):
    """point + t·v, v a {index: component} dict."""
    moved = list(point)
    for i, c in v.items():
        moved[i] = point[i] + t * c
    return moved


def central(value, point, v, eps):
    """(F(x + εv) − F(x − εv)) / step, and the two function values.

    For a coordinate probe the step is the exact distance between the two
    floats; for a direction it is 2ε."""
    up, down = shifted(point, v, eps), shifted(point, v, -eps)
    hi, lo = value(up), value(down)
    if len(v) == 1:
        ((i, c),) = v.items()
        step = (up[i] - down[i]) / c
    else:
        step = 2 * eps
    return (hi - lo) / step, hi, lo


def one_sided(value, point, v, eps, hi, lo):
    """D₋, D₊ and the estimated offset of the kink along v (see the module docstring),
    plus the largest |F| seen, for the round-off estimate."""
    f0, f2, fm2 = value(point), value(shifted(point, v, 2 * eps)), value(shifted(point, v, -2 * eps))
    left = (3 * f0 - 4 * lo + fm2) / (2 * eps)
    right = (-3 * f0 + 4 * hi - f2) / (2 * eps)
    # The outer secants are each on one side of a kink lying within ±ε: where the
    # two lines through them meet is the kink.
    s_left, s_right = (lo - fm2) / eps, (f2 - hi) / eps
    if s_left != s_right:
        offset = (hi - lo - eps * (s_left + s_right)) / (s_left - s_right)
        offset = min(max(offset, -2 * eps), 2 * eps)
    else:
        offset = 0.0
    return left, right, offset, max(abs(f0), abs(f2), abs(fm2), abs(hi), abs(lo))


def is_kink(left, right, scale, eps, atol, rtol):
    """True when the one-sided differences disagree beyond the tolerance and beyond
    their round-off (8 rounding errors of size u·|F| over 2ε each, with room)."""
    noise = 100 * UNIT_ROUNDOFF * scale / eps
    return abs(left - right) > atol + rtol * (abs(left) + abs(right)) + noise


def between(a, left, right, atol, rtol):
    """Is ``a`` one of the one-sided slopes or between them (within tolerance)?"""
    lo, hi = min(left, right), max(left, right)
    slack = atol + rtol * (abs(lo) + abs(hi))
    return lo - slack <= a <= hi + slack
