"""grad() and higher derivatives, hessian(), no_grad()/enable_grad(), and the n-ary functions."""

import math

import pytest

import autograd
from autograd import (Value, enable_grad, grad, gradgradcheck, hessian, is_grad_enabled,
                      no_grad, topological_order)
from autograd.errors import DomainError


# -- grad() as a function ------------------------------------------------------

def test_grad_returns_gradients_and_touches_no_grad_attribute():
    x, y = Value(2.0), Value(-1.0)
    out = (x * y).tanh() + x ** 2
    x.grad = 7.0  # left over from something else; grad() must not add to it
    gx, gy = grad(out, [x, y])
    t = math.tanh(2.0 * -1.0)
    assert gx == pytest.approx((1 - t * t) * -1.0 + 4.0, rel=1e-14)
    assert gy == pytest.approx((1 - t * t) * 2.0, rel=1e-14)
    assert x.grad == 7.0
    assert all(n.grad == 0.0 for n in topological_order(out) if n is not x)


def test_grad_agrees_with_backward():
    x, y = Value(0.3), Value(1.7)
    out = autograd.logsumexp([x * y, x.sigmoid(), y.log()])
    expected = grad(out, [x, y])
    out.backward()
    assert [x.grad, y.grad] == pytest.approx(expected, rel=1e-14)


def test_single_value_in_single_gradient_out_list_in_list_out():
    x = Value(3.0)
    y = x * x
    assert grad(y, x) == 6.0
    assert grad(y, [x]) == [6.0]
    assert grad(y, (x, x)) == [6.0, 6.0]


def test_unreachable_input_gets_zero():
    x, unused = Value(3.0), Value(5.0)
    y = x * 2.0
    assert grad(y, [x, unused]) == [2.0, 0.0]
    d_unused = grad(y, unused, create_graph=True)
    assert isinstance(d_unused, Value) and d_unused.data == 0.0


def test_gradient_with_respect_to_an_intermediate_node():
    x = Value(1.5)
    h = x * x
    out = h.exp()
    assert grad(out, h) == pytest.approx(math.exp(2.25), rel=1e-15)


def test_output_with_respect_to_itself_is_one():
    y = Value(2.0) * 3.0
    assert grad(y, y) == 1.0


def test_grad_rejects_non_values_naming_the_culprit():
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"inputs must be Values; input 1 is float 2\.0"):
        grad(x * x, [x, 2.0])
    with pytest.raises(TypeError, match="output must be a Value, got float"):
        grad(1.0, [x])


# -- create_graph: derivatives of derivatives ------------------------------------

def test_second_derivative_of_x_cubed_is_six_x():
    x = Value(1.7)
    dy = grad(x ** 3, x, create_graph=True)
    assert isinstance(dy, Value) and not dy.is_leaf
    assert dy.data == pytest.approx(3 * 1.7 ** 2, rel=1e-15)
    assert grad(dy, x) == pytest.approx(6 * 1.7, rel=1e-15)


def test_third_derivative_of_x_to_the_fourth_is_24x():
    x = Value(-0.6)
    d1 = grad(x ** 4, x, create_graph=True)
    d2 = grad(d1, x, create_graph=True)
    assert grad(d2, x) == pytest.approx(24 * -0.6, rel=1e-14)


def test_mixed_partials_of_x_y_squared_are_two_y_in_either_order():
    x, y = Value(0.9), Value(-1.4)
    f = x * y ** 2
    dfdx, dfdy = grad(f, [x, y], create_graph=True)
    assert grad(dfdx, y) == pytest.approx(2 * -1.4, rel=1e-15)
    assert grad(dfdy, x) == pytest.approx(2 * -1.4, rel=1e-15)


def test_create_graph_leaves_grads_alone_and_backward_works_on_the_result():
    x = Value(2.0)
    dy = grad(x.exp() * x, x, create_graph=True)  # (x + 1)eˣ
    assert x.grad == 0.0
    dy.backward()                                  # (x + 2)eˣ
    assert x.grad == pytest.approx(4 * math.exp(2.0), rel=1e-14)


@pytest.mark.parametrize("build", [lambda x: x.sqrt(), lambda x: x ** 0.5], ids=["sqrt", "pow0.5"])
def test_infinite_derivative_at_zero_is_inf_and_cannot_be_differentiated_again(build):
    # ∂√x/∂x at 0 is inf (documented in ops).  Its own derivative −1/(4x^{3/2}) is −inf
    # there; a constant inf in the derivative graph used to make the Hessian silently 0.
    x = Value(0.0)
    assert grad(build(x), x) == math.inf
    with pytest.raises(DomainError, match="infinite here, so it cannot be differentiated again"):
        grad(build(x), x, create_graph=True)
    with pytest.raises(DomainError, match="cannot be differentiated again"):
        hessian(build(x), [x])


def test_hessian_of_a_two_input_function():
    x, y = Value(0.5), Value(-0.3)
    f = x ** 2 * y + y.exp() * x
    ey = math.exp(-0.3)
    expected = [[2 * -0.3, 2 * 0.5 + ey],
                [2 * 0.5 + ey, 0.5 * ey]]
    h = hessian(f, [x, y])
    for row, expected_row in zip(h, expected):
        assert row == pytest.approx(expected_row, rel=1e-14)


