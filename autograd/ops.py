"""Every primitive of the engine: its forward rule and its local derivative, side by side.

This module is the table a reader checks hand derivations against.  Each
primitive is one function ``rule(*inputs) -> (z, ∂z/∂input₁, ∂z/∂input₂, …)``:
the output first, then one local derivative per input.

The same rule serves two purposes:

* called with floats (the normal case), it gives the forward value and the
  local derivatives as floats; :class:`~autograd.Value` stores both on the node;
* called with :class:`~autograd.Value` inputs (``grad(..., create_graph=True)``),
  the derivatives come back as ``Value`` s with graphs of their own, which is
  how second derivatives and Hessians work without a second table.

The helpers ``exp``, ``log``, ``sigmoid``, ... below dispatch on that: floats go
to numerically careful float code, ``Value`` s to the matching ``Value`` method.

Conventions worth knowing (PyTorch and JAX agree on all of them):

* ReLU'(0) = 0 and ``abs``'(0) = 0.
* σ'(z) is computed as σ(z)·σ(−z), which equals σ(z)(1 − σ(z)) but stays
  representable where σ(z) rounds to 1.0 (σ'(50) ≈ 1.9287e-22, not 0).
* tanh'(z) = 1 − a² is computed as 4σ(2z)σ(−2z) for the same reason.
* Out-of-domain inputs raise :class:`~autograd.errors.NumericalError` naming the
  operation and the operand (see :mod:`autograd.errors`).
"""

import math
from operator import mul as _mul

from .errors import DivisionByZeroError, DomainError, FloatOverflowError

_LOG_MAX = math.log(1.7976931348623157e308)  # ≈ 709.78: largest x with finite e^x

PRIMITIVES = {}
"""Name -> rule, for every primitive; pictures and docs read it."""


def primitive(symbol):
    """Register ``rule`` as a primitive shown as ``symbol`` in graphs.

    The rule's name, less a trailing underscore, is the primitive's name."""

    def register(rule):
        rule.symbol = symbol
        rule.op_name = rule.__name__.rstrip("_")
        PRIMITIVES[rule.op_name] = rule
        return rule

    return register


# --------------------------------------------------------------------------
# Careful float functions.  Each raises a NumericalError naming itself and
# the operand instead of Python's bare "math domain error".
# --------------------------------------------------------------------------

def _exp_float(x):
    try:
        return math.exp(x)
    except OverflowError:
        raise FloatOverflowError(
            f"exp({x!r}) overflows: e^x exceeds the largest float for x > {_LOG_MAX:.2f}"
        ) from None


def _log_float(x):
    if x > 0.0:
        return math.log(x)
    raise DomainError(f"log(x) needs x > 0; got x = {x!r}")


def _sqrt_float(x):
    if x >= 0.0:
        return math.sqrt(x)
    raise DomainError(f"sqrt(x) needs x >= 0; got x = {x!r}")


def _sigmoid_float(x):
    # Two branches so that e^t is only ever taken of t <= 0: no overflow, and
    # sigmoid(1000) == 1.0, sigmoid(-1000) == 0.0 exactly.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus_float(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _logsumexp_float(xs):
    m = max(xs)
    if m == math.inf or m == -math.inf:
        return m
    return m + math.log(math.fsum([math.exp(x - m) for x in xs]))


def _pow_float(a, k):
    if a == 0.0 and k < 0:
        raise DivisionByZeroError(f"0 ** {k!r}: zero to a negative power divides by zero")
    if a < 0.0 and k != int(k):
        raise DomainError(
            f"({a!r}) ** {k!r}: a negative base to a fractional power is not a real number"
        )
    try:
        return a ** k
    except OverflowError:
        raise FloatOverflowError(f"{a!r} ** {k!r} overflows the float range") from None


def _dispatch(float_fn, method):
    def fn(x):
        return float_fn(x) if type(x) is float else getattr(x, method)()

    fn.__name__ = method
    return fn


