"""Grade a class against the teacher's keys: one result per roster student, whatever they
handed in.

Nothing in a student's file decides their grade:

- **identity** comes from where the teacher put the file: a file named after the
  student (``ID.json``, ``ID.answers.json``, ``ID.pdf``…) or any file inside a folder
  named after them (``returned/ID/answers.json``), as LMS exports lay them out.  A
  ``student`` field that disagrees is flagged; a file matching no roster student is
  listed, not graded;
- **the network** is the one in the student's key; an answer file whose ``network``
  differs is rejected, naming whose exercise it is when it is another student's;
- **the policy** (digits, tolerances, credit for carried-forward entries) is the
  manifest's or the teacher's flags; ``digits`` or any other policy field in a file is
  flagged and ignored, and so are ``lr``, ``m``, ``loss_function`` and ``exercise``
  fields that disagree with the key;
- **every asked entry counts**: absent or blank entries are ``missing``;
- **formula questions** (a class made with ``--formulas``): each question and what its
  answer is checked against come from the student's key, its weight from the manifest;
  the file's ``formulas`` object is read for the answers only
  (:mod:`nn.explain.formula_grade`), and an edited question is flagged and ignored.

Every roster student gets exactly one :class:`StudentResult`: ``graded``,
``missing`` (no file) or ``rejected`` (with the reason: not JSON, a PDF, empty,
numbers written as strings, another student's network, …).  Identical answers
handed in by different students are flagged on each of them.
"""

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal

from ..jsonfile import loads
from .class_files import KEY, KEYS, MANIFEST
from .grade import Grade, grade
from .manifest import Manifest, ManifestError
from .network_file import NetworkFileError, network_from_dict
from .derivation import explain_step
from .formula_grade import FORMULA_VERDICTS, grade_formulas
from .formula_questions import FormulaQuestion
from .policy import Policy
from .quantities import ASKED, SubmissionError, count_asked
from .roster import same_student

__all__ = ["StudentResult", "ClassResult", "Flag", "grade_class", "read_manifest",
           "read_answer_file", "locate",
           "MAX_ANSWER_BYTES", "STATUSES"]

MAX_ANSWER_BYTES = 2**20
"""Largest answer file read (1 MiB; a filled-in answer file is about 10 KiB)."""

STATUSES = ("graded", "missing", "rejected")

POLICY_FIELDS = ("digits", "min_digits", "carried_forward_credit", "tolerances", "rtol",
                 "atol", "policy")
"""Keys a student might add to set their own marking; flagged and ignored."""

_HEADER_FIELDS = ("lr", "m", "loss_function")


@dataclass(frozen=True)
class Flag:
    """Something the teacher should look at: a stable ``code``, a sentence, and the other
    student it involves (if any)."""

    code: str
    message: str
    other: str = None


@dataclass
class StudentResult:
    """One roster student's result: ``status`` is one of :data:`STATUSES`; ``grade`` the
    entry-by-entry :class:`~nn.explain.grade.Grade` when graded; ``reason`` why a file
    was rejected; ``total`` the points the student's exercise asks for: one per number,
    plus each formula question's weight.  ``questions`` are the formula questions asked
    (none unless the class asks formulas), each worth ``formula_weight``, and
    ``formulas`` their :class:`~nn.explain.formula_grade.FormulaGrade` when graded."""

    student: str
    exercise: str = None
    status: str = "missing"
    total: int = 0
    grade: Grade = None
    source: str = None
    reason: str = None
    flags: list = field(default_factory=list)
    questions: tuple = ()
    formula_weight: float = 0
    formulas: object = None

    @property
    def points(self):
        """Marks earned (0 unless graded): the numbers' and the formulas'."""
        earned = self.grade.points() if self.grade else 0
        return earned + (self.formulas.points() if self.formulas else 0)

    @property
    def score(self):
        """Points over the points asked (0 when missing or rejected)."""
        return self.points / self.total if self.total else 0.0

    @property
    def all_correct(self):
        """True when graded and every asked number and formula is correct."""
        return (self.status == "graded" and self.grade.all_correct
                and (self.formulas is None or self.formulas.all_correct))

    @property
    def numbers(self):
        """How many numbers the exercise asks for."""
        return round(self.total - self.formula_weight * len(self.questions))

    def counts(self):
        """{verdict: count} of the numbers; a missing file counts every asked number
        ``missing``."""
        if self.grade:
            return self.grade.counts()
        counts = {"correct": 0, "carried_forward": 0, "wrong": 0, "missing": 0}
        if self.status == "missing":
            counts["missing"] = self.numbers
        return counts

    def formula_counts(self):
        """{verdict: count} of the formula questions; a missing file counts every one
        ``missing``."""
        if self.formulas:
            return self.formulas.counts()
        counts = dict.fromkeys(FORMULA_VERDICTS, 0)
        if self.status == "missing":
            counts["missing"] = len(self.questions)
        return counts


