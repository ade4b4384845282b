"""Reading tokens into a tree: a hand-written recursive-descent parser with limits.

Precedence, loosest first (all binary operators group left to right, except ``^``)::

    comparison   a > b   a < b   a ≥ b   a ≤ b       (1 where true, else 0)
    sum          a + b   a − b
    product      a·b   a b (side by side)   a * b (element-wise, ⊙)   a / b   a @ b
    sign         −a   +a
    power        a^b  a**b  a²  (right to left: 2^3^2 = 2^9)
    postfix      Aᵀ  A.T  A^T  A^\\top
    atom         number, name (W^[2], δ^[l+1], z_1, ŷ), f(…), f′(…), f²(…), (…), […],
                 {…}, |…|, \\frac{…}{…}, 𝟙[…], Σ x

Writing two factors side by side is the same product as ``·`` (``σ(z)(1 − σ(z))``,
``2x``, ``(W^[2])ᵀ δ^[2]``): 1/2x reads as (1/2)·x, as in Python and NumPy.  For two
matrices ``·`` and juxtaposition are the matrix product where the shapes allow one
(W x, δ Aᵀ), else element by element where the shapes are equal (A^[l](1 − A^[l]), as
the notes write it); ``@`` is always the matrix product, ``*`` and ⊙ always
element-wise (NumPy's ``*``).  A layer index is ``^[k]`` (the notes' notation):
``W^[2]``, ``δ^[l+1]``, ``Z^[L]``.  A formula may start with the quantity it gives,
``δ^[1] = …`` or ``∂L/∂W^[l] = …``.

Nothing is evaluated here except constant exponents, which are bounded before the
power is built (``9**9**9`` is refused: its exponent 9⁹ is above the limit).
"""

from .functions import lookup
from .limits import MAX_DEPTH, MAX_EXPONENT, MAX_NODES, FormulaError, FormulaTooLarge
from .tokens import tokenize
from .tree import (COMPARISONS, Binary, Call, Name, Num, Partial, Statement, Transpose, Unary,
                   to_text, walk)

MAX_TREE_DEPTH = 2 * MAX_DEPTH

_OPENING = {"(": ")", "{": "}", "[": "]"}
_PRODUCT_OPS = ("·", "*", "/", "@")


def parse(text, what="formula", functions=None):
    """The :class:`~autograd.formula.tree.Statement` of ``text``.

    ``functions`` maps extra function names a caller binds (``f`` for "the
    activation") to :class:`~autograd.formula.functions.Function` records.
    Raises :class:`~autograd.formula.limits.FormulaError` (one line: the problem,
    the offending text, its column) for anything outside the notation or the limits."""
    tokens = tokenize(text, what)
    statement = _Parser(tokens, what, functions or {}).statement()
    _check_size(statement, what)
    return Statement(statement.rhs, statement.lhs, text)


def _check_size(statement, what):
    nodes = 0
    for root in (statement.rhs, statement.lhs):
        if root is None:
            continue
        stack = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            nodes += 1
            if nodes > MAX_NODES:
                raise FormulaTooLarge(f"more than {MAX_NODES} operations and names", what)
            if depth > MAX_TREE_DEPTH:
                raise FormulaTooLarge(f"more than {MAX_TREE_DEPTH} operations deep (nested, or a "
                                      f"chain such as a sum of more than {MAX_TREE_DEPTH} terms)",
                                      what)
            stack.extend((child, depth + 1) for child in node.children())
    for node in walk(statement.rhs):
        if isinstance(node, Partial):
            raise FormulaError("∂ may only appear on the left of '=' (as in ∂L/∂W^[1] = …)",
                               what)


