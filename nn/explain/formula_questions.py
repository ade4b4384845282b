"""An exercise's formula questions: f′ of an activation, δ^[L], the δ recursion, ∂L/∂W^[l].

``backprop exercise --formulas`` asks each student, besides the numbers, for four
formulas of their own network, typed as text in any notation of :mod:`autograd.formula`
(ASCII, Unicode, LaTeX), each checked against the engine:

=======================  ====================================================  ====================
key in answers.json      the question (the key's answer)                       checked by
=======================  ====================================================  ====================
activation_derivative    f′(z) of the output activation, written out           check_formula at
                         (σ(z)(1 − σ(z))); of the hidden layers' when the      random and special
                         output is linear                                      points
output_delta             δ^[L] = ∂Lᵢ/∂z for one sample, for the loss and the   check_formula
                         output activation (ŷ − y for BCE after a sigmoid)
delta_recursion          δ^[l] of a hidden layer:                              check_layer_formula
                         (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])                          on random networks
weight_gradient          ∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ                    check_layer_formula
=======================  ====================================================  ====================

What a form, a feedback file or an export reads of a question: ``key`` (its name in
reports, and where the answer goes: ``answers.json`` → ``formulas`` → ``key`` →
``answer``, a string), ``symbol`` / ``symbol_latex`` (δ^[L]) and the question's words as
``text``, ``markdown`` or ``latex``; :meth:`nn.explain.exercise.Exercise.formula_questions`
gives an exercise's, and :data:`nn.explain.worksheet.FORMULA_NOTATION` says how to type one.

A question's definition (what it is the derivative of, with respect to what, for which
activation and loss, and the seed of its random points: the exercise's own, so a
verdict is the same on every run) is the teacher's: :meth:`FormulaQuestion.to_key`
writes it into the student's key and :meth:`FormulaQuestion.from_key` reads it back for
grading; a student's file is read for the answer only.

Answers are read as a learner writes them.  The scalar questions also take the output
layer's names and the sample index (``A^[L] − Y``, ``Ŷ − Y``, ``a^[2] − y``,
``ŷᵢ − yᵢ``) for z, a, ŷ and y, but not f′ itself (σ′(z) answers nothing:
``derivatives=False``).  The layer questions take a formula for any layer l
(``δ^[l] = …``) or a numbered one (``d1 = W2.T @ d2 * (z1 > 0)``), with or without its left
side (the layer of a formula without one is read from its δ: ``W2.T @ d2 …`` gives
δ^[1]), but not the asked quantity itself (δ^[l] = δ^[l]) and, for the recursion, not
without δ^[l+1] (δ^[L] = A^[L] − Y answers another question).
"""

import dataclasses
from dataclasses import dataclass, field

from autograd.formula import FormulaError, check_formula, parse
from autograd.formula.problem import Problem
from autograd.formula.tree import Call, Name, names, to_text, walk

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from .formulas import (LOSS_OUTPUTS, check_layer_formula, quantity_of, quantity_text,
                       read_layer_formula, split_name)
from .worksheet import function_formula, loss_formula

__all__ = ["FormulaQuestion", "formula_questions", "NotAnAnswer", "QUESTION_KEYS",
           "ACTIVATION_DERIVATIVE", "OUTPUT_DELTA", "DELTA_RECURSION", "WEIGHT_GRADIENT"]

ACTIVATION_DERIVATIVE = "activation_derivative"
OUTPUT_DELTA = "output_delta"
DELTA_RECURSION = "delta_recursion"
WEIGHT_GRADIENT = "weight_gradient"
QUESTION_KEYS = (ACTIVATION_DERIVATIVE, OUTPUT_DELTA, DELTA_RECURSION, WEIGHT_GRADIENT)
"""The answer file's names of the formula questions, in the order they are asked."""