exp = _dispatch(_exp_float, "exp")
log = _dispatch(_log_float, "log")
sqrt = _dispatch(_sqrt_float, "sqrt")
sigmoid = _dispatch(_sigmoid_float, "sigmoid")
tanh = _dispatch(math.tanh, "tanh")
softplus = _dispatch(_softplus_float, "softplus")


def _data(x):
    return x if type(x) is float else x.data


# --------------------------------------------------------------------------
# The table.  Notation: z is the output, a, b, x the inputs.
# --------------------------------------------------------------------------

@primitive("+")
def add(a, b):
    """z = a + b;   ∂z/∂a = 1,   ∂z/∂b = 1"""
    return a + b, 1.0, 1.0


@primitive("−")
def sub(a, b):
    """z = a − b;   ∂z/∂a = 1,   ∂z/∂b = −1"""
    return a - b, 1.0, -1.0


@primitive("×")
def mul(a, b):
    """z = a·b;   ∂z/∂a = b,   ∂z/∂b = a"""
    return a * b, b, a


@primitive("÷")
def div(a, b):
    """z = a / b;   ∂z/∂a = 1/b,   ∂z/∂b = −a/b² = −z/b"""
    if _data(b) == 0.0:
        raise DivisionByZeroError(f"division by zero: {_data(a)!r} / 0.0")
    z = a / b
    return z, 1.0 / b, -z / b


@primitive("−")
def neg(x):
    """z = −x;   ∂z/∂x = −1"""
    return -x, -1.0


@primitive("pow")
def pow_const(a, k):
    """z = a^k for a constant number k;   ∂z/∂a = k·a^(k−1)

    At a = 0 with k < 1 the derivative is infinite and is returned as inf
    (the forward value 0^k is still fine, e.g. √0 = 0)."""
    is_float = type(a) is float
    z = _pow_float(a, k) if is_float else a ** k
    if k == 0:
        return z, 0.0
    if _data(a) == 0.0 and k < 1:
        return z, math.inf
    return z, k * (_pow_float(a, k - 1) if is_float else a ** (k - 1))


@primitive("pow")
def pow_(a, b):
    """z = a^b with a differentiable exponent;   ∂z/∂a = b·a^(b−1),   ∂z/∂b = z·ln a

    Needs a > 0 (or a = 0 with b > 0): for a negative base a^b is not a real
    function of b.  Use a number exponent for integer powers of negative bases."""
    ad, bd = _data(a), _data(b)
    if ad < 0.0 or (ad == 0.0 and bd <= 0.0):
        raise DomainError(
            f"a ** b with a Value exponent needs a > 0 (∂z/∂b = z·ln a); got a = {ad!r}, "
            f"b = {bd!r}; use a plain number exponent for powers of negative bases"
        )
    if type(a) is float:
        z = _pow_float(a, b)
        da = b * _pow_float(a, b - 1.0) if a != 0.0 else (math.inf if b < 1.0 else float(b == 1.0))
        return z, da, (z * math.log(a) if a != 0.0 else 0.0)
    z = a ** b
    return z, b * a ** (b - 1.0), z * log(a)


@primitive("exp")
def exp_(x):
    """z = e^x;   ∂z/∂x = e^x = z"""
    z = exp(x)
    return z, z


@primitive("log")
def log_(x):
    """z = ln x (x > 0);   ∂z/∂x = 1/x"""
    return log(x), 1.0 / x


@primitive("sqrt")
def sqrt_(x):
    """z = √x (x ≥ 0);   ∂z/∂x = 1/(2√x)  (inf at x = 0)"""
    z = sqrt(x)
    if _data(z) == 0.0:
        return z, math.inf
    return z, 0.5 / z


@primitive("tanh")
def tanh_(x):
    """a = tanh z;   ∂a/∂z = 1 − a²  (computed as 4σ(2z)σ(−2z), exact where a rounds to ±1)"""
    return tanh(x), 4.0 * sigmoid(2.0 * x) * sigmoid(-2.0 * x)


