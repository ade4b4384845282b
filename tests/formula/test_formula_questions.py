"""An exercise's formula questions: what each asks, the key's answer, and every answer a class
types — careful ones in each notation always correct, each classic slip caught and named,
anything that is not a formula rejected in one line — over many generated exercises."""

import itertools
import math
import random
import re
import sys
from pathlib import Path

import pytest

from autograd import Value
from autograd.formula import FormulaError, evaluate
from nn.activations import ACTIVATIONS
from nn.explain.exercise import HIDDEN, LOSSES_DRAWN, make_exercise
from nn.explain.formula_questions import QUESTION_KEYS, FormulaQuestion, NotAnAnswer
from nn.explain.worksheet import activation_formula, function_formula
from nn.losses import LOSSES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from formula_students import NOT_FORMULAS, careful_answers, slip_answers  # noqa: E402

HIDDEN_CHOICES = HIDDEN + ("tanh", "linear")
"""The hidden activations these tests cover in depth (tests/nn/test_registries.py asks
every one once)."""
LOSS_OUTPUT = {loss: LOSSES[loss].output for loss in LOSSES_DRAWN}
SCALAR = ("activation_derivative", "output_delta")


def _exercise(student, hidden, loss, sizes=(2, 2, 1), course="fq"):
    return make_exercise(student, course=course, sizes=sizes, hidden=hidden, loss=loss,
                         formula_weight=1)


def _verdict(question, answer):
    """("correct" | "wrong" | "error", slip code or the error's message)."""
    try:
        v = question.grade(answer)
    except (FormulaError, NotAnAnswer) as e:
        return "error", str(e)
    return ("correct" if v else "wrong"), (v.slip.code if v.slip else None)


# --- what is asked ---------------------------------------------------------------------------

@pytest.mark.parametrize("hidden, loss", list(itertools.product(HIDDEN_CHOICES, LOSS_OUTPUT)))
def test_each_choice_asks_what_its_network_has_and_the_key_answers_it(hidden, loss):
    ex = _exercise("ann", hidden, loss)
    questions = ex.formula_questions()
    keys = [q.key for q in questions]
    output = LOSS_OUTPUT[loss]
    expect_f = output != "linear" or hidden != "linear"
    assert keys == [k for k in QUESTION_KEYS if k != "activation_derivative" or expect_f]
    for q in questions:
        assert _verdict(q, q.answer) == ("correct", None), (q.key, q.answer)
        assert q.check["seed"] == ex.seed
    if expect_f:
        f = questions[0]
        assert f.check["activation"] == (output if output != "linear" else hidden)
        assert f.check["layers"][0] == ("L" if output != "linear" else "l")
    no_hidden = make_exercise("ann", course="fq", sizes=(2, 1), loss=loss, formula_weight=1)
    assert "delta_recursion" not in [q.key for q in no_hidden.formula_questions()]


def test_without_a_weight_an_exercise_asks_no_formulas_and_its_numbers_do_not_change():
    plain, asked = make_exercise("bo", course="c"), make_exercise("bo", course="c",
                                                                  formula_weight=2)
    assert plain.formula_questions() == () and "formulas" not in plain.answer_file()
    assert "formulas" not in plain.answer_key()
    assert plain.network() == asked.network() and plain.work() == asked.work()
    blank, key = asked.answer_file(), asked.answer_key()
    assert set(blank["formulas"]) == set(key["formulas"]) == {q.key for q in
                                                              asked.formula_questions()}
    assert all(entry["answer"] is None for entry in blank["formulas"].values())
    with pytest.raises(ValueError, match="weight"):
        make_exercise("bo", formula_weight=0)
    with pytest.raises(ValueError, match="weight"):
        make_exercise("bo", formula_weight=True)


@pytest.mark.parametrize("loss", LOSS_OUTPUT)
def test_the_differentiated_loss_is_the_engines_loss(loss):
    """output_delta's expression is nn.losses' per-sample loss of the taught output."""
    ex = _exercise("cy", "relu", loss)
    (q,) = [q for q in ex.formula_questions() if q.key == "output_delta"]
    output = ACTIVATIONS[LOSS_OUTPUT[loss]]
    rng = random.Random(1)
    for _ in range(20):
        z, y = rng.uniform(-3, 3), rng.choice((0.0, 1.0)) if loss == "bce" else rng.random()
        engine = LOSSES[loss](output(Value(z)), y).data
        assert evaluate(q.check["of"], {"z": z, "y": y}) == pytest.approx(engine, rel=1e-12)