def _askable(activation):
    """Whether f′ of ``activation`` may be asked: its record writes f′ as a key's answer
    (``derivative_answer``), and it is not the identity (f′ = 1 asks nothing)."""
    record = ACTIVATIONS.get(activation)
    return record is not None and record.derivative_answer is not None \
        and not record.is_identity


def _has_output_delta(loss):
    """Whether δ^[L] of ``loss`` may be asked: its record writes Lᵢ and δ^[L] (every loss
    of one output), and a layer formula may be checked under it."""
    record = LOSSES.get(loss)
    return record is not None and record.delta is not None and loss in LOSS_OUTPUTS

class NotAnAnswer(ValueError):
    """A readable formula that does not answer its question (it gives another quantity, or
    uses the asked one); the message says why, in one line."""


@dataclass(frozen=True)
class FormulaQuestion:
    """One formula question of one student's exercise.

    - ``key``: its name in the answer file (``formulas.<key>.answer``) and in reports
    - ``symbol`` / ``symbol_latex``: the quantity asked, as the notes write it (σ′(z), δ^[L])
    - ``text`` / ``latex``: the question in plain Unicode text / in LaTeX (math in $…$);
      :attr:`markdown` is it in Markdown
    - ``answer``: the key's answer
    - ``check``: what an answer is checked against (the teacher's, from the key):
      ``of``, ``wrt``, ``let``, ``layers`` (the layer indices z and a may carry) for a
      derivative; ``quantity``, ``activation``, ``loss`` for a layer formula; ``seed``
    """

    key: str
    symbol: str
    symbol_latex: str
    text: str
    latex: str
    answer: str
    check: dict = field(hash=False, compare=True)

    @property
    def markdown(self):
        """The question in Markdown (its text: it holds no Markdown markup)."""
        return self.text

    @property
    def asks_derivative_of(self):
        """The activation whose derivative f′ this question asks (a sheet must not print
        it), or None."""
        return self.check["activation"] if self.key == ACTIVATION_DERIVATIVE else None

    def to_key(self):
        """The question as a key stores it: its text, the key's answer, its definition."""
        return {"question": self.text, "answer": self.answer, "check": dict(self.check)}

    @classmethod
    def from_key(cls, key, entry):
        """Question ``key`` from a student's key (the dict :meth:`to_key` wrote); ValueError
        saying what is wrong when ``entry`` is not one."""
        if key not in QUESTION_KEYS:
            raise ValueError(f"unknown formula question {key!r}")
        if not isinstance(entry, dict):
            raise ValueError(f"formula question {key!r} is not an object")
        built = _build(key, _checked_definition(key, entry.get("check")))
        text, answer = entry.get("question"), entry.get("answer")
        if not isinstance(text, str) or not isinstance(answer, str):
            raise ValueError(f"formula question {key!r} needs its \"question\" and "
                             f"\"answer\" as text")
        return dataclasses.replace(built, text=text, answer=answer)

    def grade(self, answer):
        """The :class:`autograd.formula.FormulaVerdict` of ``answer`` (text).  Raises
        :class:`~autograd.formula.FormulaError` (one line) when it cannot be read and
        :class:`NotAnAnswer` when it answers another question."""
        answer = answer.replace("ᵢ", "_i")   # the worksheet's sample index: ŷᵢ − yᵢ
        stripped = answer.strip()
        if len(stripped) > 1 and stripped[0] == stripped[-1] == "`":
            answer = stripped[1:-1]   # copied with the Markdown sheet's code quotes
        if self.key in (ACTIVATION_DERIVATIVE, OUTPUT_DELTA):
            return self._derivative(answer)
        return self._layer_formula(answer)

    def _derivative(self, answer):
        c = self.check
        aliases = Problem(c["of"], c["wrt"], c["let"]).aliases
        statement = parse(answer, "formula", aliases)
        rhs = _one_sample(statement.rhs, c["layers"])
        _refuse_other_layers(rhs, c["layers"])
        formula = answer if rhs is statement.rhs else to_text(rhs)
        return check_formula(formula, of=c["of"], wrt=c["wrt"], let=c["let"],
                             derivatives=False, seed=c["seed"])

    def _layer_formula(self, answer):
        c = self.check
        statement = read_layer_formula(answer)
        symbol = quantity_of(parse("0"), c["quantity"])[0]
        deltas = {layer for base, layer in map(split_name, names(statement.rhs).values())
                  if _BASE_SYMBOLS.get(base, base) == "δ" and layer is not None}
        if statement.lhs is not None:
            target, quantity = quantity_of(statement), None
            if target[0] != symbol:
                raise NotAnAnswer(f"it gives {quantity_text(target)}; the question asks for "
                                  f"{quantity_text((symbol, ('l', 0)))}")
        else:
            target = (symbol, _layer_given(symbol, statement, deltas))
            quantity = quantity_text(target)
        _refuse_itself(statement, target)
        if symbol == "δ" and (_shifted(target[1], 1) not in deltas
                              or isinstance(target[1], int) and target[1] < 1):
            raise NotAnAnswer(f"it gives {quantity_text(target)} without "
                              f"{quantity_text(('δ', _shifted(target[1], 1)))}: the question "
                              f"asks the recursion, a hidden layer's δ from the next layer's, "
                              f"in terms of {_IN_TERMS_OF['δ']}")
        return check_layer_formula(answer, quantity, activation=c["activation"],
                                   loss=c["loss"], seed=c["seed"])


