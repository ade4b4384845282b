"""Layer formulas (δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l]) and the rest) against the engine's
numbers on random small networks, with the worksheet's slip codes."""

import pytest

from autograd.formula import FormulaError, FormulaVerdict
from nn.explain.formulas import check_layer_formula
from nn.explain.mistakes import MISTAKES

RIGHT = {
    "issue, numpy": ("W2.T @ d2 * (z1 > 0)", {"quantity": "δ^[1]"}),
    "issue, lecture": ("δ^[1] = (W^[2])ᵀ δ^[2] ⊙ f′(Z^[1])", {}),
    "general l": ("δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])", {}),
    "latex": (r"\delta^{[l]} = \left(W^{[l+1]}\right)^\top \delta^{[l+1]} \odot "
              r"f'\left(Z^{[l]}\right)", {}),
    "numpy names": ("d1 = W2.T @ d2 * (z1 > 0)", {}),
    "sigmoid hidden, a(1 − a)": ("δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ A^[l](1 − A^[l])",
                                 {"activation": "sigmoid"}),
    "sigmoid, σ(Z)": ("δ^[1] = (W^[2])ᵀ δ^[2] ⊙ σ(Z^[1])(1 − σ(Z^[1]))", {}),
    "tanh, 1 − A²": ("δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ (1 − A^[l]²)", {"activation": "tanh"}),
    "output, bce": ("δ^[L] = A^[L] − Y", {}),
    "output, ŷ": ("δ^[L] = Ŷ − Y", {}),
    "output, half squared error": ("δ^[L] = (A^[L] − Y) ⊙ f′(Z^[L])", {"loss": "half_mse"}),
    "output, mse": ("δ^[L] = 2(A^[L] − Y) ⊙ A^[L] ⊙ (1 − A^[L])", {"loss": "mse"}),
    "weights": (r"\frac{\partial L}{\partial W^{[l]}} = \frac{1}{m}\delta^{[l]}(A^{[l-1]})^\top",
                {}),
    "weights, numpy": ("dW2 = d2 @ a1.T / m", {}),
    "weights, first layer": ("∂L/∂W^[1] = (1/m) δ^[1] Xᵀ", {}),
    "biases": ("∂L/∂b^[l] = (1/m) Σ δ^[l]", {}),
    "biases, numpy": ("db2 = np.sum(d2, axis=1, keepdims=True) / m", {}),
    "forward": ("Z^[l] = W^[l] A^[l−1] + b^[l]", {}),
    "activation": ("A^[l] = f(Z^[l])", {}),
    "∂L/∂A": ("∂L/∂A^[l] = (W^[l+1])ᵀ δ^[l+1]", {}),
}


@pytest.mark.parametrize("formula, options", RIGHT.values(), ids=RIGHT)
def test_right_layer_formulas_pass(formula, options):
    verdict = check_layer_formula(formula, **options)
    assert isinstance(verdict, FormulaVerdict)
    assert verdict, verdict.report()
    assert len(verdict.result.entries) >= 10


SLIPS = [
    ("weights_not_transposed", "δ^[1] = W^[2] δ^[2] ⊙ f′(Z^[1])", {}),
    ("weights_not_transposed", "δ^[l] = W^[l+1] δ^[l+1] ⊙ f′(Z^[l])", {}),
    ("weights_not_transposed", "∂L/∂A^[1] = W^[2] δ^[2]", {}),
    ("derivative_of_output", "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(A^[l])", {}),
    ("missing_activation_derivative", "δ^[l] = (W^[l+1])ᵀ δ^[l+1]", {}),
    ("missing_activation_derivative", "δ^[L] = (A^[L] − Y) / (A^[L] ⊙ (1 − A^[L]))", {}),
    ("missing_activation_derivative", "δ^[L] = A^[L] − Y", {"loss": "half_mse"}),
    ("sigma_minus_typo", "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ (A^[l] − (1 − A^[l]))",
     {"activation": "sigmoid"}),
    ("sigma_plus_typo", "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ A^[l](1 + A^[l])", {"activation": "sigmoid"}),
    ("error_sign", "δ^[L] = Y − A^[L]", {}),
    ("error_sign", "δ^[L] = (Y − A^[L]) ⊙ f′(Z^[L])", {"loss": "half_mse"}),
    ("missing_half", "δ^[L] = 2(A^[L] − Y) ⊙ f′(Z^[L])", {"loss": "half_mse"}),
    ("extra_half", "δ^[L] = (A^[L] − Y) ⊙ f′(Z^[L])", {"loss": "mse"}),
    ("missing_batch_mean", "∂L/∂W^[l] = δ^[l] (A^[l−1])ᵀ", {}),
    ("missing_batch_mean", "∂L/∂b^[l] = Σ δ^[l]", {}),
    ("wrong_activation_in_weight_gradient", "∂L/∂W^[2] = (1/m) δ^[2] (A^[2])ᵀ", {}),
]


