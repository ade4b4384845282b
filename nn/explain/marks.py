"""Marks out of a fixed maximum: what a gradebook, Gradescope and PrairieLearn are given.

A graded answer file is a list of verdicts, one per asked number, and exercises ask
different numbers of them (a 1-2-1 network with m = 2 asks 47, a 2-3-1 one with m = 1
asks 56), so "points over numbers asked" makes one slip cost a different share on every
student's sheet.  A :class:`Marking` fixes the maximum (``points``) and gives each
quantity a weight w_q instead (default 1 each; a *part* of the derivation such as
``update`` shares its weight among its quantities).  The credit on quantity q is the mean
over its layers of the share of that layer's numbers earned (1 for ``correct``, the
policy's ``carried_forward_credit`` for ``carried_forward``, 0 otherwise)::

    credit_q = (1/|layers of q|) Σ_l (earned in q^[l]) / (numbers in q^[l])
    mark     = points · Σ_q w_q credit_q / Σ_q w_q

so a slip that spoils one matrix, say δ^[2], costs points · w_δ / (|layers| Σ w) on
every network with as many layers, whatever its sizes and batch: 2-layer sheets lose the
same, 3-layer ones the same.  When m = 1 the sheet asks no Lᵢ (L₁ is L), so L carries
both weights and Σ w stays the same.  A missing or rejected file earns 0.

A class made with ``--formulas`` also asks formula questions: each is one more share,
of weight ``formulas`` (default 1), earned whole when the formula is correct.
"""

import math
from dataclasses import dataclass, field

from ..schema import V1_NAMES
from .quantities import ASKED, BY_NAME, QUANTITIES

__all__ = ["Marking", "Mark", "QuantityMark", "PARTS", "parse_weights", "DEFAULT_POINTS",
           "FORMULAS"]

DEFAULT_POINTS = 100.0
"""The maximum when the teacher sets none: marks read as percentages."""


@dataclass(frozen=True)
class Part:
    """A part of the derivation, as the worksheet lists them: a weight given to it is
    shared among its quantities."""

    name: str
    title: str
    quantities: tuple


PARTS = (
    Part("forward", "Forward pass", ("Z", "A")),
    Part("backward", "Backward pass", ("dA", "f_prime", "dZ")),
    Part("gradients", "Gradients", ("dW", "db")),
    Part("update", "Update", ("W_new", "b_new")),
)
"""The worksheet's parts, in its order."""


FORMULAS = "formulas"
"""The weight name of each formula question."""


def _names():
    """{name a teacher may write: quantity names it weighs}: quantity names, their
    version 1 document keys (``delta`` is δ^[l]), the parts, and ``formulas``."""
    names = {FORMULAS: (FORMULAS,)}
    for q in QUANTITIES:
        if q.name in ASKED:
            names[q.name] = (q.name,)
    for old, name in V1_NAMES.items():
        if name in names:
            names.setdefault(old, (name,))
    for part in PARTS:
        names[part.name] = part.quantities
    return names


def parse_weights(text):
    """{quantity: weight} from ``"delta=2,update=1"`` (ValueError naming the bad item).

    A quantity is named as reports and documents name it (``dZ``, ``W_new``) or by its
    version 1 document key (``delta``, ``dL_dW``); a part (``forward``, ``backward``, ``gradients``, ``update``)
    shares its weight among its quantities."""
    names = _names()
    weights = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in names:
            raise ValueError(f"weight {item.strip()!r} must be NAME=WEIGHT with a name of "
                             f"{', '.join(names)}")
        try:
            weight = float(value)
        except ValueError:
            weight = math.nan
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"the weight of {name} must be a number >= 0, got "
                             f"{value.strip()!r}")
        for q in names[name]:
            weights[q] = weight / len(names[name])
    return weights


@dataclass(frozen=True)
class QuantityMark:
    """One quantity's part of a mark: ``earned`` of ``possible`` points, and per layer
    (None for a quantity without layers) the numbers earned and asked."""

    quantity: str
    earned: float
    possible: float
    layers: tuple   # ((layer, numbers earned, numbers asked), ...)
    text: str = ""
    """The quantity as the worksheet writes it (δ^[l], ∂L/∂W^[l]; a formula question's
    symbol and "(formula)")."""