def _shifted(layer, by):
    """A layer index moved by ``by``: 2 -> 3, ("l", 0) -> ("l", 1)."""
    return layer + by if isinstance(layer, int) else (layer[0], layer[1] + by)


def _layer_given(symbol, statement, deltas):
    """The layer a formula without a left side gives: l when it writes layers with l;
    else read from the one δ it uses (δ^[1] from d2, δ^[L−1] from δ^[L], ∂L/∂W^[2] from
    d2); l when that says nothing."""
    layers = [split_name(n)[1] for n in names(statement.rhs).values()]
    if len(deltas) != 1 or any(isinstance(x, tuple) and x[0] == "l" for x in layers):
        return ("l", 0)
    (layer,) = deltas
    return _shifted(layer, -1) if symbol == "δ" else layer


def formula_questions(exercise):
    """The formula questions of ``exercise`` (an :class:`~nn.explain.exercise.Exercise`), in
    the order of :data:`QUESTION_KEYS`: those its network has (the recursion needs a
    hidden layer, f′ an activation that is not linear), seeded with its variant's seed."""
    seed = exercise.seed
    L = len(exercise.sizes) - 1
    output, hidden = exercise.activations[-1], exercise.activations[:-1]
    checks = {}
    asked = next((a for a in (output,) + hidden if _askable(a)), None)
    if asked is not None:
        at_output = asked == output
        checks[ACTIVATION_DERIVATIVE] = {
            "of": ACTIVATIONS[asked].expression, "wrt": "z", "let": {},
            "layers": ["L", L] if at_output else ["l", *range(1, L)],
            "activation": asked, "layer": "output" if at_output else "hidden", "seed": seed}
    identity = ACTIVATIONS[output].is_identity
    checks[OUTPUT_DELTA] = {
        "of": LOSSES[exercise.loss].expression.format(p=ACTIVATIONS[output].expression),
        "wrt": "z", "let": {"a": "z"} if identity else {}, "layers": ["L", L],
        "activation": output, "loss": exercise.loss, "seed": seed}
    if hidden:
        checks[DELTA_RECURSION] = {"quantity": "δ^[l]", "activation": hidden[0],
                                   "loss": exercise.loss, "seed": seed}
    checks[WEIGHT_GRADIENT] = {"quantity": "∂L/∂W^[l]", "activation": None,
                               "loss": exercise.loss, "seed": seed}
    return tuple(_build(key, check) for key, check in checks.items())


