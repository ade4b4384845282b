"""Finite differences along a probe, and the kink detector.

A probe is a direction v in input space: a coordinate axis eⱼ (one input) or a
random unit vector.  Steps are taken as x + kεv and the difference is divided by
the step actually taken (the floats x + εv and x − εv differ by exactly what
they differ by, not always by 2ε), so rounding of the point itself adds no error.

Kink detector (after Chainer's ``detect_nondifferentiable``, which also looks at
five points): where the central difference disagrees with the engine, F is
evaluated at x + kεv, k = −2 … 2, giving four consecutive secant slopes
s₁ … s₄ (sₖ = (F(x + (k − 2)εv) − F(x + (k − 3)εv)) / ε).  For a smooth F they
change steadily, by about ε·F'' from one to the next, so their second differences
(s₃ − 2s₂ + s₁ and s₄ − 2s₃ + s₂) are only ε²·F''', a small fraction of the total
change s₄ − s₁ ≈ 3ε·F''.  A kink with slopes l and r between x − εv and x + εv
makes s₁ = l, s₄ = r and one of those second differences at least |r − l|/3,
wherever it sits; the detector asks for a quarter.  Any kink (or several) within
2ε of x makes the finite differences unreliable judges, so a disagreement there is
"not differentiable here", never a mismatch; a correct derivative at a single kink
(one of the one-sided slopes, or a value between them such as ReLU'(0) = 0 or
|x|'(0) = 0) lies between s₁ and s₄.

Kinks can also meet at x so that F is smooth along the probe while the engine's
gradient at x is a convention (relu(z) − relu(−z) = z, differentiated at z = 0 with
ReLU'(0) = 0 twice, gives 0): then the engine's gradient just off the point,
at x ± εv, agrees with the difference while its value at x does not.

The same five points give the five-point difference (8F(x + εv) − 8F(x − εv) −
F(x + 2εv) + F(x − 2εv)) / 12ε, accurate to O(ε⁴): when it agrees with the engine
but the central difference does not, ε is too large for the tolerance.
"""

import sys
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Kink:
    """What the five-point look at a failing element found."""

    found: bool
    """A kink lies between x − εv and x + εv."""
    left: float
    right: float
    """The outer secants s₁ and s₄: the one-sided slopes."""
    offset: float
    """Where the kink is, as a multiple t of v from x (meaningful when found)."""
    five_point: float
    """The five-point difference (module docstring)."""
    bend: float
    """s₃ − s₂ ≈ ε·F'': how much a smooth F's slope turns from x − εv/2 to x + εv/2."""
    noise: float
    """The round-off in a secant or a difference of them."""


def look_for_kink(value, point, v, eps, hi, lo, atol):
    """Apply the kink detector (module docstring) along v at point; ``hi``, ``lo`` are
    F(x ± εv), already known from the central difference."""
    f0 = value(point)
    f2, fm2 = value(shifted(point, v, 2 * eps)), value(shifted(point, v, -2 * eps))
    s1, s2, s3, s4 = [(b - a) / eps for a, b in ((fm2, lo), (lo, f0), (f0, hi), (hi, f2))]
    five_point = (8 * (hi - lo) - (f2 - fm2)) / (12 * eps)
    jump = max(abs(s3 - 2 * s2 + s1), abs(s4 - 2 * s3 + s2))
    # round-off: each secant carries ~2u·|F|/ε, a second difference of them four of those
    noise = 100 * UNIT_ROUNDOFF * max(abs(f0), abs(f2), abs(fm2), abs(hi), abs(lo)) / eps
    # Not the tolerances: where kinks meet (ReLUs whose inputs vanish together) the slopes
    # may differ by less than they allow while the engine's convention value differs more.
    # But more than a difference can resolve (about 1e-8 relative): near an inflection
    # point a smooth F's secants turn by only ε²·F‴, in the shape of a kink.
    sides_differ = abs(s4 - s1) > noise + 1e-8 * (abs(s1) + abs(s4)) + 1e-3 * atol
    if not sides_differ or jump < abs(s4 - s1) / 4:
        return Kink(False, s1, s4, 0.0, five_point, s3 - s2, noise)
    # The lines through F(x − εv) with slope s₁ and through F(x + εv) with slope s₄
    # meet at the kink when one lies between those two points.
    offset = (hi - lo - eps * (s1 + s4)) / (s1 - s4)
    return Kink(True, s1, s4, min(max(offset, -2 * eps), 2 * eps), five_point, s3 - s2, noise)


def between(a, left, right, atol, rtol):
    """Is ``a`` one of the one-sided slopes or between them (within tolerance)?"""
    lo, hi = min(left, right), max(left, right)
    slack = atol + rtol * (abs(lo) + abs(hi))
    return lo - slack <= a <= hi + slack
