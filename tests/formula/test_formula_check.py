"""check_formula / assert_formula: right formulas pass in any notation, wrong ones fail naming a
point, both values and the slip; conventions at kinks and floating-point limits are notes."""

import json
import math

import pytest

import autograd
from autograd import GradientMismatch, Value, grad
from autograd.formula import (SLIPS, FormulaError, FormulaMismatch, FormulaVerdict, assert_formula,
                              check_formula)


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


# -- the issue's three commands, and its failing example ------------------------------------

ISSUE = [
    ("σ(z)(1−σ(z))", "sigmoid(z)", "z"),
    ("yhat - y", "bce(sigmoid(z), y)", "z"),
    ("(1 - tanh(w*z + b)^2) * w", "tanh(w*z + b)", "z"),
]


@pytest.mark.parametrize("formula, of, wrt", ISSUE)
def test_the_issues_formulas_pass(formula, of, wrt):
    verdict = check_formula(formula, of=of, wrt=wrt)
    assert verdict and isinstance(verdict, FormulaVerdict)
    assert len(verdict.result.entries) >= 20 and not verdict.result.mismatches
    assert verdict.summary().startswith("✓ ")


def test_tanh_at_z_instead_of_its_argument_fails_naming_the_slip():
    verdict = check_formula("(1 - tanh(z)^2) * w", of="tanh(w*z + b)", wrt="z")
    assert not verdict
    assert verdict.slip.code == "missing_inner_argument"
    assert verdict.slip.detail == "tanh′ taken at z instead of at its argument w·z + b"
    # the point it names really is one where they differ, with both values right
    w = verdict.shown
    point = dict(part.split(" = ") for part in w.name.split(", "))
    wv, zv, bv = (float(point[k]) for k in "wzb")
    assert w.reference == pytest.approx((1 - math.tanh(zv) ** 2) * wv, rel=1e-5)
    assert w.computed == pytest.approx((1 - math.tanh(wv * zv + bv) ** 2) * wv, rel=1e-5)
    report = verdict.report(table=False)
    assert f"at {w.name}: your formula gives" in report
    assert "slip: tanh′ taken at z instead of at its argument w·z + b " \
           "(missing_inner_argument)" in report


def test_the_engine_and_check_formula_agree_on_what_the_derivative_is():
    verdict = check_formula("(1 - tanh(w*z + b)^2) * w", of="tanh(w*z + b)", wrt="z")
    for entry in verdict.result.entries[:20]:
        point = dict(part.split(" = ") for part in entry.name.split(", "))
        w, z, b = (Value(float(point[k])) for k in "wzb")
        assert entry.computed == pytest.approx(grad((w * z + b).tanh(), z), rel=1e-5, abs=1e-12)


# -- every classic slip -------------------------------------------------------------------

SLIP_CASES = [
    ("sigma_plus_typo", "σ(z)(1 + σ(z))", "sigmoid(z)", "z"),
    ("sigma_minus_typo", "σ(z) − (1 − σ(z))", "sigmoid(z)", "z"),
    ("sigma_minus_typo", "a - (1 - a)", "sigmoid(z)", "z"),
    ("error_sign", "y − ŷ", "bce(sigmoid(z), y)", "z"),
    ("error_sign", r"y - \hat{y}", "bce(sigmoid(w*x + b), y)", "b"),
    ("missing_inner_derivative", "1 - tanh(w*z + b)^2", "tanh(w*z + b)", "z"),
    ("missing_inner_derivative", "2(w x + b − y)", "(w*x + b - y)^2", "w"),
    ("missing_activation_derivative", "(ŷ − y)/(ŷ(1 − ŷ))", "bce(sigmoid(z), y)", "z"),
    ("missing_activation_derivative", "(a - y)x", "0.5(sigmoid(w*x + b) - y)^2", "w"),
    ("derivative_of_output", "σ(a)(1 − σ(a))", "sigmoid(z)", "z"),
    ("derivative_of_output", "σ(σ(z))(1 − σ(σ(z)))", "sigmoid(z)", "z"),
    ("derivative_of_output", "1 - tanh(tanh(z))^2", "tanh(z)", "z"),
    ("missing_inner_argument", "(1 - tanh(z)^2) * w", "tanh(w*z + b)", "z"),
    ("missing_inner_argument", "σ(x)(1 − σ(x)) w", "sigmoid(w*x + b)", "x"),
    ("missing_half", "2(a − y)a(1 − a)x", "0.5(sigmoid(w*x) - y)^2", "w"),
    ("extra_half", "(a − y)a(1 − a)x", "(sigmoid(w*x) - y)^2", "w"),
]


