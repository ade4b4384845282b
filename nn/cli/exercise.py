"""``backprop exercise``: per-student worksheets, blank answer files and answer keys.

For each student ID, writes into ``--out DIR``::

    ID.md             the worksheet (Markdown)
    ID.html           the worksheet (a standalone HTML page)
    ID.tex            the worksheet (LaTeX, a standalone document)
    ID.answers.json   the blank answer file: every asked entry, each number null
    ID.key.json       the answer key (the answer file filled in; grades as all correct)
    ID.key.md         the key as the layer-by-layer tables of `backprop explain`

Every file is written atomically.  The exercise is drawn from SHA-256 of the
course seed (``--course``) and the ID, so it is the same on every run.
"""

import argparse
import json
import os
from pathlib import Path

from autograd.files import write_atomically

from .options import CommandError, int_at_least, positive_float, report_written
from ..explain.exercise import COURSE_SEED, HIDDEN, LOSS_OUTPUT, check_student_id, make_exercise
from ..explain.grade import Policy
from ..explain.render import render
from ..explain.worksheet import to_html, to_latex, to_markdown

__all__ = ["add_exercise_parser", "run_exercise", "write_exercise", "read_roster"]

_EPILOG = """\
examples:
  backprop exercise --student alice --out sheets
  backprop exercise --students roster.txt --course "ml-2026-spring" --out sheets
  backprop exercise --count 30 --sizes 2-2-2-1 --loss bce --batch 2 --out sheets
then, after the students fill in their ID.answers.json:
  backprop grade sheets/*.answers.json --format csv --out class.csv
"""


def read_roster(path):
    """Student IDs from a roster file: one per line; blank lines and # comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(f"{path}: cannot read the roster ({e})") from None
    students, seen = [], set()
    for number, line in enumerate(lines, 1):
        student = line.split("#", 1)[0].strip()
        if not student:
            continue
        try:
            check_student_id(student)
        except ValueError as e:
            raise CommandError(f"{path} line {number}: {e}") from None
        if student in seen:
            raise CommandError(f"{path} line {number}: student ID {student!r} appears twice")
        seen.add(student)
        students.append(student)
    if not students:
        raise CommandError(f"{path}: the roster lists no student IDs")
    return students


def _sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split("-"))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or sizes[-1] != 1 or not all(1 <= n <= 4 for n in sizes):
        raise argparse.ArgumentTypeError(f"must be layer sizes n_0-…-n_L with 1 to 4 neurons "
                                         f"each and one output, e.g. 2-2-1; got {text!r}")
    return sizes


def write_exercise(exercise, out, policy):
    """Write the six files of ``exercise`` into the directory ``out``; return their paths."""
    stem = os.path.join(out, exercise.student)
    answers = f"{exercise.student}.answers.json"
    key = exercise.answer_key()
    key["digits"] = policy.digits
    blank = exercise.answer_file()
    blank["digits"] = policy.digits
    files = {f"{stem}.md": to_markdown(exercise, policy, answers),
             f"{stem}.html": to_html(exercise, policy, answers),
             f"{stem}.tex": to_latex(exercise, policy, answers),
             f"{stem}.answers.json": json.dumps(blank, indent=2) + "\n",
             f"{stem}.key.json": json.dumps(key, indent=2) + "\n",
             f"{stem}.key.md": render(exercise.derivation(), "markdown",
                                      digits=policy.digits + 2)}
    for path, text in files.items():
        write_atomically(path, text)
    return list(files)


def run_exercise(args):
    """``backprop exercise``: make every student's files."""
    if args.students:
        students = read_roster(args.students)
    elif args.count:
        width = len(str(args.count))
        students = [f"student{n:0{max(width, 2)}d}" for n in range(1, args.count + 1)]
    else:
        students = [args.student]
    try:
        policy = Policy(digits=args.digits, min_digits=max(args.digits - 1, 1))
        exercises = [make_exercise(s, course=args.course, sizes=args.sizes, hidden=args.hidden,
                                   loss=args.loss, m=args.batch, lr=args.lr) for s in students]
    except ValueError as e:
        raise CommandError(str(e)) from None
    try:
        os.makedirs(args.out, exist_ok=True)
        for exercise in exercises:
            write_exercise(exercise, args.out, policy)
    except OSError as e:
        raise CommandError(f"cannot write into {args.out}: {e.strerror or e}") from None
    what = (f"exercise of {students[0]}" if len(students) == 1
            else f"{len(students)} exercises (worksheets, answer files, keys)")
    report_written(what, args.out)
    return 0


def add_exercise_parser(commands):
    """Register ``backprop exercise`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "exercise", help="make per-student backprop worksheets, answer files and keys",
        description="Draw a small network with numbers pleasant by hand, different and "
                    "reproducible per student, and write its worksheet (Markdown, HTML, "
                    "LaTeX), "
                    "a blank answer file and the answer key.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--student", metavar="ID", help="one student's ID (e.g. alice)")
    who.add_argument("--students", metavar="ROSTER", help="a file of student IDs, one a line")
    who.add_argument("--count", type=int_at_least(1), metavar="N",
                     help="N exercises for students student01 … studentN")
    p.add_argument("--out", default=".", metavar="DIR",
                   help="directory to write into (created if missing; default .)")
    p.add_argument("--course", default=COURSE_SEED, metavar="SEED",
                   help=f"course seed: with the ID it fixes each exercise (default "
                        f"{COURSE_SEED!r}; set your own so students cannot make the keys)")
    p.add_argument("--sizes", type=_sizes, metavar="N0-…-NL",
                   help="layer sizes, e.g. 2-2-1 (default: drawn per student)")
    p.add_argument("--hidden", choices=HIDDEN + ("tanh", "linear"),
                   help="hidden activation (default: drawn)")
    p.add_argument("--loss", choices=tuple(LOSS_OUTPUT),
                   help="loss (default: drawn); bce has a sigmoid output, half_mse a linear "
                        "one, squared_error a sigmoid one")
    p.add_argument("--batch", type=int_at_least(1), metavar="M",
                   help="batch size m, 1 … 4 (default: drawn, 1 or 2)")
    p.add_argument("--lr", type=positive_float, metavar="ALPHA",
                   help="learning rate α (default: drawn, 0.1 or 0.5)")
    p.add_argument("--digits", type=int_at_least(2), default=Policy.digits, metavar="N",
                   help=f"significant digits the sheet asks for (default {Policy.digits})")
    p.set_defaults(run=run_exercise)
