"""Grades as a teacher reads them: text per submission, JSON per entry, CSV per class.

The JSON report lists, for each submission, every graded entry with
``quantity``, ``layer``, ``row``, ``col``, ``sample`` (1-based, null where the
quantity has no such index), ``expected``, ``given``, ``verdict``,
``diagnosis`` (a code of :data:`nn.explain.mistakes.CODES` or null), plus
``note`` and ``own`` (the value recomputed from the student's own earlier
numbers); the tolerances and the rounding policy are stated at the top.  The
CSV has one row per submission: score, counts per verdict, the score of each
quantity and how many entries each diagnosis names.
"""

import csv
import io
import json

from autograd.check import format_table

from .grade import VERDICTS
from .mistakes import CODES
from .quantities import BY_NAME, QUANTITIES

__all__ = ["to_text", "to_json", "to_csv", "REPORTS"]


def _policy(grades):
    policy = grades[0].policy if grades else None
    return {} if policy is None else {"digits": policy.digits, "min_digits": policy.min_digits,
                                      "carried_forward_credit": policy.carried_forward_credit,
                                      "statement": policy.statement()}


def _tolerances(grades):
    names = {name for g in grades for name in g.tolerances}
    return {q.name: q.rtol for q in QUANTITIES if q.name in names}


def _summary(g):
    return {"source": g.source, "student": g.student, "exercise": g.exercise,
            "network": g.network, "score": round(g.score, 6), "points": g.points(),
            "total": len(g.entries), "counts": g.counts(),
            "by_quantity": {name: {"points": p, "total": n}
                            for name, (p, n) in g.by_quantity().items()},
            "diagnoses": g.diagnoses()}


def to_json(grades):
    """Every submission's summary and entries, with the policy and tolerances, as JSON."""
    document = {"format": "backproplab-grades", "version": 1, "policy": _policy(grades),
                "tolerances": {"rtol": _tolerances(grades),
                               "rule": "|given − x| ≤ max(½ unit in the last digit shown, "
                                       "rtol·|x|) + 1e-12; for W_new/b_new rtol·|step|"},
                "verdicts": list(VERDICTS), "codes": list(CODES),
                "submissions": [dict(_summary(g), entries=[e.to_dict() for e in g.entries])
                                for g in grades]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _place(e):
    parts = [f"layer {e.layer}" if e.layer else None,
             f"sample {e.sample}" if e.sample else None,
             f"row {e.row}" if e.row else None, f"col {e.col}" if e.col else None]
    return ", ".join(p for p in parts if p) or "—"


def _value(x):
    return "" if x is None else f"{x:.6g}"


def _name(g):
    who = g.student or g.source
    details = [f"exercise {g.exercise}" if g.exercise else None,
               g.source if g.student else None,
               f"network {g.network}" if g.network else None]
    details = ", ".join(d for d in details if d)
    return f"{who} ({details})" if details else who


def to_text(grades):
    """Per submission: the score, the counts, every entry that is not plainly correct
    (with the key, the student's number and the diagnosis), and the score per quantity."""
    out = []
    if grades:
        out.append(f"Rounding policy: {grades[0].policy.statement()}")
        out.append("Tolerances (rtol, for rounding carried from earlier numbers): "
                   + ", ".join(f"{BY_NAME[n].name} {t:g}" for n, t in _tolerances(grades).items()))
        out.append("")
    for g in grades:
        counts = g.counts()
        out.append(f"{_name(g)}: score {g.points():g}/{len(g.entries)} = {100 * g.score:.1f}%  "
                   + ", ".join(f"{v} {counts[v]}" for v in VERDICTS))
        notable = [e for e in g.entries if e.verdict != "correct" or e.diagnosis]
        if notable:
            rows = [[e.quantity, _place(e), _value(e.expected), _value(e.given), e.verdict,
                     e.diagnosis or "", e.note or ""] for e in notable]
            out.append(format_table(["quantity", "where", "key", "given", "verdict",
                                     "diagnosis", "note"], rows))
        out.append("per quantity: " + ", ".join(
            f"{name} {p:g}/{n}" for name, (p, n) in g.by_quantity().items()))
        out.append("")
    return "\n".join(out)


def to_csv(grades):
    """One row per submission: who, score, counts per verdict, score per quantity,
    and the number of entries each diagnosis code names."""
    names = [q.name for q in QUANTITIES if any(q.name in g.by_quantity() for g in grades)]
    header = (["source", "student", "exercise", "network", "score", "points", "total"]
              + list(VERDICTS) + [f"score_{n}" for n in names] + list(CODES))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for g in grades:
        counts, per_q, found = g.counts(), g.by_quantity(), g.diagnoses()
        writer.writerow([g.source, g.student or "", g.exercise or "", g.network or "",
                         f"{g.score:.4f}", f"{g.points():g}", len(g.entries)]
                        + [counts[v] for v in VERDICTS]
                        + [f"{per_q[n][0] / per_q[n][1]:.4f}" if n in per_q else ""
                           for n in names]
                        + [found.get(code, 0) for code in CODES])
    return buffer.getvalue()


REPORTS = {"text": to_text, "json": to_json, "csv": to_csv}
"""Report format name -> function(list of Grades) -> str."""
