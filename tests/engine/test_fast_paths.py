"""Property tests: every fast path of autograd/fast.py equals the reference it stands in for.

* each fast method (``+ × tanh relu``) makes the node its reference method in value.py
  makes, value and local derivatives bit for bit (nan where the rule gives nan);
* a layer's ``dot`` nodes made at once (``affine_unchecked``) are the ``dot`` nodes made
  one by one;
* the fast ``backward`` (slots) leaves the gradients the reference ``backward`` (a set
  and a dictionary) leaves, bit for bit, on random graphs with n-ary nodes (``total``,
  ``dot``, ``logsumexp``, ``log_softmax``), and walks the graph in the same order;
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

import autograd
from autograd import Value, fast, ops, topological_order
from autograd.functional import affine_unchecked
from autograd.value import apply

ANY = st.floats(allow_nan=True, allow_infinity=True)
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
reference_backward = fast.REFERENCE["backward"]


def same(x, y):
    """x and y are the same float: both nan, or equal with the same sign."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y and math.copysign(1, x) == math.copysign(1, y)


def same_node(got, want):
    assert got.primitive is want.primitive
    assert same(got.data, want.data), (got.data, want.data)
    assert got.parents == want.parents
    assert len(got.local_grads) == len(want.local_grads)
    for g, w in zip(got.local_grads, want.local_grads):
        assert same(g, w), (got.primitive.name, g, w)


def test_the_fast_module_replaces_exactly_the_methods_it_names():
    for name, reference in fast.REFERENCE.items():
        assert getattr(Value, name) is not reference
        assert reference.__module__ == "autograd.value"


@settings(max_examples=300, deadline=None)
@given(x=ANY)
def test_fast_unary_methods_make_the_reference_node(x):
    v = Value(x)
    for name in ("tanh", "relu"):
        same_node(getattr(v, name)(), fast.REFERENCE[name](v))


@settings(max_examples=300, deadline=None)
@given(a=ANY, b=ANY)
def test_fast_binary_methods_make_the_reference_node(a, b):
    x, y = Value(a), Value(b)
    same_node(x + y, fast.REFERENCE["__add__"](x, y))
    same_node(x * y, fast.REFERENCE["__mul__"](x, y))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.lists(ANY, min_size=n, max_size=n), min_size=1, max_size=4),
    st.lists(ANY, min_size=n, max_size=n), st.lists(ANY, min_size=4, max_size=4))))
def test_a_layer_of_dot_nodes_is_one_reference_dot_node_per_row(case):
    # affine_unchecked reads the inputs' numbers once for the layer; each z_j must still
    # be exactly the node apply(ops.dot, ...) makes for row j alone, in and out of no_grad.
    rows, inputs, biases = case
    W = [[Value(w) for w in row] for row in rows]
    xs = [Value(x) for x in inputs]
    bs = [Value(b) for b in biases[:len(rows)]]
    for z, row, b in zip(affine_unchecked(W, xs, bs), W, bs):
        same_node(z, apply(ops.dot, *row, *xs, b))
    with autograd.no_grad():
        assert all(z.is_leaf for z in affine_unchecked(W, xs, bs))


def binary(op):
    return lambda nodes, i, j, k: op(nodes[i], nodes[j])


OPS = [
    binary(lambda a, b: a + b), binary(lambda a, b: a * b), binary(lambda a, b: a - b),
    binary(lambda a, b: a * 0.5 + b.tanh()), binary(lambda a, b: (a * b).sigmoid()),
    binary(lambda a, b: a.relu() + b), binary(lambda a, b: (a - b) ** 2),
    binary(lambda a, b: a.softplus() * b), binary(lambda a, b: a / (b * b + 1.0)),
    lambda nodes, i, j, k: autograd.total([nodes[i], nodes[j], nodes[k]]),
    lambda nodes, i, j, k: autograd.dot([nodes[i], nodes[j]], [nodes[k], nodes[i]], nodes[j]),
    lambda nodes, i, j, k: autograd.logsumexp([nodes[i], nodes[j], nodes[k]]),
    lambda nodes, i, j, k: autograd.log_softmax([nodes[i], nodes[j], nodes[k]], i % 3),
]


@st.composite
def random_graphs(draw):
    """A random DAG: leaves, then nodes built from earlier nodes (shared freely), with
    nodes of one, two, three and five parents."""
    leaves = [Value(x) for x in draw(st.lists(FINITE, min_size=1, max_size=4))]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 25))):
        op = draw(st.sampled_from(OPS))
        i, j, k = (draw(st.integers(0, len(nodes) - 1)) for _ in range(3))
        nodes.append(op(nodes, i, j, k))
    return leaves, nodes[-1]


def gradients_after(backward, root, grad):
    for node in topological_order(root):
        node.grad = 0.0
    backward(root, grad)
    return [node.grad for node in topological_order(root)]


@settings(max_examples=300, deadline=None)
@given(random_graphs(), FINITE)
def test_fast_backward_equals_the_reference_bit_for_bit(graph, seed_grad):
    _, root = graph
    fast_grads = gradients_after(Value.backward, root, seed_grad)
    reference = gradients_after(reference_backward, root, seed_grad)
    assert all(same(f, r) for f, r in zip(fast_grads, reference)), (fast_grads, reference)


@settings(max_examples=200, deadline=None)
@given(random_graphs())
def test_the_fast_walk_visits_the_graph_in_the_reference_order(graph):
    _, root = graph
    with autograd.value.graph_lock:
        walked = fast._depth_first_order(root)
    assert [id(n) for n in walked] == [id(n) for n in topological_order(root)]


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
    _, root = graph
    expected = gradients_after(reference_backward, root, 1.0)
    for copied in (pickle.loads(pickle.dumps(root)), copy.deepcopy(root)):
        got = gradients_after(Value.backward, copied, 1.0)
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
    assert got == autograd.numerics.tanh_derivative(x)
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
