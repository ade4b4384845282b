"""Grading with error carried forward: the worked examples, planted mistakes, negative controls.

Expected verdicts come from the worked examples' own numbers and from mistakes
planted with formulas written out here (independent of nn.explain.mistakes).
"""

import json
import math
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.explain import explain_step
from nn.explain.check import HandFileError, compare
from nn.explain.exercise import make_exercise
from nn.explain.grade import Policy, grade
from nn.explain.mistakes import CODES
from nn.explain.network_file import load_network
from nn.explain.own_values import OwnValues
from nn.explain.quantities import (ASKED, BY_NAME, QUANTITIES, SubmissionError, answer_form,
                                   asked, at, element_indices, key_value, shape)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "nn" / "examples"
EXAMPLE = {"walkthrough": "lecture_2221", "walkthrough_hand": "lecture_2221_hand",
           "zero_init": "zero_init_111", "zero_init_hand": "zero_init_111_hand"}
"""The example files this module reads (the one place their names appear)."""


def example_derivation(name):
    model, X, Y, loss, lr = load_network(EXAMPLES_DIR / f"{EXAMPLE[name]}.json")
    return explain_step(model, X, Y, loss=loss, lr=lr)


def example_hand(name):
    return json.loads((EXAMPLES_DIR / f"{EXAMPLE[name]}.json").read_text(encoding="utf-8"),
                      parse_float=Decimal)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def entry(result, quantity, layer=None, row=None, col=None, sample=None):
    found = [e for e in result.entries if (e.quantity, e.layer, e.row, e.col, e.sample)
             == (quantity, layer, row, col, sample)]
    assert len(found) == 1, (quantity, layer, row, col, sample)
    return found[0]


def round_sig(x, digits):
    """``x`` as a student writes it to ``digits`` significant digits (trailing zeros kept,
    as the JSON text of an answer file keeps them)."""
    return Decimal(f"{x:#.{digits}g}")


# --- the worked examples' hand files ------------------------------------------------------

def test_zero_init_question_update_sign_slip_is_named_and_its_gradients_carried_forward():
    d = example_derivation("zero_init")
    result = grade(d, example_hand("zero_init_hand"))
    # By hand: f(2) = σ(0·σ(0) + 0) = 0.5, C = (1 − 0.5)² = 0.25, a^(2) = σ(0) = 0.5.
    y_hat = entry(result, "Y_hat", row=1, sample=1)
    assert y_hat.expected == 0.5 and y_hat.given == 0 and y_hat.verdict == "wrong"
    loss = entry(result, "loss")
    assert loss.expected == pytest.approx(0.25)
    assert loss.verdict == "carried_forward"   # (1 − 0)² = 1 from the answer's f(2) = 0
    # ∂C/∂w^(3) = −2(y − f)σ'(0)a^(2): key −2(0.5)(0.25)(0.5) = −0.125; with f = 0: −0.25.
    dw = entry(result, "dW", layer=2, row=1, col=1)
    assert dw.expected == pytest.approx(-2 * 0.5 * 0.25 * 0.5)
    assert dw.own == pytest.approx(-2 * 1 * 0.25 * 0.5)
    assert dw.verdict == "carried_forward"
    assert entry(result, "db", layer=2, row=1).verdict == "carried_forward"
    # θ + η∇C with η = 0.5: w = 0 + 0.5·(−0.25) = −0.125, b = 0 + 0.5·(−0.5) = −0.25.
    for quantity, col in (("W_new", 1), ("b_new", None)):
        update = entry(result, quantity, layer=2, row=1, col=col)
        assert update.verdict == "wrong" and update.diagnosis == "update_sign"
    # Layer 1 receives nothing through w^(3) = 0: the answer's zeros are right.
    assert all(e.verdict == "correct" for e in result.entries if e.layer == 1)
    assert result.counts() == {"correct": 4, "carried_forward": 3, "wrong": 3, "missing": 0}


