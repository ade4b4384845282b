"""A Gradescope autograder for a class: built from the teacher's folder, run inside Gradescope.

:func:`build` writes ``autograder.zip`` as Gradescope's autograder specification asks
(``setup.sh`` and ``run_autograder`` at the root of the zip)::

    setup.sh                          installs backproplab (the wheel below) and nothing else
    run_autograder                    python3 -m nn gradescope run
    backproplab-VERSION-py3-none-any.whl
    class/teacher/manifest.json       the class: course seed, choices, policy, students
    class/teacher/keys/ID/key.json    each student's key
    config.json                       the marking (points, weights), visibility, and the
                                      roster's identities (e-mail, SIS IDs) per student

Gradescope unpacks the zip into ``/autograder/source`` and, for each submission, puts the
student's files in ``/autograder/submission/`` and who submitted in
``/autograder/submission_metadata.json`` (``users[]`` with ``email``, ``id``, ``sid``).
:func:`run` takes the student's identity from those ``users`` only (matched against the
roster's identities, :class:`nn.lms.people.Directory`), grades the uploaded answer file
against that student's key with the class's policy (:func:`nn.explain.class_grade.
grade_class`, the same grading as ``backprop grade``), and writes
``/autograder/results/results.json``: ``score`` (the mark out of the teacher's points),
``output`` (the student's feedback, Markdown), and ``tests[]``, one per quantity, each
with ``score``, ``max_score``, ``name``, ``output``, ``visibility`` and ``status``.
Nothing in the uploaded file says whose it is or how it is marked.

The root ``/autograder`` can be moved with the environment variable
``BACKPROPLAB_AUTOGRADER_ROOT`` (tests run an autograder in a temporary folder).
"""

import io
import json
import os
import stat
import zipfile
from dataclasses import asdict

from autograd.files import write_atomically

from ..explain.class_files import KEY, KEYS, MANIFEST, TEACHER
from ..explain.class_grade import StudentResult, grade_class, read_manifest
from ..explain.feedback import feedback_markdown
from ..explain.marks import FORMULAS, Marking
from ..explain.mistakes import ROUNDING, Where, advice
from ..explain.quantities import entry_name
from .people import Directory, Person
from .wheel import wheel_bytes, wheel_name

__all__ = ["build", "run", "autograder_root", "VISIBILITIES", "ROOT_VARIABLE"]

ROOT_VARIABLE = "BACKPROPLAB_AUTOGRADER_ROOT"
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
"""Gradescope's visibility settings for results and tests."""

_CLASS = "class"
_CONFIG = "config.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image. It installs
# backproplab from the wheel in this zip, without its optional dependencies (grading
# needs the standard library only), and installs nothing else.
set -euo pipefail
cd "$(dirname "$0")"
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "backproplab needs Python 3.10 or newer as python3; choose a newer base image" >&2
    exit 1
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
    echo "backproplab installs with pip: choose a base image with python3-pip" >&2
    exit 1
fi
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --no-index --no-deps --force-reinstall \\
    ./{wheel}
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission (working directory /autograder): grade
# /autograder/submission against the key of the student submission_metadata.json names,
# write /autograder/results/results.json.
exec python3 -m nn gradescope run
"""


def autograder_root():
    """The autograder's root: ``$BACKPROPLAB_AUTOGRADER_ROOT``, else ``/autograder``."""
    return os.environ.get(ROOT_VARIABLE) or "/autograder"


def _add(archive, name, data, executable=False):
    item = zipfile.ZipInfo(name, date_time=_EPOCH)
    item.compress_type = zipfile.ZIP_DEFLATED
    item.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    archive.writestr(item, data)


