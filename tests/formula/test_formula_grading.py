"""``backprop exercise --formulas`` and ``backprop grade`` on the formula questions, end to end.

A class is made with the real command, its students hand in what a class really sends
(careful formulas in every notation, each classic slip, hostile and unreadable answers,
numbers, blanks, edited questions) next to careful numbers, and the class is graded in
every report format: each answer gets the verdict its text earns, the slip is named,
the reports agree on every score, and no edit of a student's own file raises it.
"""

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from nn.explain.class_grade import grade_class, read_manifest
from nn.explain.exercise import make_exercise
from nn.explain.formula_grade import FORMULA_VERDICTS, grade_formulas
from nn.explain.formula_questions import FormulaQuestion
from nn.explain.worksheet import loss_formula, to_html, to_latex, to_markdown

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "explain"))
from formula_students import NOT_FORMULAS, careful_answers, slip_answers  # noqa: E402
from hand_students import Student  # noqa: E402
from realistic_class import to_json  # noqa: E402


def backprop(*args):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, timeout=600)


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- one answer file's formulas -----------------------------------------------------------

@pytest.fixture(scope="module")
def questions():
    return make_exercise("ann", course="unit", sizes=(2, 2, 1), hidden="relu", loss="bce",
                         formula_weight=1).formula_questions()


def _one(questions, key, raw, weight=1):
    (entry,) = [e for e in grade_formulas(questions, {key: raw}, weight)[0].entries
                if e.question == key]
    return entry


def test_each_kind_of_answer_gets_its_verdict(questions):
    key = "output_delta"
    for raw in ("ŷ − y", {"answer": "A^[L] - Y"}, {"question": questions[1].text,
                                                   "answer": r"\hat{y} - y"}):
        e = _one(questions, key, raw)
        assert (e.verdict, e.points, e.slip) == ("correct", 1, None), raw
    wrong = _one(questions, key, "y − ŷ", weight=2.5)
    assert (wrong.verdict, wrong.slip, wrong.points, wrong.weight) == ("wrong", "error_sign", 0,
                                                                       2.5)
    assert "y − ŷ instead of ŷ − y" in wrong.note and wrong.reading == "y − ŷ"
    for raw in (None, "", "   \n", {"answer": None}, {"question": "x"}):
        assert _one(questions, key, raw).verdict == "missing", raw
    for raw, says in ((Decimal("0.25"), "a number, not a formula"), (1, "a number"),
                      (True, "true/false"), (["ŷ", "y"], "a list"),
                      ({"answer": {"ŷ": 1}}, "an object"), ({"answer": 3.5}, "a number")):
        e = _one(questions, key, raw)
        assert e.verdict == "rejected" and says in e.note, raw
    constant = _one(questions, key, "0.25")
    assert constant.verdict == "wrong" and constant.note.startswith("it is a number, not a "
                                                                    "formula: at z = ")
    assert grade_formulas(questions, None, 1)[0].counts() == {
        "correct": 0, "wrong": 0, "missing": len(questions), "rejected": 0}


