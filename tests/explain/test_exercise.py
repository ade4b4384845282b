"""Per-student exercises: reproducible, different per student, pleasant by hand, complete."""

import json
import os
import subprocess
import sys

import pytest

from nn.explain.exercise import (HIDDEN, LOSS_OUTPUT, SIZES, make_exercise, student_seed)
from nn.explain.grade import grade
from nn.explain.quantities import ASKED, BY_NAME, asked, element_indices, shape
from nn.explain.worksheet import to_html, to_latex, to_markdown


def backprop(*args, env=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


def test_same_student_same_exercise_in_another_process_with_another_hash_seed(tmp_path):
    # Python's hash() of a str changes with PYTHONHASHSEED; the exercise must not.
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = tmp_path / hash_seed
        assert backprop("exercise", "--student", "alice", "--out", out,
                        env=env).returncode == 0
    for name in ("alice.md", "alice.html", "alice.tex", "alice.answers.json",
                 "alice.key.json"):
        assert (tmp_path / "1" / name).read_text() == (tmp_path / "2" / name).read_text()
    key = json.loads((tmp_path / "1" / "alice.key.json").read_text())
    assert key["network"] == make_exercise("alice").network()


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
    assert ex.sizes in SIZES and ex.loss in LOSS_OUTPUT
    assert set(ex.activations[:-1]) <= set(HIDDEN) and ex.activations[-1] == LOSS_OUTPUT[ex.loss]
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
    for kwargs, message in (({"sizes": (2, 2)}, "one output"), ({"loss": "hinge"}, "loss"),
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
        assert json.dumps(layer_blank[q.key]).count("null") == count
        assert "null" not in json.dumps(layer_key[q.key])
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
    assert page.count("<table>") == page.count("</table>") == 3   # W^[1], W^[2], X
    assert "<script" not in page
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    outside_math = "".join(tex.split("$")[::2])
    assert outside_math.isascii()   # Unicode only inside math, where TeX never sees it raw
    assert f"{BY_NAME['dZ'].rtol:g}" in md


def test_batch_mode_writes_every_file_and_bad_rosters_are_refused(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("ann\nbo  # a comment\n\n")
    result = backprop("exercise", "--students", roster, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"{s}.{ext}" for s in ("ann", "bo")
                           for ext in ("md", "html", "tex", "answers.json", "key.json", "key.md"))
    roster.write_text("ann\nann\n")
    result = backprop("exercise", "--students", roster, "--out", tmp_path / "out")
    assert result.returncode == 2 and "appears twice" in result.stderr
    result = backprop("exercise", "--student", "a/b", "--out", tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("backprop: error: ")
