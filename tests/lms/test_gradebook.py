"""Canvas, Moodle and nbgrader gradebooks: their published layouts (fixtures/), one row per
roster student named as each system knows them, marks out of a fixed maximum with
per-quantity weights (one slip costs the same on every network), no cell a spreadsheet
runs."""

import csv
import io
import math
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import FIXTURES, lms_roster_csv, lms_row

from hand_students import Student
from realistic_class import roster_ids

from nn.explain.class_grade import ClassResult, StudentResult
from nn.explain.exercise import SHAPES, make_exercise
from nn.explain.grade import grade
from nn.explain.marks import Marking, parse_weights
from nn.explain.policy import Policy
from nn.explain.quantities import ASKED
from nn.explain.roster import parse_roster, roster_columns
from nn.lms.gradebook import POINTS_POSSIBLE, to_canvas, to_moodle, to_nbgrader
from nn.lms.people import people_of


def people():
    text = lms_roster_csv()
    return {p.student: p for p in people_of(parse_roster(text), roster_columns(
        text, parse_roster(text)))}


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def fixture_rows(name):
    return rows((FIXTURES / name).read_text(encoding="utf-8"))


# --- Canvas --------------------------------------------------------------------------------

def test_canvas_has_the_gradebook_columns_and_points_possible_row(course):
    out = rows(to_canvas(course["result"], people(), Marking(10), "Backprop exercise (4521)"))
    spec = fixture_rows("canvas_gradebook_export.csv")
    assert out[0] == spec[0]          # Student, ID, SIS User ID, SIS Login ID, Section, name
    assert out[1] == spec[1]          # "    Points Possible" and the maximum, as exported
    assert out[1][0] == POINTS_POSSIBLE and out[1][5] == "10.00"
    assert [r[3] for r in out[2:]] == roster_ids()   # one row per roster student, in order
    ann = out[2]
    assert ann[:5] == spec[2][:5]     # name, Canvas ID, SIS user ID, login, section
    assert ann[5] == "10.00"          # ann's careful work earns the maximum


def test_canvas_marks_follow_the_status_and_blank_missing_leaves_cells_empty(course):
    result = course["result"]
    out = {r[3]: r for r in rows(to_canvas(result, people(), Marking(10)))[2:]}
    blank = {r[3]: r for r in rows(to_canvas(result, people(), Marking(10),
                                             blank_missing=True))[2:]}
    for r in result.results:
        mark = Marking(10).mark(r).earned
        assert float(out[r.student][5]) == pytest.approx(mark, abs=0.005)
        if r.status == "graded":
            assert blank[r.student][5] == out[r.student][5]
        else:
            assert out[r.student][5] == "0.00" and blank[r.student][5] == ""


def test_canvas_login_is_the_roster_id_when_the_roster_has_no_login_column(course):
    out = rows(to_canvas(course["result"], None, Marking(10)))
    assert [r[3] for r in out[2:]] == roster_ids()
    assert all(r[1] == "" and r[2] == "" for r in out[2:])   # no invented Canvas IDs


# --- Moodle --------------------------------------------------------------------------------

def test_moodle_rows_carry_the_id_number_and_email_its_import_maps(course):
    out = rows(to_moodle(course["result"], people(), Marking(20), "Backprop exercise"))
    spec = fixture_rows("moodle_grades_export.csv")[0]
    header = out[0]
    # the identity columns keep Moodle's own export names: "ID number" maps to
    # useridnumber, "Email address" to useremail
    for column in ("First name", "Last name", "ID number", "Email address"):
        assert column in spec and column in header
    assert header[4] == "Backprop exercise" and header[5] == "Feedback"
    by_number = {r[header.index("ID number")]: r for r in out[1:]}
    assert len(out) - 1 == len(roster_ids())
    for student in roster_ids():
        row = by_number[lms_row(student)["id number"]]
        assert row[header.index("Email address")] == lms_row(student)["email"]
    ann = by_number[lms_row("ann")["id number"]]
    assert ann[:2] == ["Ann", "Lee"] and ann[4] == "20.00"
    assert ann[5].startswith("20.00/20.00: ")


def test_moodle_feedback_says_why_a_file_has_no_mark(course):
    out = rows(to_moodle(course["result"], people(), Marking(10)))
    by_id = {r[2]: r for r in out[1:]}
    assert "no answer file handed in" in by_id[lms_row("alice")["id number"]][5]
    assert "a PDF" in by_id[lms_row("bo")["id number"]][5]
    slips = {s: e["slip"][0] for s, e in course["expect"].items() if "slip" in e}
    assert slips
    for student, code in slips.items():
        assert f"diagnoses: {code}" in by_id[lms_row(student)["id number"]][5]


# --- nbgrader ------------------------------------------------------------------------------

def test_nbgrader_has_its_export_columns_and_one_row_per_student(course):
    out = rows(to_nbgrader(course["result"], people(), Marking(10), "ps1"))
    assert out[0] == fixture_rows("nbgrader_grades_export.csv")[0]
    assert [r[3] for r in out[1:]] == roster_ids()
    header = out[0]
    for row in out[1:]:
        record = dict(zip(header, row))
        assert record["assignment"] == "ps1" and record["max_score"] == "10.00"
        assert record["score"] == record["raw_score"]
        assert float(record["late_submission_penalty"]) == 0
    ann = dict(zip(header, out[1]))
    assert (ann["first_name"], ann["last_name"], ann["email"]) == ("Ann", "Lee",
                                                                  "ann@uni.edu")


# --- marks ---------------------------------------------------------------------------------

def _slipped_mark(exercise, code, layer, marking):
    answers, slipped = Student(exercise, 4, "written", slip=(code, layer)).work()
    assert slipped, (exercise.sizes, code)
    graded = grade(exercise.derivation(), answers, Policy(), ASKED)
    return marking.of_grade(graded), graded


