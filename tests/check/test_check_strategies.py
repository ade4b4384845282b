"""autograd.strategies and nn.strategies: what they draw, and that a user's wrong formula is
found by them in a few lines."""

import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, find, given, settings

from autograd import GradientMismatch, Value, gradcheck, ops
from autograd.strategies import GUARDED, KINKED, SMOOTH, Expression, expressions
from nn.strategies import Network, networks


def test_every_primitive_of_the_engine_has_a_guarded_form():
    assert set(GUARDED) == set(ops.PRIMITIVES)
    assert set(KINKED) | set(SMOOTH) == set(GUARDED)


def test_importing_the_engine_does_not_import_hypothesis():
    code = "import sys, autograd, nn; assert 'hypothesis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_expression_is_the_total_of_every_node():
    # x0 = 0.5, x1 = −1; n2 = x0·x1, n3 = tanh(n2): out = 0.5 − 1 − 0.5 + tanh(−0.5)
    expr = Expression((0.5, -1.0), (("mul", (0, 1)), ("tanh", (2,))), GUARDED)
    out, nodes = expr.at_point()
    assert out.data == pytest.approx(0.5 - 1.0 - 0.5 + math.tanh(-0.5), rel=1e-15)
    assert len(nodes) == 4
    assert str(expr) == ("x0 = 0.5; x1 = -1.0; n2 = mul(x0, x1); n3 = tanh(n2); "
                         "out = total of every node")
    assert repr(expr) == f"Expression({expr})"   # what hypothesis prints for a failing draw
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        expr(Value(1.0))


@settings(max_examples=50, deadline=None)
@given(expressions(primitives=["mul", "sigmoid"], max_leaves=2, max_ops=5))
def test_only_the_chosen_primitives_are_drawn(expr):
    assert {name for name, _ in expr.steps} <= {"mul", "sigmoid"}
    assert 1 <= len(expr.point) <= 2 and 1 <= len(expr.steps) <= 5
    assert all(-2.0 <= x <= 2.0 for x in expr.point)
    for s, (name, operands) in enumerate(expr.steps):
        assert all(0 <= k < len(expr.point) + s for k in operands)  # earlier nodes only


def test_nodes_are_reused():
    # Some drawn graph feeds one node to two operations (a diamond) or twice to one.
    def reuses(expr):
        used = [k for _, operands in expr.steps for k in operands]
        return len(used) > len(set(used))

    expr = find(expressions(primitives=["mul", "add"]), reuses,
                settings=settings(suppress_health_check=list(HealthCheck)))
    assert reuses(expr)


@settings(max_examples=50, deadline=None)
@given(expressions(max_magnitude=10.0))
def test_draws_that_blow_up_are_rejected(expr):
    assert expr.magnitude() < 10.0


def test_a_users_wrong_formula_is_found_and_a_right_one_passes():
    def swish(a):                       # right: the engine differentiates it
        return a * a.sigmoid()

    def wrong_swish(a):                 # the derivative of the second factor is lost
        return a * a.sigmoid().detach()

    def fails(expr):
        try:
            gradcheck(expr, expr.point)
        except GradientMismatch:
            return True
        return False

    strategy = expressions(primitives=["add", "tanh"], operations={"swish": wrong_swish})
    found = find(strategy, fails, settings=settings(suppress_health_check=list(HealthCheck)))
    assert "swish" in {name for name, _ in found.steps}
    assert "swish(x0)" in repr(found)

    @settings(max_examples=40, deadline=None)
    @given(expressions(primitives=["add", "tanh"], operations={"swish": swish}))
    def right(expr):
        assert not fails(expr)
    right()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"unknown primitive\(s\) \['gelu'\]"):
        expressions(primitives=["gelu"])
    with pytest.raises(ValueError, match="operation 'many' must take a fixed number of Values"):
        expressions(operations={"many": lambda *xs: xs[0]})
    with pytest.raises(TypeError, match="operation 'x' must be a function of Values, got 3"):
        expressions(operations={"x": 3})
    with pytest.raises(ValueError, match=r"unknown activation\(s\) \['swish'\]"):
        networks(activations=["swish"])


@settings(max_examples=30, deadline=None)
@given(networks(max_inputs=2, max_layers=2, max_width=2, activations=("tanh",)))
def test_networks_are_small_labelled_mlps_with_a_sample(net):
    assert isinstance(net, Network)
    nin, *sizes = net.sizes
    assert nin == len(net.x)
    assert len(net.parameters()) == sum(n * (m + 1) for m, n in zip(net.sizes, sizes))
    assert 1 <= len(net.x) <= 2 and 1 <= len(sizes) <= 2 and max(sizes) <= 2
    assert len(net.y) == sizes[-1]
    labels = [p.label for p in net.parameters()]
    assert labels[0] == "W^[1]_1,1" and all(labels)
    # L = mean over outputs of (ŷ − y)², computed here by hand from the forward pass
    out = net.model(net.x)
    preds = [o.data for o in (out if isinstance(out, list) else [out])]
    expected = sum((p - t) ** 2 for p, t in zip(preds, net.y)) / len(preds)
    assert net.loss().data == pytest.approx(expected, rel=1e-12)
