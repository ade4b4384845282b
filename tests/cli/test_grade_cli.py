"""``backprop exercise`` and ``backprop grade`` end to end, in subprocesses (the real command).

A realistic class (tests/explain/realistic_class.py: a CSV roster with a BOM, CRLF,
accented names and e-mail logins; careful work in several styles, every classic slip,
unreadable, doctored, copied and hostile files) is made, handed in and graded, and
every roster student must get the one row their file earns.  Then the class is
attacked as a student would: no edit to one's own file raises one's grade.
"""

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explain"))
from realistic_class import ROSTER_CSV, hand_in, roster_ids, to_json  # noqa: E402
from hand_students import Student  # noqa: E402

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "nn" / "examples"
EXAMPLE = {"walkthrough": "lecture_2221", "walkthrough_hand": "lecture_2221_hand",
           "zero_init": "zero_init_111", "zero_init_hand": "zero_init_111_hand"}
"""The example files this module reads (the one place their names appear)."""


def backprop(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def realistic(tmp_path_factory):
    """The class made, handed in and graded in every format."""
    root = tmp_path_factory.mktemp("course")
    roster = root / "roster.csv"
    roster.write_bytes(ROSTER_CSV.encode("utf-8"))
    made = backprop("exercise", "--students", roster, "--course", "ml-2026-spring",
                    "--out", root / "class")
    assert made.returncode == 0, made.stderr
    expect = hand_in(root / "class", root / "returned")
    reports = {}
    for fmt in ("text", "json", "csv"):
        out = root / f"report.{fmt}"
        result = backprop("grade", "--keys", root / "class", root / "returned",
                          "--roster", roster, "--format", fmt, "--out", out)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        reports[fmt] = out.read_text(encoding="utf-8")
    students = {s["student"]: s for s in json.loads(reports["json"])["students"]}
    return {"root": root, "expect": expect, "reports": reports, "students": students}


def test_every_roster_student_gets_exactly_one_row_in_every_report(realistic):
    ids = roster_ids()
    assert len(ids) == 42 and "josé.núñez" in ids and "a.b@uni.edu" in ids
    json_rows = json.loads(realistic["reports"]["json"])["students"]
    assert [r["student"] for r in json_rows] == ids
    csv_rows = list(csv.DictReader(io.StringIO(realistic["reports"]["csv"])))
    assert [r["student"] for r in csv_rows] == ids
    text = realistic["reports"]["text"]
    for student in ids:
        assert sum(line.startswith(f"{student} (exercise ") for line in text.splitlines()) == 1
    assert "42 students: graded" in text


def test_each_student_gets_the_status_their_file_earns(realistic):
    for student, expect in realistic["expect"].items():
        row = realistic["students"][student]
        assert row["status"] == expect["status"], (student, row["reason"])
        if "reason" in expect:
            assert expect["reason"] in row["reason"], (student, row["reason"])
        if expect.get("all_correct"):
            assert row["score"] == 1 and row["counts"]["correct"] == row["total"], student
        for code in expect.get("flags", ()):
            assert code in [f["code"] for f in row["flags"]], (student, row["flags"])
        if "diagnosis" in expect:
            assert row["diagnoses"].get(expect["diagnosis"], 0) > 0, student
        if "score_below" in expect:
            assert row["score"] < expect["score_below"], student
        if expect["status"] != "graded":
            assert row["score"] == 0 and row["points"] == 0
        assert row["total"] > 0   # a missing or rejected file still has its asked numbers


def test_each_classic_slip_costs_the_slipped_entries_and_is_named(realistic):
    slips = {s: e["slip"] for s, e in realistic["expect"].items() if "slip" in e}
    assert len(slips) == 11   # every code of nn.explain.mistakes' formulas
    for student, (code, layer, slipped) in slips.items():
        row = realistic["students"][student]
        wrong = [e for e in row["entries"] if e["verdict"] == "wrong"]
        assert wrong and all(e["diagnosis"] == code for e in wrong), (student, code)
        assert {(e["quantity"], e["layer"]) for e in wrong} <= slipped
        assert row["counts"]["missing"] == 0


def test_a_relu_sign_slip_costs_once_in_the_class(realistic):
    (student,) = [s for s, e in realistic["expect"].items() if e.get("relu_sign_slip")]
    row = realistic["students"][student]
    assert row["counts"]["wrong"] == 1 and row["counts"]["carried_forward"] > 5
    (wrong,) = [e for e in row["entries"] if e["verdict"] == "wrong"]
    assert (wrong["quantity"], wrong["layer"], wrong["row"], wrong["sample"]) == ("Z", 1, 1, 1)


def test_policy_comes_from_the_manifest_and_a_file_that_sets_digits_is_flagged(realistic):
    report = json.loads(realistic["reports"]["json"])
    assert report["policy"]["digits"] == 4 and report["policy"]["source"] == "the class manifest"
    (student,) = [s for s, e in realistic["expect"].items()
                  if e.get("diagnosis") == "too_few_digits"]
    row = realistic["students"][student]
    assert row["score"] < 0.6 and row["diagnoses"]["too_few_digits"] > 10
    assert any("digits = 1" in f["message"] for f in row["flags"])


def test_identical_answers_and_copied_files_are_flagged_on_both_students(realistic):
    ann = realistic["students"]["ann"]
    codes = [f["code"] for f in ann["flags"]]
    assert "identical" in codes and "exercise_handed_in_by_another" in codes
    assert ann["status"] == "graded" and ann["score"] == 1
    assert any(f["other"] == "ida" for f in ann["flags"])
    assert any(f["other"] == "jay" for f in ann["flags"])


def test_a_file_named_after_no_roster_student_is_listed_not_graded(realistic):
    report = json.loads(realistic["reports"]["json"])
    assert [Path(u["path"]).name for u in report["unmatched"]] == ["zed.json"]
    assert "zed.json" in realistic["reports"]["text"]


def test_alice_key_is_its_own_student_and_never_alice(realistic):
    assert realistic["students"]["alice.key"]["status"] == "graded"
    assert realistic["students"]["alice"]["status"] == "missing"
    root = realistic["root"] / "class"
    assert (root / "students" / "alice" / "answers.json").is_file()
    assert (root / "students" / "alice.key" / "answers.json").is_file()
    assert (root / "teacher" / "keys" / "alice.key" / "key.json").is_file()


def test_csv_neutralises_formulas_and_text_shows_no_control_characters(realistic):
    text = realistic["reports"]["text"]
    assert "\x1b" not in text and "\u202e" not in text
    assert "[2Kann: score 30/30" in text      # the forged line is shown, escaped
    assert not any(line.startswith("ann: score 30/30") for line in text.splitlines())
    for line in text.splitlines():
        assert line.isprintable(), repr(line)
    for row in csv.reader(io.StringIO(realistic["reports"]["csv"])):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    flags_cell = [r for r in csv.DictReader(io.StringIO(realistic["reports"]["csv"]))
                  if "HYPERLINK" in r["flags"]]
    assert flags_cell and "\x1b" not in flags_cell[0]["flags"]
    json_text = realistic["reports"]["json"]
    assert "\x1b" not in json_text and "\u202e" not in json_text


# --- the documented workflow and its edges ------------------------------------------------

@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    made = backprop("exercise", "--student", "ann", "--course", "c-1", "--out", root / "class")
    assert made.returncode == 0, made.stderr
    return root


def test_grading_without_keys_refuses_an_exercise_answer_file(small_class):
    answers = small_class / "class" / "students" / "ann" / "answers.json"
    result = backprop("grade", answers)
    assert result.returncode == 2
    assert "graded against the teacher's keys" in result.stderr and "--keys" in result.stderr
    doc = json.loads(answers.read_text("utf-8"))
    del doc["exercise"]
    doc["network"]["weights"] = [[[0.0 for _ in row] for row in W]
                                 for W in doc["network"]["weights"]]
    edited = small_class / "edited.json"
    edited.write_text(json.dumps(doc))
    result = backprop("grade", "--keys", small_class / "class", edited, "--roster",
                      _roster(small_class, "ann"))
    assert result.returncode == 1 and "edited.json" in result.stdout   # not ann's: unmatched
    (small_class / "back").mkdir(exist_ok=True)
    (small_class / "back" / "ann.json").write_text(json.dumps(doc))
    result = backprop("grade", "--keys", small_class / "class", small_class / "back",
                      "--format", "json")
    row = json.loads(result.stdout)["students"][0]
    assert row["status"] == "rejected" and "differs from ann's exercise" in row["reason"]


def _roster(root, *names):
    roster = root / "roster.txt"
    roster.write_text("\n".join(names) + "\n", encoding="utf-8")
    return roster


def test_the_documented_workflow_grades_against_the_keys():
    help_text = backprop("exercise", "--help").stdout + backprop("grade", "--help").stdout
    assert "grade --keys" in help_text
    for line in help_text.splitlines():
        if line.strip().startswith("backprop grade ") and ".json" not in line.split("#")[0]:
            assert "--keys" in line, line
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    teachers = readme.split("## For teachers", 1)[1].split("\n## ", 1)[0]
    for line in teachers.splitlines():
        if line.startswith("$ backprop grade") and "--network" not in line:
            assert "--keys" in line, line


def test_keys_grade_all_correct_exit_0(small_class):
    back = small_class / "all_right"
    back.mkdir()
    key = small_class / "class" / "teacher" / "keys" / "ann" / "key.json"
    (back / "ann.json").write_text(key.read_text("utf-8"))
    result = backprop("grade", "--keys", small_class / "class", back)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "= 100.0%" in result.stdout and "graded 1, missing 0, rejected 0" in result.stdout


@pytest.mark.parametrize("digits", [16, 17])
def test_digits_16_and_17_make_and_grade_without_a_traceback(tmp_path, digits):
    made = backprop("exercise", "--student", "ann", "--course", "c", "--digits", digits,
                    "--out", tmp_path / "class")
    assert made.returncode == 0, made.stderr
    key = tmp_path / "class" / "teacher" / "keys" / "ann" / "key.json"
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / "ann.json").write_text(key.read_text("utf-8"))
    result = backprop("grade", "--keys", tmp_path / "class", tmp_path / "back",
                      "--digits", digits)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    result = backprop("grade", "--keys", tmp_path / "class", tmp_path / "back", "--digits", 18)
    assert result.returncode == 2 and "from 1 to 17" in result.stderr