@pytest.mark.parametrize("name", NOT_FORMULAS)
def test_a_hostile_or_unreadable_answer_is_rejected_in_one_line(questions, name, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    grade, _ = grade_formulas(questions, {q.key: NOT_FORMULAS[name] for q in questions}, 1)
    for e in grade.entries:
        layer_only = name in ("f′ itself", "unknown name") and "quantity" in \
            next(q for q in questions if q.key == e.question).check
        assert e.verdict == "rejected" or layer_only and e.verdict == "wrong", (name, e)
        assert "\n" not in e.note and len(e.note) < 400 and "could not be checked" not in e.note
        assert e.points == 0 and len(e.answer) <= 1001
    assert not any(tmp_path.iterdir())


def test_a_checker_failure_costs_the_entry_not_the_class(questions, monkeypatch):
    def broken(self, answer):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(FormulaQuestion, "grade", broken)
    grade, _ = grade_formulas(questions, {"output_delta": "ŷ − y"}, 1)
    (e,) = [e for e in grade.entries if e.question == "output_delta"]
    assert e.verdict == "rejected" and "could not be checked (ZeroDivisionError: a bug)" in e.note


def test_what_a_file_changes_is_flagged_and_ignored(questions):
    stored = {q.key: q.to_key() for q in questions}
    handed_in_key = grade_formulas(questions, stored, 1)
    assert handed_in_key[0].all_correct and handed_in_key[1] == []
    f = questions[0]
    edited = {f.key: {"question": "1 + 1 = ?", "answer": "1", "of": "z", "wrt": "z",
                      "check": {"of": "z"}},
              "bonus": {"answer": "z"}}
    grade, flags = grade_formulas(questions, edited, 1)
    assert grade.entries[0].verdict == "wrong"
    codes = [code for code, _ in flags]
    assert codes.count("formula_question_edited") == 4 and "formula_not_asked" in codes
    grade, _ = grade_formulas(questions, ["z > 0"], 1)
    assert {e.verdict for e in grade.entries} == {"rejected"}
    assert "\"formulas\" is a list" in grade.entries[0].note


# --- a class, made and graded with the real commands ------------------------------------------

HONEST = {   # student: which careful notation (index into careful_answers)
    "ann": 0, "ben": 1, "cleo": 2, "dev": 3, "eli": 4,
}


def _answers_for(questions, pick):
    """{key: answer}: the ``pick``-th careful answer of each question (wrapping)."""
    return {q.key: careful_answers(q)[pick % len(careful_answers(q))] for q in questions}


def _filled(root, student, formulas, numbers=True):
    """The student's blank answer file with careful numbers and ``formulas`` ({key: answer
    or raw entry}) put in."""
    blank = json.loads((root / "class" / "students" / student / "answers.json")
                       .read_text("utf-8"))
    manifest = read_manifest(root / "class" / "teacher")
    if numbers:
        answers, _ = Student(manifest.exercise(student), 4, "written").work()
        blank.update({k: v for k, v in answers.items()})
    for key, value in formulas.items():
        blank["formulas"][key] = (dict(blank["formulas"][key], answer=value)
                                  if isinstance(value, str) or value is None else value)
    return blank


@pytest.fixture(scope="module")
def formula_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("formulas")
    roster = root / "roster.txt"
    students = list(HONEST) + ["slip1", "slip2", "slip3", "slip4", "hostile", "numbers",
                               "blank", "nosection", "listed", "edited", "absent"]
    roster.write_text("\n".join(students) + "\n", encoding="utf-8")
    made = backprop("exercise", "--students", roster, "--course", "fq-class", "--formulas",
                    "--out", root / "class")
    assert made.returncode == 0, made.stderr
    manifest = read_manifest(root / "class" / "teacher")
    back = root / "returned"
    back.mkdir()
    expect = {}

    def hand_in(student, document):
        (back / f"{student}.json").write_text(to_json(document), encoding="utf-8")

    for student, pick in HONEST.items():
        qs = manifest.exercise(student).formula_questions()
        hand_in(student, _filled(root, student, _answers_for(qs, pick)))
        expect[student] = {q.key: ("correct", None) for q in qs}
    slips = {}
    for n, student in enumerate(["slip1", "slip2", "slip3", "slip4"]):
        qs = manifest.exercise(student).formula_questions()
        q = qs[n % len(qs)]
        answer, code = slip_answers(q)[0]
        answers = _answers_for(qs, 0)
        answers[q.key] = answer
        hand_in(student, _filled(root, student, answers))
        expect[student] = {k.key: ("correct", None) for k in qs}
        expect[student][q.key] = ("wrong", code)
        slips[student] = (q.key, code)
    qs = manifest.exercise("hostile").formula_questions()
    payloads = list(NOT_FORMULAS.values())[:len(qs)]
    hand_in("hostile", _filled(root, "hostile", {q.key: p for q, p in zip(qs, payloads)}))
    expect["hostile"] = {q.key: ("rejected", None) for q in qs}
    qs = manifest.exercise("numbers").formula_questions()
    hand_in("numbers", _filled(root, "numbers", {q.key: {"answer": Decimal("0.2500")}
                                                   for q in qs}))
    expect["numbers"] = {q.key: ("rejected", None) for q in qs}
    hand_in("blank", _filled(root, "blank", {}))
    expect["blank"] = {q.key: ("missing", None) for q in
                       manifest.exercise("blank").formula_questions()}
    document = _filled(root, "nosection", {})
    del document["formulas"]
    hand_in("nosection", document)
    expect["nosection"] = {q.key: ("missing", None) for q in
                           manifest.exercise("nosection").formula_questions()}
    document = _filled(root, "listed", {})
    document["formulas"] = [q.answer for q in manifest.exercise("listed").formula_questions()]
    hand_in("listed", document)
    expect["listed"] = {q.key: ("rejected", None) for q in
                        manifest.exercise("listed").formula_questions()}
    qs = manifest.exercise("edited").formula_questions()
    hand_in("edited", _filled(root, "edited", {q.key: {"question": "what is 1?", "answer": "1"}
                                               for q in qs}))
    expect["edited"] = {q.key: ("wrong", None) for q in qs}
    reports = {}
    for fmt in ("text", "json", "csv"):
        result = backprop("grade", "--keys", root / "class", back, "--format", fmt)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        reports[fmt] = result.stdout
    rows = {s["student"]: s for s in json.loads(reports["json"])["students"]}
    return {"root": root, "expect": expect, "reports": reports, "rows": rows,
            "slips": slips, "manifest": manifest}


def test_every_formula_answer_gets_the_verdict_its_text_earns(formula_class):
    for student, expected in formula_class["expect"].items():
        row = formula_class["rows"][student]
        assert row["status"] == "graded", (student, row["reason"])
        got = {e["question"]: (e["verdict"], e["slip"]) for e in row["formulas"]}
        for key, (verdict, slip) in expected.items():
            assert got[key][0] == verdict, (student, key, row["formulas"])
            if slip:
                assert got[key][1] == slip, (student, key)
    for student in HONEST:
        row = formula_class["rows"][student]
        assert row["score"] == 1 and row["points"] == row["total"]
        assert row["formula_counts"]["correct"] == len(row["formulas"]) >= 3


def test_each_slip_is_named_with_its_code_and_a_sentence_in_every_report(formula_class):
    text = formula_class["reports"]["text"]
    csv_rows = {r["student"]: r for r in csv.DictReader(io.StringIO(
        formula_class["reports"]["csv"]))}
    for student, (key, code) in formula_class["slips"].items():
        (entry,) = [e for e in formula_class["rows"][student]["formulas"] if e["question"] == key]
        assert entry["slip"] == code and entry["note"] and entry["points"] == 0
        block = text.split(f"\n{student} (exercise ", 1)[1].split("\n\n", 1)[0]
        assert code in block and entry["note"][:30] in block
        assert csv_rows[student][f"formula_{key}"] == "wrong"
        assert csv_rows[student][f"slip_{key}"] == code
        assert csv_rows[student][f"score_formula_{key}"] == "0.0000"
        row = formula_class["rows"][student]
        assert row["points"] == row["total"] - 1


def test_rejected_answers_are_one_line_and_nothing_of_them_ran(formula_class):
    for student in ("hostile", "numbers", "listed"):
        row = formula_class["rows"][student]
        for e in row["formulas"]:
            assert e["verdict"] == "rejected" and "\n" not in e["note"], e
        assert row["counts"]["correct"] == row["numbers"]   # the numbers are still graded
    text = formula_class["reports"]["text"]
    assert "\x1b" not in text and "\u202e" not in text
    assert all(line.isprintable() for line in text.splitlines())
    assert not (formula_class["root"] / "pwned").exists()


def test_the_reports_agree_on_every_score_and_the_weights_add_up(formula_class):
    csv_rows = {r["student"]: r for r in csv.DictReader(io.StringIO(
        formula_class["reports"]["csv"]))}
    text = formula_class["reports"]["text"]
    manifest = formula_class["manifest"]
    for student, row in formula_class["rows"].items():
        ex = manifest.exercise(student)
        asked = len(ex.formula_questions())
        assert row["total"] == ex.work() + asked and row["numbers"] == ex.work()
        if row["status"] == "graded":
            by_quantity = row["by_quantity"]
            assert sum(v["total"] for v in by_quantity.values()) == row["total"]
            assert sum(v["points"] for v in by_quantity.values()) == row["points"]
            assert sum(k.startswith("formula:") for k in by_quantity) == asked
        c = csv_rows[student]
        assert (float(c["points"]), float(c["total"])) == (row["points"], row["total"])
        assert float(c["score"]) == pytest.approx(row["score"], abs=1e-4)
        assert [int(c[f"formulas_{v}"]) for v in FORMULA_VERDICTS] == [
            row["formula_counts"][v] for v in FORMULA_VERDICTS]
        assert f"{student} (exercise {row['exercise']}):{'' if row['status'] == 'graded' else ' MISSING'} " \
               f"score {row['points']:g}/{row['total']:g} = " in text
    absent = formula_class["rows"]["absent"]
    assert absent["status"] == "missing" and absent["formula_counts"]["missing"] == \
        len(manifest.exercise("absent").formula_questions())
    report = json.loads(formula_class["reports"]["json"])
    assert report["formulas"]["weight"] == 1 and "rejected" in report["formulas"]["verdicts"]
    assert "Formula questions: 1 point each" in text


def test_an_edited_question_is_flagged_and_changes_nothing(formula_class):
    row = formula_class["rows"]["edited"]
    assert sum(f["code"] == "formula_question_edited" for f in row["flags"]) == len(row["formulas"])
    assert all(e["verdict"] == "wrong" for e in row["formulas"])


def test_no_edit_of_ones_own_formulas_raises_ones_grade(tmp_path):
    """Each student hands in one wrong formula; an attack on their own file (an edited
    question, a definition of their own, another weight, extra answers, the key's
    fields) must never raise their score above what the honest file earns."""
    attacks = {
        "question says the wrong answer is right": lambda q, e: e.update(question=e["answer"]),
        "own definition": lambda q, e: e.update(check={"of": "z", "wrt": "z", "let": {},
                                                       "layers": ["L"], "activation": "relu",
                                                       "layer": "output", "seed": 0}),
        "of and wrt fields": lambda q, e: e.update(of="sigmoid(z)*(1+sigmoid(z))", wrt="z"),
        "weight in the entry": lambda q, e: e.update(weight=100, points=100),
        "answer is the question": lambda q, e: e.update(answer=q.text),
        "empty question": lambda q, e: e.update(question=""),
        "policy in the entry": lambda q, e: e.update(verdict="correct", score=1),
    }
    top_attacks = {
        "formula weight at the top": lambda d: d.update(formula_weight=100),
        "extra questions answered": lambda d: d["formulas"].update(bonus={"answer": "z"},
                                                                   extra="1"),
    }
    students = [f"s{n}" for n in range(len(attacks) + len(top_attacks))]
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(students) + "\n")
    assert backprop("exercise", "--students", roster, "--course", "attack", "--formulas",
                    "--out", tmp_path / "class").returncode == 0
    manifest = read_manifest(tmp_path / "class" / "teacher")
    honest = {}
    for student in students:
        qs = manifest.exercise(student).formula_questions()
        answers = _answers_for(qs, 0)
        answers[qs[0].key] = slip_answers(qs[0])[0][0]
        honest[student] = _filled(tmp_path, student, answers)

    def score(files):
        back = tmp_path / f"back{len(list(tmp_path.glob('back*')))}"
        back.mkdir()
        for student, document in files.items():
            (back / f"{student}.json").write_text(to_json(document), encoding="utf-8")
        result = grade_class(tmp_path / "class" / "teacher", [back])
        return {r.student: r for r in result.results}

    baseline = score(honest)
    attacked = {}
    for student, (name, change) in zip(students, list(attacks.items())
                                       + list(top_attacks.items())):
        document = json.loads(to_json(honest[student]), parse_float=Decimal)
        if name in attacks:
            q = manifest.exercise(student).formula_questions()[0]
            change(q, document["formulas"][q.key])
        else:
            change(document)
        attacked[student] = (name, document)
    results = score({s: d for s, (_, d) in attacked.items()})
    for student, (name, _) in attacked.items():
        before, after = baseline[student], results[student]
        assert before.status == "graded" and 0 < before.score < 1
        assert after.score <= before.score and after.total == before.total, name
        assert after.points <= before.points, name


