"""Feedback a student can read and the class summary, on the realistic class: every number
with its verdict, one sentence per diagnosis in the worksheet's notation with the value from
the student's own numbers, no other student named, every file-borne string kept as text."""

import html
import re

import pytest
from graded_class import graded_class

from realistic_class import roster_ids

from nn.explain.class_grade import grade_class
from nn.explain.class_summary import diagnosis_table, summary_html, summary_markdown
from nn.explain.document import md_text
from nn.explain.feedback import entry_place, feedback_html, feedback_markdown, write_feedback
from nn.explain.marks import Marking
from nn.explain.mistakes import CODES, Where, advice
from nn.explain.quantities import entry_name
from nn.explain.render import format_number


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return graded_class(tmp_path_factory.mktemp("feedback-course"))


def result_of(course, student):
    return next(r for r in course["result"].results if r.student == student)


def where_of(course, student, e):
    ex = course["manifest"].exercise(student)
    return Where(e.quantity, e.layer, ex.activations[e.layer - 1] if e.layer else None,
                 ex.m, ex.lr, ex.loss, 3)


def visible_text(page):
    """An HTML page's text as a reader sees it."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_diagnosis_has_one_sentence_in_the_worksheet_notation():
    where = Where("dZ", 2, "sigmoid", 2, 0.5, "bce", 3)
    assert advice("missing_activation_derivative", where) == (
        "δ^[2] is missing the factor f′(Z^[2]): δ^[2] = ∂L/∂A^[2] ⊙ f′(Z^[2]); for a "
        "sigmoid layer multiply by A^[2](1 − A^[2]).")
    relu = advice("missing_activation_derivative", Where("dZ", 1, "relu"))
    assert "1 where Z^[1] > 0 and 0 elsewhere" in relu
    assert "α = 0.5" in advice("learning_rate_missing", where)
    assert "at least 3 significant digits" in advice("too_few_digits", where)
    for code in CODES:   # no code is left without words, none is a bare code
        sentence = advice(code, where)
        assert sentence.endswith(".") and len(sentence) > 30
        assert "_" not in code or code not in sentence


def test_a_slip_students_feedback_names_it_where_and_gives_their_own_value(course):
    slips = {s: e["slip"] for s, e in course["expect"].items() if "slip" in e}
    assert len(slips) == 11
    for student, (code, layer, _) in slips.items():
        r = result_of(course, student)
        ex = course["manifest"].exercise(student)
        page = feedback_markdown(r, ex, Marking(10))
        wrong = [e for e in r.grade.entries if e.verdict == "wrong"]
        assert md_text(advice(code, where_of(course, student, wrong[0]))) in page, student
        for e in wrong:   # each wrong number: its place, and the value from their numbers
            assert md_text(f"{entry_name(e.quantity, e.layer)} {entry_place(e)}") in page
            assert f"from your own earlier numbers it is {md_text(format_number(e.own), False)}" \
                in page, (student, e)
        rows = [line for line in page.splitlines() if line.startswith("| ")
                and not line.startswith(("| where", "| quantity", "| W", "| X", "| b"))]
        entry_rows = [line for line in rows if re.match(r"\| (row|sample|—)", line)]
        assert len(entry_rows) == r.total       # every asked number, each with its verdict


def test_a_careful_students_feedback_has_the_mark_and_nothing_to_fix(course):
    r = result_of(course, "ben")
    page = feedback_markdown(r, course["manifest"].exercise("ben"), Marking(10))
    assert "Mark: 10.00 of 10" in page and "What to work on" not in page
    assert "## Your network" in page and "| W^[1] |" in page


def test_missing_and_rejected_students_are_told_what_happened(course):
    alice = feedback_markdown(result_of(course, "alice"), None, Marking(10))
    assert "No answer file was handed in. Mark: 0.00 of 10." in alice
    di = feedback_markdown(result_of(course, "di"), course["manifest"].exercise("di"))
    assert "could not be graded: not valid JSON" in di and "check\\-answers" not in di
    assert "backprop check-answers" in di


def test_feedback_names_no_other_student(course):
    ids = set(roster_ids())
    for student in ("ann", "ida", "jay"):
        r = result_of(course, student)
        page = feedback_markdown(r, course["manifest"].exercise(student), Marking(10))
        others = {o for o in ids - {student} if len(o) > 2}
        named = {o for o in others if re.search(rf"(?<![\w.]){re.escape(o)}(?![\w])", page)}
        assert not named, (student, named)
    ida = feedback_markdown(result_of(course, "ida"), None)
    assert "another student's exercise" in ida


def test_file_borne_strings_stay_text_in_markdown_and_html(course, tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    text = (course["returned"] / "ben.json")
    source = text if text.exists() else course["returned"] / "ben" / "answers.json"
    hostile = source.read_text(encoding="utf-8").replace(
        '"student": "ben"', '"student": "<img src=x onerror=y>[x](j:y)"')
    assert hostile != source.read_text(encoding="utf-8")
    (returned / "ben.json").write_text(hostile, encoding="utf-8")
    r = result_of_class(grade_class(course["teacher"], [returned], roster=["ben"]), "ben")
    md = feedback_markdown(r, None)
    page = feedback_html(r, None)
    assert "<img" not in page and "&lt;img src=x onerror=y&gt;[x](j:y)" in page
    assert "\\<img src=x onerror=y\\>[x\\](j:y)" in md     # no tag, no link
    assert "Content-Security-Policy" in page


def result_of_class(result, student):
    return next(r for r in result.results if r.student == student)


def test_write_feedback_writes_markdown_and_html_for_every_roster_student(course, tmp_path):
    exercises = {s: course["manifest"].exercise(s) for s in course["manifest"].students}
    written = write_feedback(course["result"], exercises, tmp_path / "fb", Marking(10))
    assert len(written) == 2 * len(roster_ids())
    page = (tmp_path / "fb" / "josé.núñez.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "josé.núñez" in page


# --- the class summary ---------------------------------------------------------------------

def test_the_summary_counts_each_mistake_with_its_students_and_places(course):
    table = diagnosis_table(course["result"])
    slips = {s: e["slip"] for s, e in course["expect"].items() if "slip" in e}
    for student, (code, layer, slipped) in slips.items():
        assert student in table[code]["students"]
        places = set(table[code]["where"])
        assert places & slipped, (code, places, slipped)
    counts = [len(row["students"]) for row in table.values()]
    assert counts == sorted(counts, reverse=True)      # what to re-teach first
    assert "rounding" not in table


def test_the_summary_page_has_the_distribution_and_bar_charts(course):
    page = summary_html(course["result"], Marking(10))
    text = visible_text(page)
    graded = sum(r.status == "graded" for r in course["result"].results)
    assert f"42 students: {graded} graded" in text
    assert page.count("<svg") == 3 and "<script" not in page.lower()
    bars = re.findall(r'data-value="([0-9.]+)"', page)
    marks = [Marking(10).mark(r).earned for r in course["result"].results
             if r.status == "graded"]
    distribution = [float(v) for v in bars[:10]]
    assert sum(distribution) == len(marks)           # every graded student in one bin
    assert int(distribution[-1]) == sum(m >= 9 for m in marks)
    for code, row in diagnosis_table(course["result"]).items():
        assert code in text and f"{len(row['students'])} student" in text


def test_the_summary_lists_the_files_to_look_at_with_hostile_strings_as_text(course):
    page = summary_html(course["result"], Marking(10))
    md = summary_markdown(course["result"], Marking(10))
    assert "=HYPERLINK" in visible_text(page) and "\x1b" not in page and "\x1b" not in md
    assert "\u202e" not in page and "\u202e" not in md
    assert "a PDF, not an answer file" in md and "zed.json" in md
    for line in md.splitlines():
        assert line.isprintable(), repr(line)


def test_marks_per_student_follow_the_weights(course):
    ben = result_of(course, "ben")
    assert Marking(10).mark(ben).earned == 10
    missing = result_of(course, "alice")
    assert Marking(10).mark(missing).earned == 0 and Marking(10).mark(missing).possible == 10
