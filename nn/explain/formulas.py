"""Checking a layer formula, δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l]), on random small networks.

A learner's matrix formula for one quantity of the lecture notes' backward pass
is evaluated (by :mod:`autograd.formula`, on the engine's Values) with every
W^[k], b^[k], Z^[k], A^[k] and δ^[k] of a random network, and compared entry by
entry with the engine's own numbers (:func:`~nn.explain.derivation.explain_step`),
on several networks and every layer the formula applies to::

    check_layer_formula("δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])")       # every hidden layer
    check_layer_formula("d1 = W2.T @ d2 * (z1 > 0)")                     # NumPy, ReLU
    check_layer_formula(r"\\frac{\\partial L}{\\partial W^{[l]}} = \\frac{1}{m}"
                        r"\\delta^{[l]} (A^{[l-1]})^\\top")

The quantity is the formula's left side (``δ^[1] =``, ``d1 =``, ``∂L/∂W^[l] =``,
``dW2 =``) or ``quantity=``.  Names: ``W^[k]`` (also ``W2``, ``W_2``), ``b^[k]``
(a column), ``Z^[k]``, ``A^[k]`` (``A^[0]`` = ``X``), ``δ^[k]`` (``d2``, ``delta2``,
``dZ2``), ``Y``, ``Ŷ`` = A^[L], ``m`` (samples); a layer index may be ``l``,
``l+1``, ``l−1``, ``L``.  ``f`` is the activation of the quantity's layer.  δ is per
sample (the notes' convention): column i of δ^[l] is ∂Lᵢ/∂Z^[l], and
∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ.

A formula that differs is compared with the classic slips of the same quantity
(written below in the same notation), and the one that reproduces it is named
with its code from :mod:`nn.explain.mistakes`.
"""

import random
from dataclasses import dataclass

from autograd.check import CheckResult
from autograd.check.report import Entry, agree
from autograd.formula import FormulaError, FormulaVerdict, Matrix, ShapeError, SLIPS, Slip
from autograd.formula import SlipMatch, parse
from autograd.formula.check import ATOL, RTOL
from autograd.formula.evaluate import Evaluator
from autograd.formula.functions import from_callable
from autograd.formula.limits import Budget
from autograd.formula.matrix import shape_text
from autograd.formula.tree import Binary, Call, Name, Partial, layer_text, names, to_text, walk
from autograd.value import Value

from ..activations import ACTIVATIONS, ELEMENTWISE
from ..layers import MLP
from ..losses import LOSSES, ONE_OUTPUT
from .derivation import explain_step
from .mistakes import MISTAKES

__all__ = ["check_layer_formula", "read_layer_formula", "quantity_of", "quantity_text",
           "split_name", "QUANTITIES", "LOSS_OUTPUTS"]

QUANTITIES = {"Z": "Z", "A": "A", "dA": "dL_dA", "δ": "delta", "dW": "dL_dW", "db": "dL_db"}
"""The quantities a layer formula may give (Z^[l], A^[l], ∂L/∂A^[l], δ^[l], ∂L/∂W^[l],
∂L/∂b^[l]) -> their field of :class:`~nn.explain.derivation.LayerDerivation`."""

LOSS_OUTPUTS = {name: LOSSES[name].two_class_output for name in ONE_OUTPUT}
"""The losses a layer formula may be checked under (every loss of one output), and the
output activation each network gets (its record's, as ``backprop train`` gives a
two-class classifier)."""

_SIZES = ((2, 3, 3, 1), (3, 2, 2, 1))
_SAMPLES = (2, 3)
_HIDDEN = ("sigmoid", "tanh", "relu")

# What each spelling of a name means: (quantity or input, needs a layer index).
_BASES = {
    "W": "W", "w": "W", "b": "b", "Z": "Z", "z": "Z", "A": "A", "a": "A",
    "δ": "δ", "d": "δ", "delta": "δ", "dZ": "δ", "dz": "δ",
    "dW": "dW", "dw": "dW", "db": "db", "dA": "dA", "da": "dA",
}
_INPUTS = {"X": "X", "x": "X", "Y": "Y", "y": "Y", "Yhat": "Ŷ", "yhat": "Ŷ", "m": "m"}
_PARTIALS = {"W": "dW", "w": "dW", "b": "db", "Z": "δ", "z": "δ", "A": "dA", "a": "dA"}

