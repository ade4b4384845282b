"""Losses: values, finite differences, closed-form derivatives, batches, bad targets."""

import math

import pytest

from autograd import Value, assert_grad, gradcheck
from nn.layers import MLP
from nn.losses import (LOSSES, binary_cross_entropy, binary_cross_entropy_with_logits,
                       cross_entropy, get_loss, half_squared_error, hinge, mse, squared_error)
from nn.regularization import l1_penalty, l2_penalty


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


# -- values -------------------------------------------------------------------------------

def test_regression_losses_values():
    assert mse(Value(0.7), 0.2).data == pytest.approx(0.25, rel=1e-15)
    assert half_squared_error(Value(0.7), 0.2).data == pytest.approx(0.125, rel=1e-15)
    assert squared_error(Value(0.7), 0.2).data == pytest.approx(0.25, rel=1e-15)
    batch = mse([Value(1.0), Value(2.0), Value(4.0)], [1.0, 0.0, 1.0])
    assert batch.data == pytest.approx((0 + 4 + 9) / 3, rel=1e-15)


def test_single_prediction_has_no_averaging_node():
    p = Value(0.8)
    loss = binary_cross_entropy(p, 1.0)
    assert loss.data == pytest.approx(-math.log(0.8), rel=1e-15)
    assert loss.primitive.name == "neg"  # L = −ln ŷ exactly as the notes write it


def test_multi_output_mean_is_over_every_element():
    loss = mse([[Value(1.0), Value(3.0)], [Value(0.0), Value(0.0)]], [[0.0, 0.0], [0.0, 2.0]])
    assert loss.data == pytest.approx((1 + 9 + 0 + 4) / 4, rel=1e-15)


def test_bce_and_logits_values_agree():
    for z, y in [(-2.0, 0.0), (0.3, 1.0), (1.7, 0.25)]:
        p = sigma(z)
        expected = -(y * math.log(p) + (1 - y) * math.log(1 - p))
        assert binary_cross_entropy(Value(p), y).data == pytest.approx(expected, rel=1e-12)
        assert binary_cross_entropy_with_logits(Value(z), y).data == \
            pytest.approx(expected, rel=1e-12)


def test_bce_with_logits_is_stable_far_out():
    assert binary_cross_entropy_with_logits(Value(800.0), 0.0).data == 800.0
    assert binary_cross_entropy_with_logits(Value(-800.0), 1.0).data == 800.0
    assert binary_cross_entropy_with_logits(Value(800.0), 1.0).data == 0.0
    z = Value(-800.0)
    binary_cross_entropy_with_logits(z, 1.0).backward()
    assert z.grad == -1.0  # σ(−800) − 1


def test_bce_log_of_zero_is_clamped_not_a_crash():
    for p, y in [(0.0, 1.0), (1.0, 0.0), (1e-50, 1.0)]:
        v = Value(p)
        loss = binary_cross_entropy(v, y)
        assert loss.data == 100.0
        loss.backward()
        assert v.grad == 0.0  # a clamped log is a constant
    assert binary_cross_entropy(Value(0.0), 0.0).data == 0.0
    assert binary_cross_entropy([Value(0.0), Value(1.0)], [1.0, 1.0]).data == 50.0


def test_cross_entropy_values():
    zs = [1.0, 2.0, 0.5]
    lse = math.log(sum(math.exp(z) for z in zs))
    assert cross_entropy([Value(z) for z in zs], 1).data == pytest.approx(lse - 2.0, rel=1e-14)
    batch = cross_entropy([[Value(z) for z in zs], [Value(0.0), Value(0.0), Value(0.0)]],
                          [0, 2])
    assert batch.data == pytest.approx(((lse - 1.0) + math.log(3)) / 2, rel=1e-14)
    assert cross_entropy([Value(1000.0), Value(0.0)], 1).data == 1000.0  # no overflow


def test_hinge_values_are_micrograds():
    scores, labels = [Value(0.3), Value(-2.0), Value(1.5)], [1, 1, -1]
    expected = (max(0, 1 - 0.3) + max(0, 1 + 2.0) + max(0, 1 + 1.5)) / 3
    assert hinge(scores, labels).data == pytest.approx(expected, rel=1e-15)


# -- derivatives: finite differences and closed forms --------------------------------------

