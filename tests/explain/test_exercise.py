"""Per-student exercises: reproducible, different per student, pleasant by hand, complete."""

import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from importlib.metadata import version

import pytest

from autograd.files import TEMP_MARKER
from nn.losses import LOSSES
from nn.explain.exercise import (HIDDEN, LOSSES_DRAWN, SIZES, WORK_BAND, make_exercise,
                                 student_seed)
from nn.explain.grade import grade
from nn.explain.manifest import Manifest
from nn.explain.policy import Policy
from nn.explain.quantities import ASKED, BY_NAME, QUANTITIES, asked, element_indices, shape
from nn.explain.roster import RosterError, check_student_id, read_roster
from nn.explain.worksheet import to_html, to_latex, to_markdown


def backprop(*args, env=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


def test_same_student_same_exercise_in_another_process_with_another_hash_seed(tmp_path):
    # Python's hash() of a str changes with PYTHONHASHSEED; the exercise must not.
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = tmp_path / hash_seed
        assert backprop("exercise", "--student", "alice", "--course", "c", "--out", out,
                        env=env).returncode == 0
    assert _tree(tmp_path / "1") == _tree(tmp_path / "2")
    key = json.loads((tmp_path / "1" / "teacher" / "keys" / "alice" / "key.json").read_text())
    assert key["network"] == make_exercise("alice", course="c").network()


def _tree(root):
    """{relative path: bytes} of every file under ``root``."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_students_get_different_variants_and_the_course_seed_matters():
    networks = [json.dumps(make_exercise(f"s{n}").network(), sort_keys=True)
                for n in range(30)]
    assert len(set(networks)) == 30
    assert make_exercise("s1").network() != make_exercise("s1", course="other").network()
    assert student_seed("c", "ab") != student_seed("ca", "b")   # the separator matters


def _decimals(x):
    return abs(x * 10 - round(x * 10)) < 1e-9


@pytest.mark.parametrize("student", [f"p{n}" for n in range(40)])
def test_numbers_are_pleasant_and_the_exercise_is_well_posed(student):
    ex = make_exercise(student)
    assert ex.sizes in SIZES and ex.loss in LOSSES_DRAWN
    assert set(ex.activations[:-1]) <= set(HIDDEN) and ex.activations[-1] == LOSSES[ex.loss].output
    values = ([w for W in ex.weights for row in W for w in row]
              + [b for bs in ex.biases for b in bs] + [x for s in ex.inputs for x in s])
    assert all(_decimals(v) and -1 <= v <= 1 for v in values)
    assert all(w != 0 for W in ex.weights for row in W for w in row)
    if ex.loss == "bce":
        assert set(ex.targets) <= {0.0, 1.0}
    d = ex.derivation()
    for layer in d.layers:
        if layer.activation == "relu":
            assert all(abs(z) >= 0.05 for row in layer.Z for z in row)


def test_choices_are_honoured_and_bad_choices_refused():
    ex = make_exercise("x", sizes=(2, 2, 2, 1), hidden="relu", loss="bce", m=2, lr=0.1)
    assert (ex.sizes, ex.activations, ex.loss, ex.m, ex.lr) == (
        (2, 2, 2, 1), ("relu", "relu", "sigmoid"), "bce", 2, 0.1)
    for kwargs, message in (({"sizes": (2, 2)}, "one output"), ({"loss": "cross_entropy"}, "loss"),
                            ({"m": 9}, "batch size"), ({"lr": -1}, "learning rate")):
        with pytest.raises(ValueError, match=message):
            make_exercise("x", **kwargs)
    with pytest.raises(ValueError, match="student ID"):
        make_exercise("../etc")


def test_blank_answer_file_has_every_asked_entry_null_and_the_key_fills_them():
    ex = make_exercise("bob", m=2)
    d = ex.derivation()
    blank, key = ex.answer_file(), ex.answer_key()
    for q, l in asked(d, ASKED):
        layer_blank = blank["layers"][str(l)] if q.per_layer else blank
        layer_key = key["layers"][str(l)] if q.per_layer else key
        count = len(element_indices(shape(d, q, l)))
        assert json.dumps(layer_blank[q.name]).count("null") == count
        assert "null" not in json.dumps(layer_key[q.name])
    assert blank["network"] == key["network"] == ex.network()
    assert grade(d, key, questions=ASKED).all_correct
    assert {e.verdict for e in grade(d, blank, questions=ASKED).entries} == {"missing"}


def test_worksheets_state_the_network_and_the_rounding_policy():
    ex = make_exercise("carol", sizes=(2, 2, 1), hidden="relu", loss="half_mse", m=1, lr=0.5)
    md, page, tex = to_markdown(ex), to_html(ex), to_latex(ex)
    for text in (md, page, tex):
        assert "4 significant digits" in text and "carol" in text
        assert f"{ex.weights[0][0][0]:g}" in text
    assert "½ (ŷᵢ − yᵢ)²" in md and r"\begin{pmatrix}" in tex
    sheet = page.split('<section id="answers">')[0]   # the answer form follows the sheet
    assert sheet.count("<table>") == sheet.count("</table>") == 3   # W^[1], W^[2], X
    assert "<script" not in sheet
    assert tex.startswith("% Compile this worksheet")      # says how, before the document
    tex = tex[tex.index(r"\documentclass"):]
    assert tex.rstrip().endswith(r"\end{document}")
    outside_math = "".join(tex.split("$")[::2])
    assert outside_math.isascii()   # Unicode only inside math, where TeX never sees it raw
    assert f"{BY_NAME['dZ'].rtol:g}" in md


def test_batch_mode_writes_student_and_teacher_material_apart(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("ann\nbo  # a comment\n\n")
    result = backprop("exercise", "--students", roster, "--course", "c", "--out",
                      tmp_path / "out")
    assert result.returncode == 0, result.stderr
    files = sorted(_tree(tmp_path / "out"))
    assert files == sorted(
        [f"students/{s}/{name}" for s in ("ann", "bo")
         for name in ("answers.json", "worksheet.html", "worksheet.md", "worksheet.tex")]
        + [f"teacher/keys/{s}/{name}" for s in ("ann", "bo") for name in ("key.json", "key.md")]
        + ["teacher/manifest.json"])
    for path, data in _tree(tmp_path / "out" / "students").items():
        assert b"key" not in path.encode() and b'"W_new": [[0.' not in data, path
    roster.write_text("ann\nann\n")
    result = backprop("exercise", "--students", roster, "--out", tmp_path / "out2")
    assert result.returncode == 2 and "appears twice" in result.stderr
    assert not (tmp_path / "out2").exists()
    result = backprop("exercise", "--student", "a/b", "--out", tmp_path / "out3")
    assert result.returncode == 2 and result.stderr.startswith("backprop: error: ")
    result = backprop("exercise", "--student", "ann", "--out", tmp_path / "out")
    assert result.returncode == 2 and "not an empty folder" in result.stderr


def test_the_manifest_records_seed_choices_policy_rules_and_version(tmp_path):
    result = backprop("exercise", "--count", 3, "--course", "ml-26", "--loss", "bce",
                      "--digits", 5, "--out", tmp_path / "c")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "c" / "teacher" / "manifest.json").read_text())
    assert manifest["course"] == "ml-26" and manifest["public_course_seed"] is False
    assert manifest["choices"] == {"sizes": None, "hidden": None, "loss": "bce", "m": None,
                                   "lr": None}
    assert manifest["policy"]["digits"] == 5 and manifest["policy"]["min_digits"] == 4
    assert set(manifest["policy"]["tolerances"]) == {q.name for q in QUANTITIES}
    assert manifest["tool_version"] == version("backproplab")
    assert any("every hidden unit is active" in rule for rule in manifest["draw_rules"])
    assert manifest["work_band"] == list(WORK_BAND)
    assert sorted(manifest["students"]) == ["student01", "student02", "student03"]
    for entry in manifest["students"].values():
        assert WORK_BAND[0] <= entry["work"] <= WORK_BAND[1]


def test_a_lost_sheet_is_made_again_byte_for_byte_from_the_manifest(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("ann\nbo\ncy\n")
    assert backprop("exercise", "--students", roster, "--course", "ml", "--hidden", "relu",
                    "--digits", 3, "--out", tmp_path / "class").returncode == 0
    again = backprop("exercise", "--manifest", tmp_path / "class", "--student", "bo",
                     "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    original, remade = _tree(tmp_path / "class"), _tree(tmp_path / "again")
    for path in remade:
        if path != "teacher/manifest.json":
            assert remade[path] == original[path], path
    assert {p.split("/")[-2] for p in remade if "/bo/" in p} == {"bo"}
    clash = backprop("exercise", "--manifest", tmp_path / "class", "--student", "bo",
                     "--course", "other", "--out", tmp_path / "x")
    assert clash.returncode == 2 and "cannot be combined with --manifest" in clash.stderr


def test_the_flags_a_student_drew_make_their_exercise_again():
    for student in ("alice", "bob", "carol", "dan"):
        drawn = make_exercise(student, course="c")
        again = make_exercise(student, course="c", sizes=drawn.sizes, m=drawn.m,
                              hidden=drawn.activations[0], loss=drawn.loss, lr=drawn.lr)
        assert again == drawn


def test_the_public_default_course_seed_warns(tmp_path):
    result = backprop("exercise", "--student", "ann", "--out", tmp_path / "a")
    assert result.returncode == 0 and "warning: the course seed is the public default" \
        in result.stderr
    result = backprop("exercise", "--student", "ann", "--course", "mine", "--out",
                      tmp_path / "b")
    assert result.returncode == 0 and "warning" not in result.stderr


def test_ids_alice_and_alice_key_cannot_collide(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nalice.key\nalice.key.md\n")
    assert backprop("exercise", "--students", roster, "--course", "c", "--out",
                    tmp_path / "c").returncode == 0
    for student in ("alice", "alice.key", "alice.key.md"):
        blank = json.loads((tmp_path / "c" / "students" / student / "answers.json").read_text())
        key = json.loads((tmp_path / "c" / "teacher" / "keys" / student / "key.json").read_text())
        assert blank["student"] == key["student"] == student
        assert key["network"] == make_exercise(student, course="c").network()


# --- issue 28: exercises that teach something, of a stated size ------------------------------

def test_every_hidden_unit_is_active_and_the_work_is_in_the_band_over_1000_variants():
    works = []
    for n in range(1000):
        ex = make_exercise(f"v{n}", course="band", hidden=("relu", "sigmoid", "relu")[n % 3])
        d = ex.derivation()
        for layer in d.layers[:-1]:
            if layer.activation == "relu":
                for row in layer.Z:
                    assert any(z > 0 for z in row), (ex.student, layer.Z)   # active somewhere
                for i in range(d.m):
                    assert any(row[i] > 0 for row in layer.Z)   # and each sample goes through
        works.append(ex.work())
    assert WORK_BAND[0] <= min(works) and max(works) <= WORK_BAND[1]
    assert max(works) <= 1.3 * min(works)    # no sheet is three times another's


def test_a_shape_the_teacher_chooses_is_kept_even_outside_the_band():
    ex = make_exercise("x", sizes=(2, 2, 2, 1), m=2)
    assert (ex.sizes, ex.m, ex.work()) == ((2, 2, 2, 1), 2, 83)


# --- rosters --------------------------------------------------------------------------------

def test_a_roster_reads_utf8_names_e_mail_logins_bom_crlf_and_blank_lines(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("\ufeffjosé.núñez\r\na.b@uni.edu\r\n\r\nO'Neil # comment\r\n"
                     .encode("utf-8"))
    assert read_roster(path) == ["josé.núñez", "a.b@uni.edu", "O'Neil"]
    decomposed = unicodedata.normalize("NFD", "josé")
    assert check_student_id(decomposed) == "josé"           # one student, one seed
    assert make_exercise(decomposed) == make_exercise("josé")


def test_a_csv_roster_uses_its_id_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffName,Student ID,Email\r\nAnn Lee,ann,ann@uni.edu\r\n\r\n"
                     "\"Núñez, José\",josé.núñez,j@uni.edu\r\n".encode("utf-8"))
    assert read_roster(path) == ["ann", "josé.núñez"]
    path.write_text("name;login\nAnn;ann\nBo;bo\n", encoding="utf-8")
    assert read_roster(path) == ["ann", "bo"]
    path.write_text("name,surname\nAnn,Lee\n", encoding="utf-8")
    with pytest.raises(RosterError, match="needs an ID column"):
        read_roster(path)


def test_every_bad_roster_line_is_reported_at_once(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("ann\nb c\nann\n../etc\nANN\nbo\n\x1b[2J\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4", "line 5",
                                                   "line 7"]
    assert sum("appears twice (first on line 1)" in p for p in problems) == 2
    assert all("\x1b" not in p for p in problems)   # shown escaped


def test_a_roster_that_is_too_large_or_not_text_is_refused_by_what_it_is(tmp_path):
    stand_in = tmp_path / "zero"
    with open(stand_in, "wb") as f:
        f.truncate(4 * 2**30)   # sparse: a /dev/zero stand-in that would exhaust memory
    with pytest.raises(RosterError, match="larger than"):
        read_roster(stand_in)
    binary = tmp_path / "roster.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe")
    with pytest.raises(RosterError, match="not UTF-8"):
        read_roster(binary)
    many = tmp_path / "many.txt"
    many.write_text("\n".join(f"s{n}" for n in range(6000)))
    with pytest.raises(RosterError, match="more than the limit"):
        read_roster(many)


# --- whole or not at all --------------------------------------------------------------------

def test_an_interrupted_class_leaves_no_student_with_part_of_a_set(tmp_path, monkeypatch):
    import nn.explain.class_files as class_files
    written = []
    real = class_files._write

    def write_then_interrupt(root, relative, text):
        real(root, relative, text)
        written.append(relative)
        if len(written) == 9:   # mid-way through the second student's set
            raise KeyboardInterrupt
    monkeypatch.setattr(class_files, "_write", write_then_interrupt)
    manifest = Manifest("c", dict.fromkeys(("sizes", "hidden", "loss", "m", "lr")), Policy())
    exercises = [manifest.exercise(s) for s in ("ann", "bo", "cy")]
    with pytest.raises(KeyboardInterrupt):
        class_files.write_class(manifest.with_students(exercises), exercises, tmp_path / "c")
    assert list(tmp_path.iterdir()) == []    # no class folder, no staging folder left


def test_kill_9_during_exercise_never_shows_a_partial_class(tmp_path):
    out = tmp_path / "class"
    process = subprocess.Popen([sys.executable, "-m", "nn", "exercise", "--count", "1500",
                                "--course", "c", "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        staging = None
        for _ in range(600):   # wait for the event: files appear in the staging folder
            hidden = [p for p in tmp_path.iterdir() if p.name.startswith(".class")]
            if hidden and any(hidden[0].rglob("*.json")):
                staging = hidden[0]
                break
            if process.poll() is not None:
                break
            time.sleep(0.05)
        if staging is None:
            pytest.skip("the class was written before it could be interrupted")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not out.exists()
    assert TEMP_MARKER in staging.name      # what is left is recognisably ours, and hidden
