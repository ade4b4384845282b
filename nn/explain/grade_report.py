"""Grades as a teacher reads them: text on a terminal, JSON per entry, CSV for a gradebook.

Each renders a :class:`~nn.explain.class_grade.ClassResult`: one row (or block) per
roster student, graded, ``missing`` or ``rejected`` with the reason, with any flags;
the policy and the tolerances used are stated once at the top.  The JSON report
lists, for each student, every graded entry with ``quantity``, ``layer``, ``row``,
``col``, ``sample`` (1-based, null where the quantity has no such index),
``expected``, ``given``, ``verdict``, ``diagnosis`` (a code of
:data:`nn.explain.mistakes.CODES` or null), ``note`` and ``own`` (the value
recomputed from the student's own earlier numbers).

A class that asks formula questions (:mod:`nn.explain.formula_grade`) adds them to every
report: each question's points in the score and per quantity (``formula:KEY``), the
count of each formula verdict, and per question the answer as written, how it was read,
the verdict, the slip's code and one sentence (JSON ``formulas``; CSV ``formula_KEY``,
``slip_KEY`` and ``score_formula_KEY`` columns; a table in the text report).  Without
formula questions the reports are exactly as they were.

Every string that came from outside (a file name, a field a student wrote) is made
safe for where it goes: on a terminal no control or formatting character reaches the
screen (escape sequences and newlines are shown escaped, so no line can be forged);
in the CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with ``'``, so a spreadsheet never runs it as a formula.
"""

import csv
import io
import json
import unicodedata
from typing import NamedTuple

from autograd.check import format_table

from ..jsonfile import loads
from ..schema import DocumentError, document, upgrade
from .class_grade import STATUSES, ClassResult, Flag, StudentResult
from .formula_grade import FORMULA_SLIPS, FORMULA_VERDICTS, FormulaEntry, FormulaGrade
from .formula_questions import QUESTION_KEYS
from .grade import VERDICTS, Entry, Grade
from .mistakes import CODES
from .policy import Policy
from .quantities import QUANTITIES

__all__ = ["to_text", "to_json", "from_json", "to_csv", "REPORTS", "safe_text", "safe_cell",
           "ReportError"]

_RULE = ("|given − x| ≤ ½ unit in the last digit shown + rtol·scale + 1e-12, the scale "
         "being Σ|terms| of the formula on the student's own numbers (|step| for an update)")


