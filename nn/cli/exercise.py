"""``backprop exercise``: per-student worksheets and answer files, keys for the teacher.

Writes one new class folder ``--out DIR`` (:mod:`nn.explain.class_files`):
``DIR/students/ID/`` (worksheet.md, .html, .tex and the blank answers.json) to hand
out, and ``DIR/teacher/`` (manifest.json and keys/ID/key.json, key.md) to keep.  The
class appears whole or not at all.  The exercise is drawn from SHA-256 of the course
seed (``--course``) and the ID, so it is the same on every run; ``--manifest`` makes
any student's set again, byte for byte, from a class's manifest.  ``--formulas`` adds
formula questions to every sheet and answer file (:mod:`nn.explain.formula_questions`).
"""

import argparse
import sys

from .options import (PROG, CommandError, digits as digits_option, int_at_least,
                      positive_float, report_written)
from ..explain.class_files import write_class
from ..explain.class_grade import read_manifest
from ..explain.exercise import COURSE_SEED, HIDDEN_CHOICES, LOSS_CHOICES, check_formula_weight
from ..losses import LOSSES
from ..explain.manifest import Manifest, ManifestError
from ..explain.class_files import find_teacher_folder
from ..explain.policy import Policy
from ..explain.latex_pdf import LATEX_ENGINES, find_engine
from ..explain.roster import RosterError, check_student_id, read_roster

__all__ = ["add_exercise_parser", "run_exercise", "load_roster", "add_choice_options",
           "class_settings"]

_EPILOG = """\
examples:
  backprop exercise --students roster.txt --course "ml-2026-spring" --out class
  backprop exercise --count 30 --sizes 2-2-2-1 --loss bce --batch 2 --course c1 --out class
  backprop exercise --manifest class --student alice --out again   (a lost sheet, remade)
  backprop exercise --count 30 --formulas --formula-weight 2 --course c1 --out class
hand out class/students/ID/; after the students fill in answers.json:
  backprop grade --keys class returned/ --format csv --out marks.csv
"""

_CHOICE_FLAGS = ("course", "sizes", "hidden", "loss", "batch", "lr", "digits", "formulas",
                 "formula_weight")


def _sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split("-"))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or sizes[-1] != 1 or not all(1 <= n <= 4 for n in sizes):
        raise argparse.ArgumentTypeError(f"must be layer sizes n_0-…-n_L with 1 to 4 neurons "
                                         f"each and one output, e.g. 2-2-1; got {text!r}")
    return sizes


def load_roster(path, undone, read=read_roster):
    """The roster at ``path`` as ``read`` reads it (default: its IDs); on problems, one
    stderr line each, then a CommandError saying ``undone`` ("nothing was written")."""
    try:
        return read(path)
    except RosterError as e:
        for problem in e.problems:
            print(f"{PROG}: error: {path}: {problem}", file=sys.stderr)
        count = len(e.problems)
        raise CommandError(f"{path}: {count} roster problem{'s' if count != 1 else ''}; "
                           f"{undone}") from None


def _students(args):
    if args.students:
        return load_roster(args.students, "nothing was written")
    if args.count:
        width = max(len(str(args.count)), 2)
        return [f"student{n:0{width}d}" for n in range(1, args.count + 1)]
    try:
        return [check_student_id(args.student)]
    except ValueError as e:
        raise CommandError(str(e)) from None


def class_settings(args):
    """The class settings (a Manifest without students): from --manifest, or from the
    flags of :func:`add_choice_options`."""
    if args.manifest:
        given = [f"--{name.replace('_', '-')}" for name in _CHOICE_FLAGS
                 if getattr(args, name) is not None]
        if given:
            raise CommandError(f"{', '.join(given)} cannot be combined with --manifest: the "
                               f"manifest fixes the course seed and every choice")
        teacher = find_teacher_folder(args.manifest)
        if teacher is None:
            raise CommandError(f"{args.manifest}: no class manifest here or in its teacher/ "
                               f"folder")
        try:
            return read_manifest(teacher)
        except ManifestError as e:
            raise CommandError(str(e)) from None
    if args.formula_weight is not None and not args.formulas:
        raise CommandError("--formula-weight goes with --formulas (the formula questions it "
                           "weighs)")
    digits = args.digits or Policy.digits
    choices = {"sizes": args.sizes, "hidden": args.hidden, "loss": args.loss, "m": args.batch,
               "lr": args.lr}
    formulas = {"weight": args.formula_weight or 1} if args.formulas else None
    return Manifest(args.course or COURSE_SEED, choices, Policy(digits=digits),
                    formulas=formulas)


