"""Every numeric example of the two worked-example documents (the saturated 1-1-1 sigmoid question and the lecture notes), through MLP + loss + backward + SGD.

Expected values are computed here by hand from the lecture notes' formulas (plain
floats and ``math``), never copied from the library's output.
"""

import math

import pytest

from nn.layers import MLP, Neuron
from nn.losses import binary_cross_entropy, squared_error
from nn.optim import SGD


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def relu(z):
    return max(z, 0.0)


def close(a, b, rel=1e-9):
    return a == pytest.approx(b, rel=rel, abs=1e-15)


# -- the lecture notes' 2-2-2-1 walkthrough ---------------------------------------------

X = [0.5, 1.0]
Y = 1.0
LR = 0.1
W1, B1 = [[0.1, 0.2], [0.3, 0.4]], [0.05, 0.05]
W2, B2 = [[0.5, 0.6], [0.7, 0.8]], [0.1, 0.1]
W3, B3 = [[0.9, 1.0]], [0.15]


def by_hand(W1, B1, W2, B2, W3, B3):
    """The notes' forward pass, BCE loss, backward pass and update, as plain floats."""
    Z1 = [W1[j][0] * X[0] + W1[j][1] * X[1] + B1[j] for j in range(2)]
    A1 = [relu(z) for z in Z1]
    Z2 = [W2[j][0] * A1[0] + W2[j][1] * A1[1] + B2[j] for j in range(2)]
    A2 = [relu(z) for z in Z2]
    z3 = W3[0][0] * A2[0] + W3[0][1] * A2[1] + B3[0]
    yhat = sigma(z3)
    loss = -(Y * math.log(yhat) + (1 - Y) * math.log(1 - yhat)) if Y < 1 else -math.log(yhat)
    d3 = yhat - Y                                          # δ^[3] = ŷ − y (BCE + sigmoid)
    dW3 = [[d3 * A2[0], d3 * A2[1]]]                       # ∂L/∂W^[3] = δ^[3] A^[2]ᵀ
    d2 = [W3[0][k] * d3 * (1.0 if Z2[k] > 0 else 0.0) for k in range(2)]  # (W^[3])ᵀδ^[3] ⊙ f'
    dW2 = [[d2[j] * A1[k] for k in range(2)] for j in range(2)]
    d1 = [sum(W2[j][k] * d2[j] for j in range(2)) * (1.0 if Z1[k] > 0 else 0.0)
          for k in range(2)]
    dW1 = [[d1[j] * X[k] for k in range(2)] for j in range(2)]
    new = {
        "W1": [[W1[j][k] - LR * dW1[j][k] for k in range(2)] for j in range(2)],
        "B1": [B1[j] - LR * d1[j] for j in range(2)],
        "W2": [[W2[j][k] - LR * dW2[j][k] for k in range(2)] for j in range(2)],
        "B2": [B2[j] - LR * d2[j] for j in range(2)],
        "W3": [[W3[0][k] - LR * dW3[0][k] for k in range(2)]],
        "B3": [B3[0] - LR * d3],
    }
    return dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2, z3=z3, yhat=yhat, loss=loss, d3=d3, d2=d2, d1=d1,
                dW3=dW3, dW2=dW2, dW1=dW1, new=new)


def lecture_network():
    return MLP.from_weights(weights=[W1, W2, W3], biases=[B1, B2, B3],
                            activations=["relu", "relu", "sigmoid"])


def engine_step(mlp):
    """Forward, BCE, backward and one SGD(lr=0.1) step through the library."""
    trace = mlp.forward_trace(X)
    loss = binary_cross_entropy(trace[-1][1][0], Y)
    mlp.zero_grad()
    loss.backward()
    grads = {"W": [[[w.grad for w in n.w] for n in layer.neurons] for layer in mlp.layers],
             "b": [[n.b.grad for n in layer.neurons] for layer in mlp.layers]}
    SGD(mlp.parameters(), lr=LR).step()
    return trace, loss, grads