def test_walkthrough_roundings_count_as_correct_with_a_rounding_note():
    d = example_derivation("walkthrough")
    result = grade(d, example_hand("walkthrough_hand"))
    assert result.all_correct and result.score == 1
    # The notes round ŷ = σ(1.489) = 0.81593 to 0.816 and L = −ln ŷ = 0.20343 to 0.203.
    y_hat = entry(result, "Y_hat", row=1, sample=1)
    assert y_hat.expected == pytest.approx(sigmoid(1.489), rel=1e-12)
    assert y_hat.diagnosis == "rounding"
    loss = entry(result, "loss")
    assert loss.expected == pytest.approx(-math.log(sigmoid(1.489)), rel=1e-12)
    assert loss.diagnosis == "rounding"
    # δ^[3] = ŷ − y = −0.184 carried through: ∂L/∂W^[3] = −0.184·(0.61, 0.79).
    assert entry(result, "dZ", layer=3, row=1, sample=1).diagnosis == "rounding"
    # Exact numbers need no note: Z^[1] = (0.3, 0.6).
    assert entry(result, "Z", layer=1, row=1, sample=1).diagnosis is None


# --- own values: the correct formulas on plain floats agree with the engine ----------------

STUDENTS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(STUDENTS)
def test_own_values_with_no_entries_are_the_engines_numbers(student):
    d = make_exercise(student).derivation()
    own = OwnValues(d, {})
    for q in QUANTITIES:
        for l in (range(1, len(d.layers) + 1) if q.per_layer else [None]):
            key = key_value(d, q, l)
            if key is None:   # probabilities: the exercises' losses take probabilities
                continue
            for index in element_indices(shape(d, q, l)):
                assert own.value(q.name, l, index) == pytest.approx(at(key, index), rel=1e-9,
                                                                     abs=1e-12)


@pytest.mark.parametrize("student", ["fd1", "fd2", "fd3"])
def test_own_weight_gradients_match_finite_differences_of_the_loss(student):
    ex = make_exercise(student, hidden="sigmoid")   # smooth: no kink for the difference
    d = ex.derivation()
    own = OwnValues(d, {})
    h = 1e-6
    for l, W in enumerate(ex.weights, 1):
        for j, row in enumerate(W):
            for k in range(len(row)):
                losses = []
                for sign in (1, -1):
                    weights = json.loads(json.dumps(ex.weights))
                    weights[l - 1][j][k] += sign * h
                    model = type(ex.model()).from_weights(
                        weights=weights, biases=ex.biases, activations=list(ex.activations))
                    losses.append(explain_step(model, ex.inputs, ex.targets,
                                               loss=ex.loss).loss)
                numeric = (losses[0] - losses[1]) / (2 * h)
                assert own.value("dW", l, (j, k)) == pytest.approx(numeric, rel=1e-5,
                                                                  abs=1e-8)


@settings(max_examples=25, deadline=None)
@given(STUDENTS, st.floats(0.02, 1.0), st.sampled_from([1, -1]), st.data())
def test_a_number_off_by_more_than_its_tolerance_is_never_correct(student, off, sign, data):
    d = make_exercise(student).derivation()
    pairs = [(q, l, index) for q, l in asked(d, ASKED)
             for index in element_indices(shape(d, q, l))
             if abs(at(key_value(d, q, l), index)) > 1e-6 and q.name not in ("W_new", "b_new")]
    q, l, index = data.draw(st.sampled_from(pairs))
    value = at(key_value(d, q, l), index) * (1 + sign * off)
    result = grade(d, _single(d, q, l, index, value))
    names = dict(zip(q.axes, (n + 1 for n in index)))
    found = entry(result, q.name, l, names.get("row"), names.get("col"), names.get("sample"))
    assert found.verdict == "wrong"


def _single(d, q, l, index, value):
    """A submission giving one element of ``q`` (the others of the entry blank)."""
    form = answer_form(d, {}, [q.name],
                       lambda q2, l2, i2: value if (l2, i2) == (l, index) else None)
    return {"layers": form["layers"]} if q.per_layer else {q.name: form[q.name]}


def _key_form(d, digits=None, plant=None):
    """The answer form filled with the key (rounded to ``digits``) and planted values."""
    plant = plant or {}

    def fill(q, l, index):
        if (q.name, l, index) in plant:
            return plant[(q.name, l, index)]
        value = at(key_value(d, q, l), index)
        return value if digits is None else round_sig(value, digits)
    return answer_form(d, {}, ASKED, fill)


