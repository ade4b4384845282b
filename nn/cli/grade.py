"""``backprop grade``: grade a class's answer files against the teacher's keys.

With ``--keys`` (the class folder ``backprop exercise`` wrote, or its ``teacher/``
folder) every roster student gets one row: graded, missing or rejected with the
reason (:mod:`nn.explain.class_grade`).  Identity comes from where the files are,
the network from each student's key, and the policy from the class manifest or the
flags: nothing in a student's file decides their grade.

Without ``--keys`` a hand-derived file is graded against the network it names
(``"network": "FILE"``, an example name, or ``--network``): practice, not marks.
An answer file of an exercise is refused there: it is graded with ``--keys``.
"""

import argparse
import os
import sys

from autograd.files import write_atomically

from .exercise import load_roster
from .options import (PROG, CommandError, check_writable_directory, digits as digits_option,
                      non_negative_float, report_written)
from ..explain.class_files import find_teacher_folder
from ..explain.class_grade import grade_class, read_manifest
from ..explain.class_summary import write_summary
from ..explain.feedback import write_feedback
from ..explain.grade_report import REPORTS
from ..explain.marks import DEFAULT_POINTS, Marking, parse_weights
from ..lms.gradebook import GRADEBOOKS
from ..lms.people import Directory, Person, read_people
from ..explain.manifest import ManifestError
from ..explain.policy import Policy
from ..explain.practice import grade_practice
from ..explain.quantities import BY_NAME

__all__ = ["add_grade_parser", "run_grade", "load_teacher", "points_option",
           "weights_option", "writable_file"]

_EPILOG = """\
Marks: --points P sets the maximum (default 100) and --weights the share of each
quantity (default 1 each; a part such as update shares its weight among its
quantities), so one slip costs the same share on every student's network.  Gradebooks:
--format canvas (Student, ID, SIS User ID, SIS Login ID, Section, <assignment> and a
Points Possible row), moodle (map "ID number" to useridnumber or "Email address" to
useremail), nbgrader (its grade-export columns).  A CSV roster's columns name each
student as the LMS knows them (email, sis user id, canvas id, section, id number,
participant): roster IDs need not be LMS logins, and folders of an LMS download
(Moodle's "Full Name_12345_assignsubmission_file_", Canvas's "leeann_12345_678_x.json")
are matched to students.

Verdicts per number: correct (diagnosis "rounding" when it agrees only within the
rounding of the digits shown), carried_forward (wrong against the key, right for the
student's own earlier numbers), wrong (with the classic mistake that reproduces the
number, when one does), missing.  Each roster student is graded, missing or rejected
(with the reason).  Exit status 0 when every student handed in an all-correct file and
nothing is flagged, 1 otherwise, 2 on bad input.

examples:
  backprop grade --keys class returned/             one folder or file per student
  backprop grade --keys class returned/ --roster roster.csv --format csv --out marks.csv
  backprop grade --keys class returned/ --roster roster.csv --format canvas --points 10 \
      --weights delta=2,update=1 --assignment "Backprop 1" --out canvas.csv \
      --feedback feedback/ --summary summary.html
  backprop grade my_hand.json --network my_net.json     practice, not against a key
"""


def _flag_policy(args, base):
    """The policy: ``base`` (the manifest's, or the default) with the flags given."""
    changes = {"digits": args.digits, "min_digits": args.min_digits,
               "carried_forward_credit": args.carried_forward_credit}
    changes = {k: v for k, v in changes.items() if v is not None}
    if args.tolerance:
        changes["tolerances"] = dict(base.tolerances, **dict(args.tolerance))
    if "digits" in changes and "min_digits" not in changes:
        changes["min_digits"] = max(changes["digits"] - 1, 1)
    if not changes:
        return base, None
    merged = dict(digits=base.digits, min_digits=base.min_digits,
                  carried_forward_credit=base.carried_forward_credit,
                  tolerances=dict(base.tolerances))
    merged.update(changes)
    try:
        return Policy(**merged), "flags " + ", ".join(f"--{k.replace('_', '-')}"
                                                      for k in changes)
    except ValueError as e:
        raise CommandError(str(e)) from None


