"""Student IDs and class rosters, as teachers and their LMS exports write them.

A student ID names the student's folder and seeds their exercise, so it must be
safe as a file name on every system and mean one student only:

- 1 to 64 characters: letters and digits of any script (``josé.núñez``), and
  ``.`` ``_`` ``-`` ``@`` ``+`` ``'`` (e-mail logins such as ``a.b@uni.edu``),
  starting with a letter or digit; no spaces, slashes or control characters;
- normalised to Unicode NFC (an ``é`` typed as e + accent is the same student);
- two IDs that differ only in case are the same student (macOS and Windows
  folders would collide).

A roster is a UTF-8 text file (a byte-order mark and CRLF line ends are fine):
one ID a line, blank lines and ``# comments`` skipped; or a CSV export with a
header row and an ID column (:data:`ID_COLUMNS`).  Every bad line is reported
in one :class:`RosterError`, not just the first.
"""

import csv
import io
import re
import unicodedata

__all__ = ["check_student_id", "read_roster", "parse_roster", "read_roster_table",
           "roster_columns", "RosterError", "ID_COLUMNS",
           "MAX_ROSTER_BYTES", "MAX_STUDENTS", "same_student"]

MAX_ROSTER_BYTES = 2**20
"""Largest roster read (1 MiB: some 10,000 lines of a CSV export)."""

MAX_STUDENTS = 5000
"""Most students one roster may list."""

ID_COLUMNS = ("id", "student_id", "student id", "studentid", "login", "username", "user",
              "sis login id", "email", "e-mail")
"""Header names of a CSV roster's ID column, in the order they are looked for
(case and surrounding spaces ignored)."""

_ID = re.compile(r"[^\W_][\w.@+'-]{0,63}")


class RosterError(ValueError):
    """A roster that cannot be used; ``problems`` lists every bad line as one message each."""

    def __init__(self, source, problems):
        self.problems = list(problems)
        shown = "; ".join(self.problems[:5]) + ("; …" if len(self.problems) > 5 else "")
        count = len(self.problems)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''}: {shown}")


def check_student_id(student):
    """``student`` in NFC if it is a valid student ID (see the module docstring), else a
    ValueError naming the rule."""
    if isinstance(student, str):
        student = unicodedata.normalize("NFC", student)
        if _ID.fullmatch(student) and student not in (".", ".."):
            return student
    raise ValueError(f"student ID {_shown(student)} must be 1 to 64 letters or digits (any "
                     f"script) or '.', '_', '-', '@', '+', \"'\", starting with a letter or "
                     f"digit")


def same_student(student):
    """The key two IDs share when they name the same student (NFC, case folded)."""
    return unicodedata.normalize("NFC", student).casefold()


def _shown(x):
    # repr escapes control characters, so a hostile ID cannot forge terminal output
    text = repr(x)
    return text if len(text) <= 70 else text[:69] + "…"


def read_roster(path):
    """The student IDs of the roster file at ``path`` (see the module docstring).

    Raises :class:`RosterError` listing every problem: unreadable, too large, not
    UTF-8, a bad ID, a duplicate, no ID column, more than :data:`MAX_STUDENTS`."""
    return parse_roster(_roster_text(path), str(path))


def read_roster_table(path):
    """(the student IDs, {ID: {column header: cell}}) of the roster at ``path``: a CSV
    roster's other columns (name, e-mail, SIS IDs, section…) per student, {} for each
    student of a plain list.  Problems as :func:`read_roster`."""
    text = _roster_text(path)
    students = parse_roster(text, str(path))
    return students, roster_columns(text, students)


def roster_columns(text, students):
    """{ID: {column header as written, stripped: cell}} for the ``students`` of a
    roster's ``text`` (parsed with :func:`parse_roster`)."""
    columns = {s: {} for s in students}
    if not _is_csv(text):
        return columns
    index = {same_student(s): s for s in students}
    for _, student, row in _csv_rows(text, "roster"):
        key = student and same_student(check_student_id(student))
        if key in index:
            columns[index[key]] = row
    return columns


def _roster_text(path):
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_ROSTER_BYTES + 1)
    except OSError as e:
        raise RosterError(path, [f"cannot read the roster ({e.strerror or e})"]) from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise RosterError(path, [f"larger than {MAX_ROSTER_BYTES} bytes, the limit for a "
                                 f"roster"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RosterError(path, [f"not UTF-8 text (byte {e.start + 1}); save the roster as "
                                 f"UTF-8"]) from None
    return text


def _is_csv(text):
    first = next((line for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    return "," in first or "\t" in first or ";" in first


def parse_roster(text, source="roster"):
    """The student IDs of a roster's ``text`` (see :func:`read_roster`)."""
    lines = text.splitlines()
    if _is_csv(text):
        numbered = [(number, student) for number, student, _ in _csv_rows(text, source)]
    else:
        numbered = [(n, line.split("#", 1)[0].strip()) for n, line in enumerate(lines, 1)]
    students, problems, seen = [], [], {}
    for number, student in numbered:
        if student is None:
            problems.append(f"line {number}: no ID in the ID column")
            continue
        if not student:
            continue
        try:
            student = check_student_id(student)
        except ValueError as e:
            problems.append(f"line {number}: {e}")
            continue
        key = same_student(student)
        if key in seen:
            problems.append(f"line {number}: student ID {_shown(student)} appears twice "
                            f"(first on line {seen[key]})")
            continue
        seen[key] = number
        students.append(student)
    if len(students) > MAX_STUDENTS:
        problems.append(f"lists {len(students)} students, more than the limit of "
                        f"{MAX_STUDENTS}")
    if not students and not problems:
        problems.append("the roster lists no student IDs")
    if problems:
        raise RosterError(source, problems)
    return students


def _csv_rows(text, source):
    """(line number, ID, {header: cell}) of each row of a CSV roster, the ID from its ID
    column."""
    sample = next(line for line in text.splitlines() if line.strip())
    delimiter = max(",;\t", key=sample.count)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = None
    found = []
    for row in rows:
        number = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            names = row
            header = [cell.strip().casefold() for cell in row]
            column = next((header.index(name) for name in ID_COLUMNS if name in header), None)
            if column is None:
                raise RosterError(source, [f"line {number}: a CSV roster needs an ID column "
                                           f"named one of {', '.join(ID_COLUMNS)}; its header "
                                           f"is {_shown(row)}"])
            continue
        found.append((number, row[column].strip() if column < len(row) else None,
                      {name.strip(): cell.strip() for name, cell in zip(names, row)}))
    return found
