"""Gradebook files a course's system imports: Canvas, Moodle and nbgrader CSVs.

Each has one row per roster student (graded, missing or rejected: a missing or rejected
file earns 0, or a blank cell with ``blank_missing``), the mark out of the teacher's
fixed maximum (:class:`nn.explain.marks.Marking`), and the student named the way that
system knows them (:class:`nn.lms.people.Person`, from the roster's columns):

- **Canvas** gradebook import: ``Student, ID, SIS User ID, SIS Login ID, Section,
  <assignment>``, then a ``Points Possible`` row as Canvas's own export writes it
  (the first cell ``    Points Possible``, the maximum under the assignment).  Canvas
  matches a row by ``ID`` (its user ID), ``SIS User ID`` or ``SIS Login ID``; the login
  is the roster ID when the roster gives none.  Name the assignment as Canvas shows it,
  with its number to update an existing one: ``"Backprop 1 (4521)"``.
- **Moodle** grade import: ``First name, Last name, ID number, Email address,
  <assignment>, Feedback``; in "Import grades from CSV" map ``ID number`` to
  ``useridnumber`` or ``Email address`` to ``useremail``.  The ID number is the roster's,
  else the roster ID; the feedback is a one-line summary.
- **nbgrader**'s grade export: ``assignment, duedate, timestamp, student_id, last_name,
  first_name, email, raw_score, late_submission_penalty, score, max_score`` (no late
  penalty: score = raw_score).

Every cell that came from outside (names, IDs, the assignment name) goes through
:func:`nn.explain.grade_report.safe_cell`, so no spreadsheet runs it as a formula.
"""

import csv
import io

from ..explain.grade_report import safe_cell
from ..explain.marks import Marking
from ..explain.mistakes import ROUNDING
from .people import Person

__all__ = ["to_canvas", "to_moodle", "to_nbgrader", "GRADEBOOKS", "POINTS_POSSIBLE",
           "summary_line"]

POINTS_POSSIBLE = "    Points Possible"
"""The first cell of Canvas's points-possible row, spaces included, as its export writes it."""


def _points(x):
    return f"{x:.2f}"


def _rows(result, people, marking, blank_missing):
    """(result, person, mark text) per roster student, in roster order."""
    people = people or {}
    for r in result.results:
        person = people.get(r.student) or Person(r.student)
        if r.status != "graded" and blank_missing:
            shown = ""
        else:
            shown = _points(marking.mark(r).earned)
        yield r, person, shown


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def summary_line(r):
    """One line on a student's result: counts per verdict and the mistakes diagnosed
    (not the rounding notes), the reason a file was rejected, or that none came in."""
    if r.status == "missing":
        return "no answer file handed in"
    if r.status == "rejected":
        return f"answer file rejected: {r.reason}"
    counts = r.counts()
    parts = [f"{n} {verdict.replace('_', ' ')}" for verdict, n in counts.items() if n]
    found = {code: n for code, n in r.grade.diagnoses().items() if code != ROUNDING}
    line = ", ".join(parts)
    if found:
        line += "; diagnoses: " + ", ".join(f"{code} ({n})" for code, n in found.items())
    return line


def to_canvas(result, people=None, marking=None, assignment="Backprop exercise",
              blank_missing=False):
    """The Canvas gradebook-import CSV of the class ``result``; ``people`` is
    {roster ID: Person}."""
    marking = marking or Marking()
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
            [POINTS_POSSIBLE, "", "", "", "", _points(marking.points)]]
    for r, person, shown in _rows(result, people, marking, blank_missing):
        rows.append([person.full_name or r.student, person.lms_id, person.sis_user_id,
                     person.login, person.section, shown])
    return _csv(rows)


def to_moodle(result, people=None, marking=None, assignment="Backprop exercise",
              blank_missing=False):
    """The Moodle grade-import CSV of the class ``result`` (map ``ID number`` to
    useridnumber or ``Email address`` to useremail)."""
    marking = marking or Marking()
    rows = [["First name", "Last name", "ID number", "Email address", assignment,
             "Feedback"]]
    for r, person, shown in _rows(result, people, marking, blank_missing):
        first, last = _first_last(person)
        rows.append([first, last, person.id_number or r.student, person.address, shown,
                     f"{_points(marking.mark(r).earned)}/{_points(marking.points)}: "
                     f"{summary_line(r)}"])
    return _csv(rows)


def to_nbgrader(result, people=None, marking=None, assignment="backprop",
                blank_missing=False):
    """The class ``result`` in nbgrader's grade-export columns."""
    marking = marking or Marking()
    rows = [["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
             "email", "raw_score", "late_submission_penalty", "score", "max_score"]]
    for r, person, shown in _rows(result, people, marking, blank_missing):
        first, last = _first_last(person)
        rows.append([assignment, "", "", r.student, last, first, person.address, shown,
                     _points(0.0) if shown else "", shown, _points(marking.points)])
    return _csv(rows)


def _first_last(person):
    if person.first_name or person.last_name:
        return person.first_name, person.last_name
    name = person.name
    if "," in name:   # "Lee, Ann"
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


GRADEBOOKS = {"canvas": to_canvas, "moodle": to_moodle, "nbgrader": to_nbgrader}
"""Gradebook name -> function(result, people, marking, assignment, blank_missing) -> CSV."""
