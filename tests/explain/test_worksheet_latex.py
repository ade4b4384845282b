"""The LaTeX worksheet says everything the Markdown and HTML say, is well formed, says how to
compile it; ``backprop exercise --pdf`` compiles each sheet where LaTeX is installed."""

import os
import re
import subprocess
import sys

import pytest

from nn.explain.exercise import make_exercise
from nn.explain.latex_pdf import compile_pdf, find_engine
from nn.explain.policy import Policy
from nn.explain.worksheet import to_html, to_latex, to_markdown

EXERCISES = [dict(sizes=(2, 2, 1), hidden="relu", loss="bce", m=2),
             dict(sizes=(2, 2, 2, 1), hidden="sigmoid", loss="half_mse", m=1),
             dict(sizes=(1, 2, 1), hidden="tanh", loss="squared_error", m=2)]


def words(text):
    return set(re.findall(r"[A-Za-z]{3,}", text))


def tex_words(tex):
    """The words a reader of the PDF sees: commands and comments dropped."""
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    # operators a reader sees as words (\max, \tanh, \ln) count; other commands do not
    body = re.sub(r"\\(max|tanh|ln|exp)\b", r" \1 ", body)
    # a case split (ReLU's f′) says what the text's "1 if z > 0 else 0" says
    body = body.replace(r"\begin{cases}", " if else ")
    return words(re.sub(r"\\[A-Za-z]+", " ", body))


def outside_math(tex):
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    body = re.sub(r"\\\[.*?\\\]", " ", body, flags=re.S)
    body = re.sub(r"\\ensuremath\{(?:[^{}]|\{[^{}]*\})*\}", " ", body)
    return re.sub(r"\$[^$]*\$", " ", body)


@pytest.mark.parametrize("choices", EXERCISES)
@pytest.mark.parametrize("student", ["ann", "josé.núñez", "o'neil_x"])
def test_the_tex_says_everything_the_markdown_and_html_say(choices, student):
    ex = make_exercise(student, course="c", **choices)
    policy = Policy(digits=3)
    tex = to_latex(ex, policy)
    md = to_markdown(ex, policy)
    page = to_html(ex, policy).split('<section id="answers">')[0]   # the sheet, not its form
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    html_text = re.sub(r"<[^>]+>", " ", page)
    missing = (words(md) | words(html_text)) - tex_words(tex)
    assert not missing, missing
    for title in re.findall(r"^## (.+)$", md, re.M):
        assert rf"\subsection*{{{title}}}" in tex


@pytest.mark.parametrize("choices", EXERCISES)
def test_the_tex_is_well_formed(choices):
    tex = to_latex(make_exercise("a_b", course="c", **choices))
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    unescaped = re.sub(r"\\[{}]", "", body)
    assert unescaped.count("{") == unescaped.count("}")
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", body):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack.pop() == name
    assert stack == []
    assert body.count("\\[") == body.count("\\]")
    for line in body.splitlines():
        assert line.replace("\\$", "").count("$") % 2 == 0, line
    text = re.sub(r"\\[_#%&{}$]|\\textasciicircum\{\}", "", outside_math(tex))
    for special in "_^#%&":
        assert special not in text, special
    assert not re.search(r"[^\x00-\x7f]", re.sub(r"[éúñ—]", "", text)), \
        "every other character is written as a command, for any TeX engine"


def test_the_tex_says_how_to_compile_it():
    tex = to_latex(make_exercise("ann", course="c"))
    head = tex.split(r"\documentclass")[0]
    assert "pdflatex worksheet.tex" in head and "apt-get install" in head
    assert all(line.startswith("%") for line in head.splitlines())


# --- --pdf -----------------------------------------------------------------------------------

STAND_IN = """#!/bin/sh
# a stand-in TeX engine: records its arguments, writes a PDF, an .aux and a .log
echo "$@" >> "{log}"
case "$PWD" in *"{fail}"*) echo "! Undefined control sequence."; exit 1;; esac
name="${{@: -1}}"
stem="${{name%.tex}}"
printf '%%PDF-1.5\\n' > "$stem.pdf"; : > "$stem.aux"; : > "$stem.log"
"""


def stand_in_engine(tmp_path, fail="no-student-fails"):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    engine = bin_dir / "pdflatex"
    engine.write_text(STAND_IN.replace("#!/bin/sh", "#!/bin/bash").format(
        log=tmp_path / "calls.txt", fail=fail))
    engine.chmod(0o755)
    return bin_dir


def exercise_command(tmp_path, bin_dir, *args):
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return subprocess.run([sys.executable, "-m", "nn", "exercise", *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)


def test_pdf_compiles_every_sheet_with_shell_escape_off(tmp_path):
    bin_dir = stand_in_engine(tmp_path)
    done = exercise_command(tmp_path, bin_dir, "--count", "3", "--course", "c", "--pdf",
                            "--out", "class")
    assert done.returncode == 0, done.stderr
    for n in (1, 2, 3):
        folder = tmp_path / "class" / "students" / f"student0{n}"
        assert (folder / "worksheet.pdf").read_bytes().startswith(b"%PDF")
        assert not (folder / "worksheet.aux").exists() and not (folder / "worksheet.log").exists()
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert len(calls) == 3
    assert all("-no-shell-escape" in c and "-halt-on-error" in c and
               c.endswith("worksheet.tex") for c in calls)


def test_a_sheet_that_does_not_compile_is_a_warning_and_keeps_its_tex(tmp_path):
    bin_dir = stand_in_engine(tmp_path, fail="student02")
    done = exercise_command(tmp_path, bin_dir, "--count", "3", "--course", "c", "--pdf",
                            "--out", "class")
    assert done.returncode == 0, done.stderr
    assert "student02: no PDF (pdflatex could not compile worksheet.tex: ! Undefined " \
           "control sequence.)" in done.stderr
    bad = tmp_path / "class" / "students" / "student02"
    assert (bad / "worksheet.tex").exists() and not (bad / "worksheet.pdf").exists()
    assert (tmp_path / "class" / "students" / "student03" / "worksheet.pdf").exists()


def test_pdf_without_latex_is_refused_before_anything_is_written(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty))
    done = subprocess.run([sys.executable, "-m", "nn", "exercise", "--count", "2", "--pdf",
                           "--out", "class"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2 and "--pdf needs LaTeX" in done.stderr
    assert "says how to compile" in done.stderr and not (tmp_path / "class").exists()


def test_a_real_tex_engine_compiles_the_worksheet(tmp_path):
    engine = find_engine()
    if engine is None:
        pytest.skip("no TeX engine (pdflatex, lualatex, xelatex, tectonic) on this machine")
    for n, choices in enumerate(EXERCISES):
        tex = tmp_path / f"w{n}" / "worksheet.tex"
        tex.parent.mkdir()
        tex.write_text(to_latex(make_exercise("josé.núñez", course="c", **choices)),
                       encoding="utf-8")
        pdf = compile_pdf(tex, engine)
        with open(pdf, "rb") as f:
            assert f.read(4) == b"%PDF"