@pytest.mark.parametrize("code, formula, options", SLIPS, ids=[f"{c}: {f}" for c, f, _ in SLIPS])
def test_layer_slips_are_named(code, formula, options):
    verdict = check_layer_formula(formula, **options)
    assert not verdict
    assert verdict.slip is not None and verdict.slip.code == code, verdict.report()


def test_worksheet_codes_keep_the_worksheets_meaning():
    meanings = {m.code: m.meaning for m in MISTAKES}
    verdict = check_layer_formula("∂L/∂W^[l] = δ^[l] (A^[l−1])ᵀ")
    assert verdict.slip.meaning == meanings["missing_batch_mean"]


def test_a_shape_that_does_not_fit_is_named():
    verdict = check_layer_formula("δ^[2] = W^[3] δ^[3] ⊙ f′(Z^[2])")
    assert not verdict
    assert "cannot multiply W^[3] (1×3) by δ^[3] (1×2)" in verdict.reason
    assert "(in network 1 (2-3-3-1, sigmoid), layer 2)" in verdict.reason
    assert verdict.slip.code == "weights_not_transposed"
    verdict = check_layer_formula("∂L/∂W^[2] = (1/m) δ^[2] ⊙ A^[1]")
    assert not verdict
    assert verdict.reason.startswith("it gives a 3×2 matrix, but ∂L/∂W^[2] is 3×3")


def test_a_wrong_entry_names_the_network_the_entry_and_both_values():
    verdict = check_layer_formula("δ^[1] = (W^[2])ᵀ δ^[2] ⊙ f′(A^[1])", activation="tanh")
    report = verdict.report(table=False)
    entry = verdict.shown
    assert entry.name.startswith("network ") and ": δ^[1]_" in entry.name
    assert f"at {entry.name}: your formula gives" in report
    assert "the engine's value is" in report


def test_a_formula_for_one_activation_says_which():
    verdict = check_layer_formula("δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ A^[l](1 − A^[l])")
    assert not verdict
    assert any("it holds where the hidden layers are sigmoid, not where they are tanh and relu"
               in note for note in verdict.notes)


def test_the_activation_is_implied_by_the_functions_used():
    verdict = check_layer_formula("d1 = W2.T @ d2 * (z1 > 0)")
    assert "hidden relu" in verdict.points
    verdict = check_layer_formula("δ^[1] = (W^[2])ᵀ δ^[2] ⊙ f′(Z^[1])")
    assert "hidden sigmoid, tanh, relu" in verdict.points
    with pytest.raises(FormulaError, match="say which activation"):
        check_layer_formula("δ^[1] = (W^[2])ᵀ δ^[2] ⊙ σ(Z^[1]) ⊙ (Z^[1] > 0)")


def test_the_quantity_must_be_given_once():
    with pytest.raises(FormulaError, match="say which quantity the formula gives"):
        check_layer_formula("W2.T @ d2 * (z1 > 0)")
    with pytest.raises(FormulaError, match="not both"):
        check_layer_formula("d1 = W2.T @ d2", quantity="δ^[1]")
    with pytest.raises(FormulaError, match="is not a quantity a layer formula gives"):
        check_layer_formula("q^[1] = W2")
    with pytest.raises(FormulaError, match="needs a layer index"):
        check_layer_formula("δ = W2")


def test_layers_that_do_not_exist_are_errors():
    with pytest.raises(FormulaError, match="exists in none of the networks"):
        check_layer_formula("δ^[7] = W^[8]ᵀ δ^[8]")
    with pytest.raises(FormulaError, match="needs a layer index"):
        check_layer_formula("δ^[1] = Wᵀ δ^[2]")


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="loss must be one of"):
        check_layer_formula("δ^[L] = A^[L] − Y", loss="cross_entropy")   # a loss over classes
    with pytest.raises(ValueError, match="activation must be an element-wise activation"):
        check_layer_formula("δ^[L] = A^[L] − Y", activation="softmax")