@pytest.mark.parametrize("weights", ["", "delta=2,update=1"])
def test_one_slip_costs_the_same_share_on_every_network(weights):
    """The same slip (f′ left out of δ^[2], a sigmoid output) on every drawn shape of two
    layers costs points · w_δ / (2 Σw), whatever the sizes and batch; under the old
    points-per-number score it cost a different share on each."""
    marking = Marking(10, parse_weights(weights))
    lost, old = {}, {}
    for sizes, m in SHAPES:
        if len(sizes) != 3:
            continue
        ex = make_exercise("kim", course="c", sizes=sizes, m=m, loss="bce")
        mark, graded = _slipped_mark(ex, "missing_activation_derivative", 2, marking)
        wrong = [e for e in graded.entries if e.verdict == "wrong"]
        assert {(e.quantity, e.layer) for e in wrong} == {("dZ", 2)}
        lost[(sizes, m)] = 10 - mark.earned
        old[(sizes, m)] = 1 - graded.score
    w_delta = marking.weight("dZ")
    total = sum(marking.weight(n) for n in ASKED)
    for shape, points in lost.items():
        assert points == pytest.approx(10 * w_delta / (2 * total)), shape
    assert len({round(x, 9) for x in old.values()}) > 1   # the old score differed


def test_a_three_layer_network_shares_a_quantity_among_three_matrices():
    marking = Marking(10)
    ex = make_exercise("kim", course="c", sizes=(2, 2, 2, 1), m=1, loss="bce")
    mark, _ = _slipped_mark(ex, "missing_activation_derivative", 3, marking)
    assert 10 - mark.earned == pytest.approx(10 / (3 * len(ASKED)))


def test_a_full_sheet_earns_exactly_the_maximum_and_weights_add_up(course):
    marking = Marking(7, parse_weights("delta=2,update=1,forward=3"))
    assert marking.weight("dZ") == 2 and marking.weight("W_new") == 0.5
    assert marking.weight("Z") == 1.5 and marking.weight("A") == 1.5
    ann = next(r for r in course["result"].results if r.student == "ann")
    mark = marking.mark(ann)
    assert mark.earned == 7.0 and mark.fraction == 1.0
    assert math.fsum(q.possible for q in mark.quantities) == pytest.approx(7)


@pytest.mark.parametrize("text, message", [
    ("delta", "NAME=WEIGHT"), ("sigma=1", "NAME=WEIGHT"), ("dZ=-1", ">= 0"),
    ("dZ=nan", ">= 0"), ("dZ=x", ">= 0")])
def test_bad_weights_are_refused_naming_the_item(text, message):
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_all_zero_weights_and_bad_points_are_refused():
    with pytest.raises(ValueError, match="every weight is 0"):
        Marking(10, {n: 0.0 for n in ASKED})
    for points in (0, -1, math.inf, True):
        with pytest.raises(ValueError, match="points"):
            Marking(points)


# --- hostile cells -------------------------------------------------------------------------

HOSTILE = ("=HYPERLINK(\"http://x.invalid\",\"ok\")", "+1+1", "-2+3", "@SUM(A1)",
           "\tleading tab")


def test_no_gradebook_cell_runs_as_a_formula():
    from nn.lms.people import Person
    results = [StudentResult(f"s{n}", status="missing", total=47)
               for n in range(len(HOSTILE))]
    result = ClassResult(Policy(), results, course="c")
    folks = {f"s{n}": Person(f"s{n}", name=text, email=text, section=text, sis_user_id=text,
                             first_name=text, last_name=text)
             for n, text in enumerate(HOSTILE)}
    for render in (to_canvas, to_moodle, to_nbgrader):
        text = render(result, folks, Marking(10), "=cmd|' /C calc'!A0")
        for row in rows(text):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (render, cell)


# --- the command, end to end ---------------------------------------------------------------

def backprop(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_grade_writes_a_gradebook_feedback_and_a_summary(course, tmp_path):
    out = tmp_path / "canvas.csv"
    done = backprop("grade", "--keys", course["class"], course["returned"], "--roster",
                    course["roster"], "--format", "canvas", "--points", "10", "--weights",
                    "delta=2,update=1", "--assignment", "Backprop 1 (4521)", "--out", out,
                    "--feedback", tmp_path / "feedback", "--summary", tmp_path / "s.html")
    assert done.returncode == 1, done.stderr    # not every student is all correct
    assert "Traceback" not in done.stderr
    table = rows(out.read_text(encoding="utf-8"))
    assert table[0][5] == "Backprop 1 (4521)" and len(table) == 2 + len(roster_ids())
    marking = Marking(10, parse_weights("delta=2,update=1"))
    by_login = {r[3]: r for r in table[2:]}
    for r in course["result"].results:
        assert float(by_login[r.student][5]) == pytest.approx(marking.mark(r).earned,
                                                              abs=0.005)
    assert len(list((tmp_path / "feedback").glob("*.md"))) == len(roster_ids())
    assert (tmp_path / "s.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, message", [
    (["--format", "canvas", "x.json"], "needs --keys"),
    (["--weights", "sigma=2"], "NAME=WEIGHT"),
    (["--points", "0"], "> 0"),
    (["--summary", "s.txt"], ".html or .md"),
])
def test_bad_gradebook_options_are_one_line_errors(course, tmp_path, args, message):
    base = [] if "x.json" in args else ["--keys", course["class"], course["returned"]]
    done = backprop("grade", *base, *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_decimal_marks_are_written_with_two_decimals(course):
    text = to_canvas(course["result"], people(), Marking(3))
    for row in rows(text)[2:]:
        assert Decimal(row[5]).as_tuple().exponent == -2
