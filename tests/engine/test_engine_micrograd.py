"""micrograd's node names, used the way the lecture uses them, next to micrograd's own engine.

The lecture's code is copied in spirit line for line: ``trace()`` builds nodes
and edges from ``_prev``, a hand-written topological sort calls ``_backward()``
node by node in reverse, and ``_op`` is printed as a string.
"""

import gc
import math

import pytest

from autograd import Value
from lecture import backward_by_hand, trace

micrograd_engine = pytest.importorskip("micrograd.engine")
MicrogradValue = micrograd_engine.Value


def expression(V):
    """An expression micrograd's engine can build too: +, *, ** and relu, a reused node."""
    a, b = V(-4.0), V(2.0)
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    return a, b, g


def test_hand_backward_through__backward_matches_micrograd_and_our_backward():
    a, b, g = expression(Value)
    ma, mb, mg = expression(MicrogradValue)
    assert g.data == pytest.approx(mg.data, rel=1e-15)  # micrograd's README: 24.7041
    backward_by_hand(g)
    mg.backward()
    assert (a.grad, b.grad) == pytest.approx((ma.grad, mb.grad), rel=1e-13)
    assert a.grad == pytest.approx(138.8338, abs=1e-4) and b.grad == pytest.approx(645.5773,
                                                                                  abs=1e-4)
    a2, b2, g2 = expression(Value)
    g2.backward()
    assert (a2.grad, b2.grad) == (a.grad, b.grad)


def test_trace_finds_the_same_graph_shape_as_micrograd_for_shared_ops():
    def build(V):
        x1, x2, w1, w2 = V(2.0), V(0.0), V(-3.0), V(1.0)
        b = V(6.8813735870195432)
        n = x1 * w1 + x2 * w2 + b
        return (n * 2).relu() ** 2

    ours, theirs = build(Value), build(MicrogradValue)
    (n_ours, e_ours), (n_theirs, e_theirs) = trace(ours), trace(theirs)
    assert (len(n_ours), len(e_ours)) == (len(n_theirs), len(e_theirs))
    assert sorted(v._op for v in n_ours) == sorted(v._op for v in n_theirs)
    assert ours.data == pytest.approx(theirs.data, rel=1e-15)


def test__op_is_the_operator_as_micrograd_spells_it():
    x, y = Value(2.0), Value(3.0)
    assert [(x + y)._op, (x * y)._op, (x ** 2)._op, (x ** 0.5)._op, x.relu()._op] == [
        "+", "*", "**2", "**0.5", "ReLU"]
    assert [x.tanh()._op, x.exp()._op, x._op] == ["tanh", "exp", ""]
    print(f"{(x * y)._op!s}")  # the lecture prints it; a string, not a function
    assert all(isinstance(v._op, str) for v in (x, x + y, x.sigmoid(), x - y, x / y))
    mx = MicrogradValue(2.0)
    assert (x + y)._op == (mx + 3.0)._op and (x ** 2)._op == (mx ** 2)._op


def test__prev_is_the_parents_and_read_only():
    x, y = Value(2.0), Value(3.0)
    z = x * y
    assert set(z._prev) == {x, y} and len(z._prev) == 2 and x._prev == ()
    assert len((x + x)._prev) == 2  # micrograd's set would hold x once; the edges are two
    with pytest.raises(AttributeError):
        z._prev = ()


def test__backward_applies_only_this_nodes_chain_rule_step():
    # The lecture's neuron, step by step: o = tanh(x1·w1 + x2·w2 + b).
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(1 - o.data ** 2, rel=1e-15)
    assert n.grad == pytest.approx(0.5, abs=1e-6)
    assert x1w1.grad == 0.0  # not yet: that is the next nodes' step
    for node in (n, x1w1x2w2, x1w1, x2w2):
        node._backward()
    assert b.grad == x1w1.grad == x2w2.grad == n.grad
    assert x1.grad == pytest.approx(-1.5, abs=1e-6) and w1.grad == pytest.approx(1.0, abs=1e-6)
    assert x2.grad == pytest.approx(0.5, abs=1e-6) and w2.grad == 0.0


def test_leaves__backward_does_nothing():
    x = Value(1.0)
    x.grad = 5.0
    x._backward()
    assert x.grad == 5.0


def test_nodes_hold_no_closures_and_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = (x * 2 + 1).tanh()
        del y
        assert gc.collect() == 0  # nothing freed by the cyclic collector: no cycles were made
    finally:
        gc.enable()
    assert not hasattr(Value(1.0), "__dict__")


def test_math_on__op_strings_and_labels_render_like_the_lecture():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    lines = [f"{n.label or '?'} {n.data:.4f} {n._op}" for n in sorted(trace(e)[0],
                                                                  key=lambda v: v.label)]
    assert lines == ["a 2.0000 ", "b -3.0000 ", "e -6.0000 *"]
    assert math.isclose(e.data, -6.0)
