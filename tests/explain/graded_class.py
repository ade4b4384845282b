"""The realistic class (realistic_class.py) made with the Python API, handed in and graded:
what the feedback, summary and LMS tests read."""

from realistic_class import hand_in, roster_ids

from nn.explain.class_files import write_class
from nn.explain.class_grade import grade_class, read_manifest
from nn.explain.manifest import Manifest
from nn.explain.policy import Policy

COURSE = "ml-2026-spring"


def graded_class(root):
    """{"root", "class", "teacher", "returned", "expect", "result", "manifest"} of the
    realistic class made under ``root``."""
    choices = {"sizes": None, "hidden": None, "loss": None, "m": None, "lr": None}
    manifest = Manifest(COURSE, choices, Policy())
    exercises = [manifest.exercise(s) for s in roster_ids()]
    write_class(manifest.with_students(exercises), exercises, root / "class")
    expect = hand_in(root / "class", root / "returned")
    teacher = root / "class" / "teacher"
    return {"root": root, "class": root / "class", "teacher": teacher,
            "returned": root / "returned", "expect": expect,
            "result": grade_class(teacher, [root / "returned"]),
            "manifest": read_manifest(teacher)}