@settings(max_examples=25, deadline=None)
@given(STUDENTS, st.sampled_from([4, 6, 17]))
def test_the_key_rounded_to_the_asked_digits_is_all_correct(student, digits):
    d = make_exercise(student).derivation()
    result = grade(d, _key_form(d, digits), questions=ASKED)
    assert result.all_correct and result.score == 1
    assert not [e for e in result.entries if e.diagnosis]


@settings(max_examples=25, deadline=None)
@given(STUDENTS)
def test_the_key_rounded_to_three_digits_is_correct_with_rounding_notes(student):
    d = make_exercise(student).derivation()
    result = grade(d, _key_form(d, 3), questions=ASKED)
    assert result.all_correct
    assert {e.diagnosis for e in result.entries} <= {None, "rounding"}


# --- planted mistakes ----------------------------------------------------------------------

HALF = make_exercise("planted", sizes=(2, 2, 2, 1), hidden="sigmoid", loss="half_mse", m=2,
                     lr=0.5)
WHOLE = make_exercise("planted", sizes=(2, 2, 1), hidden="sigmoid", loss="squared_error",
                      m=2, lr=0.5)


def _planted_cases():
    """(code, exercise, quantity, layer, index, the mistaken number by its own formula)."""
    d = HALF.derivation()
    L1, L2, L3 = d.layers
    j, i, k = 0, 1, 1
    sig_prime = lambda a: a * (1 - a)   # σ'(z) written in terms of a = σ(z)
    w = WHOLE.derivation()
    return [
        ("missing_activation_derivative", HALF, "dZ", 2, (j, i), L2.dL_dA[j][i]),
        ("derivative_of_output", HALF, "f_prime", 1, (j, i),
         sig_prime(sigmoid(L1.A[j][i]))),
        ("sigma_minus_typo", HALF, "f_prime", 2, (j, i), L2.A[j][i] - (1 - L2.A[j][i])),
        ("weights_not_transposed", HALF, "dA", 1, (j, i),
         sum(L2.W[j][r] * L2.delta[r][i] for r in range(2))),
        ("wrong_activation_in_weight_gradient", HALF, "dW", 2, (j, k),
         sum(L2.delta[j][s] * L2.A[k][s] for s in range(2)) / 2),
        ("missing_batch_mean", HALF, "dW", 1, (j, k),
         sum(L1.delta[j][s] * d.A0[k][s] for s in range(2))),
        # (on L itself, with m = 2, twice the mean is also the sum: missing_batch_mean)
        ("missing_half", HALF, "dA", 3, (0, i), 2 * (d.Y_hat[0][i] - d.Y[i])),
        ("extra_half", WHOLE, "loss", None, (), sum(0.5 * (w.Y_hat[0][s] - w.Y[s]) ** 2
                                                   for s in range(2)) / 2),
        ("error_sign", HALF, "dA", 3, (0, i), d.Y[i] - d.Y_hat[0][i]),
        ("update_sign", HALF, "W_new", 1, (j, k), L1.W[j][k] + 0.5 * L1.dL_dW[j][k]),
        ("learning_rate_missing", HALF, "b_new", 2, (j,), L2.b[j] - L2.dL_db[j]),
    ]


@pytest.mark.parametrize("code, exercise, quantity, layer, index, value", _planted_cases(),
                         ids=[case[0] for case in _planted_cases()])
def test_each_planted_mistake_is_named(code, exercise, quantity, layer, index, value):
    d = exercise.derivation()
    key = at(key_value(d, BY_NAME[quantity], layer), index)
    assert abs(value - key) > min(1e-3, 0.01 * abs(key))   # visible
    planted = round_sig(value, 4)
    result = grade(d, _key_form(d, 6, {(quantity, layer, index): planted}), questions=ASKED)
    names = dict(zip(BY_NAME[quantity].axes, (n + 1 for n in index)))
    found = entry(result, quantity, layer, names.get("row"), names.get("col"),
                  names.get("sample"))
    assert (found.verdict, found.diagnosis) == ("wrong", code)
    assert found.given == float(planted)
    others = [e for e in result.entries if e is not found]
    assert all(e.verdict == "correct" for e in others)