# The classic slips of each quantity, as the formula a learner who made it writes
# (``None``: the derivative scaled instead, by the factor).  ``hidden``: only for l < L.
_SLIP_FORMULAS = {
    "δ": (("weights_not_transposed", "W^[l+1] δ^[l+1] ⊙ f′(Z^[l])", "hidden"),
          ("derivative_of_output", "(W^[l+1])ᵀ δ^[l+1] ⊙ f′(A^[l])", "hidden"),
          ("missing_activation_derivative", "(W^[l+1])ᵀ δ^[l+1]", "hidden"),
          ("sigma_minus_typo", "(W^[l+1])ᵀ δ^[l+1] ⊙ (A^[l] − (1 − A^[l]))", "hidden sigmoid"),
          ("sigma_plus_typo", "(W^[l+1])ᵀ δ^[l+1] ⊙ A^[l] ⊙ (1 + A^[l])", "hidden sigmoid"),
          ("missing_activation_derivative", "(A^[L] − Y) / (A^[L] ⊙ (1 − A^[L]))", "output bce"),
          ("missing_activation_derivative", "A^[L] − Y", "output squared"),
          ("derivative_of_output", "(A^[L] − Y) ⊙ f′(A^[L])", "output squared"),
          ("error_sign", -1.0, "output"),
          ("missing_half", 2.0, "output squared"),
          ("extra_half", 0.5, "output squared")),
    "dA": (("weights_not_transposed", "W^[l+1] δ^[l+1]", "hidden"),
           ("error_sign", -1.0, "output")),
    "dW": (("missing_batch_mean", "δ^[l] (A^[l−1])ᵀ", ""),
           ("wrong_activation_in_weight_gradient", "(1/m) δ^[l] (A^[l])ᵀ", "")),
    "db": (("missing_batch_mean", "Σ δ^[l]", ""),),
}


def _slip_record(code):
    """The :class:`autograd.formula.Slip` of a code: the engine's slips, or the worksheet
    mistakes of :mod:`nn.explain.mistakes` (transposes, batch means)."""
    if code in SLIPS:
        return SLIPS[code]
    meaning = next(m.meaning for m in MISTAKES if m.code == code)
    return Slip(code, meaning)


@dataclass(frozen=True)
class _Case:
    """One network, one layer ℓ: what a formula is evaluated against."""

    number: int
    derivation: object
    layer: int
    hidden: str
    sizes: tuple

    @property
    def L(self):
        return len(self.derivation.layers)

    def describe(self):
        return f"network {self.number} ({'-'.join(map(str, self.sizes))}, {self.hidden})"


def check_layer_formula(formula, quantity=None, *, activation=None, loss="bce", seed=0,
                        rtol=RTOL, atol=ATOL, budget=None):
    """Check a matrix formula for one quantity of the backward pass on random networks.

    ``formula`` is text in any notation of :mod:`autograd.formula`, starting with the
    quantity it gives (``δ^[l] = …``) unless ``quantity`` names it (``"δ^[1]"``,
    ``"dW2"``, ``"∂L/∂b^[l]"``).  The networks are 2-3-3-1 and 3-2-2-1 MLPs on 2 and 3
    samples with hidden layers of ``activation`` (default: the one the formula's
    functions imply, sigmoid, tanh and ReLU in turn when it only says f′) and ``loss``
    (a loss of one output, with its targets and the output layer :data:`LOSS_OUTPUTS`
    gives it: a sigmoid for BCE and the squared errors); ``seed`` draws them.

    Returns a :class:`autograd.formula.FormulaVerdict` (true when every entry of every
    network agrees); false, it names an entry that differs with both values, or the
    shapes that do not fit, and the classic slip that reproduces the formula.  Raises
    :class:`autograd.formula.FormulaError` for a formula that cannot be read.
    """
    if loss not in LOSS_OUTPUTS:
        raise ValueError(f"check_layer_formula(): loss must be one of "
                         f"{', '.join(LOSS_OUTPUTS)}, got {loss!r}")
    statement = read_layer_formula(formula)
    target = quantity_of(statement, quantity)
    hidden = _hidden_activations(statement, activation)
    budget = budget or Budget()
    cases = [case for case in _cases(hidden, loss, seed)
             if _applies(statement, target, case)]
    if not cases:
        raise FormulaError(f"{quantity_text(target)} with these layer indices exists in none "
                           f"of the networks (layers 1 … 3)", "formula")
    check = _LayerCheck(statement, target, loss, budget, rtol, atol)
    return check.run(cases, hidden)


# -- reading the formula -------------------------------------------------------------------

_ACTIVATION_PLACEHOLDER = from_callable("f", Value.sigmoid)   # parsing only: f is a function


