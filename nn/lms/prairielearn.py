"""A PrairieLearn question: each variant a student's own network, graded by this package.

:func:`write_question` writes a question folder (PrairieLearn's "v3" questions)::

    info.json       uuid, title, topic, tags, "type": "v3"
    question.html   the network and the formulas, one input per asked number, the
                    feedback panel (Mustache over ``params`` and ``feedback``)
    server.py       generate(data), parse(data), grade(data): three lines calling this
                    module with the teacher's settings (course seed, choices, policy,
                    weights) written into it

:func:`generate` draws the variant's exercise from ``data["variant_seed"]`` with the
course seed (:func:`nn.explain.exercise.make_exercise`, the same draw as ``backprop
exercise``) and puts the network and one cell per asked number into ``data["params"]``.
:func:`parse` checks each typed number (:func:`nn.explain.typed_numbers.read_number`;
a bad one is a format error, so it is not graded).  :func:`grade` grades the typed
numbers against the variant's key with error carried forward
(:func:`nn.explain.grade.grade`, the class grader's judge) and fills
``data["partial_scores"]`` (one per number: its credit, its weight in the teacher's
marking, its verdict), ``data["score"]`` in [0, 1] (the mark over the maximum,
:class:`nn.explain.marks.Marking`) and ``data["feedback"]`` (the mark, one sentence per
diagnosis, every number that is not plainly correct).  The network comes from the
variant seed and the settings, never from the submission.

PrairieLearn must be able to import this package from ``server.py``: install it in the
course's image, or copy the ``autograd`` and ``nn`` folders into the course's
``serverFilesCourse`` (``--server-files``).
"""

import hashlib
import json
import os
import re
import shutil
import uuid

import autograd
from autograd.files import write_atomically

import nn

from ..explain.typed_numbers import read_number
from ..explain.exercise import make_exercise
from ..explain.feedback import entry_place
from ..explain.grade import grade as grade_numbers
from ..explain.marks import Marking
from ..explain.mistakes import BY_CODE, ROUNDING, Where, advice
from ..explain.policy import Policy
from ..explain.quantities import (ASKED, BY_NAME, answer_form, asked, element_indices,
                                   entry_name, shape)
from ..explain.render import format_number
from ..explain.worksheet import given_blocks, sections, summary
from .wheel import package_version

__all__ = ["generate", "parse", "grade", "write_question", "cell_name", "settings_of",
           "variant_exercise"]

_SERVER_PY = '''\
"""PrairieLearn question: one step of backpropagation by hand, each variant its own network.

Written by `backprop prairielearn question` (backproplab {version}); the work is done by
backproplab's nn.lms.prairielearn with the settings below (the teacher's: course seed,
choices, marking policy, weights).
"""

from nn.lms import prairielearn

SETTINGS = {settings}


def generate(data):
    prairielearn.generate(data, SETTINGS)


def parse(data):
    prairielearn.parse(data, SETTINGS)


def grade(data):
    prairielearn.grade(data, SETTINGS)
'''

_QUESTION_HTML = """\
<pl-question-panel>
  <p>One step of gradient descent on {{params.summary}}.</p>
  {{#params.given}}
  {{#text}}<p>{{text}}</p>{{/text}}
  {{#table}}
  <table class="table table-sm table-bordered w-auto">
    <tr><th>{{name}}</th>{{#header}}<th>{{.}}</th>{{/header}}</tr>
    {{#rows}}<tr><th>{{label}}</th>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}
  </table>
  {{/table}}
  {{/params.given}}
  {{#params.sections}}
  <h5>{{title}}</h5>
  {{#lines}}<p>{{.}}</p>{{/lines}}
  {{/params.sections}}
</pl-question-panel>

{{#params.blocks}}
<h6>{{title}}</h6>
<table class="table table-sm table-bordered w-auto">
  <tr><th>{{corner}}</th>{{#header}}<th>{{.}}</th>{{/header}}</tr>
  {{#rows}}
  <tr><th>{{label}}</th>{{#cells}}<td><pl-string-input answers-name="{{name}}" allow-blank="true" remove-leading-trailing="true" show-help-text="false" size="9"></pl-string-input></td>{{/cells}}</tr>
  {{/rows}}
</table>
{{/params.blocks}}

<pl-submission-panel>
  <p>{{feedback.mark}}</p>
  {{#feedback.advice}}<p>{{.}}</p>{{/feedback.advice}}
  {{#feedback.has_entries}}
  <table class="table table-sm table-bordered w-auto">
    <tr><th>number</th><th>yours</th><th>verdict</th><th>what it means</th></tr>
    {{#feedback.entries}}<tr><td>{{where}}</td><td>{{given}}</td><td>{{verdict}}</td><td>{{meaning}}</td></tr>{{/feedback.entries}}
  </table>
  {{/feedback.has_entries}}
</pl-submission-panel>
"""


