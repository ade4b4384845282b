"""What a formula may cost, and the one error every problem with a formula raises.

Formulas come from students, so reading and evaluating one is bounded at every
stage: its length before anything else is done, its tokens, the nesting of its
parentheses and operators (the parser counts depth instead of trusting Python's
recursion limit), the number of nodes in its tree, the size of a constant
exponent (``9**9**9`` is refused before anything is computed), and the work and
CPU time an evaluation may take.  Numbers are always floats, so no operation
grows a Python integer without bound.
"""

import time

MAX_LENGTH = 1000
"""Characters in one formula."""
MAX_TOKENS = 400
MAX_DEPTH = 40
"""Nested parentheses, operators and calls."""
MAX_NODES = 300
"""Nodes in one parsed tree."""
MAX_EXPONENT = 100
"""Largest |k| of a constant exponent x^k."""
MAX_NUMBER_DIGITS = 40
"""Characters in one number literal."""
MAX_WORK = 500_000
"""Scalar operations in one check (all points, all variants)."""
MAX_SECONDS = 10.0
"""CPU seconds one check may take."""


class FormulaError(ValueError):
    """A formula that cannot be read or checked; the message is one line naming the
    problem, the offending text and its column.

    ``what`` says which input it was ("formula", "of", "let a", …); ``column`` is the
    1-based position of the problem, or None."""

    def __init__(self, message, what="formula", column=None, text=None):
        self.detail, self.what, self.column, self.text = message, what, column, text
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{what}: {message}{where}")

    def about(self, what, text=None):
        """The same error, said of input ``what`` (e.g. "of" instead of "formula")."""
        return type(self)(self.detail, what, self.column, text if text is not None else self.text)


class FormulaTooLarge(FormulaError):
    """A formula (or its evaluation) past one of the limits of this module."""


class Budget:
    """Counts the scalar operations of one check and the CPU time it takes; past
    ``max_work`` operations or ``max_seconds`` of CPU time it raises
    :class:`FormulaTooLarge`.  ``clock`` is the CPU clock (``time.process_time``)."""

    CHECK_EVERY = 1024

    def __init__(self, max_work=MAX_WORK, max_seconds=MAX_SECONDS, clock=time.process_time):
        self.max_work, self.max_seconds, self.clock = max_work, max_seconds, clock
        self.work = 0
        self.started = clock()

    def spend(self, n=1, what="formula"):
        """Count ``n`` operations; raise when a limit is passed."""
        before = self.work
        self.work += n
        if self.work > self.max_work:
            raise FormulaTooLarge(f"checking it takes more than {self.max_work} operations; "
                                  f"use a shorter formula or smaller matrices", what)
        if self.work // self.CHECK_EVERY != before // self.CHECK_EVERY:
            spent = self.clock() - self.started
            if spent > self.max_seconds:
                raise FormulaTooLarge(f"checking it took more than {self.max_seconds:g} s of "
                                      f"CPU time", what)
