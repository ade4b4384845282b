"""THE table: every primitive of the engine, one record each, read by every other part.

A primitive's record holds its rule, which computes the output and the local
derivatives side by side::

    rule(*inputs[, constant]) -> (z, ∂z/∂input₁, ∂z/∂input₂, …)

and the same two things written out for people, as text and as LaTeX, in any names
the reader gives (``show``; the explorer, ``backward_steps`` and worksheets print
these), with the symbol pictures draw.  ``ops.mul.formula`` is the rule stated in
the lecture notes' notation: ``z = a · b;   ∂z/∂a = b,   ∂z/∂b = a``.

The same rule serves twice:

* called with floats it gives the forward value and the local derivatives as
  floats: this is how every node is made (:func:`autograd.value.apply`);
* called with ``Value`` inputs (``grad(..., create_graph=True)``) the derivatives
  come back as ``Value`` s with graphs of their own (the functions of
  :mod:`autograd.numerics` take either), which is how second derivatives and
  Hessians work without a second table.

Conventions (PyTorch and JAX agree unless said otherwise):

* ReLU'(0) = 0, ``abs``'(0) = 0, leaky_relu'(0) = negative_slope.
* nan in, nan out, value and local derivative (PyTorch gives relu'(nan) = 1,
  abs'(nan) = 0: a nan input has no derivative, so ours is nan).
* σ'(z) is computed as σ(z)·σ(−z), which equals σ(z)(1 − σ(z)) but stays
  representable where σ(z) rounds to 1.0 (σ'(50) ≈ 1.9287e-22, not 0);
  tanh'(z) = 1 − a² is computed in a form that keeps it where a rounds to ±1.
* Results past the float range are ±inf, as IEEE; inputs outside an operation's
  domain raise a :class:`~autograd.errors.NumericalError` naming the operation and
  the operand (the policy is stated once, in :mod:`autograd.errors`).

This module imports nothing from the engine but :mod:`autograd.numerics` and the errors.
"""

import inspect
import math
import operator
from functools import partial

from . import numerics as num
from .errors import DivisionByZeroError, DomainError

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SUBSCRIPTS = str.maketrans({c: f"_{d}" for d, c in enumerate("₀₁₂₃₄₅₆₇₈₉")})


class Primitive:
    """One primitive: everything any part of the library needs to know about it.

    - ``name``: its key in :data:`PRIMITIVES`, and the name of the ``Value`` method or
      function that applies it ("mul", "tanh", "dot");
    - ``rule``: ``rule(*inputs[, constant]) -> (z, ∂z/∂input₁, …)``;
    - ``symbol``: the node as pictures draw it ("×", "σ"; "{}" marks where the
      constant goes: "**{}" draws x**2 as "**2");
    - ``micrograd_op``: as micrograd's ``_op`` spells it ("*", "sigmoid", "**{}");
    - ``show(*names[, constant], z)``: the formulas, as text in the given names (the
      output's name last): (the right side of z = …, ∂z/∂input₁, ∂z/∂input₂, …);
    - ``show_latex``: the same in LaTeX;
    - ``output``: the output's name in :attr:`formula` ("z"; "a" for an activation);
    - ``constant``: the name of the number the rule takes besides its inputs (the k of
      a^k), or None;
    - ``example``: (input names, constant) that :attr:`formula` is written in: the
      rule's own argument names, or three inputs for a rule of any number of them;
    - ``formula``, ``formula_latex``: the rule stated in those names, e.g.
      ``z = a · b;   ∂z/∂a = b,   ∂z/∂b = a``.
    """

    def __init__(self, rule, symbol, micrograd_op, show, show_latex, output="z",
                 constant=None, example=None):
        self.name = rule.__name__.rstrip("_")  # abs_, pow_: a Python builtin's name
        self.rule, self.symbol, self.micrograd_op = rule, symbol, micrograd_op
        self.show, self.show_latex = show, show_latex
        self.output, self.constant = output, constant
        self.example = example or _argument_names(rule, constant)
        self.formula = self._statement(latex=False)
        self.formula_latex = self._statement(latex=True)

    def formulas(self, names, z="z", constant=None, latex=False):
        """(the right side of z = …, ∂z/∂input₁, …) written in ``names``, one per input;
        ``constant`` is the node's constant (the k of a^k) for a primitive that has one."""
        show = self.show_latex if latex else self.show
        return show(*names, z) if self.constant is None else show(*names, constant, z)

    def drawn(self, constant=None):
        """The node's operator as pictures draw it: the symbol, with its constant where
        the symbol has room for one ("**2")."""
        return self.symbol.format(_shown(constant))

    def _statement(self, latex):
        names, constant = self.example
        if latex:
            names = [n.translate(_SUBSCRIPTS) for n in names]
        forward, *local = self.formulas(names, self.output, constant, latex)
        z = self.output
        if latex:
            return rf"{z} = {forward}, \quad " + r", \quad ".join(
                rf"\frac{{\partial {z}}}{{\partial {x}}} = {d}" for x, d in zip(names, local))
        return f"{z} = {forward};   " + ",   ".join(
            f"∂{z}/∂{x} = {d}" for x, d in zip(names, local))

    def __repr__(self):
        return f"<primitive {self.name}: {self.formula}>"


