"""Value as a number: construction, conversion, labels, repr, and every operator form."""

import math
from fractions import Fraction

import pytest

from autograd import Value, ops


# -- construction ------------------------------------------------------------

@pytest.mark.parametrize("number", [3, 2.5, -0.0, Fraction(1, 4), True])
def test_data_is_always_a_float(number):
    v = Value(number)
    assert type(v.data) is float
    assert v.data == float(number)


def test_new_value_is_a_leaf_with_zero_grad_and_empty_op():
    v = Value(1.5)
    assert v.grad == 0.0
    assert v.is_leaf
    assert v.parents == ()
    assert v.local_grads == ()
    assert v.op == "" and v._op == ""
    assert v.primitive is None
    assert v.label == ""


def test_label_is_kept_and_can_be_changed():
    v = Value(1.0, label="w1")
    assert v.label == "w1"
    v.label = "weight"
    assert v.label == "weight"


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label must be a str.*int"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad, shown", [("abc", "str 'abc'"), (None, "NoneType None"),
                                        ([1.0], r"list \[1\.0\]"), (1 + 2j, "complex")])
def test_non_numbers_are_rejected_naming_what_was_expected(bad, shown):
    with pytest.raises(TypeError, match=rf"expects a real number.*{shown}"):
        Value(bad)


def test_a_value_of_a_value_is_rejected_with_advice():
    with pytest.raises(TypeError, match=r"got a Value.*\.data"):
        Value(Value(1.0))


def test_conversions_that_would_drop_the_graph_raise_with_advice():
    v = Value(2.5, label="x")
    for convert in (float, int, round, math.exp, math.tanh, math.sin):
        with pytest.raises(TypeError, match=r"no gradient.*v\.exp\(\).*v\.data / v\.item\(\)"):
            convert(v)
    assert v.item() == v.data == 2.5


def test_math_exp_of_a_value_no_longer_drops_the_graph_silently():
    # z = a·e^b: ∂z/∂b = a·e^b = 3.69 at a = 0.5, b = 2; math.exp(b) used to give 0
    a, b = Value(0.5), Value(2.0)
    with pytest.raises(TypeError, match="math.exp"):
        a * math.exp(b)
    z = a * b.exp()
    z.backward()
    assert b.grad == pytest.approx(0.5 * math.exp(2.0), rel=1e-15)


def test_bool_is_the_truth_of_the_number_as_in_pytorch():
    assert not Value(0.0)
    assert not Value(-0.0)
    assert Value(1e-300)
    assert Value(math.nan)


def test_repr():
    v = Value(2.5, label="x")
    assert repr(v) == "Value(data=2.5, grad=0.0, label='x')"
    assert repr(Value(0.25)) == "Value(data=0.25, grad=0.0)"
    v.grad = -1.0
    assert "grad=-1.0" in repr(v)


def test_format_spec_formats_the_number_and_bare_format_shows_the_repr():
    v = Value(2.0 / 3.0, label="p")
    assert f"{v:.3f}" == "0.667"
    assert f"{v:>8.2e}" == "6.67e-01"
    assert f"{v}" == repr(v)


# -- operators: numbers and Values on either side -----------------------------

X, Y = 3.0, -1.5


@pytest.mark.parametrize("build, expected, name", [
    (lambda x, y: x + y, X + Y, "add"),
    (lambda x, y: x + 2, X + 2, "add"),
    (lambda x, y: 2 + x, 2 + X, "add"),
    (lambda x, y: x - y, X - Y, "sub"),
    (lambda x, y: x - 3, X - 3, "sub"),
    (lambda x, y: 3 - x, 3 - X, "sub"),
    (lambda x, y: x * y, X * Y, "mul"),
    (lambda x, y: x * 0.5, X * 0.5, "mul"),
    (lambda x, y: 0.5 * x, 0.5 * X, "mul"),
    (lambda x, y: x / y, X / Y, "div"),
    (lambda x, y: x / 4, X / 4, "div"),
    (lambda x, y: 1 / x, 1 / X, "div"),
    (lambda x, y: x ** 2, X ** 2, "pow_const"),
    (lambda x, y: x ** 0.5, X ** 0.5, "pow_const"),
    (lambda x, y: y ** 3, Y ** 3, "pow_const"),
    (lambda x, y: 2 ** x, 2 ** X, "pow"),
    (lambda x, y: x ** y, X ** Y, "pow"),
    (lambda x, y: -x, -X, "neg"),
    (lambda x, y: abs(y), abs(Y), "abs"),
])
def test_operators_compute_like_floats_and_record_the_primitive(build, expected, name):
    out = build(Value(X), Value(Y))
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected, rel=1e-15)
    assert out.primitive is ops.PRIMITIVES[name]
    assert not out.is_leaf


def test_operands_become_parents_in_order_and_numbers_become_constant_leaves():
    x = Value(X, label="x")
    out = 3 - x
    const, same = out.parents
    assert same is x
    assert const.is_leaf and const.data == 3.0
    assert out.local_grads == (1.0, -1.0)


def test_op_symbols_for_pictures():
    x, y = Value(X), Value(Y)
    assert (x + y).op == "+"
    assert (x * y).op == "×"
    assert (x ** 2).op == "**2"
    assert (x ** 0.5).op == "**0.5"
    assert x.sigmoid().op == "σ"
    assert x.relu().op == "ReLU"


def test_unary_plus_is_the_same_node():
    x = Value(X)
    assert +x is x


@pytest.mark.parametrize("build, symbol", [
    (lambda v: v + "s", r"\+"), (lambda v: "s" * v, r"\*"), (lambda v: v - None, "-"),
    (lambda v: [1] / v, "/"), (lambda v: v ** "2", r"\*\*"), (lambda v: "2" ** v, r"\*\*"),
])
def test_operators_reject_non_numbers_naming_the_operator_and_operand(build, symbol):
    with pytest.raises(TypeError, match=rf"operand for {symbol}.*expected a number"):
        build(Value(1.0))


# -- detach ------------------------------------------------------------------

def test_detach_gives_a_new_leaf_with_the_same_data_and_no_history():
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.label = "y"
    d = y.detach()
    assert d is not y
    assert d.is_leaf and d.parents == ()
    assert d.data == y.data and d.label == "y"
    (d * 3).backward()
    assert d.grad == 3.0
    assert x.grad == 0.0  # nothing flows through a detached value
