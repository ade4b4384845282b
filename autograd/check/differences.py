"""Finite differences along a probe, and the judge of kinks, which reads F alone.

A probe is a direction v in input space: a coordinate axis eⱼ (one input) or a
random unit vector.  Steps are taken as x + tv and differences are divided by the
step actually taken (the floats x + εv and x − εv differ by exactly what they
differ by, not always by 2ε), so rounding of the point itself adds no error.

Where a central difference disagrees with the derivative under test, either the
derivative is wrong, ε is too large, or F has a kink between x − εv and x + εv (as
ReLU and |x| have at 0).  Only F can say which: the derivative under test is the
suspect, so it is never asked (a wrong derivative is "torn" wherever it is wrong).
:func:`find_kink` looks at F along v through windows halving in size, zooming in on
where F's slope turns:

* it samples F at nine points c + kh (k = −4 … 4) of a window, giving eight secant
  slopes s₀ … s₇, and the change of slope across the window, s₇ − s₀;
* it centres the next window, half the size, on the point where the slope turned
  most against the trend of the others (a kink, if there is one, lies within h of it).

Across a smooth F the change of slope is about 7h·F'', so it halves with the window
(or faster, at an inflection), and it is spread over the window; across a kink with
one-sided slopes l and r it stays r − l however small the window, all at one point.
So F has a kink only where, three windows in a row, the change sits in one place and
stops halving, while it stays far above the round-off in the secants (u·|F|/h, which
grows as h shrinks and ends the zoom).  A smooth F that turns fast at the scale of ε
(tanh of a large argument, cos(10x)) turns slower as the window shrinks: it is never
called a kink, however large ε is.

The first window's points also give the five-point difference (8F(x + hv) −
8F(x − hv) − F(x + 2hv) + F(x − 2hv)) / 12h with h = ε/2, accurate to O(ε⁴): when it
agrees with the derivative under test but the central difference does not, ε is
too large for the tolerance.
"""

import math
import sys
from dataclasses import dataclass
from fractions import Fraction

__tracebackhide__ = True  # pytest hides this module's frames in failure reports

UNIT_ROUNDOFF = sys.float_info.epsilon / 2  # float64: 1.1e-16

LEVELS = 16
"""The most windows the judge looks at; each halves the last (16: down to ε/2¹⁵)."""

ROUNDOFF_MARGIN = 64
"""The round-off assumed in each value of F, in units of u·|F|: generous, since F is
itself computed in many roundings."""

CLEAR = 16
"""A change of slope counts only when it exceeds the round-off in it this many times."""


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
    """What the judge found along a probe (module docstring)."""

    found: bool
    """F's slope changes abruptly between x − εv and x + εv."""
    left: float
    right: float
    """F's one-sided slopes just before and just after the kink."""
    offset: float
    """Where the kink is, as a multiple t of v from x (meaningful when found)."""
    width: float
    """The kink lies within this distance (along v) of ``offset``."""
    five_point: float
    """The five-point difference of F at x (module docstring)."""


def _line(value, point, v, eps):
    """m -> (the offset actually taken, F(x + tv)) at t = ε·m, m a Fraction whose
    denominator is a power of two (so t is exact to one rounding, the same each time it is
    asked for, and each point is evaluated once)."""
    if len(v) == 1:
        ((i, c),) = v.items()
        x = point[i]

        def evaluate(t):
            moved = list(point)
            moved[i] = x + t * c
            return (moved[i] - x) / c, value(moved)
    else:
        def evaluate(t):
            return t, value(shifted(point, v, t))
    seen = {}

    def at(m):
        if m not in seen:
            seen[m] = evaluate(eps * m.numerator / m.denominator)
        return seen[m]
    return at


