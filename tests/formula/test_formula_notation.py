"""Every notation a learner types reads as the formula meant: each spelling is evaluated
and compared with the same formula computed in plain Python, and its reading is shown."""

import math

import pytest

from autograd.formula import FormulaError, evaluate, parse
from autograd.formula.tree import to_text


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


Z = 0.7
SIGMA_PRIME = sigma(Z) * (1 - sigma(Z))

SIGMA_PRIME_SPELLINGS = {
    # plain ASCII
    "ascii": "sigmoid(z)*(1-sigmoid(z))",
    "ascii, spaces": "sigmoid( z ) * ( 1 - sigmoid( z ) )",
    "ascii, sigmoid named sigma": "sigma(z)*(1-sigma(z))",
    "ascii, capitalised": "Sigmoid(z)*(1-Sigmoid(z))",
    # Unicode as learners type it
    "unicode σ and minus sign": "σ(z)(1−σ(z))",
    "middle dot": "σ(z)·(1 − σ(z))",
    "times sign": "σ(z) × (1 − σ(z))",
    "dot operator": "σ(z) ⋅ (1 − σ(z))",
    "brackets as parentheses": "σ(z)[1 − σ(z)]",
    "prime": "σ′(z)",
    "ascii prime": "σ'(z)",
    "phone apostrophe": "σ’(z)",
    "final sigma": "ς(z)(1 − ς(z))",
    # the LaTeX a worksheet uses
    "latex": r"\sigma(z)\left(1-\sigma(z)\right)",
    "latex cdot": r"\sigma(z) \cdot \left( 1 - \sigma(z) \right)",
    "latex prime": r"\sigma^{\prime}(z)",
    "latex prime short": r"\sigma^\prime(z)",
    "latex in dollars": r"$\sigma(z)\,(1-\sigma(z))$",
    "latex display dollars": r"$$\sigma(z)\;(1-\sigma(z))$$",
    "latex braces": r"\sigma{(z)}\left[1-\sigma(z)\right]",
    "latex frac": r"\frac{e^{-z}}{\left(1+e^{-z}\right)^2}",
    "latex dfrac": r"\dfrac{1}{1+e^{-z}}\left(1-\dfrac{1}{1+e^{-z}}\right)",
    "latex exp": r"\frac{\exp(-z)}{(1+\exp(-z))^{2}}",
    "latex mathrm": r"\mathrm{sigmoid}(z)(1-\mathrm{sigmoid}(z))",
    "latex operatorname": r"\operatorname{sigmoid}(z)(1-\operatorname{sigmoid}(z))",
}


@pytest.mark.parametrize("text", SIGMA_PRIME_SPELLINGS.values(), ids=SIGMA_PRIME_SPELLINGS)
def test_sigma_prime_in_every_notation(text):
    assert evaluate(text, {"z": Z}) == pytest.approx(SIGMA_PRIME, rel=1e-14)


POWERS = {"z**2": 2, "z^2": 2, "z²": 2, "z³": 3, "z^{2}": 2, "z^(2)": 2, "z**-1": -1,
          "z^{-1}": -1, "z⁻¹": -1, "z^-2": -2, "z ** 0.5": 0.5}


@pytest.mark.parametrize("text, k", POWERS.items(), ids=POWERS)
def test_powers(text, k):
    assert evaluate(text, {"z": 1.3}) == pytest.approx(1.3 ** k, rel=1e-14)


def test_powers_group_right_to_left_and_bind_tighter_than_a_sign():
    assert evaluate("2^3^2", {}) == 2.0 ** 9
    assert evaluate("-z^2", {"z": 3.0}) == -9.0
    assert evaluate("(-z)^2", {"z": 3.0}) == 9.0
    assert evaluate("-z²", {"z": 3.0}) == -9.0


IMPLICIT = {
    "2x": 2 * 1.5, "2 x": 2 * 1.5, "2(x + 1)": 2 * 2.5, "x(x + 1)": 1.5 * 2.5,
    "(x)(x)": 1.5 ** 2, "2σ(x)": 2 * sigma(1.5), "σ(x)σ(-x)": sigma(1.5) * sigma(-1.5),
    "2|x - 3|": 3.0, "x y": 1.5 * -0.5, "1/2x": 0.5 * 1.5, "1/(2x)": 1 / 3.0,
    "2x^2": 2 * 1.5 ** 2,
}


@pytest.mark.parametrize("text, expected", IMPLICIT.items(), ids=IMPLICIT)
def test_implicit_multiplication(text, expected):
    assert evaluate(text, {"x": 1.5, "y": -0.5}) == pytest.approx(expected, rel=1e-14)