@pytest.mark.parametrize("loss, targets, at", [
    (mse, [0.2, -1.0], [0.7, 0.4]),
    (half_squared_error, [0.2, -1.0], [0.7, 0.4]),
    (squared_error, [0.2, -1.0], [0.7, 0.4]),
    (binary_cross_entropy, [0.0, 0.3], [0.2, 0.9]),
    (binary_cross_entropy_with_logits, [1.0, 0.3], [-1.5, 2.0]),
    (hinge, [1, -1], [0.2, -0.6]),
])
def test_every_loss_passes_gradcheck(loss, targets, at):
    gradcheck(lambda a, b: loss([a, b], targets), at)


def test_cross_entropy_passes_gradcheck():
    gradcheck(lambda a, b, c: cross_entropy([[a, b, c], [c, a, b]], [2, 0]), [0.1, -1.2, 0.8])


def test_bce_after_sigmoid_gives_delta_yhat_minus_y():
    for z, y in [(1.489, 1.0), (-0.4, 0.0), (0.8, 0.3)]:
        assert_grad(lambda z: binary_cross_entropy(z.sigmoid(), y), at=[z],
                    expected=lambda z: sigma(z) - y)


def test_bce_with_logits_derivative_is_sigma_minus_y():
    for z, y in [(1.489, 1.0), (-0.4, 0.0), (0.8, 0.3), (40.0, 0.0), (-40.0, 1.0)]:
        assert_grad(lambda z: binary_cross_entropy_with_logits(z, y), at=[z],
                    expected=lambda z: sigma(z) - y)


def test_bce_derivative_in_yhat():
    assert_grad(lambda p: binary_cross_entropy(p, 0.3), at=[0.6],
                expected=lambda p: (p - 0.3) / (p * (1 - p)))


def test_cross_entropy_derivative_is_softmax_minus_onehot():
    def expected(a, b, c):
        e = [math.exp(v) for v in (a, b, c)]
        return [e[i] / sum(e) - (1.0 if i == 1 else 0.0) for i in range(3)]

    assert_grad(lambda a, b, c: cross_entropy([a, b, c], 1), at=[0.5, -0.3, 2.0],
                expected=expected)


def test_regression_and_hinge_closed_forms():
    assert_grad(lambda p: half_squared_error(p, 0.2), at=[0.7], expected=lambda p: p - 0.2)
    assert_grad(lambda p: squared_error(p, 0.2), at=[0.7], expected=lambda p: -2 * (0.2 - p))
    assert_grad(lambda a, b: mse([a, b], [0.0, 1.0]), at=[0.5, 0.5],
                expected=lambda a, b: [2 * a / 2, 2 * (b - 1) / 2])
    assert_grad(lambda s: hinge(s, -1), at=[0.3], expected=[1.0])
    assert_grad(lambda s: hinge(s, 1), at=[1.5], expected=[0.0])


def test_batch_gradient_is_the_mean_of_per_sample_gradients():
    xs = [[0.5, 1.0], [-0.3, 0.8], [1.2, -0.7], [0.1, 0.1]]
    ys = [1.0, 0.0, 1.0, 0.0]
    mlp = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=3)
    per_sample = []
    for x, y in zip(xs, ys):
        mlp.zero_grad()
        binary_cross_entropy(mlp(x), y).backward()
        per_sample.append([p.grad for p in mlp.parameters()])
    mlp.zero_grad()
    loss = binary_cross_entropy([mlp(x) for x in xs], ys)
    loss.backward()
    mean = [sum(g) / len(xs) for g in zip(*per_sample)]
    assert [p.grad for p in mlp.parameters()] == pytest.approx(mean, rel=1e-12, abs=1e-15)


