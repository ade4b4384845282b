"""Check an answer file before handing it in: its format and completeness, never its numbers.

``backprop check-answers answers.json`` reads the file the way the grader does
(:func:`nn.explain.class_grade.read_answer_file`, :func:`nn.explain.quantities.
read_entries`) and lists every problem with its place, so no file is lost to a typo:

- a file that is not JSON, is empty, a PDF, a list, …;
- the ``network`` entry missing or changed so that it is no network (the grader takes
  the network from the teacher's key: a file whose network differs is rejected);
- ``lr``, ``m`` or ``loss_function`` that disagree with the network;
- numbers written as strings, NaN or infinite; unknown keys; a matrix of the wrong
  shape or transposed;
- every asked number still blank (``null``) or absent;
- numbers written with fewer significant digits than the sheet asks (a note: an exact
  value such as 0.5 may be written short).

It computes nothing from the network but the shapes asked, and prints no value the
student did not write and no verdict: it is no oracle for the key.
"""

import json
from dataclasses import dataclass, field

from .class_grade import POLICY_FIELDS, read_answer_file
from .derivation import explain_step
from .network_file import NetworkFileError, network_from_dict
from .quantities import (ASKED, BY_NAME, SubmissionError, asked, at, current, element_indices,
                         entry_name, index_names, read_entries, shape)
from .typed_numbers import read_number, short_digits_note

__all__ = ["check_answer_file", "check_answers", "Problem", "AnswerCheck", "read_number"]

@dataclass(frozen=True)
class Problem:
    """One thing to fix (``kind`` "error"), fill in ("blank") or look at ("note"), with
    its place in the file."""

    kind: str
    where: str
    message: str

    def line(self):
        """The problem as one line."""
        return f"{self.kind.upper()} {self.where}: {self.message}"


@dataclass
class AnswerCheck:
    """The problems found, and how many of the asked numbers are filled in."""

    problems: list = field(default_factory=list)
    asked: int = 0
    filled: int = 0
    blank: int = 0
    formulas: int = 0
    formulas_filled: int = 0

    @property
    def ready(self):
        """True when the file would be read whole and every asked number and formula is
        written."""
        return not any(p.kind in ("error", "blank") for p in self.problems)

    def report(self, source):
        """The check as text: one line per problem, then a summary line."""
        lines = [p.line() for p in self.problems]
        if self.asked:
            errors = sum(p.kind == "error" for p in self.problems)
            todo = [f"{self.blank} number(s) to fill in"] * bool(self.blank) + [
                f"{self.formulas - self.formulas_filled} formula(s) to write"] * (
                self.formulas_filled < self.formulas) + [
                f"{errors} error(s) to fix"] * bool(errors)
            formulas = (f", {self.formulas_filled} of {self.formulas} formulas written"
                        if self.formulas else "")
            lines.append(f"{source}: {self.filled} of {self.asked} numbers filled in{formulas}; "
                         + ("ready to hand in (this checks the format only, not the "
                            "numbers)" if self.ready else
                            " and ".join(todo) + " before handing in"))
        else:
            lines.append(f"{source}: cannot be read as an answer file; fix the errors above")
        return "\n".join(lines) + "\n"


def _place(q, l):
    key = f'"layers" → "{l}" → "{q.name}"' if q.per_layer else f'"{q.name}"'
    return f"{key} ({entry_name(q.name, l)})"


def _element(q, index):
    names = index_names(q, index)
    return ", ".join(f"{axis} {names[axis]}" for axis in q.axes)


def _derivation(document, check):
    network = document.get("network")
    if network is None:
        check.problems.append(Problem("error", '"network"', "missing: the blank answer file "
                                      "holds your network; start again from it"))
        return None
    if not isinstance(network, dict):
        check.problems.append(Problem("error", '"network"', "should be the network object "
                                      "of the blank answer file, unchanged"))
        return None
    try:
        spec = json.loads(json.dumps(network, default=float))
        model, X, Y, loss, lr = network_from_dict(spec, source="network")
    except (NetworkFileError, ValueError, TypeError) as e:
        check.problems.append(Problem("error", '"network"', f"is no longer a network ({e}); "
                                      f"do not change it"))
        return None
    return explain_step(model, X, Y, loss=loss, lr=lr)


