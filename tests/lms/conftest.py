"""A realistic class for the LMS exports: the grader's class (tests/explain/realistic_class.py),
its roster carrying what each LMS calls the students, made and graded once per session."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "explain"))
from graded_class import graded_class  # noqa: E402
from realistic_class import ROSTER_CSV  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def lms_roster_csv():
    """The class roster with LMS columns: a "Last, First" name, e-mail, SIS user ID,
    Canvas user ID, section, Moodle participant and ID number."""
    lines = ["id,name,email,sis user id,canvas id,section,participant,id number"]
    rows = [r for r in ROSTER_CSV.lstrip("\ufeff").splitlines()[1:] if r.strip()]
    for n, row in enumerate(rows):
        sid, name, email = row.split(",")
        first, _, last = name.rpartition(" ")
        lines.append(f'{sid},"{last}, {first}",{email},S{1000 + n},{48000 + n},'
                     f'{"Tue" if n % 2 else "Thu"} lab,Participant {70000 + n},N{5000 + n}')
    return "\n".join(lines) + "\n"


def lms_row(student):
    """{column: value} of ``student`` in :func:`lms_roster_csv`."""
    import csv
    import io
    for row in csv.DictReader(io.StringIO(lms_roster_csv())):
        if row["id"] == student:
            return row
    raise KeyError(student)


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """The class graded (:func:`graded_class.graded_class`), with its LMS roster."""
    root = tmp_path_factory.mktemp("lms-course")
    roster = root / "roster.csv"
    roster.write_text(lms_roster_csv(), encoding="utf-8")
    return dict(graded_class(root), roster=roster)