@dataclass(frozen=True)
class Mark:
    """A student's mark: ``earned`` of ``possible`` points, per quantity."""

    earned: float
    possible: float
    quantities: tuple = ()

    @property
    def fraction(self):
        """earned / possible, in [0, 1]."""
        return self.earned / self.possible if self.possible else 0.0


@dataclass(frozen=True)
class Marking:
    """``points`` for a fully correct sheet, shared among the quantities by ``weights``
    ({quantity name: weight}, default 1 each; see the module docstring)."""

    points: float = DEFAULT_POINTS
    weights: dict = field(default_factory=dict)

    def __post_init__(self):
        if (isinstance(self.points, bool) or not isinstance(self.points, (int, float))
                or not math.isfinite(self.points) or self.points <= 0):
            raise ValueError(f"the points must be a number > 0, got {self.points!r}")
        for name, weight in self.weights.items():
            if name not in BY_NAME and name != FORMULAS:
                raise ValueError(f"weight for unknown quantity {name!r}")
            if not (isinstance(weight, (int, float)) and math.isfinite(weight) and weight >= 0):
                raise ValueError(f"the weight of {name} must be a number >= 0, got {weight!r}")
        if self.weights and not any(self.weight(n) > 0 for n in ASKED):
            raise ValueError("every weight is 0: give at least one quantity a weight > 0")

    def weight(self, name, asked=None):
        """w_q of quantity ``name``; given the ``asked`` quantity names, L also carries
        Lᵢ's weight when Lᵢ is not asked (m = 1: L₁ is L)."""
        weight = self.weights.get(name, 1.0)
        if asked is not None and name == "loss" and "losses" not in asked:
            weight += self.weights.get("losses", 1.0)
        return weight

    def mark(self, result):
        """The :class:`Mark` of a :class:`~nn.explain.class_grade.StudentResult`."""
        if result.grade is None:
            return Mark(0.0, float(self.points))
        return self.of_grade(result.grade, result.formulas)

    def of_grade(self, grade, formulas=None):
        """The :class:`Mark` of a :class:`~nn.explain.grade.Grade` (and of a
        :class:`~nn.explain.formula_grade.FormulaGrade`, when formulas were asked)."""
        credit = grade.policy.carried_forward_credit
        earned_by = {"correct": 1.0, "carried_forward": credit}
        cells = {}
        for e in grade.entries:
            cell = cells.setdefault(e.quantity, {}).setdefault(e.layer, [0.0, 0])
            cell[0] += earned_by.get(e.verdict, 0.0)
            cell[1] += 1
        asked = [q.name for q in QUANTITIES if q.name in cells]
        # (name, weight, credit, layers, text) of every share: quantities, then formulas
        shares = []
        for name in asked:
            layers = sorted(cells[name].items(), key=lambda kv: (kv[0] is not None, kv[0]))
            shares.append((name, self.weight(name, asked),
                           math.fsum(e / n for _, (e, n) in layers) / len(layers),
                           tuple((l, e, n) for l, (e, n) in layers), BY_NAME[name].text))
        for e in (formulas.entries if formulas else ()):
            right = 1.0 if e.verdict == "correct" else 0.0
            shares.append((f"{FORMULAS}.{e.question}", self.weight(FORMULAS), right,
                           ((None, right, 1),), f"{e.symbol} (formula)"))
        total_weight = math.fsum(weight for _, weight, _, _, _ in shares)
        if total_weight == 0:
            return Mark(0.0, float(self.points))
        marks, weighted = [], []
        for name, weight, credit_q, layers, text in shares:
            possible = self.points * weight / total_weight
            weighted.append(weight * credit_q)
            marks.append(QuantityMark(name, possible * credit_q, possible, layers, text))
        # from the weights, not the rounded shares: a full sheet is exactly the maximum
        earned = self.points * math.fsum(weighted) / total_weight
        return Mark(min(earned, float(self.points)), float(self.points), tuple(marks))

    def describe(self):
        """The rule in one sentence, for reports and the README."""
        shown = ", ".join(f"{name} {self.weight(name):g}" for name in ASKED + (FORMULAS,))
        return (f"Marks out of {self.points:g}, shared among the quantities by weight "
                f"({shown}); each quantity's share is earned by the mean over its layers of "
                f"the share of that layer's numbers right (carried-forward numbers earn the "
                f"policy's credit).")
