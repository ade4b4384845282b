"""Many inputs at once: a function of a whole parameter list (an MLP's parameters, named by
their labels), every coordinate, a random sample of coordinates of every parameter, or
random directions; second order too."""

import math

import pytest

from autograd import GradientMismatch, Value, gradcheck, gradgradcheck
from autograd.check.probes import group_of
from nn import MLP
from nn.losses import mse


def network(seed=0):
    model = MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=seed)
    return model, (lambda: mse([model([0.5, -1.0])], [0.3]))


def test_a_parameter_list_is_checked_in_place_and_named_by_labels():
    model, loss = network()
    params = model.parameters()
    before = [p.data for p in params]
    result = gradcheck(loss, params)
    assert [e.name for e in result.entries] == [p.label for p in params]
    assert result.entries[0].name == "W^[1]_1,1"
    assert [p.data for p in params] == before          # restored
    assert all(p.grad == 0.0 for p in params)          # grad() touches no .grad


def test_the_analytic_column_is_the_hand_derived_gradient_of_a_1_1_1_network():
    # a = σ(w·x + b), L = (a − y)²: ∂L/∂w = 2(a − y)·a(1 − a)·x, ∂L/∂b = 2(a − y)·a(1 − a).
    model = MLP(1, [1], activations=["sigmoid"], seed=0)
    w, b = model.parameters()
    w.data, b.data = 0.7, -0.2
    x, y = 1.5, 0.25
    result = gradcheck(lambda: mse([model([x])], [y]), [w, b])
    a = 1 / (1 + math.exp(-(0.7 * x - 0.2)))
    delta = 2 * (a - y) * a * (1 - a)
    assert [e.computed for e in result.entries] == pytest.approx([delta * x, delta], rel=1e-12)
    assert [e.reference for e in result.entries] == pytest.approx([delta * x, delta], rel=1e-8)


def test_the_data_is_restored_when_the_check_fails():
    model, loss = network()
    params = model.parameters()
    before = [p.data for p in params]
    w = params[-2]

    def planted():
        return loss() + (w - w.detach()) * 0.5

    with pytest.raises(GradientMismatch) as info:
        gradcheck(planted, params)
    assert [p.data for p in params] == before
    assert info.value.result.worst.name == w.label == "W^[2]_1,3"
    assert f"worst: W^[2]_1,3 (input {len(params) - 2})" in str(info.value)


def test_samples_check_k_coordinates_of_every_parameter():
    model, loss = network()
    result = gradcheck(loss, model.parameters(), samples=2)
    groups = {}
    for e in result.entries:
        groups.setdefault(group_of(e.name), []).append(e.name)
    assert sorted(groups) == ["W^[1]", "W^[2]", "b^[1]", "b^[2]"]
    assert {g: len(names) for g, names in groups.items()} == \
        {"W^[1]": 2, "b^[1]": 2, "W^[2]": 2, "b^[2]": 1}
    assert "2 random coordinate(s) of every parameter, seed 0" in str(result)


def test_samples_are_reproducible_and_vary_with_the_seed():
    model, loss = network()
    params = model.parameters()

    def names(seed):
        return [e.name for e in gradcheck(loss, params, samples=1, seed=seed).entries]

    assert names(3) == names(3)
    assert len({tuple(names(seed)) for seed in range(10)}) > 1


def test_random_directions_compare_directional_derivatives():
    # f(x, y) = x·y², ∇f = (y², 2xy); the engine's ∇f·v must match the difference along v.
    result = gradcheck(lambda x, y: x * y * y, [1.5, -2.0], directions=3)
    assert [e.name for e in result.entries] == ["direction 1", "direction 2", "direction 3"]
    # reconstruct each unit direction from the same seeded draw, hand-derive ∇f·v
    from autograd.check.probes import choose
    for e, probe in zip(result.entries, choose(["x", "y"], directions=3, seed=0)):
        v = probe.v
        assert math.isclose(v[0] ** 2 + v[1] ** 2, 1.0, rel_tol=1e-12)
        assert e.computed == pytest.approx(4.0 * v[0] + (-6.0) * v[1], rel=1e-12)


def test_a_planted_error_is_caught_by_a_few_random_directions():
    model, loss = network()
    params = model.parameters()
    b = params[-1]

    def planted():
        return loss() + (b - b.detach()) * 0.5

    with pytest.raises(GradientMismatch) as info:
        gradcheck(planted, params, directions=2)
    assert "worst: direction" in str(info.value)
    assert len(info.value.result.entries) == 2          # two differences, not 13


def test_second_order_over_parameters_sampled_and_by_direction():
    model, loss = network()
    params = model.parameters()
    sampled = gradgradcheck(loss, params, samples=1)
    # one coordinate of each of 4 parameters: 4 first derivatives, 4 × 4 second
    assert len(sampled.entries) == 4 + 4 * 4
    assert gradgradcheck(loss, params, directions=2)


def test_a_planted_second_derivative_error_is_caught_in_place():
    x = Value(1.5, label="x")
    with pytest.raises(GradientMismatch,
                       match=r"worst: ∂²/∂x∂x \(input 0\): analytic 3, numeric 6"):
        gradgradcheck(lambda: x * x * x.detach(), [x])
    assert x.data == 1.5


def test_a_function_of_no_arguments_needs_the_values_it_uses():
    with pytest.raises(TypeError, match="f takes no arguments, so the inputs must be the Values "
                                        "it uses .* input 0 is float 1.0"):
        gradcheck(lambda: Value(1.0), [1.0])
    v = Value(2.0)
    with pytest.raises(ValueError, match="the same Value is listed twice"):
        gradcheck(lambda: v * v, [v, v])
