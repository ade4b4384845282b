"""The Gradescope autograder, run as Gradescope runs it: the zip unpacked into a temporary
/autograder (source/, submission/, submission_metadata.json), run_autograder executed,
results.json checked against Gradescope's specification; identity from the metadata only.
setup.sh installs the zip's own wheel into a fresh virtual environment, offline."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, lms_row

from realistic_class import roster_ids

from nn.explain.marks import Marking
from nn.explain.mistakes import Where, advice
from nn.lms.gradescope import VISIBILITIES, build
from nn.lms.people import read_people

POINTS = 10.0


@pytest.fixture(scope="module")
def autograder(course, tmp_path_factory):
    """The zip built for the course with its LMS roster, out of 10 points."""
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    build(course["teacher"], out, read_people(course["roster"]), Marking(POINTS))
    return out


def metadata(email, name="A Student", **user):
    document = json.loads((FIXTURES / "gradescope_submission_metadata.json").read_text())
    document["users"] = [dict(document["users"][0], email=email, name=name, **user)]
    return document


def lay_out(autograder, root, files, meta):
    """/autograder as Gradescope lays it out for one submission."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):   # zipfile drops the mode bits
        (root / "source" / name).chmod(0o755)
    (root / "submission").mkdir()
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    (root / "submission_metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return root


def run_autograder(root, python_dir=None):
    """Execute source/run_autograder with root as /autograder (working directory too)."""
    env = dict(os.environ, BACKPROPLAB_AUTOGRADER_ROOT=str(root))
    env["PATH"] = f"{python_dir or Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def check_spec(results):
    """results.json as Gradescope's autograder specification describes it."""
    assert isinstance(results["score"], (int, float))
    assert 0 <= results["score"] <= POINTS
    assert isinstance(results.get("output", ""), str)
    assert results.get("visibility", "visible") in VISIBILITIES
    assert results.get("output_format", "text") in ("text", "html", "simple_format", "md",
                                                    "ansi")
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert {"score", "max_score", "name", "output", "visibility"} <= set(test)
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"] + 1e-9
        assert test["visibility"] in VISIBILITIES
        assert test.get("status", "passed") in ("passed", "failed")
    json.dumps(results, allow_nan=False)   # no NaN or infinity anywhere


def answer_file(course, student):
    for path in (course["returned"] / f"{student}.json", course["returned"] / student /
                 "answers.json", course["returned"] / f"{student}.answers.json"):
        if path.exists():
            return path.read_bytes()
    raise FileNotFoundError(student)


def test_the_zip_has_what_gradescope_needs_at_its_root(autograder, course):
    with zipfile.ZipFile(autograder) as archive:
        names = archive.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    assert "setup.sh" in names and "run_autograder" in names
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    wheels = [n for n in names if n.endswith(".whl")]
    assert len(wheels) == 1 and "/" not in wheels[0]
    # setup.sh installs the package and nothing else: one pip install, of the wheel only
    installs = [line for line in setup.splitlines() if "install" in line
                and not line.lstrip().startswith(("#", "echo"))]
    assert len(installs) == 1 and "--no-deps" in installs[0] and "--no-index" in installs[0]
    assert "apt" not in setup and "curl" not in setup and "wget" not in setup
    for student in roster_ids():
        assert f"class/teacher/keys/{student}/key.json" in names
    assert not any(n.startswith("class/students/") for n in names)   # keys only, no sheets


def test_building_twice_gives_the_same_bytes(course, tmp_path):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    people = read_people(course["roster"])
    build(course["teacher"], a, people, Marking(POINTS))
    build(course["teacher"], b, people, Marking(POINTS))
    assert a.read_bytes() == b.read_bytes()


def _graded_as(course, student, results):
    """results.json agrees with `backprop grade` on the same student's file."""
    reference = next(r for r in course["result"].results if r.student == student)
    assert results["score"] == pytest.approx(Marking(POINTS).mark(reference).earned,
                                             abs=1e-4)
    assert results["extra_data"]["student"] == student
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"],
                                                                      abs=1e-3)
    return reference


def test_a_careful_submission_gets_full_marks(autograder, course, tmp_path):
    row = lms_row("ann")
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, metadata(row["email"], "Ann Lee"))
    results = run_autograder(root)
    check_spec(results)
    _graded_as(course, "ann", results)
    assert results["score"] == POINTS
    assert all(t["status"] == "passed" for t in results["tests"])
    names = [t["name"] for t in results["tests"]]
    assert "δ^[l] (dZ)" in names and "W^[l] − α∂L/∂W^[l] (W_new)" in names