@dataclass
class ClassResult:
    """A class graded: the policy used and where it came from, one result per roster
    student (roster order), and the files that matched no roster student."""

    policy: Policy
    results: list
    course: str = None
    policy_source: str = "default"
    unmatched: list = field(default_factory=list)   # (path, reason)
    tool_version: str = None
    checked_against_keys: bool = True
    formula_weight: float = None
    """Points of each formula question, or None when the class asks no formulas."""

    @property
    def all_correct(self):
        """True when every student handed in an all-correct file and nothing is flagged."""
        return (bool(self.results) and not self.unmatched
                and all(r.all_correct and not r.flags for r in self.results))


def read_manifest(teacher):
    """The :class:`~nn.explain.manifest.Manifest` in the teacher folder ``teacher``."""
    path = os.path.join(teacher, MANIFEST)
    try:
        with open(path, "rb") as f:
            text = f.read(16 * 2**20).decode("utf-8")
        document = loads(text, path)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ManifestError(f"{path}: cannot read the class manifest ({e})") from None
    return Manifest.from_dict(document, path)


# --- where each student's file is ------------------------------------------------------

def _candidates(name):
    """Student IDs a file or folder name may stand for, most specific first."""
    names = [name]
    if name.endswith(".answers.json"):
        names.append(name[:-len(".answers.json")])
    stem, dot, _ = name.rpartition(".")
    if dot and stem:
        names.append(stem)
    return names


def _owner(name, index, whose=None):
    for candidate in _candidates(name):
        found = index.get(same_student(candidate))
        if found:
            return found
    return whose(name) if whose else None


def _files_under(folder):
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files) if not f.startswith(".")]
    return found


def locate(paths, roster, whose=None):
    """({student: [files]}, [(path, reason)] for files matching no roster student).

    ``whose`` (a file or folder name -> roster student or None) is asked about a name
    that is no roster ID: an LMS download's names (:mod:`nn.lms.people`), or the
    platform's word on whose submission a folder holds (Gradescope's metadata)."""
    index = {same_student(s): s for s in roster}
    mine, unmatched = {}, []

    def add(student, path):
        mine.setdefault(student, []).append(path)

    for path in paths:
        path = os.fspath(path)
        if os.path.isdir(path):
            for child in sorted(os.listdir(path)):
                if child.startswith("."):
                    continue   # hidden files, and our own temporary files
                full = os.path.join(path, child)
                owner = _owner(child, index, whose)
                if owner is None:
                    unmatched.append((full, "its name matches no student of the roster"))
                elif os.path.isdir(full):
                    for f in _files_under(full):
                        add(owner, f)
                else:
                    add(owner, full)
        elif os.path.exists(path):
            owner = (_owner(os.path.basename(path), index, whose)
                     or _owner(os.path.basename(os.path.dirname(os.path.abspath(path))), index,
                               whose))
            if owner is None:
                unmatched.append((path, "neither it nor its folder is named after a student "
                                        "of the roster"))
            else:
                add(owner, path)
        else:
            unmatched.append((path, "no such file or folder"))
    return mine, unmatched


# --- reading one answer file --------------------------------------------------------------

class _Rejected(Exception):
    """An answer file that cannot be graded; the message is the reason shown."""


def _choose(files):
    if len(files) == 1:
        return files[0]
    answers = [f for f in files if f.lower().endswith(".json")]
    if len(answers) == 1:
        return answers[0]
    shown = ", ".join(os.path.basename(f) for f in (answers or files)[:4])
    raise _Rejected(f"{len(answers or files)} files that could be the answer file ({shown}); "
                    f"hand in one")


