"""A class's files on disk: student material and teacher material in separate folders.

``write_class`` lays out one class folder::

    OUT/students/ID/worksheet.md     the worksheet (Markdown, HTML, LaTeX)
    OUT/students/ID/worksheet.html
    OUT/students/ID/worksheet.tex     (and worksheet.pdf, where LaTeX is installed)
    OUT/students/ID/answers.json     the blank answer file to fill in
    OUT/teacher/manifest.json        course seed, choices, policy, tool version, students
    OUT/teacher/keys/ID/key.json     the answer key (grades all correct)
    OUT/teacher/keys/ID/key.md       the key as layer-by-layer tables (and the formulas'
                                     answers, when the class asks formulas)

Hand out ``students/`` (one folder per student: IDs map one to one to folders, so
``alice`` and ``alice.key`` cannot collide); keep ``teacher/``.  The whole class
is written into a hidden folder beside OUT and renamed to OUT in one step, so an
interrupted run (Ctrl-C, ``kill -9``, a full disk) leaves no student with part of
their set: the class appears whole or not at all.  The files are flushed to disk
with one ``os.sync()`` before the rename instead of one fsync per file (which cost
31 s for 1,000 students).
"""

import json
import os
import shutil

from autograd.files import TEMP_MARKER

from .latex_pdf import PdfError, compile_pdf
from .render import render
from .worksheet import to_html, to_latex, to_markdown

__all__ = ["STUDENTS", "TEACHER", "MANIFEST", "KEYS", "student_set", "write_class",
           "find_teacher_folder"]

STUDENTS = "students"
TEACHER = "teacher"
MANIFEST = "manifest.json"
KEYS = "keys"
ANSWERS = "answers.json"
KEY = "key.json"


def student_set(exercise, policy):
    """{path relative to the class folder: text} of one student's files."""
    who = exercise.student
    blank = exercise.answer_file()
    blank["digits"] = policy.digits
    key = exercise.answer_key()
    key["digits"] = policy.digits
    mine = f"{STUDENTS}/{who}"
    theirs = f"{TEACHER}/{KEYS}/{who}"
    return {f"{mine}/worksheet.md": to_markdown(exercise, policy, ANSWERS),
            f"{mine}/worksheet.html": to_html(exercise, policy, ANSWERS),
            f"{mine}/worksheet.tex": to_latex(exercise, policy, ANSWERS),
            f"{mine}/{ANSWERS}": json.dumps(blank, indent=2, ensure_ascii=False) + "\n",
            f"{theirs}/{KEY}": json.dumps(key, indent=2, ensure_ascii=False) + "\n",
            f"{theirs}/key.md": render(exercise.derivation(), "markdown",
                                       digits=min(policy.digits + 2, 17))
            + _formula_key(exercise.formula_questions())}


def _formula_key(questions):
    """The key's answers to the formula questions, as key.md ends ('' when none asked)."""
    if not questions:
        return ""
    lines = [f"- **{q.symbol}** (`{q.key}`): {q.answer}" for q in questions]
    return "\n## Formulas\n\n" + "\n".join(lines) + "\n"


def write_class(manifest, exercises, out, pdf_engine=None, pdf_failed=None):
    """Write every student's set and the manifest into the new folder ``out``, whole or
    not at all (see the module docstring); return ``out``.  ``out`` must not exist or be
    an empty folder (FileExistsError otherwise: a class folder is never merged into).

    With ``pdf_engine`` (:func:`nn.explain.latex_pdf.find_engine`) each worksheet is also
    compiled to ``worksheet.pdf``; a sheet that does not compile keeps its .tex and is
    reported to ``pdf_failed(student, message)``."""
    out = os.path.abspath(os.fspath(out))
    if os.path.lexists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise FileExistsError(f"{out} already exists and is not an empty folder; a class is "
                              f"written into a new folder, whole")
    parent = os.path.dirname(out)
    staging = os.path.join(parent, f".{os.path.basename(out)}{TEMP_MARKER}"
                                   f"{os.urandom(4).hex()}")
    os.mkdir(staging)
    try:
        for exercise in exercises:
            for relative, text in student_set(exercise, manifest.policy).items():
                _write(staging, relative, text)
        _write(staging, f"{TEACHER}/{MANIFEST}", manifest.to_json())
        if pdf_engine:
            _compile_worksheets(staging, exercises, pdf_engine, pdf_failed)
        os.sync()
        os.rename(staging, out)   # replaces an empty folder of that name, atomically
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _compile_worksheets(root, exercises, engine, failed):
    for exercise in exercises:
        try:
            compile_pdf(os.path.join(root, STUDENTS, exercise.student, "worksheet.tex"), engine)
        except PdfError as e:
            if failed:
                failed(exercise.student, str(e))


def _write(root, relative, text):
    path = os.path.join(root, *relative.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def find_teacher_folder(path):
    """The teacher folder that ``path`` names: the class folder or its ``teacher/``
    (None when neither holds a manifest)."""
    for candidate in (path, os.path.join(path, TEACHER)):
        if os.path.isfile(os.path.join(candidate, MANIFEST)):
            return candidate
    return None
