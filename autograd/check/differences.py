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
  slopes s₀ … s₇ and their seven turns sₖ − sₖ₋₁;
* it takes away a smooth F's turn (the median turn, h·F″) and sums what is left around
  the point where it is largest: the turn that F makes at one place;
* it centres the next window, half the size, on that place (a kink, if there is one,
  lies within h of it).

A smooth F turns a little at every point, by amounts that differ only by about h²·F‴,
so what stands out at one place shrinks by 4 with each window, and is spread over the
window rather than in one place; at a kink with one-sided slopes l and r the whole of
r − l turns at one place, however small the window.  So F has a kink only where, three
windows in a row, a turn stands alone (CLEAR times any other, away from its neighbours:
round-off, which F computed with cancellation can carry far beyond u·|F|, scatters) and
stays the same size, while it is far above the round-off in the secants (u·|F|/h, which
grows as h shrinks and ends the zoom).  A smooth F that turns fast at the scale of ε
(tanh of a large argument, cos(10x)) turns evenly at a smaller scale: it is never called
a kink, however large ε is.

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


def _line(value, point, v, eps, known):
    """m -> (the offset actually taken, F(x + tv)) at t = ε·m, m a Fraction whose
    denominator is a power of two (so t is exact to one rounding, the same each time it is
    asked for, and each point is evaluated once); ``known`` gives F at some m already."""
    def moved(t):
        """(the point x + tv, the offset actually taken along v)."""
        p = shifted(point, v, t)
        if len(v) == 1:   # a coordinate: the distance between the two floats
            ((i, c),) = v.items()
            return p, (p[i] - point[i]) / c
        return p, t

    seen = {Fraction(m): (moved(eps * m)[1], f) for m, f in known.items()}

    def at(m):
        if m not in seen:
            p, t = moved(eps * m.numerator / m.denominator)
            seen[m] = (t, value(p))
        return seen[m]
    return at


def find_kink(value, point, v, eps, known=None):
    """Look for a kink of F(t) = ``value``(x + tv) within |t| < ε, from F alone (see the
    module docstring); ``known``: {m: F(x + mεv)} already evaluated, m in −1, 0, 1."""
    at = _line(value, point, v, eps, known or {})
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
        # The turn of slope at t₁ … t₇ less a smooth F's (the median turn, h·F″): at a kink
        # all of r − l turns at one point (or two neighbours), however small the window; a
        # smooth F's turns differ only by about h²·F‴.
        d = [s[k] - s[k - 1] for k in range(1, 8)]
        typical = sorted(d)[3]
        excess = [x - typical for x in d]
        peak = max(range(7), key=lambda k: abs(excess[k]))
        turn = math.fsum(excess[max(peak - 1, 0):peak + 2])
        if not abs(turn) > CLEAR * 12 * error / (eps * unit):
            break   # the slopes agree to within their round-off at this scale
        # Round-off (F computed with cancellation can carry far more than u·|F|) scatters
        # excess turns everywhere: count the turn only where it sits in one place.
        one_place = _one_place(excess, peak)
        if (not one_place and levels and levels[-1][0] == 0.0
                and abs(turn) < abs(levels[-1][5]) / 3):
            # Spread out twice and shrinking as a smooth F's: a kink still hidden under it
            # would be smaller than the difference's own truncation error, ε²·F‴/6.
            break
        levels.append((turn if one_place else 0.0, ts, fs, peak + 1, s, turn))
        if _steady([c for c, *_ in levels], 0.1):
            break
        # The next window, half the size, is centred on the point where the slope turned
        # most: the kink lies within one step of it.
        centre, unit = centre + (peak - 3) * unit, unit / 2
    if not _steady([c for c, *_ in levels], 0.25):
        return Kink(False, math.nan, math.nan, 0.0, 0.0, five_point)
    _, ts, fs, k, s, _ = levels[-1]
    # The kink lies between t_(k−1) and t_(k+1): the secants just outside are F's one-sided
    # slopes, and the lines through (t_(k−1), F_(k−1)) and (t_(k+1), F_(k+1)) with those
    # slopes meet at the kink (exactly, where F is straight on either side).
    left, right = s[max(k - 2, 0)], s[min(k + 1, 7)]
    meet = (fs[k + 1] - fs[k - 1] - right * ts[k + 1] + left * ts[k - 1]) / (left - right)
    width = ts[k + 1] - ts[k]
    where = min(max(meet, ts[k] - width), ts[k] + width)
    if abs(where) >= eps:   # only what lies between x − εv and x + εv spoils the difference
        return Kink(False, math.nan, math.nan, 0.0, 0.0, five_point)
    return Kink(True, left, right, where, width, five_point)


def _one_place(deviations, peak):
    """Whether the largest deviation (at ``peak``) stands alone: CLEAR times any other but
    its neighbours'.  Round-off (F computed with cancellation can carry far more than
    u·|F|) scatters deviations everywhere; a kink puts them in one place."""
    rest = [abs(x) for k, x in enumerate(deviations) if abs(k - peak) > 1]
    return abs(deviations[peak]) > CLEAR * max(rest, default=0.0)


def _steady(sizes, slack):
    """Whether the last three sizes, each from a window half the one before, stay the same
    to within ``slack`` (a kink's turn of slope) rather than shrinking (a smooth F's, by
    4 each time).  Zero marks a window where the turn was not in one place."""
    if len(sizes) < 3 or 0.0 in sizes[-3:]:
        return False
    last = sizes[-3:]
    return all(1 - slack <= b / a <= 1 / (1 - slack) for a, b in zip(last, last[1:]))


def between(a, left, right, atol, rtol):
    """Is ``a`` one of the one-sided slopes or between them (within tolerance)?"""
    lo, hi = min(left, right), max(left, right)
    slack = atol + rtol * (abs(lo) + abs(hi))
    return lo - slack <= a <= hi + slack
