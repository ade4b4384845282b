"""THE table: every primitive of the engine, one record each (name, symbol, rule, formula).

A reader checks hand derivations against this file.  Each record's ``rule``
computes the primitive's output and its local derivatives side by side::

    rule(*inputs[, constant]) -> (z, ∂z/∂input₁, ∂z/∂input₂, …)

and its ``formula`` (the rule's docstring) states them in the lecture notes'
notation.  This module is a leaf: it imports nothing from the engine.

The same rule serves two purposes:

* called with floats it gives the forward value and the local derivatives as
  floats.  This is the *reference*: :class:`~autograd.Value` computes the hot
  primitives inline (its labelled fast path), and a property test holds every
  one of them equal to its rule here;
* called with ``Value`` inputs (``grad(..., create_graph=True)``), the
  derivatives come back as ``Value`` s with graphs of their own, which is how
  second derivatives and Hessians work without a second table.  The helpers
  ``exp``, ``log``, ``sigmoid``, … below dispatch on that: floats go to
  careful float code, anything else to the method of the same name.

Conventions (PyTorch and JAX agree unless said otherwise):

* ReLU'(0) = 0, ``abs``'(0) = 0, leaky_relu'(0) = negative_slope.
* nan in, nan out, value and local derivative (PyTorch gives relu'(nan) = 1,
  abs'(nan) = 0: a nan input has no derivative, so ours is nan).
* σ'(z) is computed as σ(z)·σ(−z), which equals σ(z)(1 − σ(z)) but stays
  representable where σ(z) rounds to 1.0 (σ'(50) ≈ 1.9287e-22, not 0);
  tanh'(z) = 1 − a² is computed in a form that keeps it where a rounds to ±1.
* Results past the float range are ±inf, as IEEE; inputs outside an
  operation's domain raise a :class:`~autograd.errors.NumericalError` naming
  the operation and the operand (the policy is stated once, in
  :mod:`autograd.errors`).
"""

import math

from .errors import DivisionByZeroError, DomainError

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Primitive:
    """One primitive: ``name`` (its key in :data:`PRIMITIVES`), ``symbol`` (as drawn in
    graphs), ``text`` (as micrograd's ``_op`` spells it), ``rule`` and ``formula``.

    ``constant`` names a number the primitive takes besides its inputs (the k of
    x^k), or is None.  Calling the record calls its rule."""

    def __init__(self, name, symbol, text, rule, constant=None):
        self.name = self.op_name = name
        self.symbol, self.text, self.rule, self.constant = symbol, text, rule, constant
        self.formula = self.__doc__ = rule.__doc__

    def __call__(self, *inputs):
        return self.rule(*inputs)

    def __repr__(self):
        return f"<primitive {self.name}: {self.formula.splitlines()[0]}>"


PRIMITIVES = {}
"""Name -> :class:`Primitive`, for every primitive; pictures, docs and tests read it."""


def primitive(symbol, text=None, constant=None):
    """Record ``rule`` as a primitive drawn as ``symbol``; its name is the rule's name
    less a trailing underscore."""

    def record(rule):
        p = Primitive(rule.__name__.rstrip("_"), symbol, text or symbol, rule, constant)
        PRIMITIVES[p.name] = p
        return p

    return record


# --------------------------------------------------------------------------
# Careful float functions.  Each raises a NumericalError naming itself and
# the operand instead of Python's bare "math domain error"; nan passes through.
# --------------------------------------------------------------------------

def _exp_float(x):
    try:
        return math.exp(x)
    except OverflowError:  # x > 709.78 = ln(largest float): inf, as IEEE (policy in errors.py)
        return math.inf


def _log_float(x):
    if x > 0.0 or x != x:
        return math.log(x)
    raise DomainError(f"log(x) needs x > 0; got x = {x!r}")


def _sqrt_float(x):
    if x >= 0.0 or x != x:
        return math.sqrt(x)
    raise DomainError(f"sqrt(x) needs x >= 0; got x = {x!r}")


def sigmoid_float(x):
    """σ(x) for a float, taking e^t only of t <= 0: no overflow, σ(±1000) is exactly 1 or 0."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def tanh_derivative_float(x):
    """1 − tanh²x to within a few ulps everywhere, also where tanh x rounds to ±1
    (there the naive 1 − a² is 0): 1 − a² for |x| < 0.75, where it is as accurate as
    1/cosh²x (both within 2 ulps; past 0.75 the cancellation in 1 − a² costs more),
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


