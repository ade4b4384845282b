"""nn.viz.diagram: the lecture notes' 2-2-2-1 network drawn with its numbers."""

import math
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

import graphviz

from autograd.viz.picture import Picture
from autograd.viz import PictureTooLargeError
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
            re.findall(r"^\t(\w+) -> (\w+) \[(.*)\]$", source, flags=re.M)}


def node_label(source, node_id):
    return re.search(rf'^\t\t{node_id} \[label="([^"]*)"', source, flags=re.M).group(1)


def edge_label(attrs):
    return re.search(r'headlabel="([^"]*)"', attrs).group(1)


def row(source, node_id, name="W"):
    """The numbers neuron ``node_id`` lists as its row of W^[l] (or ∂L/∂W^[l])."""
    text = re.search(rf"{re.escape(name)}_\d+ = \[([^\]]*)\]", node_label(source, node_id))
    return text.group(1).split(", ")


def test_seed_network_edges_carry_its_weights():
    src = draw_network(seed_mlp(), edge_labels=True).source
    edges = edge_attrs(src)
    assert len(edges) == 4 + 4 + 2
    # W^[l] row j holds neuron j's incoming weights: edge k -> j is W_jk^[l].
    for l, W in enumerate(SEED_W, 1):
        for j, row_ in enumerate(W, 1):
            for k, w in enumerate(row_, 1):
                tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                attrs = edges[(tail, f"l{l}n{j}")]
                assert edge_label(attrs) == f"{w:.2f}"
                assert f'color="{POSITIVE}"' in attrs
            # ... and neuron j lists row j of W^[l]
            assert row(src, f"l{l}n{j}") == [f"{w:.2f}" for w in row_]
    # pen width grows with |w|: 0.5 + 3.5·|w|/max|w|
    assert 'penwidth="4.00"' in edges[("l2n2", "l3n1")]  # w = 1.0, the largest
    assert 'penwidth="0.85"' in edges[("x1", "l1n1")]    # w = 0.1


def test_seed_network_neurons_show_activation_and_bias():
    src = draw_network(seed_mlp()).source
    assert node_label(src, "l1n1") == "1 · ReLU\\nW_1 = [0.10, 0.20]\\nb = 0.05"
    assert node_label(src, "l2n2") == "2 · ReLU\\nW_2 = [0.70, 0.80]\\nb = 0.10"
    assert node_label(src, "l3n1") == "1 · σ\\nW_1 = [0.90, 1.00]\\nb = 0.15"
    assert node_label(src, "x2") == "x_2"
    for caption in ["input A^[0] = x", "layer 1 · ReLU", "layer 2 · ReLU",
                    "layer 3 · σ (output)"]:
        assert f'[label="{caption}", shape="plaintext"' in src
    assert "MLP 2-2-2-1" in src


def test_seed_forward_pass_activations():
    src = draw_network(seed_mlp(), x=[0.5, 1.0], fmt="{:.4f}").source
    # The walkthrough's hand forward pass: Z^[1] = (0.30, 0.60), Z^[2] = (0.61, 0.79),
    # Z^[3] = 0.9·0.61 + 1.0·0.79 + 0.15 = 1.489, ŷ = σ(1.489).
    y_hat = 1 / (1 + math.exp(-1.489))
    assert node_label(src, "x1") == "x_1 = 0.5000"
    assert "a = activations for the sample x = (0.5000, 1.0000)" in src
    assert node_label(src, "l1n1").endswith("a = 0.3000")
    assert node_label(src, "l1n2").endswith("a = 0.6000")
    assert node_label(src, "l2n1").endswith("a = 0.6100")
    assert node_label(src, "l2n2").endswith("a = 0.7900")
    assert node_label(src, "l3n1").endswith(f"a = {y_hat:.4f}")


def test_seed_gradients_after_backward():
    mlp = seed_mlp()
    loss = -(mlp([0.5, 1.0]).log())  # BCE at y = 1
    loss.backward()
    src = draw_network(mlp, show="grad", fmt="{:.5f}", edge_labels=True).source
    # By hand (the lecture notes' walkthrough): δ^[3] = ŷ − y; δ^[2] = W^[3]ᵀδ^[3] (ReLU' = 1);
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
                assert row(src, f"l{l}n{j}", "∂L/∂W")[k - 1] == f"{d * a:.5f}"
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


def test_big_layers_list_no_rows_and_edges_carry_no_numbers():
    big = draw_network(MLP(2, [16, 16, 1], seed=0), strongest=None).source
    assert len(edge_attrs(big)) == 32 + 256 + 16
    assert not any("label=" in a for a in edge_attrs(big).values())
    assert "W_1 = [" in node_label(big, "l1n1")      # 2 weights per row: listed
    assert "W_1 = [" not in node_label(big, "l2n1")  # 16: left to the edges
    forced = draw_network(MLP(2, [16, 16, 1], seed=0), edge_labels=True, strongest=None).source
    assert all("headlabel=" in a for a in edge_attrs(forced).values())


