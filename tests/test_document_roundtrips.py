"""One document format: every file the tool writes it reads back, and every one fits the
JSON Schema the package publishes (nn/backproplab.schema.json, checked with the
`jsonschema` package, which the library itself never needs)."""

import json
import shutil

import pytest

from nn.cli.main import main
from nn.explain import explain_step
from nn.explain.class_grade import grade_class
from nn.explain.grade_report import REPORTS, ReportError, from_json, to_json
from nn.explain.network_file import load_network
from nn.layers import MLP
from nn.schema import V1_NAMES, VERSION, json_schema
from nn.serialize import load_mlp, save

jsonschema = pytest.importorskip("jsonschema", reason="the test extra installs jsonschema")

EXAMPLES = "nn/examples"


def valid(document):
    """``document`` when it fits the published schema (else the validator's error)."""
    jsonschema.Draft202012Validator(json_schema()).validate(document)
    return document


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_schema_is_shipped_and_itself_valid():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["version"]["const"] == VERSION


# --- train --save -> explain --network ------------------------------------------------------

def test_a_model_saved_by_train_is_a_network_explain_reads(tmp_path, capsys):
    model = tmp_path / "model.json"
    status, _, _ = run(capsys, "train", "--dataset", "xor", "--samples", "8", "--hidden", "3",
                       "--epochs", "1", "--no-plots", "--quiet", "--engine", "scalar",
                       "--save", model)
    assert status == 0
    saved = valid(json.loads(model.read_text()))
    assert saved["kind"] == "network" and saved["network"]["loss"] == "bce_with_logits"
    status, out, err = run(capsys, "explain", "--network", model)
    assert status == 0, err
    assert out.startswith(f"Network: {model}\nStep 1: network 2-3-1, 1 sample, "
                          f"loss bce_with_logits")
    assert load_mlp(model).weights() == saved["network"]["weights"]


def test_a_model_saved_from_python_without_data_says_what_explain_needs(tmp_path, capsys):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    valid(json.loads(path.read_text()))
    status, _, err = run(capsys, "explain", "--network", path)
    assert status == 2 and err.count("\n") == 1
    assert "missing key 'inputs'" in err and "a saved model holds no sample" in err
    save(MLP(2, [3, 1], seed=0), path, loss="bce_with_logits", inputs=[0.5, 1.0], targets=1)
    assert run(capsys, "explain", "--network", path)[0] == 0


# --- explain --format json -> explain --check and grade -------------------------------------

@pytest.mark.parametrize("network", ["lecture_2221", "saturated_111"])
def test_explain_json_is_checked_and_graded_as_it_is_with_the_same_count(tmp_path, capsys,
                                                                         network):
    derivation = tmp_path / "d.json"
    status, out, _ = run(capsys, "explain", "--network", network, "--format", "json")
    derivation.write_text(out)
    valid(json.loads(out))
    # The file holds its own network: no --network needed to check or grade it.
    status, checked, err = run(capsys, "explain", "--check", derivation)
    assert status == 0, err
    count = int(checked.split("All ")[1].split(" ")[0])
    status, graded, err = run(capsys, "grade", derivation, "--format", "json")
    assert status == 0, err
    [student] = json.loads(graded)["students"]
    assert student["status"] == "graded" and student["total"] == count
    assert {e["quantity"] for e in student["entries"]} <= set(
        json.loads(out)["layers"]["1"]) | {"Y_hat", "losses", "loss", "probabilities"}


def test_several_steps_are_one_list_each_checked_against_its_own_network(tmp_path, capsys):
    path = tmp_path / "steps.json"
    status, out, _ = run(capsys, "explain", "--steps", "2", "--format", "json")
    path.write_text(out)
    steps = valid(json.loads(out))
    assert [d["step"] for d in steps] == [1, 2]
    # step 2 starts from step 1's update
    assert steps[1]["network"]["weights"] == [layer["W_new"] for _, layer
                                              in sorted(steps[0]["layers"].items())]
    status, checked, _ = run(capsys, "explain", "--check", path)
    assert status == 0 and "step 2: All 68" in checked


def version_1_derivation(example, path):
    """Write the derivation of the example network as version 1 wrote it (no kind, no
    network: its tables state it; delta, dL_dW, … for dZ, dW, …) to ``path``."""
    model, X, Y, loss, lr = load_network(f"{EXAMPLES}/{example}.json")
    current = explain_step(model, X, Y, loss=loss, lr=lr).to_dict()
    old_names = {new: old for old, new in V1_NAMES.items()}
    old = {k: v for k, v in current.items() if k not in ("kind", "network", "layers")}
    old.update(format="backproplab-derivation", version=1,
               layers={l: {old_names.get(k, k): v for k, v in entries.items()}
                       for l, entries in current["layers"].items()})
    path.write_text(json.dumps(old))
    return path


