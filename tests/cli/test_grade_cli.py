"""``backprop exercise`` and ``backprop grade`` end to end, in subprocesses (the real command).

A class of 30 gets exercises; answer files are filled in from each student's
key, some with a planted update-sign slip (θ + α∇ instead of θ − α∇, computed
here from the key's ∂L/∂θ); the class is graded into one CSV.
"""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "nn" / "examples"
EXAMPLE = {"walkthrough": "lecture_2221", "walkthrough_hand": "lecture_2221_hand",
           "zero_init": "zero_init_111", "zero_init_hand": "zero_init_111_hand"}
"""The example files this module reads (the one place their names appear)."""


def backprop(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def sig4(x):
    return float(f"{x:.4g}")


def rounded(form):
    """An answer file as a careful student writes it: the key to 4 significant digits."""
    if isinstance(form, dict):
        return {k: v if k in ("network", "lr") else rounded(v) for k, v in form.items()}
    if isinstance(form, list):
        return [rounded(v) for v in form]
    return sig4(form) if isinstance(form, float) else form


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    made = backprop("exercise", "--count", 30, "--out", out)
    assert made.returncode == 0, made.stderr
    slipped = set()
    for n in range(1, 31):
        student = f"student{n:02d}"
        key = json.loads((out / f"{student}.key.json").read_text())
        answer = rounded(key)
        if n % 3 == 0:   # every third student adds the step, W + α ∂L/∂W, where it is largest
            network = key["network"]
            steps = [(abs(dw), l, j, k) for l, layer in key["layers"].items()
                     for j, row in enumerate(layer["dL_dW"]) for k, dw in enumerate(row)]
            _, l, j, k = max(steps)
            w = network["weights"][int(l) - 1][j][k]
            dw = key["layers"][l]["dL_dW"][j][k]
            answer["layers"][l]["W_new"][j][k] = sig4(w + network["lr"] * dw)
            slipped.add(student)
        (out / f"{student}.mine.json").write_text(json.dumps(answer))
    report = out / "class.csv"
    result = backprop("grade", *sorted(out.glob("*.mine.json")), "--format", "csv",
                      "--out", report, "--keys", out)
    return result, report, slipped


def test_a_class_of_30_is_graded_into_one_csv_naming_each_slip(graded_class):
    result, report, slipped = graded_class
    assert result.returncode == 1, result.stderr   # some entries are not correct
    rows = list(csv.DictReader(io.StringIO(report.read_text())))
    assert len(rows) == 30 and len({r["student"] for r in rows}) == 30
    assert len({r["exercise"] for r in rows}) == 30
    for row in rows:
        if row["student"] in slipped:
            assert row["update_sign"] == "1" and row["wrong"] == "1"
            assert float(row["score"]) == pytest.approx(1 - 1 / int(row["total"]), abs=1e-4)
            assert float(row["score_W_new"]) < 1
        else:
            assert row["update_sign"] == "0" and float(row["score"]) == 1
            assert row["wrong"] == row["carried_forward"] == row["missing"] == "0"


def test_keys_grade_all_correct_exit_0(tmp_path):
    assert backprop("exercise", "--students", _roster(tmp_path, "ann", "bo"), "--out",
                    tmp_path).returncode == 0
    result = backprop("grade", tmp_path / "ann.key.json", tmp_path / "bo.key.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("= 100.0%") == 2


def _roster(tmp_path, *names):
    roster = tmp_path / "roster.txt"
    roster.write_text("# my class\n" + "\n".join(names) + "\n\n")
    return roster


def test_keys_refuse_an_answer_file_whose_network_was_edited(tmp_path):
    backprop("exercise", "--student", "ann", "--out", tmp_path)
    answers = json.loads((tmp_path / "ann.answers.json").read_text())
    answers["network"]["inputs"][0][0] += 0.1
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(answers))
    result = backprop("grade", edited, "--keys", tmp_path)
    assert result.returncode == 2 and "differs from the one in" in result.stderr
    assert backprop("grade", tmp_path / "ann.answers.json", "--keys",
                    tmp_path).returncode == 1   # unedited: graded (all missing)


def test_the_blank_answer_file_scores_zero_exit_1(tmp_path):
    backprop("exercise", "--student", "ann", "--out", tmp_path)
    result = backprop("grade", tmp_path / "ann.answers.json", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    submission = report["submissions"][0]
    assert submission["score"] == 0 and submission["counts"]["missing"] == submission["total"]


def test_json_report_entries_are_1_based_with_verdict_and_diagnosis(tmp_path):
    hand = json.loads((EXAMPLES_DIR / f"{EXAMPLE['zero_init_hand']}.json").read_text())
    hand["network"] = EXAMPLE["zero_init"]
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(hand))
    result = backprop("grade", path, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert set(report["tolerances"]["rtol"]) >= {"W_new", "dW", "loss"}
    entries = report["submissions"][0]["entries"]
    update = [e for e in entries if e["quantity"] == "W_new" and e["layer"] == 2]
    assert update == [{"quantity": "W_new", "layer": 2, "row": 1, "col": 1, "sample": None,
                       "expected": pytest.approx(0.0625), "given": -0.125, "verdict": "wrong",
                       "diagnosis": "update_sign", "note": None,
                       "own": pytest.approx(0.125)}]


def test_network_given_on_the_command_line_and_the_walkthrough_passes(tmp_path):
    result = backprop("grade", EXAMPLES_DIR / f"{EXAMPLE['walkthrough_hand']}.json",
                      "--network", EXAMPLE["walkthrough"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rounding" in result.stdout


@pytest.mark.parametrize("content, message", [
    ({"loss": 0.2}, "names no network"),
    ({"network": "no_such_net", "loss": 0.2}, "neither a file next to it nor an example"),
    ({"network": 3}, "must be a file name or a network object"),
    ("not json", "invalid JSON"),
    ("[" * 100000, "nested more than"),
    ('{"network": "lecture_2221", "loss": 1e999}', "beyond the float range"),
    ('{"network": "lecture_2221", "loss": NaN}', "every number must be finite"),
])
def test_bad_input_is_one_error_line_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    result = backprop("grade", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop: error: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_an_empty_submission_never_passes(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"network": EXAMPLE["walkthrough"]}))
    result = backprop("grade", path)
    assert result.returncode == 1
    assert "score 0/0" in result.stdout


def test_explain_check_refuses_an_empty_hand_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("{}")
    result = backprop("explain", "--network", EXAMPLE["walkthrough"], "--check", path)
    assert result.returncode == 2
    assert "no number to check" in result.stderr and "agree" not in result.stdout