def test_the_reading_makes_every_grouping_explicit():
    assert to_text(parse("1/2x").rhs) == "(1/2)·x"
    assert to_text(parse("(ŷ − y)/ŷ(1 − ŷ)").rhs) == "((ŷ − y)/ŷ)·(1 − ŷ)"
    assert to_text(parse("2^3^2").rhs) == "2^(3^2)"
    assert to_text(parse("sigmoid(z)*(1-sigmoid(z))").rhs) == "σ(z)·(1 − σ(z))"
    assert to_text(parse("-2(y - a)").rhs) == "−2·(y − a)"


HATS = ["yhat - y", "ŷ - y", "y\u0302 - y", r"\hat{y} - y", r"\hat y - y", r"\widehat{y} - y",
        "y_hat - y", "ŷ − y"]


@pytest.mark.parametrize("text", HATS)
def test_y_hat_in_every_spelling(text):
    assert evaluate(text, {"yhat": 0.8, "y": 1.0}) == pytest.approx(-0.2)


UNICODE_OPERATORS = {"a · b": 6.0, "a × b": 6.0, "a ∗ b": 6.0, "a ⊙ b": 6.0, "a ∘ b": 6.0,
                     "a ÷ b": 2 / 3, "a − b": -1.0, "a – b": -1.0, r"a \times b": 6.0,
                     r"a \odot b": 6.0, r"a \div b": 2 / 3, "a\u00a0·\u2009b": 6.0}


@pytest.mark.parametrize("text, expected", UNICODE_OPERATORS.items(), ids=UNICODE_OPERATORS)
def test_unicode_and_latex_operators(text, expected):
    assert evaluate(text, {"a": 2.0, "b": 3.0}) == pytest.approx(expected)


STEPS = {"z > 0": 1.0, "(z > 0)": 1.0, r"\mathbb{1}[z>0]": 1.0, "𝟙[z > 0]": 1.0,
         "1[z > 0]": 1.0, "step(z)": 1.0, "heaviside(z)": 1.0, "z >= 1": 0.0, "z ≥ 0.5": 1.0,
         r"\mathbb{1}\left[z \geq 0.5\right]": 1.0, "z < 0": 0.0, "z ≤ 0.5": 1.0,
         r"\mathbb{1}[z \le 0.5]": 1.0}


@pytest.mark.parametrize("text, expected", STEPS.items(), ids=STEPS)
def test_indicators_and_comparisons(text, expected):
    assert evaluate(text, {"z": 0.5}) == expected


FUNCTIONS = {
    "tanh(x)": math.tanh(0.4), r"\tanh(x)": math.tanh(0.4), "relu(x)": 0.4, "ReLU(-x)": 0.0,
    "exp(x)": math.exp(0.4), "e^x": math.exp(0.4), "e^{x}": math.exp(0.4),
    "log(x)": math.log(0.4), "ln(x)": math.log(0.4), r"\ln(x)": math.log(0.4),
    "sqrt(x)": math.sqrt(0.4), "√x": math.sqrt(0.4), "√(x)": math.sqrt(0.4),
    r"\sqrt{x}": math.sqrt(0.4), "|x - 1|": 0.6, "abs(x - 1)": 0.6,
    "sech^2(x)": 1 / math.cosh(0.4) ** 2, "sech²(x)": 1 / math.cosh(0.4) ** 2,
    "1 - tanh^2(x)": 1 - math.tanh(0.4) ** 2, r"1 - \tanh^{2}(x)": 1 - math.tanh(0.4) ** 2,
    "cosh(x)": math.cosh(0.4), "sinh(x)": math.sinh(0.4), "softplus(x)": math.log1p(math.exp(0.4)),
    "max(0, x)": 0.4, "max(x, 1)": 1.0, "min(x, 1)": 0.4, "sign(-x)": -1.0, "erf(x)": math.erf(0.4),
    "leaky_relu(-x)": -0.004, "leaky_relu(-x, 0.2)": -0.08, "pi x": math.pi * 0.4,
    "π x": math.pi * 0.4, r"\pi x": math.pi * 0.4,
    "tanh'(x)": 1 - math.tanh(0.4) ** 2, "relu′(x)": 1.0, "ReLU'(-x)": 0.0,
    "bce(x, 1)": -math.log(0.4), "mse(x, 1)": 0.36,
}


@pytest.mark.parametrize("text, expected", FUNCTIONS.items(), ids=FUNCTIONS)
def test_functions(text, expected):
    assert evaluate(text, {"x": 0.4}) == pytest.approx(expected, rel=1e-12)


def test_greek_letters_in_latex_unicode_and_ascii_are_one_name():
    for text in (r"\delta + \eta", "δ + η", "delta + eta"):
        assert evaluate(text, {"δ": 1.0, "η": 2.0}) == 3.0
    assert evaluate("delta2 + δ_2", {"δ2": 1.0, "δ_2": 5.0}) == 6.0