def test_each_slip_costs_its_quantity_and_is_named_in_that_test(autograder, course,
                                                               tmp_path):
    slips = {s: e["slip"] for s, e in course["expect"].items() if "slip" in e}
    for n, (student, (code, layer, slipped)) in enumerate(sorted(slips.items())[:4]):
        root = lay_out(autograder, tmp_path / f"ag{n}", {"mine.json": answer_file(
            course, student)}, metadata(lms_row(student)["email"]))
        results = run_autograder(root)
        check_spec(results)
        reference = _graded_as(course, student, results)
        failed = {t["name"].rsplit("(", 1)[1].rstrip(")") for t in results["tests"]
                  if t["status"] == "failed"}
        wrong = {e.quantity for e in reference.grade.entries if e.verdict == "wrong"}
        assert failed == wrong, student
        texts = " ".join(t["output"] for t in results["tests"] if t["status"] == "failed")
        first = next(e for e in reference.grade.entries if e.diagnosis == code)
        ex = course["manifest"].exercise(student)
        where = Where(first.quantity, first.layer, ex.activations[first.layer - 1]
                      if first.layer else None, ex.m, ex.lr, ex.loss, 3)
        assert advice(code, where) in texts, student
        assert "numbers earn their mark" in texts


def test_identity_comes_from_the_metadata_never_the_file(autograder, course, tmp_path):
    """ann's careful file, with "student": "ann", submitted by ben: graded as ben's, and
    rejected (it holds ann's network), never scored as ann."""
    document = json.loads(answer_file(course, "ann"))
    document["student"] = "ann"
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": json.dumps(
        document)}, metadata(lms_row("ben")["email"], "Ben Ode"))
    results = run_autograder(root)
    check_spec(results)
    assert results["extra_data"]["student"] == "ben"
    assert results["extra_data"]["status"] == "rejected" and results["score"] == 0
    # the autograder knows one student's key: the file is "not ben's", and names no one
    assert "differs from ben's exercise" in results["output"]
    assert "ann" not in results["output"]


def test_a_student_number_identifies_when_the_email_is_not_on_the_roster(autograder, course,
                                                                        tmp_path):
    row = lms_row("ann")
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, metadata("ann.personal@example.com", sid=row["sis user id"]))
    results = run_autograder(root)
    assert results["extra_data"]["student"] == "ann" and results["score"] == POINTS


@pytest.mark.parametrize("users, message", [
    ([{"email": "stranger@example.com", "id": 1, "name": "S"}], "not on the class roster"),
    ([], "names no student"),
    (None, "names no student"),
])
def test_an_unknown_submitter_gets_zero_and_a_reason(autograder, course, tmp_path, users,
                                                     message):
    meta = metadata("x@example.com")
    if users is None:
        meta.pop("users")
    else:
        meta["users"] = users
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, meta)
    results = run_autograder(root)
    check_spec(results)
    assert results["score"] == 0 and message in results["output"]


def test_a_group_submission_of_two_students_is_refused(autograder, course, tmp_path):
    meta = metadata(lms_row("ann")["email"])
    meta["users"].append({"email": lms_row("ben")["email"], "id": 5, "name": "Ben"})
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, meta)
    results = run_autograder(root)
    assert results["score"] == 0 and "individual" in results["output"]


@pytest.mark.parametrize("files, status, reason", [
    ({}, "missing", "no answer file"),
    ({"answers.pdf": b"%PDF-1.4\n"}, "rejected", "a PDF"),
    ({"a.json": "{}", "b.json": "{}"}, "rejected", "hand in one"),
    ({"answers.json": "[" * 100000}, "rejected", "not valid JSON"),
])
def test_unreadable_submissions_are_one_failing_test_with_the_reason(autograder, course,
                                                                     tmp_path, files,
                                                                     status, reason):
    root = lay_out(autograder, tmp_path / "autograder", files,
                   metadata(lms_row("cleo")["email"]))
    results = run_autograder(root)
    check_spec(results)
    assert results["extra_data"]["status"] == status and results["score"] == 0
    (test,) = results["tests"]
    assert reason in test["output"] and test["status"] == "failed"


