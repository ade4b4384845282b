"""Property-based tests of the engine over random expression graphs and random small networks,
drawn by the project's own strategies (autograd.strategies, nn.strategies).

Graphs reuse nodes (diamonds) and sum every node into the output, so every node matters; the
smooth primitives are checked exactly, ReLU and |x| with kinks skipped (random points land on
kinks: hypothesis likes 0.0).
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import (GradientMismatch, backward_steps, check_accumulation, grad, gradcheck,
                      gradgradcheck)
from autograd.strategies import GUARDED, expressions
from nn.strategies import networks

# Composite operations the engine must differentiate through as well as its primitives.
COMPOSITES = {
    "rpow": lambda a: 1.5 ** a.tanh(),
    "square": lambda a: a ** 2,
    "cube": lambda a: a ** 3,
    "root": lambda a: (a * a + 0.5) ** 0.5,
    "softmax": lambda a, b, c: autograd.softmax([a, b, c])[0],
}

smooth_graphs = expressions(operations=COMPOSITES)
every_graph = expressions(primitives=sorted(GUARDED), operations=COMPOSITES)


@settings(max_examples=100, deadline=None)
@given(smooth_graphs)
def test_backward_and_grad_match_central_differences(expr):
    result = gradcheck(expr, expr.point)
    out, nodes = expr.at_point()
    out.backward()
    leaves = nodes[:len(expr.point)]
    numeric = [e.reference for e in result.entries]
    assert [leaf.grad for leaf in leaves] == pytest.approx(numeric, rel=1e-3, abs=1e-5)


@settings(max_examples=100, deadline=None)
@given(every_graph)
def test_graphs_with_kinks_pass_with_kinks_skipped(expr):
    result = gradcheck(expr, expr.point, skip_kinks=True)
    assert len(result.entries) == len(expr.point)


@settings(max_examples=60, deadline=None)
@given(every_graph)
def test_grad_and_backward_steps_agree_with_backward(expr):
    out, nodes = expr.at_point()
    out.backward()
    by_backward = [n.grad for n in nodes]

    twin_out, twin_nodes = expr.at_point()
    by_grad = grad(twin_out, twin_nodes)

    stepped_out, stepped_nodes = expr.at_point()
    for _ in backward_steps(stepped_out):
        pass
    by_steps = [n.grad for n in stepped_nodes]

    scale = max(1.0, *(abs(n.data) for n in nodes))
    tolerance = dict(rel=1e-12, abs=1e-12 * scale)
    assert by_grad == pytest.approx(by_backward, **tolerance)
    assert by_steps == pytest.approx(by_backward, **tolerance)


@settings(max_examples=30, deadline=None)
@given(expressions(operations=COMPOSITES, max_ops=4))
def test_second_derivatives_match_differences_of_first(expr):
    out, nodes = expr.at_point()
    scale = max(1.0, *(abs(n.data) for n in nodes))
    assert gradgradcheck(expr, expr.point, atol=1e-5 * scale, rtol=1e-4)


@settings(max_examples=40, deadline=None)
@given(every_graph)
def test_accumulation_probes_pass_on_every_graph(expr):
    # Reuse, a second backward and zero_grad: none may change what a leaf receives.
    # Kinks make central differences meaningless there, so only smooth points are compared.
    try:
        gradcheck(expr, expr.point)
    except autograd.check.NotDifferentiable:
        return
    assert check_accumulation(expr, expr.point)


@settings(max_examples=40, deadline=None)
@given(networks())
def test_backprop_through_random_small_networks(net):
    params = net.parameters()
    assert gradcheck(net.loss, params, samples=2, skip_kinks=True)
    assert gradcheck(net.loss, params, directions=2, skip_kinks=True)


def test_every_composite_builds_a_finite_node():
    for name, apply in COMPOSITES.items():
        out = apply(*[autograd.Value(0.3 + k) for k in range(apply.__code__.co_argcount)])
        assert math.isfinite(out.data), name


@settings(max_examples=100, deadline=None)
@given(smooth_graphs, st.integers(0, 3), st.sampled_from([0.5, -0.1, 3.0]))
def test_a_planted_error_in_a_smooth_graph_is_always_a_mismatch(expr, which, error):
    # The engine's ∂/∂x_i made `error`·max(1, |∂/∂x_i|) too large; no kink anywhere, so never "not
    # differentiable here" and never a pass.
    i = which % len(expr.point)
    out, nodes = expr.at_point()
    shift = error * max(1.0, abs(grad(out, nodes[i])))   # well beyond rtol at any size

    def planted(*xs):
        return expr(*xs) + (xs[i] - xs[i].detach()) * shift

    with pytest.raises(GradientMismatch) as info:
        gradcheck(planted, expr.point)
    assert info.value.result.worst.index == i