def _argument_names(rule, constant):
    """(input names, constant name) from the rule's signature: mul(a, b) -> (("a", "b"), None)."""
    names = tuple(inspect.signature(rule).parameters)
    return (names[:-1], names[-1]) if constant else (names, None)


def _shown(number):
    """A constant as formulas print it: 2 for 2.0, 0.5, 10**400 as inf; a name as itself."""
    if number is None or isinstance(number, str):
        return number
    k = num.exponent_as_float(number)
    return repr(int(k)) if k.is_integer() else repr(k)


PRIMITIVES = {}
"""Name -> :class:`Primitive`, for every primitive; pictures, docs and tests read it."""


def primitive(symbol, micrograd_op=None, *, show, latex, output="z", constant=None,
              example=None):
    """Record the rule below as a primitive (see :class:`Primitive` for the fields)."""

    def record(rule):
        p = Primitive(rule, symbol, micrograd_op or symbol, show, latex, output, constant,
                      example)
        PRIMITIVES[p.name] = p
        return p

    return record


# --------------------------------------------------------------------------
# The table.  Notation: z is the output (a for an activation), the rest are inputs.
# --------------------------------------------------------------------------

@primitive("+", show=lambda a, b, z: (f"{a} + {b}", "1", "1"),
           latex=lambda a, b, z: (f"{a} + {b}", "1", "1"))
def add(a, b):
    return a + b, 1.0, 1.0


@primitive("×", "*", show=lambda a, b, z: (f"{a} · {b}", b, a),
           latex=lambda a, b, z: (rf"{a} \cdot {b}", b, a))
def mul(a, b):
    return a * b, b, a


@primitive("−", "-", show=lambda a, b, z: (f"{a} − {b}", "1", "−1"),
           latex=lambda a, b, z: (f"{a} - {b}", "1", "-1"))
def sub(a, b):
    return a - b, 1.0, -1.0


@primitive("÷", "/", show=lambda a, b, z: (f"{a} / {b}", f"1/{b}", f"−{a}/{b}²"),
           latex=lambda a, b, z: (rf"\frac{{{a}}}{{{b}}}", rf"\frac{{1}}{{{b}}}",
                                  rf"-\frac{{{a}}}{{{b}^2}}"))
def div(a, b):
    """∂z/∂b = −a/b² is computed as −z/b."""
    if num.data(b) == 0.0:
        raise DivisionByZeroError(f"division by zero: {num.data(a)!r} / 0.0")
    z = a / b
    return z, 1.0 / b, -z / b


@primitive("−", "neg", show=lambda x, z: (f"−{x}", "−1"),
           latex=lambda x, z: (f"-{x}", "-1"))
def neg(x):
    return -x, -1.0


@primitive("**{}", "**{}", constant="k",
           show=lambda a, k, z: (f"{a}^{_shown(k)}", f"{_shown(k)}·{a}^({_shown(k)}−1)"),
           latex=lambda a, k, z: (f"{a}^{{{_shown(k)}}}",
                                  rf"{_shown(k)}\,{a}^{{{_shown(k)} - 1}}"))