def _read(path):
    """The answer file's JSON object (numbers as Decimals)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_ANSWER_BYTES + 1)
    except OSError as e:
        raise _Rejected(f"cannot read the file ({e.strerror or e})") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise _Rejected(f"larger than {MAX_ANSWER_BYTES} bytes, the limit for an answer file")
    if not raw.strip():
        raise _Rejected("the file is empty; an answer file is the JSON file the exercise gave, "
                        "filled in")
    if raw.startswith(b"%PDF"):
        raise _Rejected("a PDF, not an answer file: hand in the filled-in answers.json")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Rejected("not a text file (a Word, image or spreadsheet file?): an answer file "
                        "is UTF-8 JSON") from None
    try:
        document = loads(text, "the file", decimals=True)
    except ValueError as e:
        hint = ""
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if not first.startswith(("{", "[")) and "," in first:
            hint = " (it looks like a CSV file)"
        raise _Rejected(f"not valid JSON{hint}: {str(e).removeprefix('the file: ')}") from None
    if not isinstance(document, dict):
        raise _Rejected(f"holds a JSON {_kind(document)}, not the answer file's object "
                        f"{{\"layers\": …}}")
    return document


def read_answer_file(path):
    """The answer file at ``path`` as the grader reads it (a JSON object, numbers as
    Decimals); ValueError with the reason the grader would reject it."""
    try:
        return _read(path)
    except _Rejected as e:
        raise ValueError(str(e)) from None


def _kind(x):
    return {list: "list", str: "string", bool: "true/false"}.get(type(x), "number")


def _floats(x):
    if isinstance(x, Decimal):
        return float(x)
    if isinstance(x, list):
        return [_floats(v) for v in x]
    if isinstance(x, dict):
        return {k: _floats(v) for k, v in x.items()}
    return x


def _canonical(network):
    return json.dumps(_floats(network), sort_keys=True)


def _shown(x):
    text = json.dumps(_floats(x), ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# --- the class ------------------------------------------------------------------------------

class _Keys:
    """Each student's key (network and derivation), read once."""

    def __init__(self, teacher):
        self.folder = os.path.join(teacher, KEYS)
        self._keys = {}

    def key(self, student):
        if student not in self._keys:
            path = os.path.join(self.folder, student, KEY)
            try:
                with open(path, encoding="utf-8") as f:
                    key = loads(f.read(), path)
                model, X, Y, loss, lr = network_from_dict(key["network"], source=path)
            except (OSError, ValueError, KeyError, TypeError, NetworkFileError) as e:
                raise _Rejected(f"no usable key for this student in {self.folder} ({e})") \
                    from None
            derivation = explain_step(model, X, Y, loss=loss, lr=lr)
            self._keys[student] = (key, derivation, _canonical(key["network"]))
        return self._keys[student]

    def questions(self, student):
        """The formula questions of ``student``'s key, as the key defines them."""
        key = self.key(student)[0]
        entries = key.get("formulas")
        try:
            if not isinstance(entries, dict) or not entries:
                raise ValueError("it has no formula questions, but the class asks them")
            return tuple(FormulaQuestion.from_key(name, entry) for name, entry in entries.items())
        except ValueError as e:
            raise _Rejected(f"no usable key for this student in {self.folder} ({e})") from None

    def owner_of(self, network, students):
        """The student whose key has this network, or None."""
        wanted = _canonical(network)
        for student in students:
            try:
                if self.key(student)[2] == wanted:
                    return student
            except _Rejected:
                continue
        return None