def test_walkthrough_forward_pass_and_loss():
    hand = by_hand(W1, B1, W2, B2, W3, B3)
    trace, loss, _ = engine_step(lecture_network())
    (z1, a1), (z2, a2), (z3, a3) = trace
    for got, want in [(z1, hand["Z1"]), (a1, hand["A1"]), (z2, hand["Z2"]), (a2, hand["A2"])]:
        assert all(close(g.data, w) for g, w in zip(got, want))
    assert close(z3[0].data, hand["z3"]) and close(a3[0].data, hand["yhat"])
    assert close(loss.data, hand["loss"])
    # The notes' rounded numbers: Z¹ = (0.30, 0.60), Z² = (0.61, 0.79), z³ = 1.489,
    # ŷ ≈ 0.816, L ≈ 0.203 (more exactly 0.2034).
    assert [round(z.data, 12) for z in z1] == [0.3, 0.6]
    assert [round(z.data, 12) for z in z2] == [0.61, 0.79]
    assert round(z3[0].data, 12) == 1.489
    assert round(a3[0].data, 3) == 0.816 and round(a3[0].data, 4) == 0.8159
    assert round(loss.data, 3) == 0.203 and round(loss.data, 4) == 0.2034


def test_walkthrough_error_signals_and_gradients():
    hand = by_hand(W1, B1, W2, B2, W3, B3)
    trace, _, grads = engine_step(lecture_network())
    (z1, _), (z2, _), (z3, _) = trace
    assert close(z3[0].grad, hand["d3"])                                # δ^[3]
    assert all(close(z.grad, d) for z, d in zip(z2, hand["d2"]))        # δ^[2]
    assert all(close(z.grad, d) for z, d in zip(z1, hand["d1"]))        # δ^[1]
    for got, want in [(grads["W"][2], hand["dW3"]), (grads["W"][1], hand["dW2"]),
                      (grads["W"][0], hand["dW1"])]:
        assert all(close(g, w) for gr, wr in zip(got, want) for g, w in zip(gr, wr))
    for got, want in [(grads["b"][2], [hand["d3"]]), (grads["b"][1], hand["d2"]),
                      (grads["b"][0], hand["d1"])]:
        assert all(close(g, w) for g, w in zip(got, want))
    # The notes round δ^[3] to −0.184 (exactly −0.18407…), so its ∂L/∂W^[3] =
    # (−0.11224, −0.14536) is off by up to 0.00007·0.79 ≈ 6e-5.
    assert round(z3[0].grad, 3) == -0.184
    assert grads["W"][2][0][0] == pytest.approx(-0.11224, abs=1e-4)
    assert grads["W"][2][0][1] == pytest.approx(-0.14536, abs=1e-4)


def test_walkthrough_update_and_second_iteration():
    hand = by_hand(W1, B1, W2, B2, W3, B3)
    mlp = lecture_network()
    _, first_loss, _ = engine_step(mlp)
    new = hand["new"]
    for got, want in zip(mlp.weights(), [new["W1"], new["W2"], new["W3"]]):
        assert all(close(g, w) for gr, wr in zip(got, want) for g, w in zip(gr, wr))
    for got, want in zip(mlp.biases(), [new["B1"], new["B2"], new["B3"]]):
        assert all(close(g, w) for g, w in zip(got, want))
    # The notes' W³ → (0.911224, 1.014536) used δ^[3] rounded to −0.184; the exact
    # update differs in the sixth decimal.
    assert mlp.weights()[2][0][0] == pytest.approx(0.911224, abs=1e-5)
    assert mlp.weights()[2][0][1] == pytest.approx(1.014536, abs=1e-5)
    assert mlp.biases()[2][0] == pytest.approx(0.1684, abs=1e-5)
    hand2 = by_hand(new["W1"], new["B1"], new["W2"], new["B2"], new["W3"], new["B3"])
    _, second_loss, _ = engine_step(mlp)
    assert close(second_loss.data, hand2["loss"])
    assert second_loss.data < first_loss.data