def test_subscripts():
    values = {"z_1": 2.0, "W_jk": 3.0, "z_12": 4.0}
    assert evaluate("z_1 + W_{jk} + z_{12}", values) == 9.0
    assert evaluate("z₁ + z₁₂", values) == 6.0
    assert evaluate(r"\mathbf{W}_{jk}", values) == 3.0


def test_latex_spacing_and_sizing_commands_are_ignored():
    assert evaluate(r"\left( z \right) \, \cdot \; \big( 2 \big) \quad", {"z": 3.0}) == 6.0
    assert evaluate(r"\displaystyle \frac{z}{2}", {"z": 3.0}) == 1.5


def test_f_is_a_function_only_where_bound():
    assert evaluate("f(z)", {"z": 0.3}, {"f": "tanh"}) == pytest.approx(math.tanh(0.3))
    assert evaluate("f'(z)", {"z": 0.3}, {"f": "tanh"}) == pytest.approx(1 - math.tanh(0.3) ** 2)
    assert evaluate("f(z)", {"z": 0.3, "f": 2.0}) == 0.6   # unbound: f·(z)


class TestMatrices:
    W = [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]   # W^[2]: 2 × 3
    d = [[0.5, -1.0], [2.0, 1.0]]             # δ^[2]: 2 × m, m = 2
    z = [[1.0, -1.0], [-2.0, 0.5], [0.3, 3.0]]  # Z^[1]: 3 × 2

    def expected(self):
        Wt_d = [[sum(self.W[k][i] * self.d[k][j] for k in range(2)) for j in range(2)]
                for i in range(3)]
        return [[Wt_d[i][j] * (self.z[i][j] > 0) for j in range(2)] for i in range(3)]

    SPELLINGS = {
        "numpy": "W2.T @ d2 * (z1 > 0)",
        "lecture": "(W^[2])ᵀ δ^[2] ⊙ f′(Z^[1])",
        "lecture, left side": "δ^[1] = (W^[2])ᵀ δ^[2] ⊙ f′(Z^[1])",
        "latex": r"\left(W^{[2]}\right)^\top \delta^{[2]} \odot f'\left(Z^{[1]}\right)",
        "latex T": r"(W^{[2]})^{T} \delta^{[2]} \odot \mathbb{1}[Z^{[1]} > 0]",
        "caret T": "(W^[2])^T δ^[2] * (Z^[1] > 0)",
        "bold latex": r"(\mathbf{W}^{[2]})^\top \boldsymbol{\delta}^{[2]} \odot f^{\prime}(\mathbf{Z}^{[1]})",
    }

    @pytest.mark.parametrize("text", SPELLINGS.values(), ids=SPELLINGS)
    def test_delta_recursion_in_every_notation(self, text):
        values = {"W2": self.W, "d2": self.d, "z1": self.z,
                  "W^[2]": self.W, "δ^[2]": self.d, "Z^[1]": self.z}
        assert evaluate(text, values, {"f": "relu"}) == self.expected()

    def test_a_column_broadcasts_across_the_samples(self):
        got = evaluate("W A + b", {"W": [[1.0, 2.0]], "A": [[1.0, 0.0], [0.0, 1.0]],
                                   "b": [[0.5]]})
        assert got == [[1.5, 2.5]]

    def test_side_by_side_is_element_wise_where_no_product_exists(self):
        # A(1 − A) as the notes write it, A 2 × 3: no 2×3 by 2×3 product
        A = [[0.5, 0.2, 0.9], [0.1, 0.3, 0.6]]
        got = evaluate("A(1 - A)", {"A": A})
        assert got == [[a * (1 - a) for a in row] for row in A]

    def test_sums_over_the_samples(self):
        d = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
        for text in ("Σ d", "sum(d)", r"\sum_{i=1}^{m} d", "Σᵢ d", "np.sum(d, axis=1, keepdims=True)"):
            assert evaluate(text, {"d": d}) == [[6.0], [15.0]], text
        assert evaluate("mean(d)", {"d": d}) == [[2.0], [5.0]]

    def test_shapes_that_do_not_fit_are_named(self):
        with pytest.raises(FormulaError, match=r"cannot multiply W \(2×3\) by d \(2×1\): W has "
                                               r"3 columns, d 2 rows"):
            evaluate("W @ d", {"W": self.W, "d": [[1.0], [2.0]]})
        with pytest.raises(FormulaError, match=r"cannot add W \(2×3\) and d \(2×2\)"):
            evaluate("W + d", {"W": self.W, "d": self.d})