def test_out_never_writes_an_empty_report_while_saying_wrote(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    out = tmp_path / "report.csv"
    result = backprop("grade", bad, "--network", EXAMPLE["walkthrough"], "--format", "csv",
                      "--out", out)
    assert result.returncode == 2 and not out.exists() and "wrote" not in result.stderr


def test_a_bad_roster_reports_every_bad_line_in_one_run(small_class):
    roster = small_class / "bad_roster.txt"
    roster.write_text("ann\r\nb c\r\n\r\nann\r\n../x\r\nANN\r\n", encoding="utf-8")
    result = backprop("grade", "--keys", small_class / "class", small_class, "--roster", roster)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len([l for l in lines if "line " in l]) == 4, lines
    assert sum("appears twice" in l for l in lines) == 2   # "ann" and "ANN": one line each
    assert "Traceback" not in result.stderr


def test_a_huge_roster_is_refused_by_its_size_not_read_whole(small_class, tmp_path):
    stand_in = tmp_path / "zero"   # a sparse 8 GiB file: reading it whole would not end well
    with open(stand_in, "wb") as f:
        f.truncate(8 * 2**30)
    result = backprop("exercise", "--students", stand_in, "--out", tmp_path / "x")
    assert result.returncode == 2 and "larger than" in result.stderr
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr
    result = backprop("grade", "--keys", small_class / "class", small_class, "--roster",
                      stand_in)
    assert result.returncode == 2 and "larger than" in result.stderr


def test_a_huge_answer_file_is_rejected_by_its_size(small_class, tmp_path):
    back = tmp_path / "back"
    back.mkdir()
    with open(back / "ann.json", "wb") as f:
        f.truncate(8 * 2**30)
    result = backprop("grade", "--keys", small_class / "class", back, "--format", "json")
    row = json.loads(result.stdout)["students"][0]
    assert row["status"] == "rejected" and "larger than" in row["reason"]


def test_practice_grading_of_the_zero_init_hand_file(tmp_path):
    hand = json.loads((EXAMPLES_DIR / f"{EXAMPLE['zero_init_hand']}.json").read_text())
    hand["network"] = EXAMPLE["zero_init"]
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(hand))
    result = backprop("grade", path, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["checked_against_keys"] is False
    entries = report["students"][0]["entries"]
    update = [e for e in entries if e["quantity"] == "W_new" and e["layer"] == 2]
    assert update == [{"quantity": "W_new", "layer": 2, "row": 1, "col": 1, "sample": None,
                       "expected": pytest.approx(0.0625), "given": -0.125, "verdict": "wrong",
                       "diagnosis": "update_sign", "note": None,
                       "own": pytest.approx(0.125)}]
    text = backprop("grade", path).stdout
    assert text.startswith("Practice grading: NOT checked against a teacher's key")


def test_network_given_on_the_command_line_and_the_walkthrough_passes():
    result = backprop("grade", EXAMPLES_DIR / f"{EXAMPLE['walkthrough_hand']}.json",
                      "--network", EXAMPLE["walkthrough"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rounding" in result.stdout


@pytest.mark.parametrize("content, message", [
    ({"loss": 0.2}, "names no network"),
    ({"network": "no_such_net", "loss": 0.2}, "neither a file next to it nor an example"),
    ({"network": 3}, "must be a file name or a network object"),
    ("not json", "invalid JSON"),
    ("", "the file is empty; an answer file holds"),
    ("[" * 100000, "nested more than"),
    ('{"network": "lecture_2221", "loss": 1e999}', "beyond the float range"),
    ('{"network": "lecture_2221", "loss": NaN}', "every number must be finite"),
    ('{"network": "lecture_2221", "loss": "0.2034"}', "holds the string \"0.2034\""),
])
def test_bad_input_is_one_error_line_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    result = backprop("grade", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop: error: ") and message in lines[0]
    assert "Traceback" not in result.stderr


# --- attacking it as a student -------------------------------------------------------------

def _class_score(root, files):
    """Each student's score when ``files`` ({student: answer dict}) are handed in."""
    back = root / f"back{len(list(root.glob('back*')))}"
    back.mkdir()
    for student, document in files.items():
        (back / f"{student}.json").write_text(to_json(document), encoding="utf-8")
    result = backprop("grade", "--keys", root / "class", back, "--format", "json")
    return {s["student"]: s for s in json.loads(result.stdout)["students"]}


def test_no_edit_of_ones_own_file_raises_ones_grade(tmp_path):
    made = backprop("exercise", "--count", 2, "--course", "attack", "--out",
                    tmp_path / "class")
    assert made.returncode == 0
    from nn.explain.class_grade import read_manifest
    manifest = read_manifest(tmp_path / "class" / "teacher")
    student = "student01"
    ex = manifest.exercise(student)
    blank = json.loads((tmp_path / "class" / "students" / student / "answers.json")
                       .read_text("utf-8"))
    answers, _ = Student(ex, 4, "written", slip=("update_sign", 1)).work()
    honest = dict(blank, **answers)

    def attack(change):
        doc = json.loads(to_json(honest), parse_float=Decimal)
        change(doc)
        return doc

    other = json.loads((tmp_path / "class" / "students" / "student02" / "answers.json")
                       .read_text("utf-8"))
    attacks = {
        "digits 1": lambda d: d.update(digits=1),
        "min_digits 1": lambda d: d.update(min_digits=1, carried_forward_credit=1),
        "tolerances": lambda d: d.update(tolerances={"W_new": 1.0}, rtol=1),
        "no exercise": lambda d: d.pop("exercise"),
        "no network": lambda d: d.pop("network"),
        "other lr": lambda d: d.update(lr=Decimal(10)),
        "other m": lambda d: d.update(m=7),
        "claims student02": lambda d: d.update(student="student02"),
        "other's exercise id": lambda d: d.update(exercise=other["exercise"]),
        "drop the slipped entries": lambda d: d["layers"]["1"].pop("W_new"),
        "zero the slipped entries": lambda d: d["layers"]["1"].update(
            W_new=[[0 for _ in row] for row in d["layers"]["1"]["W_new"]]),
    }
    baseline = _class_score(tmp_path, {student: honest})[student]
    assert baseline["status"] == "graded" and 0.8 < baseline["score"] < 1
    for name, change in attacks.items():
        row = _class_score(tmp_path, {student: attack(change)})[student]
        assert row["score"] <= baseline["score"], name
        assert row["total"] == baseline["total"], name


def test_the_teachers_flags_override_the_manifest_and_are_named(realistic):
    root = realistic["root"]
    result = backprop("grade", "--keys", root / "class", root / "returned", "--format", "json",
                      "--carried-forward-credit", 0, "--tolerance", "dW=2e-3")
    report = json.loads(result.stdout)
    assert report["policy"]["carried_forward_credit"] == 0
    assert report["policy"]["tolerances"]["dW"] == 2e-3
    assert "--carried-forward-credit" in report["policy"]["source"]
    (student,) = [s for s, e in realistic["expect"].items() if e.get("relu_sign_slip")]
    row = [r for r in report["students"] if r["student"] == student][0]
    assert row["points"] == row["counts"]["correct"] < realistic["students"][student]["points"]