def test_two_one_one_forward_example():
    # Hidden h₁: z = 0.1·0.5 + 0.3·1.0 + 0.05 = 0.4; output: z = 0.2·σ(0.4) + 0.01.
    mlp = MLP.from_weights(weights=[[[0.1, 0.3]], [[0.2]]], biases=[[0.05], [0.01]],
                           activations=["sigmoid", "sigmoid"])
    (z_h, a_h), (z_o, a_o) = mlp.forward_trace([0.5, 1.0])
    assert close(z_h[0].data, 0.1 * 0.5 + 0.3 * 1.0 + 0.05)
    assert close(a_h[0].data, sigma(0.4))
    assert close(a_o[0].data, sigma(0.2 * sigma(0.4) + 0.01))
    assert round(a_h[0].data, 4) == 0.5987 and round(a_o[0].data, 4) == 0.5324


# -- the saturated 1-1-1 sigmoid question: the 1-1-1 networks ------------------------------------------------------

def test_saturated_sigmoid_gradient_is_tiny_but_not_zero():
    w, a, y = 0.8, 62.5, 0.0
    neuron = Neuron(1, "sigmoid", weights=[w], bias=0.0)
    cost = squared_error(neuron([a]), y)                   # C = (y − σ(w·a))²
    cost.backward()
    s = sigma(w * a)                                       # rounds to exactly 1.0
    s_neg = math.exp(-w * a) / (1.0 + math.exp(-w * a))    # σ(−z), representable
    assert s == 1.0 and cost.data == 1.0
    naive = 2 * (s - y) * (s * (1 - s)) * a                # the question's formula: 0
    careful = 2 * (s - y) * (s * s_neg) * a                # σ' = σ(z)σ(−z)
    assert naive == 0.0
    assert close(neuron.w[0].grad, careful)
    assert neuron.w[0].grad == pytest.approx(2.4109e-20, rel=1e-4)


def zero_init_network():
    return MLP(1, [1, 1], activations="sigmoid", init="zeros")


def test_zero_init_network_outputs_one_half_not_zero():
    assert zero_init_network()(2).data == 0.5  # the answer's f(2) = 0 is a slip: σ(0) = ½


def test_zero_init_gradient_matches_the_answers_formulas():
    mlp = zero_init_network()
    x, y = 2.0, 1.0
    cost = squared_error(mlp(x), y)                        # C = (y − f(x))²
    cost.backward()
    (w2,), b2 = mlp.layers[0].neurons[0].w, mlp.layers[0].neurons[0].b
    (w3,), b3 = mlp.layers[1].neurons[0].w, mlp.layers[1].neurons[0].b
    z2 = w2.data * x + b2.data
    a2 = sigma(z2)
    z3 = w3.data * a2 + b3.data
    f = sigma(z3)

    def dsigma(z):
        return sigma(z) * (1 - sigma(z))

    assert close(w3.grad, -2 * (y - f) * dsigma(z3) * a2)
    assert close(b3.grad, -2 * (y - f) * dsigma(z3))
    assert close(w2.grad, -2 * (y - f) * dsigma(z3) * w3.data * dsigma(z2) * x)
    assert close(b2.grad, -2 * (y - f) * dsigma(z3) * w3.data * dsigma(z2))
    assert w3.grad == -0.125 and b3.grad == -0.25


def test_descent_lowers_the_cost_and_the_answers_plus_sign_raises_it():
    x, y, eta = 2.0, 1.0, 0.5
    before = squared_error(zero_init_network()(x), y).data

    descent = zero_init_network()
    squared_error(descent(x), y).backward()
    SGD(descent.parameters(), lr=eta).step()               # θ − η∇C
    after_descent = squared_error(descent(x), y).data

    ascent = zero_init_network()
    squared_error(ascent(x), y).backward()
    for p in ascent.parameters():                          # the answer's θ + η∇C
        p.data += eta * p.grad
    after_ascent = squared_error(ascent(x), y).data

    assert before == 0.25
    assert after_descent < before < after_ascent
