"""A realistic class: a roster as an LMS exports it, and what its students hand in.

``ROSTER_CSV`` is a CSV export (UTF-8 with a byte-order mark, CRLF line ends, a blank
line, accented names and e-mail logins).  :func:`hand_in` fills a ``returned/``
folder the way a teacher's download looks: some files named after the student,
some in a folder per student, and every kind of file a class really sends —
careful work in several styles, each classic slip, a ReLU sign slip, files that
cannot be read, files doctored to raise a grade, copies, and hostile strings.  It
returns what each student should get, stated from how the file was made (the
simulated students of :mod:`hand_students`), not from the grader.
"""

import json
from decimal import Decimal

from hand_students import SLIPS, Student, slip_layers

ROSTER_CSV = ("\ufeffid,name,email\r\n"
              + "".join(f"{sid},{name},{sid if '@' in sid else sid + '@uni.edu'}\r\n"
                        for sid, name in (
                            ("ann", "Ann Lee"), ("ben", "Ben Ode"), ("cleo", "Cleo Ng"),
                            ("josé.núñez", "José Núñez"), ("a.b@uni.edu", "A. B."),
                            ("dev", "Dev Rao"), ("eli", "Eli Roth"), ("fay", "Fay Wu"),
                            ("gus", "Gus Hale"), ("hana", "Hana Ito"), ("ivo", "Ivo Ma"),
                            ("jo", "Jo Kim"), ("kai", "Kai Lin"), ("lea", "Lea Sá"),
                            ("max", "Max Orr"), ("nia", "Nia Obi"), ("oli", "Oli Pax"),
                            ("pia", "Pia Qu"), ("quinn", "Quinn R"), ("rae", "Rae Su"),
                            ("sam", "Sam To"), ("tia", "Tia Uy"), ("uma", "Uma Vo"),
                            ("vic", "Vic Wu"), ("wes", "Wes Xi"), ("xan", "Xan Ye"),
                            ("yas", "Yas Zo"), ("zoe", "Zoe Ab"), ("alice", "Alice A"),
                            ("alice.key", "Alice K"), ("bo", "Bo B"), ("cy", "Cy C"),
                            ("di", "Di D"), ("ed", "Ed E"), ("flo", "Flo F"),
                            ("gil", "Gil G"), ("hal", "Hal H"), ("ida", "Ida I"),
                            ("jay", "Jay J"), ("kim", "Kim K"), ("lou", "Lou L"),
                            ("mo", "Mo M")))
              + "\r\n")
"""The roster: 42 students."""

CAREFUL = {   # student: (digits, carry, style)
    "ann": (4, "written", ()),
    "ben": (4, "exact", ()),
    "cleo": (6, "exact", ()),
    "josé.núñez": (3, "written", ()),
    "a.b@uni.edu": (4, "mixed", ("f_from_A", "bce_shortcut")),
    "dev": (5, "mixed", ("f_from_A",)),
}
SLIP_POOL = ("eli", "fay", "gus", "hana", "ivo", "jo", "kai", "lea", "max", "nia", "oli",
             "pia", "quinn", "rae", "sam", "tia", "uma", "vic", "wes", "xan", "yas", "zoe",
             "bo", "cy", "di", "ed")


def roster_ids():
    lines = ROSTER_CSV.lstrip("\ufeff").splitlines()[1:]
    return [line.split(",")[0] for line in lines if line.strip()]


def to_json(x):
    """JSON text with every Decimal written as typed (its digits kept: 0.5000, not 0.5)."""
    if isinstance(x, Decimal):
        return str(x)
    if isinstance(x, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {to_json(v)}"
                               for k, v in x.items()) + "}"
    if isinstance(x, list):
        return "[" + ", ".join(to_json(v) for v in x) + "]"
    return json.dumps(x, ensure_ascii=False)


def _with_header(blank, answers):
    """The blank answer file (header and network) with the student's numbers put in."""
    filled = dict(blank)
    for key, value in answers.items():
        if key != "layers":
            filled[key] = value
    filled["layers"] = answers["layers"]
    return filled


