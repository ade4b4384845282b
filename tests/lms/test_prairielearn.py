"""The PrairieLearn question: its folder as PrairieLearn reads a v3 question, and server.py's
generate(), parse() and grade() called with PrairieLearn's data dict, as PrairieLearn calls
them; grading agrees with the class grader number by number."""

import html
import importlib.util
import json
import re
import subprocess
import sys
import uuid

import pytest

from hand_students import Student

from nn.explain.exercise import make_exercise
from nn.explain.grade import grade as class_grade
from nn.explain.marks import Marking, parse_weights
from nn.explain.mistakes import Where, advice
from nn.explain.policy import Policy
from nn.explain.quantities import ASKED, BY_NAME
from nn.lms.prairielearn import cell_name, settings_of, variant_exercise, write_question

CHOICES = {"sizes": None, "hidden": None, "loss": None, "m": None, "lr": None}
COURSE = "ml-2026-spring"


@pytest.fixture(scope="module")
def question(tmp_path_factory):
    """The question folder, and its server.py imported as PrairieLearn imports it."""
    out = tmp_path_factory.mktemp("questions") / "backprop1"
    write_question(out, settings_of(COURSE, CHOICES, Policy(), parse_weights("delta=2")))
    spec = importlib.util.spec_from_file_location("server", out / "server.py")
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    return out, server


def new_variant(seed):
    """The data dict PrairieLearn passes to generate()."""
    return {"params": {}, "correct_answers": {}, "variant_seed": seed, "options": {}}


def submission(params, seed, typed):
    """The data dict PrairieLearn passes to parse() and grade() after a submission."""
    return {"params": params, "correct_answers": {}, "variant_seed": seed, "options": {},
            "submitted_answers": dict(typed), "raw_submitted_answers": dict(typed),
            "format_errors": {}, "partial_scores": {}, "score": 0, "feedback": {}}


def cells(params):
    return [c["name"] for b in params["blocks"] for r in b["rows"] for c in r["cells"]]


def typed_answers(answers):
    """The answer file a simulated student wrote, as the strings typed into the cells."""
    typed = {}

    def walk(name, layer, value, index=()):
        if isinstance(value, list):
            for i, v in enumerate(value):
                walk(name, layer, v, index + (i,))
        elif value is not None:
            typed[cell_name(name, layer, index)] = str(value)
    by_key = BY_NAME
    for key, value in answers.items():
        if key == "layers":
            for l, entries in value.items():
                for k, v in entries.items():
                    walk(by_key[k].name, int(l), v)
        elif key in by_key:
            q = by_key[key]
            walk(q.name, None, value if q.axes else value, ())
    return typed


def render_mustache(template, context):
    """A small Mustache renderer (sections over lists/dicts/truthy values, {{.}}, escaped
    {{name}}), enough for question.html."""
    def lookup(stack, name):
        if name == ".":
            return stack[-1]
        for frame in reversed(stack):
            value = frame
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
                if value is None:
                    break
            if value is not None:
                return value
        return None

    def render(text, stack):
        def section(m):
            value = lookup(stack, m.group(1))
            if not value:
                return ""
            items = value if isinstance(value, list) else [value]
            return "".join(render(m.group(2), stack + [item]) for item in items)
        text = re.sub(r"\{\{#([\w.]+)\}\}(.*?)\{\{/\1\}\}", section, text, flags=re.S)
        return re.sub(r"\{\{([\w.]+|\.)\}\}",
                      lambda m: html.escape(str(lookup(stack, m.group(1)) or "")), text)
    return render(template, [context])


def test_the_folder_is_a_v3_question(question):
    out, _ = question
    info = json.loads((out / "info.json").read_text())
    assert info["type"] == "v3" and str(uuid.UUID(info["uuid"])) == info["uuid"]
    assert info["title"] and info["topic"] and isinstance(info["tags"], list)
    assert {p.name for p in out.iterdir()} == {"info.json", "question.html", "server.py"}


def test_writing_it_again_keeps_its_uuid(question, tmp_path):
    out = tmp_path / "q"
    write_question(out, settings_of(COURSE, CHOICES))
    first = json.loads((out / "info.json").read_text())["uuid"]
    write_question(out, settings_of(COURSE, CHOICES))
    assert json.loads((out / "info.json").read_text())["uuid"] == first
    other = tmp_path / "other"
    write_question(other, settings_of(COURSE, CHOICES))
    assert json.loads((other / "info.json").read_text())["uuid"] != first


def test_generate_draws_the_variant_network_through_the_package(question):
    _, server = question
    data = new_variant(4242)
    server.generate(data)
    ex = make_exercise("variant-4242", course=COURSE)
    assert data["params"]["exercise"] == ex.exercise_id
    shown = [c for item in data["params"]["given"] if "table" in item
             for row in item["table"]["rows"] for c in row["cells"]]
    assert shown[:len(ex.weights[0][0])] == [f"{w:g}" for w in ex.weights[0][0]]
    assert len(cells(data["params"])) == ex.work()             # one cell per asked number
    assert len(set(cells(data["params"]))) == ex.work()
    again = new_variant(4242)
    server.generate(again)
    assert again["params"] == data["params"]                    # same seed, same variant
    other = new_variant(4243)
    server.generate(other)
    assert other["params"]["exercise"] != data["params"]["exercise"]
    assert data["correct_answers"] == {}                        # no key shipped to the page