# --- the questions' words ------------------------------------------------------------------

def _symbols(activation):
    """(symbol, LaTeX symbol) of an activation: σ and \\sigma."""
    record = ACTIVATIONS[activation]
    return record.function_name(), record.function_name(latex=True)


def _build(key, c):
    """The question ``key`` whose definition is ``c``: its symbol, words and key answer."""
    if key == ACTIVATION_DERIVATIVE:
        return _activation_derivative(c)
    if key == OUTPUT_DELTA:
        return _output_delta(c)
    if key == DELTA_RECURSION:
        return _delta_recursion(c)
    return _weight_gradient(c)


def _activation_derivative(c):
    act = c["activation"]
    sym, tex = _symbols(act)
    whose = "your output activation" if c["layer"] == "output" else \
        "your hidden layers' activation"
    text = (f"{sym}′(z), the derivative of {whose} {function_formula(act)} with respect to "
            f"z, written out in z (or in a = {sym}(z)); {sym}′ itself is not an answer.")
    latex = (rf"${tex}'(z)$, the derivative of {whose} ${function_formula(act, latex=True)}$ "
             rf"with respect to $z$, written out in $z$ (or in $a = {tex}(z)$); ${tex}'$ "
             rf"itself is not an answer.")
    return FormulaQuestion(ACTIVATION_DERIVATIVE, f"{sym}′(z)", f"{tex}'(z)", text, latex,
                           ACTIVATIONS[act].derivative_answer, c)


def _output_delta(c):
    loss_text, loss_latex = loss_formula(c["loss"]), loss_formula(c["loss"], latex=True)
    if ACTIVATIONS[c["activation"]].is_identity:
        output, output_latex = "ŷ = z (a linear output)", r"$\hat y = z$ (a linear output)"
    else:
        sym, tex = _symbols(c["activation"])
        output, output_latex = f"ŷ = {sym}(z)", rf"$\hat y = {tex}(z)$"
    text = (f"δ^[L] = ∂Lᵢ/∂z for one sample: the derivative of your loss {loss_text}, with "
            f"{output} the network's output, with respect to the output's pre-activation "
            f"z = Z^[L]; write it in z, ŷ (or a) and y, as simple as you can make it.")
    latex = (rf"$\delta^{{[L]}} = \partial L_i / \partial z$ for one sample: the derivative of "
             rf"your loss ${loss_latex}$, with {output_latex} the network's output, with "
             rf"respect to the output's pre-activation $z = Z^{{[L]}}$; write it in $z$, "
             rf"$\hat y$ (or $a$) and $y$, as simple as you can make it.")
    return FormulaQuestion(OUTPUT_DELTA, "δ^[L]", r"\delta^{[L]}", text, latex,
                           LOSSES[c["loss"]].delta, c)


def _delta_recursion(c):
    act = c["activation"]
    text = (f"δ^[l] for a hidden layer l < L, whose activation is {function_formula(act)}, "
            f"in terms of W^[l+1], δ^[l+1] and Z^[l] (or A^[l]): for any hidden layer "
            f"(δ^[l] = …) or for one of them (δ^[1] = …); f′(Z^[l]) may stand for the "
            f"activation's derivative.")
    latex = (rf"$\delta^{{[l]}}$ for a hidden layer $l < L$, whose activation is "
             rf"${function_formula(act, latex=True)}$, in terms of $W^{{[l+1]}}$, "
             rf"$\delta^{{[l+1]}}$ and $Z^{{[l]}}$ (or $A^{{[l]}}$): for any hidden layer "
             rf"($\delta^{{[l]}} = \ldots$) or for one of them ($\delta^{{[1]}} = \ldots$); "
             rf"$f'(Z^{{[l]}})$ may stand for the activation's derivative.")
    return FormulaQuestion(DELTA_RECURSION, "δ^[l]", r"\delta^{[l]}", text, latex,
                           "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])", c)