def _write(path, text, binary=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    if binary:
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def hand_in(class_dir, returned):
    """Fill ``returned`` with the class's files; return {student: expectation}.

    An expectation is a dict: ``status``; for graded files ``all_correct`` or the
    ``slip`` made ((code, layer, slipped (quantity, layer) set)), ``flags`` (codes that
    must be raised), and for rejected ones a ``reason`` fragment."""
    manifest = json.loads((class_dir / "teacher" / "manifest.json").read_text("utf-8"))
    from nn.explain.class_grade import read_manifest
    m = read_manifest(class_dir / "teacher")
    blank = {s: json.loads((class_dir / "students" / s / "answers.json").read_text("utf-8"))
             for s in manifest["students"]}
    expect = {}

    def careful(student, digits=4, carry="written", style=(), seed=0):
        answers, _ = Student(m.exercise(student), digits, carry, style, seed=seed).work()
        return _with_header(blank[student], answers)

    # careful work in several styles: by file name, and in a folder per student
    for n, (student, (digits, carry, style)) in enumerate(CAREFUL.items()):
        where = (returned / f"{student}.json" if n % 2 else
                 returned / student / "answers.json")
        _write(where, to_json(careful(student, digits, carry, style, seed=n)))
        expect[student] = {"status": "graded", "all_correct": True}

    # every classic slip that some student's exercise allows, each by its own student
    pool = list(SLIP_POOL)
    for code in SLIPS:
        for student in list(pool):
            layers = slip_layers(m.exercise(student), code)
            if layers:
                pool.remove(student)
                ex = m.exercise(student)
                answers, slipped = Student(ex, 4, "written", slip=(code, layers[-1])).work()
                reference, _ = Student(ex, 4, "written").work()
                if answers == reference:
                    continue   # the slip does not show on this exercise: try another
                _write(returned / f"{student}.answers.json",
                       to_json(_with_header(blank[student], answers)))
                expect[student] = {"status": "graded", "slip": (code, layers[-1], slipped)}
                break

    # a ReLU sign slip early on: z written with the wrong sign, the rest carried
    for student in list(pool):
        ex = m.exercise(student)
        if "relu" not in ex.activations:
            continue
        pool.remove(student)
        answers, _ = Student(ex, 4, "written", relu_sign_slip=True).work()
        _write(returned / student / "mine.json", to_json(_with_header(blank[student], answers)))
        expect[student] = {"status": "graded", "relu_sign_slip": True}
        break

    def doctored(student, change, expectation):
        pool.remove(student) if student in pool else None
        document = careful(student)
        change(document)
        _write(returned / f"{student}.json", to_json(document))
        expect[student] = dict({"status": "graded"}, **expectation)

    pool_iter = iter(list(pool))
    # the student sets their own rounding: 1 digit, and says so in the file
    doctored(next(pool_iter), lambda d: _one_digit(d), {"flags": ["policy_in_file"],
                                                       "diagnosis": "too_few_digits"})
    # deletes "exercise" and keeps one correct number: every asked entry still counts
    doctored(next(pool_iter), _keep_one_number, {"flags": [], "score_below": 0.1})
    # claims to be ann
    doctored(next(pool_iter), lambda d: d.__setitem__("student", "ann"),
             {"flags": ["student_field"], "all_correct": True})
    # hostile strings: a formula for a spreadsheet, a forged line for a terminal
    doctored(next(pool_iter), lambda d: d.update(
        student="=HYPERLINK(\"http://x.invalid\",\"ok\")",
        exercise="x\n\x1b[2Kann: score 30/30 = 100.0%\u202e"),
        {"flags": ["student_field", "exercise_field"], "all_correct": True})
    # adds policy fields and changes the learning rate in the header
    doctored(next(pool_iter), lambda d: d.update(carried_forward_credit=1, tolerances={"Z": 1},
                                                 lr=9.0),
             {"flags": ["policy_in_file", "header_field"], "all_correct": True})
    # one transposed matrix (W_new of layer 1 written as its transpose, if not square)
    transposer = next((s for s in pool_iter if _transposable(m.exercise(s))), None)
    if transposer:
        doctored(transposer, _transpose_w_new, {"flags": [], "diagnosis": "transposed"})

    # files that cannot be read
    rejected = {
        "bo": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF", True, "bo/answers.pdf"),
        "cy": ("", "the file is empty", False, "cy.json"),
        "di": ('{"loss": 0.25,}', "not valid JSON", False, "di.json"),
        "ed": ("quantity,value\nloss,0.25\n", "CSV", False, "ed.csv"),
        "flo": ('{"loss": "0.25"}', "without quotes", False, "flo.json"),
        "gil": ("[1, 2, 3]", "JSON list", False, "gil.json"),
    }
    for student, (content, reason, binary, name) in rejected.items():
        _write(returned / name, content, binary)
        expect[student] = {"status": "rejected", "reason": reason}
    # an edited network: all-zero weights
    edited = careful("hal")
    edited["network"]["weights"] = [[[0.0 for _ in row] for row in W]
                                    for W in edited["network"]["weights"]]
    _write(returned / "hal.json", to_json(edited))
    expect["hal"] = {"status": "rejected", "reason": "differs from hal's exercise"}
    # a copy of ann's file, handed in as ida's
    (returned / "ida.json").write_text(
        (returned / "ann" / "answers.json").read_text("utf-8"), "utf-8")
    expect["ida"] = {"status": "rejected", "reason": "ann's exercise",
                     "flags": ["other_students_exercise"]}
    expect["ann"]["flags"] = ["exercise_handed_in_by_another"]
    # ann's numbers typed into jay's own file: identical answers
    copied = json.loads(to_json(careful("ann")))
    copied["network"] = blank["jay"]["network"]
    copied["student"] = "jay"
    copied["exercise"] = blank["jay"]["exercise"]
    _write(returned / "jay.json", json.dumps(copied))
    expect["jay"] = {"status": "graded", "flags": ["identical"]}
    expect["ann"]["flags"].append("identical")
    # two answer files in one folder
    _write(returned / "kim" / "draft.json", to_json(careful("kim")))
    _write(returned / "kim" / "final.json", to_json(careful("kim")))
    expect["kim"] = {"status": "rejected", "reason": "files that could be the answer file"}
    # the blank answer file, handed in unchanged
    _write(returned / "alice.key.json", json.dumps(blank["alice.key"]))
    expect["alice.key"] = {"status": "graded", "score": 0.0}
    # alice, lou, mo hand in nothing; a file matches no one
    for student in ("alice", "lou", "mo"):
        expect[student] = {"status": "missing"}
    _write(returned / "zed.json", "{}")
    for student in roster_ids():
        expect.setdefault(student, {"status": "missing"})
    return expect


def _one_digit(document):
    document["digits"] = 1

    def one(x):
        if isinstance(x, list):
            return [one(v) for v in x]
        return None if x is None else Decimal(f"{float(x):.1g}")
    for entries in document["layers"].values():
        for key in entries:
            entries[key] = one(entries[key])
    for key in ("loss", "losses"):
        if key in document:
            document[key] = one(document[key])


def _keep_one_number(document):
    del document["exercise"]
    z = document["layers"]["1"]["Z"]
    for key in [k for k in document if k not in ("network", "student", "format", "version")]:
        del document[key]
    document["layers"] = {"1": {"Z": [[v if (j, i) == (0, 0) else None
                                        for i, v in enumerate(row)]
                                       for j, row in enumerate(z)]}}


def _transposable(exercise):
    return exercise.sizes[0] != exercise.sizes[1] and exercise.sizes[0] > 1


def _transpose_w_new(document):
    w = document["layers"]["1"]["W_new"]
    document["layers"]["1"]["W_new"] = [list(col) for col in zip(*w)]