def safe_text(text):
    """``text`` with every control and formatting character (newline, ESC, bidi
    overrides, …) written as a visible escape such as ``\\x1b``."""
    if text is None:
        return ""
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: :func:`safe_text`, and ``'`` before a
    leading ``=``, ``+``, ``-``, ``@`` (a formula) — numbers we write are left alone."""
    if isinstance(value, (int, float)):
        return value
    text = safe_text(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _name(r):
    who = r.student or r.source
    return safe_text(who)


def _tolerances(result):
    return {q.name: result.policy.rtol(q.name) for q in QUANTITIES}


def _by_quantity(r):
    """{quantity: (points, total)}: the numbers', then each formula question's
    (``formula:KEY``); empty unless graded."""
    found = dict(r.grade.by_quantity()) if r.grade else {}
    if r.formulas:
        found.update({f"formula:{key}": pair for key, pair in r.formulas.by_question().items()})
    return found


def _student(r):
    grade = r.grade
    row = {"student": r.student, "exercise": r.exercise, "status": r.status,
           "reason": r.reason, "source": r.source, "score": round(r.score, 6),
           "points": r.points, "total": r.total, "counts": r.counts(),
           "by_quantity": {name: {"points": p, "total": n}
                           for name, (p, n) in _by_quantity(r).items()},
           "diagnoses": grade.diagnoses() if grade else {},
           "flags": [{"code": f.code, "message": f.message, "other": f.other}
                     for f in r.flags],
           "entries": [e.to_dict() for e in grade.entries] if grade else []}
    if r.questions:
        row.update({"questions": [q.key for q in r.questions],
                    "numbers": r.numbers, "formula_counts": r.formula_counts(),
                    "formula_slips": r.formulas.slips() if r.formulas else {},
                    "formulas": [e.to_dict() for e in r.formulas.entries] if r.formulas
                    else []})
    return row


def to_json(result):
    """Every student's status, score, flags and entries, with the policy, as a ``grades``
    document (:mod:`nn.schema`); :func:`from_json` reads it back."""
    policy = result.policy
    fields = {"course": result.course, "tool_version": result.tool_version,
              "checked_against_keys": result.checked_against_keys,
              "policy": dict(policy.to_dict(), source=result.policy_source,
                             statement=policy.statement()),
              "tolerances": {"rtol": _tolerances(result), "rule": _RULE},
              "statuses": list(STATUSES), "verdicts": list(VERDICTS), "codes": list(CODES)}
    if result.formula_weight is not None:
        fields["formulas"] = {"weight": result.formula_weight,
                              "verdicts": list(FORMULA_VERDICTS), "slips": list(FORMULA_SLIPS)}
    fields.update({"students": [_student(r) for r in result.results],
                   "unmatched": [{"path": p, "reason": why} for p, why in result.unmatched]})
    # ensure_ascii keeps C1 controls and bidi overrides escaped for any viewer
    return json.dumps(document("grades", **fields), indent=2, ensure_ascii=True) + "\n"


class ReportError(ValueError):
    """A grades report that cannot be read back; the message is one line."""


class AskedQuestion(NamedTuple):
    """A formula question of a report read back, known by its key (all a report needs)."""

    key: str


def from_json(text, source="the grades report"):
    """The :class:`~nn.explain.class_grade.ClassResult` a :func:`to_json` report holds,
    so it can be rendered again (text, CSV, a gradebook) without grading anew.  Its
    formula questions are known by their keys only (:class:`AskedQuestion`).
    ReportError names anything that does not fit."""
    try:
        found = upgrade(loads(text, source) if isinstance(text, str) else text, source,
                        ReportError)
    except (DocumentError, ValueError) as e:
        raise ReportError(str(e)) from None
    if found["kind"] != "grades":
        raise ReportError(f"{source} is a {found['kind']} document, not a grades report")
    try:
        return _class_result(found)
    except (KeyError, TypeError, ValueError) as e:
        raise ReportError(f"{source}: not a complete grades report "
                          f"({type(e).__name__}: {e})") from None


def _class_result(doc):
    settings = {k: v for k, v in doc["policy"].items() if k not in ("source", "statement")}
    policy = Policy.from_dict(settings)
    weight = doc["formulas"]["weight"] if "formulas" in doc else None
    results = [_student_result(row, policy, weight) for row in doc["students"]]
    return ClassResult(policy, results, doc["course"], doc["policy"]["source"],
                       [(u["path"], u["reason"]) for u in doc["unmatched"]],
                       doc["tool_version"], doc["checked_against_keys"], weight)


def _student_result(row, policy, weight):
    grade = None
    if row["status"] == "graded":
        entries = [Entry(**e) for e in row["entries"]]
        grade = Grade(entries, policy, source=row["source"],
                      tolerances={e.quantity: policy.rtol(e.quantity) for e in entries})
    formulas = row.get("formulas") or None
    if formulas:
        formulas = FormulaGrade([FormulaEntry(**{k: v for k, v in e.items() if k != "points"})
                                 for e in formulas])
    return StudentResult(row["student"], row["exercise"], row["status"], row["total"], grade,
                         row["source"], row["reason"], [Flag(**f) for f in row["flags"]],
                         tuple(AskedQuestion(k) for k in row.get("questions", ())),
                         weight or 0, formulas)


def _place(e):
    parts = [f"layer {e.layer}" if e.layer else None,
             f"sample {e.sample}" if e.sample else None,
             f"row {e.row}" if e.row else None, f"col {e.col}" if e.col else None]
    return ", ".join(p for p in parts if p) or "—"


def _value(x):
    return "" if x is None else f"{x:.6g}"


def _header(result):
    out = []
    if result.checked_against_keys:
        out.append(f"Course {safe_text(result.course)!s} — every file graded against the "
                   f"teacher's keys (tool {safe_text(result.tool_version)})")
    else:
        out.append("Practice grading: NOT checked against a teacher's key (the network is the "
                   "file's own); grade a class with --keys")
    out.append(f"Policy ({safe_text(result.policy_source)}): {result.policy.statement()}")
    out.append("Tolerances (rtol of each formula's scale, for rounding carried from earlier "
               "numbers): " + ", ".join(f"{n} {t:g}" for n, t in _tolerances(result).items()))
    if result.formula_weight is not None:
        out.append(f"Formula questions: {result.formula_weight:g} point"
                   f"{'' if result.formula_weight == 1 else 's'} each, every answer checked "
                   f"against the engine at points drawn from the student's own seed")
    return out + [""]


def _score_line(r):
    counts = r.counts()
    head = f"{_name(r)}"
    if r.exercise:
        head += f" (exercise {safe_text(r.exercise)})"
    status = "" if r.status == "graded" else f" {r.status.upper()}"
    line = (f"{head}:{status} score {r.points:g}/{r.total:g} = {100 * r.score:.1f}%  "
            + ", ".join(f"{v} {counts[v]}" for v in VERDICTS))
    if r.questions:
        formulas = r.formula_counts()
        line += "; formulas " + ", ".join(f"{v} {formulas[v]}" for v in FORMULA_VERDICTS)
    return line


def _short(text, width=40):
    text = safe_text(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def _formula_table(r):
    """The formula answers that are not plainly correct, one row each."""
    notable = [e for e in r.formulas.entries if e.verdict != "correct"]
    if not notable:
        return []
    rows = [[e.question, _short(e.answer), e.verdict, e.slip or "", safe_text(e.note)]
            for e in notable]
    return [format_table(["formula", "answer", "verdict", "slip", "note"], rows)]


def to_text(result):
    """Per student: the score and counts (or why there is none), every entry that is not
    plainly correct, the score per quantity and any flags; then the files no roster
    student matched and a one-line summary."""
    out = _header(result)
    for r in result.results:
        out.append(_score_line(r))
        if r.status == "missing":
            out.append("  no answer file handed in")
        if r.status == "rejected":
            out.append(f"  rejected {safe_text(r.source) or ''}: {safe_text(r.reason)}")
        if r.grade:
            if r.source and r.student:
                out.append(f"  file: {safe_text(r.source)}")
            notable = [e for e in r.grade.entries if e.verdict != "correct" or e.diagnosis]
            if notable:
                rows = [[e.quantity, _place(e), _value(e.expected), _value(e.given),
                         e.verdict, e.diagnosis or "", safe_text(e.note)] for e in notable]
                out.append(format_table(["quantity", "where", "key", "given", "verdict",
                                         "diagnosis", "note"], rows))
            if r.formulas:
                out += _formula_table(r)
            out.append("  per quantity: " + ", ".join(
                f"{name} {p:g}/{n:g}" for name, (p, n) in _by_quantity(r).items()))
        for flag in r.flags:
            out.append(f"  FLAG {flag.code}: {safe_text(flag.message)}")
        out.append("")
    if result.unmatched:
        out.append("Files matching no roster student (not graded):")
        out += [f"  {safe_text(p)}: {why}" for p, why in result.unmatched]
        out.append("")
    counts = {s: sum(r.status == s for r in result.results) for s in STATUSES}
    flagged = sum(bool(r.flags) for r in result.results)
    out.append(f"{len(result.results)} students: " + ", ".join(
        f"{s} {counts[s]}" for s in STATUSES) + f"; flagged {flagged}")
    return "\n".join(out) + "\n"


def to_csv(result):
    """One row per roster student: status, reason, score, counts per verdict, score per
    quantity, the number of entries each diagnosis names, and the flags."""
    names = [q.name for q in QUANTITIES
             if any(r.grade and q.name in r.grade.by_quantity() for r in result.results)]
    asked = [k for k in QUESTION_KEYS if any(k in (q.key for q in r.questions)
                                             for r in result.results)]
    header = (["student", "exercise", "status", "reason", "source", "score", "points", "total"]
              + list(VERDICTS) + [f"score_{n}" for n in names] + list(CODES)
              + _formula_header(asked) + ["flags"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for r in result.results:
        counts = r.counts()
        per_q = r.grade.by_quantity() if r.grade else {}
        found = r.grade.diagnoses() if r.grade else {}
        writer.writerow([safe_cell(x) for x in (
            [r.student or "", r.exercise or "", r.status, r.reason or "", r.source or "",
             f"{r.score:.4f}", f"{r.points:g}", r.total]
            + [counts[v] for v in VERDICTS]
            + [f"{per_q[n][0] / per_q[n][1]:.4f}" if n in per_q else "" for n in names]
            + [found.get(code, 0) for code in CODES]
            + _formula_cells(r, asked)
            + ["; ".join(f"{f.code}: {f.message}" for f in r.flags)])])
    return buffer.getvalue()


def _formula_header(asked):
    if not asked:
        return []
    return ([f"formulas_{v}" for v in FORMULA_VERDICTS]
            + [f"{column}{key}" for key in asked
               for column in ("score_formula_", "formula_", "slip_")])


def _formula_cells(r, asked):
    if not asked:
        return []
    counts = r.formula_counts()
    entries = {e.question: e for e in r.formulas.entries} if r.formulas else {}
    cells = [counts[v] for v in FORMULA_VERDICTS]
    for key in asked:
        e = entries.get(key)
        cells += ["", "", ""] if e is None else [f"{e.points / e.weight:.4f}", e.verdict,
                                                 e.slip or ""]
    return cells


REPORTS = {"text": to_text, "json": to_json, "csv": to_csv}
"""Report format name -> function(ClassResult) -> str."""