def build(teacher, out, people=None, marking=None, visibility="visible"):
    """Write the autograder zip ``out`` for the class whose teacher folder is ``teacher``
    (atomically; return ``out``).  ``people`` are the roster's
    :class:`~nn.lms.people.Person` records (default: the manifest's students by ID)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, got "
                         f"{visibility!r}")
    manifest = read_manifest(teacher)
    marking = marking or Marking()
    people = people or [Person(s) for s in manifest.students]
    missing = [p.student for p in people if p.student not in manifest.students]
    if missing:
        raise ValueError(f"{len(missing)} roster student(s) have no exercise in this class "
                         f"(first: {missing[0]}); make their exercises first")
    config = {"format": "backproplab-gradescope", "version": 1,
              "points": marking.points, "weights": marking.weights,
              "visibility": visibility, "people": [asdict(p) for p in people]}
    buffer = io.BytesIO()
    wheel = wheel_name()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "setup.sh", SETUP_SH.format(wheel=wheel), executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add(archive, wheel, wheel_bytes())
        _add(archive, _CONFIG, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
        with open(os.path.join(teacher, MANIFEST), "rb") as f:
            _add(archive, f"{_CLASS}/{TEACHER}/{MANIFEST}", f.read())
        for person in people:
            with open(os.path.join(teacher, KEYS, person.student, KEY), "rb") as f:
                _add(archive, f"{_CLASS}/{TEACHER}/{KEYS}/{person.student}/{KEY}", f.read())
    return write_atomically(out, buffer.getvalue())


# --- inside Gradescope ----------------------------------------------------------------

def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _student(metadata, directory):
    """(roster ID, None) of the submitter named by the metadata's ``users``, or (None,
    the reason it cannot be told)."""
    users = metadata.get("users") if isinstance(metadata, dict) else None
    if not isinstance(users, list) or not users:
        return None, "the submission names no student (no users in its metadata)"
    found = []
    for user in users:
        user = user if isinstance(user, dict) else {}
        student = directory.find(email=user.get("email"), student_number=user.get("sid"),
                                 gradescope_id=user.get("id"))
        found.append((user.get("email") or user.get("name") or "?", student))
    unknown = [who for who, student in found if student is None]
    if unknown:
        return None, (f"{unknown[0]} is not on the class roster this autograder was built "
                      f"with: ask your teacher")
    students = {student for _, student in found}
    if len(students) > 1:
        return None, ("this exercise is individual (each student has their own network): "
                      "submit it alone, not as a group")
    return students.pop(), None


def _test(name, earned, possible, output, visibility):
    return {"name": name, "score": round(earned, 4), "max_score": round(possible, 4),
            "status": "passed" if earned >= possible - 1e-9 else "failed",
            "output": output, "visibility": visibility}


def _formula_output(q, formulas):
    entry = next(e for e in formulas.entries if q.quantity == f"{FORMULAS}.{e.question}")
    lines = [f"{entry.symbol}: {entry.verdict}"]
    return "\n".join(lines + [entry.note] if entry.note else lines)


def _quantity_output(q, entries, exercise, policy):
    lines = []
    for layer, earned, asked in q.layers:
        lines.append(f"{entry_name(q.quantity, layer)}: {earned:g} of {asked} numbers earn "
                     f"their mark")
    codes = []
    for e in entries:
        if e.quantity == q.quantity and e.diagnosis and e.diagnosis != ROUNDING \
                and e.diagnosis not in [c for c, _ in codes]:
            codes.append((e.diagnosis, e))
    for code, e in codes:
        where = Where(e.quantity, e.layer, exercise.activations[e.layer - 1]
                      if e.layer else None, exercise.m, exercise.lr, exercise.loss,
                      policy.min_digits)
        lines.append(advice(code, where))
    return "\n".join(lines)


def results(result, exercise, marking, visibility="visible"):
    """The results.json document of one :class:`~nn.explain.class_grade.StudentResult`."""
    mark = marking.mark(result)
    document = {"score": round(mark.earned, 4), "output_format": "md",
                "visibility": visibility,
                "output": feedback_markdown(result, exercise, marking),
                "extra_data": {"student": result.student, "exercise": result.exercise,
                               "status": result.status, "counts": result.counts()}}
    if result.grade:
        policy = result.grade.policy
        document["tests"] = [
            _test(f"{q.text} ({q.quantity})", q.earned, q.possible,
                  _formula_output(q, result.formulas) if q.quantity.startswith(FORMULAS)
                  else _quantity_output(q, result.grade.entries, exercise, policy),
                  visibility)
            for q in mark.quantities]
    else:
        why = ("no answer file in the submission: upload your filled-in answers.json"
               if result.status == "missing" else f"the answer file could not be graded: "
                                                  f"{result.reason}")
        document["tests"] = [_test("answer file", 0.0, marking.points, why, visibility)]
    return document


def _link_in(folder):
    """The first symbolic link under ``folder`` (itself included), or None."""
    if os.path.islink(folder):
        return folder
    for where, dirs, files in os.walk(folder):
        for name in dirs + files:
            if os.path.islink(os.path.join(where, name)):
                return os.path.join(where, name)
    return None


def _refusal(reason, marking, visibility):
    return {"score": 0.0, "output": reason, "visibility": visibility,
            "tests": [_test("who submitted", 0.0, marking.points, reason, visibility)]}


def run(root=None):
    """Grade the submission under ``root`` (default :func:`autograder_root`) and write
    ``root/results/results.json``; return the results document."""
    root = root or autograder_root()
    source = os.path.join(root, "source")
    config = _load_json(os.path.join(source, _CONFIG))
    marking = Marking(config["points"], config.get("weights") or {})
    visibility = config.get("visibility", "visible")
    directory = Directory([Person(**p) for p in config["people"]])
    teacher = os.path.join(source, _CLASS, TEACHER)
    try:
        metadata = _load_json(os.path.join(root, "submission_metadata.json"))
    except (OSError, ValueError) as e:
        metadata, _ = None, e
    student, why = _student(metadata, directory)
    if student is None:
        document = _refusal(why, marking, visibility)
    else:
        submission = os.path.join(root, "submission")
        manifest = read_manifest(teacher)
        link = _link_in(submission)
        if link:
            # a link could point at the keys beside the submission: never followed
            result = StudentResult(student, manifest.students.get(student, {}).get(
                "exercise"), "rejected", reason=f"the submission holds a link "
                f"({os.path.relpath(link, submission)}), not a file: upload the file itself")
        else:
            graded = grade_class(teacher, [submission], roster=[student],
                                 whose=lambda name: student)
            result = graded.results[0]
        document = results(result, manifest.exercise(student), marking, visibility)
    out = os.path.join(root, "results")
    os.makedirs(out, exist_ok=True)
    write_atomically(os.path.join(out, "results.json"),
                     json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return document