def _weight_gradient(c):
    text = ("∂L/∂W^[l], the gradient of the batch's loss L = (1/m) Σᵢ Lᵢ with respect to "
            "W^[l], in terms of δ^[l], A^[l−1] and m: for any layer (∂L/∂W^[l] = …) or for "
            "one of them (∂L/∂W^[1] = …, with X = A^[0]).")
    latex = (r"$\partial L / \partial W^{[l]}$, the gradient of the batch's loss "
             r"$L = \tfrac1m \sum_i L_i$ with respect to $W^{[l]}$, in terms of "
             r"$\delta^{[l]}$, $A^{[l-1]}$ and $m$: for any layer "
             r"($\partial L / \partial W^{[l]} = \ldots$) or for one of them "
             r"($\partial L / \partial W^{[1]} = \ldots$, with $X = A^{[0]}$).")
    return FormulaQuestion(WEIGHT_GRADIENT, "∂L/∂W^[l]", r"\partial L / \partial W^{[l]}",
                           text, latex, "∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ", c)


# --- reading a key's definition ---------------------------------------------------------------

_SCALAR_FIELDS = ("of", "wrt", "let", "layers", "activation", "seed")
_LAYER_FIELDS = ("quantity", "activation", "loss", "seed")
_FIELDS = {ACTIVATION_DERIVATIVE: _SCALAR_FIELDS + ("layer",),
           OUTPUT_DELTA: _SCALAR_FIELDS + ("loss",),
           DELTA_RECURSION: _LAYER_FIELDS, WEIGHT_GRADIENT: _LAYER_FIELDS}
"""The fields of each question's definition."""


