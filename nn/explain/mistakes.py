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
digits rule (:mod:`nn.explain.policy`) and by reading the file.
"""

from dataclasses import dataclass

from .own_values import activation_slope

__all__ = ["Mistake", "MISTAKES", "CODES", "ROUNDING", "TOO_FEW_DIGITS", "TRANSPOSED",
           "WRONG_SHAPE", "diagnose"]

ROUNDING = "rounding"
TOO_FEW_DIGITS = "too_few_digits"
TRANSPOSED = "transposed"
WRONG_SHAPE = "wrong_shape"

_HALF_LOSSES = ("half_mse",)
_WHOLE_SQUARED_LOSSES = ("squared_error", "mse")


@dataclass(frozen=True)
class Mistake:
    """A stable ``code``, what it means, and the wrong formula for each quantity it touches:
    ``formulas[quantity](own, l, index)`` gives the mistaken number, or None where the
    mistake cannot show (a shape that does not allow it, a loss without a square)."""

    code: str
    meaning: str
    formulas: dict


def _unless_linear(own, l, value):
    return None if own.activations[l - 1] == "linear" else value


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


def _loss_factor(own, l, factor, losses):
    if own.d.loss_function not in losses or (l is not None and l != own.L):
        return None
    return factor


def _scaled_by_loss(name, factor, losses):
    def formula(own, l, index):
        f = _loss_factor(own, l, factor, losses)
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


def _squared_loss_formulas(factor, losses):
    return {name: _scaled_by_loss(name, factor, losses)
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


MISTAKES = (
    Mistake("missing_activation_derivative", "δ^[l] = ∂L/∂A^[l], without ⊙ f′(Z^[l])",
            {"dZ": lambda own, l, i: _unless_linear(own, l, own.value("dA", l, i))}),
    Mistake("derivative_of_output", "f′ evaluated at A^[l] instead of Z^[l]",
            {"f_prime": _slope_at_output, "dZ": _delta_with(_slope_at_output)}),
    Mistake("sigma_minus_typo", "σ − (1 − σ) instead of σ(1 − σ)",
            {"f_prime": _sigma_typo, "dZ": _delta_with(_sigma_typo)}),
    Mistake("weights_not_transposed", "W^[l+1] δ^[l+1] instead of (W^[l+1])ᵀ δ^[l+1]",
            {"dA": _untransposed, "dZ": _delta_from_untransposed}),
    Mistake("wrong_activation_in_weight_gradient",
            "δ^[l] (A^[l])ᵀ instead of δ^[l] (A^[l−1])ᵀ",
            {"dW": lambda own, l, i: _own_layer_activation(own, l, i, range(own.m),
                                                           1 / own.m),
             "dW_i": lambda own, l, i: _own_layer_activation(own, l, i, [i[0]], 1)}),
    Mistake("missing_batch_mean", "Σᵢ instead of (1/m) Σᵢ",
            {name: _summed(name) for name in ("dW", "db", "loss")}),
    Mistake("missing_half", "squared error without the ½ the loss has",
            _squared_loss_formulas(2.0, _HALF_LOSSES)),
    Mistake("extra_half", "squared error with a ½ the loss does not have",
            _squared_loss_formulas(0.5, _WHOLE_SQUARED_LOSSES)),
    Mistake("error_sign", "y − ŷ instead of ŷ − y",
            {"dA": _at_output("dA", -1.0), "dZ": _at_output("dZ", -1.0)}),
    Mistake("update_sign", "θ + α ∂L/∂θ instead of θ − α ∂L/∂θ",
            {"W_new": _update(lambda own: own.lr, "dW", _old_w),
             "b_new": _update(lambda own: own.lr, "db", _old_b)}),
    Mistake("learning_rate_missing", "θ − ∂L/∂θ instead of θ − α ∂L/∂θ",
            {"W_new": _update(lambda own: -1.0, "dW", _old_w),
             "b_new": _update(lambda own: -1.0, "db", _old_b)}),
)
"""Every classic mistake, in the order they are tried."""

CODES = tuple(m.code for m in MISTAKES) + (ROUNDING, TOO_FEW_DIGITS, TRANSPOSED, WRONG_SHAPE)
"""Every diagnosis code a report may show."""


def diagnose(own, name, l, index, matches):
    """The code of the first mistake whose formula gives a number ``matches`` accepts
    for quantity ``name`` (layer ``l``, element ``index``), or None."""
    for mistake in MISTAKES:
        formula = mistake.formulas.get(name)
        value = formula(own, l, index) if formula else None
        if value is not None and matches(value):
            return mistake.code
    return None