def test_weights_other_than_one_count_in_the_score_and_every_report(tmp_path):
    made = backprop("exercise", "--student", "ann", "--course", "w", "--formulas",
                    "--formula-weight", "2.5", "--out", tmp_path / "class")
    assert made.returncode == 0, made.stderr
    sheet = (tmp_path / "class" / "students" / "ann" / "worksheet.md").read_text("utf-8")
    assert "Each counts 2.5 points" in sheet
    manifest = read_manifest(tmp_path / "class" / "teacher")
    assert manifest.formulas == {"weight": 2.5}
    ex = manifest.exercise("ann")
    answers = _answers_for(ex.formula_questions(), 1)
    answers["output_delta"] = slip_answers(ex.formula_questions()[1])[0][0]
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / "ann.json").write_text(to_json(_filled(tmp_path, "ann", answers)))
    outputs = {fmt: backprop("grade", "--keys", tmp_path / "class", tmp_path / "back",
                             "--format", fmt).stdout for fmt in ("text", "json", "csv")}
    row = json.loads(outputs["json"])["students"][0]
    asked = len(ex.formula_questions())
    assert row["total"] == ex.work() + 2.5 * asked
    assert row["points"] == ex.work() + 2.5 * (asked - 1)
    assert row["by_quantity"]["formula:output_delta"] == {"points": 0, "total": 2.5}
    assert f"score {row['points']:g}/{row['total']:g}" in outputs["text"]
    assert "formula:output_delta 0/2.5" in outputs["text"]
    (csv_row,) = csv.DictReader(io.StringIO(outputs["csv"]))
    assert float(csv_row["total"]) == row["total"]
    bad = backprop("exercise", "--student", "ann", "--formula-weight", "0", "--formulas",
                   "--out", tmp_path / "x")
    assert bad.returncode == 2 and "weight" in bad.stderr


