"""``backprop prairielearn question``: a PrairieLearn question whose every variant is a student's
own network, generated and graded by this package (:mod:`nn.lms.prairielearn`)."""

import argparse

from .exercise import add_choice_options, class_settings
from .grade import weights_option
from .options import CommandError, report_written
from ..lms.prairielearn import settings_of, write_question

__all__ = ["add_prairielearn_parser"]

_EPILOG = """\
examples:
  backprop prairielearn question --course "ml-2026-spring" --out questions/backprop1
  backprop prairielearn question --manifest class --out questions/backprop1 \\
      --server-files serverFilesCourse

The folder holds info.json (a new uuid, "type": "v3"), question.html and server.py.
Each variant draws its network from PrairieLearn's variant seed and the course seed, as
`backprop exercise` draws a student's; grading is backprop grade's (error carried
forward, the classic mistakes named).  server.py imports backproplab: install it in the
course's image, or give --server-files to copy it into the course's serverFilesCourse.
"""


def run_question(args):
    """``backprop prairielearn question``: write the question folder."""
    manifest = class_settings(args)
    if manifest.formula_weight is not None:
        raise CommandError("the PrairieLearn question asks numbers only: formula questions "
                           "(--formulas) are graded with backprop grade or Gradescope")
    try:
        write_question(args.out, settings_of(manifest.course, manifest.choices,
                                             manifest.policy, args.weights),
                       args.title, args.server_files)
    except OSError as e:
        raise CommandError(f"cannot write the question {args.out}: {e.strerror or e}") \
            from None
    report_written("PrairieLearn question (info.json, question.html, server.py)", args.out)
    return 0


def add_prairielearn_parser(commands):
    """Register ``backprop prairielearn question`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "prairielearn", help="a PrairieLearn question: each variant its own network, "
                             "graded with error carried forward",
        description="Write a PrairieLearn question folder whose server.py draws each "
                    "variant's network with this package and grades it like backprop "
                    "grade.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = p.add_subparsers(title="actions", metavar="ACTION", parser_class=type(p))
    q = verbs.add_parser("question", help="write a question folder", epilog=_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--out", required=True, metavar="DIR",
                   help="the question folder (in the course's questions/)")
    q.add_argument("--manifest", metavar="CLASS",
                   help="take the course seed, choices and policy from this class's manifest")
    add_choice_options(q)
    q.add_argument("--weights", type=weights_option, metavar="Q=W,…",
                   help="each quantity's share of the score, e.g. delta=2,update=1")
    q.add_argument("--title", default="Backpropagation: one gradient-descent step by hand",
                   help="the question's title")
    q.add_argument("--server-files", metavar="DIR",
                   help="also copy backproplab (autograd/ and nn/) into this folder, the "
                        "course's serverFilesCourse")
    q.set_defaults(run=run_question)
    p.set_defaults(run=lambda args: p.error("choose an action: question"))
