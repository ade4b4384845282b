"""``backprop check-answers``: check an answer file's format and completeness before handing it in.

Reads the file as the grader does and lists each problem with its place (a typo in the
JSON, a number in quotes, a transposed matrix, blanks); it shows no key value and no
verdict (:mod:`nn.explain.answer_check`).  Exit status 0 when the file is ready to hand
in, 1 when something must be fixed or filled in, 2 on bad input.
"""

import argparse
import os
import sys

from .options import CommandError, digits as digits_option
from ..explain.answer_check import check_answer_file
from ..explain.grade_report import safe_text

__all__ = ["add_check_answers_parser"]

_EPILOG = """\
examples:
  backprop check-answers answers.json
  backprop check-answers answers.json --digits 4

It checks the format only: a file it calls ready may still hold wrong numbers.
"""


def run_check_answers(args):
    """``backprop check-answers FILE``: print each problem and a summary line."""
    if not os.path.isfile(args.file):
        raise CommandError(f"{args.file}: no such file")
    check = check_answer_file(args.file, args.digits)
    sys.stdout.write(safe_text(check.report(args.file)).replace("\\x0a", "\n"))
    return 0 if check.ready else 1


def add_check_answers_parser(commands):
    """Register ``backprop check-answers`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "check-answers", help="check an answer file's format and completeness before "
                              "handing it in (no key needed, no grade given)",
        description="Read an answer file as the grader does and name every format "
                    "problem and every blank with its place, without the key and "
                    "without saying whether any number is right.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE", help="the filled-in answer file (answers.json)")
    p.add_argument("--digits", type=digits_option, metavar="N",
                   help="significant digits the sheet asks for (default: the file's "
                        "\"digits\", else 4)")
    p.set_defaults(run=run_check_answers)
