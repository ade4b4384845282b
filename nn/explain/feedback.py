"""Feedback a student can read: their network, every number with its verdict, and what to fix.

For one roster student (:class:`~nn.explain.class_grade.StudentResult`) the page says:

- the mark out of the teacher's maximum (:class:`~nn.explain.marks.Marking`) and the
  count of each verdict, or that no file came in, or why the file could not be graded;
- their network (the worksheet's "Given" tables);
- for each diagnosis one plain sentence in the worksheet's notation
  (:func:`nn.explain.mistakes.advice`: "δ^[2] is missing the factor f′(Z^[2]): … for a
  sigmoid layer multiply by A^[2](1 − A^[2])") and where it was found;
- every asked number: what they wrote, the verdict, and for a wrong one the value it
  should have had from their own earlier numbers;
- how it was marked (the policy and the marking).

It shows no key value (a number is judged against the student's own earlier numbers in
the words it uses) and names no other student: flags about copying are the teacher's, and
a rejection that names whose exercise a file holds says "another student".  Every string
that came from a file is text (:mod:`nn.explain.document`).
"""

import os

from autograd.files import write_atomically

from .document import to_html, to_markdown
from .marks import Marking
from .mistakes import BY_CODE, ROUNDING, Where, advice
from .policy import Policy
from .quantities import entry_name
from .render import format_number
from .worksheet import given_blocks, summary

__all__ = ["feedback_blocks", "feedback_markdown", "feedback_html", "write_feedback",
           "entry_place"]

_OWN_FILE_FLAGS = ("policy_in_file", "student_field", "exercise_field", "header_field")
"""Flags about the student's own file, shown to them; the others name other students."""


def entry_place(e):
    """Where an entry sits: "row 1, sample 2", "row 2, column 1", "sample 1", ""."""
    parts = [f"row {e.row}" if e.row else None, f"column {e.col}" if e.col else None,
             f"sample {e.sample}" if e.sample else None]
    return ", ".join(p for p in parts if p)


def _number(x):
    return "" if x is None else format_number(x)


def _where(e, exercise, policy):
    activation = (exercise.activations[e.layer - 1] if exercise and e.layer else None)
    return Where(e.quantity, e.layer, activation, exercise.m if exercise else 1,
                 exercise.lr if exercise else None, exercise.loss if exercise else None,
                 policy.min_digits)


def _verdict(e, policy):
    if e.verdict == "carried_forward":
        credit = policy.carried_forward_credit
        earned = "full marks" if credit == 1 else f"{credit:g} of a mark"
        return f"carried forward ({earned})"
    if e.verdict == "correct" and e.diagnosis == ROUNDING:
        return "correct (rounding)"
    return e.verdict.replace("_", " ")


def _meaning(e):
    if e.verdict == "missing":
        return "left blank"
    if e.verdict == "carried_forward":
        return "right for your own earlier numbers (one of them was wrong)"
    if e.verdict == "correct":
        return "within the rounding of the digits you wrote" if e.diagnosis else ""
    text = BY_CODE[e.diagnosis].meaning if e.diagnosis in BY_CODE else \
        "matches none of the classic slips"
    if e.own is not None:
        text += f"; from your own earlier numbers it is {format_number(e.own)}"
    return text


def _safe_reason(result):
    """The rejection reason without other students' IDs."""
    reason = result.reason or ""
    for flag in result.flags:
        if flag.other:
            for other in flag.other.split(", "):
                reason = reason.replace(f"{other}'s", "another student's")
    return reason


def _headline(result, mark):
    out = f"Mark: {mark.earned:.2f} of {mark.possible:g}"
    if result.status == "missing":
        return [("p", f"No answer file was handed in. {out}.")]
    if result.status == "rejected":
        return [("p", f"Your answer file could not be graded: {_safe_reason(result)}. "
                      f"{out}."),
                ("p", f"Check a file before handing it in with `backprop check-answers "
                      f"answers.json`: it names each format problem without grading.")]
    counts = result.counts()
    shown = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in counts.items())
    if result.formulas:
        shown += "; formulas: " + ", ".join(f"{n} {v}" for v, n in
                                            result.formulas.counts().items() if n)
    return [("p", f"{out} ({shown}; {result.numbers} numbers asked).")]