def run_exercise(args):
    """``backprop exercise``: make every student's set and the manifest, in one new folder."""
    students = _students(args)
    manifest = class_settings(args)
    if manifest.public_course_seed:
        print(f"{PROG}: warning: the course seed is the public default {COURSE_SEED!r}: anyone "
              f"can make these keys; give your own with --course", file=sys.stderr)
    try:
        exercises = [manifest.exercise(s) for s in students]
    except ValueError as e:
        raise CommandError(str(e)) from None
    engine = None
    if args.pdf:
        engine = find_engine()
        if engine is None:
            raise CommandError(f"--pdf needs LaTeX ({', '.join(LATEX_ENGINES)}); none is on "
                               f"the PATH. Nothing was written: install a TeX distribution, "
                               f"or leave out --pdf (each worksheet.tex says how to compile "
                               f"it)")

    def pdf_failed(student, message):
        print(f"{PROG}: warning: {student}: no PDF ({message}); the .tex is there",
              file=sys.stderr)
    try:
        write_class(manifest.with_students(exercises), exercises, args.out, engine,
                    pdf_failed)
    except OSError as e:
        raise CommandError(f"cannot write the class into {args.out}: {e.strerror or e}") \
            from None
    what = (f"exercise of {students[0]}" if len(students) == 1
            else f"{len(students)} exercises")
    report_written(f"{what} (students/ to hand out, teacher/ to keep)", args.out)
    return 0


def add_exercise_parser(commands):
    """Register ``backprop exercise`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "exercise", help="make per-student backprop worksheets, answer files and keys",
        description="Draw a small network with numbers pleasant by hand, different and "
                    "reproducible per student, and write each student's worksheet "
                    "(Markdown, HTML, LaTeX) and blank answer file into DIR/students/ID/, "
                    "and the keys and the class manifest into DIR/teacher/.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--student", metavar="ID", help="one student's ID (e.g. alice)")
    who.add_argument("--students", metavar="ROSTER",
                     help="a roster: one ID a line, or a CSV with an id column")
    who.add_argument("--count", type=int_at_least(1), metavar="N",
                     help="N exercises for students student01 … studentN")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="the new class folder to write (must not exist, or be empty)")
    p.add_argument("--manifest", metavar="CLASS",
                   help="make the sets again from this class's manifest (its course seed "
                        "and choices), e.g. a lost sheet")
    p.add_argument("--pdf", action="store_true",
                   help="also compile each worksheet to worksheet.pdf (needs LaTeX: "
                        "pdflatex, lualatex, xelatex or tectonic on the PATH)")
    add_choice_options(p)
    p.set_defaults(run=run_exercise)


def add_choice_options(p):
    """The options that choose a class's exercises: --course, --sizes, --hidden, --loss,
    --batch, --lr, --digits (read by :func:`class_settings`)."""
    p.add_argument("--course", metavar="SEED",
                   help=f"course seed: with the ID it fixes each exercise (default "
                        f"{COURSE_SEED!r}, public: set your own so students cannot make the "
                        f"keys)")
    p.add_argument("--sizes", type=_sizes, metavar="N0-…-NL",
                   help="layer sizes, e.g. 2-2-1 (default: drawn per student)")
    p.add_argument("--hidden", choices=HIDDEN_CHOICES,
                   help="hidden activation (default: drawn)")
    p.add_argument("--loss", choices=LOSS_CHOICES,
                   help="loss (default: drawn); its output layer: " + ", ".join(
                       f"{name} {LOSSES[name].output}" for name in LOSS_CHOICES))
    p.add_argument("--batch", type=int_at_least(1), metavar="M",
                   help="batch size m, 1 … 4 (default: drawn with the sizes)")
    p.add_argument("--lr", type=positive_float, metavar="ALPHA",
                   help="learning rate α (default: drawn, 0.1 or 0.5)")
    p.add_argument("--digits", type=digits_option, metavar="N",
                   help=f"significant digits the sheet asks for (default {Policy.digits})")
    p.add_argument("--formulas", action="store_true", default=None,
                   help="also ask formulas, typed as text and checked against the engine: "
                        "f′ of the output activation, δ^[L], the δ recursion, ∂L/∂W^[l]")
    p.add_argument("--formula-weight", type=_weight, metavar="POINTS",
                   help="points each formula question is worth (default 1, as one number)")


def _weight(text):
    """Option type: a formula question's points (a whole number is kept whole: 2, not 2.0)."""
    value = positive_float(text)
    try:
        return check_formula_weight(int(value) if value.is_integer() else value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
