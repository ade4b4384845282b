"""A class's manifest: everything that made its exercises, so any sheet can be made again.

``backprop exercise`` writes it into the teacher's folder (never the students'):
the course seed, every choice as the teacher gave it (None: drawn per student),
the marking policy (:class:`~nn.explain.policy.Policy`), the rules every draw obeys
and the band of work per student, the tool version, and each student's exercise ID.
``backprop grade`` reads the policy from it, and ``backprop exercise --manifest``
regenerates a lost sheet from it byte for byte::

    {"format": "backproplab-class", "version": 1, "tool_version": "0.1.0",
     "course": "ml-2026-spring", "public_course_seed": false,
     "choices": {"sizes": null, "hidden": null, "loss": "bce", "m": null, "lr": null},
     "policy": {"digits": 4, "min_digits": 3, "carried_forward_credit": 1.0,
                "tolerances": {"Z": 0.001, …}},
     "draw_rules": ["…", …], "work_band": [45, 60],
     "students": {"alice": {"exercise": "1f3a9c2e", "work": 51}, …}}

A class made with ``--formulas`` also records ``"formulas": {"weight": 1}``: its
worksheets ask formula questions (:mod:`nn.explain.formula_questions`), each worth
``weight`` points; without it the manifest has no ``formulas`` key.
"""

import json
from dataclasses import dataclass, field
from importlib import metadata

from .exercise import COURSE_SEED, DRAW_RULES, WORK_BAND, check_formula_weight, make_exercise
from .policy import Policy
from .roster import check_student_id

__all__ = ["Manifest", "FORMAT", "VERSION", "tool_version", "ManifestError"]

FORMAT = "backproplab-class"
VERSION = 1
CHOICES = ("sizes", "hidden", "loss", "m", "lr")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the key."""


def tool_version():
    """This package's version as installed ("unknown" when it is not installed)."""
    try:
        return metadata.version("backproplab")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Manifest:
    """The class: course seed, the teacher's choices, the policy and the students."""

    course: str
    choices: dict
    policy: Policy
    students: dict = field(default_factory=dict)   # ID -> {"exercise": …, "work": …}
    tool_version: str = field(default_factory=tool_version)
    formulas: dict = None
    """None, or {"weight": points of each formula question} when the sheets ask formulas."""

    @property
    def formula_weight(self):
        """Points of each formula question, or None when the class asks no formulas."""
        return None if self.formulas is None else self.formulas["weight"]

    @property
    def public_course_seed(self):
        """True when the course seed is the public default (anyone can make the keys)."""
        return self.course == COURSE_SEED

    def exercise(self, student):
        """The exercise of ``student`` under this course seed and these choices."""
        return make_exercise(student, course=self.course, formula_weight=self.formula_weight,
                             **self.choices)

    def with_students(self, exercises):
        """This manifest listing ``exercises`` (and only them)."""
        students = {ex.student: {"exercise": ex.exercise_id, "work": ex.work()}
                    for ex in exercises}
        return Manifest(self.course, dict(self.choices), self.policy, students,
                        self.tool_version, self.formulas)

    def to_dict(self):
        """The manifest as JSON writes it."""
        choices = {k: (list(v) if isinstance(v, tuple) else v)
                   for k, v in self.choices.items()}
        document = {"format": FORMAT, "version": VERSION, "tool_version": self.tool_version,
                    "course": self.course, "public_course_seed": self.public_course_seed,
                    "choices": choices, "policy": self.policy.to_dict(),
                    "draw_rules": list(DRAW_RULES), "work_band": list(WORK_BAND)}
        if self.formulas is not None:
            document["formulas"] = dict(self.formulas)
        document["students"] = self.students
        return document

    def to_json(self):
        """The manifest file's text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, document, source="manifest"):
        """The manifest :meth:`to_dict` wrote; ManifestError naming what does not fit."""
        def fail(message):
            raise ManifestError(f"{source}: {message}")
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            fail(f"not a class manifest (its \"format\" should be {FORMAT!r}; "
                 f"`backprop exercise` writes one into the teacher's folder)")
        if document.get("version") != VERSION:
            fail(f"manifest version {document.get('version')!r}; this tool reads {VERSION}")
        course = document.get("course")
        if not isinstance(course, str) or not course:
            fail("\"course\" must be the course seed, a non-empty string")
        choices = document.get("choices")
        if not isinstance(choices, dict) or set(choices) != set(CHOICES):
            fail(f"\"choices\" must give {', '.join(CHOICES)} (null where drawn)")
        choices = dict(choices)
        if choices["sizes"] is not None:
            choices["sizes"] = tuple(choices["sizes"])
        try:
            policy = Policy.from_dict(document.get("policy"))
        except (TypeError, ValueError) as e:
            fail(f"\"policy\": {e}")
        students = document.get("students")
        if not isinstance(students, dict):
            fail("\"students\" must map student IDs to their exercises")
        for student, entry in students.items():
            try:
                check_student_id(student)
            except ValueError as e:
                fail(str(e))
            if not isinstance(entry, dict) or not isinstance(entry.get("exercise"), str):
                fail(f"student {student!r}: needs an \"exercise\" ID")
        formulas = document.get("formulas")
        if formulas is not None:
            try:
                if not isinstance(formulas, dict) or set(formulas) != {"weight"}:
                    raise ValueError("it must be {\"weight\": points of each question}")
                check_formula_weight(formulas["weight"])
            except ValueError as e:
                fail(f"\"formulas\": {e}")
        return cls(course, choices, policy, students,
                   str(document.get("tool_version", "unknown")), formulas)