def read_layer_formula(formula):
    """``formula`` parsed as :func:`check_layer_formula` reads it (``f`` and ``f′`` are the
    layer's activation): a :class:`~autograd.formula.tree.Statement`, or FormulaError."""
    return parse(formula, "formula", {"f": _ACTIVATION_PLACEHOLDER})


def split_name(name_node):
    """(base, layer) of a name: W^[2], W2, W_2 and w2 are ("W", 2); δ^[l+1] is
    ("δ", ("l", 1)); X is ("X", None)."""
    text, layer = name_node.name, name_node.layer
    base, _, sub = text.partition("_")
    if layer is None and sub.isdigit():
        layer = int(sub)
    elif layer is None and sub in ("l", "L"):
        layer = (sub, 0)
    elif sub:
        base = text
    if layer is None:
        digits = len(base) - len(base.rstrip("0123456789"))
        if digits and base[:-digits] in _BASES:
            base, layer = base[:-digits], int(base[-digits:])
    return base, layer


def quantity_of(statement, given=None):
    """(symbol, layer) of the quantity a layer formula gives: its left side, or ``given``
    (text such as ``"δ^[1]"``); symbol is a key of :data:`QUANTITIES`, layer a number or
    ("l" | "L", offset).  FormulaError when it is neither or both, or not a quantity."""
    if given is not None and statement.lhs is not None:
        raise FormulaError("give the quantity either as the formula's left side or as "
                           "quantity=, not both", "formula")
    # a quantity is what a left side names, so ∂L/∂W^[l] reads as it does before an '='
    node = statement.lhs if given is None else parse(f"{given} = 0", "quantity").lhs
    what = "quantity" if given is not None else "formula"
    if node is None:
        raise FormulaError("say which quantity the formula gives: start it with δ^[1] = …, "
                           "∂L/∂W^[l] = …, d1 = …, or give the quantity (quantity=, --quantity)", what)
    if isinstance(node, Binary) and node.op == "/" and isinstance(node.left, Partial) \
            and isinstance(node.right, Partial) and isinstance(node.right.operand, Name) \
            and isinstance(node.left.operand, Name) and node.left.operand.name == "L":
        base, layer = split_name(node.right.operand)
        symbol = _PARTIALS.get(base)
    elif isinstance(node, Name):
        base, layer = split_name(node)
        symbol = _BASES.get(base)
        symbol = symbol if symbol in QUANTITIES else None
    else:
        symbol, layer = None, None
    if symbol is None:
        raise FormulaError(f"{to_text(node)} is not a quantity a layer formula gives (Z^[l], "
                           f"A^[l], δ^[l], ∂L/∂A^[l], ∂L/∂W^[l], ∂L/∂b^[l])", what)
    if layer is None:
        raise FormulaError(f"{to_text(node)} needs a layer index, as in δ^[1] or δ^[l]", what)
    return symbol, layer


def _slip_tree(form):
    return parse(form, "slip", {"f": _ACTIVATION_PLACEHOLDER}).rhs


def _scaled(factor, target):
    quantity = quantity_text(target)
    return f"−{quantity}" if factor == -1 else f"{factor:g} {quantity}"


def quantity_text(target):
    """A (symbol, layer) quantity as the notes print it: δ^[l], ∂L/∂W^[1]."""
    symbol, layer = target
    shown = {"dW": "∂L/∂W", "db": "∂L/∂b", "dA": "∂L/∂A"}.get(symbol, symbol)
    return shown + layer_text(layer)


def _hidden_activations(statement, given):
    if given is not None:
        if given not in ELEMENTWISE:
            raise ValueError(f"check_layer_formula(): activation must be an element-wise "
                             f"activation ({', '.join(ELEMENTWISE)}), got {given!r}")
        return (given,)
    implied = set()
    for node in walk(statement.rhs):
        if isinstance(node, Call) and node.function in _HIDDEN:
            implied.add(node.function)
        elif isinstance(node, Call) and node.function == "step" or (
                isinstance(node, Binary) and node.op in (">", "<", ">=", "<=")):
            implied.add("relu")
    if len(implied) > 1:
        raise FormulaError(f"it uses {' and '.join(sorted(implied))}: say which activation the "
                           f"hidden layers have (activation=)", "formula")
    return tuple(implied) or _HIDDEN


# -- the networks ------------------------------------------------------------------------