def test_a_question_never_prints_its_answer():
    for hidden, loss in itertools.product(HIDDEN_CHOICES, LOSS_OUTPUT):
        for q in _exercise("dee", hidden, loss).formula_questions():
            for text in (q.text, q.latex, q.markdown):
                assert q.answer not in text and q.answer.split(" = ")[-1] not in text, q.key
            assert q.latex.replace("$", "").isascii()
            assert q.symbol in q.text


def test_function_formula_is_f_without_its_derivative():
    for name in ACTIVATIONS:
        text, latex = activation_formula(name), activation_formula(name, latex=True)
        alone, alone_tex = function_formula(name), function_formula(name, latex=True)
        assert text.startswith(alone) and latex.startswith(alone_tex)
        assert "′" not in alone and "'" not in alone_tex and alone and alone_tex


def test_a_key_entry_reads_back_and_a_broken_one_is_refused():
    for hidden in HIDDEN_CHOICES:
        for q in _exercise("eve", hidden, "bce").formula_questions():
            stored = q.to_key()
            assert FormulaQuestion.from_key(q.key, stored) == q
            broken = [None, dict(stored, question=3), dict(stored, check=None),
                      dict(stored, check=dict(stored["check"], seed="1")),
                      dict(stored, check=dict(stored["check"], extra=1)),
                      dict(stored, check={k: v for k, v in stored["check"].items()
                                          if k != "seed"})]
            if "of" in stored["check"]:
                broken.append(dict(stored, check=dict(stored["check"], of="__import__('os')")))
                broken.append(dict(stored, check=dict(stored["check"], wrt="q")))
            else:
                other = "dW^[l]" if q.key == "delta_recursion" else "δ^[l]"
                broken.append(dict(stored, check=dict(stored["check"], quantity=other)))
                broken.append(dict(stored, check=dict(stored["check"], loss="cross_entropy")))
            for entry in broken:
                with pytest.raises(ValueError, match=q.key):
                    FormulaQuestion.from_key(q.key, entry)
    with pytest.raises(ValueError, match="unknown formula question"):
        FormulaQuestion.from_key("what_is_1_plus_1", {})


# --- what a class types ------------------------------------------------------------------------

_COVERING = [(hidden, loss, sizes) for hidden in HIDDEN_CHOICES for loss in LOSS_OUTPUT
             for sizes in ((2, 2, 1), (2, 2, 2, 1))]