class _Parser:
    def __init__(self, tokens, what, functions):
        self.tokens, self.what, self.functions = tokens, what, functions
        self.pos = 0
        self.depth = 0
        self.abs_depth = 0
        self.constants = {}   # id(node) -> (node, value) of a constant subtree

    # -- token helpers ------------------------------------------------------------
    def peek(self, k=0):
        j = self.pos + k
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, kind, value=None, k=0):
        t = self.peek(k)
        return t is not None and t.kind == kind and (value is None or t.value == value)

    def at_op(self, *ops, k=0):
        t = self.peek(k)
        return t is not None and t.kind == "op" and t.value in ops

    def take(self):
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def fail(self, message, token=None):
        token = token or self.peek()
        raise FormulaError(message, self.what, token.column if token is not None else None)

    def expect(self, kind, what):
        if not self.at(kind):
            found = self.peek()
            self.fail(f"expected {what}, found {_shown(found)}" if found
                      else f"expected {what} at the end")
        return self.take()

    # -- grammar ------------------------------------------------------------------
    def statement(self):
        rhs = self.expression()
        lhs = None
        if self.at_op("="):
            self.take()
            lhs, rhs = rhs, self.expression()
            if self.at_op("="):
                self.fail("only one '=' is allowed: quantity = formula")
        if self.peek() is not None:
            t = self.peek()
            if t.kind in (")", "}", "]"):
                self.fail(f"unmatched {t.kind!r}", t)
            self.fail(f"unexpected {_shown(t)}", t)
        return Statement(rhs, lhs)

    def expression(self):
        left = self.additive()
        if self.at_op(*COMPARISONS):
            op = self.take().value
            right = self.additive()
            if self.at_op(*COMPARISONS):
                self.fail("chained comparisons (a < b < c) are not supported")
            return Binary(op, left, right)
        return left

    def additive(self):
        left = self.product()
        while self.at_op("+", "-"):
            op = self.take().value
            left = Binary(op, left, self.product())
        return left

    def product(self):
        left = self.signed()
        while True:
            if self.at_op(*_PRODUCT_OPS):
                op = self.take().value
                left = self._fold(Binary(op, left, self.signed()))
            elif self.starts_factor():
                left = self._fold(Binary("·", left, self.power()))
            else:
                return left

    def starts_factor(self):
        """Does the next token start a factor written side by side with the previous one?"""
        t = self.peek()
        if t is None:
            return False
        if t.kind == "num":
            previous = self.tokens[self.pos - 1]
            self.fail(f"a number after {_shown(previous)}: write the number first, as in "
                      f"2·x", t)
        if t.kind == "[" and self.tokens[self.pos - 1].kind == "name":
            self.fail("indexing (W[2]) is not supported; write a layer as W^[2] or W2", t)
        if t.kind == "|":
            return self.abs_depth == 0
        return t.kind in ("name", "(", "{", "[", "frac", "one")

    def signed(self):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise FormulaTooLarge(f"nested more than {MAX_DEPTH} deep", self.what,
                                      self.peek().column if self.peek() else None)
            if self.at_op("-"):
                self.take()
                operand = self.signed()
                k = self.constant(operand)
                if isinstance(operand, Num) and k is not None:
                    return self._number(-k)
                node = Unary("-", operand)
                if k is not None:
                    self.constants[id(node)] = (node, -k)
                return node
            if self.at_op("+"):
                self.take()
                return self.signed()
            if self.at_op("∂"):
                self.take()
                return Partial(self.power())
            return self.power()
        finally:
            self.depth -= 1

    def power(self):
        base = self.postfix()
        if self.at_op("^"):
            caret = self.take()
            exponent = self.signed()
            return self._power(base, exponent, caret)
        return base

    def _power(self, base, exponent, caret):
        k = self.constant(exponent)
        if k is not None and not abs(k) <= MAX_EXPONENT:
            written = to_text(exponent)
            value = "" if isinstance(exponent, Num) else f" = {k:.6g}"
            raise FormulaTooLarge(f"the exponent {written}{value} is larger than {MAX_EXPONENT} "
                                  f"in size", self.what, caret.column)
        return self._fold(Binary("^", base, exponent))

    def constant(self, node):
        """The value of ``node`` if it holds numbers only, else None."""
        found = self.constants.get(id(node))
        return None if found is None else found[1]

    def _fold(self, node):
        """Remember the value of a constant subtree (numbers only), for bounding exponents.
        The node is kept with its value, so its id is never reused by another node."""
        if isinstance(node, Binary):
            a, b = self.constant(node.left), self.constant(node.right)
            if a is not None and b is not None:
                value = _constant(node.op, a, b)
                if value is not None:
                    self.constants[id(node)] = (node, value)
        return node

    def postfix(self):
        node = self.atom()
        while True:
            if self.at("T"):
                self.take()
                node = Transpose(node)
            elif self.at("sup"):
                t = self.take()
                node = self._power(node, self._number(float(t.value)), t)
            elif self.at_op("^") and self._transpose_follows():
                node = Transpose(node)
            elif self.at("'"):
                self.fail(f"a prime ′ must follow a function name, as in σ′(z); after "
                          f"{_shown(self.tokens[self.pos - 1])} write Wᵀ or W.T for a transpose")
            else:
                return node

    def _transpose_follows(self):
        """Consume ^T, ^{T}, ^\\top, ^{\\top} and say True; else consume nothing."""
        if self.at("name", "T", 1) or self.at("T", None, 1):
            self.pos += 2
            return True
        if self.at("{", None, 1) and (self.at("name", "T", 2) or self.at("T", None, 2)) \
                and self.at("}", None, 3):
            self.pos += 4
            return True
        return False

    def _number(self, value):
        node = Num(value)
        self.constants[id(node)] = (node, value)
        return node

    def atom(self):
        t = self.peek()
        if t is None:
            self.fail("the formula ends where a number, name or '(' was expected")
        if t.kind == "num":
            self.take()
            return self._number(t.value)
        if t.kind in _OPENING:
            return self.group()
        if t.kind == "|":
            self.take()
            self.abs_depth += 1
            inner = self.expression()
            self.abs_depth -= 1
            self.expect("|", "a closing '|'")
            return Call("abs", (inner,), spelled="abs")
        if t.kind == "frac":
            self.take()
            numerator = self.group("\\frac's numerator in {…}")
            denominator = self.group("\\frac's denominator in {…}")
            return self._fold(Binary("/", numerator, denominator))
        if t.kind == "one":
            self.take()
            condition = self.group("the condition of 𝟙 in […]")
            if not (isinstance(condition, Binary) and condition.op in COMPARISONS):
                self.fail("𝟙[…] holds a comparison, as in 𝟙[z > 0]", t)
            return condition
        if t.kind == "name":
            return self.name()
        self.fail(f"unexpected {_shown(t)}", t)

    def group(self, what="'('"):
        t = self.peek()
        if t is None or t.kind not in _OPENING:
            self.fail(f"expected {what}, found {_shown(t)}" if t else f"expected {what}")
        self.take()
        inner = self.expression()
        self.close(t, f"the {t.kind!r} at column {t.column}")
        return inner

    def close(self, opening, what):
        """Consume the bracket that closes ``opening``; ``what`` names what it closes."""
        if not self.at(_OPENING[opening.kind]):
            found = self.peek()
            self.fail(f"expected {_OPENING[opening.kind]!r} to close {what}, found "
                      f"{_shown(found)}" if found else f"{what} is not closed")
        self.take()

    # -- names and calls ----------------------------------------------------------
    def name(self):
        t = self.take()
        alias = self.functions.get(t.value)
        record = alias or lookup(t.value)
        if record is not None:
            if self._call_follows(record):
                return self.call(t, record, t.value if alias else record.symbol)
            if record.prefix:   # Σ δ^[l] (a sum over the samples), √x
                return Call(record.name, (self.power(),), spelled=record.symbol)
            self.fail(f"{t.value} is a function: give its argument in parentheses, as in "
                      f"{t.value}(z)", t)
        layer = self.layer_index()
        return Name(t.value, layer)

    def _call_follows(self, record):
        t = self.peek()
        if t is None:
            return False
        if t.kind in ("'", "sup", "(", "{", "[") or (t.kind == "op" and t.value == "^"):
            return not (record.reduces and t.kind in ("sup", "'"))
        return False

    def call(self, name_token, record, shown):
        primes, power = 0, None
        while True:
            if self.at("'"):
                self.take()
                primes += 1
            elif self.at_op("^") and self.at("'", None, 1):
                self.pos += 2
                primes += 1
            elif self.at_op("^") and self.at("{", None, 1) and self.at("'", None, 2) \
                    and self.at("}", None, 3):
                self.pos += 4
                primes += 1
            elif self.at("sup") and power is None:
                power = float(self.take().value)
            elif self.at_op("^") and power is None:
                self.take()
                exponent = self.group("the power of a function, as in σ^{2}(z)") \
                    if self.peek() and self.peek().kind in _OPENING else self.atom()
                if not isinstance(exponent, Num):
                    self.fail(f"the power of {name_token.value} must be a number, as in "
                              f"{name_token.value}²(z)")
                power = exponent.value
            else:
                break
        if primes > 1:
            self.fail(f"{name_token.value}{'′' * primes}: only first derivatives f′ are "
                      f"supported", name_token)
        if power is not None and not abs(power) <= MAX_EXPONENT:
            raise FormulaTooLarge(f"the power {power:g} is larger than {MAX_EXPONENT}",
                                  self.what, name_token.column)
        opening = self.peek()
        if opening is None or opening.kind not in _OPENING:
            self.fail(f"{name_token.value} needs its argument in parentheses, as in "
                      f"{name_token.value}(z)", name_token)
        self.take()
        args = [self.expression()]
        while self.at(","):
            self.take()
            if record.reduces and self.at("name") and self.at_op("=", k=1):
                self._numpy_keyword(record)
                continue
            args.append(self.expression())
        self.close(opening, f"{name_token.value}( at column {opening.column}")
        least, most = record.arity
        if not least <= len(args) <= most:
            count = str(least) if least == most else f"{least} or {most}"
            self.fail(f"{name_token.value} takes {count} argument{'s' if most > 1 else ''}, "
                      f"got {len(args)}", name_token)
        if primes and len(args) != 1:
            self.fail(f"{name_token.value}′ is defined for functions of one argument",
                      name_token)
        return Call(record.name, tuple(args), primes, power, shown)

    def _numpy_keyword(self, record):
        """``axis=1`` and ``keepdims=True`` of np.sum / np.mean: the sum over the samples."""
        key = self.take().value
        self.take()
        value = self.take()
        if key == "axis" and value.kind == "num" and value.value == 1:
            return
        if key == "keepdims" and value.kind == "name" and value.value == "True":
            return
        self.fail(f"{record.name}(…, {key}=…): only axis=1 and keepdims=True are supported "
                  f"(a sum over the samples)", value)

    def layer_index(self):
        """The ``^[k]`` (or ``^{[k]}``) after a name: a number, or l/L with an offset."""
        braced = self.at_op("^") and self.at("{", None, 1) and self.at("[", None, 2)
        if not (self.at_op("^") and self.at("[", None, 1)) and not braced:
            return None
        self.pos += 3 if braced else 2
        t = self.peek()
        if t is not None and t.kind == "num" and t.value == int(t.value) and t.value >= 0:
            self.take()
            layer = int(t.value)
        elif t is not None and t.kind == "name" and t.value in ("l", "L"):
            self.take()
            offset = 0
            if self.at_op("+", "-") and self.at("num", None, 1):
                sign = 1 if self.take().value == "+" else -1
                number = self.take().value
                if number != int(number) or number > 100:
                    self.fail("a layer offset is a small whole number, as in [l+1]")
                offset = sign * int(number)
            layer = (t.value, offset)
        else:
            self.fail("a layer index is a number, l or L, as in W^[2], δ^[l+1], Z^[L]")
        self.expect("]", "']' to close the layer index")
        if braced:
            self.expect("}", "'}' after the layer index")
        return layer


def _constant(op, a, b):
    """The value of ``a op b`` for two numbers, as a float (inf past the range); None where
    it is undefined."""
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op in ("·", "*", "@"):
            return a * b
        if op == "/":
            return a / b if b != 0 else None
        if op == "^":
            return float(a) ** b if not (a < 0 and b != int(b)) and not (a == 0 and b < 0) \
                else None
    except OverflowError:
        return float("inf")
    return None


def _shown(token):
    if token is None:
        return "the end"
    if token.kind == "num":
        return to_text(Num(token.value))
    if token.kind == "name":
        return repr(token.value)
    if token.kind == "op":
        return repr(token.value)
    if token.kind == "sup":
        return "a superscript"
    if token.kind == "T":
        return "a transpose"
    if token.kind == "frac":
        return "\\frac"
    if token.kind == "one":
        return "𝟙"
    return repr(token.kind)
