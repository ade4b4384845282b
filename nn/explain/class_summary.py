"""A class at a glance: the marks' distribution, each mistake with how many made it and where.

For a graded class (:class:`~nn.explain.class_grade.ClassResult`) the summary shows

- how many students were graded, had no file, had a file rejected, were flagged;
- the distribution of marks (out of the teacher's maximum, :mod:`nn.explain.marks`) in
  ten bins, with the mean, median, lowest and highest, as a bar chart;
- each diagnosis (:mod:`nn.explain.mistakes`), how many students made it, where (the
  quantity and layer: "δ^[2]: 5 students") and who, as a bar chart, most frequent
  first: what to re-teach;
- the share of the class's marks lost on each quantity, as a bar chart;
- the files to look at: rejected ones with the reason, flagged students, files that
  matched no roster student.

Markdown or a standalone HTML page with the charts as inline SVG (no script).
"""

import statistics

from autograd.files import write_atomically

from .class_grade import STATUSES
from .document import to_html, to_markdown
from .marks import Marking
from .mistakes import BY_CODE, ROUNDING
from .quantities import entry_name

__all__ = ["summary_blocks", "summary_markdown", "summary_html", "write_summary",
           "diagnosis_table"]

_BINS = 10


def _distribution(marks, points):
    """Bars of how many marks fall in each tenth of ``points`` (the top one closed)."""
    counts = [0] * _BINS
    for x in marks:
        counts[min(int(x / points * _BINS), _BINS - 1)] += 1
    width = points / _BINS
    return [(f"{k * width:g} – {(k + 1) * width:g}", n, str(n)) for k, n in enumerate(counts)]


def diagnosis_table(class_result):
    """{code: {"students": [IDs], "where": {(quantity, layer): students}}} over every
    graded student, codes in order of how many students made them (most first); the
    ``rounding`` note is left out."""
    found = {}
    for r in class_result.results:
        if not r.grade:
            continue
        mine = {}
        for e in r.grade.entries:
            if e.diagnosis and e.diagnosis != ROUNDING:
                mine.setdefault(e.diagnosis, set()).add((e.quantity, e.layer))
        for code, places in mine.items():
            row = found.setdefault(code, {"students": [], "where": {}})
            row["students"].append(r.student)
            for place in places:
                row["where"][place] = row["where"].get(place, 0) + 1
    return dict(sorted(found.items(), key=lambda kv: -len(kv[1]["students"])))


def _students(n):
    return "1 student" if n == 1 else f"{n} students"


def _where(places):
    ordered = sorted(places.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{entry_name(q, l)}: {n}" for (q, l), n in ordered)


def _lost_by_quantity(class_result, marking):
    lost, possible, text = {}, {}, {}
    for r in class_result.results:
        if not r.grade:
            continue
        for q in marking.mark(r).quantities:
            lost[q.quantity] = lost.get(q.quantity, 0.0) + q.possible - q.earned
            possible[q.quantity] = possible.get(q.quantity, 0.0) + q.possible
            text[q.quantity] = q.text
    total = sum(possible.values())
    return [(text[name], lost[name] / total if total else 0.0,
             f"{100 * lost[name] / total:.1f}% of the marks" if total else "")
            for name in lost]


def summary_blocks(class_result, marking=None):
    """The class summary as document blocks (:mod:`nn.explain.document`)."""
    marking = marking or Marking()
    results = class_result.results
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    flagged = sum(bool(r.flags) for r in results)
    course = class_result.course or "practice files"
    blocks = [("h", 1, f"Class summary — course {course}"),
              ("p", f"{len(results)} students: " + ", ".join(f"{counts[s]} {s}"
                                                             for s in STATUSES)
                    + f"; {flagged} flagged for a look.")]
    graded = [marking.mark(r).earned for r in results if r.status == "graded"]
    blocks.append(("h", 2, "Marks"))
    if graded:
        blocks.append(("p", f"Out of {marking.points:g}, over the {len(graded)} graded "
                            f"students: mean {statistics.fmean(graded):.2f}, median "
                            f"{statistics.median(graded):.2f}, lowest {min(graded):.2f}, "
                            f"highest {max(graded):.2f}. Missing and rejected files have "
                            f"no mark here (0 in the gradebook)."))
        blocks.append(("bars", f"Students per mark (out of {marking.points:g})",
                       _distribution(graded, marking.points)
                       + [(s, counts[s], str(counts[s])) for s in ("missing", "rejected")]))
    else:
        blocks.append(("p", "No student's file could be graded."))
    table = diagnosis_table(class_result)
    blocks.append(("h", 2, "Mistakes to re-teach"))
    if table:
        blocks.append(("bars", "Students who made each mistake",
                       [(code, len(row["students"]), _students(len(row["students"])))
                        for code, row in table.items()]))
        blocks.append(("table", ["mistake", "what it is", "students", "where", "who"],
                       [[code, BY_CODE[code].meaning, len(row["students"]),
                         _where(row["where"]), ", ".join(row["students"])]
                        for code, row in table.items()]))
    else:
        blocks.append(("p", "No classic mistake was found in any graded file."))
    lost = _lost_by_quantity(class_result, marking)
    if lost:
        blocks += [("h", 2, "Where marks were lost"),
                   ("bars", "Share of the graded students' marks lost on each quantity",
                    lost)]
    look = ([[r.student, "rejected", r.reason] for r in results if r.status == "rejected"]
            + [[r.student, "flagged", "; ".join(f"{f.code}: {f.message}" for f in r.flags)]
               for r in results if r.flags]
            + [[path, "no roster student", why] for path, why in class_result.unmatched])
    if look:
        blocks += [("h", 2, "Files to look at"), ("table", ["who", "what", "why"], look)]
    return blocks


def summary_markdown(class_result, marking=None):
    """The class summary in Markdown."""
    return to_markdown(summary_blocks(class_result, marking))


def summary_html(class_result, marking=None):
    """The class summary as a standalone HTML page (inline SVG charts, no script)."""
    blocks = summary_blocks(class_result, marking)
    return to_html(blocks, blocks[0][2])


def write_summary(class_result, path, marking=None):
    """Write the summary to ``path`` (``.html``: a page; anything else: Markdown),
    atomically; return ``path``."""
    render = summary_html if str(path).lower().endswith((".html", ".htm")) else \
        summary_markdown
    return write_atomically(path, render(class_result, marking))