def _practice(args):
    """Hand-derived files graded against the networks they name (no keys); each file
    that cannot be graded is one error line."""
    policy, source = _flag_policy(args, Policy())
    result, failed = grade_practice(args.submissions, args.network, policy, source)
    for _, reason in failed:
        print(f"{PROG}: error: {' '.join(reason.split())}", file=sys.stderr)
    return result, bool(failed)


def load_teacher(keys):
    """(teacher folder, Manifest) of the class folder ``keys``; CommandError if none."""
    teacher = find_teacher_folder(keys)
    if teacher is None:
        raise CommandError(f"{keys}: no class manifest here or in {keys}/teacher; "
                           f"--keys is the folder `{PROG} exercise --out` wrote")
    try:
        return teacher, read_manifest(teacher)
    except ManifestError as e:
        raise CommandError(str(e)) from None


def _class(args):
    """(ClassResult, manifest, {ID: Person}) of the class."""
    teacher, manifest = load_teacher(args.keys)
    people = (load_roster(args.roster, "nothing was graded", read_people) if args.roster
              else [Person(s) for s in manifest.students])
    directory = Directory(people)
    policy, source = _flag_policy(args, manifest.policy)
    result = grade_class(teacher, args.submissions, roster=[p.student for p in people],
                         policy=policy if source else None, policy_source=source,
                         whose=directory.whose)
    return result, manifest, directory.by_student()


def _write(text, path, what):
    write_atomically(path, text)
    report_written(what, path)


def _outputs(args, result, manifest, people):
    """Write the report (or print it), the feedback files and the summary."""
    marking = Marking(args.points, args.weights or {})
    if args.format in GRADEBOOKS:
        report = GRADEBOOKS[args.format](result, people, marking, args.assignment,
                                         args.blank_missing)
    else:
        report = REPORTS[args.format](result)
    if args.out:
        _write(report, args.out, f"{args.format} report")
    else:
        sys.stdout.write(report)
    if args.feedback:
        exercises = {s: manifest.exercise(s) for s in (manifest.students if manifest else ())}
        try:
            written = write_feedback(result, exercises, args.feedback, marking)
        except OSError as e:
            raise CommandError(f"cannot write the feedback into {args.feedback}: "
                               f"{e.strerror or e}") from None
        report_written(f"feedback of {len(written) // 2} students (Markdown and HTML)",
                       args.feedback)
    if args.summary:
        write_summary(result, args.summary, marking)
        report_written("class summary", args.summary)


def run_grade(args):
    """``backprop grade``: grade the class (or practice files); print or write the report,
    the students' feedback and the class summary."""
    if args.network and args.keys:
        raise CommandError("--network is for practice files; with --keys each student's "
                           "network is the one in their key")
    if args.roster and not args.keys:
        raise CommandError("--roster needs --keys (the class the roster belongs to)")
    if not args.keys and args.format in GRADEBOOKS:
        raise CommandError(f"--format {args.format} writes a gradebook: it needs --keys (the "
                           f"class), not practice files")
    if args.keys:
        (result, manifest, people), failed = _class(args), False
    else:
        (result, failed), manifest, people = _practice(args), None, {}
    if not result.results:   # every file failed, each error said: no empty report
        return 2
    _outputs(args, result, manifest, people)
    if failed:
        return 2
    return 0 if result.all_correct else 1


def _credit(text):
    value = non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text!r}")
    return value


def _tolerance(text):
    name, sep, value = text.partition("=")
    if not sep or name not in BY_NAME:
        raise argparse.ArgumentTypeError(f"must be QUANTITY=RTOL with a quantity of "
                                         f"{', '.join(BY_NAME)}; got {text!r}")
    rtol = _credit(value)
    return name, rtol


def writable_file(text):
    """Option type: a file to write in an existing, writable directory."""
    check_writable_directory(os.path.dirname(os.path.abspath(text)), text)
    return text


