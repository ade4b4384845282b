"""The classic backpropagation mistakes, each as the wrong formula a student applies.

A ``wrong`` entry is recomputed with each mistake's formula, fed the student's
own earlier values (:class:`nn.explain.own_values.OwnValues`); the first whose
number matches the student's (within the entry's tolerance) names the
diagnosis.  The codes are stable: reports, CSV files and tests rely on them.

==================================  ======================================================
code                                the mistake (lecture notes' notation)
==================================  ======================================================
missing_activation_derivative       δ^[l] = ∂L/∂A^[l], without ⊙ f′(Z^[l])
derivative_of_output                f′ evaluated at A^[l] instead of Z^[l]
                                    (for a sigmoid: σ(a)(1 − σ(a)) with a = σ(z))
sigma_minus_typo                    σ − (1 − σ) instead of σ(1 − σ) (sigmoid layers)
weights_not_transposed              ∂L/∂A^[l] = W^[l+1] δ^[l+1] instead of (W^[l+1])ᵀ δ^[l+1]
                                    (visible only when W^[l+1] is square)
wrong_activation_in_weight_gradient ∂L/∂W^[l] = δ^[l] (A^[l])ᵀ instead of δ^[l] (A^[l−1])ᵀ
                                    (visible only when W^[l] is square)
missing_batch_mean                  Σᵢ instead of (1/m) Σᵢ in ∂L/∂W, ∂L/∂b or L (m > 1)
missing_half                        squared error without the ½ the loss has (L, ∂L/∂Ŷ,
                                    δ^[L] twice the key)
extra_half                          squared error with a ½ the loss does not have (half)
error_sign                          y − ŷ instead of ŷ − y in ∂L/∂Ŷ and δ^[L]
update_sign                         θ + α ∂L/∂θ instead of θ − α ∂L/∂θ
learning_rate_missing               θ − ∂L/∂θ instead of θ − α ∂L/∂θ
rounding                            not a mistake: the number is the key (or the student's
                                    own earlier values) within the rounding of the digits
                                    shown; counted correct, with this note
too_few_digits                      the number is the right value rounded to fewer digits
                                    than the policy's ``min_digits`` (wrong: 0.41 for 0.414)
transposed                          a matrix written as the transpose of its asked shape
                                    (that matrix's entries are wrong; the rest is graded)
wrong_shape                         an entry whose shape fits neither the asked shape nor
                                    its transpose (its entries are wrong)
==================================  ======================================================

The first eleven are formulas a student applied; the last four are found by the
digits rule (:mod:`nn.explain.policy`) and by reading the file.  Each record also holds
its ``advice``: one plain sentence in the worksheet's notation, for the number's place
(:class:`Where`), that a student's feedback prints ("δ^[2] is missing the factor
f′(Z^[2]): for a sigmoid layer multiply by A^[2](1 − A^[2])").
"""

from dataclasses import dataclass

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from .own_values import activation_slope

__all__ = ["Mistake", "MISTAKES", "FINDINGS", "BY_CODE", "CODES", "ROUNDING",
           "TOO_FEW_DIGITS", "TRANSPOSED", "WRONG_SHAPE", "Where", "diagnose", "advice"]

ROUNDING = "rounding"
TOO_FEW_DIGITS = "too_few_digits"
TRANSPOSED = "transposed"
WRONG_SHAPE = "wrong_shape"

@dataclass(frozen=True)
class Where:
    """Where a diagnosed number sits, for its advice: the quantity (a name of
    :data:`nn.explain.quantities.QUANTITIES`), its layer (None for L, Lᵢ), that layer's
    activation, the batch size, learning rate, loss and the fewest digits that count."""

    quantity: str
    layer: int = None
    activation: str = None
    m: int = 1
    lr: float = None
    loss: str = None
    min_digits: int = 3


@dataclass(frozen=True)
class Mistake:
    """A stable ``code``, what it means, and the wrong formula for each quantity it touches:
    ``formulas[quantity](own, l, index)`` gives the mistaken number, or None where the
    mistake cannot show (a shape that does not allow it, a loss without a square);
    ``advice(where)`` says in one sentence what to do instead."""

    code: str
    meaning: str
    formulas: dict
    advice: object = None


def _unless_linear(own, l, value):
    return None if ACTIVATIONS[own.activations[l - 1]].is_identity else value


def _slope_at_output(own, l, index):
    return activation_slope(own.activations[l - 1], own.value("A", l, index))


def _sigma_typo(own, l, index):
    if own.activations[l - 1] != "sigmoid":
        return None
    a = own.value("A", l, index)
    return a - (1 - a)


def _untransposed(own, l, index):
    if l == own.L or len(own.W[l]) != len(own.W[l][0]):
        return None
    return own.delta_through(l, index, lambda r, j: own.W[l][j][r])


