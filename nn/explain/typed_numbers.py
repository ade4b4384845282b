"""A number as a student types it into a form: the rule, and the words for each way to miss it.

The worksheet page's cells (:mod:`nn.explain.answer_page`, whose script uses the same
patterns and words), PrairieLearn's inputs and ``backprop check-answers`` read a typed
number with :func:`read_number`: JSON's number syntax (what an answer file holds), with
the minus sign the worksheet prints (−) accepted, and the digits as typed kept.
"""

import re
from decimal import Decimal

__all__ = ["read_number", "short_digits_note", "NUMBER_PATTERN", "NUMBER_MISTAKES",
           "NOT_A_NUMBER", "MINUSES"]

NUMBER_PATTERN = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
"""A number as JSON writes it (the answer file's syntax), as a regular expression."""

_NUMBER = re.compile(NUMBER_PATTERN)

MINUSES = "\u2212\u2012\u2013"
"""The worksheet's minus sign (−) and the dashes a keyboard may give, read as "-"."""

NUMBER_MISTAKES = (
    (r"-?[0-9]+,[0-9]+", "write the decimal point as a point: 0.25, not 0,25"),
    (r"-?\.[0-9]+", "write a 0 before the point: 0.25, not .25"),
    (r"\+[0-9.eE+-]+", "leave out the + sign"),
)
"""(pattern, what to do) of the usual ways to mistype a number, tried in order; the
worksheet page checks typed numbers with the same patterns and words."""

NOT_A_NUMBER = ("not a number: write digits with a point and an optional minus sign, such "
                "as -0.2531 or 1.5e-3")


def read_number(text):
    """The Decimal a student typed (digits kept: "0.5000" stays 4 digits), None for a
    blank; ValueError saying how to write it otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    for minus in MINUSES:
        text = text.replace(minus, "-")
    if _NUMBER.fullmatch(text):
        return Decimal(text)
    for pattern, message in NUMBER_MISTAKES:
        if re.fullmatch(pattern, text):
            raise ValueError(message)
    raise ValueError(NOT_A_NUMBER)


def short_digits_note(digits, asked):
    """The note on a number written with ``digits`` significant digits where the sheet
    asks ``asked``."""
    return (f"written with {digits} significant digit(s); the sheet asks for {asked} (fine "
            f"only if the value is exact)")