def _cases(hidden, loss, seed):
    rng = random.Random(seed)
    cases, number = [], 0
    output, labels = LOSS_OUTPUTS[loss], LOSSES[loss].labels
    for act in hidden:
        for sizes, m in zip(_SIZES, _SAMPLES):
            number += 1
            weights = [[[rng.uniform(-1.5, 1.5) for _ in range(n_in)] for _ in range(n_out)]
                       for n_in, n_out in zip(sizes, sizes[1:])]
            biases = [[rng.uniform(-0.5, 0.5) for _ in range(n_out)] for n_out in sizes[1:]]
            model = MLP.from_weights(weights, biases,
                                     [act] * (len(sizes) - 2) + [output])
            X = [[rng.uniform(-2.0, 2.0) for _ in range(sizes[0])] for _ in range(m)]
            Y = [float(labels[rng.random() < 0.5]) if labels else rng.uniform(0.0, 1.0)
                 for _ in range(m)]
            derivation = explain_step(model, X, Y, loss=loss)
            for l in range(1, len(sizes)):
                cases.append(_Case(number, derivation, l, act, sizes))
    return cases


def _resolve(layer, case):
    if isinstance(layer, int):
        return layer
    symbol, offset = layer
    return (case.layer if symbol == "l" else case.L) + offset


def _applies(statement, target, case):
    """Is the quantity's layer ``case.layer``, and does every name exist in the network?"""
    if _resolve(target[1], case) != case.layer:
        return False
    for node in names(statement.rhs).values():
        base, layer = split_name(node)
        if base in _BASES and layer is not None:
            k = _resolve(layer, case)
            if not (0 if _BASES[base] == "A" else 1) <= k <= case.L:
                return False
    return True


def _matrix(rows):
    return Matrix.of_numbers(rows)


def _column(values):
    return Matrix.of_numbers([[x] for x in values])


def _value_of(symbol, k, derivation):
    """The engine's W^[k], b^[k], Z^[k], A^[k], δ^[k], … of one network, as a Matrix."""
    if symbol == "A" and k == 0:
        return _matrix(derivation.A0)
    layer = derivation.layer(k)
    if symbol == "W":
        return _matrix(layer.W)
    if symbol in ("b", "db"):
        return _column(layer.b if symbol == "b" else layer.dL_db)
    return _matrix(getattr(layer, QUANTITIES[symbol]))


def _targets(derivation):
    Y = derivation.Y
    rows = [[float(y) for y in Y]] if not isinstance(Y[0], (list, tuple)) else \
        [list(map(float, col)) for col in zip(*Y)]
    return _matrix(rows)


def _lookup(case):
    derivation = case.derivation

    def find(node):
        base, layer = split_name(node)
        if base in _BASES and _BASES[base] in ("W", "b", "Z", "A", "δ", "dW", "db", "dA"):
            if layer is None:
                raise FormulaError(f"{node.key} needs a layer index, as in {base}^[2] or "
                                   f"{base}2", "formula")
            return _value_of(_BASES[base], _resolve(layer, case), derivation)
        role = _INPUTS.get(node.name) if node.layer is None else None
        if role == "X":
            return _matrix(derivation.A0)
        if role == "Y":
            return _targets(derivation)
        if role == "Ŷ":
            return _matrix(derivation.Y_hat)
        if role == "m":
            return Value(float(derivation.m))
        return None
    return find


# -- comparing ---------------------------------------------------------------------------

class _Outcome:
    """A formula on one case: its Matrix, or the ShapeError it raised (its message and
    the shapes that did not fit)."""

    def __init__(self, value=None, error=None, shapes=None):
        self.value, self.error, self.shapes = value, error, shapes


