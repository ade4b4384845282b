"""Evaluating a parsed formula on engine Values, so the engine can differentiate it.

The operators are the engine's (``Value.__add__`` …), the functions the records of
:mod:`autograd.formula.functions`: evaluating ``tanh(w*z + b)`` builds the same graph
as ``(w * z + b).tanh()``, and ``autograd.grad`` of the result is the engine's
derivative.  Names are looked up by the caller (``lookup(name_node)`` returns a
Value, a :class:`~autograd.formula.matrix.Matrix`, a number, or None for a name it
does not know; ``e`` and ``π`` are constants unless looked up).

While it evaluates, an :class:`Evaluator` records what a check needs:

* ``kink``: how close the arguments of ReLU, |x|, max, a step or a comparison came
  to their kink (a point within a hair of one says nothing about a derivative);
* ``values`` (with ``record=True``): the Value of every node of the tree, so a
  check can ask the engine for ∂F/∂(inner node);
* ``hook(node, function, argument, result)``: called on every application of an
  activation, may return another Value (how :mod:`autograd.formula.slips` makes
  the derivative a learner's slip would give).

Work is counted against a :class:`~autograd.formula.limits.Budget`.
"""

import math
import numbers

from ..modes import no_grad
from ..value import Value
from .functions import CONSTANTS, FUNCTIONS, derivative, lookup as function_named
from .limits import Budget, FormulaError
from .matrix import Matrix, combine, matmul, sum_columns
from .parser import parse
from .tree import COMPARISONS, Binary, Call, Name, Num, Partial, Transpose, Unary, to_text

_ELEMENTWISE = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "·": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}
_COMPARE = {
    ">": lambda a, b: a > b, "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
}
_VERBS = {"+": "add", "-": "subtract", "*": "multiply", "·": "multiply", "/": "divide",
          ">": "compare", "<": "compare", ">=": "compare", "<=": "compare"}


def evaluate(formula, values, functions=None):
    """The value of ``formula`` (text) with its names set from ``values`` (numbers, or
    lists of rows for matrices): a float, or a list of rows of floats::

        evaluate("σ(z)(1 − σ(z))", {"z": 0.5})            # 0.2350037122015945
        evaluate("W.T @ d", {"W": [[1, 2]], "d": [[3]]})   # [[3.0], [6.0]]

    ``functions`` binds names such as ``f`` to a function name (``{"f": "tanh"}``)."""
    aliases = {name: function_named(f) for name, f in (functions or {}).items()}
    for name, record in aliases.items():
        if record is None:
            raise FormulaError(f"{functions[name]!r} is not a function a formula may use",
                               "functions")
    statement = parse(formula, "formula", aliases)
    bound = {key: _as_value(x, key) for key, x in values.items()}

    def find(node):
        return bound.get(node.key)

    with no_grad():
        result = Evaluator(find, Budget(), aliases)(statement.rhs)
    return result.data() if isinstance(result, Matrix) else result.data


def _as_value(x, name):
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value(float(x))
    return Matrix.of_numbers(x, f"the value of {name}")


