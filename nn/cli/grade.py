"""``backprop grade``: grade answer files with error carried forward and name the mistakes.

Each submission must name its network: an answer file from ``backprop
exercise`` carries it (``"network": {…}``); a hand-derived file may say
``"network": "FILE"`` (a path relative to the submission, or an example name)
or be graded with ``--network FILE``.  A submission that names none is bad
input: grading never falls back on a default network.
"""

import argparse
import json
import os
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path

from autograd.files import write_atomically

from .options import (PROG, CommandError, check_writable_directory, int_at_least,
                      non_negative_float, report_written)
from ..explain import explain_step
from ..explain.grade import Policy, grade
from ..explain.grade_report import REPORTS
from ..explain.network_file import NetworkFileError, network_from_dict, read_json
from ..explain.quantities import ASKED

__all__ = ["add_grade_parser", "run_grade", "load_submission"]

_EPILOG = """\
Verdicts: correct (with diagnosis "rounding" when it agrees only within the
rounding of the digits shown), carried_forward (wrong against the key, right
for the student's own earlier numbers), wrong (with the classic mistake that
reproduces the number, when one does), missing.  Exit status 0 when every
entry of every submission is correct, 1 when any is not, 2 on bad input.

examples:
  backprop grade alice.answers.json
  backprop grade answers/*.answers.json --keys sheets --format csv --out class.csv
  backprop grade my_hand.json --network my_net.json --format json
"""


def _example(name):
    entry = resources.files("nn").joinpath("examples", f"{name}.json")
    return entry if entry.is_file() else None


def _network_document(reference, base, shown):
    """The network dict a string reference names: a file (relative to ``base``) or an
    example name."""
    path = Path(reference)
    candidate = path if path.is_absolute() else Path(base) / path
    if candidate.is_file():
        return read_json(candidate, "network file", CommandError), str(candidate)
    stem = path.name[:-len(".json")] if path.name.endswith(".json") else path.name
    example = _example(stem) if path.parent == Path(".") else None
    if example is None:
        raise CommandError(f"{shown}: its network {reference!r} is neither a file next to it "
                           f"nor an example name (see `{PROG} examples`)")
    return json.loads(example.read_text(encoding="utf-8")), f"example {stem}"


def load_submission(path, network=None, keys=None):
    """(submission dict with Decimal numbers, derivation, network name) for the answer
    file ``path``; ``network`` (a file or example name) is used when the file names none.
    With ``keys`` (the directory ``backprop exercise`` wrote), the network is the one in
    the student's key, and an answer file whose network differs is refused."""
    submission = read_json(path, "answer file", CommandError, decimals=True)
    if not isinstance(submission, dict):
        raise CommandError(f"{path}: an answer file is a JSON object, got "
                           f"{type(submission).__name__}")
    if keys is not None:
        _check_against_key(submission, path, keys)
    named = submission.get("network", network)
    if named is None:
        raise CommandError(f"{path}: the answer file names no network; add \"network\": "
                           f"\"FILE\" (or the network itself) or pass --network FILE")
    if isinstance(named, dict):
        spec, shown = named, f"{path}: network"
    elif isinstance(named, str):
        spec, shown = _network_document(named, Path(path).parent, path)
    else:
        raise CommandError(f"{path}: \"network\" must be a file name or a network object, "
                           f"got {type(named).__name__}")
    try:
        model, X, Y, loss, lr = network_from_dict(_decimals_to_floats(spec), source=shown)
    except NetworkFileError as e:
        raise CommandError(str(e)) from None
    return submission, explain_step(model, X, Y, loss=loss, lr=lr), shown


def _check_against_key(submission, path, keys):
    student = submission.get("student")
    if not isinstance(student, str):
        raise CommandError(f"{path}: --keys needs the answer file's \"student\" entry, "
                           f"which names the key")
    key_path = Path(keys) / f"{Path(student).name}.key.json"
    key = read_json(key_path, "answer key", CommandError)
    mine = _decimals_to_floats(submission.get("network"))
    if not isinstance(key, dict) or mine != key.get("network"):
        raise CommandError(f"{path}: its network differs from the one in {key_path}: "
                           f"the answer file was edited or belongs to another exercise")