class _LayerCheck:
    def __init__(self, statement, target, loss, budget, rtol, atol):
        self.statement, self.target, self.loss = statement, target, loss
        self.budget, self.rtol, self.atol = budget, rtol, atol

    def evaluate(self, rhs, case):
        aliases = {"f": from_callable("f", ACTIVATIONS[self._activation(case)].fn)}
        try:
            out = Evaluator(_lookup(case), self.budget, aliases)(rhs)
        except ShapeError as e:
            return _Outcome(error=e.detail, shapes=e.shapes)
        if not isinstance(out, Matrix):
            out = Matrix([[out]])
        return _Outcome(out)

    def _activation(self, case):
        l = _resolve(self.target[1], case)
        return case.hidden if l < case.L else LOSS_OUTPUTS[self.loss]

    def truth(self, case):
        return _value_of(self.target[0], case.layer, case.derivation)

    def run(self, cases, hidden):
        entries, reason = [], ""
        outcomes, failing = [], set()
        for case in cases:
            truth = self.truth(case)
            outcome = self.evaluate(self.statement.rhs, case)
            outcomes.append((case, truth, outcome))
            problem = self._shape_problem(truth, outcome, case)
            if problem:
                reason = reason or problem
                failing.add(case.hidden)
                continue
            compared = self._entries(case, truth, outcome.value)
            if any(e.status == "mismatch" for e in compared):
                failing.add(case.hidden)
            entries += compared
        result = CheckResult(f"{to_text(self.statement.rhs, matrix=True)} against the engine's "
                             f"{self._target_text(cases[0])}", ("engine", "formula"), entries,
                             self.atol, self.rtol)
        verdict = FormulaVerdict(
            formula=self.statement.text, reading=to_text(self.statement.rhs, matrix=True),
            against=f"the engine's {quantity_text(self.target)}", result=result,
            points=self._described(cases, hidden), truth="the engine's value", unit="entries",
            reason=reason)
        if result.mismatches:
            verdict.shown = max(result.mismatches, key=lambda e: (e.rel_error, e.abs_error))
        if not verdict.ok:
            verdict.slip = self._slip(outcomes)
            holds = [h for h in hidden if h not in failing]
            if holds and verdict.slip is None:
                verdict.notes.append(
                    f"it holds where the hidden layers are {' and '.join(holds)}, not where they "
                    f"are {' and '.join(h for h in hidden if h in failing)}: a formula for one "
                    f"activation; check it with activation={holds[0]!r}")
        return verdict

    def _target_text(self, case):
        symbol, _ = self.target
        return quantity_text((symbol, case.layer))

    def _shape_problem(self, truth, outcome, case):
        where = f"in {case.describe()}, layer {case.layer}"
        if outcome.error:
            return f"{outcome.error} ({where})"
        if outcome.value.shape != truth.shape:
            return (f"it gives a {shape_text(outcome.value.shape)} matrix, but "
                    f"{self._target_text(case)} is {shape_text(truth.shape)} ({where})")
        return ""

    def _entries(self, case, truth, value):
        entries = []
        label = self._target_text(case)
        for i, (t_row, v_row) in enumerate(zip(truth.rows, value.rows), 1):
            for j, (t, v) in enumerate(zip(t_row, v_row), 1):
                entry = Entry(f"{case.describe()}: {label}_{i},{j}", None, None, t.data, v.data)
                if not agree(t.data, v.data, self.atol, self.rtol):
                    entry.status = "mismatch"
                entries.append(entry)
        return entries

    def _described(self, cases, hidden):
        networks = sorted({(c.number, c.sizes, c.hidden, c.derivation.m) for c in cases})
        layers = sorted({c.layer for c in cases})
        acts = ", ".join(dict.fromkeys(h for _, _, h, _ in networks))
        shapes = " and ".join(dict.fromkeys("-".join(map(str, s)) for _, s, _, _ in networks))
        return (f"on {len(networks)} random networks ({shapes}; hidden {acts}; {self.loss} with a "
                f"{LOSS_OUTPUTS[self.loss]} output; m = 2, 3), layer"
                f"{'s' if len(layers) > 1 else ''} {', '.join(map(str, layers))}")

    # -- slips ---------------------------------------------------------------------------
    def _slip(self, outcomes):
        symbol = self.target[0]
        for code, form, when in _SLIP_FORMULAS.get(symbol, ()):
            if self._reproduces(code, form, when, outcomes):
                shown = form if isinstance(form, str) else _scaled(form, self.target)
                return SlipMatch(_slip_record(code), f"{_slip_record(code).meaning}: it matches "
                                 f"{shown} on every network")
        return None

    def _applies_to(self, when, case):
        output = case.layer == case.L
        if "hidden" in when and output or "output" in when and not output:
            return False
        if "sigmoid" in when and self._activation(case) != "sigmoid":
            return False
        record = LOSSES[self.loss]
        if "bce" in when and record.takes != "probabilities":   # ∂L/∂ŷ of BCE on ŷ
            return False
        if "squared" in when and record.half is None:
            return False
        return True

    def _reproduces(self, code, form, when, outcomes):
        tried = False
        for case, truth, outcome in outcomes:
            if not self._applies_to(when, case):
                return False
            if isinstance(form, str):
                slipped = self.evaluate(_slip_tree(form), case)
            else:
                slipped = _Outcome(truth.map(lambda v: v * form))
            if outcome.error or slipped.error:
                if outcome.shapes != slipped.shapes:   # the same shapes fail the same way
                    return False
                tried = True
                continue
            if outcome.value.shape != slipped.value.shape:
                return False
            same = all(agree(s.data, v.data, self.atol, self.rtol)
                       for s_row, v_row in zip(slipped.value.rows, outcome.value.rows)
                       for s, v in zip(s_row, v_row))
            if not same:
                return False
            tried = True
        return tried
