"""The classic slips of a hand derivation, each as the derivative it would give.

A slip is made by the engine, not by a second table of formulas: ``of`` is
evaluated again with one step of the chain rule done the wrong way (the local
derivative of an activation replaced, or the chain stopped at an inner node),
and ``autograd.grad`` gives the derivative the learner who made that slip would
get.  When a learner's formula equals it at every random point, the slip is
named.  The codes are those of :mod:`nn.explain.mistakes` where the same mistake
appears among a worksheet's numbers.

=============================  =========================================================
code                           the slip
=============================  =========================================================
sigma_minus_typo               σ − (1 − σ) instead of σ(1 − σ)
sigma_plus_typo                σ(1 + σ) instead of σ(1 − σ)
derivative_of_output           f′ evaluated at the activation A instead of Z
                               (σ(a)(1 − σ(a)) with a = σ(z))
missing_inner_argument         f′ taken at the variable instead of at its inner argument:
                               tanh′(z)·w for tanh(w·z + b)
missing_activation_derivative  an activation's factor f′ left out: ∂L/∂a·∂z/∂x
missing_inner_derivative       the chain stops at an inner argument u: f′(u) without the
                               factor ∂u/∂x
error_sign                     y − ŷ instead of ŷ − y (the whole derivative's sign)
missing_half / extra_half      a squared error's derivative twice / half what it is
=============================  =========================================================

A ReLU step with the other value at 0 (``z ≥ 0`` for ``z > 0``) is not a slip:
ReLU′(0) is a convention, and the check says so instead.
"""

from dataclasses import dataclass

from ..functional import grad
from .functions import derivative
from .tree import Binary, Call, Name, Num, names, to_text, walk


@dataclass(frozen=True)
class Slip:
    """One classic slip: a stable ``code`` and what it means."""

    code: str
    meaning: str


_SLIPS = (
    Slip("sigma_minus_typo", "σ − (1 − σ) instead of σ(1 − σ)"),
    Slip("sigma_plus_typo", "σ(1 + σ) instead of σ(1 − σ)"),
    Slip("derivative_of_output", "f′ evaluated at the activation A instead of Z"),
    Slip("missing_inner_argument",
         "f′ taken at the variable instead of at its inner argument"),
    Slip("missing_activation_derivative", "the activation's derivative f′ left out of the chain"),
    Slip("missing_inner_derivative",
         "the chain rule stops at an inner argument u: no ∂u/∂x factor"),
    Slip("error_sign", "y − ŷ instead of ŷ − y: the derivative's sign is flipped"),
    Slip("missing_half", "twice the derivative: a squared error without its ½"),
    Slip("extra_half", "half the derivative: a squared error with a ½ it does not have"),
)

SLIPS = {slip.code: slip for slip in _SLIPS}
"""Code -> :class:`Slip`, in the order they are tried."""


@dataclass(frozen=True)
class SlipMatch:
    """A slip that reproduces a formula, and ``detail``: where it was made."""

    slip: Slip
    detail: str

    @property
    def code(self):
        """The slip's stable code."""
        return self.slip.code

    @property
    def meaning(self):
        """What the slip is, in words."""
        return self.slip.meaning

    def __str__(self):
        return f"{self.detail} ({self.code})"


@dataclass(frozen=True)
class Candidate:
    """A slip, where it is made, and ``derivative(point, budget)``: the derivative of
    ``of`` it gives."""

    slip: Slip
    detail: str
    derivative: object


def _surrogate(argument, result, slope):
    """A node equal to ``result`` whose derivative with respect to ``argument`` is
    ``slope`` (a Value or number): the local derivative of a step, replaced."""
    return (argument - argument.data) * slope + result.data


def _replaced(problem, target, local):
    """The derivative of ``of`` with the local derivative of the call ``target`` replaced
    by ``local(function, argument, result, point)``."""
    def hook_for(point):
        def hook(node, function, argument, result):
            if node is not target:
                return result
            return _surrogate(argument, result, local(function, argument, result, point))
        return hook

    def d(point, budget):
        _, leaves, out = problem.evaluate_of(point, budget, hook=hook_for(point), fused=False)
        return grad(out, leaves[problem.wrt])
    return d