def test_every_code_is_planted_and_documented():
    import nn.explain.mistakes as mistakes
    planted = {case[0] for case in _planted_cases()}
    found_otherwise = {"rounding", "too_few_digits", "transposed", "wrong_shape"}
    assert planted | found_otherwise == set(CODES)
    assert all(code in mistakes.__doc__ for code in CODES)


def test_later_entries_are_marked_against_the_students_own_earlier_numbers():
    d = HALF.derivation()
    z = d.layers[0].Z[0][0] + 0.5                      # an arithmetic slip in Z^[1]
    a = sigmoid(z)                                     # then the right formula on it
    plant = {("Z", 1, (0, 0)): round_sig(z, 4), ("A", 1, (0, 0)): round_sig(a, 4)}
    result = grade(d, _key_form(d, 6, plant), questions=ASKED)
    assert entry(result, "Z", 1, 1, None, 1).verdict == "wrong"
    carried = entry(result, "A", 1, 1, None, 1)
    assert carried.verdict == "carried_forward"
    assert carried.own == pytest.approx(sigmoid(float(round_sig(z, 4))))


def test_a_sign_slip_at_the_output_costs_one_entry_not_every_later_one():
    # With y − ŷ for ŷ − y, ∂L/∂Ŷ flips sign, and every quantity linear in it follows:
    # δ^[l], ∂L/∂A^[l<L], ∂L/∂W, ∂L/∂b all negated, and the update θ − α(−∂L/∂θ).
    d = HALF.derivation()
    L = len(d.layers)
    flipped = {"dA", "dZ", "dW", "db"}

    def student(q, l, index):
        value = at(key_value(d, q, l), index)
        if q.name in flipped:
            return round_sig(-value, 6)
        if q.name == "W_new":
            return round_sig(d.layer(l).W[index[0]][index[1]] + HALF.lr
                             * d.layer(l).dL_dW[index[0]][index[1]], 6)
        if q.name == "b_new":
            return round_sig(d.layer(l).b[index[0]] + HALF.lr * d.layer(l).dL_db[index[0]], 6)
        return round_sig(value, 6)

    result = grade(d, answer_form(d, {}, ASKED, student), questions=ASKED)
    slip = [e for e in result.entries if e.quantity == "dA" and e.layer == L]
    assert [(e.verdict, e.diagnosis) for e in slip] == [("wrong", "error_sign")] * d.m
    later = [e for e in result.entries if e.quantity in flipped | {"W_new", "b_new"}
             and e not in slip]
    assert later and all(e.verdict == "carried_forward" for e in later)
    assert all(e.verdict == "correct" for e in result.entries
               if e.quantity in ("Z", "A", "losses", "loss", "f_prime"))


# --- negative controls --------------------------------------------------------------------

def test_an_empty_submission_scores_zero_every_entry_missing():
    d = HALF.derivation()
    result = grade(d, {}, questions=ASKED)
    assert result.entries and {e.verdict for e in result.entries} == {"missing"}
    assert result.score == 0 and not result.all_correct
    assert not grade(d, {}).all_correct   # nothing graded is not a pass either


@pytest.mark.parametrize("exercise", [HALF, WHOLE, make_exercise("zeros", hidden="relu")])
def test_all_zeros_never_pass_and_earn_no_carried_forward(exercise):
    d = exercise.derivation()
    result = grade(d, answer_form(d, {}, ASKED, lambda q, l, index: 0.0), questions=ASKED)
    keys_at_zero = sum(at(key_value(d, BY_NAME[e.quantity], e.layer),
                          _index(e)) == 0 for e in result.entries)
    assert result.counts()["correct"] == keys_at_zero
    assert result.counts()["carried_forward"] == 0
    assert not result.all_correct and result.score < 0.5


def _index(e):
    names = {"row": e.row, "col": e.col, "sample": e.sample}
    return tuple(names[a] - 1 for a in BY_NAME[e.quantity].axes)


@pytest.mark.parametrize("seed", range(10))
def test_random_numbers_never_pass(seed):
    rng = random.Random(seed)
    d = make_exercise(f"random{seed}").derivation()
    result = grade(d, answer_form(d, {}, ASKED, lambda q, l, index: rng.uniform(-2, 2)),
                   questions=ASKED)
    assert not result.all_correct and result.score < 0.2


