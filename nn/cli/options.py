"""What the ``backprop`` commands share: the error they report, an argparse that reports
it in one line, and option types that name the rule and the offending value.

A bad value becomes one stderr line such as
``backprop: error: argument --lr: must be a positive number, got '-1'`` and
exit status 2 (see :func:`nn.cli.main`).
"""

import argparse
import math
import os
import sys
from pathlib import Path

from autograd.files import check_writable

PROG = "backprop"
PICTURE_FORMATS = (".svg", ".png")


class CommandError(Exception):
    """Bad input to the command; ``main`` prints the message as one line and exits 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``backprop: error:`` line pointing at --help."""

    def error(self, message):
        raise CommandError(f"{message} (see `{self.prog} --help`)")


def _float(text, accept, rule):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and accept(value)):
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return value


def positive_float(text):
    """Option type: a finite number > 0 (a learning rate)."""
    return _float(text, lambda v: v > 0, "a positive number")


def non_negative_float(text):
    """Option type: a finite number >= 0 (a tolerance, a noise level)."""
    return _float(text, lambda v: v >= 0, "a number >= 0")


def fraction(text):
    """Option type: a number in [0, 1) (a share of the samples)."""
    return _float(text, lambda v: 0 <= v < 1, "a number from 0 up to (not including) 1")


def int_at_least(minimum):
    """Option type: an integer >= ``minimum``."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
        return value
    return parse


def digits(text):
    """Option type: a count of significant digits, 1 … 17 (all a float64 has)."""
    value = int_at_least(1)(text)
    if value > 17:
        raise argparse.ArgumentTypeError(f"must be an integer from 1 to 17 (float64 has 17 "
                                         f"significant digits), got {text!r}")
    return value


def output_path(extensions):
    """Option type: a file to write, with one of ``extensions``, in a writable directory.

    Checked when the options are read, so a typo fails before any work is done."""
    def parse(text):
        suffix = Path(text).suffix.lower()
        if suffix not in extensions:
            raise argparse.ArgumentTypeError(
                f"{text!r} must end in {' or '.join(extensions)}, got "
                f"{repr(suffix) if suffix else 'no extension'}")
        check_writable_directory(os.path.dirname(os.path.abspath(text)), text)
        try:   # an existing file that may not be replaced fails now, not after the work
            check_writable(text)
        except OSError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        return text
    return parse


def check_writable_directory(directory, target):
    """ArgumentTypeError unless ``directory`` exists and is writable (``target`` names the file)."""
    if not os.path.isdir(directory):
        raise argparse.ArgumentTypeError(f"cannot write {target!r}: directory {directory!r} "
                                         f"does not exist")
    if not os.access(directory, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write {target!r}: directory {directory!r} "
                                         f"is not writable")


def report_written(what, path):
    """Say on stderr (stdout may be piped JSON) that a file was written."""
    print(f"{PROG}: wrote the {what} to {path}", file=sys.stderr)