def _own_layer_activation(own, l, index, samples, scale):
    if len(own.W[l - 1]) != len(own.W[l - 1][0]):
        return None
    j, k = index[-2:]
    return own.weight_gradient(l, j, k, l, samples) * scale


def _batch_sum(own, name, l, index):
    return None if own.m == 1 else own.recomputed(name, l, index) * own.m


def _loss_factor(own, l, factor, half):
    """``factor`` where the loss is a squared error whose record's ``half`` is ``half``."""
    record = LOSSES.get(own.d.loss_function)
    if record is None or record.half is not half or (l is not None and l != own.L):
        return None
    return factor


def _scaled_by_loss(name, factor, half):
    def formula(own, l, index):
        f = _loss_factor(own, l, factor, half)
        return None if f is None else own.recomputed(name, l, index) * f
    return formula


def _at_output(name, sign):
    def formula(own, l, index):
        return own.recomputed(name, l, index) * sign if l == own.L else None
    return formula


def _update(step_factor, name, old):
    def formula(own, l, index):
        return old(own, l, index) + step_factor(own) * own.value(name, l, index)
    return formula


def _old_w(own, l, index):
    return own.W[l - 1][index[0]][index[1]]


def _old_b(own, l, index):
    return own.b[l - 1][index[0]]


def _squared_loss_formulas(factor, half):
    return {name: _scaled_by_loss(name, factor, half)
            for name in ("losses", "loss", "dA", "dZ")}


def _delta_with(factor):
    """δ^[l] = (given term) ⊙ ``factor``: the dZ formula built on a mistaken dA or f′."""
    def formula(own, l, index):
        value = factor(own, l, index)
        return None if value is None else own.value("dA", l, index) * value
    return formula


def _delta_from_untransposed(own, l, index):
    value = _untransposed(own, l, index)
    return None if value is None else value * own.value("f_prime", l, index)


def _summed(name):
    def formula(own, l, index):
        return _batch_sum(own, name, l, index)
    return formula


# --- advice: one sentence per diagnosis, in the worksheet's notation -----------------------

def _l(w, offset=0):
    return "l" if w.layer is None else str(w.layer + offset)


def _slope(w):
    """f′ of the layer as its advice writes it: from A^[l] where the activation's record
    has that form (σ: A^[l](1 − A^[l])), else f′(Z^[l])."""
    record = ACTIVATIONS.get(w.activation)
    text = getattr(record, "output_derivative_text", None) or "f′({z})"
    return text.format(a=f"A^[{_l(w)}]", z=f"Z^[{_l(w)}]")


def _missing_slope(w):
    return (f"δ^[{_l(w)}] is missing the factor f′(Z^[{_l(w)}]): δ^[{_l(w)}] = "
            f"∂L/∂A^[{_l(w)}] ⊙ f′(Z^[{_l(w)}]); for a {w.activation or 'hidden'} layer "
            f"multiply by {_slope(w)}.")


def _slope_at_a(w):
    return (f"f′ at layer {_l(w)} is taken at the pre-activation Z^[{_l(w)}], not at "
            f"A^[{_l(w)}] = f(Z^[{_l(w)}]): for a {w.activation or 'sigmoid'} layer it is "
            f"{_slope(w)}, from A^[{_l(w)}] as it is.")


def _batch_mean(w):
    what = {"loss": "L", "dW": f"∂L/∂W^[{_l(w)}]", "db": f"∂L/∂b^[{_l(w)}]"}.get(
        w.quantity, "This quantity")
    return (f"{what} is the mean over the m = {w.m} samples: add the samples' terms and "
            f"divide by m.")


def _rate(w):
    alpha = "" if w.lr is None else f" (α = {w.lr:g})"
    return f"The update multiplies the gradient by the learning rate{alpha}: θ − α ∂L/∂θ."