def test_an_empty_hand_file_is_an_error_for_explain_check():
    d = example_derivation("walkthrough")
    with pytest.raises(HandFileError, match="no number to check"):
        compare(d, {})
    with pytest.raises(HandFileError, match="no number to check"):
        compare(d, {"description": "nothing", "layers": {}})


# --- what a submission may look like ------------------------------------------------------

def test_shorthands_and_partial_entries():
    d = example_derivation("walkthrough")
    result = grade(d, {"loss": [0.2034], "layers": {"1": {"Z": [0.3, None]},
                                                     "3": {"dL_dW": [[-0.1123, None]]}}})
    verdicts = [(e.quantity, e.layer, e.verdict) for e in result.entries]
    assert verdicts == [("Z", 1, "correct"), ("Z", 1, "missing"), ("loss", None, "correct"),
                        ("dW", 3, "correct"), ("dW", 3, "missing")]


def test_too_few_digits_is_wrong_with_a_too_few_digits_diagnosis_and_a_note():
    d = example_derivation("walkthrough")
    result = grade(d, {"Y_hat": Decimal("0.8"), "loss": Decimal("0.20")})
    for e in result.entries:
        assert e.verdict == "wrong" and e.diagnosis == "too_few_digits"
        assert "rounded to only" in e.note and "at least 3 digits count" in e.note
    assert "only 1 digit;" in entry(result, "Y_hat", row=1, sample=1).note   # not "1 digits"


@pytest.mark.parametrize("submission, message", [
    ({"layers": {"4": {}}}, "'layers' key '4' is not a layer"),
    ({"layers": {"1": {"dz": 1}}}, "layer 1: unknown key 'dz'"),
    ({"lr": 0.5}, "lr = 0.5 but its network has lr = 0.1"),
    ({"loss_function": "mse"}, "loss_function = 'mse'"),
    ({"grade": 1}, "unknown key 'grade'"),
    ([], "must be a JSON object"),
    ({"loss": Decimal("1e400")}, "'loss' holds 1E\\+400, not a finite number"),
    ({"loss": float("nan")}, "'loss' holds nan, not a finite number"),
    ({"loss": "0.2034"}, "'loss' holds the string \"0.2034\": numbers are written without quotes"),
    ({"layers": {"3": {"delta": [["-0.184"]]}}}, "layer 3: 'dZ' holds the string"),
])
def test_a_submission_that_does_not_fit_is_refused_naming_the_entry(submission, message):
    with pytest.raises(SubmissionError, match=message.replace("(", r"\(")):
        grade(example_derivation("walkthrough"), submission)


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError, match="digits"):
        Policy(digits=0)
    with pytest.raises(ValueError, match="min_digits"):
        Policy(digits=3, min_digits=4)
    with pytest.raises(ValueError, match="carried_forward_credit"):
        Policy(carried_forward_credit=2)


# --- simulated students over many generated exercises ---------------------------------------

from hand_students import SLIPS, Student, slip_layers  # noqa: E402

POLICY = Policy()
STYLES = (("written", 4, ()), ("exact", 4, ()), ("mixed", 4, ()), ("written", 3, ()),
          ("written", 4, ("f_from_A", "bce_shortcut")), ("mixed", 5, ("f_from_A",)))
"""How careful students work: (carry, digits written, style) (see hand_students)."""


def _written_numbers(answers):
    """{(quantity key, layer or None): nested numbers} of an answer dict."""
    found = {(k, None): v for k, v in answers.items() if k != "layers"}
    for l, entries in answers["layers"].items():
        found.update({(k, int(l)): v for k, v in entries.items()})
    return found


def _written(numbers, e):
    value = numbers[(e.quantity, e.layer)]
    for i in _index(e):
        value = value[i]
    return value


