"""Grade a student's formula answers: one verdict per formula question asked.

The answers are the ``formulas`` object of the answer file, ``{key: {"question": …,
"answer": "…"}}`` (a bare string stands for ``{"answer": …}``).  Only ``answer`` is
read: the question, what it is checked against and its weight are the teacher's
(:class:`~nn.explain.formula_questions.FormulaQuestion` from the key, the weight from the
manifest), so an edited question text or an added ``of`` changes nothing, and is
reported.  Every asked question gets one verdict:

- ``correct``: the formula agrees with the engine (:func:`autograd.check_formula` at
  random and special points, :func:`~nn.explain.formulas.check_layer_formula` on random
  networks), seeded by the student's variant, so the verdict is the same on every run;
- ``wrong``: it differs.  ``slip`` names the classic slip that reproduces it (a code of
  :data:`autograd.formula.SLIPS` or :mod:`nn.explain.mistakes`) and ``note`` says it in
  one sentence; with no slip, the note says where it differs.  A formula for another
  quantity (δ^[2] when δ^[l] is asked) or using the asked one (δ^[l] = δ^[l]) is wrong,
  the note saying why;
- ``missing``: no answer (null, absent or blank);
- ``rejected``: the answer cannot be read as a formula: it is not text (a number, a
  list), or the formula language refuses it (a character, name, size or nesting it
  does not allow, a hostile payload, f′ itself where the derivative is asked).  The note
  is the one-line reason; nothing of it is ever evaluated.

A correct answer earns the question's weight; the rest earn nothing (formulas are
independent: there is no error carried forward between them).
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from autograd.check.report import number
from autograd.formula import SLIPS, FormulaError, parse
from autograd.formula.limits import MAX_LENGTH
from autograd.formula.tree import Call, Name, walk

from .formula_questions import NotAnAnswer
from .mistakes import MISTAKES

__all__ = ["FormulaEntry", "FormulaGrade", "grade_formulas", "FORMULA_VERDICTS",
           "FORMULA_SLIPS"]

FORMULA_VERDICTS = ("correct", "wrong", "missing", "rejected")

FORMULA_SLIPS = tuple(dict.fromkeys([*SLIPS, *(m.code for m in MISTAKES)]))
"""Every code a formula's slip may have: the engine's slips, then the worksheet's mistakes
(a layer formula's slips: weights_not_transposed, missing_batch_mean, …)."""


@dataclass(frozen=True)
class FormulaEntry:
    """The verdict on one formula question: ``question`` is its key, ``symbol`` the
    quantity asked (δ^[L]), ``answer`` the formula as written (None when missing;
    shortened past the formula language's length limit), ``reading`` how it was read,
    ``slip`` the code that reproduces a wrong formula and ``note`` one sentence."""

    question: str
    symbol: str
    weight: float
    answer: str
    verdict: str
    slip: str = None
    note: str = None
    reading: str = None

    @property
    def points(self):
        """The weight when correct, else 0."""
        return self.weight if self.verdict == "correct" else 0

    def to_dict(self):
        """The entry as the JSON report writes it."""
        return {"question": self.question, "symbol": self.symbol, "weight": self.weight,
                "points": self.points, "answer": self.answer, "reading": self.reading,
                "verdict": self.verdict, "slip": self.slip, "note": self.note}


@dataclass
class FormulaGrade:
    """The formula entries of one answer file, in the order asked."""

    entries: list

    def points(self):
        """Points earned: each correct question's weight."""
        return sum(e.points for e in self.entries)

    @property
    def total(self):
        """Points the formula questions are worth."""
        return sum(e.weight for e in self.entries)

    @property
    def all_correct(self):
        """True when every question is answered correctly."""
        return all(e.verdict == "correct" for e in self.entries)

    def counts(self):
        """{verdict: how many questions got it}."""
        return {v: sum(e.verdict == v for e in self.entries) for v in FORMULA_VERDICTS}

    def by_question(self):
        """{key: (points, weight)} in the order asked."""
        return {e.question: (e.points, e.weight) for e in self.entries}

    def slips(self):
        """{slip code: how many questions it names}."""
        return dict(Counter(e.slip for e in self.entries if e.slip))


def grade_formulas(questions, section, weight):
    """Grade the ``formulas`` object ``section`` of an answer file (None when absent)
    against ``questions`` (the key's :class:`~nn.explain.formula_questions.FormulaQuestion`
    s), each worth ``weight`` points.  Returns (:class:`FormulaGrade`, [(flag code,
    message)]) where the flags are what the file changes that the grade ignores."""
    flags = []
    if section is not None and not isinstance(section, dict):
        reason = (f"the answer file's \"formulas\" is {_kind(section)}, not the object of "
                  f"answers it was given")
        return FormulaGrade([FormulaEntry(q.key, q.symbol, weight, None, "rejected",
                                          note=reason) for q in questions]), flags
    section = section or {}
    asked = {q.key for q in questions}
    for key in section:
        if key not in asked:
            flags.append(("formula_not_asked", f"the file answers formula question "
                                               f"{str(key)[:40]!r}, which was not asked: "
                                               f"ignored"))
    entries = []
    for q in questions:
        answer, edits = _answer(section.get(q.key), q)
        flags += [("formula_question_edited", f"the file changes formula question {q.key}'s "
                                              f"{edit}: ignored, the key's question applies")
                  for edit in edits]
        entries.append(_judge(q, answer, weight))
    return FormulaGrade(entries), flags


def _answer(raw, question):
    """(what was answered, [fields the file changed]): the answer is None, text, or a
    non-text value to reject."""
    if not isinstance(raw, dict):
        return raw, []
    stored = question.to_key()
    edits = [name for name in raw if name != "answer" and raw[name] != stored.get(name)]
    return raw.get("answer"), [f"\"{str(name)[:40]}\"" for name in edits]


def _judge(q, answer, weight):
    def entry(verdict, note=None, slip=None, reading=None):
        return FormulaEntry(q.key, q.symbol, weight, _shown(answer), verdict, slip, note,
                            reading)

    if answer is None or isinstance(answer, str) and not answer.strip():
        return entry("missing")
    if not isinstance(answer, str):
        return entry("rejected", f"{_kind(answer)}, not a formula: write the formula as text "
                                 f"in quotes")
    try:
        verdict = q.grade(answer)
    except NotAnAnswer as e:
        return entry("wrong", str(e))
    except FormulaError as e:
        return entry("rejected", _one_line(e))
    except Exception as e:   # a formula that breaks the checker costs its entry, not the class
        return entry("rejected", f"it could not be checked ({type(e).__name__}: "
                                 f"{_one_line(e)}); report this to the tool's maintainers")
    reading = verdict.reading
    if verdict.ok:
        return entry("correct", verdict.notes[0] if verdict.notes else None, reading=reading)
    constant = "it is a number, not a formula: " if _is_constant(answer) else ""
    if verdict.slip is not None:
        return entry("wrong", constant + verdict.slip.detail, verdict.slip.code, reading)
    return entry("wrong", constant + _where_it_differs(verdict), reading=reading)


def _where_it_differs(verdict):
    if verdict.reason:
        return verdict.reason
    w = verdict.shown
    return (f"at {w.name}: your formula gives {number(w.reference)}, {verdict.truth} is "
            f"{number(w.computed)}; no classic slip reproduces it")


def _is_constant(answer):
    """Whether ``answer`` is a formula of no name at all (0.25, 1/4)."""
    try:
        return not any(isinstance(n, (Name, Call)) for n in walk(parse(answer).rhs))
    except FormulaError:   # a function name only the question binds (f′): not a number
        return False


def _one_line(error):
    detail = getattr(error, "detail", None) or str(error)
    column = getattr(error, "column", None)
    text = " ".join(str(detail).split())
    return f"{text} (column {column})" if column is not None else text


def _shown(answer):
    if not isinstance(answer, str):
        return None if answer is None else str(answer)[:40]
    return answer if len(answer) <= MAX_LENGTH else answer[:MAX_LENGTH] + "…"


def _kind(x):
    if isinstance(x, bool):
        return "true/false"
    if isinstance(x, (int, float, Decimal)):
        return "a number"
    return {list: "a list", dict: "an object", str: "text"}.get(type(x), type(x).__name__)