MISTAKES = (
    Mistake("missing_activation_derivative", "δ^[l] = ∂L/∂A^[l], without ⊙ f′(Z^[l])",
            {"dZ": lambda own, l, i: _unless_linear(own, l, own.value("dA", l, i))},
            _missing_slope),
    Mistake("derivative_of_output", "f′ evaluated at A^[l] instead of Z^[l]",
            {"f_prime": _slope_at_output, "dZ": _delta_with(_slope_at_output)}, _slope_at_a),
    Mistake("sigma_minus_typo", "σ − (1 − σ) instead of σ(1 − σ)",
            {"f_prime": _sigma_typo, "dZ": _delta_with(_sigma_typo)},
            lambda w: (f"The sigmoid's slope is a product, σ(1 − σ) = {_slope(w)}, "
                       f"not the difference σ − (1 − σ).")),
    Mistake("weights_not_transposed", "W^[l+1] δ^[l+1] instead of (W^[l+1])ᵀ δ^[l+1]",
            {"dA": _untransposed, "dZ": _delta_from_untransposed},
            lambda w: (f"∂L/∂A^[{_l(w)}] = (W^[{_l(w, 1)}])ᵀ δ^[{_l(w, 1)}]: use the "
                       f"transpose, so row j takes column j of W^[{_l(w, 1)}] (the weights "
                       f"leaving neuron j).")),
    Mistake("wrong_activation_in_weight_gradient",
            "δ^[l] (A^[l])ᵀ instead of δ^[l] (A^[l−1])ᵀ",
            {"dW": lambda own, l, i: _own_layer_activation(own, l, i, range(own.m),
                                                           1 / own.m),
             "dW_i": lambda own, l, i: _own_layer_activation(own, l, i, [i[0]], 1)},
            lambda w: (f"∂L/∂W^[{_l(w)}] = (1/m) δ^[{_l(w)}] (A^[{_l(w, -1)}])ᵀ: multiply "
                       f"by the layer's input A^[{_l(w, -1)}], not its output "
                       f"A^[{_l(w)}].")),
    Mistake("missing_batch_mean", "Σᵢ instead of (1/m) Σᵢ",
            {name: _summed(name) for name in ("dW", "db", "loss")}, _batch_mean),
    Mistake("missing_half", "squared error without the ½ the loss has",
            _squared_loss_formulas(2.0, True),
            lambda w: ("The loss is ½(ŷ − y)², so ∂L/∂ŷ = ŷ − y: without the ½ this number "
                       "and what follows from it are twice as large.")),
    Mistake("extra_half", "squared error with a ½ the loss does not have",
            _squared_loss_formulas(0.5, False),
            lambda w: ("The loss is (ŷ − y)² with no ½, so ∂L/∂ŷ = 2(ŷ − y): with a ½ this "
                       "number and what follows from it are half as large.")),
    Mistake("error_sign", "y − ŷ instead of ŷ − y",
            {"dA": _at_output("dA", -1.0), "dZ": _at_output("dZ", -1.0)},
            lambda w: ("The error at the output is ŷ − y (prediction minus target), not "
                       "y − ŷ: the sign is flipped.")),
    Mistake("update_sign", "θ + α ∂L/∂θ instead of θ − α ∂L/∂θ",
            {"W_new": _update(lambda own: own.lr, "dW", _old_w),
             "b_new": _update(lambda own: own.lr, "db", _old_b)},
            lambda w: ("Gradient descent steps against the gradient: θ − α ∂L/∂θ, not "
                       "θ + α ∂L/∂θ.")),
    Mistake("learning_rate_missing", "θ − ∂L/∂θ instead of θ − α ∂L/∂θ",
            {"W_new": _update(lambda own: -1.0, "dW", _old_w),
             "b_new": _update(lambda own: -1.0, "db", _old_b)}, _rate),
)
"""Every classic mistake, in the order they are tried."""

FINDINGS = (
    Mistake(ROUNDING, "within the rounding of the digits shown; counted correct", {},
            lambda w: "Counted correct: it agrees with the value within the rounding of the "
                      "digits you wrote."),
    Mistake(TOO_FEW_DIGITS, "the right value rounded to fewer digits than the minimum", {},
            lambda w: (f"The value is right but rounded too far: write at least "
                       f"{w.min_digits} significant digits.")),
    Mistake(TRANSPOSED, "a matrix written as the transpose of its asked shape", {},
            lambda w: ("This matrix is written transposed: row j is neuron j of the layer, "
                       "and a column is a sample i (or, for weights, an input k).")),
    Mistake(WRONG_SHAPE, "an entry of neither the asked shape nor its transpose", {},
            lambda w: ("This entry does not have the shape asked: keep the blank answer "
                       "file's rows and columns and replace each null by a number.")),
)
"""The diagnoses found by the digits rule and by reading the file, not by a formula."""

BY_CODE = {m.code: m for m in MISTAKES + FINDINGS}

CODES = tuple(BY_CODE)
"""Every diagnosis code a report may show."""


def advice(code, where):
    """The sentence of diagnosis ``code`` for a number at ``where`` (a :class:`Where`)."""
    return BY_CODE[code].advice(where)


def diagnose(own, name, l, index, matches):
    """The code of the first mistake whose formula gives a number ``matches`` accepts
    for quantity ``name`` (layer ``l``, element ``index``), or None."""
    for mistake in MISTAKES:
        formula = mistake.formulas.get(name)
        value = formula(own, l, index) if formula else None
        if value is not None and matches(value):
            return mistake.code
    return None