def _stopped_at(problem, inner):
    """The derivative of ``of`` with respect to the inner node ``inner``, as if it were the
    variable: the chain rule stopped there."""
    def d(point, budget):
        evaluator, leaves, out = problem.evaluate_of(point, budget, fused=False, record=True)
        value = evaluator.values.get(inner)
        if value is None:
            raise LookupError("the inner node was not evaluated")
        return grad(out, value)
    return d


def _scaled(problem, factor):
    def d(point, budget):
        return factor * problem.derivative(point, budget)[0]
    return d


def _depends_on_wrt(problem, node):
    return problem.wrt in names(node)


def candidates(problem):
    """Every :class:`Candidate` that applies to ``problem``'s expression, in the order of
    :data:`SLIPS`."""
    found = []
    activations = [c for c in problem.activation_calls() if _depends_on_wrt(problem, c)]
    sigmoids = [c for c in activations if c.function == "sigmoid"]

    for c in sigmoids:
        at = to_text(c.args[0])
        found.append(Candidate(SLIPS["sigma_minus_typo"], f"σ′({at}) taken as σ − (1 − σ)",
                               _replaced(problem, c, lambda f, u, s, p: s - (1.0 - s))))
        found.append(Candidate(SLIPS["sigma_plus_typo"], f"σ′({at}) taken as σ(1 + σ)",
                               _replaced(problem, c, lambda f, u, s, p: s * (1.0 + s))))
    for c in activations:
        at, symbol = to_text(c.args[0]), c.spelled
        found.append(Candidate(
            SLIPS["derivative_of_output"],
            f"{symbol}′ evaluated at the activation {to_text(c)} instead of at {at}",
            _replaced(problem, c, lambda f, u, a, p: derivative(f, a))))
    wrt = problem.wrt
    for c in activations:
        argument = c.args[0]
        if isinstance(argument, Name) and argument.key == wrt:
            continue
        found.append(Candidate(
            SLIPS["missing_inner_argument"],
            f"{c.spelled}′ taken at {wrt} instead of at its argument {to_text(argument)}",
            _replaced(problem, c, lambda f, u, a, p: derivative(f, problem.leaves(p)[wrt]))))
    for c in activations:
        found.append(Candidate(
            SLIPS["missing_activation_derivative"],
            f"the factor {c.spelled}′({to_text(c.args[0])}) left out",
            _replaced(problem, c, lambda f, u, a, p: 1.0)))
    for inner in _inner_arguments(problem):
        shown = to_text(inner)
        found.append(Candidate(
            SLIPS["missing_inner_derivative"],
            f"the derivative with respect to {shown}, without its inner factor "
            f"∂({shown})/∂{wrt}", _stopped_at(problem, inner)))
    found.append(Candidate(SLIPS["error_sign"], _sign_detail(problem), _scaled(problem, -1.0)))
    if _has_square(problem):
        found.append(Candidate(SLIPS["missing_half"], "the derivative times 2: the ½ of the "
                               "squared error dropped", _scaled(problem, 2.0)))
        found.append(Candidate(SLIPS["extra_half"], "the derivative times ½: a ½ the squared "
                               "error does not have", _scaled(problem, 0.5)))
    return found


def _inner_arguments(problem):
    """Inner arguments u of ``of`` whose factor ∂u/∂x a learner may drop: arguments of
    calls and bases of powers that depend on the variable and are not the variable."""
    seen = []
    for node in walk(problem.tree):
        if isinstance(node, Call):
            inner = node.args[:1]
        elif isinstance(node, Binary) and node.op == "^":
            inner = (node.left,)
        else:
            continue
        for arg in inner:
            if isinstance(arg, Name) or not _depends_on_wrt(problem, arg):
                continue
            if isinstance(arg, Call) and arg in problem.activation_calls():
                continue   # that is missing_activation_derivative
            seen.append(arg)
    return seen


def _has_square(problem):
    for node in walk(problem.tree):
        if isinstance(node, Call) and node.function == "mse":
            return True
        if isinstance(node, Binary) and node.op == "^" and _is_two(node.right):
            return True
    return False


def _is_two(node):
    return isinstance(node, Num) and node.value == 2.0


def _sign_detail(problem):
    if problem.loss_calls():
        return "y − ŷ instead of ŷ − y: the error's sign is flipped"
    return "the derivative with the opposite sign"
