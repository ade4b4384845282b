"""The matrix engine against the scalar graph: every table of one step, to 1e-12 relative.

``nn.explain.explain_step`` reads every Z, A, δ, ∂W, ∂b and update from the
graph of Values; ``nn.matrix.explain.explain_step`` computes them from the lecture
notes' vectorized equations.  They must agree on random networks of every
activation/loss combination and batch sizes 1 … 64.
"""

import random

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nn.activations import ACTIVATIONS  # noqa: E402
from nn.explain import LAYER_KEYS, explain_step, explain_steps  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.losses import LOSSES  # noqa: E402
from nn.matrix import explain as matrix_explain  # noqa: E402
from nn.matrix.activations import ACTIVATIONS as MATRIX_ACTIVATIONS  # noqa: E402

RTOL = 1e-12
CLASS_LOSSES = ("cross_entropy", "categorical_cross_entropy")   # targets are class indices
HIDDEN = [a for a in ACTIVATIONS if a in MATRIX_ACTIVATIONS and MATRIX_ACTIVATIONS[a].elementwise]


def assert_table_equal(scalar, matrix, what, scale=None):
    """|matrix − scalar| ≤ 1e-12 · scale over the table; ``scale`` defaults to max|scalar|
    (exact equality when the table is all zeros)."""
    s, m = np.asarray(scalar, dtype=float), np.asarray(matrix, dtype=float)
    assert s.shape == m.shape, f"{what}: shape {m.shape}, graph's {s.shape}"
    if scale is None:
        scale = np.max(np.abs(s)) if s.size else 0.0
    error = np.max(np.abs(s - m)) if s.size else 0.0
    assert error <= RTOL * scale, f"{what}: differs by {error:.3g} (scale {scale:.3g})"


def magnitudes(d):
    """Per layer, the size of the terms each summed table adds up: a sum that cancels
    (a batch mean of δ near 0, a Z near 0) is only as exact as its terms are large, so
    "relative" means relative to Σ|terms| there (the same equation on absolute values)."""
    a = {key: np.abs(np.asarray(d[key], dtype=float)) for key in ("A0", "losses")}
    layers, A_prev = {}, a["A0"]
    names = sorted(d["layers"], key=int)
    for i, l in enumerate(names):
        t = {k: np.abs(np.asarray(v, dtype=float)) for k, v in d["layers"][l].items()
             if k != "activation" and v is not None}
        sizes = {"Z": t["W"] @ A_prev + t["b"][:, None],
                 "dW": t["dZ"] @ A_prev.T / A_prev.shape[1],
                 "db": t["dZ"].mean(axis=1)}
        if i + 1 < len(names):
            after = {k: np.abs(np.asarray(v, dtype=float))
                     for k, v in d["layers"][names[i + 1]].items()
                     if k != "activation" and v is not None}
            sizes["dA"] = after["W"].T @ after["dZ"]
            sizes["dZ"] = sizes["dA"] * t["f_prime"]
        if "W_new" in t:
            sizes["W_new"] = t["W"] + d["lr"] * t["dW"]
            sizes["b_new"] = t["b"] + d["lr"] * t["db"]
        layers[l] = {k: max(np.max(v), np.max(t[k])) for k, v in sizes.items()}
        A_prev = t["A"]
    return a["losses"].mean(), layers


def assert_derivations_equal(scalar, matrix):
    s, m = scalar.to_dict(), matrix.to_dict()
    assert s["loss_function"] == m["loss_function"] and s["m"] == m["m"]
    assert s["Y"] == m["Y"]
    loss_scale, scales = magnitudes(s)
    assert ("probabilities" in s) == ("probabilities" in m)
    for key in ("A0", "Y_hat", "probabilities", "losses"):
        if key in s:
            assert_table_equal(s[key], m[key], key)
    assert_table_equal(s["loss"], m["loss"], "loss", loss_scale)
    assert s["layers"].keys() == m["layers"].keys()
    for l, layer in s["layers"].items():
        assert layer["activation"] == m["layers"][l]["activation"]
        for key in LAYER_KEYS[1:]:
            if key in layer and layer[key] is None:   # softmax's f′(Z): no table in either
                assert m["layers"][l][key] is None, f"layer {l} {key}"
            elif key in layer:
                assert_table_equal(layer[key], m["layers"][l][key], f"layer {l} {key}",
                                   scales[l].get(key))