def test_a_lost_sheet_is_made_again_byte_for_byte_with_its_formulas(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("ann\nbo\n")
    assert backprop("exercise", "--students", roster, "--course", "ml", "--formulas",
                    "--formula-weight", "2", "--out", tmp_path / "class").returncode == 0
    again = backprop("exercise", "--manifest", tmp_path / "class", "--student", "bo",
                     "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    original, remade = _tree(tmp_path / "class"), _tree(tmp_path / "again")
    assert {p for p in remade if p != "teacher/manifest.json"} == {
        p for p in original if "/bo/" in p}
    for path in remade:
        if path != "teacher/manifest.json":
            assert remade[path] == original[path], path
    manifest = json.loads(remade["teacher/manifest.json"])
    assert manifest["formulas"] == {"weight": 2}
    assert b'"formulas"' in remade["students/bo/answers.json"]
    clash = backprop("exercise", "--manifest", tmp_path / "class", "--student", "bo",
                     "--formulas", "--out", tmp_path / "x")
    assert clash.returncode == 2 and "--formulas cannot be combined" in clash.stderr


def test_without_formulas_nothing_mentions_them(tmp_path):
    assert backprop("exercise", "--student", "ann", "--course", "plain", "--out",
                    tmp_path / "class").returncode == 0
    files = _tree(tmp_path / "class")
    assert not any(b"formula_questions" in data or b'"formulas"' in data
                   or b"Formulas to derive" in data for data in files.values())
    key = json.loads(files["teacher/keys/ann/key.json"])
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / "ann.json").write_text(json.dumps(key))
    report = backprop("grade", "--keys", tmp_path / "class", tmp_path / "back", "--format",
                      "json")
    assert report.returncode == 0
    document = json.loads(report.stdout)
    assert "formulas" not in document and "formulas" not in document["students"][0]
    text = backprop("grade", "--keys", tmp_path / "class", tmp_path / "back").stdout
    assert "Formula questions" not in text and "formula:" not in text
    assert "formulas correct" not in text
    key["formulas"] = {"activation_derivative": {"answer": "z"}}
    (tmp_path / "back" / "ann.json").write_text(json.dumps(key))
    row = json.loads(backprop("grade", "--keys", tmp_path / "class", tmp_path / "back",
                              "--format", "json").stdout)["students"][0]
    assert row["status"] == "rejected" and "unknown key 'formulas'" in row["reason"]


# --- the sheets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden, loss", [("relu", "bce"), ("sigmoid", "squared_error"),
                                          ("relu", "half_mse"), ("tanh", "half_mse")])