class Evaluator:
    """Evaluates trees (see the module docstring); one instance per point."""

    def __init__(self, lookup, budget, functions=None, hook=None, fused=True, record=False,
                 what="formula"):
        self.lookup, self.budget, self.what = lookup, budget, what
        self.functions = functions or {}
        self.hook, self.fused = hook, fused
        self.values = {} if record else None
        self.kink = math.inf

    def __call__(self, node):
        """The value of ``node``: a Value, or a Matrix of Values."""
        result = self._value(node)
        if self.values is not None and isinstance(result, Value):
            self.values[node] = result
        return result

    def function(self, call):
        """The :class:`~autograd.formula.functions.Function` a call names (a caller's ``f``
        first)."""
        return self.functions.get(call.spelled) or FUNCTIONS[call.function]

    # -- nodes --------------------------------------------------------------------
    def _value(self, node):
        self.budget.spend(1, self.what)
        if isinstance(node, Num):
            return Value(node.value)
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Unary):
            return self._map(self(node.operand), lambda x: -x)
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Transpose):
            operand = self(node.operand)
            return operand.transpose() if isinstance(operand, Matrix) else operand
        if isinstance(node, Partial):
            raise FormulaError("∂ may only appear on the left of '='", self.what)
        raise TypeError(f"not a formula node: {node!r}")

    def _name(self, node):
        found = self.lookup(node)
        if found is None:
            if node.layer is None and node.name in CONSTANTS:
                return Value(CONSTANTS[node.name])
            raise FormulaError(f"unknown name {node.key!r}", self.what)
        if isinstance(found, (Value, Matrix)):
            return found
        return Value(float(found))

    def _is_constant_e(self, node):
        return (isinstance(node, Name) and node.name == "e" and node.layer is None
                and self.lookup(node) is None)

    def _map(self, x, fn):
        if isinstance(x, Matrix):
            self.budget.spend(x.size, self.what)
            return x.map(fn)
        return fn(x)

    def _combine(self, node, a, b, fn):
        size = max(a.size if isinstance(a, Matrix) else 1, b.size if isinstance(b, Matrix) else 1)
        self.budget.spend(size, self.what)
        return combine(a, b, fn, lambda: (to_text(node.left), to_text(node.right),
                                          _VERBS.get(node.op, node.op)))

    def _binary(self, node):
        op = node.op
        if op == "^":
            return self._power(node)
        a, b = self(node.left), self(node.right)
        if op in COMPARISONS:
            return self._combine(node, a, b, self._comparison(op))
        both = isinstance(a, Matrix) and isinstance(b, Matrix)
        if op == "·" and both and a.shape[1] != b.shape[0] and a.shape == b.shape:
            # A^[l](1 − A^[l]), as the notes write it: side by side, element by element
            # where no matrix product exists
            return self._combine(node, a, b, _ELEMENTWISE["*"])
        if op == "@" or (op == "·" and both):
            if not both:
                if op == "·":
                    return self._combine(node, a, b, _ELEMENTWISE["·"])
                raise FormulaError(f"@ multiplies two matrices; {to_text(node.left)} @ "
                                   f"{to_text(node.right)} has a number on one side (use · or *)",
                                   self.what)
            (n, k), (_, m) = a.shape, b.shape
            self.budget.spend(n * k * m, self.what)
            return matmul(a, b, lambda: (to_text(node.left), to_text(node.right), "multiply"))
        return self._combine(node, a, b, _ELEMENTWISE[op])

    def _comparison(self, op):
        test = _COMPARE[op]

        def compare(a, b):
            self.kink = min(self.kink, abs(a.data - b.data))
            return Value(1.0 if test(a.data, b.data) else 0.0)
        return compare

    def _power(self, node):
        if self._is_constant_e(node.left):
            return self._map(self(node.right), lambda x: x.exp())
        base = self(node.left)
        exponent = self(node.right)
        if isinstance(exponent, Matrix):
            raise FormulaError(f"the exponent {to_text(node.right)} is a matrix", self.what)
        if _constant(node.right, self.lookup):
            k = exponent.data
            k = int(k) if k == int(k) else k
            return self._map(base, lambda x: x ** k)
        return self._map(base, lambda x: x ** exponent)

    def _call(self, node):
        function = self.function(node)
        if function.fused is not None and self.fused and _is_plain_sigmoid(node.args[0]):
            logit, target = self(node.args[0].args[0]), self(node.args[1])
            result = self._combine_args(node, logit, target, function.fused)
        else:
            args = [self(a) for a in node.args]
            if function.reduces:
                (x,) = args
                result = sum_columns(x, function.name == "mean") if isinstance(x, Matrix) else x
            elif node.primes:
                result = self._map(args[0], lambda x: self._derivative(function, x))
            elif len(args) == 1:
                result = self._map(args[0], lambda x: self._apply(node, function, x))
            else:
                result = self._combine_args(node, args[0], args[1],
                                            lambda a, b: self._apply(node, function, a, b))
        if node.power is not None:
            k = int(node.power) if node.power == int(node.power) else node.power
            result = self._map(result, lambda x: x ** k)
        return result

    def _combine_args(self, node, a, b, fn):
        size = max(a.size if isinstance(a, Matrix) else 1, b.size if isinstance(b, Matrix) else 1)
        self.budget.spend(size, self.what)
        return combine(a, b, fn, lambda: (to_text(node.args[0]), to_text(node.args[1]),
                                          f"apply {node.spelled} to"))

    def _derivative(self, function, x):
        if function.arity[0] != 1:
            raise FormulaError(f"{function.symbol}′ is not defined: {function.symbol} takes "
                               f"{function.arity[0]} arguments", self.what)
        if function.kink is not None:
            self.kink = min(self.kink, abs(function.kink(x)))
        return derivative(function, x)

    def _apply(self, node, function, *args):
        if function.kink is not None:
            self.kink = min(self.kink, abs(function.kink(*args)))
        result = function.apply(*args)
        if self.hook is not None and function.activation and len(args) == 1:
            result = self.hook(node, function, args[0], result)
        return result


def _is_plain_sigmoid(node):
    return isinstance(node, Call) and node.function == "sigmoid" and not node.primes \
        and node.power is None


def _constant(node, lookup):
    """Does ``node`` hold numbers only (no names but unbound constants)?"""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name) and (n.layer is not None or n.name not in CONSTANTS
                                     or lookup(n) is not None):
            return False
        stack.extend(n.children())
    return True
