"""Who a student is in each system: the roster's LMS columns, and the names LMS downloads give.

A roster ID names the student's exercise (:mod:`nn.explain.roster`); Canvas, Moodle,
Gradescope and nbgrader know the same student by other names: a Canvas user ID, an SIS
login, an e-mail address, a Moodle ID number.  A CSV roster may carry them in columns
(:data:`FIELDS` lists the headers read, case and spaces ignored)::

    id,name,email,sis user id,canvas id,section
    ann,"Lee, Ann",ann.lee@uni.edu,S1001,48213,Tue lab

A :class:`Directory` answers "whose is this?" for a platform's identifier (Gradescope's
``users[].email``/``sid``/``id``) and for the names LMS downloads give files and folders:

- Moodle's "Download all submissions": ``Full Name_12345_assignsubmission_file_`` (a
  folder, or the start of a file name), 12345 being the participant number (a roster
  ``participant`` column) or else the full name;
- Canvas's "Download submissions": ``leeann_12345_678901_answers.json`` (with ``_LATE``
  after the name when late), 12345 being the Canvas user ID, or else the name key.

An identifier two students share is never used: their files stay unmatched, not graded
as one of them.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from ..explain.roster import read_roster_table, same_student

__all__ = ["Person", "Directory", "FIELDS", "KINDS", "read_people", "people_of"]


@dataclass(frozen=True)
class Field:
    """A column of LMS identity: its attribute name and the roster headers that hold it."""

    name: str
    headers: tuple
    digits_only: bool = False


FIELDS = (
    Field("name", ("name", "student", "student name", "full name")),
    Field("first_name", ("first name", "first_name", "firstname", "given name")),
    Field("last_name", ("last name", "last_name", "lastname", "surname", "family name")),
    Field("email", ("email", "e-mail", "email address", "useremail")),
    # Canvas's "ID" is its numeric user ID; a roster's own "id" column counts only when
    # it holds numbers, so a login such as "ann" is never sent as a Canvas user ID.
    Field("lms_id", ("canvas id", "canvas_id", "canvas user id", "lms id", "lms_id", "id"),
          digits_only=True),
    Field("sis_user_id", ("sis user id", "sis_user_id", "sis id", "sid")),
    Field("sis_login_id", ("sis login id", "sis_login_id", "login", "username")),
    Field("section", ("section", "sections")),
    Field("id_number", ("id number", "idnumber", "useridnumber")),
    Field("participant", ("participant", "participant id", "identifier"), digits_only=True),
    Field("gradescope_id", ("gradescope id", "gradescope_id", "gradescope user id")),
)
"""Every identity column a roster may carry, each with the headers that name it."""


@dataclass(frozen=True)
class Person:
    """A roster student (``student``, the roster ID) and what each system calls them
    (empty where the roster does not say)."""

    student: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    id_number: str = ""
    participant: str = ""
    gradescope_id: str = ""

    @property
    def full_name(self):
        """The name as written, else "first last" (empty when the roster has neither)."""
        return self.name or " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def login(self):
        """The SIS login: the roster's, else the roster ID (usually the login itself)."""
        return self.sis_login_id or self.student

    @property
    def address(self):
        """The e-mail address: the roster's, else the roster ID when it is one."""
        return self.email or (self.student if "@" in self.student else "")

    def identifiers(self, kind):
        """The strings that name this student as an identifier of ``kind`` (a key of
        :data:`KINDS`): an e-mail address, a student number, a platform's user ID."""
        return [x for x in (getattr(self, name) for name in KINDS[kind]) if x]

    def names(self):
        """The student's names as an LMS download spells them (full name; Canvas's
        lowercase "lastfirst" key)."""
        names = [self.full_name]
        if self.first_name or self.last_name:
            names.append(_squash(self.last_name + self.first_name))
        elif "," in self.name:   # "Lee, Ann", as Canvas writes names
            last, _, first = self.name.partition(",")
            names.append(_squash(last + first))
        elif self.name:
            parts = self.name.split()
            names.append(_squash("".join(parts[-1:] + parts[:-1])))
        return [n for n in names if n]