@primitive("σ")
def sigmoid_(x):
    """a = σ(z) = 1/(1 + e^−z);   ∂a/∂z = σ(z)(1 − σ(z))  (computed as σ(z)·σ(−z))"""
    s = sigmoid(x)
    return s, s * sigmoid(-x)


@primitive("ReLU")
def relu(x):
    """a = max(0, z);   ∂a/∂z = 1 if z > 0 else 0  (ReLU'(0) = 0)"""
    if type(x) is float:
        return (x, 1.0) if x > 0.0 else (0.0, 0.0)
    return x.relu(), (1.0 if x.data > 0.0 else 0.0)


@primitive("abs")
def abs_(x):
    """z = |x|;   ∂z/∂x = sign(x)  (0 at x = 0)"""
    d = _data(x)
    sign = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else 0.0)
    return abs(x), sign


@primitive("softplus")
def softplus_(x):
    """z = ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|);   ∂z/∂x = σ(x)"""
    return softplus(x), sigmoid(x)


@primitive("logσ")
def log_sigmoid(x):
    """z = ln σ(x) = −softplus(−x);   ∂z/∂x = 1 − σ(x) = σ(−x)"""
    return -softplus(-x), sigmoid(-x)


@primitive("Σ")
def total(*xs):
    """z = Σᵢ xᵢ;   ∂z/∂xᵢ = 1"""
    if type(xs[0]) is float:
        return (math.fsum(xs),) + (1.0,) * len(xs)
    return (sum(xs[1:], xs[0]),) + (1.0,) * len(xs)


@primitive("Σwx+b")
def weighted_sum(*wxb):
    """A neuron's pre-activation as one node: arguments w₁…wₙ, x₁…xₙ, b.

    z = Σₖ wₖ·xₖ + b;   ∂z/∂wₖ = xₖ,   ∂z/∂xₖ = wₖ,   ∂z/∂b = 1"""
    n = len(wxb) // 2
    ws, xs, b = wxb[:n], wxb[n:-1], wxb[-1]
    if type(b) is float:
        return (sum(map(_mul, ws, xs)) + b,) + xs + ws + (1.0,)
    z = b
    for w, x in zip(ws, xs):
        z = z + w * x
    return (z,) + xs + ws + (1.0,)


@primitive("logΣexp")
def logsumexp(*xs):
    """z = ln Σᵢ e^xᵢ = m + ln Σᵢ e^(xᵢ − m), m = max xᵢ;   ∂z/∂xᵢ = e^(xᵢ − z) = softmaxᵢ"""
    if type(xs[0]) is float:
        z = _logsumexp_float(xs)
        return (z, *[math.exp(x - z) for x in xs])
    from .functional import logsumexp as lse  # the Value-level function

    z = lse(xs)
    return (z, *[exp(x - z) for x in xs])


# --------------------------------------------------------------------------
# Stub for the nn branch: the engine branch adds the real erf and leaky_relu
# primitives with these names and signatures; at merge its version is kept.
# --------------------------------------------------------------------------

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@primitive("erf")
def erf(x):
    """z = erf x;   ∂z/∂x = (2/√π)·e^(−x²)"""
    if type(x) is float:
        return math.erf(x), _TWO_OVER_SQRT_PI * math.exp(-x * x)
    return x.erf(), _TWO_OVER_SQRT_PI * exp(-x * x)


@primitive("LeakyReLU")
def leaky_relu(x, negative_slope):
    """a = z if z > 0 else s·z;   ∂a/∂z = 1 if z > 0 else s  (s = negative_slope)"""
    if type(x) is float:
        return (x, 1.0) if x > 0.0 else (negative_slope * x, negative_slope)
    return x.leaky_relu(negative_slope), (1.0 if x.data > 0.0 else negative_slope)
