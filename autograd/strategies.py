"""Hypothesis strategies: random expression graphs for property-testing gradients.

Three lines test the engine, or a formula of your own, over many graphs::

    from hypothesis import given
    from autograd import gradcheck
    from autograd.strategies import expressions

    @given(expressions(primitives=["mul", "tanh", "relu"]))
    def test_gradients(expr):
        gradcheck(expr, expr.point, skip_kinks=True)

An :class:`Expression` is a program over 1–4 leaf inputs: each step applies one
operation to earlier nodes drawn with replacement, so nodes are reused and graphs
form diamonds; the output is the total of every node, so every node matters.
Each primitive is applied to an operand kept inside its domain (log of
softplus(a) + 0.1, sqrt of a² + 1, division by b² + 1, powers of positive bases),
so a guard may add a few other primitives around it.  Your own operations join
through ``operations={"swish": lambda a: a * a.sigmoid()}`` (arity from the
signature).  Draws whose values exceed ``max_magnitude`` are rejected: central
differences of huge values say nothing.

Needs hypothesis (``pip install hypothesis``, in the ``test`` extra); ``import
autograd`` does not import this module.
"""

import inspect
import math
from dataclasses import dataclass, field

try:
    from hypothesis import strategies as st
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("autograd.strategies needs hypothesis: pip install hypothesis "
                      "(or install backproplab with its 'test' extra)") from missing

from . import functional
from .value import Value

# primitive name -> the primitive applied to operands kept inside its domain
GUARDED = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "neg": lambda a: -a,
    "pow_const": lambda a: (a * a + 0.5) ** -1.5,
    "pow": lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(),
    "exp": lambda a: a.tanh().exp(),
    "log": lambda a: (a.softplus() + 0.1).log(),
    "sqrt": lambda a: (a * a + 1.0).sqrt(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "leaky_relu": lambda a: a.leaky_relu(0.1),
    "abs": lambda a: abs(a),
    "erf": lambda a: a.erf(),
    "softplus": lambda a: a.softplus(),
    "log_sigmoid": lambda a: a.log_sigmoid(),
    "total": lambda a, b, c: functional.total([a, b, c]),
    "dot": lambda a, b, c: functional.dot([a, b], [c, a], b),
    "logsumexp": lambda a, b, c: functional.logsumexp([a, b, c]),
    "log_softmax": lambda a, b, c: functional.log_softmax([a, b, c], 1),
}

KINKED = ("relu", "leaky_relu", "abs")
"""Primitives with a kink at 0: check graphs using them with ``skip_kinks=True``."""

SMOOTH = tuple(name for name in GUARDED if name not in KINKED)


def _arity(fn, name):
    params = inspect.signature(fn).parameters.values()
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or
           p.default is not p.empty for p in params):
        raise ValueError(f"operation {name!r} must take a fixed number of Values, got "
                         f"signature {inspect.signature(fn)}")
    n = len(params)
    if n < 1:
        raise ValueError(f"operation {name!r} must take at least one Value")
    return n


@dataclass(frozen=True, repr=False)
class Expression:
    """A random program: ``point`` the leaf inputs, ``steps`` (operation, operand indices),
    node k being leaf k for k < len(point), else the result of step k − len(point).

    Calling it with leaf Values builds the graph and returns the total of every node."""

    point: tuple
    steps: tuple
    operations: dict = field(repr=False, compare=False)

    def __call__(self, *leaves):
        return self.build(leaves)[0]

    def build(self, leaves):
        """(output, every node, leaves first) for the given leaf Values."""
        if len(leaves) != len(self.point):
            raise TypeError(f"this expression takes {len(self.point)} inputs, got {len(leaves)}")
        nodes = list(leaves)
        for name, operands in self.steps:
            nodes.append(self.operations[name](*[nodes[k] for k in operands]))
        return functional.total(nodes), nodes

    def at_point(self):
        """(output, every node) of a fresh graph at :attr:`point`."""
        return self.build([Value(x) for x in self.point])

    def magnitude(self):
        """The largest |value| of any node (inf if something overflowed)."""
        out, nodes = self.at_point()
        values = [abs(n.data) for n in nodes] + [abs(out.data)]
        return max(values) if all(math.isfinite(v) for v in values) else math.inf

    def __repr__(self):
        return f"Expression({self})"

    def _repr_pretty_(self, printer, cycle):
        # hypothesis (and IPython) print this when they report a failing example
        printer.text(repr(self))

    def __str__(self):
        n = len(self.point)
        lines = [f"x{i} = {x!r}" for i, x in enumerate(self.point)]
        name = lambda k: f"x{k}" if k < n else f"n{k}"  # noqa: E731
        lines += [f"n{n + s} = {op}({', '.join(name(k) for k in operands)})"
                  for s, (op, operands) in enumerate(self.steps)]
        return "; ".join(lines + ["out = total of every node"])


def expressions(primitives=SMOOTH, *, operations=None, inputs=None, min_leaves=1,
                max_leaves=4, max_ops=8, max_magnitude=1e4):
    """A strategy for :class:`Expression` s over the named ``primitives`` (names of
    :data:`autograd.ops.PRIMITIVES`; default every smooth one, :data:`SMOOTH`) and
    your own ``operations`` ({name: function of Values}).

    ``inputs``: strategy for each leaf's value (default floats in [−2, 2]).
    """
    unknown = [p for p in primitives if p not in GUARDED]
    if unknown:
        raise ValueError(f"unknown primitive(s) {unknown!r}; choose from {sorted(GUARDED)} "
                         f"(the names of autograd.ops.PRIMITIVES)")
    table = {p: GUARDED[p] for p in primitives}
    for name, fn in (operations or {}).items():
        if not callable(fn):
            raise TypeError(f"operation {name!r} must be a function of Values, got {fn!r}")
        table[name] = fn
    if not table:
        raise ValueError("expressions() needs at least one primitive or operation")
    if not 1 <= min_leaves <= max_leaves:
        raise ValueError(f"need 1 ≤ min_leaves ≤ max_leaves, got {min_leaves}, {max_leaves}")
    if max_ops < 1:
        raise ValueError(f"max_ops must be at least 1, got {max_ops!r}")
    arity = {name: _arity(fn, name) for name, fn in table.items()}
    leaf_values = inputs if inputs is not None else st.floats(-2.0, 2.0)
    names = sorted(table)

    @st.composite
    def draw_expression(draw):
        n = draw(st.integers(min_leaves, max_leaves))
        point = tuple(draw(st.lists(leaf_values, min_size=n, max_size=n)))
        steps = []
        for s in range(draw(st.integers(1, max_ops))):
            name = draw(st.sampled_from(names))
            operands = tuple(draw(st.integers(0, n + s - 1)) for _ in range(arity[name]))
            steps.append((name, operands))
        return Expression(point, tuple(steps), table)

    return draw_expression().filter(lambda e: e.magnitude() < max_magnitude)