def test_hessian_with_an_input_that_only_enters_linearly():
    x, y = Value(1.2), Value(3.0)
    h = hessian(x * x + 5.0 * y, [x, y])
    assert h == [[2.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("f, at", [
    (lambda x, y: (x * y).tanh(), [0.4, -0.9]),
    (lambda x, y: x.sigmoid() * y.softplus(), [1.1, -0.2]),
    (lambda x, y: autograd.logsumexp([x, y * x, y]), [0.3, 0.8]),
    (lambda x, y: (x / (y * y + 1.0)).log_sigmoid(), [-2.0, 0.5]),
    (lambda x, y: x ** y, [1.3, 2.2]),
    (lambda x, y: (x * x + 1.0).sqrt() * (y * y + 0.5).log(), [0.7, -1.5]),
    (lambda w1, w2, a: autograd.dot([w1, w2], [a, a * a], w1).tanh(), [0.2, -0.4, 1.3]),
])
def test_gradgradcheck_passes_on_smooth_functions(f, at):
    assert gradgradcheck(f, at)


# -- no_grad / enable_grad --------------------------------------------------------

def test_no_grad_results_are_leaves():
    x = Value(2.0)
    with no_grad():
        y = (x * 3.0).tanh()
    assert y.is_leaf and y.parents == () and y.op == ""
    assert y.data == math.tanh(6.0)
    with pytest.raises(RuntimeError, match="inside no_grad\\(\\), so it recorded no graph"):
        y.backward()  # PyTorch raises here too; it used to leave x.grad silently 0
    assert x.grad == 0.0


def test_no_grad_as_decorator():
    @no_grad()
    def update(w):
        return w - 0.1 * w

    w = Value(1.0)
    new = update(w)
    assert new.is_leaf and new.data == pytest.approx(0.9)
    assert is_grad_enabled()


def test_no_grad_nests_and_restores():
    assert is_grad_enabled()
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        assert (Value(1.0) + 1.0).is_leaf
    assert is_grad_enabled()
    assert not (Value(1.0) + 1.0).is_leaf


def test_no_grad_restores_after_an_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert is_grad_enabled()


def test_enable_grad_records_inside_no_grad_then_restores():
    x = Value(2.0)
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            y = x * x
        assert not is_grad_enabled()
        z = x * x
    assert not y.is_leaf and z.is_leaf
    y.backward()
    assert x.grad == 4.0


def test_no_grad_and_detect_anomaly_combine_and_both_restore():
    one, infinite = Value(1.0), Value(math.inf)
    with autograd.detect_anomaly():
        with no_grad():
            assert (one * 2.0).is_leaf
            with pytest.raises(autograd.AnomalyError, match="mul"):
                infinite * 0.0  # nan
        assert not (one * 2.0).is_leaf
    with no_grad():
        with autograd.detect_anomaly():
            assert (one * 2.0).is_leaf
        assert (one * 2.0).is_leaf
        with enable_grad():
            x = Value(0.0)
            unchecked = x.sqrt() * 3.0
    unchecked.backward()  # built with anomaly checks off again: the ∞ is not an error
    assert x.grad == math.inf
    assert is_grad_enabled()
    assert not (one * 2.0).is_leaf


# -- the n-ary functions ----------------------------------------------------------

def test_total_is_exact_and_one_node():
    parts = [Value(1e16), Value(1.0), Value(-1e16)]
    s = autograd.total(parts)
    assert s.data == 1.0  # fsum: naive left-to-right summation gives 0.0
    assert len(s.parents) == 3 and s.primitive is autograd.ops.total


def test_dot_parent_order_is_weights_inputs_bias():
    w = [Value(0.1), Value(0.3)]
    x = [Value(0.5), Value(1.0)]
    b = Value(0.05)
    z = autograd.dot(w, x, b)
    assert z.data == pytest.approx(0.4, rel=1e-15)  # the notes' z_h1
    assert z.parents == (*w, *x, b)
    assert z.local_grads == (0.5, 1.0, 0.1, 0.3, 1.0)


def test_dot_accepts_numbers_for_inputs_and_bias():
    w = [Value(2.0), Value(-1.0)]
    z = autograd.dot(w, [3.0, 4.0])
    assert z.data == 2.0
    z.backward()
    assert [v.grad for v in w] == [3.0, 4.0]


def test_dot_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        autograd.dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("fn", [autograd.total, autograd.logsumexp, autograd.softmax])
def test_nary_functions_reject_an_empty_list_and_a_lone_value(fn):
    with pytest.raises(ValueError, match="empty"):
        fn([])
    with pytest.raises(TypeError, match="list of Values"):
        fn(Value(1.0))


def test_log_softmax_one_index_is_that_entry_of_the_list():
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    every = autograd.log_softmax(xs)
    assert [autograd.log_softmax(xs, i).data for i in range(3)] == [z.data for z in every]
    assert autograd.log_softmax(xs, -1).data == every[2].data
    m = 2.0
    lse = m + math.log(sum(math.exp(x - m) for x in (0.5, -1.0, 2.0)))
    assert every[0].data == pytest.approx(0.5 - lse, rel=1e-15)
    for bad in (3, -4, 1.0, "0"):
        with pytest.raises(IndexError, match=f"index must be an int in 0..2, got {bad!r}"):
            autograd.log_softmax(xs, bad)


def test_affine_unchecked_makes_the_dot_node_of_each_row():
    from autograd.functional import affine_unchecked

    ws, xs, b = [Value(0.8), Value(-0.5)], [Value(62.5), Value(2.0)], Value(0.1)
    (row,) = affine_unchecked([ws], xs, [b])
    checked = autograd.dot(ws, xs, b)
    assert (checked.data, checked.local_grads, checked.parents, checked.primitive) == (
        row.data, row.local_grads, row.parents, row.primitive)
    assert checked.data == 0.8 * 62.5 + -0.5 * 2.0 + 0.1