@pytest.mark.parametrize("code, formula, of, wrt", SLIP_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in SLIP_CASES])
def test_each_slip_is_named(code, formula, of, wrt):
    verdict = check_formula(formula, of=of, wrt=wrt)
    assert not verdict
    assert verdict.slip is not None and verdict.slip.code == code, verdict.report(table=False)
    assert verdict.slip.meaning == SLIPS[code].meaning
    assert f"({code})" in verdict.report()


def test_every_slip_has_a_case():
    assert {c[0] for c in SLIP_CASES} == set(SLIPS)


def test_a_wrong_formula_no_slip_explains_says_so():
    verdict = check_formula("σ(z)(1 − σ(z)) + 1e-6", of="sigmoid(z)", wrt="z")
    assert not verdict and verdict.slip is None
    assert "no classic slip reproduces it" in verdict.report()


def test_tolerances_are_assert_grads_not_finite_differences():
    """gradcheck's atol 1e-5 would pass σ(1 − σ) + 1e-6: both sides are exact here."""
    assert not check_formula("σ(z)(1 − σ(z)) + 1e-6", of="sigmoid(z)", wrt="z")
    assert not check_formula("σ(z)(1 − σ(z))(1 + 1e-6)", of="sigmoid(z)", wrt="z")
    assert check_formula("σ(z)(1 − σ(z)) + 1e-6", of="sigmoid(z)", wrt="z", atol=1e-5)


# -- kinks: conventions are not slips ---------------------------------------------------------

@pytest.mark.parametrize("formula", ["z >= 0", "z ≥ 0", r"\mathbb{1}[z \geq 0]"])
def test_relu_step_with_the_other_value_at_zero_is_a_convention(formula):
    verdict = check_formula(formula, of="relu(z)", wrt="z")
    assert verdict and verdict.slip is None
    (note,) = verdict.notes
    assert "at z = 0" in note and "your formula gives 1 and the engine 0" in note
    assert "ReLU′(0) is a convention" in note and "not a slip" in note


@pytest.mark.parametrize("formula", ["z > 0", "step(z)", "𝟙[z > 0]", "relu'(z)"])
def test_the_engines_relu_step_needs_no_note(formula):
    verdict = check_formula(formula, of="relu(z)", wrt="z")
    assert verdict and not verdict.notes


def test_a_value_at_a_kink_outside_the_one_sided_slopes_is_wrong():
    verdict = check_formula("(z > 0) + 3((z >= 0) - (z > 0))", of="relu(z)", wrt="z")   # 3 at 0
    assert not verdict
    assert verdict.shown.name == "z = 0"
    assert "outside the one-sided slopes 0 and 1" in verdict.shown.hint


def test_a_kink_away_from_zero_is_found_too():
    verdict = check_formula("w (w*x + b >= 0)", of="relu(w*x + b)", wrt="x")
    assert verdict
    assert any("ReLU′(0) is a convention" in note for note in verdict.notes)


def test_random_points_stay_away_from_kinks():
    # max(x, y) has its kink where x = y; every random point is 1e-3 away from it
    verdict = check_formula("x > y", of="max(x, y)", wrt="x")
    assert verdict
    for entry in verdict.result.entries[:20]:
        point = dict(part.split(" = ") for part in entry.name.split(", "))
        assert abs(float(point["x"]) - float(point["y"])) >= 1e-3


# -- floating point at the special points -------------------------------------------------

def test_the_saturated_sigmoid_passes_in_its_naive_form():
    """σ(50) is 1.0 in float64, so σ(1 − σ) is 0 where the engine keeps 1.9e-22: within atol,
    as the saturated 1-1-1 sigmoid question's formula is right, only imprecise there."""
    verdict = check_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z")
    assert verdict
    at_30 = next(e for e in verdict.result.entries if e.name == "z = 30")
    assert at_30.computed == pytest.approx(sigma(30) * sigma(-30), rel=1e-12)


