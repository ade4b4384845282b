"""``backprop gradescope``: build a class's Gradescope autograder, and run it inside Gradescope.

``build`` writes the zip to upload as the assignment's autograder
(:mod:`nn.lms.gradescope`); ``run`` is what its ``run_autograder`` calls for each
submission.
"""

import argparse
import os

from .exercise import load_roster
from .grade import points_option, weights_option, load_teacher, writable_file
from .options import CommandError, report_written
from ..explain.marks import DEFAULT_POINTS, Marking
from ..lms.gradescope import ROOT_VARIABLE, VISIBILITIES, autograder_root, build, run
from ..lms.people import read_people

__all__ = ["add_gradescope_parser"]

_EPILOG = f"""\
examples:
  backprop gradescope build --keys class --roster roster.csv --points 10 --out autograder.zip
  backprop gradescope run          (inside Gradescope: what run_autograder calls)

Upload autograder.zip as the assignment's autograder ("Zip file upload"); set the
assignment's points to --points.  Students upload their filled-in answers.json.  Each is
matched to their key by the e-mail address (or student ID) Gradescope gives, compared
with the roster's email / sis user id / id number columns (or the roster IDs); nothing
in the uploaded file says whose it is.  run reads /autograder (or ${ROOT_VARIABLE}).
"""


def run_build(args):
    """``backprop gradescope build``."""
    teacher, manifest = load_teacher(args.keys)
    people = load_roster(args.roster, "nothing was written", read_people) if args.roster \
        else None
    try:
        build(teacher, args.out, people, Marking(args.points, args.weights or {}),
              args.visibility)
    except (ValueError, OSError) as e:
        raise CommandError(f"cannot build the autograder {args.out}: "
                           f"{getattr(e, 'strerror', None) or e}") from None
    report_written("Gradescope autograder (upload it as the assignment's autograder)",
                   args.out)
    return 0


def run_autograder(args):
    """``backprop gradescope run``: grade one submission, write results.json."""
    root = args.root or autograder_root()
    if not os.path.isfile(os.path.join(root, "source", "config.json")):
        raise CommandError(f"{os.path.join(root, 'source')} holds no autograder: `gradescope "
                           f"run` runs inside Gradescope, where run_autograder calls it; to "
                           f"try it, unzip autograder.zip into ROOT/source, put the upload in "
                           f"ROOT/submission and set {ROOT_VARIABLE}=ROOT")
    run(root)
    return 0


def add_gradescope_parser(commands):
    """Register ``backprop gradescope build|run`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "gradescope", help="grade a class inside Gradescope: build its autograder zip",
        description="Build the Gradescope autograder of a class (setup.sh installs "
                    "backproplab and nothing else; run_autograder grades each submission "
                    "against its student's key and writes results.json), or run it.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    b = verbs.add_parser("build", help="write autograder.zip for a class",
                         epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--keys", required=True, metavar="CLASS",
                   help="the class folder `backprop exercise --out` wrote")
    b.add_argument("--out", required=True, type=writable_file, metavar="FILE",
                   help="the zip to write, e.g. autograder.zip")
    b.add_argument("--roster", metavar="FILE",
                   help="a CSV roster whose columns give each student's e-mail or student "
                        "ID as Gradescope knows them (default: the roster IDs)")
    b.add_argument("--points", type=points_option, default=DEFAULT_POINTS, metavar="P",
                   help=f"the assignment's points (default {DEFAULT_POINTS:g})")
    b.add_argument("--weights", type=weights_option, metavar="Q=W,…",
                   help="each quantity's share of the points, e.g. delta=2,update=1")
    b.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                   help="when students see their results (default visible)")
    b.set_defaults(run=run_build)
    r = verbs.add_parser("run", help="grade one submission (what run_autograder calls)")
    r.add_argument("--root", metavar="DIR",
                   help=f"the autograder's root (default ${ROOT_VARIABLE} or /autograder)")
    r.set_defaults(run=run_autograder)
    p.set_defaults(run=lambda args: p.error("choose an action: build or run"))
