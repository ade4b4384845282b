"""Per-student backpropagation exercises with numbers that are pleasant by hand.

:func:`make_exercise` draws a small network (sizes and batch size m from
:data:`SHAPES`, hidden activation, loss, learning rate α: each chosen or drawn),
weights and biases with one decimal, inputs with one decimal and targets that suit
the loss.  The draw is seeded per student: the random seed is the first 8 bytes of
SHA-256(course seed, student ID), never Python's salted ``hash()``, so the same
course seed and ID give the same exercise on every machine and every run, and
different IDs give different variants.  Every choice is drawn whether or not it is
given, so passing the values a student drew reproduces their exercise exactly.

Draws are repeated until the exercise teaches what it should (:data:`DRAW_RULES`,
stated in the class manifest): no ReLU pre-activation within 0.05 of the kink at 0
(where f′ is a convention), every hidden unit active (z > 0 for a ReLU) for at least
one sample, a sigmoid output not saturated (|Z^[L]| ≤ 3), and every classic mistake
(:mod:`nn.explain.mistakes`) either leaves a number as it is or moves it well past
the grader's tolerance, so a slip is always caught and never mistaken for rounding.
The work per student stays within :data:`WORK_BAND` asked numbers when the shape and
batch size are drawn.

With ``formula_weight`` the exercise also asks formulas of its network, typed as text
(f′ of its output activation, δ^[L], the δ recursion, ∂L/∂W^[l]:
:mod:`nn.explain.formula_questions`), each worth ``formula_weight`` points.
"""

import hashlib
import math
import random
from dataclasses import dataclass

from ..activations import ACTIVATIONS, ELEMENTWISE
from ..layers import MLP
from ..losses import LOSSES, ONE_OUTPUT
from ..schema import document
from .derivation import explain_step
from .formula_questions import formula_questions
from .mistakes import MISTAKES
from .own_values import OwnValues
from .policy import Policy, half_unit
from .quantities import (ASKED, answer_form, asked, at, count_asked, element_indices,
                         key_value, shape)
from .roster import check_student_id

__all__ = ["Exercise", "make_exercise", "COURSE_SEED", "SIZES", "HIDDEN", "HIDDEN_CHOICES",
           "LOSSES_DRAWN", "LOSS_CHOICES", "BATCH_SIZES", "LEARNING_RATES", "SHAPES",
           "WORK_BAND", "DRAW_RULES", "student_seed", "check_student_id",
           "check_formula_weight"]

COURSE_SEED = "backproplab"
"""The default course seed; a teacher sets their own so students cannot regenerate keys."""

SIZES = ((2, 2, 1), (2, 2, 2, 1), (1, 2, 1), (2, 3, 1), (3, 2, 1))
"""Network shapes n_0-…-n_L an exercise uses (small enough to do by hand)."""

HIDDEN = ("relu", "sigmoid")
"""Hidden-layer activations drawn from when none is chosen (a pinned list: what a course
seed draws must not change when an activation is added)."""

HIDDEN_CHOICES = ELEMENTWISE
"""Hidden-layer activations a teacher may choose: every element-wise activation."""

LOSSES_DRAWN = ("bce", "half_mse", "squared_error")
"""Losses drawn from when none is chosen (pinned, as :data:`HIDDEN`); the output layer
is the one each loss's record is taught with (``output``)."""

LOSS_CHOICES = ONE_OUTPUT
"""Losses a teacher may choose: every loss of one output (an exercise has n_L = 1)."""

BATCH_SIZES = (1, 2)
LEARNING_RATES = (0.1, 0.5)

WORK_BAND = (45, 60)
"""Fewest and most numbers a student computes when the shape and batch size are drawn."""

SHAPES = (((1, 2, 1), 2), ((2, 2, 1), 2), ((3, 2, 1), 2), ((2, 3, 1), 1), ((2, 2, 2, 1), 1))
"""(sizes, m) pairs drawn from: every one asks :data:`WORK_BAND` numbers (47 to 56), so
one student's sheet is never three times another's (1-2-1 with m = 1 asks 30,
2-2-2-1 with m = 2 asks 83)."""

DRAW_RULES = (
    "weights, biases and inputs have one decimal; weights and inputs are nonzero",
    "no ReLU pre-activation z within 0.05 of the kink at 0 (nor a hinge loss's y·ŷ of 1)",
    "every hidden unit is active (z > 0 for a ReLU) for at least one sample, and no sample "
    "finds a whole ReLU layer inactive",
    "a sigmoid output is not saturated: |Z^[L]| <= 3",
    "every classic mistake leaves each number it touches unchanged or moves it by more "
    "than 4 times the grader's tolerance, and two mistakes give a number the same value "
    "or values that far apart",
    f"when shape and batch size are drawn, {WORK_BAND[0]} to {WORK_BAND[1]} numbers to "
    f"compute",
)
"""The rules every drawn exercise obeys, in words (the class manifest states them)."""