def pow_const(a, k):
    """For a constant number k.  At a = 0 with k < 1 the derivative is infinite and is
    returned as inf (the forward value 0^k is still fine, e.g. √0 = 0)."""
    kf = num.exponent_as_float(k)
    if type(a) is float:
        z = num.power(a, kf)
        if kf == 0.0:
            return z, 0.0
        if a == 0.0 and kf < 1.0:
            return z, math.inf
        below = num.power(a, kf - 1.0) if math.isfinite(kf) else z
        return z, (0.0 if below == 0.0 else kf * below)
    if kf == 0.0:
        return a ** k, 0.0
    if a.data == 0.0 and kf < 1.0:
        _not_differentiable_again(f"the derivative k·a^(k−1) of a^{k!r} at a = 0")
    return a ** k, kf * a ** (kf - 1.0)


@primitive("pow", "**",
           show=lambda a, b, z: (f"{a}^{b}", f"{b}·{a}^({b}−1)", f"{z}·ln {a}"),
           latex=lambda a, b, z: (f"{a}^{{{b}}}", rf"{b}\,{a}^{{{b} - 1}}", rf"{z} \ln {a}"))
def pow_(a, b):
    """a^b with a differentiable exponent.  Needs a > 0 (or a = 0 with b > 0): for a
    negative base a^b is not a real function of b.  Use a number exponent for integer
    powers of negative bases."""
    ad, bd = num.data(a), num.data(b)
    if ad < 0.0 or (ad == 0.0 and bd <= 0.0):
        raise DomainError(
            f"a ** b with a Value exponent needs a > 0 (∂z/∂b = z·ln a); got a = {ad!r}, "
            f"b = {bd!r}; use a plain number exponent for powers of negative bases"
        )
    if type(a) is float:
        z = num.power(a, b)
        da = b * num.power(a, b - 1.0) if a != 0.0 else (math.inf if b < 1.0 else float(b == 1.0))
        return z, da, (z * math.log(a) if a != 0.0 else 0.0)
    if ad == 0.0:
        _not_differentiable_again("ln a in ∂(a^b)/∂b at a = 0")
    z = a ** b
    return z, b * a ** (b - 1.0), z * num.log(a)


@primitive("exp", show=lambda x, z: (f"exp({x})", f"exp({x}) = {z}"),
           latex=lambda x, z: (f"e^{{{x}}}", f"e^{{{x}}} = {z}"))
def exp(x):
    """inf past x ≈ 709.78."""
    z = num.exp(x)
    return z, z


@primitive("log", show=lambda x, z: (f"ln({x})", f"1/{x}"),
           latex=lambda x, z: (rf"\ln {x}", rf"\frac{{1}}{{{x}}}"))
def log(x):
    """For x > 0."""
    return num.log(x), 1.0 / x


@primitive("sqrt", show=lambda x, z: (f"√({x})", f"1/(2√{x})"),
           latex=lambda x, z: (rf"\sqrt{{{x}}}", rf"\frac{{1}}{{2\sqrt{{{x}}}}}"))
def sqrt(x):
    """For x ≥ 0; the derivative is inf at x = 0."""
    z = num.sqrt(x)
    if num.data(z) == 0.0:
        if type(x) is not float:
            _not_differentiable_again("sqrt'(x) = 1/(2√x) at x = 0")
        return z, math.inf
    return z, 0.5 / z


@primitive("tanh", output="a", show=lambda z, a: (f"tanh({z})", f"1 − {a}²"),
           latex=lambda z, a: (rf"\tanh {z}", f"1 - {a}^2"))
def tanh(z):
    """The derivative is computed so that it stays exact where a rounds to ±1."""
    if type(z) is float:
        return math.tanh(z), num.tanh_derivative(z)
    return num.tanh(z), 4.0 * num.sigmoid(2.0 * z) * num.sigmoid(-2.0 * z)


@primitive("σ", "sigmoid", output="a",
           show=lambda z, a: (f"σ({z})", f"σ({z})·(1 − σ({z}))"),
           latex=lambda z, a: (rf"\sigma({z})", rf"\sigma({z})\,(1 - \sigma({z}))"))
def sigmoid(z):
    """The derivative is computed as σ(z)·σ(−z), which keeps it where σ(z) rounds to 1."""
    s = num.sigmoid(z)
    return s, s * num.sigmoid(-z)


