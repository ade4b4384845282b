"""The functions the primitives' rules are written in: e^x, ln x, √x, σ, tanh, softplus, erf.

Each takes a float and computes carefully where Python's ``math`` does not (the policy
is stated once, in :mod:`autograd.errors`): ±inf past the float range instead of
``OverflowError``, an error naming the operation and the operand outside its domain
instead of "math domain error", σ without overflow at any magnitude, nan in gives nan
out.  Each also takes a ``Value`` and then returns the node its method of the same name
makes: a rule in :mod:`autograd.ops` called with Values records its local derivatives as
a graph of their own, which is how second derivatives work without a second table.

A leaf module: it imports nothing from the engine.
"""

import math

from .errors import DivisionByZeroError, DomainError


def exp(x):
    """e^x; inf past x ≈ 709.78 = ln(largest float), as IEEE."""
    if type(x) is not float:
        return x.exp()
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def log(x):
    """ln x for x > 0; DomainError otherwise."""
    if type(x) is not float:
        return x.log()
    if x > 0.0 or x != x:
        return math.log(x)
    raise DomainError(f"log(x) needs x > 0; got x = {x!r}")


def sqrt(x):
    """√x for x ≥ 0; DomainError otherwise."""
    if type(x) is not float:
        return x.sqrt()
    if x >= 0.0 or x != x:
        return math.sqrt(x)
    raise DomainError(f"sqrt(x) needs x >= 0; got x = {x!r}")


def sigmoid(x):
    """σ(x) = 1/(1 + e^−x), taking e^t only of t ≤ 0: no overflow, σ(±1000) is exactly 1 or 0."""
    if type(x) is not float:
        return x.sigmoid()
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def tanh(x):
    """tanh x."""
    return math.tanh(x) if type(x) is float else x.tanh()


def tanh_derivative(x):
    """1 − tanh²x for a float, to within a few ulps everywhere, also where tanh x rounds
    to ±1 (there the naive 1 − a² is 0): 1 − a² for |x| < 0.75, where it is as accurate
    as 1/cosh²x (both within 2 ulps; past 0.75 the cancellation in 1 − a² costs more),
    1/cosh²x further out, and 4e^(−2|x|) once cosh²x ≈ e^(2|x|)/4 to the last bit
    (|x| ≥ 20)."""
    a = abs(x)
    if a < 0.75:
        t = math.tanh(x)
        return 1.0 - t * t
    if a < 20.0:
        c = math.cosh(x)
        return 1.0 / (c * c)
    return 4.0 * math.exp(-2.0 * a)


def softplus(x):
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|), which never overflows."""
    if type(x) is not float:
        return x.softplus()
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def erf(x):
    """erf x = (2/√π) ∫₀ˣ e^(−t²) dt."""
    return math.erf(x) if type(x) is float else x.erf()


def data(x):
    """The number of a float or of a Value."""
    return x if type(x) is float else x.data


def exponent_as_float(k):
    """The constant exponent k as a float; an int past the float range becomes ±inf
    (0.5 ** 10**400 is 0, not an error)."""
    try:
        return float(k)
    except OverflowError:
        return math.inf if k > 0 else -math.inf


def power(a, k):
    """a^k for floats: an error where a^k is undefined, ±inf past the float range."""
    if a == 0.0 and k < 0:
        raise DivisionByZeroError(f"0 ** {k!r}: zero to a negative power divides by zero")
    if a < 0.0 and math.isfinite(k) and not k.is_integer():
        raise DomainError(
            f"({a!r}) ** {k!r}: a negative base to a fractional power is not a real number"
        )
    try:
        return a ** k
    except OverflowError:  # past the float range: ±inf as IEEE
        odd = math.isfinite(k) and k.is_integer() and k % 2 == 1
        return -math.inf if a < 0.0 and odd else math.inf


def ieee_sum(xs):
    """Σ xs correctly rounded (``math.fsum``), with IEEE results where fsum would raise:
    inf + (−inf) is nan, and a sum past the float range is ±inf."""
    try:
        return math.fsum(xs)
    except OverflowError:  # an intermediate partial sum overflowed: sum halves, double back
        return 2.0 * math.fsum([x * 0.5 for x in xs])
    except ValueError:     # both +inf and −inf among the terms
        return math.nan