_ATTEMPTS = 10_000
_VISIBLE = 4.0


def student_seed(course, student):
    """The random seed of ``student``'s exercise: SHA-256 of the course seed and the ID."""
    digest = hashlib.sha256(f"{course}\0{student}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class Exercise:
    """One student's exercise: the network, its data, loss and learning rate."""

    student: str
    course: str
    sizes: tuple
    activations: tuple
    loss: str
    lr: float
    weights: list
    biases: list
    inputs: list    # m samples, each n_0 numbers
    targets: list   # m targets
    formula_weight: float = None
    """Points each formula question is worth; None: the exercise asks no formulas."""

    @property
    def seed(self):
        """The random seed of this variant (:func:`student_seed`)."""
        return student_seed(self.course, self.student)

    @property
    def exercise_id(self):
        """A short stable name of this variant (8 hex digits of its seed)."""
        return f"{self.seed:016x}"[:8]

    @property
    def m(self):
        """The batch size."""
        return len(self.inputs)

    def network(self):
        """The network file dict (:mod:`nn.explain.network_file`) of this exercise."""
        return {"description": f"Backpropagation exercise {self.exercise_id} for student "
                               f"{self.student}",
                "weights": self.weights, "biases": self.biases,
                "activations": list(self.activations), "inputs": self.inputs,
                "targets": self.targets, "loss": self.loss, "lr": self.lr}

    def model(self):
        """The exercise's network as an MLP."""
        return MLP.from_weights(weights=self.weights, biases=self.biases,
                                activations=list(self.activations))

    def derivation(self):
        """The answer key: :func:`nn.explain.explain_step` of the exercise."""
        return explain_step(self.model(), self.inputs, self.targets, loss=self.loss,
                            lr=self.lr)

    def _header(self, kind):
        return document(kind, exercise=self.exercise_id, student=self.student,
                        network=self.network(), loss_function=self.loss, lr=self.lr, m=self.m)

    def formula_questions(self):
        """The :class:`~nn.explain.formula_questions.FormulaQuestion` s asked (none without
        ``formula_weight``)."""
        return formula_questions(self) if self.formula_weight is not None else ()

    def answer_file(self):
        """The blank answer file: every asked entry, each number null, and each formula
        question with its text and a null answer."""
        form = answer_form(self.derivation(), self._header("answers"), ASKED)
        questions = self.formula_questions()
        if questions:
            form["formulas"] = {q.key: {"question": q.text, "answer": None} for q in questions}
        return form

    def work(self):
        """How many numbers the student computes (every asked element)."""
        return count_asked(self.derivation(), ASKED)

    def answer_key(self):
        """The answer file filled in with the library's numbers (full precision)."""
        d = self.derivation()
        key = answer_form(d, self._header("key"), ASKED,
                          fill=lambda q, l, index: at(key_value(d, q, l), index))
        questions = self.formula_questions()
        if questions:
            key["formulas"] = {q.key: q.to_key() for q in questions}
        return key


def check_formula_weight(weight):
    """``weight`` when it is None or the points of a formula question (a number from
    0.01 to 1000), else ValueError."""
    if weight is not None and not (isinstance(weight, (int, float)) and not isinstance(
            weight, bool) and math.isfinite(weight) and 0.01 <= weight <= 1000):
        raise ValueError(f"a formula question's weight must be a number of points from 0.01 "
                         f"to 1000, got {weight!r}")
    return weight


def _choose(rng, chosen, options):
    drawn = rng.choice(options)   # drawn either way: what follows must not depend on it
    return drawn if chosen is None else chosen


def _one_decimal(rng, low, high, nonzero=False):
    values = [k / 10 for k in range(round(low * 10), round(high * 10) + 1)
              if not (nonzero and k == 0)]
    return rng.choice(values)


def _check_choice(name, value, options):
    if value is not None and value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {value!r}")


def _shape(rng, sizes, m):
    """(sizes, m): drawn from SHAPES, then the given ones put in (the draw happens either
    way, so the random numbers after it do not depend on what was given)."""
    drawn_sizes, drawn_m = rng.choice(SHAPES)
    if sizes is None and m is None:
        return drawn_sizes, drawn_m
    if sizes is None:
        fitting = [s for s, n in SHAPES if n == m]
        return (drawn_sizes if drawn_m == m or not fitting else fitting[0]), m
    if m is None:
        fitting = [n for s, n in SHAPES if s == sizes]
        return sizes, (drawn_m if drawn_m in fitting or not fitting else fitting[0])
    return sizes, m


def make_exercise(student, course=COURSE_SEED, sizes=None, hidden=None, loss=None, m=None,
                  lr=None, formula_weight=None):
    """The exercise of ``student`` under the course seed ``course``.

    ``sizes`` (a tuple n_0, …, n_L with n_L = 1 and 1 ≤ n_l ≤ 4), ``hidden`` (the hidden
    layers' activation, one of :data:`HIDDEN_CHOICES`), ``loss`` (one of
    :data:`LOSS_CHOICES`; the output layer is the one its record is taught with), ``m`` (batch size
    1 … 4) and ``lr`` (α > 0) are drawn when None.  Same arguments, same exercise.
    ``formula_weight`` (points, > 0) adds the formula questions; it changes no number.
    """
    student = check_student_id(student)
    if not isinstance(course, str) or not course:
        raise ValueError(f"the course seed must be a non-empty string, got {course!r}")
    if sizes is not None:
        sizes = tuple(sizes)
        if (len(sizes) < 2 or sizes[-1] != 1
                or not all(isinstance(n, int) and 1 <= n <= 4 for n in sizes)):
            raise ValueError(f"sizes must be n_0-…-n_L with 1 to 4 neurons per layer and one "
                             f"output (e.g. 2-2-1), got {'-'.join(map(str, sizes))}")
    _check_choice("the hidden activation", hidden, HIDDEN_CHOICES)
    _check_choice("the loss", loss, LOSS_CHOICES)
    if m is not None and (isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 4):
        raise ValueError(f"the batch size must be an integer from 1 to 4, got {m!r}")
    if lr is not None and not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    check_formula_weight(formula_weight)

    rng = random.Random(student_seed(course, student))
    sizes, m = _shape(rng, sizes, m)
    hidden = _choose(rng, hidden, HIDDEN)
    loss = _choose(rng, loss, LOSSES_DRAWN)
    lr = float(_choose(rng, lr, LEARNING_RATES))
    record = LOSSES[loss]
    activations = tuple([hidden] * (len(sizes) - 2) + [record.output])
    for _ in range(_ATTEMPTS):
        weights = [[[_one_decimal(rng, -0.9, 0.9, nonzero=True) for _ in range(sizes[l - 1])]
                    for _ in range(sizes[l])] for l in range(1, len(sizes))]
        biases = [[_one_decimal(rng, -0.5, 0.5) for _ in range(sizes[l])]
                  for l in range(1, len(sizes))]
        inputs = [[_one_decimal(rng, -1.0, 1.0, nonzero=True) for _ in range(sizes[0])]
                  for _ in range(m)]
        targets = [float(rng.choice(record.labels)) if record.labels
                   else _one_decimal(rng, 0.0, 1.0) for _ in range(m)]
        exercise = Exercise(student, course, tuple(sizes), activations, loss, lr, weights,
                            biases, inputs, targets, formula_weight)
        if _well_posed(exercise.derivation()):
            return exercise
    raise ValueError(f"no well-posed exercise found for sizes {'-'.join(map(str, sizes))} "
                     f"with {hidden} hidden layers after {_ATTEMPTS} draws")


def _well_posed(d):
    """Whether the drawn exercise obeys :data:`DRAW_RULES` (read from the records: an
    activation's kink and where its f′ is 0, a bounded output's saturation, a loss's kink)."""
    for layer in d.layers[:-1]:
        record = ACTIVATIONS[layer.activation]
        if record.kink is not None and any(abs(z - record.kink) < 0.05
                                           for row in layer.Z for z in row):
            return False
        dead = [[record.hand_derivative(z) == 0.0 for z in row] for row in layer.Z]
        if any(all(row) for row in dead):
            return False   # a unit dead for every sample: half the backward pass is 0
        if any(all(row[i] for row in dead) for i in range(d.m)):
            return False   # a whole layer dead for a sample: nothing to backpropagate
    output = d.layers[-1]
    if ACTIVATIONS[output.activation].bounds is not None \
            and any(abs(z) > 3 for row in output.Z for z in row):
        return False   # a saturated σ output: its f′ is tiny
    kink = LOSSES[d.loss_function].kink
    if kink is not None and any(abs(kink(a, y)) < 0.05 for a, y in zip(output.A[0], d.Y)):
        return False
    return _mistakes_visible(d)


def _mistakes_visible(d, policy=Policy()):
    """Whether every classic mistake leaves each asked number it touches as it is or moves
    it by more than _VISIBLE times the grader's tolerance for it, and two mistakes that
    touch a number give it the same value or values that far apart (so the diagnosis
    names the one made)."""
    own = OwnValues(d, {})
    for q, l in asked(d, ASKED):
        formulas = [m.formulas[q.name] for m in MISTAKES if q.name in m.formulas]
        key = key_value(d, q, l)
        for index in element_indices(shape(d, q, l)):
            x = at(key, index)
            room = half_unit(x, policy.digits) + policy.rtol(q.name) * own.scale(q.name, l,
                                                                                  index)
            values = [x] + [v for v in (f(own, l, index) for f in formulas) if v is not None]
            for n, v in enumerate(values):
                for other in values[n + 1:]:
                    apart = abs(v - other)
                    if 1e-9 * max(1.0, abs(x)) < apart <= _VISIBLE * room:
                        return False
    return True