def random_case(rng, loss, hidden, output, m, sizes):
    """A random MLP and batch for ``loss``: targets in the loss's domain."""
    n_out = sizes[-1]
    model = MLP(sizes[0], sizes[1:], [hidden] * (len(sizes) - 2) + [output],
                init="xavier_uniform", seed=rng.randrange(2**32))
    for p in model.parameters():   # biases too, so no layer starts at b = 0
        p.data = rng.uniform(-1.0, 1.0)
    X = [[rng.uniform(-1.5, 1.5) for _ in range(sizes[0])] for _ in range(m)]
    if loss in CLASS_LOSSES:
        Y = [rng.randrange(n_out) for _ in range(m)]
    elif loss == "hinge":
        Y = [[rng.choice([-1, 1]) for _ in range(n_out)] for _ in range(m)]
    elif loss.startswith("bce"):
        Y = [[rng.choice([0, 1, rng.random()]) for _ in range(n_out)] for _ in range(m)]
    else:
        Y = [[rng.uniform(-1, 1) for _ in range(n_out)] for _ in range(m)]
    if n_out == 1 and loss not in CLASS_LOSSES:
        Y = [y[0] for y in Y]
    return model, X, Y


def output_for(loss, hidden):
    # BCE needs probabilities, categorical cross-entropy a softmax layer's, a loss on logits
    # anything but probabilities (a sigmoid would be applied twice); every other loss takes
    # any output activation.
    record = LOSSES[loss]
    if record.applies is not None and hidden == "sigmoid":
        return "linear"
    return record.output if record.takes == "probabilities" else hidden


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_activation_and_loss_gives_the_graphs_tables(hidden, loss):
    rng = random.Random(f"{hidden}/{loss}")
    for m, sizes in ((1, [2, 3, 1]), (rng.randint(2, 64), [3, 4, 3, 2])):
        if loss in CLASS_LOSSES:
            sizes = sizes[:-1] + [3]
        model, X, Y = random_case(rng, loss, hidden, output_for(loss, hidden), m, sizes)
        assert_derivations_equal(explain_step(model, X, Y, loss=loss, lr=0.1),
                                 matrix_explain.explain_step(model, X, Y, loss=loss, lr=0.1))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), loss=st.sampled_from(list(LOSSES)),
       hidden=st.sampled_from(HIDDEN), m=st.integers(1, 64),
       widths=st.lists(st.integers(1, 4), min_size=1, max_size=3), n_out=st.integers(1, 3))
def test_random_networks_and_batches_give_the_graphs_tables(seed, loss, hidden, m, widths,
                                                            n_out):
    rng = random.Random(seed)
    if loss in CLASS_LOSSES:
        n_out = max(n_out, 2)
    sizes = [rng.randint(1, 3), *widths, n_out]
    model, X, Y = random_case(rng, loss, hidden, output_for(loss, hidden), m, sizes)
    assert_derivations_equal(explain_step(model, X, Y, loss=loss, lr=0.05),
                             matrix_explain.explain_step(model, X, Y, loss=loss, lr=0.05))


def test_the_walkthroughs_two_steps_agree():
    model = MLP.from_weights(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]],
                                      [[0.9, 1.0]]],
                             biases=[[0.05, 0.05], [0.1, 0.1], [0.15]],
                             activations=["relu", "relu", "sigmoid"])
    scalar = explain_steps(model, [0.5, 1.0], 1.0, loss="bce", lr=0.1, steps=2)
    matrix = matrix_explain.explain_steps(model, [0.5, 1.0], 1.0, loss="bce", lr=0.1, steps=2)
    assert [d.step for d in matrix] == [1, 2]
    for s, m in zip(scalar, matrix):
        assert_derivations_equal(s, m)


def test_saturated_bce_agrees():
    """ŷ rounds to 1 for z = 40: both engines read BCE from z (L = 40, δ = 1), no clamp."""
    model = MLP.from_weights(weights=[[[40.0]]], biases=[[0.0]], activations=["sigmoid"])
    assert_derivations_equal(explain_step(model, [1.0], 0.0, loss="bce", lr=0.1),
                             matrix_explain.explain_step(model, [1.0], 0.0, loss="bce", lr=0.1))


def test_explain_refuses_what_the_matrix_engine_cannot_do():
    model = MLP(2, [1], "sigmoid", seed=0)
    with pytest.raises(ValueError, match="not supported by the matrix engine"):
        matrix_explain.explain_step(model, [0.0, 1.0], 1.0, loss=lambda p, t: (p - t) ** 2)
    with pytest.raises(ValueError, match="steps must be a positive int, got 0"):
        matrix_explain.explain_steps(model, [0.0, 1.0], 1.0, steps=0)
    with pytest.raises(ValueError, match="sample of 3 numbers but the network has 2 inputs"):
        matrix_explain.explain_step(model, [0.0, 1.0, 2.0], 1.0)