@pytest.mark.parametrize("hidden", ["relu", "sigmoid", "tanh", "linear"])
def test_careful_students_are_correct_and_every_slip_is_caught_and_named_on_400_exercises(
        hidden):
    false_verdicts = []
    slips_made = dict.fromkeys(SLIPS, 0)
    for n in range(400):
        ex = make_exercise(f"sim{n}", course="simulated", hidden=hidden)
        d = ex.derivation()
        carry, digits, style = STYLES[n % len(STYLES)]
        careful, _ = Student(ex, digits, carry, style, seed=n).work()
        result = grade(d, careful, POLICY, ASKED)
        false_verdicts += [("careful", ex.student, e) for e in result.entries
                           if e.verdict != "correct"]
        reference = _written_numbers(Student(ex, 4, "written").work()[0])
        for code in SLIPS:
            for l in slip_layers(ex, code):
                answers, slipped = Student(ex, 4, "written", slip=(code, l)).work()
                mine = _written_numbers(answers)
                result = grade(d, answers, POLICY, ASKED)
                shown = False
                for e in result.entries:
                    w, before = _written(mine, e), _written(reference, e)
                    changed = abs(float(w) - float(before)) > 1e-12
                    if (e.quantity, e.layer) in slipped and changed:
                        # caught and named, unless it is still the key to the asked digits
                        exact = POLICY.exact(float(w), e.expected)
                        ok = (e.verdict, e.diagnosis) == (("correct", None) if exact
                                                          else ("wrong", code))
                        shown = shown or not exact
                    elif changed:   # a downstream effect: one verdict
                        ok = e.verdict == "carried_forward" or (
                            e.verdict == "correct" and POLICY.exact(float(w), e.expected))
                    else:
                        ok = e.verdict == "correct" or (
                            e.verdict == "carried_forward"
                            and not POLICY.exact(float(w), e.expected))
                    if not ok:
                        false_verdicts.append((code, ex.student, e))
                slips_made[code] += shown
    assert false_verdicts == []
    visible = {"relu": 8, "sigmoid": 11, "tanh": 10, "linear": 8}[hidden]
    assert sum(count > 0 for count in slips_made.values()) >= visible, slips_made


def test_a_relu_sign_slip_costs_one_entry_and_its_zeros_are_carried_forward():
    ex = make_exercise("relu_slip", hidden="relu", sizes=(2, 2, 1), m=1)
    d = ex.derivation()
    assert d.layers[0].Z[0][0] > 0          # the slip makes it negative: ReLU turns it off
    answers, _ = Student(ex, 4, "written", relu_sign_slip=True).work()
    result = grade(d, answers, POLICY, ASKED)
    (wrong,) = [e for e in result.entries if e.verdict == "wrong"]
    assert (wrong.quantity, wrong.layer, wrong.row, wrong.sample) == ("Z", 1, 1, 1)
    a = entry(result, "A", 1, 1, None, 1)
    f = entry(result, "f_prime", 1, 1, None, 1)
    delta = entry(result, "dZ", 1, 1, None, 1)
    assert a.given == f.given == delta.given == 0
    assert a.verdict == f.verdict == delta.verdict == "carried_forward"
    assert all(e.verdict in ("correct", "carried_forward") for e in result.entries
               if e is not wrong)


def test_a_zero_written_for_no_reason_still_earns_nothing():
    ex = make_exercise("relu_slip", hidden="relu", sizes=(2, 2, 1), m=1)
    d = ex.derivation()
    answers, _ = Student(ex, 4, "written").work()
    answers["layers"]["2"]["dA"] = [[0]]   # then δ, ∂L/∂W… all 0 "from" it
    for key in ("dZ", "dW"):
        answers["layers"]["2"][key] = [[0 for _ in row] for row in answers["layers"]["2"][key]]
    result = grade(d, answers, POLICY, ASKED)
    zeros = [e for e in result.entries if e.layer == 2 and e.quantity in ("dA", "dZ", "dW")
             and e.given == 0 and e.expected != 0]
    assert zeros and all(e.verdict == "wrong" for e in zeros)