# -- bad targets and shapes --------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: binary_cross_entropy(Value(0.5), 1.5), ValueError,
     r"binary_cross_entropy: target is 1.5; targets must be in \[0, 1\]"),
    (lambda: binary_cross_entropy([Value(0.5), Value(0.5)], [0.0, -1.0]), ValueError,
     r"target of sample 2 is -1.0"),
    (lambda: binary_cross_entropy(Value(1.2), 1.0), ValueError,
     r"prediction is 1.2, not a probability .* use binary_cross_entropy_with_logits"),
    (lambda: binary_cross_entropy_with_logits(Value(0.5), 2.0), ValueError,
     r"target is 2.0; targets must be in \[0, 1\]"),
    (lambda: cross_entropy([Value(1.0), Value(2.0), Value(3.0)], 3), ValueError,
     r"target is 3; class indices must be integers in 0..2"),
    (lambda: cross_entropy([Value(1.0), Value(2.0)], 0.5), ValueError, "target is 0.5"),
    (lambda: cross_entropy([[Value(1.0), Value(2.0)], [Value(0.0), Value(1.0)]], [0, -1]),
     ValueError, r"target of sample 2 is -1;"),
    (lambda: cross_entropy([[Value(1.0)], [Value(0.0)]], [0]), ValueError,
     "got 2 samples of logits"),
    (lambda: cross_entropy(Value(1.0), 0), TypeError, "logits must be a list"),
    (lambda: hinge(Value(0.5), 0), ValueError, r"hinge: target is 0; hinge labels must be -1 or \+1"),
    (lambda: hinge([Value(0.5)], [2]), ValueError, r"target of sample 1 is 2;"),
    (lambda: mse([[Value(1.0), Value(2.0)]], [[1.0, "b"]]), TypeError,
     "mse: target of sample 1, output 2 is str 'b'"),
    (lambda: mse([Value(1.0), Value(2.0)], [1.0]), ValueError,
     "mse: got 2 predictions but 1 targets"),
    (lambda: mse([Value(1.0)], 1.0), ValueError, "target is not a list"),
    (lambda: mse(Value(1.0), [1.0, 2.0]), ValueError, "prediction is one value but target"),
    (lambda: mse(Value(1.0), "a"), TypeError, "mse: target is str 'a'; expected a number"),
    (lambda: mse("a", 1.0), TypeError, "mse: prediction is str 'a'"),
    (lambda: mse([], []), ValueError, "empty list of predictions"),
])
def test_bad_targets_and_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_get_loss_by_name():
    assert get_loss("bce") is binary_cross_entropy and get_loss("half_mse") is half_squared_error
    assert set(LOSSES) == {"mse", "half_mse", "squared_error", "bce", "bce_with_logits",
                           "cross_entropy", "categorical_cross_entropy", "hinge"}
    assert get_loss(mse) is mse
    with pytest.raises(ValueError, match="unknown loss 'l1'; known losses: mse, half_mse"):
        get_loss("l1")


# -- penalties --------------------------------------------------------------------------------

def test_l2_and_l1_penalties():
    ps = [Value(0.5), Value(-2.0), Value(0.0)]
    l2 = l2_penalty(ps)
    assert l2.data == 4.25
    l2.backward()
    assert [p.grad for p in ps] == [1.0, -4.0, 0.0]
    for p in ps:
        p.grad = 0.0
    l1 = l1_penalty(ps)
    assert l1.data == 2.5
    l1.backward()
    assert [p.grad for p in ps] == [1.0, -1.0, 0.0]


# -- PyTorch as a reference, when installed ---------------------------------------------------

def ours_and_torch(torch, our_loss, torch_loss, preds, targets):
    """(our loss, torch's loss, our gradients, torch's gradients) for flat predictions."""
    values = [Value(p) for p in preds]
    loss = our_loss(values, targets)
    loss.backward()
    t = torch.tensor(preds, dtype=torch.float64, requires_grad=True)
    ref = torch_loss(t, torch.tensor(targets, dtype=torch.float64))
    ref.backward()
    return loss.data, ref.item(), [v.grad for v in values], t.grad.tolist()


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    ours, theirs, our_grads, their_grads = ours_and_torch(
        torch, binary_cross_entropy, F.binary_cross_entropy,
        [0.2, 0.9, 1e-60, 1.0], [0.0, 0.3, 1.0, 1.0])
    assert ours == pytest.approx(theirs, rel=1e-12)
    # Away from the clamp the gradients agree too (see the docstring on clamped logs).
    assert our_grads[:2] == pytest.approx(their_grads[:2], rel=1e-12)

    for loss, torch_loss, preds, targets in [
            (binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
             [-3.0, 0.5, 30.0], [1.0, 0.25, 0.0]),
            (mse, F.mse_loss, [0.3, -1.2, 2.0], [1.0, 0.5, 2.5])]:
        ours, theirs, our_grads, their_grads = ours_and_torch(torch, loss, torch_loss,
                                                              preds, targets)
        assert ours == pytest.approx(theirs, rel=1e-12)
        assert our_grads == pytest.approx(their_grads, rel=1e-12)

    rows, classes = [[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], [2, 1]
    values = [[Value(z) for z in row] for row in rows]
    loss = cross_entropy(values, classes)
    loss.backward()
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    ref = F.cross_entropy(t, torch.tensor(classes))
    ref.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-12)
    assert [[v.grad for v in row] for row in values] == \
        [pytest.approx(r, rel=1e-12, abs=1e-15) for r in t.grad.tolist()]