def _checked_definition(key, c):
    """``c`` when it is a definition question ``key`` can be checked against, else ValueError
    (a key the grader cannot use must never be blamed on a student's answer)."""
    def need(name, test, what):
        if not test(c.get(name)):
            raise ValueError(f"formula question {key!r}: \"{name}\" must be {what}, got "
                             f"{c.get(name)!r}")

    if not isinstance(c, dict):
        raise ValueError(f"formula question {key!r} has no \"check\" definition")
    if set(c) != set(_FIELDS[key]):
        raise ValueError(f"formula question {key!r}: \"check\" must hold "
                         f"{', '.join(_FIELDS[key])}, got {', '.join(map(str, c))}")
    need("seed", lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
    if key != ACTIVATION_DERIVATIVE:
        need("loss", _has_output_delta,
             f"one of {', '.join(filter(_has_output_delta, LOSSES))}")
    activations = {
        ACTIVATION_DERIVATIVE: (_askable, f"one of {', '.join(filter(_askable, ACTIVATIONS))}"),
        OUTPUT_DELTA: (lambda v: v in ACTIVATIONS and ACTIVATIONS[v].expression is not None,
                       "the output activation"),
        DELTA_RECURSION: (lambda v: v in ACTIVATIONS and ACTIVATIONS[v].elementwise,
                          "an element-wise activation"),
        WEIGHT_GRADIENT: (lambda v: v is None, "null (any activation)"),
    }
    need("activation", *activations[key])
    try:
        if key in (ACTIVATION_DERIVATIVE, OUTPUT_DELTA):
            need("let", lambda v: isinstance(v, dict) and all(
                isinstance(k, str) and isinstance(x, str) for k, x in v.items()),
                 "name: expression")
            need("layers", lambda v: isinstance(v, list) and all(
                x in ("l", "L") or isinstance(x, int) and not isinstance(x, bool) for x in v),
                 "layer indices")
            Problem(c.get("of"), c.get("wrt"), c["let"])
        else:
            need("quantity", lambda v: isinstance(v, str), "the quantity asked")
            symbol = "δ" if key == DELTA_RECURSION else "dW"
            need("quantity", lambda v: quantity_of(parse("0"), v)[0] == symbol,
                 f"a {quantity_text((symbol, ('l', 0)))} quantity")
        if key == ACTIVATION_DERIVATIVE:
            need("layer", lambda v: v in ("output", "hidden"), "output or hidden")
    except FormulaError as e:
        raise ValueError(f"formula question {key!r}: {e}") from None
    return c


# --- reading an answer ---------------------------------------------------------------------------

_BASE_SYMBOLS = {"d": "δ", "delta": "δ", "dZ": "δ", "dz": "δ", "dw": "dW", "da": "dA"}
_IN_TERMS_OF = {"δ": "W^[l+1], δ^[l+1] and Z^[l] (or A^[l])", "dW": "δ^[l], A^[l−1] and m"}


def _refuse_itself(statement, target):
    """NotAnAnswer when the formula uses the quantity it should give (δ^[l] = δ^[l]), or for
    δ the ∂L/∂A^[l] it is computed from (the recursion is what is asked)."""
    symbol, layer = target
    for node in names(statement.rhs).values():
        base, at = split_name(node)
        base = _BASE_SYMBOLS.get(base, base)
        if base == symbol and (at == layer or {at, layer} == {1, ("l", 0)}):
            raise NotAnAnswer(f"it uses {quantity_text(target)} itself; write it in terms of "
                              f"{_IN_TERMS_OF[symbol]}")
        if symbol == "δ" and base == "dA":
            raise NotAnAnswer(f"it uses ∂L/∂A; write δ^[l] in terms of {_IN_TERMS_OF['δ']}")


def _one_sample(node, layers):
    """``node`` with the names of one layer read as one sample's scalars: Z^[L], Z, z_i -> z;
    A^[L], a_i -> a; Y, y_i -> y; Ŷ, ŷ_i -> ŷ, where ``layers`` are the layer indices those
    names may carry ("L", "l" or numbers).  ``node`` itself when nothing is renamed."""
    allowed = [(x, 0) if isinstance(x, str) else x for x in layers]
    renamed = {}
    for n in walk(node):
        if isinstance(n, Name):
            scalar = _scalar_name(n, allowed)
            if scalar is not None and (scalar != n.name or n.layer is not None):
                renamed[id(n)] = Name(scalar)
    return _replaced(node, renamed) if renamed else node


def _refuse_other_layers(node, layers):
    """FormulaError for a name of another layer than the question's (A^[1] in the output
    layer's δ^[L]), saying how the question's names are written."""
    for n in names(node).values():
        if split_name(n)[1] is not None:
            which = "the output layer L" if "L" in layers else "a hidden layer"
            raise FormulaError(f"{to_text(n)} is not a name of this question, which is about "
                               f"{which} and one sample: write it in z, a (or ŷ) and y")


def _scalar_name(node, allowed):
    name = node.name.removesuffix("_i") if node.layer is None else node.name
    base, layer = split_name(Name(name, node.layer))
    if layer is not None and layer not in allowed:
        return None
    if base in ("Z", "z"):
        return "z"
    if base in ("A", "a"):
        return "a"
    if layer is None and base in ("Y", "y", "Yhat", "yhat"):
        return base.lower()
    return None


_CHILD_FIELDS = {"Binary": ("left", "right"), "Unary": ("operand",),
                 "Transpose": ("operand",), "Partial": ("operand",)}


def _replaced(node, renamed):
    """A copy of the tree under ``node`` with the nodes in ``renamed`` (id -> node) swapped
    in; recursion is bounded by the parser's depth limit."""
    if id(node) in renamed:
        return renamed[id(node)]
    children = node.children()
    new = [_replaced(child, renamed) for child in children]
    if all(a is b for a, b in zip(new, children)):
        return node
    if isinstance(node, Call):
        return dataclasses.replace(node, args=tuple(new))
    return dataclasses.replace(node, **dict(zip(_CHILD_FIELDS[type(node).__name__], new)))