def _softplus_float(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def exponent_as_float(k):
    """The constant exponent k as a float; an int past the float range becomes ±inf
    (0.5 ** 10**400 is 0, not an error)."""
    try:
        return float(k)
    except OverflowError:
        return math.inf if k > 0 else -math.inf


def pow_float(a, k):
    """a^k for floats: the engine's errors where a^k is undefined, ±inf past the float range."""
    if a == 0.0 and k < 0:
        raise DivisionByZeroError(f"0 ** {k!r}: zero to a negative power divides by zero")
    if a < 0.0 and math.isfinite(k) and not k.is_integer():
        raise DomainError(
            f"({a!r}) ** {k!r}: a negative base to a fractional power is not a real number"
        )
    try:
        return a ** k
    except OverflowError:  # past the float range: ±inf as IEEE (policy in errors.py)
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


def _dispatch(float_fn, method):
    def fn(x):
        return float_fn(x) if type(x) is float else getattr(x, method)()

    fn.__name__ = method
    return fn


exp = _dispatch(_exp_float, "exp")
log = _dispatch(_log_float, "log")
sqrt = _dispatch(_sqrt_float, "sqrt")
sigmoid = _dispatch(sigmoid_float, "sigmoid")
tanh = _dispatch(math.tanh, "tanh")
softplus = _dispatch(_softplus_float, "softplus")
erf = _dispatch(math.erf, "erf")


def _data(x):
    return x if type(x) is float else x.data


def _not_differentiable_again(what):
    raise DomainError(f"{what} is infinite here, so it cannot be differentiated again "
                      f"(create_graph=True / hessian)")


# --------------------------------------------------------------------------
# The table.  Notation: z is the output, a, b, x the inputs.
# --------------------------------------------------------------------------

@primitive("+")
def add(a, b):
    """z = a + b;   ∂z/∂a = 1,   ∂z/∂b = 1"""
    return a + b, 1.0, 1.0


@primitive("−", "-")
def sub(a, b):
    """z = a − b;   ∂z/∂a = 1,   ∂z/∂b = −1"""
    return a - b, 1.0, -1.0


@primitive("×", "*")
def mul(a, b):
    """z = a·b;   ∂z/∂a = b,   ∂z/∂b = a"""
    return a * b, b, a


@primitive("÷", "/")
def div(a, b):
    """z = a / b;   ∂z/∂a = 1/b,   ∂z/∂b = −a/b² = −z/b"""
    if _data(b) == 0.0:
        raise DivisionByZeroError(f"division by zero: {_data(a)!r} / 0.0")
    z = a / b
    return z, 1.0 / b, -z / b


@primitive("−", "neg")
def neg(x):
    """z = −x;   ∂z/∂x = −1"""
    return -x, -1.0


@primitive("pow", "**", constant="k")
def pow_const(a, k):
    """z = a^k for a constant number k;   ∂z/∂a = k·a^(k−1)

    At a = 0 with k < 1 the derivative is infinite and is returned as inf
    (the forward value 0^k is still fine, e.g. √0 = 0)."""
    kf = exponent_as_float(k)
    if type(a) is float:
        z = pow_float(a, kf)
        if kf == 0.0:
            return z, 0.0
        if a == 0.0 and kf < 1.0:
            return z, math.inf
        below = pow_float(a, kf - 1.0) if math.isfinite(kf) else z
        return z, (0.0 if below == 0.0 else kf * below)
    if kf == 0.0:
        return a ** k, 0.0
    if a.data == 0.0 and kf < 1.0:
        _not_differentiable_again(f"the derivative k·a^(k−1) of a^{k!r} at a = 0")
    return a ** k, kf * a ** (kf - 1.0)


@primitive("pow", "**")
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
        z = pow_float(a, b)
        da = b * pow_float(a, b - 1.0) if a != 0.0 else (math.inf if b < 1.0 else float(b == 1.0))
        return z, da, (z * math.log(a) if a != 0.0 else 0.0)
    if ad == 0.0:
        _not_differentiable_again("ln a in ∂(a^b)/∂b at a = 0")
    z = a ** b
    return z, b * a ** (b - 1.0), z * log(a)


@primitive("exp")
def exp_(x):
    """z = e^x;   ∂z/∂x = e^x = z  (inf past x ≈ 709.78)"""
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
        if type(x) is not float:
            _not_differentiable_again("sqrt'(x) = 1/(2√x) at x = 0")
        return z, math.inf
    return z, 0.5 / z


@primitive("tanh")
def tanh_(x):
    """a = tanh z;   ∂a/∂z = 1 − a²  (computed so it stays exact where a rounds to ±1)"""
    if type(x) is float:
        return math.tanh(x), tanh_derivative_float(x)
    return tanh(x), 4.0 * sigmoid(2.0 * x) * sigmoid(-2.0 * x)


@primitive("σ", "sigmoid")
def sigmoid_(x):
    """a = σ(z) = 1/(1 + e^−z);   ∂a/∂z = σ(z)(1 − σ(z))  (computed as σ(z)·σ(−z))"""
    s = sigmoid(x)
    return s, s * sigmoid(-x)


@primitive("ReLU")
def relu(x):
    """a = max(0, z);   ∂a/∂z = 1 if z > 0 else 0  (ReLU'(0) = 0; nan gives nan)"""
    d = _data(x)
    if d != d:
        return x, math.nan
    if type(x) is float:
        return (x, 1.0) if x > 0.0 else (0.0, 0.0)
    return x.relu(), (1.0 if d > 0.0 else 0.0)


@primitive("LeakyReLU", constant="negative_slope")
def leaky_relu(x, negative_slope):
    """a = z if z > 0 else s·z (s = negative_slope);   ∂a/∂z = 1 if z > 0 else s
    (at z = 0 the derivative is s, as PyTorch)"""
    d = _data(x)
    if d != d:
        return x, math.nan
    if type(x) is float:
        return (x, 1.0) if x > 0.0 else (negative_slope * x, negative_slope)
    return x.leaky_relu(negative_slope), (1.0 if d > 0.0 else negative_slope)


@primitive("abs")
def abs_(x):
    """z = |x|;   ∂z/∂x = sign(x)  (0 at x = 0; nan gives nan)"""
    d = _data(x)
    sign = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else (0.0 if d == 0.0 else math.nan))
    return abs(x), sign