def _decimals_to_floats(x):
    if isinstance(x, Decimal):
        return float(x)
    if isinstance(x, list):
        return [_decimals_to_floats(v) for v in x]
    if isinstance(x, dict):
        return {k: _decimals_to_floats(v) for k, v in x.items()}
    return x


def _policy(args, submission):
    digits = args.digits or submission.get("digits") or Policy.digits
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise CommandError(f"\"digits\" must be an integer, got {digits!r}")
    return Policy(digits=digits, min_digits=args.min_digits or max(digits - 1, 1),
                  carried_forward_credit=args.carried_forward_credit)


def grade_file(path, args):
    """The Grade of one answer file (CommandError on bad input)."""
    submission, derivation, network = load_submission(path, args.network, args.keys)
    try:
        policy = _policy(args, submission)
        result = grade(derivation, submission, policy=policy,
                       questions=ASKED if "exercise" in submission else None, source=str(path))
    except ValueError as e:   # SubmissionError, or a --min-digits above the digits
        raise CommandError(f"{path}: {e}") from None
    result.student = _text(submission.get("student"))
    result.exercise = _text(submission.get("exercise"))
    result.network = None if "exercise" in submission else network
    return result


def _text(x):
    return None if x is None else str(x)


def run_grade(args):
    """``backprop grade``: grade every submission; print or write the report."""
    grades, failed = [], False
    for path in args.submissions:
        try:
            grades.append(grade_file(path, args))
        except CommandError as e:
            print(f"{PROG}: error: {' '.join(str(e).split())}", file=sys.stderr)
            failed = True
    report = REPORTS[args.format](grades) if grades else ""
    if args.out:
        write_atomically(args.out, report)
        report_written(f"{args.format} report", args.out)
    else:
        sys.stdout.write(report)
    if failed:
        return 2
    return 0 if all(g.all_correct for g in grades) else 1


def _credit(text):
    value = non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text!r}")
    return value


def writable_file(text):
    """Option type: a file to write in an existing, writable directory."""
    check_writable_directory(os.path.dirname(os.path.abspath(text)), text)
    return text


def add_grade_parser(commands):
    """Register ``backprop grade`` on the subcommands ``commands``."""
    p = commands.add_parser(
        "grade", help="grade answer files entry by entry, with error carried forward",
        description="Grade hand derivations (answer files from `backprop exercise`, or "
                    "hand-derived files in the derivation layout) entry by entry against "
                    "the library, marking later entries against the student's own earlier "
                    "numbers and naming the classic mistake behind a wrong number.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="answer files (JSON) to grade")
    p.add_argument("--format", choices=tuple(REPORTS), default="text",
                   help="report format: text (default), json (every entry) or csv "
                        "(one row per submission)")
    p.add_argument("--out", metavar="FILE", type=writable_file, help="write the report to FILE (atomically) "
                                                 "instead of standard output")
    p.add_argument("--network", metavar="FILE",
                   help="network file or example name for submissions that name none")
    p.add_argument("--keys", metavar="DIR",
                   help="the directory of `backprop exercise`: refuse an answer file whose "
                        "network differs from the one in DIR/STUDENT.key.json")
    p.add_argument("--digits", type=int_at_least(1), metavar="N",
                   help="significant digits the sheet asks for (default: the answer "
                        "file's \"digits\", else 4)")
    p.add_argument("--min-digits", type=int_at_least(1), metavar="N",
                   help="fewest digits that still count as a rounding (default digits − 1)")
    p.add_argument("--carried-forward-credit", type=_credit, default=1.0, metavar="X",
                   help="points for a carried-forward entry, 0 … 1 (default 1)")
    p.set_defaults(run=run_grade)