def test_question_html_renders_one_input_per_cell_and_escapes_text(question):
    out, server = question
    data = new_variant(77)
    server.generate(data)
    page = render_mustache((out / "question.html").read_text(), {"params": data["params"],
                                                                "feedback": {}})
    names = re.findall(r'<pl-string-input answers-name="([^"]+)"', page)
    assert names == cells(data["params"])
    assert "{{" not in page
    assert "One step of gradient descent on a " in page and "Rounding" in page


@pytest.mark.parametrize("seed", [11, 12, "3f2a-seed"])
def test_careful_work_scores_one(question, seed):
    _, server = question
    data = new_variant(seed)
    server.generate(data)
    ex = variant_exercise(data, server.SETTINGS)
    assert ex.student.startswith("variant-")
    answers, _ = Student(ex, 4, "written").work()
    typed = typed_answers(answers)
    assert set(typed) == set(cells(data["params"]))
    graded = submission(data["params"], seed, typed)
    server.parse(graded)
    assert graded["format_errors"] == {}
    server.grade(graded)
    assert graded["score"] == 1.0
    assert all(p["score"] == 1 for p in graded["partial_scores"].values())


def test_a_slip_is_graded_as_the_class_grader_grades_it(question):
    _, server = question
    seed = 31
    data = new_variant(seed)
    server.generate(data)
    ex = make_exercise(f"variant-{seed}", course=COURSE)
    layer = len(ex.sizes) - 1
    answers, slipped = Student(ex, 4, "written", slip=("error_sign", layer)).work()
    assert slipped
    graded = submission(data["params"], seed, typed_answers(answers))
    server.parse(graded)
    server.grade(graded)
    reference = class_grade(ex.derivation(), answers, Policy(), ASKED)
    mark = Marking(1.0, parse_weights("delta=2")).of_grade(reference)
    assert 0 <= graded["score"] <= 1 and graded["score"] == pytest.approx(mark.fraction)
    credit = {"correct": 1.0, "carried_forward": 1.0}
    for e in reference.entries:
        index = tuple(getattr(e, a) - 1 for a in BY_NAME[e.quantity].axes)
        partial = graded["partial_scores"][cell_name(e.quantity, e.layer, index)]
        assert partial["score"] == credit.get(e.verdict, 0.0)
        assert partial["feedback"] == e.verdict.replace("_", " ")
        assert 0 <= partial["score"] <= 1 and partial["weight"] > 0
    # PrairieLearn's weighted average of the partial scores is the score
    total = sum(p["weight"] for p in graded["partial_scores"].values())
    weighted = sum(p["score"] * p["weight"] for p in graded["partial_scores"].values())
    assert weighted / total == pytest.approx(graded["score"])
    first = next(e for e in reference.entries if e.diagnosis == "error_sign")
    expected = advice("error_sign", Where(first.quantity, first.layer, ex.activations[
        first.layer - 1], ex.m, ex.lr, ex.loss, 3))
    assert graded["feedback"]["advice"] == [expected]
    assert any(row["verdict"] == "wrong" for row in graded["feedback"]["entries"])


@pytest.mark.parametrize("typed, message", [
    ("0,25", "decimal point"), (".25", "0 before the point"), ("+0.25", "+ sign"),
    ("abc", "not a number"), ("1e", "not a number"), ("<script>", "not a number"),
    ("0.2" * 5000, "not a number")])
def test_parse_names_a_badly_written_number(question, typed, message):
    _, server = question
    data = new_variant(5)
    server.generate(data)
    name = cells(data["params"])[0]
    graded = submission(data["params"], 5, {name: typed})
    server.parse(graded)
    assert message in graded["format_errors"][name]
    assert set(graded["format_errors"]) == {name}


def test_blanks_and_the_worksheets_minus_sign_are_accepted(question):
    _, server = question
    data = new_variant(5)
    server.generate(data)
    names = cells(data["params"])
    graded = submission(data["params"], 5, {names[0]: "\u22120.5", names[1]: "  "})
    server.parse(graded)
    assert graded["format_errors"] == {}
    server.grade(graded)
    assert graded["partial_scores"][names[1]]["feedback"] == "missing"
    assert 0 <= graded["score"] < 0.05


def test_the_command_writes_the_question_and_can_copy_the_package(tmp_path):
    done = subprocess.run([sys.executable, "-m", "nn", "prairielearn", "question", "--course",
                           COURSE, "--sizes", "2-2-1", "--loss", "bce", "--digits", "3",
                           "--out", tmp_path / "q", "--server-files", tmp_path / "sfc"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    server = (tmp_path / "q" / "server.py").read_text()
    assert "'sizes': [2, 2, 1]" in server and "'digits': 3" in server
    assert (tmp_path / "sfc" / "nn" / "lms" / "prairielearn.py").is_file()
    assert (tmp_path / "sfc" / "autograd" / "value.py").is_file()
    # server.py runs on the copy alone (as PrairieLearn's serverFilesCourse on sys.path)
    probe = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location("
             f"'server', {str(tmp_path / 'q' / 'server.py')!r}); m = importlib.util."
             "module_from_spec(spec); spec.loader.exec_module(m); d = {'params': {}, "
             "'correct_answers': {}, 'variant_seed': 9, 'options': {}}; m.generate(d); "
             "import nn; print(nn.__file__, len(d['params']['blocks']))")
    ran = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                         cwd=tmp_path / "sfc", timeout=300,
                         env={"PYTHONPATH": str(tmp_path / "sfc"), "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stderr
    assert str(tmp_path / "sfc") in ran.stdout