def test_a_version_1_derivation_still_checks_and_grades(tmp_path, capsys):
    path = version_1_derivation("lecture_2221", tmp_path / "old.json")
    status, checked, err = run(capsys, "explain", "--check", path)
    assert status == 0 and "All 68" in checked, err
    # Its tables state its network: grade needs no --network.
    status, graded, err = run(capsys, "grade", path)
    assert status == 0 and "score 68/68" in graded, err


@pytest.mark.parametrize("command", [("explain", "--check"), ("explain", "--network"),
                                     ("grade",)])
def test_a_newer_version_is_refused_in_one_line(tmp_path, capsys, command):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"format": "backproplab", "version": VERSION + 1,
                                "kind": "derivation", "loss": 0.2}))
    status, _, err = run(capsys, *command, path)
    assert status == 2 and err.count("\n") == 1
    assert f"is a version {VERSION + 1} document, newer than this backproplab reads" in err


# --- exercise answers and keys -> grade, grade --format json -> read back -------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("roundtrip")
    assert main(["exercise", "--count", "3", "--course", "roundtrip", "--formulas",
                 "--out", str(root / "class")]) == 0
    returned = root / "returned"
    returned.mkdir()
    # student01 hands in their key, student02 the blank sheet, student03 nothing
    shutil.copy(root / "class" / "teacher" / "keys" / "student01" / "key.json",
                returned / "student01.json")
    shutil.copy(root / "class" / "students" / "student02" / "answers.json",
                returned / "student02.json")
    return root, grade_class(root / "class" / "teacher", [returned])


def test_answer_files_and_keys_fit_the_schema_and_a_key_grades_all_correct(graded):
    root, result = graded
    for student in ("student01", "student02", "student03"):
        answers = valid(json.loads((root / "class" / "students" / student /
                                    "answers.json").read_text()))
        key = valid(json.loads((root / "class" / "teacher" / "keys" / student /
                                "key.json").read_text()))
        assert (answers["kind"], key["kind"]) == ("answers", "key")
        assert answers["network"] == key["network"]
    first, blank, missing = result.results
    assert first.all_correct and first.grade.total == first.numbers
    assert blank.status == "graded" and blank.counts()["missing"] == blank.numbers
    assert missing.status == "missing"


def test_a_grade_report_reads_back_to_the_same_reports(graded, tmp_path, capsys):
    root, result = graded
    text = to_json(result)
    valid(json.loads(text))
    again = from_json(text)
    assert to_json(again) == text
    for name, render in REPORTS.items():
        assert render(again) == render(result), name
    # ... and from the file the command writes
    out = tmp_path / "grades.json"
    status, _, _ = run(capsys, "grade", "--keys", root / "class", root / "returned",
                       "--format", "json", "--out", out)
    assert status == 1   # the blank and the missing sheet
    assert to_json(from_json(out.read_text(), str(out))) == out.read_text()


def test_a_grade_report_of_another_kind_or_version_is_refused():
    with pytest.raises(ReportError, match="is a derivation document, not a grades report"):
        from_json(json.dumps({"format": "backproplab", "version": VERSION,
                              "kind": "derivation"}))
    with pytest.raises(ReportError, match="newer than this backproplab reads"):
        from_json(json.dumps({"format": "backproplab-grades", "version": 3}))


def test_a_document_of_another_network_is_checked_explained_and_drawn_as_its_own(tmp_path,
                                                                                  capsys):
    # Without --network, a derivation that holds its network is checked against it, and the
    # page, the pictures and every message are of that network, not the default one.
    path, page = tmp_path / "sat.json", tmp_path / "page.html"
    path.write_text(run(capsys, "explain", "--network", "saturated_111", "--format", "json")[1])
    status, checked, err = run(capsys, "explain", "--check", path, "--html", page)
    assert status == 0 and "All 23 hand-derived entries agree" in checked, err
    assert f"<title>{path}: loss squared_error" in page.read_text()
    status, _, err = run(capsys, "explain", "--check", path, "--loss", "bce_with_logits")
    assert status == 2 and str(path) in err and "lecture_2221" not in err


def test_a_version_1_derivation_of_another_network_checks_against_its_own_tables(tmp_path,
                                                                                  capsys):
    path = version_1_derivation("saturated_111", tmp_path / "old.json")
    status, checked, err = run(capsys, "explain", "--check", path)
    assert status == 0 and "All 23" in checked, err
    status, graded, err = run(capsys, "grade", path)
    assert status == 0 and "score 23/23" in graded, err


def test_a_later_step_is_graded_as_explain_check_reads_it(tmp_path, capsys):
    # Step 2 of `explain --steps 2` holds the network step 2 starts from: grade takes it so.
    steps = json.loads(run(capsys, "explain", "--steps", "2", "--format", "json")[1])
    path = tmp_path / "step2.json"
    path.write_text(json.dumps(steps[1]))
    status, checked, err = run(capsys, "explain", "--check", path)
    assert status == 0 and "step 2: All 68" in checked, err
    status, graded, err = run(capsys, "grade", path)
    assert status == 0 and "score 68/68" in graded, err