def test_a_link_to_the_key_is_never_followed(autograder, course, tmp_path):
    """An upload whose answers.json links to the student's own key (beside it in
    /autograder/source) would grade all correct if followed: it is rejected."""
    root = lay_out(autograder, tmp_path / "autograder", {},
                   metadata(lms_row("ann")["email"]))
    key = root / "source" / "class" / "teacher" / "keys" / "ann" / "key.json"
    (root / "submission" / "answers.json").symlink_to(key)
    (root / "submission" / "sub").mkdir()
    (root / "submission" / "sub" / "k.json").symlink_to(key)
    results = run_autograder(root)
    check_spec(results)
    assert results["score"] == 0 and results["extra_data"]["status"] == "rejected"
    assert "holds a link" in results["tests"][0]["output"]


def test_hostile_strings_stay_text_in_the_results(autograder, course, tmp_path):
    document = json.loads(answer_file(course, "cleo"))
    document["exercise"] = "<script>x</script>\x1b**b**"
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": json.dumps(
        document)}, metadata(lms_row("cleo")["email"]))
    results = run_autograder(root)
    assert "<script>" not in results["output"] and "\x1b" not in results["output"]
    assert "\\<script\\>" in results["output"] and "\\*\\*b\\*\\*" in results["output"]


def test_setup_sh_installs_the_wheel_and_run_autograder_runs_from_it(autograder, course,
                                                                    tmp_path):
    """A fresh virtual environment stands in for Gradescope's image: setup.sh installs the
    zip's wheel offline, with no dependency, and the autograder grades from that copy
    (not from this checkout)."""
    venv = tmp_path / "image"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                          text=True, timeout=300)
    if made.returncode != 0:
        pytest.skip(f"cannot make a virtual environment here: {made.stderr.strip()[:200]}")
    bin_dir = venv / "bin"
    row = lms_row("ann")
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, metadata(row["email"]))
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env,
                           capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr
    installed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list",
                                "--format=json"], capture_output=True, text=True, env=env)
    names = {p["name"].lower() for p in json.loads(installed.stdout)}
    assert "backproplab" in names
    assert not names & {"graphviz", "pytest", "tqdm", "numpy"}   # nothing else
    where = subprocess.run([str(bin_dir / "python"), "-c", "import nn; print(nn.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert str(venv) in where.stdout
    results = run_autograder(root, python_dir=bin_dir)
    check_spec(results)
    assert results["score"] == POINTS and results["extra_data"]["student"] == "ann"


def test_the_command_builds_the_zip(course, tmp_path):
    out = tmp_path / "autograder.zip"
    done = subprocess.run([sys.executable, "-m", "nn", "gradescope", "build", "--keys",
                           course["class"], "--roster", course["roster"], "--points", "10",
                           "--weights", "delta=2", "--visibility", "after_published",
                           "--out", out], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["points"] == 10 and config["weights"] == {"dZ": 2.0}
    assert config["visibility"] == "after_published"
    assert len(config["people"]) == len(roster_ids())


def test_a_roster_student_without_an_exercise_is_refused(course, tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("ann\nnewcomer\n", encoding="utf-8")
    with pytest.raises(ValueError, match="newcomer"):
        build(course["teacher"], tmp_path / "a.zip", read_people(roster))
    assert not (tmp_path / "a.zip").exists()


def test_no_system_path_is_touched(autograder, course, tmp_path, monkeypatch):
    """run() writes under the root it is given only (here a temporary one)."""
    from nn.lms import gradescope
    root = lay_out(autograder, tmp_path / "autograder", {"answers.json": answer_file(
        course, "ann")}, metadata(lms_row("ann")["email"]))
    monkeypatch.setenv("BACKPROPLAB_AUTOGRADER_ROOT", str(root))
    assert gradescope.autograder_root() == str(root)
    document = gradescope.run()
    assert (root / "results" / "results.json").is_file() and document["score"] == POINTS
    shutil.rmtree(root)


def test_run_outside_an_autograder_is_one_line_naming_the_layout(tmp_path):
    # A teacher trying `gradescope run` by hand, with no unzipped autograder under the root.
    done = subprocess.run([sys.executable, "-m", "nn", "gradescope", "run"], cwd=tmp_path,
                          env=dict(os.environ, BACKPROPLAB_AUTOGRADER_ROOT=str(tmp_path)),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop: error: ")
    assert "holds no autograder" in lines[0] and "BACKPROPLAB_AUTOGRADER_ROOT" in lines[0]
    assert not (tmp_path / "results").exists()