def _entries(document, d, check):
    """({(quantity, layer): grid} of the readable entries, {(quantity, layer)} of the
    unreadable ones); each unreadable one is a Problem."""
    header = {k: document[k] for k in ("lr", "m", "loss_function") if k in document}
    try:
        read_entries(header, d)
    except SubmissionError as e:
        check.problems.append(Problem("error", "header", str(e)))
    pieces = [(None, k, v) for k, v in document.items() if k != "layers" and k not in header]
    layers = document.get("layers", {})
    if not isinstance(layers, dict):
        check.problems.append(Problem("error", '"layers"', "should be an object with one "
                                      "entry per layer, as in the blank answer file"))
        layers = {}
    for l, entries in layers.items():
        if not isinstance(entries, dict):
            check.problems.append(Problem("error", f'"layers" → "{l}"', "should be an "
                                          "object of entries, as in the blank answer file"))
            continue
        pieces += [(l, k, v) for k, v in entries.items()]
    grids, broken = {}, set()
    for l, key, value in pieces:
        q = BY_NAME.get(key)
        piece = ({"layers": {str(l): {key: value}}} if l is not None else {key: value})
        where = (f'"layers" → "{l}" → "{key}"' if l is not None else f'"{key}"')
        problems = {}
        try:
            found = read_entries(piece, d, problems)
        except SubmissionError as e:
            check.problems.append(Problem("error", where, str(e)))
            found = {}
        for problem in problems.values():
            check.problems.append(Problem("error", where, problem.message))
        if q is not None:
            grids.update(found)
            if not found:
                broken.add((q.name, _layer(l)))
    return grids, broken


def _layer(key):
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _formulas(formulas, check):
    """Each formula question's answer: text, or null while blank (a class made with
    ``--formulas``; the questions themselves are the teacher's)."""
    if not isinstance(formulas, dict):
        check.problems.append(Problem("error", '"formulas"', "should be the object of the "
                                      "blank answer file, one entry per question"))
        return
    for key, entry in formulas.items():
        where = f'"formulas" → "{key}"'
        if not isinstance(entry, dict) or "answer" not in entry:
            check.problems.append(Problem("error", where, 'should be {"question": …, '
                                          '"answer": …} as in the blank answer file'))
            continue
        check.formulas += 1
        answer = entry["answer"]
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            check.problems.append(Problem("blank", f"{where} → \"answer\"",
                                          "the formula is still blank"))
        elif not isinstance(answer, str):
            check.problems.append(Problem("error", f"{where} → \"answer\"",
                                          "write the formula as text, in quotes"))
        else:
            check.formulas_filled += 1


def check_answers(document, digits=None):
    """An :class:`AnswerCheck` of an answer file's parsed JSON ``document`` (numbers as
    Decimals); ``digits`` the significant digits asked (default: the file's ``digits``,
    else 4)."""
    check = AnswerCheck()
    try:
        document = current(document)   # an older answer file's names read as today's
    except SubmissionError as e:
        return AnswerCheck([Problem("error", "file", str(e))])
    d = _derivation(document, check)
    if d is None:
        return check
    digits = digits or (document.get("digits") if isinstance(document.get("digits"), int)
                        else 4)
    body = {k: v for k, v in document.items()
            if k not in POLICY_FIELDS and k not in ("network", "student", "exercise",
                                                    "formulas")}
    if "formulas" in document:
        _formulas(document["formulas"], check)
    for name in POLICY_FIELDS:
        if name in document and name != "digits":
            check.problems.append(Problem("note", f'"{name}"', "the grader ignores this: the "
                                          "class policy decides the marking"))
    grids, broken = _entries(body, d, check)
    for q, l in asked(d, ASKED):
        if (q.name, l) in broken:   # said above: no blanks listed for it too
            check.asked += len(element_indices(shape(d, q, l)))
            continue
        grid = grids.get((q.name, l))
        blanks = []
        for index in element_indices(shape(d, q, l)):
            check.asked += 1
            given = None if grid is None else at(grid, index)
            if given is None:
                blanks.append(_element(q, index))
                continue
            check.filled += 1
            if (given.digits is not None and given.digits < digits
                    and given.value != int(given.value)):
                check.problems.append(Problem("note", f"{_place(q, l)}, {_element(q, index)}",
                                              short_digits_note(given.digits, digits)))
        check.blank += len(blanks)
        if blanks:
            shown = "; ".join(b for b in blanks[:6] if b) + ("; …" if len(blanks) > 6 else "")
            check.problems.append(Problem("blank", _place(q, l), f"{len(blanks)} number(s) "
                                          f"still blank" + (f" ({shown})" if shown else "")))
    return check


def check_answer_file(path, digits=None):
    """:func:`check_answers` of the file at ``path`` (a file the grader would reject is
    one error)."""
    try:
        document = read_answer_file(path)
    except ValueError as e:
        return AnswerCheck([Problem("error", "file", str(e))])
    return check_answers(document, digits)
