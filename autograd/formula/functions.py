"""The functions a formula may call: the engine's primitives, and a few compositions.

Each function is one :class:`Function`.  Those that are engine primitives
(σ, tanh, ReLU, exp, log, …) make their node from the primitive's record in
:mod:`autograd.ops` (:func:`autograd.value.apply`), so a formula's
σ(z) is the engine's σ(z), with its stable forms and its conventions
(ReLU′(0) = 0).  The rest are built from primitives: cosh, sinh and sech from
exp, max and min from ReLU, and the two losses a learner differentiates:

* ``bce(ŷ, y) = −[y ln ŷ + (1 − y) ln(1 − ŷ)]``; when ŷ is written as σ(z) it is
  computed from the logit, softplus(z) − z·y, which never overflows and keeps
  ∂L/∂z = σ(z) − y exact where σ(z) rounds to 0 or 1;
* ``mse(ŷ, y) = (ŷ − y)²`` (one element, as PyTorch's ``MSELoss``).

A derivative f′(x) is the engine's: the gradient of f at x (the primitive's local
derivative), so a formula's σ′(z) is σ(z)σ(−z) and ReLU′(0) is 0.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

from .. import ops
from ..functional import grad
from ..modes import enable_grad
from ..value import Value, apply


@dataclass(frozen=True)
class Function:
    """One function a formula may call.

    - ``name``: canonical name; ``symbol``: as printed (σ, ReLU)
    - ``spellings``: how it may be typed (matched as typed, then in lower case)
    - ``arity``: (least, most) arguments
    - ``apply``: the function on engine Values
    - ``activation``: an element-wise activation, f(z), whose derivative learners take
      (the slips of :mod:`autograd.formula.slips` apply to it)
    - ``kink``: where the derivative jumps, as the signed offset of the arguments from
      it (z for ReLU, a − b for max), or None for a smooth function
    - ``primitive``: the :mod:`autograd.ops` record it is, or None for a composition
    - ``fused``: for a loss, its form on the logit z when ŷ is written as σ(z)
    - ``reduces``: sums or averages a matrix over its columns (the samples)
    - ``prefix``: may be written before its argument without parentheses (Σ δ, √x)
    - ``arguments``: what each argument must be, where it matters for choosing points:
      "positive" (log, √), "probability" (ŷ in BCE), "target" (y in BCE)
    """

    name: str
    symbol: str
    spellings: tuple
    arity: tuple
    apply: Callable
    activation: bool = False
    kink: Optional[Callable] = None
    primitive: object = None
    fused: Optional[Callable] = None
    reduces: bool = False
    arguments: tuple = ()
    prefix: bool = False


def derivative(function, x):
    """f′(x) by the engine: the gradient of ``function`` at the number x (a Value's
    data), as a constant Value."""
    leaf = Value(x.data)
    with enable_grad():   # also inside a caller's no_grad(): the slope needs the graph
        out = function.apply(leaf)
        return Value(grad(out, leaf) if isinstance(out, Value) else 0.0)


def _unary_primitive(name):
    primitive = ops.PRIMITIVES[name]
    return lambda x: apply(primitive, x)


def _leaky_relu(x, slope=None):
    s = 0.01 if slope is None else slope.data
    return apply(ops.leaky_relu, x, constant=s)


def _cosh(x):
    return (x.exp() + (-x).exp()) * 0.5


def _sinh(x):
    return (x.exp() - (-x).exp()) * 0.5


def _sech(x):
    # 2/(eˣ + e⁻ˣ): past the float range the sum is inf and sech is 0, as it should be
    return 2.0 / (x.exp() + (-x).exp())


def _maximum(a, b):
    return (a - b).relu() + b


def _minimum(a, b):
    return a - (a - b).relu()


def _step(x):
    return Value(1.0 if x.data > 0.0 else 0.0)


def _sign(x):
    d = x.data
    return Value(1.0 if d > 0.0 else (-1.0 if d < 0.0 else (0.0 if d == 0.0 else math.nan)))


def _bce(p, y):
    return -(y * p.log() + (1.0 - y) * (1.0 - p).log())


def _bce_from_logit(z, y):
    return z.softplus() - z * y


def _mse(p, y):
    return (p - y) ** 2


def _offset(x, *rest):
    return x.data


def _tie(a, b):
    return a.data - b.data


def _primitive_function(name, *spellings, **extra):
    """The Function that is engine primitive ``name``: printed and spelled as its record
    in :mod:`autograd.ops` is (σ, sigmoid), and as ``spellings``."""
    primitive = ops.PRIMITIVES[name]
    typed = tuple(dict.fromkeys((name, primitive.symbol, primitive.micrograd_op, *spellings)))
    return Function(name, primitive.symbol, typed, (1, 1), _unary_primitive(name),
                    primitive=primitive, **extra)


_RECORDS = (
    _primitive_function("sigmoid", "sig", "logistic", "sigma", activation=True),
    _primitive_function("tanh", activation=True),
    _primitive_function("relu", activation=True, kink=_offset),
    _primitive_function("softplus", activation=True),
    _primitive_function("exp"),
    _primitive_function("log", "ln", arguments=("positive",)),
    _primitive_function("sqrt", "√", arguments=("positive",), prefix=True),
    _primitive_function("abs", kink=_offset),
    _primitive_function("erf"),
    _primitive_function("log_sigmoid", "logsigmoid"),
    Function("leaky_relu", ops.PRIMITIVES["leaky_relu"].symbol,
             ("leaky_relu", "leakyrelu", "lrelu"), (1, 2), _leaky_relu, activation=True,
             kink=_offset, primitive=ops.PRIMITIVES["leaky_relu"]),
    Function("cosh", "cosh", ("cosh",), (1, 1), _cosh),
    Function("sinh", "sinh", ("sinh",), (1, 1), _sinh),
    Function("sech", "sech", ("sech",), (1, 1), _sech),
    Function("max", "max", ("max", "maximum"), (2, 2), _maximum, kink=_tie),
    Function("min", "min", ("min", "minimum"), (2, 2), _minimum, kink=_tie),
    Function("step", "step", ("step", "heaviside"), (1, 1), _step, kink=_offset),
    Function("sign", "sign", ("sign", "sgn"), (1, 1), _sign, kink=_offset),
    Function("bce", "BCE", ("bce", "binary_cross_entropy"), (2, 2), _bce,
             fused=_bce_from_logit, arguments=("probability", "target")),
    Function("mse", "MSE", ("mse",), (2, 2), _mse),
    Function("sum", "Σ", ("sum", "Σ"), (1, 1), lambda x: x, reduces=True, prefix=True),
    Function("mean", "mean", ("mean", "average"), (1, 1), lambda x: x, reduces=True),
)

FUNCTIONS = {record.name: record for record in _RECORDS}
"""Canonical name -> :class:`Function`."""

LOSSES = ("bce", "mse")

_SPELLINGS = {spelling: record for record in _RECORDS for spelling in record.spellings}

CONSTANTS = {"e": math.e, "π": math.pi, "pi": math.pi}
"""Names that are numbers unless the expression being checked has a variable so named."""


def lookup(spelling):
    """The :class:`Function` typed as ``spelling`` (as typed, then in lower case), or None."""
    record = _SPELLINGS.get(spelling)
    if record is None and spelling.isascii():
        record = _SPELLINGS.get(spelling.lower())
    return record


def from_callable(name, fn, symbol=None):
    """A :class:`Function` for a caller's own element-wise function of one Value (an
    activation of ``nn``, say), so a formula may write ``f(z)`` and ``f′(z)``."""
    return Function(name, symbol or name, (name,), (1, 1), fn, activation=True)