def neuron_centres(svg):
    """{node name: (x, y)} of every ellipse in a rendered SVG (y grows downwards)."""
    root = ET.fromstring(svg)
    centres = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        title = g.find("{http://www.w3.org/2000/svg}title")
        ellipse = g.find("{http://www.w3.org/2000/svg}ellipse")
        if title is not None and ellipse is not None:
            centres[title.text] = (float(ellipse.get("cx")), float(ellipse.get("cy")))
    return centres


WIDTHS = list(range(1, 18)) + [24, 31, 32, 33, 47, 48, 63, 64]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_neuron_j_is_the_jth_from_the_top_for_every_width(rankdir):
    """The README's promise, on the rendered coordinates: neuron j of layer l is the j-th
    node from the top (from the left with rankdir TB), for widths up to 64.  In a cluster
    box dot turned the column round: a 16-16-1 read 13, 14, 15, 16, 1, …, 12."""
    axis = 1 if rankdir == "LR" else 0
    networks = [[3, w, 2] for w in WIDTHS] + [[2, 16, 16, 1], [2, 64, 64, 1]]
    for sizes in networks:
        mlp = MLP(sizes[0], sizes[1:], seed=sum(sizes))
        centres = neuron_centres(draw_network(mlp, rankdir=rankdir).pipe("svg").decode())
        columns = [[f"x{k}" for k in range(1, sizes[0] + 1)]] + [
            [f"l{l}n{j}" for j in range(1, n + 1)] for l, n in enumerate(sizes[1:], 1)]
        for column in columns:
            along = [centres[name][axis] for name in column]
            assert along == sorted(along) and len(set(along)) == len(along), (sizes, column)
            across = {round(centres[name][1 - axis]) for name in column}
            assert len(across) == 1, (sizes, column)   # one layer, one column


def test_a_big_network_draws_its_strongest_edges_and_says_so():
    mlp = MLP(2, [16, 16, 1], seed=0)
    src = draw_network(mlp).source
    edges = edge_attrs(src)
    # every neuron keeps its 3 largest |W_jk| (both of layer 1's two inputs)
    assert len(edges) == 32 + 16 * 3 + 3
    for j, neuron in enumerate(mlp.layers[1].neurons, 1):
        drawn = {int(a.split("n")[1]) for a, b in edges if b == f"l2n{j}"}
        ranked = sorted(range(1, 17), key=lambda k: -abs(neuron.w[k - 1].data))
        assert drawn == set(ranked[:3])
    assert "showing the 3 largest |W_jk^[l]| into each neuron: 83 of 304 edges" in src
    grads = draw_network(mlp, show="grad", strongest=2).source
    assert "showing the 2 largest |∂L/∂W_jk^[l]|" in grads
    small = draw_network(seed_mlp()).source
    assert "largest" not in small and len(edge_attrs(small)) == 10
    with pytest.raises(ValueError, match="strongest must be .* got 0"):
        draw_network(mlp, strongest=0)


def test_neurons_keep_their_row_order_when_rendered(monkeypatch, tmp_path):
    # Graphviz reorders a rank's nodes to shorten edges; the diagram pins j = 1, 2, …
    # top to bottom so that row j of W^[l] is the j-th node.
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    svg = draw_network(MLP(3, [4, 2], seed=0), x=[0.5, -1.0, 2.0]).pipe("svg").decode()
    heights = {name: y for name, (x, y) in neuron_centres(svg).items()}
    for names in (["x1", "x2", "x3"], ["l1n1", "l1n2", "l1n3", "l1n4"], ["l2n1", "l2n2"]):
        ys = [heights[n] for n in names]
        assert ys == sorted(ys), names  # SVG y grows downwards: first neuron on top


def test_a_network_too_big_to_read_is_refused_with_a_hint(tmp_path):
    picture = draw_network(MLP(2, [60, 90, 1], seed=0), max_edges=5000)
    with pytest.raises(PictureTooLargeError, match=r"(?s)2-60-90-1 network has "
                                                   r"5610 weights, more than max_edges=5000.*"
                                                   r"max_edges=None"):
        picture.render(tmp_path / "net.png")
    assert os.listdir(tmp_path) == []


def test_a_graphviz_object_like_draw_dot(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    picture = draw_network(seed_mlp(), format="png")
    assert isinstance(picture, graphviz.Digraph)
    assert open(picture.render(str(tmp_path / "net")), "rb").read().startswith(b"\x89PNG")
    assert (tmp_path / "net").read_text(encoding="utf-8") == picture.source


def test_returns_the_shared_picture_and_renders(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)  # pygraphviz's Graphviz
    picture = draw_network(seed_mlp(), x=[0.5, 1.0])
    assert isinstance(picture, Picture)
    root = ET.parse(picture.render(tmp_path / "net.svg")).getroot()
    texts = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert "b = 0.15" in texts and "W_1 = [0.90, 1.00]" in texts and "a = 0.82" in texts


def test_bad_arguments():
    with pytest.raises(TypeError, match="draw_network\\(\\) needs an MLP.*list"):
        draw_network([1, 2])
    with pytest.raises(ValueError, match="show must be 'weight' or 'grad', got 'weights'"):
        draw_network(seed_mlp(), show="weights")
    with pytest.raises(ValueError, match="one sample of 2 numbers.*\\[1.0\\]"):
        draw_network(seed_mlp(), x=[1.0])