@primitive("ReLU", output="a",
           show=lambda z, a: (f"max(0, {z})", f"(1 if {z} > 0 else 0)"),
           latex=lambda z, a: (rf"\max(0, {z})",
                               rf"\begin{{cases}} 1 & {z} > 0 \\ 0 & {z} \le 0 \end{{cases}}"))
def relu(z):
    """ReLU'(0) = 0; nan gives nan."""
    d = num.data(z)
    if d != d:
        return z, math.nan
    if type(z) is float:
        return (z, 1.0) if z > 0.0 else (0.0, 0.0)
    return z.relu(), (1.0 if d > 0.0 else 0.0)


@primitive("LeakyReLU", "leaky_relu", output="a", constant="s",
           show=lambda z, s, a: (f"({z} if {z} > 0 else {_shown(s)}·{z})",
                                 f"(1 if {z} > 0 else {_shown(s)})"),
           latex=lambda z, s, a: (
               rf"\begin{{cases}} {z} & {z} > 0 \\ {_shown(s)}\,{z} & {z} \le 0 \end{{cases}}",
               rf"\begin{{cases}} 1 & {z} > 0 \\ {_shown(s)} & {z} \le 0 \end{{cases}}"))
def leaky_relu(z, s):
    """s is the negative slope; at z = 0 the derivative is s, as PyTorch."""
    d = num.data(z)
    if d != d:
        return z, math.nan
    if type(z) is float:
        return (z, 1.0) if z > 0.0 else (s * z, s)
    return z.leaky_relu(s), (1.0 if d > 0.0 else s)


@primitive("abs", show=lambda x, z: (f"abs({x})", f"sign({x})"),
           latex=lambda x, z: (rf"\lvert {x} \rvert", rf"\operatorname{{sign}}({x})"))
def abs_(x):
    """sign(0) = 0; nan gives nan."""
    d = num.data(x)
    sign = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else (0.0 if d == 0.0 else math.nan))
    return abs(x), sign


@primitive("erf", show=lambda x, z: (f"erf({x})", f"(2/√π)·exp(−{x}²)"),
           latex=lambda x, z: (rf"\operatorname{{erf}}({x})",
                               rf"\frac{{2}}{{\sqrt{{\pi}}}}\, e^{{-{x}^2}}"))
def erf(x):
    """erf x = (2/√π) ∫₀ˣ e^(−t²) dt."""
    return num.erf(x), _TWO_OVER_SQRT_PI * num.exp(-(x * x))


@primitive("softplus", show=lambda x, z: (f"softplus({x})", f"σ({x})"),
           latex=lambda x, z: (rf"\ln(1 + e^{{{x}}})", rf"\sigma({x})"))
def softplus(x):
    """softplus(x) = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^−|x|)."""
    return num.softplus(x), num.sigmoid(x)


@primitive("logσ", "log_sigmoid", show=lambda x, z: (f"ln σ({x})", f"σ(−{x})"),
           latex=lambda x, z: (rf"\ln \sigma({x})", rf"\sigma(-{x})"))
def log_sigmoid(x):
    """ln σ(x) = −softplus(−x), stable for any x; its derivative 1 − σ(x) = σ(−x)."""
    return -num.softplus(-x), num.sigmoid(-x)


@primitive("Σ", "sum", example=(("x₁", "x₂", "x₃"), None),
           show=lambda *xs_z: (" + ".join(xs_z[:-1]), *["1"] * (len(xs_z) - 1)),
           latex=lambda *xs_z: (" + ".join(xs_z[:-1]), *["1"] * (len(xs_z) - 1)))
def total(*xs):
    """z = Σᵢ xᵢ: floats are summed correctly rounded, inf/nan as IEEE."""
    if type(xs[0]) is float:
        return (num.ieee_sum(xs),) + (1.0,) * len(xs)
    return (sum(xs[1:], xs[0]),) + (1.0,) * len(xs)


def _dot_shown(times):
    def show(*wxb_z):
        wxb = wxb_z[:-1]
        n = len(wxb) // 2
        ws, xs, b = wxb[:n], wxb[n:-1], wxb[-1]
        return (" + ".join(f"{w}{times}{x}" for w, x in zip(ws, xs)) + f" + {b}",
                *xs, *ws, "1")
    return show