@pytest.mark.parametrize("hidden, loss, sizes", _COVERING)
def test_careful_answers_are_correct_and_slips_are_named(hidden, loss, sizes):
    ex = _exercise("fay", hidden, loss, sizes)
    checked = 0
    for q in ex.formula_questions():
        for answer in careful_answers(q):
            assert _verdict(q, answer) == ("correct", None), (q.key, answer)
            checked += 1
        for answer, code in slip_answers(q):
            assert _verdict(q, answer) == ("wrong", code), (q.key, answer, code)
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("name", NOT_FORMULAS)
def test_what_is_not_a_formula_is_one_line_error_and_nothing_runs(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = NOT_FORMULAS[name]
    for hidden, loss in (("relu", "half_mse"), ("sigmoid", "bce")):
        for q in _exercise("gus", hidden, loss).formula_questions():
            layer_only = name in ("f′ itself", "unknown name") and q.key not in SCALAR
            verdict, message = _verdict(q, payload)
            assert verdict == "error" or layer_only and verdict == "wrong", (q.key, name)
            assert "\n" not in message and len(message) < 400
    assert not any(tmp_path.iterdir())


def test_layer_answers_for_another_quantity_or_with_the_quantity_itself_are_not_answers():
    ex = _exercise("hal", "relu", "bce", (2, 2, 2, 1))
    recursion, gradient = [q for q in ex.formula_questions() if q.check.get("quantity")]
    for q, answer, says in (
            (recursion, "δ^[L] = A^[L] − Y", "gives δ^[L] without δ^[L+1]: the question asks"),
            (recursion, "δ^[3] = A^[3] − Y", "gives δ^[3] without δ^[4]"),
            (recursion, "δ^[1] = (W^[3])ᵀ δ^[3] ⊙ f′(Z^[1])", "gives δ^[1] without δ^[2]"),
            (recursion, "∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ", "it gives ∂L/∂W^[l]"),
            (recursion, "δ^[l]", "uses δ^[l] itself"),
            (recursion, "d1 = d1", "uses δ^[1] itself"),
            (recursion, "dA^[l] * f′(Z^[l])", "uses ∂L/∂A"),
            (gradient, "dW^[l]", "uses ∂L/∂W^[l] itself"),
            (gradient, "dW1 = dW1 * 1", "uses ∂L/∂W^[1] itself"),
            (gradient, "δ^[l] = (1/m) δ^[l] (A^[l−1])ᵀ", "it gives δ^[l]")):
        with pytest.raises(NotAnAnswer, match=re.escape(says)):
            q.grade(answer)


def test_a_scalar_answer_naming_another_layer_says_how_to_write_it():
    ex = _exercise("ida", "relu", "bce", (2, 2, 2, 1))
    q = [q for q in ex.formula_questions() if q.key == "output_delta"][0]
    with pytest.raises(FormulaError, match=r"A\^\[1\] is not a name of this question.*"
                                           r"output layer L.*write it in z, a"):
        q.grade("A^[1] − Y")
    assert _verdict(q, "A^[3] − Y") == ("correct", None)   # L = 3 spelled out
    assert _verdict(q, "a_i - y_i") == ("correct", None)


def test_many_generated_exercises_give_no_false_verdict():
    """Careful answers always correct, every slip caught and named, on 60 drawn variants
    (drawn shapes and batch sizes; every hidden activation and loss), each checked at its
    own seed's points and networks."""
    false, checked = [], 0
    for n in range(60):
        ex = make_exercise(f"g{n}", course="many", hidden=HIDDEN_CHOICES[n % 4],
                           loss=tuple(LOSS_OUTPUT)[n // 4 % 3], formula_weight=1)
        rng = random.Random(n)
        for q in ex.formula_questions():
            careful = careful_answers(q)
            for answer in rng.sample(careful, min(3, len(careful))):
                checked += 1
                if _verdict(q, answer) != ("correct", None):
                    false.append((ex.student, q.key, answer))
            for answer, code in slip_answers(q):
                checked += 1
                if _verdict(q, answer) != ("wrong", code):
                    false.append((ex.student, q.key, answer, code))
    assert false == [] and checked > 1000


def test_a_verdict_is_the_same_on_every_run_and_drawn_from_the_students_seed():
    one, other = (_exercise(s, "sigmoid", "bce") for s in ("jo", "kai"))
    q1, q2 = (next(q for q in ex.formula_questions() if q.key == "activation_derivative")
              for ex in (one, other))
    first, again = q1.grade("σ(z)(1 + σ(z))").to_dict(), q1.grade("σ(z)(1 + σ(z))").to_dict()
    assert first == again
    assert first["at"] != q2.grade("σ(z)(1 + σ(z))").to_dict()["at"]
    assert not math.isnan(first["formula_value"])


def test_a_quantity_is_given_as_a_left_side_reads():
    """check_layer_formula's quantity= takes ∂L/∂W^[l] as a left side writes it (it used to
    refuse ∂ outside a left side), as the key's weight_gradient definition does."""
    from nn.explain.formulas import check_layer_formula
    assert check_layer_formula("(1/m) δ^[l] (A^[l−1])ᵀ", "∂L/∂W^[l]")
    assert check_layer_formula("Σ δ^[l] / m", r"\frac{\partial L}{\partial b^{[l]}}")
    assert not check_layer_formula("δ^[l] (A^[l−1])ᵀ", "∂L/∂W^[l]")
    with pytest.raises(FormulaError, match="only one '='"):
        check_layer_formula("x", "δ^[1] = 3")