def test_the_saturated_1_1_1_question_formula():
    # C = (a − y)², a = σ(w·62.5): ∂C/∂w = 2(a − y)σ′(z)·62.5 (a^(l−1) = 62.5)
    verdict = check_formula("2(a − y) a(1 − a) · 62.5", of="(sigmoid(62.5 w) - y)^2", wrt="w")
    assert verdict
    assert "a = σ(62.5·w) (the activation)" in verdict.where
    assert not check_formula("2(a − y) (a − (1 − a)) · 62.5", of="(sigmoid(62.5 w) - y)^2",
                             wrt="w")


def test_a_formula_that_overflows_at_a_special_point_is_noted_not_failed():
    verdict = check_formula("(ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ)", of="bce(sigmoid(z), y)", wrt="z")
    assert verdict
    (note,) = verdict.notes
    assert "no finite value at 2 special points" in note and "division by zero" in note
    assert "not a wrong formula" in note


def test_undefined_at_a_kink_is_a_note():
    verdict = check_formula("x/|x|", of="abs(x)", wrt="x")
    assert verdict
    assert any("at x = 0, a kink of |x|" in note and "abs′(0) = 0" in note
               for note in verdict.notes)


def test_a_formula_undefined_at_a_random_point_is_wrong():
    verdict = check_formula("log(z)", of="z^2/2", wrt="z")
    assert not verdict
    assert any("log(x) needs x > 0" in e.hint for e in verdict.result.mismatches)


def test_differing_only_at_special_points_fails_and_says_so():
    verdict = check_formula("z < 100", of="z", wrt="z")   # 1 at every random point, 0 at 1000
    assert not verdict
    assert verdict.slip is None and verdict.shown.name == "z = 1000"
    assert "it agrees at every random point and differs only at special points" in verdict.notes


# -- names ----------------------------------------------------------------------------------

def test_bindings_are_reported():
    verdict = check_formula("ŷ − y", of="bce(sigmoid(z), y)", wrt="z")
    assert verdict.where == ["ŷ = σ(z) (the prediction in BCE)"]
    verdict = check_formula("a(1 − a)", of="sigmoid(z)", wrt="z")
    assert verdict.where == ["a = σ(z) (the activation)"]


def test_let_defines_names():
    assert check_formula("(1 − tanh(u)²) w", of="tanh(w*z + b)", wrt="z", let={"u": "w*z + b"})
    assert check_formula("u > 0", of="relu(w*x + b)", wrt="b", let={"u": "w x + b"})


def test_f_is_the_activation_or_what_functions_binds():
    assert check_formula("f′(w x + b) x", of="tanh(w*x + b)", wrt="w")
    assert check_formula("g′(z)", of="softplus(z)", wrt="z", functions={"g": "softplus"})
    assert check_formula("g′(z)", of="z*sigmoid(z)", wrt="z",
                         functions={"g": lambda v: v * v.sigmoid()})


def test_unknown_names_are_errors_naming_them():
    with pytest.raises(FormulaError, match=r"it uses 'q', which is not a variable of the "
                                           r"expression \(z\)"):
        check_formula("q", of="sigmoid(z)", wrt="z")
    with pytest.raises(FormulaError, match="define it with let"):
        check_formula("ŷ", of="z^2", wrt="z")
    with pytest.raises(FormulaError, match=r"it uses 'wz', .* for a product write w·z"):
        check_formula("(1 − tanh(wz + b)²) w", of="tanh(w*z + b)", wrt="z")


def test_wrt_must_be_a_variable():
    with pytest.raises(FormulaError, match=r"^of: wrt must be one of its variables \(w, z, b\), "
                                           r"got 'x'"):
        check_formula("w", of="tanh(w*z + b)", wrt="x")