def settings_of(course, choices, policy=None, weights=None):
    """The settings server.py holds: course seed, choices (sizes, hidden, loss, m, lr;
    None where drawn), the policy and the marking weights."""
    choices = {k: (list(v) if isinstance(v, tuple) else v) for k, v in choices.items()}
    return {"course": course, "choices": choices,
            "policy": (policy or Policy()).to_dict(), "weights": dict(weights or {})}


def _policy(settings):
    return Policy.from_dict(settings["policy"])


def variant_exercise(data, settings):
    seed = str(data["variant_seed"])
    variant = seed if re.fullmatch(r"[0-9A-Za-z]{1,40}", seed) else \
        hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
    choices = dict(settings["choices"])
    if choices.get("sizes") is not None:
        choices["sizes"] = tuple(choices["sizes"])
    return make_exercise(f"variant-{variant}", course=settings["course"], **choices)


def cell_name(quantity, layer, index):
    """The answers-name of one asked number: ``dZ_2_1_1`` is δ^[2] row 1 sample 1."""
    return "_".join([quantity, str(layer or 0)] + [str(i + 1) for i in index])


def _plain(text):
    return text.replace("**", "").replace("`", "")


def _given(ex):
    items = []
    for block in given_blocks(ex):
        if block[0] == "p":
            items.append({"text": block[1]})
        else:
            _, name, matrix, col, row = block
            items.append({"table": {
                "name": name, "header": [f"{col}={k}" for k in range(1, len(matrix[0]) + 1)],
                "rows": [{"label": f"{row}={j}", "cells": [format_number(v) for v in values]}
                         for j, values in enumerate(matrix, 1)]}})
    return items


def _sections(ex, policy):
    found = []
    for title, blocks in sections(ex, policy):
        if title in (None, "Given", "Handing in"):
            continue
        lines = []
        for block in blocks:
            lines += [_plain(block[1])] if block[0] == "p" else [_plain(i) for i in block[1]]
        found.append({"title": title, "lines": lines})
    return found


_AXIS_LETTERS = {"row": "j", "sample": "i", "col": "k"}


def _blocks(d):
    """One input table per asked (quantity, layer): rows j, columns the last axis."""
    blocks = []
    for q, l in asked(d, ASKED):
        dims = shape(d, q, l)
        indices = element_indices(dims)
        if len(dims) == 2:
            width = dims[1]
            rows = [{"label": f"j={j + 1}",
                     "cells": [{"name": cell_name(q.name, l, (j, c))} for c in range(width)]}
                    for j in range(dims[0])]
            header = [f"{_AXIS_LETTERS[q.axes[1]]}={c + 1}" for c in range(width)]
        else:
            rows = [{"label": "", "cells": [{"name": cell_name(q.name, l, index)}
                                           for index in indices]}]
            header = ([f"{_AXIS_LETTERS[q.axes[0]]}={i + 1}" for i in range(dims[0])]
                      if dims else [""])
        blocks.append({"title": entry_name(q.name, l), "corner": "", "header": header,
                       "rows": rows})
    return blocks


def generate(data, settings):
    """PrairieLearn's generate(): this variant's network and its answer cells."""
    ex = variant_exercise(data, settings)
    policy = _policy(settings)
    data["params"]["exercise"] = ex.exercise_id
    data["params"]["summary"] = summary(ex)
    data["params"]["given"] = _given(ex)
    data["params"]["sections"] = _sections(ex, policy)
    data["params"]["blocks"] = _blocks(ex.derivation())


def _typed(data, name):
    raw = data.get("raw_submitted_answers", {}).get(name)
    if raw is None:
        raw = data.get("submitted_answers", {}).get(name)
    return raw if isinstance(raw, str) else (None if raw is None else str(raw))


