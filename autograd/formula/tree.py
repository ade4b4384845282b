"""The parsed formula: a tree of a few node types, and how to print it back.

A tree holds only what the whitelist allows: numbers, names, the operators of
:mod:`autograd.formula.tokens`, calls of the functions of
:mod:`autograd.formula.functions`, transposes and partial-derivative marks (the
left side of ``∂L/∂W^[l] = …``).  :func:`to_text` prints a tree in the lecture
notes' notation with every grouping explicit, so a learner sees how the formula
was read (``1/2x`` is ``(1/2)·x``).
"""

import math
import unicodedata
from dataclasses import dataclass

#: operator -> (precedence, printed form); higher binds tighter
BINARY = {
    ">": (1, " > "), "<": (1, " < "), ">=": (1, " ≥ "), "<=": (1, " ≤ "),
    "+": (2, " + "), "-": (2, " − "),
    "·": (3, "·"), "*": (3, " ⊙ "), "/": (3, "/"), "@": (3, " @ "),
    "^": (5, "^"),
}
UNARY_PRECEDENCE = 4
COMPARISONS = (">", "<", ">=", "<=")


@dataclass(frozen=True, eq=False)
class Node:
    """Base of every node; ``eq=False``: nodes compare by identity, so a tree can key a
    dict by node."""

    def children(self):
        """The nodes directly below this one."""
        return ()


@dataclass(frozen=True, eq=False)
class Num(Node):
    """A number (π and e are names until a check binds them)."""

    value: float
    text: str = ""
    """How it was written, for constants (``π``, ``e``)."""


@dataclass(frozen=True, eq=False)
class Name(Node):
    """A name: a variable (z, ŷ as ``yhat``), or a layer quantity (W^[2], δ^[l+1])."""

    name: str
    layer: object = None
    """None, a layer number, or ("l" | "L", offset) for W^[l+1], δ^[L]."""

    @property
    def key(self):
        """``W^[2]``, ``δ^[l+1]``, ``z`` — the name with its layer, as printed."""
        return self.name + layer_text(self.layer)


@dataclass(frozen=True, eq=False)
class Unary(Node):
    """−x."""

    op: str
    operand: Node

    def children(self):
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class Binary(Node):
    """a op b, op one of :data:`BINARY` (``·`` product, ``*`` element-wise, ``@``
    matrix product, comparisons giving 1 or 0)."""

    op: str
    left: Node
    right: Node

    def children(self):
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class Call(Node):
    """f(args), f′(x) (``primes`` = 1) or f²(x) (``power`` = 2)."""

    function: str
    """The canonical name of a function (a key of ``functions.FUNCTIONS``) or an alias the
    caller binds (``f``)."""
    args: tuple
    primes: int = 0
    """1 for f′(x): the function's derivative."""
    power: object = None
    """n for σ²(z) = (σ(z))²."""
    spelled: str = ""
    """The spelling used (σ, \\sigma, sigmoid), for messages."""

    def children(self):
        return self.args


@dataclass(frozen=True, eq=False)
class Transpose(Node):
    """Aᵀ."""

    operand: Node

    def children(self):
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class Partial(Node):
    """∂x, only on the left of ``=`` (∂L/∂W^[l])."""
    operand: Node

    def children(self):
        return (self.operand,)


@dataclass(frozen=True)
class Statement:
    """A parsed formula: ``rhs``, and the quantity it claims to be (``lhs``) or None."""

    rhs: Node
    lhs: Node = None
    text: str = ""


def walk(node):
    """Every node of the tree under ``node``, parents before children (no recursion)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children()))


def names(node):
    """The names used under ``node``, in order of first appearance, by key."""
    seen = {}
    for n in walk(node):
        if isinstance(n, Name):
            seen.setdefault(n.key, n)
    return seen


def layer_text(layer):
    """A layer index as printed: ``^[2]``, ``^[l+1]``, ``^[L]`` ('' for none)."""
    if layer is None:
        return ""
    if isinstance(layer, int):
        return f"^[{layer}]"
    symbol, offset = layer
    return f"^[{symbol}{'' if offset == 0 else f'{offset:+d}'.replace('-', '−')}]"


def _number(x):
    whole = math.isfinite(x) and x == int(x) and abs(x) < 1e15
    text = str(int(x)) if whole else f"{x:.12g}"
    return text.replace("-", "−")


def display_name(name):
    """A name as the notes print it: ``yhat`` → ŷ, ``z_1`` → z_1."""
    base, sep, sub = name.partition("_")
    if base.endswith("hat") and len(base) == 4:
        base = unicodedata.normalize("NFC", base[0] + "\u0302")   # ŷ where one character exists
    return base + sep + sub


def to_text(node, matrix=False):
    """``node`` in the lecture notes' notation with its grouping explicit.

    Products print as ``·``; with ``matrix=True`` a product is printed as juxtaposition
    (W x) and the element-wise ``*`` as ⊙."""
    return _text(node, matrix)


def _wrap(text, inner, outer, right_side=False):
    if inner < outer or (right_side and inner == outer):
        return f"({text})"
    return text


def _precedence(node):
    if isinstance(node, Binary):
        return BINARY[node.op][0]
    if isinstance(node, Unary):
        return UNARY_PRECEDENCE
    if isinstance(node, Num) and node.value < 0:
        return UNARY_PRECEDENCE
    return 6


def _shown_op(op, matrix):
    return "·" if op == "*" and not matrix else op


def _text(node, matrix):
    # Recursion is bounded by the parser's depth limit.
    if isinstance(node, Num):
        return node.text or _number(node.value)
    if isinstance(node, Name):
        return display_name(node.name) + layer_text(node.layer)
    if isinstance(node, Unary):
        inner = _text(node.operand, matrix)
        return "−" + _wrap(inner, _precedence(node.operand), UNARY_PRECEDENCE + 1)
    if isinstance(node, Transpose):
        inner = _text(node.operand, matrix)
        operand = node.operand
        bare = isinstance(operand, Name) and operand.layer is None or isinstance(operand, Num)
        return (inner if bare else f"({inner})") + "ᵀ"
    if isinstance(node, Partial):
        return "∂" + _wrap(_text(node.operand, matrix), _precedence(node.operand), 6)
    if isinstance(node, Call):
        args = ", ".join(_text(a, matrix) for a in node.args)
        shown = node.spelled or node.function
        prime = "′" * node.primes
        power = "" if node.power is None else f"^{_number(node.power)}"
        if shown == "abs" and not prime and node.power is None:
            return f"|{args}|"
        return f"{shown}{prime}{power}({args})"
    op = node.op
    level, symbol = BINARY[op]
    if op == "·" and matrix:
        symbol = " "
    elif op == "*" and not matrix:
        symbol = "·"
    left, right = _text(node.left, matrix), _text(node.right, matrix)
    if op == "^":
        left = _wrap(left, _precedence(node.left), level + 1)
        right = _wrap(right, _precedence(node.right), level)
        return f"{left}^{right}" if len(right) == 1 or right.startswith("(") else f"{left}^({right})"
    # A quotient that is a factor, or a product divided, shows its parentheses: (1/2)·x.
    left_level = _precedence(node.left)
    if level == 3 and isinstance(node.left, Binary) and BINARY[node.left.op][0] == 3 \
            and _shown_op(node.left.op, matrix) != _shown_op(op, matrix):
        left_level = 0
    return (_wrap(left, left_level, level) + symbol
            + _wrap(right, _precedence(node.right), level, right_side=True))