def test_the_digits_rule_treats_041_and_054_alike():
    d = example_derivation("walkthrough")
    # 0.82 for ŷ = 0.8159 and 0.20 for L = 0.2034: each the key rounded to 2 digits, one
    # within 0.5 % and one not; both too few (min 3), both wrong alike.
    result = grade(d, {"loss": Decimal(f"{d.loss:.2g}"),
                       "Y_hat": Decimal(f"{d.Y_hat[0][0]:.2g}")})
    verdicts = {(e.quantity, e.verdict, e.diagnosis) for e in result.entries}
    assert verdicts == {("loss", "wrong", "too_few_digits"), ("Y_hat", "wrong", "too_few_digits")}
    # An exact value needs no digits: 0.3 for Z^[1] = 0.3 is correct.
    assert grade(d, {"layers": {"1": {"Z": [[Decimal("0.3")], [None]]}}}).entries[0].verdict \
        == "correct"


def test_f_prime_from_the_students_own_A_is_correct_at_3_digits():
    ex = make_exercise("fprime", hidden="sigmoid", sizes=(2, 2, 1), m=1)
    d = ex.derivation()
    answers, _ = Student(ex, 3, "written", ("f_from_A",)).work()
    result = grade(d, answers, POLICY, ASKED)
    assert result.all_correct, [e for e in result.entries if e.verdict != "correct"]


def test_a_sigma_prime_of_A_slip_inside_the_old_tolerance_is_wrong():
    # z = 0.65: σ′(σ(z)) = 0.22484 vs σ′(z) = 0.22535, 0.2 % apart (inside an rtol of 0.005)
    from nn.layers import MLP
    model = MLP.from_weights(weights=[[[1.0]], [[0.5]]], biases=[[0.15], [0.0]],
                             activations=["sigmoid", "sigmoid"])
    d = explain_step(model, [[0.5]], [1.0], loss="bce", lr=0.1)
    assert d.layers[0].Z[0][0] == pytest.approx(0.65)
    a = d.layers[0].A[0][0]
    slip = sigmoid(a) * (1 - sigmoid(a))
    assert abs(slip / d.layers[0].f_prime_Z[0][0] - 1) < 0.005
    result = grade(d, {"layers": {"1": {"f_prime": round_sig(slip, 4)}}})
    assert (result.entries[0].verdict, result.entries[0].diagnosis) == (
        "wrong", "derivative_of_output")


def test_a_transposed_matrix_costs_that_matrix_and_the_rest_is_graded():
    ex = make_exercise("transposed", sizes=(3, 2, 1), m=2)
    d = ex.derivation()
    answers = ex.answer_key()
    answers["layers"]["1"]["dW"] = [list(col) for col in zip(*answers["layers"]["1"]["dW"])]
    result = grade(d, answers, POLICY, ASKED)
    bad = [e for e in result.entries if e.verdict != "correct"]
    assert len(bad) == 6 and {(e.quantity, e.layer, e.diagnosis) for e in bad} == {
        ("dW", 1, "transposed")}
    assert "written transposed" in bad[0].note
    answers["layers"]["1"]["db"] = [[1, 2, 3]]
    result = grade(d, answers, POLICY, ASKED)
    assert {e.diagnosis for e in result.entries if e.quantity == "db" and e.layer == 1} == {
        "wrong_shape"}


@pytest.mark.parametrize("digits", [16, 17])
def test_the_key_grades_correct_at_16_and_17_digits(digits):
    d = HALF.derivation()
    result = grade(d, _key_form(d, digits), Policy(digits=digits), ASKED)
    assert result.all_correct


@pytest.mark.parametrize("slope", [0, 1])
def test_on_relus_kink_either_one_sided_slope_counts(slope):
    # z = 1.0·0.5 − 0.5 = 0 exactly: ReLU′(0) is a convention (0 here), 1 is the other side
    from nn.layers import MLP
    model = MLP.from_weights(weights=[[[1.0]], [[0.5]]], biases=[[-0.5], [0.1]],
                             activations=["relu", "sigmoid"])
    d = explain_step(model, [[0.5]], [1.0], loss="bce", lr=0.1)
    assert d.layers[0].Z[0][0] == 0 and d.layers[0].f_prime_Z[0][0] == 0
    result = grade(d, {"layers": {"1": {"f_prime_Z": [[slope]], "delta": [[0]]}}})
    assert [e.verdict for e in result.entries] == ["correct", "correct"]
    assert grade(d, {"layers": {"1": {"f_prime_Z": [[0.5]]}}}).entries[0].verdict == "wrong"
