"""How precise the inputs are, and what step size that calls for.

A central difference with step ε has round-off ≈ u·|F|/ε (u the unit round-off of
the arithmetic) and truncation ≈ ε²·|F'''|/6; the best step balances the two at
ε ≈ (3u)^(1/3)·max(1, |x|).  The engine computes in float64 (u ≈ 1.1e-16, best ε ≈ 7e-6),
but inputs that came from float32 (24-bit significand, u ≈ 6e-8) carry only about 7
significant digits: whatever else was computed from them in float32 (your
reference values, the function you are mirroring) is only that precise, and with
the default ε = 1e-6 its round-off divided by ε swamps the derivative.
"""

import math
import struct
import warnings

from .differences import UNIT_ROUNDOFF

__tracebackhide__ = True  # pytest hides this module's frames in failure reports

FLOAT32_ROUNDOFF = 2.0 ** -24


class PrecisionWarning(UserWarning):
    """The inputs carry fewer digits than the check needs."""


def _as_float32(x):
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return None


def came_from_float32(raw, x):
    """True for a float32 object (NumPy, or anything with a 4-byte ``dtype``), and for a
    float that is exactly a float32 but needs more than 9 significant digits to print,
    i.e. a float32 result such as 0.30000001192092896, not a short decimal such as 0.3 nor a
    short binary fraction such as 2⁻²³ (at most 12 significant bits)."""
    dtype = getattr(raw, "dtype", None)
    narrow = getattr(dtype, "kind", "") == "f" and getattr(dtype, "itemsize", 8) < 8
    if narrow:
        return True
    if _as_float32(x) != x or x == 0 or not math.isfinite(x):
        return False
    digits = repr(abs(x)).split("e")[0].replace(".", "").lstrip("0")
    return len(digits) > 9 and _significant_bits(x) > 12


def _significant_bits(x):
    """Bits of x's significand up to its last 1: 1 for powers of two, ~24 for float32 results."""
    significand = int(abs(math.frexp(x)[0]) * 2 ** 53)
    return significand.bit_length() - (significand & -significand).bit_length() + 1


def suggested_eps(x, u=FLOAT32_ROUNDOFF):
    """(3u)^(1/3)·max(1, |x|) to one significant digit: the step balancing round-off
    and truncation for arithmetic with unit round-off u."""
    return float(f"{(3 * u) ** (1 / 3) * max(1.0, abs(x)):.0e}")


def warn_if_imprecise(names, raws, point, context, advice, stacklevel=3):
    """Warn (:class:`PrecisionWarning`) about inputs with float32 precision, ending with
    ``advice`` (formatted with ``eps``, the suggested step); returns that step, or None
    when every input is a full float64."""
    flagged = [(n, x) for n, r, x in zip(names, raws, point) if came_from_float32(r, x)]
    if not flagged:
        return None
    eps_hint = max(suggested_eps(x) for _, x in flagged)
    shown = ", ".join(f"{n} = {x!r}" for n, x in flagged[:3]) + (" …" if len(flagged) > 3 else "")
    warnings.warn(
        f"{context}: {len(flagged)} input(s) carry float32 precision (about 7 significant "
        f"digits): {shown}. " + advice.format(eps=eps_hint),
        PrecisionWarning, stacklevel=stacklevel)
    return eps_hint


def difference_advice(eps):
    """What to do about float32 inputs when checking against finite differences."""
    return (f"If the function or your reference values are computed in float32 too, their "
            f"round-off (~{FLOAT32_ROUNDOFF:.1e}·|f|) divided by eps = {eps:g} swamps the "
            "derivative: pass eps={eps:g} (and rtol around 1e-3), or give float64 inputs.")


def method_line(eps, scale, of="f"):
    """The step and precision used, with the round-off expected in the differences of
    ``of`` (whose largest magnitude is ``scale``)."""
    roundoff = UNIT_ROUNDOFF * scale / eps
    return (f"central differences of {of} with step ε = {eps:g} in float64 (unit round-off "
            f"{UNIT_ROUNDOFF:.2g}); round-off in each difference ≈ u·|{of}|/ε = {roundoff:.2g}")
