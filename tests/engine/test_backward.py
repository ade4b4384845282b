"""backward(): order, accumulation, reuse, depth; backward_steps(): the same pass, one node at a time."""

import math

import pytest

import autograd
from autograd import Value, backward_steps, topological_order, zero_grad


def diamond():
    """a feeds d along two paths: d = (2a)·(a + 3), so ∂d/∂a = 2(a + 3) + 2a = 4a + 6."""
    a = Value(1.5, label="a")
    b = a * 2.0
    b.label = "b"
    c = a + 3.0
    c.label = "c"
    d = b * c
    d.label = "d"
    return a, b, c, d


def small_network():
    """A 2-input sigmoid neuron feeding a tanh, squared: every kind of node once."""
    x1, x2 = Value(0.5, label="x1"), Value(-1.0, label="x2")
    w1, w2, b = Value(0.1, label="w1"), Value(0.3, label="w2"), Value(0.05, label="b")
    h = autograd.dot([w1, w2], [x1, x2], b).sigmoid()
    out = ((h * 0.2 + 0.01).tanh() - 1.0) ** 2
    return [x1, x2, w1, w2, b], out


# -- topological order ---------------------------------------------------------

def test_topological_order_puts_parents_first_root_last_each_node_once():
    a, b, c, d = diamond()
    order = topological_order(d)
    assert order[-1] is d
    assert len(order) == len(set(map(id, order)))
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert {id(n) for n in (a, b, c, d)} <= set(position)


def test_topological_order_has_exactly_the_reachable_nodes():
    a, b, c, d = diamond()
    unrelated = a * 10.0  # uses a, but d does not depend on it
    order = topological_order(d)
    assert all(n is not unrelated for n in order)
    # a, b, c, d and the constants 2.0 and 3.0
    assert len(order) == 6


def test_topological_order_of_a_leaf_is_the_leaf():
    x = Value(1.0)
    assert topological_order(x) == [x]


# -- the chain rule with reuse --------------------------------------------------

def test_a_plus_a_gives_two():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_a_times_a_gives_two_a():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_a_times_a_times_a_gives_three_a_squared():
    a = Value(-2.0)
    (a * a * a).backward()
    assert a.grad == 12.0


def test_diamond_adds_both_paths():
    a, b, c, d = diamond()
    d.backward()
    assert a.grad == 4 * a.data + 6
    assert b.grad == c.data          # ∂d/∂b = c
    assert c.grad == b.data          # ∂d/∂c = b
    assert d.grad == 1.0


def test_intermediate_nodes_receive_their_gradient():
    x = Value(2.0)
    y = x * x
    z = 3.0 * y + 1.0
    z.backward()
    assert y.grad == 3.0
    assert x.grad == 12.0


def test_backward_from_a_leaf_sets_its_grad_to_the_seed():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_gradient_flows_to_an_input_reached_only_through_many_uses():
    x = Value(0.7)
    s = autograd.total([x * k for k in range(1, 11)])  # Σ k·x, ∂/∂x = 55
    s.backward()
    assert x.grad == 55.0


def test_a_graph_a_million_nodes_deep_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert y.data == 0.5
    assert x.grad == 1.0  # an even number of sign flips


# -- accumulation, zeroing, seeding -----------------------------------------------

def test_calling_backward_twice_doubles_every_grad_including_intermediates():
    leaves, out = small_network()
    out.backward()
    once = {id(n): n.grad for n in topological_order(out)}
    out.backward()
    for node in topological_order(out):
        assert node.grad == 2 * once[id(node)]
    assert out.grad == 2.0
    assert any(once[id(x)] != 0.0 for x in leaves)


def test_two_losses_sharing_a_parameter_add_their_gradients():
    w = Value(0.5)
    (w * 3.0).backward()
    (w * w).backward()
    assert w.grad == 3.0 + 2 * 0.5


