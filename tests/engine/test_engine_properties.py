"""Property tests: every fast path equals the reference it stands in for.

* each primitive ``Value`` computes inline equals its rule in :mod:`autograd.ops`,
  value and local derivatives, bit for bit (nan where the rule gives nan);
* ``dot_unchecked`` and ``affine_unchecked`` (row by row) equal the ``weighted_sum`` rule;
* ``backward`` (slots) equals ``backward_reference`` (a dictionary) on random graphs;
* ``topological_order`` puts every node after its parents, each node once;
* a pickled or deep-copied random graph gives the same gradients.
"""

import copy
import decimal
import math
import pickle
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, ops, topological_order
from autograd.backward import backward_reference
from autograd.functional import affine_unchecked, dot_unchecked

ANY = st.floats(allow_nan=True, allow_infinity=True)
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def same(x, y):
    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y)) or (x == y == 0.0)


def node_equals_rule(node, rule_output):
    data, *local = rule_output
    assert same(node.data, data), (node.data, data)
    assert len(node.local_grads) == len(local)
    for got, want in zip(node.local_grads, local):
        assert same(got, want), (node.op_name, got, want)


UNARY_FAST = {
    "neg": lambda v: -v, "tanh": lambda v: v.tanh(), "sigmoid": lambda v: v.sigmoid(),
    "relu": lambda v: v.relu(), "exp": lambda v: v.exp(),
}
BINARY_FAST = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
}


@settings(max_examples=300, deadline=None)
@given(x=ANY)
def test_unary_fast_paths_equal_their_rules(x):
    for name, build in UNARY_FAST.items():
        node_equals_rule(build(Value(x)), ops.PRIMITIVES[name].rule(x))


@settings(max_examples=300, deadline=None)
@given(a=ANY, b=ANY)
def test_binary_fast_paths_equal_their_rules(a, b):
    for name, build in BINARY_FAST.items():
        node_equals_rule(build(Value(a), Value(b)), ops.PRIMITIVES[name].rule(a, b))
    if b != 0.0:
        node_equals_rule(Value(a) / Value(b), ops.div.rule(a, b))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ANY, ANY), min_size=1, max_size=6), ANY)
def test_dot_unchecked_equals_the_weighted_sum_rule(pairs, bias):
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) for _, x in pairs]
    node = dot_unchecked(ws, xs, Value(bias))
    expected = ops.weighted_sum.rule(*[w for w, _ in pairs], *[x for _, x in pairs], bias)
    node_equals_rule(node, expected)
    assert node.parents == (*ws, *xs) + (node.parents[-1],)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.lists(ANY, min_size=n, max_size=n), min_size=1, max_size=4),
    st.lists(ANY, min_size=n, max_size=n), st.lists(ANY, min_size=4, max_size=4))))
def test_affine_unchecked_is_one_weighted_sum_rule_per_row(case):
    # A layer's Z = W x + b reads the inputs once; each z_j must still be exactly the
    # node the rule makes for row j alone.
    rows, inputs, biases = case
    W = [[Value(w) for w in row] for row in rows]
    xs = [Value(x) for x in inputs]
    bs = [Value(b) for b in biases[:len(rows)]]
    for row, bias, z, b in zip(rows, biases, affine_unchecked(W, xs, bs), bs):
        node_equals_rule(z, ops.weighted_sum.rule(*row, *inputs, bias))
        assert z.parents[len(row):] == (*xs, b)


OPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
    lambda a, b: a * 0.5 + b.tanh(), lambda a, b: (a * b).sigmoid(),
    lambda a, b: a.relu() + b, lambda a, b: (a - b) ** 2, lambda a, b: a.softplus() * b,
]


@st.composite
def random_graphs(draw):
    """A random DAG: leaves, then nodes built from two earlier nodes each (shared freely)."""
    leaves = [Value(x) for x in draw(st.lists(FINITE, min_size=1, max_size=4))]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 25))):
        op = draw(st.sampled_from(OPS))
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        nodes.append(op(a, b))
    return leaves, nodes[-1]


def gradients_after(backward, leaves, root, grad):
    for node in topological_order(root):
        node.grad = 0.0
    backward(root, grad)
    return [node.grad for node in topological_order(root)]


@settings(max_examples=200, deadline=None)
@given(random_graphs(), FINITE)
def test_fast_backward_equals_the_reference_loop_bit_for_bit(graph, seed_grad):
    leaves, root = graph
    fast = gradients_after(lambda r, g: r.backward(g), leaves, root, seed_grad)
    reference = gradients_after(backward_reference, leaves, root, seed_grad)
    assert all(same(f, r) for f, r in zip(fast, reference)), (fast, reference)


@settings(max_examples=200, deadline=None)
@given(random_graphs())
def test_topological_order_has_parents_first_and_every_node_once(graph):
    _, root = graph
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order) and order[-1] is root
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


@settings(max_examples=100, deadline=None)
@given(random_graphs())
def test_pickled_and_copied_graphs_give_the_same_gradients(graph):
    leaves, root = graph
    expected = gradients_after(backward_reference, leaves, root, 1.0)
    for copied in (pickle.loads(pickle.dumps(root)), copy.deepcopy(root)):
        got = gradients_after(lambda r, g: r.backward(g), None, copied, 1.0)
        assert all(same(a, b) for a, b in zip(got, expected))
        assert [n.data for n in topological_order(copied)] == [
            n.data for n in topological_order(root)]


def test_tanh_derivative_switches_formula_where_one_minus_a_squared_loses_accuracy():
    # 1 − a² is used below |x| = 0.75, where it is as good as 1/cosh²x (both within 2
    # ulps); past that its cancellation costs up to ~4 ulps, which a later switch shows.
    rng = random.Random(0)
    with decimal.localcontext() as context:
        context.prec = 40
        for x in [rng.uniform(-1.5, 1.5) for _ in range(20_000)]:
            d = decimal.Decimal(x)
            exact = 4 / (d.exp() + (-d).exp()) ** 2
            got = Value(x).tanh().local_grads[0]
            assert abs(decimal.Decimal(got) - exact) <= exact * decimal.Decimal(2.3 * 2.0 ** -52), x


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-700.0, max_value=700.0))
def test_tanh_derivative_is_accurate_to_a_few_ulps_even_where_tanh_rounds_to_one(x):
    # sech²x = 4 / (eˣ + e⁻ˣ)² in 60-digit decimal arithmetic as the reference
    with decimal.localcontext() as context:
        context.prec = 60
        d = decimal.Decimal(x)
        exact = 4 / (d.exp() + (-d).exp()) ** 2
    got = Value(x).tanh().local_grads[0]
    assert got == ops.tanh_derivative_float(x)
    # relative to 2e-15, or a few units of the smallest subnormal once sech²x underflows
    assert abs(decimal.Decimal(got) - exact) <= max(exact * decimal.Decimal(2e-15),
                                                    decimal.Decimal(2e-323))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-745.0, max_value=745.0))
def test_sigmoid_and_its_derivative_are_accurate_everywhere(x):
    with decimal.localcontext() as context:
        context.prec = 60
        e = (-decimal.Decimal(x)).exp()
        s, ds = 1 / (1 + e), e / (1 + e) ** 2
    node = Value(x).sigmoid()
    tiny = decimal.Decimal(2e-323)  # a few units of the smallest subnormal, where σ underflows
    assert abs(decimal.Decimal(node.data) - s) <= max(s * decimal.Decimal(1e-15), tiny)
    assert abs(decimal.Decimal(node.local_grads[0]) - ds) <= max(ds * decimal.Decimal(1e-15),
                                                                 tiny)