KINDS = {
    "email": ("address", "student"),
    "student_number": ("student", "sis_user_id", "id_number", "sis_login_id"),
    "gradescope_id": ("gradescope_id",),
    "canvas_id": ("lms_id",),
}
"""Kinds of identifier a platform gives, and the Person attributes each is compared
with: a platform's own user ID only ever with that platform's column, so Gradescope's
user 48213 is never Canvas's user 48213."""


def _squash(text):
    """Lowercase letters and digits only, accents dropped (Canvas's file-name key)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and ch.isascii())


def _key(text):
    return same_student(" ".join(text.split()))


def _cell(row, f):
    for header in f.headers:
        value = row.get(header, "").strip()
        if f.digits_only:
            value = "".join(re.findall(r"\d+", value)) if re.fullmatch(
                r"(?:participant\s*)?\d+", value, re.I) else ""
        if value:
            return value
    return ""


def people_of(students, columns):
    """A :class:`Person` per roster ID of ``students``, from ``columns`` ({ID: {header:
    cell}}, as :func:`nn.explain.roster.read_roster_table` gives)."""
    people = []
    for student in students:
        row = {header.strip().casefold(): cell for header, cell in columns.get(student,
                                                                               {}).items()}
        people.append(Person(student, **{f.name: _cell(row, f) for f in FIELDS}))
    return people


def read_people(path):
    """The roster at ``path`` as a list of :class:`Person` (its problems as
    :func:`nn.explain.roster.read_roster` raises them)."""
    return people_of(*read_roster_table(path))


_DOWNLOADS = (
    # Moodle: "Full Name_12345_assignsubmission_file_", 12345 the participant number
    (re.compile(r"^(?P<name>.+?)_(?P<number>\d+)_assign(?:submission|feedback)_[a-z]+_",
                re.I), "participant"),
    # Canvas: "leeann_LATE_12345_678901_answers.json", 12345 the Canvas user ID
    (re.compile(r"^(?P<name>[a-z0-9-]+?)(?:_late)?_(?P<number>\d+)_\d+_", re.I), "lms_id"),
)
"""(pattern, the Person attribute its number is) of each LMS download's names."""


@dataclass
class Directory:
    """Look students up by any of their identifiers and by LMS download names."""

    people: list
    _ids: dict = field(default_factory=lambda: {kind: {} for kind in KINDS}, repr=False)
    _names: dict = field(default_factory=dict, repr=False)
    _numbers: dict = field(default_factory=lambda: {a: {} for _, a in _DOWNLOADS}, repr=False)

    def __post_init__(self):
        for person in self.people:
            for kind, index in self._ids.items():
                for identifier in person.identifiers(kind):
                    _add(index, _key(identifier), person.student)
            for name in person.names():
                _add(self._names, _key(name), person.student)
            for attribute, index in self._numbers.items():
                if getattr(person, attribute):
                    _add(index, getattr(person, attribute), person.student)

    def by_student(self):
        """{roster ID: :class:`Person`}."""
        return {p.student: p for p in self.people}

    def find(self, **identifiers):
        """The roster ID the first known of ``identifiers`` ({kind: value}, kinds of
        :data:`KINDS`) names, or None (also when a value names two students)."""
        for kind, identifier in identifiers.items():
            if identifier is None or identifier == "" or isinstance(identifier, bool):
                continue
            found = self._ids[kind].get(_key(str(identifier)))
            if found:
                return found
        return None

    def whose(self, name):
        """The roster ID an LMS download's file or folder ``name`` stands for, or None."""
        for pattern, attribute in _DOWNLOADS:
            match = pattern.match(name)
            if match:
                found = self._numbers[attribute].get(match["number"]) or self._names.get(
                    _key(match["name"]))
                if found:
                    return found
        return None


def _add(index, key, student):
    # A key two students share names neither: it is kept as a marker and never matched.
    if index.get(key, student) != student:
        index[key] = None
    else:
        index[key] = student