def grade_class(teacher, submissions, roster=None, policy=None, policy_source=None,
                whose=None):
    """Grade the files ``submissions`` (files and folders) against the keys in the teacher
    folder ``teacher`` (:mod:`nn.explain.class_files`); return a :class:`ClassResult`.

    ``roster`` (student IDs) defaults to the manifest's students; ``policy`` to the
    manifest's (``policy_source`` says where a given one came from); ``whose`` names the
    student of a file or folder not named after one (see :func:`locate`)."""
    manifest = read_manifest(teacher)
    roster = list(manifest.students) if roster is None else list(roster)
    policy_used = policy or manifest.policy
    weight = manifest.formula_weight
    keys = _Keys(teacher)
    files, unmatched = locate(submissions, roster, whose)
    results, prints = [], {}
    for student in roster:
        result = StudentResult(student, manifest.students.get(student, {}).get("exercise"),
                               formula_weight=weight or 0)
        results.append(result)
        try:
            key, derivation, _ = keys.key(student)
            result.total = count_asked(derivation, ASKED)
            if weight is not None:
                result.questions = keys.questions(student)
                result.total += weight * len(result.questions)
            if student not in files:
                continue
            path = _choose(files[student])
            result.source = path
            document = _read(path)
            answers = document.pop("formulas", None) if result.questions else None
            submission = _screen(document, student, key, result, keys, roster)
            result.grade = grade(derivation, submission, policy_used, ASKED, source=path)
            if result.questions:
                result.formulas, changes = grade_formulas(result.questions, answers, weight)
                result.flags += [Flag(code, message) for code, message in changes]
            result.status = "graded"
            prints[student] = _fingerprint(submission)
        except _Rejected as e:
            result.status, result.reason = "rejected", str(e)
        except SubmissionError as e:
            result.status, result.reason = "rejected", str(e)
    _flag_identical(results, prints)
    _flag_handed_in_by_others(results)
    return ClassResult(policy_used, results, manifest.course,
                       policy_source or ("the class manifest" if policy is None else "flags"),
                       unmatched, manifest.tool_version, formula_weight=weight)


def _screen(document, student, key, result, keys, roster):
    """The entries to grade: the file without what the teacher decides, each
    disagreement flagged."""
    submission = dict(document)
    network = submission.pop("network", None)
    if network is not None and _canonical(network) != _canonical(key["network"]):
        owner = keys.owner_of(network, [s for s in roster if s != student])
        if owner:
            result.flags.append(Flag("other_students_exercise", f"the file holds {owner}'s "
                                                                f"exercise", owner))
            raise _Rejected(f"its network is {owner}'s exercise, not {student}'s")
        raise _Rejected(f"its network differs from {student}'s exercise (edited, or the "
                        f"answer to another network)")
    for name in POLICY_FIELDS:
        if name in submission:
            value = submission.pop(name)
            if name == "digits" and value == key.get("digits"):
                continue
            result.flags.append(Flag("policy_in_file", f"the file sets {name} = "
                                                       f"{_shown(value)}: ignored, the "
                                                       f"class policy applies"))
    written = submission.pop("student", None)
    if written is not None and (not isinstance(written, str)
                                or same_student(written) != same_student(student)):
        result.flags.append(Flag("student_field", f"the file says student "
                                                  f"{_shown(written)}"))
    exercise = submission.pop("exercise", None)
    if exercise is not None and exercise != key.get("exercise"):
        result.flags.append(Flag("exercise_field", f"the file says exercise "
                                                   f"{_shown(exercise)}, not "
                                                   f"{key.get('exercise')}"))
    for name in _HEADER_FIELDS:
        if name in submission:
            value = submission.pop(name)
            if _floats(value) != key.get(name):
                result.flags.append(Flag("header_field", f"the file says {name} = "
                                                         f"{_shown(value)}; the exercise has "
                                                         f"{_shown(key.get(name))}: ignored"))
    return submission


def _numbers(x):
    if isinstance(x, dict):
        return [n for k in sorted(x) for n in _numbers(x[k])]
    if isinstance(x, list):
        return [n for v in x for n in _numbers(v)]
    return [] if x is None else [repr(float(x)) if isinstance(x, (int, float, Decimal))
                                 and not isinstance(x, bool) else str(x)]


def _fingerprint(submission):
    """The numbers a student wrote, in order (None when fewer than 3: a blank file)."""
    numbers = tuple(_numbers(submission))
    return numbers if len(numbers) >= 3 else None


def _flag_identical(results, prints):
    """Flag each student whose written numbers are another student's, number for number
    (their networks differ, so only copying makes them alike)."""
    groups = {}
    for r in results:
        if prints.get(r.student):
            groups.setdefault(prints[r.student], []).append(r)
    for group in groups.values():
        if len(group) > 1:
            for r in group:
                others = ", ".join(o.student for o in group if o is not r)
                r.flags.append(Flag("identical", f"identical answers to {others}'s",
                                    others))


def _flag_handed_in_by_others(results):
    by_student = {r.student: r for r in results}
    for r in results:
        for flag in r.flags:
            if flag.code == "other_students_exercise" and flag.other in by_student:
                by_student[flag.other].flags.append(Flag(
                    "exercise_handed_in_by_another", f"{r.student} handed in this "
                                                     f"student's exercise", r.student))