def find_kink(value, point, v, eps):
    """Look for a kink of F(t) = ``value``(x + tv) within |t| < ε, from F alone (see the
    module docstring)."""
    at = _line(value, point, v, eps)
    # A direction moves every coordinate, each rounded on its own: F is then read a little
    # off the line, by up to u·|xᵢ| in each coordinate.
    off_line = UNIT_ROUNDOFF * math.fsum(abs(x) for x in point) if len(v) > 1 else 0.0
    centre, unit = Fraction(0), Fraction(1, 4)   # the window: centre + k·unit, k = −4 … 4 (×ε)
    levels, five_point = [], math.nan
    for _ in range(LEVELS):
        ts, fs = zip(*(at(centre + k * unit) for k in range(-4, 5)))
        if not all(map(math.isfinite, fs)):
            break
        s = [(fs[k + 1] - fs[k]) / (ts[k + 1] - ts[k]) for k in range(8)]
        if math.isnan(five_point):
            five_point = (8 * (fs[6] - fs[2]) - (fs[8] - fs[0])) / (3 * (ts[8] - ts[0]))
        error = ROUNDOFF_MARGIN * (UNIT_ROUNDOFF * max(map(abs, fs))
                                   + off_line * max(map(abs, s)))   # in each value of F
        change = s[7] - s[0]
        if not abs(change) > CLEAR * 4 * error / (eps * unit):
            break   # the slopes agree to within their round-off at this scale
        # At a kink the slope turns all at one point (or two neighbours), where a smooth F
        # turns a little at each; the turn counts only then (curvature spread over a coarse
        # window may still hide a kink: the next, smaller window shows it).
        d = [s[k] - s[k - 1] for k in range(1, 8)]          # the turn of slope at t₁ … t₇
        typical = sorted(d)[3]                               # a smooth F's turn (the median)
        k_star = 1 + max(range(7), key=lambda k: abs(d[k] - typical))
        one_place = _one_place([x - typical for x in d], k_star - 1)
        levels.append((change if one_place else 0.0, ts, fs, k_star))
        if _steady([c for c, *_ in levels], 0.1):
            break
        # The next window, half the size, is centred on the point where the slope turned
        # most against the trend: the kink lies within one step of it.
        centre, unit = centre + (k_star - 4) * unit, unit / 2
    if not _steady([c for c, *_ in levels], 0.25):
        return Kink(False, math.nan, math.nan, 0.0, 0.0, five_point)
    _, ts, fs, k_star = levels[-1]
    s0, s7 = ((fs[k + 1] - fs[k]) / (ts[k + 1] - ts[k]) for k in (0, 7))
    # Where the lines through (t₁, F₁) with slope s₀ and through (t₇, F₇) with slope s₇
    # meet: exactly at the kink when F is straight on either side.
    meet = (fs[7] - fs[1] - s7 * ts[7] + s0 * ts[1]) / (s0 - s7)
    width = ts[k_star + 1] - ts[k_star]
    where = min(max(meet, ts[k_star] - width), ts[k_star] + width)
    if abs(where) >= eps:   # only what lies between x − εv and x + εv spoils the difference
        return Kink(False, math.nan, math.nan, 0.0, 0.0, five_point)
    # One-sided slopes from a window a few halvings in: centred on the kink, small enough
    # for curvature, large enough for round-off.
    _, ts, fs, _ = levels[min(len(levels) - 1, 3)]
    left, right = ((fs[k + 1] - fs[k]) / (ts[k + 1] - ts[k]) for k in (0, 7))
    return Kink(True, left, right, where, width, five_point)


def _one_place(deviations, peak):
    """Whether the largest deviation (at ``peak``) stands alone: CLEAR times any other but
    its neighbours'.  Round-off (F computed with cancellation can carry far more than
    u·|F|) scatters deviations everywhere; a kink puts them in one place."""
    rest = [abs(x) for k, x in enumerate(deviations) if abs(k - peak) > 1]
    return abs(deviations[peak]) > CLEAR * max(rest, default=0.0)


def _steady(sizes, slack):
    """Whether the last three sizes, each from a window half the one before, stay the same
    to within ``slack`` (a kink's change of slope) rather than halving or faster (a smooth
    F's).  Zero marks a window where the change was not in one place."""
    if len(sizes) < 3 or 0.0 in sizes[-3:]:
        return False
    last = sizes[-3:]
    return all(1 - slack <= b / a <= 1 / (1 - slack) for a, b in zip(last, last[1:]))


def between(a, left, right, atol, rtol):
    """Is ``a`` one of the one-sided slopes or between them (within tolerance)?"""
    lo, hi = min(left, right), max(left, right)
    slack = atol + rtol * (abs(lo) + abs(hi))
    return lo - slack <= a <= hi + slack
