"""Accumulation probes: reuse of an input, a second backward and zero_grad, against a toy
engine with micrograd's lecture slip (`=` instead of `+=`), micrograd itself, a zero_grad that
forgets, and our engine."""

import pytest

from autograd import GradientMismatch, Value
from autograd.check import check_accumulation
from nn import MLP
from nn.losses import mse


class Toy:
    """A minimal micrograd-style engine; ``accumulate=False`` plants the `=` slip."""

    accumulate = True

    def __init__(self, data, parents=()):
        self.data, self.grad, self._parents, self._backward = data, 0.0, parents, lambda: None

    def _add_to(self, node, amount):
        node.grad = node.grad + amount if self.accumulate else amount

    def __add__(self, other):
        other = other if isinstance(other, Toy) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def backward():
            self._add_to(self, out.grad)
            self._add_to(other, out.grad)
        out._backward = backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Toy) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def backward():
            self._add_to(self, other.data * out.grad)
            self._add_to(other, self.data * out.grad)
        out._backward = backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for p in v._parents:
                    visit(p)
                order.append(v)
        visit(self)
        for v in order:          # a fresh pass: every non-leaf starts from 0 (as PyTorch)
            if v._parents:
                v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


class BrokenToy(Toy):
    accumulate = False


def product(a, b):
    return a * b


def test_a_correct_engine_passes_every_probe():
    result = check_accumulation(product, [0.5, -1.2], value_type=Toy)
    probes = {e.name.split(":")[0] for e in result.entries}
    assert probes == {"one backward", "input reused", "second backward", "after zero_grad"}
    by_name = {e.name: e.computed for e in result.entries}
    # hand-derived: ∂(ab)/∂a = b; reused and twice are 2b
    assert by_name["one backward: a"] == -1.2
    assert by_name["input reused: a"] == pytest.approx(-2.4, rel=1e-15)
    assert by_name["second backward: a"] == pytest.approx(-2.4, rel=1e-15)


def test_the_equals_slip_passes_a_single_use_and_fails_reuse_and_a_second_backward():
    with pytest.raises(GradientMismatch) as info:
        check_accumulation(product, [0.5, -1.2], value_type=BrokenToy)
    result = info.value.result
    failed = {e.name for e in result.mismatches}
    assert failed == {"input reused: a", "input reused: b",
                      "second backward: a", "second backward: b"}
    message = str(info.value)
    assert "input reused: a backward step sets a gradient (`grad = …`) instead of adding" \
        in message
    by_name = {e.name: (e.computed, e.reference) for e in result.entries}
    assert by_name["input reused: a"][0] == -1.2                  # one contribution kept
    assert by_name["input reused: a"][1] == pytest.approx(-2.4, rel=1e-9)


def test_the_equals_slip_inside_f_fails_the_first_probe():
    # a used twice inside f: ∂(ab + a)/∂a = b + 1 = -0.2, the slip keeps one term
    with pytest.raises(GradientMismatch) as info:
        check_accumulation(lambda a, b: a * b + a, [0.5, -1.2], value_type=BrokenToy)
    assert "one backward: a" in {e.name for e in info.value.result.mismatches}


def test_micrograds_second_backward_is_caught():
    # micrograd keeps intermediate gradients between passes and adds to them again: in
    # (a·b + 1)·b the node a·b holds b after the first pass and 3b after the second, so a
    # ends with b² + 3b² = 4b² instead of 2b².
    engine = pytest.importorskip("micrograd.engine")
    with pytest.raises(GradientMismatch) as info:
        check_accumulation(lambda a, b: (a * b + 1) * b, [0.5, -1.2], value_type=engine.Value)
    result = info.value.result
    assert {e.name.split(":")[0] for e in result.mismatches} == {"second backward"}
    by_name = {e.name: e.computed for e in result.entries}
    assert by_name["second backward: a"] == pytest.approx(4 * 1.44)   # ∂/∂a = b² = 1.44


def test_a_zero_grad_that_forgets_is_caught_and_model_zero_grad_passes():
    model = MLP(2, [2, 1], activations=["tanh", "linear"], seed=0)
    params = model.parameters()
    loss = lambda: mse([model([0.5, -1.0])], [0.3])  # noqa: E731
    assert check_accumulation(loss, params, zero_grad=model.zero_grad)
    with pytest.raises(GradientMismatch) as info:
        check_accumulation(loss, params, zero_grad=lambda: None)
    assert {e.name.split(":")[0] for e in info.value.result.mismatches} == {"after zero_grad"}
    assert "zero_grad did not reset every gradient" in str(info.value)


def test_our_engine_passes_and_the_callers_values_are_left_as_they_were():
    x, y = Value(0.4, label="x"), Value(-0.9, label="y")
    x.grad = 7.0
    result = check_accumulation(lambda: (x * y).tanh() * x + y.exp(), [x, y])
    assert len(result.entries) == 8
    assert (x.data, x.grad, y.data, y.grad) == (0.4, 7.0, -0.9, 0.0)


def test_bad_tolerances_and_inputs_are_named():
    with pytest.raises(ValueError, match="check_accumulation\\(\\): atol must be a number ≥ 0"):
        check_accumulation(product, [0.5, -1.2], atol=-1.0)
    with pytest.raises(TypeError, match="input 1 must be a number, got str"):
        check_accumulation(product, [0.5, "x"])
