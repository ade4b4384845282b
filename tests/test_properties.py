"""Property-based tests: random expression graphs, engine gradients against central differences.

A program is a list of instructions over 1–4 leaf inputs.  Each instruction
applies one primitive (wrapped so its operand stays inside the domain: log of
softplus(x) + 0.1, sqrt of x² + 1, division by y² + 1, powers of positive bases)
to earlier nodes picked at random, so nodes get reused and graphs form diamonds.
The output is the total of every node, so every node matters.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, backward_steps, grad, gradgradcheck, numerical_grad

# name -> (number of operands, how to apply it to Values)
INSTRUCTIONS = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.0)),
    "pow": (2, lambda a, b: (a.sigmoid() + 0.5) ** b.tanh()),
    "rpow": (1, lambda a: 1.5 ** a.tanh()),
    "neg": (1, lambda a: -a),
    "square": (1, lambda a: a ** 2),
    "cube": (1, lambda a: a ** 3),
    "pow_const": (1, lambda a: (a * a + 0.5) ** -1.5),
    "root": (1, lambda a: (a * a + 0.5) ** 0.5),
    "exp": (1, lambda a: a.tanh().exp()),
    "log": (1, lambda a: (a.softplus() + 0.1).log()),
    "sqrt": (1, lambda a: (a * a + 1.0).sqrt()),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "softplus": (1, lambda a: a.softplus()),
    "log_sigmoid": (1, lambda a: a.log_sigmoid()),
    "total": (3, lambda a, b, c: autograd.total([a, b, c])),
    "dot": (3, lambda a, b, c: autograd.dot([a, b], [c, a], b)),
    "logsumexp": (3, lambda a, b, c: autograd.logsumexp([a, b, c])),
    "softmax": (3, lambda a, b, c: autograd.softmax([a, b, c])[0]),
}

LIMIT = 1e4  # larger intermediates make central differences meaningless; such draws are rejected


@st.composite
def programs(draw, max_ops=8):
    n_leaves = draw(st.integers(1, 4))
    point = draw(st.lists(st.floats(-2.0, 2.0), min_size=n_leaves, max_size=n_leaves))
    steps = []
    for i in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(sorted(INSTRUCTIONS)))
        arity = INSTRUCTIONS[name][0]
        steps.append((name, [draw(st.integers(0, n_leaves + i - 1)) for _ in range(arity)]))
    return point, steps


def run(steps, leaves):
    """Apply the program to leaf Values; return the output and every node made."""
    nodes = list(leaves)
    for name, operands in steps:
        nodes.append(INSTRUCTIONS[name][1](*[nodes[k] for k in operands]))
    return autograd.total(nodes), nodes


def build(point, steps):
    """A fresh graph of the program at ``point``: the output and every node, leaves first."""
    return run(steps, [Value(x) for x in point])


def scale_of(point, steps):
    """The largest magnitude in the program, after rejecting programs that blow up."""
    out, nodes = build(point, steps)
    scale = max(1.0, abs(out.data), *(abs(n.data) for n in nodes))
    assume(scale < LIMIT)
    return scale


def as_function(steps):
    return lambda *xs: run(steps, xs)[0]


@settings(max_examples=100, deadline=None)
@given(programs())
def test_backward_matches_central_differences(program):
    point, steps = program
    scale = scale_of(point, steps)
    out, nodes = build(point, steps)
    out.backward()
    numeric = numerical_grad(as_function(steps), point)
    # Central-difference round-off grows with the size of the values involved.
    atol = 1e-7 * scale * (len(steps) + 1)
    for leaf, n in zip(nodes[:len(point)], numeric):
        assert leaf.grad == pytest.approx(n, rel=1e-5, abs=atol)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_grad_and_backward_steps_agree_with_backward(program):
    point, steps = program
    scale = scale_of(point, steps)
    out, nodes = build(point, steps)
    out.backward()
    by_backward = [n.grad for n in nodes]

    twin_out, twin_nodes = build(point, steps)
    by_grad = grad(twin_out, twin_nodes)

    stepped_out, stepped_nodes = build(point, steps)
    for _ in backward_steps(stepped_out):
        pass
    by_steps = [n.grad for n in stepped_nodes]

    tolerance = dict(rel=1e-12, abs=1e-12 * scale)
    assert by_grad == pytest.approx(by_backward, **tolerance)
    assert by_steps == pytest.approx(by_backward, **tolerance)


@settings(max_examples=30, deadline=None)
@given(programs(max_ops=4))
def test_second_derivatives_match_differences_of_first(program):
    point, steps = program
    scale = scale_of(point, steps)
    assert gradgradcheck(as_function(steps), point, atol=1e-5 * scale, rtol=1e-4)


def test_every_instruction_can_be_drawn_and_runs():
    # Guards the table itself: every entry builds a finite node from moderate inputs.
    for name, (arity, apply) in INSTRUCTIONS.items():
        out = apply(*[Value(0.3 + k) for k in range(arity)])
        assert math.isfinite(out.data), name
