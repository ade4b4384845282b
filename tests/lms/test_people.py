"""Who a student is in each system: roster columns, platform identifiers, LMS download names."""

import shutil

import pytest
from conftest import lms_roster_csv, lms_row

from realistic_class import roster_ids

from nn.explain.class_grade import grade_class
from nn.explain.roster import read_roster_table
from nn.lms.people import Directory, Person, people_of, read_people


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeff" + lms_roster_csv().replace("\n", "\r\n"), encoding="utf-8")
    return path


def test_a_csv_roster_keeps_every_column_per_student(roster):
    students, columns = read_roster_table(roster)
    assert students == roster_ids()
    assert columns["josé.núñez"]["email"] == "josé.núñez@uni.edu"
    assert columns["ann"]["name"] == "Lee, Ann"


def test_people_read_the_lms_columns_by_their_usual_headers(roster):
    ann = {p.student: p for p in read_people(roster)}["ann"]
    row = lms_row("ann")
    assert (ann.email, ann.sis_user_id, ann.lms_id, ann.section, ann.id_number) == (
        row["email"], row["sis user id"], row["canvas id"], row["section"], row["id number"])
    assert ann.participant == row["participant"].split()[-1]   # "Participant 70000" -> digits
    assert ann.full_name == "Lee, Ann" and ann.login == "ann"


def test_a_plain_roster_gives_people_with_only_their_ids(tmp_path):
    path = tmp_path / "roster.txt"
    path.write_text("ann\na.b@uni.edu\n", encoding="utf-8")
    ann, ab = read_people(path)
    assert ann == Person("ann") and ab.address == "a.b@uni.edu" and ann.address == ""


def test_a_roster_id_column_of_logins_is_never_taken_for_a_canvas_user_id():
    ann, bo = people_of(["ann", "48213"], {"ann": {"id": "ann", "name": "Ann Lee"},
                                           "48213": {"id": "48213", "name": "Bo Bo"}})
    assert ann.lms_id == "" and bo.lms_id == "48213"


def test_the_directory_matches_each_kind_of_identifier_only_with_its_own_column(roster):
    directory = Directory(read_people(roster))
    row = lms_row("ben")
    assert directory.find(email=row["email"].upper()) == "ben"     # e-mail case ignored
    assert directory.find(student_number=row["sis user id"]) == "ben"
    assert directory.find(student_number=row["id number"]) == "ben"
    assert directory.find(email="a.b@uni.edu") == "a.b@uni.edu"
    # Gradescope's user 48001 is not Canvas's user 48001
    assert directory.find(gradescope_id=row["canvas id"]) is None
    assert directory.find(email="nobody@uni.edu", student_number="S9") is None


def test_an_identifier_two_students_share_names_neither():
    directory = Directory([Person("ann", email="shared@uni.edu"),
                           Person("ben", email="shared@uni.edu"),
                           Person("cy", email="cy@uni.edu")])
    assert directory.find(email="shared@uni.edu") is None
    assert directory.find(email="cy@uni.edu") == "cy"


def test_lms_download_names_are_matched_to_students(roster):
    directory = Directory(read_people(roster))
    ann, ben = lms_row("ann"), lms_row("ben")
    participant = ann["participant"].split()[-1]
    assert directory.whose(f"Ann Lee_{participant}_assignsubmission_file_") == "ann"
    # by name when the number is not on the roster
    assert directory.whose("Lee, Ann_99999_assignsubmission_file_") == "ann"
    assert directory.whose(f"odeben_{ben['canvas id']}_1234567_answers.json") == "ben"
    assert directory.whose(f"odeben_LATE_{ben['canvas id']}_1234567_answers-1.json") == "ben"
    assert directory.whose("leeann_1_2_answers.json") == "ann"       # Canvas's name key
    assert directory.whose("answers.json") is None
    assert directory.whose("Nobody_1_assignsubmission_file_") is None


def test_an_lms_download_is_graded_student_by_student(course, tmp_path):
    """Moodle's folders and Canvas's flat files, as their "download all" lays them out."""
    directory = Directory(read_people(course["roster"]))
    returned = course["returned"]
    moodle = tmp_path / "moodle"
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    ann, ben = lms_row("ann"), lms_row("ben")
    participant = ann["participant"].split()[-1]
    folder = moodle / f"Ann Lee_{participant}_assignsubmission_file_"
    folder.mkdir(parents=True)
    shutil.copy(returned / "ann" / "answers.json", folder / "answers.json")
    ben_file = next(p for p in (returned / "ben.json", returned / "ben" / "answers.json")
                    if p.exists())
    shutil.copy(ben_file, canvas / f"odeben_LATE_{ben['canvas id']}_7654321_answers.json")
    (canvas / "zzz_1_2_notes.json").write_text("{}", encoding="utf-8")
    result = grade_class(course["teacher"], [moodle, canvas], whose=directory.whose)
    by = {r.student: r for r in result.results}
    assert by["ann"].status == "graded" and by["ann"].all_correct
    assert by["ben"].status == "graded" and by["ben"].all_correct
    assert [p.split("/")[-1] for p, _ in result.unmatched] == ["zzz_1_2_notes.json"]
