"""What a formula is checked against: an expression ``of``, the variable ``wrt``, and the
names a learner may use besides the expression's variables.

A learner writes σ′ as ``a(1 − a)`` and δ for BCE after a sigmoid as ``ŷ − y``:
``a`` and ``ŷ`` are not variables of ``sigmoid(z)`` or ``bce(sigmoid(z), y)`` but
its activation and its prediction.  Such names are bound here:

* ``ŷ`` (``yhat``, ``\\hat{y}``): the prediction, the first argument of the loss in
  ``of`` (or ``of`` itself when it is an activation);
* ``a`` (and ``A``): the activation, ``of`` itself when it is one (σ(z) for
  ``sigmoid(z)``), else the loss's prediction when that is one;
* ``f``: the activation function, when ``of`` applies exactly one kind
  (``f′(z)`` is then σ′(z) for ``sigmoid(z)``);
* anything else through ``let={"u": "w*z + b"}`` (expressions in ``of``'s variables),
  which also overrides the names above.
"""

import math
from dataclasses import dataclass

from ..functional import grad
from ..modes import no_grad
from ..value import Value
from .evaluate import Evaluator
from .functions import CONSTANTS, FUNCTIONS, LOSSES, Function, from_callable, lookup
from .limits import FormulaError
from .matrix import Matrix
from .parser import parse
from .tree import Call, Name, display_name, names, to_text, walk

_PREDICTION_NAMES = ("yhat", "Yhat")
_ACTIVATION_NAMES = ("a", "A")


@dataclass(frozen=True)
class Domain:
    """Where a variable's random values are drawn from (``sample``, an interval) and the
    special values it is also checked at."""

    sample: tuple
    specials: tuple
    text: str


REAL = Domain((-3.0, 3.0), (0.0, 30.0, -30.0, 1000.0, -1000.0), "[−3, 3]")
TARGET = Domain((0.0, 1.0), (0.0, 1.0), "[0, 1]")
PROBABILITY = Domain((0.001, 0.999), (), "(0, 1)")
POSITIVE = Domain((0.05, 3.0), (30.0, 1000.0), "(0, 3]")
_ROLES = {"positive": POSITIVE, "probability": PROBABILITY, "target": TARGET}


def user_domain(bounds, name):
    """A Domain from a caller's (low, high)."""
    try:
        low, high = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise FormulaError(f"the domain of {name} must be (low, high), got {bounds!r}",
                           "domains") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise FormulaError(f"the domain of {name} must be two finite numbers low < high, got "
                           f"{bounds!r}", "domains")
    specials = tuple(x for x in (low, high, 0.0) if low <= x <= high)
    return Domain((low, high), tuple(dict.fromkeys(specials)), f"[{low:g}, {high:g}]")


@dataclass(frozen=True)
class Binding:
    """A name the formula may use that is not a variable of ``of``: its expression and
    why it means that (for the report: "ŷ = σ(z), the prediction in BCE")."""

    name: str
    node: object
    why: str

    def text(self):
        """``ŷ = σ(z) (the prediction in BCE)``."""
        return f"{display_name(self.name)} = {to_text(self.node)}{f' ({self.why})' if self.why else ''}"


