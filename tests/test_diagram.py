"""nn.viz.diagram: the seed's 2-2-2-1 network drawn with its numbers."""

import math
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd.render import Picture
from nn.viz.diagram import NEGATIVE, NONFINITE, POSITIVE, ZERO, draw_network
from nn.layers import MLP

SEED_W = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]]
SEED_B = [[0.05, 0.05], [0.1, 0.1], [0.15]]


def seed_mlp():
    return MLP.from_weights(weights=SEED_W, biases=SEED_B,
                            activations=["relu", "relu", "sigmoid"])


def edge_attrs(source):
    """{(tail, head): attribute text} of every edge."""
    return {(a, b): attrs for a, b, attrs in
            re.findall(r"^  (\w+) -> (\w+) \[(.*)\];$", source, flags=re.M)}


def node_label(source, node_id):
    return re.search(rf'^    {node_id} \[label="([^"]*)"', source, flags=re.M).group(1)


def edge_label(attrs):
    return re.search(r'label="([^"]*)"', attrs).group(1)


def test_seed_network_edges_carry_its_weights():
    src = draw_network(seed_mlp()).source
    edges = edge_attrs(src)
    assert len(edges) == 4 + 4 + 2
    # W^[l] row j holds neuron j's incoming weights: edge k -> j is W_jk^[l].
    for l, W in enumerate(SEED_W, 1):
        for j, row in enumerate(W, 1):
            for k, w in enumerate(row, 1):
                tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                attrs = edges[(tail, f"l{l}n{j}")]
                assert edge_label(attrs) == f"{w:.2f}"
                assert f'color="{POSITIVE}"' in attrs
    # pen width grows with |w|: 0.5 + 3.5·|w|/max|w|
    assert 'penwidth="4.00"' in edges[("l2n2", "l3n1")]  # w = 1.0, the largest
    assert 'penwidth="0.85"' in edges[("x1", "l1n1")]    # w = 0.1


def test_seed_network_neurons_show_activation_and_bias():
    src = draw_network(seed_mlp()).source
    assert node_label(src, "l1n1") == "ReLU\\nb = 0.05"
    assert node_label(src, "l2n2") == "ReLU\\nb = 0.10"
    assert node_label(src, "l3n1") == "σ\\nb = 0.15"
    assert node_label(src, "x2") == "x2"
    for caption in ["input A^[0] = x", "layer 1 · ReLU", "layer 2 · ReLU",
                    "layer 3 · σ (output)"]:
        assert f'label="{caption}"' in src
    assert "MLP 2-2-2-1" in src


def test_seed_forward_pass_activations():
    src = draw_network(seed_mlp(), x=[0.5, 1.0], fmt="{:.4f}").source
    # The seed's hand forward pass: Z^[1] = (0.30, 0.60), Z^[2] = (0.61, 0.79),
    # Z^[3] = 0.9·0.61 + 1.0·0.79 + 0.15 = 1.489, ŷ = σ(1.489).
    y_hat = 1 / (1 + math.exp(-1.489))
    assert node_label(src, "x1") == "x1 = 0.5000"
    assert node_label(src, "l1n1").endswith("a = 0.3000")
    assert node_label(src, "l1n2").endswith("a = 0.6000")
    assert node_label(src, "l2n1").endswith("a = 0.6100")
    assert node_label(src, "l2n2").endswith("a = 0.7900")
    assert node_label(src, "l3n1").endswith(f"a = {y_hat:.4f}")


def test_seed_gradients_after_backward():
    mlp = seed_mlp()
    loss = -(mlp([0.5, 1.0]).log())  # BCE at y = 1
    loss.backward()
    src = draw_network(mlp, show="grad", fmt="{:.5f}").source
    # By hand (seed 001): δ^[3] = ŷ − y; δ^[2] = W^[3]ᵀδ^[3] (ReLU' = 1);
    # δ^[1] = W^[2]ᵀδ^[2]; ∂L/∂W^[l] = δ^[l] A^[l−1]ᵀ; ∂L/∂b^[l] = δ^[l].
    a0, a1, a2 = [0.5, 1.0], [0.3, 0.6], [0.61, 0.79]
    d3 = [1 / (1 + math.exp(-1.489)) - 1.0]
    d2 = [SEED_W[2][0][j] * d3[0] for j in range(2)]
    d1 = [sum(SEED_W[1][i][j] * d2[i] for i in range(2)) for j in range(2)]
    edges = edge_attrs(src)
    for l, (delta, a_prev) in enumerate([(d1, a0), (d2, a1), (d3, a2)], 1):
        for j, d in enumerate(delta, 1):
            assert node_label(src, f"l{l}n{j}").endswith(f"∂L/∂b = {d:.5f}")
            for k, a in enumerate(a_prev, 1):
                tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                attrs = edges[(tail, f"l{l}n{j}")]
                assert edge_label(attrs) == f"{d * a:.5f}"
                assert f'color="{NEGATIVE}"' in attrs  # every gradient is negative here
    assert "gradients ∂L/∂W^[l] and ∂L/∂b^[l]" in src
    assert "negative gradient" in src and "positive gradient" not in src


def test_signs_and_zero_weights_get_their_own_colour():
    mlp = MLP.from_weights(weights=[[[0.5, -2.0, 0.0]]], biases=[[0.0]],
                           activations=["tanh"])
    edges = edge_attrs(draw_network(mlp).source)
    assert f'color="{POSITIVE}"' in edges[("x1", "l1n1")]
    assert f'color="{NEGATIVE}"' in edges[("x2", "l1n1")]
    assert f'color="{ZERO}"' in edges[("x3", "l1n1")]
    assert 'penwidth="4.00"' in edges[("x2", "l1n1")]  # |−2| is the largest


def test_non_finite_gradient_is_drawn_dashed():
    mlp = MLP.from_weights(weights=[[[1.0, 2.0]]], activations=["linear"])
    mlp.layers[0].neurons[0].w[0].grad = math.inf
    src = draw_network(mlp, show="grad").source
    assert f'color="{NONFINITE}", penwidth="4", style="dashed"' in edge_attrs(src)[("x1", "l1n1")]
    assert "gradient is nan or inf" in src


def test_edge_labels_are_dropped_on_big_networks():
    big = draw_network(MLP(2, [16, 16, 1], seed=0)).source
    assert len(edge_attrs(big)) == 32 + 256 + 16
    assert not any("label=" in a for a in edge_attrs(big).values())
    forced = draw_network(MLP(2, [16, 16, 1], seed=0), edge_labels=True).source
    assert all("label=" in a for a in edge_attrs(forced).values())


def test_returns_the_shared_picture_and_renders(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)  # pygraphviz's Graphviz
    picture = draw_network(seed_mlp(), x=[0.5, 1.0])
    assert isinstance(picture, Picture)
    root = ET.parse(picture.render(tmp_path / "net.svg")).getroot()
    texts = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert "b = 0.15" in texts and "0.90" in texts and "a = 0.82" in texts


def test_bad_arguments():
    with pytest.raises(TypeError, match="draw_network\\(\\) needs an MLP.*list"):
        draw_network([1, 2])
    with pytest.raises(ValueError, match="show must be 'weight' or 'grad', got 'weights'"):
        draw_network(seed_mlp(), show="weights")
    with pytest.raises(ValueError, match="one sample of 2 numbers.*\\[1.0\\]"):
        draw_network(seed_mlp(), x=[1.0])