def test_the_sheets_ask_each_question_and_do_not_print_its_answer(hidden, loss):
    ex = make_exercise("ann", course="s", sizes=(2, 2, 1), hidden=hidden, loss=loss,
                       formula_weight=1)
    plain = make_exercise("ann", course="s", sizes=(2, 2, 1), hidden=hidden, loss=loss)
    md, page, tex = to_markdown(ex), to_html(ex), to_latex(ex)
    for q in ex.formula_questions():
        assert q.markdown in md and q.latex in tex and q.key in page
    asked_f = next((q.check["activation"] for q in ex.formula_questions()
                    if q.key == "activation_derivative"), None)
    given_away = ["(W^[l+1])ᵀ δ^[l+1]", "(1/m) δ^[l] (A^[l−1])ᵀ", "⊙ f′(Z^[l])"]
    if asked_f == "sigmoid":
        given_away.append("σ(z)(1 − σ(z))")
    if asked_f == "relu":
        given_away.append("1 if z > 0 else 0")
    for text in given_away:
        assert text not in md and text not in page, text
        assert text in to_markdown(plain) or text.startswith("1 if") or "σ(z)(1" in text
    loss_text, loss_tex = loss_formula(loss), loss_formula(loss, latex=True)   # ½(ŷᵢ − yᵢ)² holds ŷᵢ − yᵢ: the loss, not δ
    for q in ex.formula_questions():
        for answer in careful_answers(q) + [q.answer]:
            assert answer.strip() not in md.replace(loss_text, ""), (q.key, answer)
            assert answer.strip() not in tex.replace(loss_tex, ""), (q.key, answer)
    assert r"\delta^{[l]} = \frac" not in tex and r"(W^{[l+1]})^\top \delta^{[l+1]}" not in tex
    assert "".join(tex.split("$")[::2]).isascii()
    tex = tex[tex.index(r"\documentclass"):]   # after the note on how to compile it
    assert tex.rstrip().endswith(r"\end{document}")
    sheet = page.split('<section id="answers">')[0]   # the answer form follows the sheet
    assert "<script" not in sheet and sheet.count("<table>") == 3
    assert "Formulas to derive" in md and "Formulas to derive" not in to_markdown(plain)
