"""``backprop check-answers``: every format problem and blank named with its place, and no key
value or verdict revealed (a file's report depends on its format, never on its numbers)."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from graded_class import graded_class

from hand_students import Student
from realistic_class import to_json

from nn.explain.answer_check import check_answer_file
from nn.explain.typed_numbers import read_number
from nn.explain.quantities import ASKED, asked, at, element_indices, key_value, shape


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return graded_class(tmp_path_factory.mktemp("check-course"))


def blank(course, student):
    return json.loads((course["class"] / "students" / student / "answers.json").read_text(
        encoding="utf-8"))


def filled(course, student, **kwargs):
    ex = course["manifest"].exercise(student)
    answers, _ = Student(ex, 4, "written", **kwargs).work()
    document = blank(course, student)
    for key, value in answers.items():
        document[key] = value
    return document


def write(tmp_path, document, name="answers.json"):
    path = tmp_path / name
    path.write_text(to_json(document) if not isinstance(document, str) else document,
                    encoding="utf-8")
    return path


def check(path, *args):
    return subprocess.run([sys.executable, "-m", "nn", "check-answers", str(path), *args],
                          capture_output=True, text=True, timeout=300)


def key_numbers(course, student):
    """The key's values as a reader would spot them: 3 to 6 significant digits."""
    d = course["manifest"].exercise(student).derivation()
    shown = set()
    for q, l in asked(d, ASKED):
        for index in element_indices(shape(d, q, l)):
            x = at(key_value(d, q, l), index)
            if x != int(x):
                shown |= {f"{x:.{n}g}" for n in (3, 4, 5, 6)}
    return {s for s in shown if len(s.lstrip("-")) >= 4}


def test_a_careful_file_is_ready(course, tmp_path):
    done = check(write(tmp_path, filled(course, "ann")))
    assert done.returncode == 0, done.stdout
    assert "ready to hand in (this checks the format only, not the numbers)" in done.stdout


def test_the_blank_file_lists_every_blank_and_no_key_value(course, tmp_path):
    done = check(write(tmp_path, blank(course, "ann")))
    assert done.returncode == 1
    total = course["manifest"].exercise("ann").work()
    assert f"0 of {total} numbers filled in; {total} number(s) to fill in" in done.stdout
    assert done.stdout.count("BLANK ") == len(asked(course["manifest"].exercise(
        "ann").derivation(), ASKED))
    assert not [k for k in key_numbers(course, "ann") if k in done.stdout]


def test_no_key_value_and_no_verdict_in_a_wrong_files_report(course, tmp_path):
    """A file with slips, blanks and a format error: its report shows no key value, and
    equals the report of the same file with every number changed (no oracle)."""
    document = filled(course, "ben", slip=("update_sign", 1))
    document["layers"]["1"]["Z"][0][0] = None
    document["layers"]["2"]["dW"] = [[1.5, 2.5]]   # may be a wrong shape
    report = check(write(tmp_path, document)).stdout
    assert not [k for k in key_numbers(course, "ben") if k in report]
    words = report.replace(str(tmp_path), "FILE").lower()
    for word in ("correct", "wrong", "carried", "diagnos", "mistake", "expected", "key"):
        assert word not in words, word

    def shift(x):
        if isinstance(x, list):
            return [shift(v) for v in x]
        if isinstance(x, Decimal):   # same digits, other value
            return Decimal(str(x).replace("1", "7").replace("2", "8").replace("3", "9"))
        return x
    other = dict(document, layers={l: {k: shift(v) for k, v in e.items()}
                                   for l, e in document["layers"].items()})
    assert other["layers"] != document["layers"]
    assert check(write(tmp_path, other, "other.json")).stdout.replace("other.json",
                                                                      "answers.json") == report


@pytest.mark.parametrize("change, where, message", [
    (lambda d: d["layers"]["1"].__setitem__("Z", "0.5"), '"layers" → "1" → "Z"',
     "without quotes"),
    (lambda d: d["layers"]["1"].__setitem__("delta_typo", [[1]]), '"layers" → "1" → '
     '"delta_typo"', "unknown key"),
    (lambda d: d.__setitem__("lr", 9), "header", "lr = 9"),
    (lambda d: d.pop("network"), '"network"', "missing"),
    (lambda d: d["network"].__setitem__("weights", "none"), '"network"', "no longer a network"),
    (lambda d: d.__setitem__("layers", []), '"layers"', "one entry per layer"),
])
def test_each_problem_is_named_with_its_place(course, tmp_path, change, where, message):
    document = filled(course, "cleo")
    change(document)
    done = check(write(tmp_path, document))
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if line.startswith("ERROR ")]
    assert any(where in line and message in line for line in lines), done.stdout
    assert "Traceback" not in done.stderr


def test_a_transposed_matrix_is_an_error_not_blanks(course, tmp_path):
    student = next(s for s in course["manifest"].students
                   if 1 < course["manifest"].exercise(s).sizes[0]
                   != course["manifest"].exercise(s).sizes[1] > 1)
    ex = course["manifest"].exercise(student)
    document = filled(course, student)
    W = document["layers"]["1"]["W_new"]
    document["layers"]["1"]["W_new"] = [list(col) for col in zip(*W)]
    out = check(write(tmp_path, document)).stdout
    assert "written transposed" in out and "BLANK" not in out
    assert f"{ex.work() - len(W) * len(W[0])} of {ex.work()} numbers filled in" in out


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"), (b"%PDF-1.4\n", "a PDF"), (b"{\"a\": 1,}", "not valid JSON"),
    (b"[1, 2]", "JSON list"), (b"\xff\xfe\x00", "not a text file"),
    (b"[" * 200000, "not valid JSON")])
def test_files_the_grader_would_reject_are_one_error(tmp_path, content, message):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    result = check_answer_file(path)
    assert not result.ready and message in result.problems[0].message
    done = check(path)
    assert done.returncode == 1 and message in done.stdout and "Traceback" not in done.stderr


def test_short_numbers_get_a_note_not_an_error(course, tmp_path):
    document = filled(course, "ben")
    document["loss"] = Decimal("0.3")
    out = check(write(tmp_path, document)).stdout
    assert 'NOTE "loss" (L)' in out and "2" not in out.split("NOTE")[1].split(":")[0]
    assert "ready to hand in" in out


def test_a_missing_file_is_a_command_error(tmp_path):
    done = check(tmp_path / "nope.json")
    assert done.returncode == 2 and "no such file" in done.stderr


@pytest.mark.parametrize("text, value", [
    ("0.5000", Decimal("0.5000")), ("-1.25e-3", Decimal("-1.25e-3")), ("\u22120.5",
                                                                       Decimal("-0.5")),
    ("  7 ", Decimal("7")), ("", None), ("   ", None)])
def test_read_number_keeps_the_digits_typed(text, value):
    got = read_number(text)
    assert got == value and (value is None or str(got) == str(value))


@pytest.mark.parametrize("text", ["0,5", ".5", "+1", "1.", "1e", "NaN", "Infinity", "0x10",
                                  "1 2", "--1", "١٢"])
def test_read_number_refuses_what_json_would_not_read(text):
    with pytest.raises(ValueError):
        read_number(text)