@primitive("Σwx+b", "dot", example=(("w₁", "w₂", "x₁", "x₂", "b"), None),
           show=_dot_shown("·"), latex=_dot_shown(r" \cdot "))
def dot(*wxb):
    """A neuron's pre-activation z_j^[l] = Σₖ W^[l]_jk·A^[l−1]_k + b^[l]_j as one node:
    arguments w₁…wₙ, x₁…xₙ, b; summed left to right."""
    n = len(wxb) // 2
    ws, xs, b = wxb[:n], wxb[n:-1], wxb[-1]
    z = sum(map(operator.mul, ws, xs), -0.0) + b  # −0.0: the additive identity, exactly
    return (z, *xs, *ws, 1.0)


def _shifted_exps(xs):
    """(m, [e^(xᵢ − m)], Σ) with m = max xᵢ, a constant: shifting leaves every derivative
    alone and keeps e^(xᵢ − m) in (0, 1], so nothing overflows at any magnitude."""
    data = [num.data(x) for x in xs]
    m = math.nan if any(d != d for d in data) else max(data)
    if math.isinf(m):  # +inf dominates (softmax shared by the infinite entries); all −inf: a tie
        ties = [float(d == m) for d in data]
        return m, ties, float(sum(ties))
    es = [num.exp(x - m) for x in xs]
    return m, es, (num.ieee_sum(es) if type(xs[0]) is float else sum(es[1:], es[0]))


def _exps_shown(xs, latex):
    return " + ".join(f"e^{{{x}}}" if latex else f"exp({x})" for x in xs)


def _logsumexp_shown(*xs_z, latex):
    *xs, z = xs_z
    if latex:
        return (rf"\ln({_exps_shown(xs, True)})", *[f"e^{{{x} - {z}}}" for x in xs])
    return (f"ln({_exps_shown(xs, False)})", *[f"exp({x} − {z})" for x in xs])


@primitive("logΣexp", "logsumexp", example=(("x₁", "x₂", "x₃"), None),
           show=partial(_logsumexp_shown, latex=False),
           latex=partial(_logsumexp_shown, latex=True))
def logsumexp(*xs):
    """Computed as m + ln Σᵢ e^(xᵢ − m) with m = max xᵢ; each derivative is softmaxᵢ(x)."""
    m, es, s = _shifted_exps(xs)
    z = m if math.isinf(m) else m + num.log(s)
    return (z, *[e / s for e in es])


def _log_softmax_shown(*xs_i_z, latex):
    *xs, i, z = xs_i_z
    minus, e = ("-", "e^{{{}}}") if latex else ("−", "exp({})")
    return (f"{xs[i]} {minus} " + (r"\ln" if latex else "ln") + f"({_exps_shown(xs, latex)})",
            *[f"1 {minus} {e.format(z)}" if j == i else
              f"{minus}{e.format(f'{x} {minus} {xs[i]} + {z}')}" for j, x in enumerate(xs)])


@primitive("log softmax", "log_softmax", constant="i", example=(("x₁", "x₂", "x₃"), 0),
           show=partial(_log_softmax_shown, latex=False),
           latex=partial(_log_softmax_shown, latex=True))
def log_softmax(*xs_and_i):
    """zᵢ = ln softmaxᵢ(x) = (xᵢ − m) − ln Σⱼ e^(xⱼ − m), m = max x, for the constant index
    i; ∂zᵢ/∂xⱼ = δᵢⱼ − softmaxⱼ.  Exact at any magnitude: log_softmax([c, c, c])ᵢ = −ln 3
    for every finite c."""
    *xs, i = xs_and_i
    m, es, s = _shifted_exps(xs)
    if math.isinf(m):
        z = math.log(es[i] / s) if es[i] else -math.inf
    else:
        z = (xs[i] - m) - num.log(s)
    return (z, *[float(i == j) - e / s for j, e in enumerate(es)])


def _not_differentiable_again(what):
    raise DomainError(f"{what} is infinite here, so it cannot be differentiated again "
                      f"(create_graph=True / hessian)")