class Problem:
    """``of`` parsed, its variables, ``wrt``, and the bindings and function aliases a
    formula may use (see the module docstring)."""

    def __init__(self, of, wrt, let=None, functions=None, domains=None):
        self.of_text = of
        self.statement = parse(of, "of")
        self.tree = self.statement.rhs
        found = names(self.tree)
        for key, node in found.items():
            if node.layer is not None:
                raise FormulaError(f"{key} has a layer index; layer formulas are checked by "
                                   f"nn.explain.formulas.check_layer_formula", "of")
        self.variables = [k for k in found if k not in CONSTANTS]
        if not self.variables:
            raise FormulaError("the expression has no variable to differentiate", "of")
        if not isinstance(wrt, str) or wrt not in self.variables:
            raise FormulaError(f"wrt must be one of its variables ({', '.join(self.variables)}), "
                               f"got {wrt!r}", "of")
        self.wrt = wrt
        self.aliases = self._aliases(functions or {})
        self.bindings = self._bindings(let or {})
        self.domains = self._domains(domains or {})

    # -- names ----------------------------------------------------------------------
    def _calls(self):
        return [n for n in walk(self.tree) if isinstance(n, Call)]

    def activation_calls(self):
        """The calls of element-wise activations in ``of``, outermost first."""
        return [c for c in self._calls() if FUNCTIONS[c.function].activation and not c.primes]

    def loss_calls(self):
        """The calls of losses (BCE, MSE) in ``of``."""
        return [c for c in self._calls() if c.function in LOSSES]

    def _aliases(self, given):
        aliases = {}
        for name, function in given.items():
            if isinstance(function, Function):
                aliases[name] = function
            elif isinstance(function, str) and lookup(function) is not None:
                aliases[name] = lookup(function)
            elif callable(function):
                aliases[name] = from_callable(name, function)
            else:
                raise FormulaError(f"functions[{name!r}] must be a function name or a function "
                                   f"of one Value, got {function!r}", "functions")
        kinds = {c.function for c in self.activation_calls()}
        if "f" not in aliases and len(kinds) == 1 and "f" not in self.variables:
            aliases["f"] = FUNCTIONS[kinds.pop()]
        return aliases

    def _bindings(self, let):
        bindings = {}
        root = self.tree
        losses = self.loss_calls()
        prediction = losses[0].args[0] if len(losses) == 1 else None
        if prediction is None and isinstance(root, Call) and root in self.activation_calls():
            prediction = root
        activations = self.activation_calls()
        only = activations[0] if len({id(c) for c in activations}) == 1 else None
        activation = root if isinstance(root, Call) and root in activations else None
        if activation is None and prediction is not None and prediction in activations:
            activation = prediction
        activation = activation or only
        if prediction is None and only is not None:
            prediction = only
        for name in _PREDICTION_NAMES:
            if prediction is not None and name not in self.variables:
                why = (f"the prediction in {losses[0].spelled}" if losses else "the activation")
                bindings[name] = Binding(name, prediction, why)
        for name in _ACTIVATION_NAMES:
            if activation is not None and name not in self.variables:
                bindings[name] = Binding(name, activation, "the activation")
        if not isinstance(let, dict):
            raise FormulaError(f"let must be a dict of name: expression, got {let!r}", "let")
        for name, text in let.items():
            what = f"let {name}"
            key = _single_name(name, what)
            node = parse(text, what, self.aliases).rhs
            unknown = [k for k in names(node) if k not in self.variables and k not in CONSTANTS]
            if unknown:
                raise FormulaError(f"{unknown[0]!r} is not a variable of the expression "
                                   f"({', '.join(self.variables)})", what)
            bindings[key] = Binding(key, node, "")
        return bindings

    def _domains(self, given):
        domains = {v: REAL for v in self.variables}
        for call in self._calls():
            for arg, kind in zip(call.args, FUNCTIONS[call.function].arguments):
                if isinstance(arg, Name) and arg.key in domains:
                    domains[arg.key] = _ROLES[kind]
        for name, bounds in given.items():
            if name not in domains:
                raise FormulaError(f"domains names {name!r}, which is not a variable "
                                   f"({', '.join(self.variables)})", "domains")
            domains[name] = user_domain(bounds, name)
        return domains

    def check_names(self, statement, what="formula"):
        """Raise a FormulaError naming the first name of ``statement`` that is neither a
        variable of ``of``, a binding nor a constant."""
        for key, node in names(statement.rhs).items():
            if node.layer is not None:
                raise FormulaError(f"{key} has a layer index; layer formulas are checked by "
                                   f"nn.explain.formulas.check_layer_formula", what)
            if key in self.variables or key in self.bindings or key in CONSTANTS:
                continue
            hint = ""
            if key in _PREDICTION_NAMES + _ACTIVATION_NAMES:
                hint = (f"; {display_name(key)} means the prediction or activation only when the "
                        f"expression has one (e.g. bce(sigmoid(z), y)): define it with let")
            elif key == "f":
                hint = "; f means the activation only when the expression applies exactly one"
            elif _split_product(key, self.variables):
                hint = f"; for a product write {'·'.join(_split_product(key, self.variables))}"
            raise FormulaError(f"it uses {display_name(key)!r}, which is not a variable of the "
                               f"expression ({', '.join(self.variables)}){hint}", what)

    # -- values ---------------------------------------------------------------------
    def leaves(self, point):
        """A fresh leaf Value for each variable, set to ``point``."""
        return {name: Value(point[name], label=name) for name in self.variables}

    def lookup(self, leaves, budget):
        """The lookup of :class:`Evaluator` over ``leaves`` and the bindings."""
        cache = {}

        def find(node):
            key = node.key
            if key in leaves:
                return leaves[key]
            binding = self.bindings.get(key)
            if binding is None:
                return None
            if key not in cache:
                cache[key] = Evaluator(find, budget, self.aliases, what=key)(binding.node)
            return cache[key]
        return find

    def evaluate_of(self, point, budget, hook=None, fused=True, record=False):
        """(evaluator, leaves, F) with F = ``of`` at ``point`` as a Value graph."""
        leaves = self.leaves(point)
        evaluator = Evaluator(self.lookup(leaves, budget), budget, self.aliases, hook=hook, fused=fused,
                              record=record, what="of")
        out = evaluator(self.tree)
        if isinstance(out, Matrix):
            raise FormulaError("the expression gives a matrix; it must give one number", "of")
        return evaluator, leaves, out

    def value(self, point, budget):
        """F at ``point`` (a float), recording no graph."""
        with no_grad():
            return self.evaluate_of(point, budget)[2].data

    def derivative(self, point, budget):
        """(∂F/∂wrt at ``point`` by the engine, the nearest kink's distance)."""
        evaluator, leaves, out = self.evaluate_of(point, budget)
        return grad(out, leaves[self.wrt]), evaluator.kink

    def formula_value(self, statement, point, budget):
        """The formula at ``point``, with the bindings, as a float."""
        with no_grad():
            evaluator = Evaluator(self.lookup(self.leaves(point), budget), budget, self.aliases)
            out = evaluator(statement.rhs)
        if isinstance(out, Matrix):
            raise FormulaError("the formula gives a matrix; the derivative is one number")
        return out.data


def _split_product(name, variables):
    """``wz`` as ["w", "z"] when it is variables written together, else None."""
    if len(name) < 2 or name in variables:
        return None
    for v in sorted(variables, key=len, reverse=True):
        if name.startswith(v):
            rest = name[len(v):]
            tail = [rest] if rest in variables else _split_product(rest, variables)
            if tail:
                return [v, *tail]
    return None


def _single_name(name, what):
    if not isinstance(name, str):
        raise FormulaError(f"a name must be text, got {name!r}", what)
    node = parse(name, what).rhs
    if not isinstance(node, Name) or node.layer is not None:
        raise FormulaError(f"{name!r} is not a plain name", what)
    return node.key