def parse(data, settings):
    """PrairieLearn's parse(): a typed number that is not one is a format error."""
    d = variant_exercise(data, settings).derivation()
    for q, l in asked(d, ASKED):
        for index in element_indices(shape(d, q, l)):
            name = cell_name(q.name, l, index)
            try:
                read_number(_typed(data, name))
            except ValueError as e:
                data["format_errors"][name] = str(e)


def _read(data, name):
    try:
        return read_number(_typed(data, name))
    except ValueError:
        return None


def grade(data, settings):
    """PrairieLearn's grade(): partial_scores, score and feedback from the class grader."""
    ex = variant_exercise(data, settings)
    d = ex.derivation()
    policy = _policy(settings)
    submission = answer_form(d, {}, ASKED,
                             fill=lambda q, l, index: _read(data, cell_name(q.name, l, index)))
    graded = grade_numbers(d, submission, policy, ASKED)
    marking = Marking(1.0, settings.get("weights") or {})
    mark = marking.of_grade(graded)
    weight = {}
    for qm in mark.quantities:
        for layer, _, count in qm.layers:
            weight[(qm.quantity, layer)] = qm.possible / len(qm.layers) / count
    credit = {"correct": 1.0, "carried_forward": policy.carried_forward_credit}
    shown, first_of = [], {}
    for e in graded.entries:
        q = BY_NAME[e.quantity]
        index = tuple(getattr(e, axis) - 1 for axis in q.axes)
        name = cell_name(e.quantity, e.layer, index)
        verdict = e.verdict.replace("_", " ")
        data["partial_scores"][name] = {"score": credit.get(e.verdict, 0.0),
                                        "weight": weight[(e.quantity, e.layer)],
                                        "feedback": verdict}
        if e.diagnosis and e.diagnosis != ROUNDING:
            first_of.setdefault(e.diagnosis, e)
        if e.verdict != "correct":
            meaning = (BY_CODE[e.diagnosis].meaning if e.diagnosis in BY_CODE else
                       "left blank" if e.verdict == "missing" else
                       "right for your own earlier numbers" if e.verdict == "carried_forward"
                       else "matches none of the classic slips")
            shown.append({"where": f"{entry_name(e.quantity, e.layer)} {entry_place(e)}"
                                   .strip(),
                          "given": "" if e.given is None else format_number(e.given),
                          "verdict": verdict, "meaning": meaning})
    data["score"] = mark.fraction
    counts = graded.counts()
    data["feedback"]["mark"] = (f"{100 * mark.fraction:.1f}% — " + ", ".join(
        f"{n} {v.replace('_', ' ')}" for v, n in counts.items()))
    data["feedback"]["advice"] = [
        advice(code, Where(e.quantity, e.layer, ex.activations[e.layer - 1] if e.layer
                           else None, ex.m, ex.lr, ex.loss, policy.min_digits))
        for code, e in first_of.items()]
    data["feedback"]["entries"] = shown
    data["feedback"]["has_entries"] = bool(shown)


def write_question(out, settings, title="Backpropagation: one gradient-descent step by hand",
                   server_files=None):
    """Write the question folder ``out`` (info.json, question.html, server.py); an
    existing question there keeps its uuid.  ``server_files`` (a course's
    serverFilesCourse folder) also gets a copy of the ``autograd`` and ``nn`` packages.
    Returns the paths written."""
    os.makedirs(out, exist_ok=True)
    info_path = os.path.join(out, "info.json")
    question_id = str(uuid.uuid4())
    if os.path.exists(info_path):
        try:
            with open(info_path, encoding="utf-8") as f:
                question_id = str(uuid.UUID(json.load(f)["uuid"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    info = {"uuid": question_id, "title": title, "topic": "Backpropagation",
            "tags": ["backproplab", "backpropagation"], "type": "v3",
            "gradingMethod": "Internal", "singleVariant": False}
    files = {"info.json": json.dumps(info, indent=2) + "\n",
             "question.html": _QUESTION_HTML,
             "server.py": _SERVER_PY.format(version=package_version(), settings=repr(settings))}
    written = [write_atomically(os.path.join(out, name), text) for name, text in files.items()]
    if server_files:
        written += _copy_packages(server_files)
    return written


def _copy_packages(folder):
    written = []
    for package in (autograd, nn):
        source = os.path.dirname(package.__file__)
        target = os.path.join(folder, os.path.basename(source))
        if os.path.exists(target):
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        written.append(target)
    return written