def test_domains():
    assert check_formula("1/x", of="log(x)", wrt="x")   # x drawn from (0, 3]
    verdict = check_formula("1/(2√x)", of="sqrt(x)", wrt="x", domains={"x": (4, 9)})
    assert verdict and "x in [4, 9]" in verdict.points
    with pytest.raises(FormulaError, match="found only 0 of 20 random points"):
        check_formula("1/x", of="log(x)", wrt="x", domains={"x": (-5, -1)})
    with pytest.raises(FormulaError, match="low < high"):
        check_formula("1", of="x", wrt="x", domains={"x": (3, 1)})


def test_a_bce_target_is_drawn_from_0_1_and_checked_at_0_and_1():
    verdict = check_formula("ŷ − y", of="bce(sigmoid(z), y)", wrt="z")
    assert "y in [0, 1]" in verdict.points and "y at 0, 1" in verdict.points
    targets = {e.name.split("y = ")[1] for e in verdict.result.entries}
    assert {"0", "1"} <= targets


# -- for tests and graders ----------------------------------------------------------------

def test_assert_formula_raises_an_assertion_error_with_the_report():
    with pytest.raises(AssertionError) as caught:
        assert_formula("σ(z)(1 + σ(z))", of="sigmoid(z)", wrt="z")
    failure = caught.value
    assert isinstance(failure, FormulaMismatch) and isinstance(failure, GradientMismatch)
    message = str(failure)
    assert message.startswith("✗ σ(z)·(1 + σ(z)) ≠ ∂/∂z σ(z)\n  at z = ")
    assert "your formula gives" in message and "the engine's derivative is" in message
    assert "(sigma_plus_typo)" in message and "✗ z = " in message   # and the table
    assert failure.verdict.slip.code == "sigma_plus_typo"
    assert assert_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z")


def test_the_verdict_as_json_for_a_grader():
    verdict = check_formula("y − ŷ", of="bce(sigmoid(z), y)", wrt="z")
    record = json.loads(json.dumps(verdict.to_dict()))
    assert record["ok"] is False and record["slip"]["code"] == "error_sign"
    assert record["formula"] == "y − ŷ" and record["reading"] == "y − ŷ"
    assert record["formula_value"] == pytest.approx(-record["expected"])
    assert record["where"] == ["ŷ = σ(z) (the prediction in BCE)"]
    passing = check_formula("ŷ − y", of="bce(sigmoid(z), y)", wrt="z").to_dict()
    assert passing["ok"] is True and passing["slip"] is None and passing["at"] is None


def test_a_grader_can_refuse_the_derivative_written_as_itself():
    assert check_formula("σ′(z)", of="sigmoid(z)", wrt="z")
    with pytest.raises(FormulaError, match="it uses the derivative σ′ itself; write the "
                                           "derivative out"):
        check_formula("σ′(z)", of="sigmoid(z)", wrt="z", derivatives=False)
    with pytest.raises(FormulaError, match="f′ itself"):
        check_formula("2 f'(2z)", of="tanh(2z)", wrt="z", derivatives=False)
    assert check_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z", derivatives=False)


def test_the_same_seed_gives_the_same_points():
    a = check_formula("z > 0", of="relu(z)", wrt="z", seed=3)
    b = check_formula("z > 0", of="relu(z)", wrt="z", seed=3)
    c = check_formula("z > 0", of="relu(z)", wrt="z", seed=4)
    names = [[e.name for e in v.result.entries] for v in (a, b, c)]
    assert names[0] == names[1] != names[2]


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="points must be a whole number from 1 to 200"):
        check_formula("1", of="z", wrt="z", points=0)
    with pytest.raises(ValueError, match="rtol must be a number ≥ 0"):
        check_formula("1", of="z", wrt="z", rtol=-1)
    with pytest.raises(FormulaError, match="^of: the expression to differentiate is text"):
        check_formula("1", of=lambda z: z, wrt="z")


def test_exported_from_autograd():
    assert autograd.check_formula is check_formula and autograd.assert_formula is assert_formula
    assert autograd.FormulaError is FormulaError


def test_autograd_imports_nothing_from_nn():
    import subprocess
    import sys

    code = ("import sys, autograd; autograd.check_formula('σ(z)(1-σ(z))', of='sigmoid(z)', "
            "wrt='z'); assert not [m for m in sys.modules if m == 'nn' or m.startswith('nn.')]")
    subprocess.run([sys.executable, "-c", code], check=True)
