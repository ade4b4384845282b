"""A class made with --formulas in the LMS outputs: each formula question is one more share
of the marks, shown in the feedback, the Gradescope tests and check-answers, and typed into
the worksheet page's text fields."""

import json

import pytest

from hand_students import Student
from realistic_class import to_json

from nn.explain.answer_check import check_answer_file
from nn.explain.class_files import write_class
from nn.explain.class_grade import grade_class
from nn.explain.feedback import feedback_markdown
from nn.explain.manifest import Manifest
from nn.explain.marks import Marking, parse_weights
from nn.explain.policy import Policy
from nn.explain.quantities import ASKED
from nn.lms.gradescope import results as gradescope_results

CHOICES = {"sizes": (2, 2, 1), "hidden": "sigmoid", "loss": "bce", "m": 1, "lr": 0.5}


@pytest.fixture(scope="module")
def formula_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("formula-class")
    manifest = Manifest("c-formulas", CHOICES, Policy(), formulas={"weight": 1})
    students = ["ann", "ben", "cy"]
    exercises = [manifest.exercise(s) for s in students]
    write_class(manifest.with_students(exercises), exercises, root / "class")
    returned = root / "returned"
    returned.mkdir()
    for ex in exercises[:2]:
        answers, _ = Student(ex, 4, "written").work()
        document = dict(ex.answer_file(), **answers)
        for q in ex.formula_questions():
            document["formulas"][q.key]["answer"] = q.answer
        if ex.student == "ben":
            document["formulas"]["output_delta"]["answer"] = "y - a"   # the sign slipped
        (returned / f"{ex.student}.json").write_text(to_json(document), encoding="utf-8")
    result = grade_class(root / "class" / "teacher", [returned])
    return {"root": root, "manifest": manifest, "result": result,
            "by": {r.student: r for r in result.results}, "returned": returned}


def test_each_formula_is_one_more_share_of_the_marks(formula_class):
    by = formula_class["by"]
    assert by["ann"].all_correct and Marking(10).mark(by["ann"]).earned == 10
    ben = Marking(10).mark(by["ben"])
    numbers = len(ASKED)          # every quantity weighs 1 (m = 1: L carries Lᵢ's weight)
    assert 10 - ben.earned == pytest.approx(10 / (numbers + 4))   # 4 formula questions
    heavy = Marking(10, parse_weights("formulas=3")).mark(by["ben"])
    assert 10 - heavy.earned == pytest.approx(10 * 3 / (numbers + 4 * 3))
    names = [q.quantity for q in ben.quantities]
    assert "formulas.output_delta" in names and ben.quantities[-1].text.endswith("(formula)")
    assert Marking(10).mark(by["cy"]).earned == 0


def test_feedback_and_gradescope_show_each_formula(formula_class):
    ben = formula_class["by"]["ben"]
    ex = formula_class["manifest"].exercise("ben")
    page = feedback_markdown(ben, ex, Marking(10))
    assert "## Your formulas" in page and "| y - a | wrong |" in page
    assert "formulas: 3 correct, 1 wrong" in page
    document = gradescope_results(ben, ex, Marking(10))
    formula_tests = [t for t in document["tests"] if "(formulas." in t["name"]]
    assert len(formula_tests) == 4
    (wrong,) = [t for t in formula_tests if t["status"] == "failed"]
    assert "output_delta" in wrong["name"] and wrong["score"] == 0
    assert document["score"] == pytest.approx(Marking(10).mark(ben).earned, abs=1e-4)


def test_check_answers_counts_the_formulas(formula_class, tmp_path):
    ex = formula_class["manifest"].exercise("cy")
    blank = tmp_path / "blank.json"
    blank.write_text(json.dumps(ex.answer_file()), encoding="utf-8")
    check = check_answer_file(blank)
    assert check.formulas == 4 and check.formulas_filled == 0 and not check.ready
    assert "4 formula(s) to write" in check.report("blank.json")
    done = check_answer_file(formula_class["returned"] / "ben.json")
    assert done.ready and done.formulas_filled == 4
    bad = ex.answer_file()
    bad["formulas"]["output_delta"]["answer"] = 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    lines = check_answer_file(path).report("bad.json")
    assert 'ERROR "formulas" → "output_delta" → "answer": write the formula as text' in lines