def points_option(text):
    """Option type: the marks for a fully correct sheet, a number > 0."""
    value = non_negative_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def weights_option(text):
    """Option type: per-quantity weights, ``delta=2,update=1``
    (:func:`nn.explain.marks.parse_weights`)."""
    try:
        return parse_weights(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _summary_file(text):
    if not text.lower().endswith((".html", ".htm", ".md")):
        raise argparse.ArgumentTypeError(f"must end in .html or .md, got {text!r}")
    return writable_file(text)


def _feedback_folder(text):
    parent = os.path.dirname(os.path.abspath(text))
    check_writable_directory(parent, text)
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    return text


def add_grade_parser(commands):
    """Register ``backprop grade`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "grade", help="grade a class's answer files against the keys, with error carried "
                      "forward",
        description="Grade answer files entry by entry against the teacher's keys, marking "
                    "later entries against the student's own earlier numbers and naming "
                    "the classic mistake behind a wrong number. Every roster student gets "
                    "one row: graded, missing or rejected with the reason.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="answer files, or folders of them (one file named after each "
                        "student, or one folder per student)")
    p.add_argument("--keys", metavar="CLASS",
                   help="the class folder `backprop exercise --out` wrote (or its teacher/ "
                        "folder): grade against each student's key, with the manifest's "
                        "policy")
    p.add_argument("--roster", metavar="FILE",
                   help="the students to report (one ID a line, or a CSV with an id "
                        "column); default: the manifest's students")
    p.add_argument("--format", choices=tuple(REPORTS) + tuple(GRADEBOOKS), default="text",
                   help="report format: text (default), json (every entry), csv (one row "
                        "per student), or a gradebook to import: canvas, moodle, nbgrader")
    p.add_argument("--points", type=points_option, default=DEFAULT_POINTS, metavar="P",
                   help=f"marks for a fully correct sheet, in gradebooks, feedback and the "
                        f"summary (default {DEFAULT_POINTS:g})")
    p.add_argument("--weights", type=weights_option, metavar="Q=W,…",
                   help="each quantity's share of the points (default 1 each), e.g. "
                        "delta=2,update=1; names: Z, A, losses, loss, dA, f_prime, dZ "
                        "(delta), dW, db, W_new, b_new, or a part: forward, backward, "
                        "gradients, update")
    p.add_argument("--assignment", default="Backprop exercise", metavar="NAME",
                   help="the assignment's column name in a gradebook (Canvas: add its "
                        "number to update one, e.g. \"Backprop 1 (4521)\")")
    p.add_argument("--blank-missing", action="store_true",
                   help="in a gradebook, leave a missing or rejected student's cell blank "
                        "instead of 0")
    p.add_argument("--feedback", type=_feedback_folder, metavar="DIR",
                   help="also write each student's feedback, DIR/ID.md and DIR/ID.html")
    p.add_argument("--summary", type=_summary_file, metavar="FILE",
                   help="also write the class summary (.html with bar charts, or .md)")
    p.add_argument("--out", metavar="FILE", type=writable_file,
                   help="write the report to FILE (atomically) instead of standard output")
    p.add_argument("--network", metavar="FILE",
                   help="practice only: network file or example name for hand-derived "
                        "files that name none")
    p.add_argument("--digits", type=digits_option, metavar="N",
                   help="significant digits asked (default: the class manifest's, else 4)")
    p.add_argument("--min-digits", type=digits_option, metavar="N",
                   help="fewest digits that still count as a rounding (default digits − 1)")
    p.add_argument("--carried-forward-credit", type=_credit, metavar="X",
                   help="points for a carried-forward entry, 0 … 1 (default: the "
                        "manifest's, else 1)")
    p.add_argument("--tolerance", type=_tolerance, action="append", metavar="Q=RTOL",
                   help="rtol of quantity Q for carried rounding (repeatable), e.g. dW=2e-3")
    p.set_defaults(run=run_grade)