def _diagnoses(entries, exercise, policy):
    """Per diagnosis (in the order first met): its sentence and where it was found."""
    found = {}
    for e in entries:
        if e.diagnosis and e.diagnosis != ROUNDING:
            found.setdefault(e.diagnosis, []).append(e)
    unnamed = [e for e in entries if e.verdict == "wrong" and not e.diagnosis]
    blocks = []
    for code, mine in found.items():
        first = mine[0]
        blocks += [("p", advice(code, _where(first, exercise, policy))),
                   ("list", [f"{entry_name(e.quantity, e.layer)} {entry_place(e)}".strip()
                             for e in mine])]
    if unnamed:
        blocks += [("p", "These numbers are wrong and match none of the classic slips: "
                         "recompute each from your own earlier numbers (the table below "
                         "gives the value they lead to)."),
                   ("list", [f"{entry_name(e.quantity, e.layer)} {entry_place(e)}".strip()
                             for e in unnamed])]
    return blocks


def _entry_tables(entries, policy):
    blocks = []
    groups = {}
    for e in entries:
        groups.setdefault((e.quantity, e.layer), []).append(e)
    for (quantity, layer), mine in groups.items():   # the grader's derivation order
        blocks += [("h", 3, entry_name(quantity, layer)),
                   ("table", ["where", "your number", "verdict", "what it means"],
                    [[entry_place(e) or "—", _number(e.given), _verdict(e, policy),
                      _meaning(e)] for e in mine])]
    return blocks


def feedback_blocks(result, exercise=None, marking=None):
    """The feedback of one :class:`~nn.explain.class_grade.StudentResult` as document
    blocks (:mod:`nn.explain.document`); ``exercise`` is the student's
    :class:`~nn.explain.exercise.Exercise` (their network), ``marking`` the teacher's."""
    marking = marking or Marking()
    policy = result.grade.policy if result.grade else Policy()
    mark = marking.mark(result)
    title = "Feedback on your backpropagation exercise"
    if result.exercise:
        title += f" {result.exercise}"
    blocks = [("h", 1, f"{title} — {result.student}")] + _headline(result, mark)
    if exercise is not None:
        blocks += [("h", 2, "Your network"),
                   ("p", f"One step of gradient descent on {summary(exercise)}.")]
        blocks += given_blocks(exercise)
    if result.grade:
        entries = result.grade.entries
        advice_blocks = _diagnoses(entries, exercise, policy)
        if advice_blocks:
            blocks += [("h", 2, "What to work on")] + advice_blocks
        blocks += [("h", 2, "Your numbers")] + _entry_tables(entries, policy)
        if result.formulas:
            blocks += [("h", 2, "Your formulas"),
                       ("table", ["question", "your formula", "verdict", "what it means"],
                        [[e.symbol, e.answer or "", e.verdict, e.note or ""]
                         for e in result.formulas.entries])]
        if mark.quantities:
            blocks += [("h", 2, "Marks per quantity"),
                       ("table", ["quantity", "marks", "of"],
                        [[q.text, f"{q.earned:.2f}", f"{q.possible:.2f}"]
                         for q in mark.quantities])]
    own = [f.message for f in result.flags if f.code in _OWN_FILE_FLAGS]
    if own:
        blocks += [("h", 2, "About your file"), ("list", own)]
    blocks += [("h", 2, "How it was marked"), ("p", policy.statement()),
               ("p", marking.describe())]
    return blocks


def feedback_markdown(result, exercise=None, marking=None):
    """The feedback page in Markdown."""
    return to_markdown(feedback_blocks(result, exercise, marking))


def feedback_html(result, exercise=None, marking=None):
    """The feedback page as standalone HTML (no script)."""
    blocks = feedback_blocks(result, exercise, marking)
    return to_html(blocks, blocks[0][2])


def write_feedback(class_result, exercises, folder, marking=None):
    """Write ``folder/ID.md`` and ``folder/ID.html`` for every roster student of
    ``class_result`` (``exercises``: {ID: Exercise}); return the paths written.  Each
    file is written atomically; ``folder`` is made if missing."""
    os.makedirs(folder, exist_ok=True)
    written = []
    for r in class_result.results:
        exercise = exercises.get(r.student)
        for suffix, render in ((".md", feedback_markdown), (".html", feedback_html)):
            path = os.path.join(folder, r.student + suffix)
            write_atomically(path, render(r, exercise, marking))
            written.append(path)
    return written