def test_zero_grad_clears_every_node_of_the_graph():
    leaves, out = small_network()
    out.backward()
    zero_grad(out)
    assert all(n.grad == 0.0 for n in topological_order(out))
    out.backward()
    fresh_leaves, fresh_out = small_network()
    fresh_out.backward()
    assert [x.grad for x in leaves] == [x.grad for x in fresh_leaves]


def test_backward_seed_scales_every_gradient():
    leaves, out = small_network()
    out.backward(grad=-2.5)
    unit_leaves, unit_out = small_network()
    unit_out.backward()
    for seeded, unit in zip(leaves, unit_leaves):
        assert seeded.grad == pytest.approx(-2.5 * unit.grad, rel=1e-15)
    assert out.grad == -2.5


def test_backward_seed_must_be_a_number():
    with pytest.raises(TypeError, match="backward.*str"):
        Value(1.0).backward(grad="1")


def test_a_zero_gradient_does_not_spread_an_infinite_local_derivative():
    x = Value(0.0)
    y = x.sqrt() * 0.0  # ∂y/∂√x = 0, and ∂√x/∂x = ∞ at 0: 0·∞ counts as 0
    y.backward()
    assert x.grad == 0.0


# -- backward_steps ----------------------------------------------------------------

def test_backward_steps_walk_the_reverse_topological_order_from_the_root():
    leaves, out = small_network()
    order = topological_order(out)
    steps = list(backward_steps(out))
    assert [s.index for s in steps] == list(range(len(order)))
    assert [id(s.node) for s in steps] == [id(n) for n in reversed(order)]
    assert steps[0].node is out and steps[0].grad == 1.0


def test_each_step_shows_local_derivatives_and_contributions():
    leaves, out = small_network()
    for step in backward_steps(out):
        assert [id(c.parent) for c in step.contributions] == [id(p) for p in step.node.parents]
        assert [c.local for c in step.contributions] == list(step.node.local_grads)
        assert [c.added for c in step.contributions] == [c.local * step.grad
                                                         for c in step.contributions]
        # The incoming gradient is complete when the node's turn comes.
        assert step.grad == step.node.grad


def test_exhausted_steps_leave_the_same_grads_as_backward():
    leaves, out = small_network()
    for _ in backward_steps(out, grad=0.5):
        pass
    twin_leaves, twin_out = small_network()
    twin_out.backward(grad=0.5)
    stepped = [n.grad for n in topological_order(out)]
    assert stepped == [n.grad for n in topological_order(twin_out)]
    assert any(g != 0.0 for g in stepped)


def test_steps_add_to_parents_grads_as_they_go():
    a, b, c, d = diamond()
    steps = backward_steps(d)
    next(steps)  # d: adds c to ∂d/∂b and b to ∂d/∂c
    assert (b.grad, c.grad) == (c.data, b.data)
    assert a.grad == 0.0


def test_printing_a_step_shows_its_numbers():
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    y = x * w
    y.label = "y"
    first = next(backward_steps(y, grad=0.5))
    text = str(first)
    assert "y" in text and "0.5" in text
    # parent x: local ∂y/∂x = w = -3, adds -3 × 0.5 = -1.5; parent w: local 2, adds 1
    lines = text.splitlines()
    x_line = next(line for line in lines if "x:" in line)
    w_line = next(line for line in lines if "w:" in line)
    assert "-3" in x_line and "-1.5" in x_line
    assert "2" in w_line and "= 1" in w_line


def test_backward_steps_are_lazy():
    x = Value(1.0)
    y = x
    a, chain = 1.0, 1.0
    for _ in range(100):
        y = y.tanh()
        chain *= 1 - math.tanh(a) ** 2   # the hand chain rule, one factor per tanh
        a = math.tanh(a)
    steps = backward_steps(y)
    assert next(steps).node is y
    assert x.grad == 0.0  # nothing has reached the input yet
    rest = list(steps)
    assert rest[-1].node is x
    assert x.grad == pytest.approx(chain, rel=1e-12)