@primitive("erf")
def erf_(x):
    """z = erf x = (2/√π) ∫₀ˣ e^(−t²) dt;   ∂z/∂x = (2/√π)·e^(−x²)"""
    return erf(x), _TWO_OVER_SQRT_PI * exp(-(x * x))


@primitive("softplus")
def softplus_(x):
    """z = ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|);   ∂z/∂x = σ(x)"""
    return softplus(x), sigmoid(x)


@primitive("logσ", "log_sigmoid")
def log_sigmoid(x):
    """z = ln σ(x) = −softplus(−x);   ∂z/∂x = 1 − σ(x) = σ(−x)"""
    return -softplus(-x), sigmoid(-x)


@primitive("Σ", "sum")
def total(*xs):
    """z = Σᵢ xᵢ;   ∂z/∂xᵢ = 1  (floats: correctly rounded, inf/nan as IEEE)"""
    if type(xs[0]) is float:
        return (ieee_sum(xs),) + (1.0,) * len(xs)
    return (sum(xs[1:], xs[0]),) + (1.0,) * len(xs)


@primitive("Σwx+b", "dot")
def weighted_sum(*wxb):
    """A neuron's pre-activation as one node: arguments w₁…wₙ, x₁…xₙ, b.

    z_j^[l] = Σₖ W^[l]_jk·A^[l−1]_k + b^[l]_j;   ∂z/∂wₖ = xₖ,   ∂z/∂xₖ = wₖ,   ∂z/∂b = 1"""
    n = len(wxb) // 2
    ws, xs, b = wxb[:n], wxb[n:-1], wxb[-1]
    z = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        z = z + w * x
    return (z + b,) + xs + ws + (1.0,)


def _shifted_exps(xs):
    """(m, [e^(xᵢ − m)], Σ) with m = max xᵢ, a constant: shifting leaves every derivative
    alone and keeps e^(xᵢ − m) in (0, 1], so nothing overflows at any magnitude."""
    data = [_data(x) for x in xs]
    m = math.nan if any(d != d for d in data) else max(data)
    if math.isinf(m):  # +inf dominates (softmax shared by the infinite entries); all −inf: a tie
        ties = [float(d == m) for d in data]
        return m, ties, float(sum(ties))
    es = [exp(x - m) for x in xs]
    return m, es, (ieee_sum(es) if type(xs[0]) is float else sum(es[1:], es[0]))


@primitive("logΣexp", "logsumexp")
def logsumexp(*xs):
    """z = ln Σᵢ e^xᵢ = m + ln Σᵢ e^(xᵢ − m), m = max xᵢ;   ∂z/∂xᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m) = softmaxᵢ"""
    m, es, s = _shifted_exps(xs)
    z = m if math.isinf(m) else m + log(s)
    return (z, *[e / s for e in es])


@primitive("log softmax", "log_softmax", constant="i")
def log_softmax(*xs_and_i):
    """zᵢ = ln softmaxᵢ(x) = (xᵢ − m) − ln Σⱼ e^(xⱼ − m), m = max x;   ∂zᵢ/∂xⱼ = δᵢⱼ − softmaxⱼ

    Exact at any magnitude: log_softmax([c, c, c])ᵢ = −ln 3 for every finite c."""
    *xs, i = xs_and_i
    m, es, s = _shifted_exps(xs)
    if math.isinf(m):
        z = math.log(es[i] / s) if es[i] else -math.inf
    else:
        z = (xs[i] - m) - log(s)
    return (z, *[float(i == j) - e / s for j, e in enumerate(es)])
