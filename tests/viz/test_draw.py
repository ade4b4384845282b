"""autograd.viz.draw: the DOT text of computation graphs (no rendering needed here)."""

import html
import math
import re
import subprocess
import sys

import pytest

from nn.layers import MLP
from autograd import Value, backward_steps, dot, draw_dot, draw_step, total
from autograd.viz.draw import (AUTO_COLLAPSE_VALUES, CONSTANT, GROUP_FILLS, HIGHLIGHT, LEAF, NONFINITE_GRAD, OPERATION, OUTPUT,
                               STEP, VANISHING_GRAD, ZERO_GRAD, INTERMEDIATE, NOTEBOOK_SIZE)
from autograd.viz import Group
from autograd.viz.dot import format_number

NEURON = LAYER = GROUP_FILLS[0]  # the first kind of group drawn gets the first fill
SEED_W = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]]
SEED_B = [[0.05, 0.05], [0.1, 0.1], [0.15]]


def nodes(source):
    """{node id: attribute text} for every node statement (edges and legend excluded)."""
    found = dict(re.findall(r"^\t(\w+) \[(.*)\]$", source, flags=re.M))
    return {k: v for k, v in found.items() if k not in ("graph", "legend")}


def edges(source):
    """[(tail, head, attribute text)] for every edge statement, in order."""
    return [(a, b, attrs or "")
            for a, b, attrs in re.findall(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", source, re.M)]


def fill(source, node_id):
    return re.search(r'fillcolor="([^"]+)"', nodes(source)[node_id]).group(1)


def label(source, node_id):
    return re.search(r'label="((?:[^"\\]|\\.)*)"', nodes(source)[node_id]).group(1)


def micrograd_example():
    """micrograd's README graph: L = (a·b + c)·f, built leaves first."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return a, b, c, f, e, d, L


def seed_network(x=(0.5, 1.0), labels=True):
    """The lecture notes' 2-2-2-1 walkthrough network from autograd.dot alone, and its BCE loss at y = 1."""
    a = [Value(v, f"x{k}" if labels else "") for k, v in enumerate(x, 1)]
    for l, (W, bs, act) in enumerate(zip(SEED_W, SEED_B, ["relu", "relu", "sigmoid"]), 1):
        a = [getattr(dot([Value(w, f"W{l}_{j}{k}" if labels else "")
                          for k, w in enumerate(row, 1)],
                         a, Value(b, f"b{l}_{j}" if labels else "")), act)()
             for j, (row, b) in enumerate(zip(W, bs), 1)]
    return -(a[0].log())


def saturated_seed():
    """The saturated 1-1-1 sigmoid question: C = (σ(w·a) − y)² at w = 0.8, a = 62.5, y = 0 (z = 50)."""
    w, a = Value(0.8, "w"), Value(62.5, "a")
    s = (w * a).sigmoid()
    s.label = "σ"
    C = (s - 0.0) ** 2
    C.backward()
    return w, a, s, C


# -- the full graph ---------------------------------------------------------------

def test_micrograd_example_boxes_ops_and_edges():
    a, b, c, f, e, d, L = micrograd_example()
    L.backward()
    src = draw_dot(L).source
    assert "rankdir=LR" in src
    # ids follow topological order (depth-first, first parent first): a b e c d f L -> n0 … n6.
    # Hand gradients: ∂L/∂d = f = -2, ∂L/∂f = d = 4, ∂L/∂e = ∂L/∂c = -2,
    # ∂L/∂a = -2·b = 6, ∂L/∂b = -2·a = -4.
    expected = {"n0": "{ a | data 2.0000 | grad 6.0000 }",
                "n1": "{ b | data -3.0000 | grad -4.0000 }",
                "n2": "{ e | data -6.0000 | grad -2.0000 }",
                "n3": "{ c | data 10.0000 | grad -2.0000 }",
                "n4": "{ d | data 4.0000 | grad -2.0000 }",
                "n5": "{ f | data -2.0000 | grad 4.0000 }",
                "n6": "{ L | data -8.0000 | grad 1.0000 }"}
    for node_id, text in expected.items():
        assert label(src, node_id) == text
    assert [label(src, f"n{i}_op") for i in (2, 4, 6)] == ["×", "+", "×"]
    assert {f"n{i}_op" for i in (0, 1, 3, 5)}.isdisjoint(nodes(src))  # leaves have no op node
    assert sorted((t, h) for t, h, _ in edges(src)) == sorted([
        ("n0", "n2_op"), ("n1", "n2_op"), ("n2_op", "n2"),
        ("n2", "n4_op"), ("n3", "n4_op"), ("n4_op", "n4"),
        ("n4", "n6_op"), ("n5", "n6_op"), ("n6_op", "n6")])


def test_colours_mean_leaf_output_operation_intermediate():
    *_, L = micrograd_example()
    L.backward()
    src = draw_dot(L).source
    assert [fill(src, f"n{i}") for i in range(7)] == [LEAF, LEAF, INTERMEDIATE, LEAF,
                                                      INTERMEDIATE, LEAF, OUTPUT]
    assert fill(src, "n4_op") == OPERATION
    legend = src[src.index("\tlegend"):]
    for colour, meaning in [(LEAF, "leaf"), (OUTPUT, "output"), (OPERATION, "operation"),
                            (INTERMEDIATE, "intermediate")]:
        assert re.search(f'bgcolor="{colour}"[^<]*></td><td align="left">{meaning}', legend)
    assert "vanishing" not in legend  # only what the picture uses
    assert "legend" not in draw_dot(L, legend=False).source


def test_same_graph_gives_same_dot_text():
    assert draw_dot(micrograd_example()[-1]).source == draw_dot(micrograd_example()[-1]).source


def test_options_direction_format_and_hidden_grads():
    *_, L = micrograd_example()
    L.backward()
    assert "rankdir=TB" in draw_dot(L, rankdir="TB").source
    assert label(draw_dot(L, fmt="{:.1f}").source, "n0") == "{ a | data 2.0 | grad 6.0 }"
    hidden = draw_dot(L, show_grad=False).source
    assert "| grad" not in hidden
    assert label(hidden, "n0") == "{ a | data 2.0000 }"


def test_repeated_parent_draws_one_edge_per_use():
    x = Value(3.0, "x")
    y = x * x
    src = draw_dot(y).source
    assert [(t, h) for t, h, _ in edges(src)].count(("n0", "n1_op")) == 2


def test_show_local_labels_edges_with_local_derivatives():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    src = draw_dot(a * b, show_local=True).source
    # ∂(ab)/∂a = b = -3, ∂(ab)/∂b = a = 2
    assert ("n0", "n2_op", 'label="local -3.0000", fontsize="9"') in edges(src)
    assert ("n1", "n2_op", 'label="local 2.0000", fontsize="9"') in edges(src)


def test_unlabelled_values_and_special_characters():
    odd = Value(1.0, 'a|b{c}<d> "q" \\')
    src = draw_dot(odd * 2).source
    assert label(src, "n0") == r'{ a\|b\{c\}\<d\> \"q\" \\ | data 1.0000 | grad 0.0000 }'
    assert label(src, "n1") == "2"  # the constant 2: its number, no gradient
    assert fill(src, "n1") == CONSTANT
    assert "constant: a number, no gradient needed" in src
    kept = draw_dot(odd * 2, constants=()).source  # nothing drawn as a constant
    assert label(kept, "n1") == "{ data 2.0000 | grad 0.0000 }"


def test_highlight_marks_nodes_and_legend():
    a, b, c, f, e, d, L = micrograd_example()
    src = draw_dot(L, highlight=[e]).source
    assert f'color="{HIGHLIGHT}", penwidth="3"' in nodes(src)["n2"]
    assert "penwidth" not in nodes(src)["n4"]
    assert "highlighted" in src[src.index("\tlegend"):]
    assert f'color="{HIGHLIGHT}"' in draw_dot(L, highlight=e).source  # one Value is fine


def test_highlight_errors_name_the_problem():
    *_, L = micrograd_example()
    with pytest.raises(ValueError, match="not part of the graph"):
        draw_dot(L, highlight=[Value(1.0)])
    with pytest.raises(TypeError, match="highlight must list Values.*float 1.0"):
        draw_dot(L, highlight=[1.0])
    with pytest.raises(TypeError, match="highlight must be a Value or a list of Values of the "
                                        "graph, got int 5"):
        draw_dot(L, highlight=5)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"rankdir": "XY"}, ValueError, "rankdir must be one of LR, RL, TB, BT; got 'XY'"),
    ({"fmt": "{:d}"}, ValueError, "fmt must be a format string"),
    ({"fmt": 4}, ValueError, "got 4"),
    ({"collapse": "neurons"}, ValueError, "collapse must be one of None, 'auto', 'neuron', 'layer'; got 'neurons'"),
    ({"show_grad": "yes"}, TypeError, "show_grad must be True or False"),
    ({"vanishing": 2}, ValueError, "relative threshold in \\[0, 1\\)"),
    ({"step": "first"}, TypeError, "step must be a BackwardStep"),
])
def test_bad_options_raise_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        draw_dot(Value(1.0), **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="needs an autograd.Value.*got float 3.0"):
        draw_dot(3.0)


def test_a_micrograd_value_is_named_with_its_module():
    """"needs a Value ... got Value" told a micrograd user nothing: both modules are named."""
    micrograd = pytest.importorskip("micrograd.engine")
    with pytest.raises(TypeError) as caught:
        draw_dot(micrograd.Value(2.0) * 3)
    message = str(caught.value)
    assert "autograd.Value" in message and "got micrograd.engine.Value" in message
    assert "from autograd import Value" in message


# -- gradient health ----------------------------------------------------------------

def test_saturated_sigmoid_seed_shows_vanishing_gradient():
    w, a, s, C = saturated_seed()
    src = draw_dot(C).source
    # Hand value: ∂C/∂w = 2σ(50)·σ'(50)·a with σ'(50) = e^−50/(1+e^−50)².
    sig = 1 / (1 + math.exp(-50))
    dw = 2 * sig * (math.exp(-50) / (1 + math.exp(-50)) ** 2) * 62.5
    assert 2.41e-20 < dw < 2.42e-20
    assert label(src, "n0") == f"{{ w | data 0.8000 | grad {dw:.3e} }}"  # not "grad 0.0000"
    assert fill(src, "n0") == VANISHING_GRAD
    assert fill(src, "n1") == VANISHING_GRAD  # a: ∂C/∂a = 2σσ'·w, also ~1e-22
    assert fill(src, "n2") == VANISHING_GRAD  # z = w·a
    assert fill(src, "n3") == INTERMEDIATE    # σ: ∂C/∂σ = 2σ = 2, healthy
    assert fill(src, "n4") == CONSTANT        # the target y = 0, a constant
    assert label(src, "n4") == "0"
    assert fill(src, "n5") == INTERMEDIATE    # σ − y
    assert fill(src, "n6") == OUTPUT
    legend = src[src.index("\tlegend"):]
    assert f'bgcolor="{VANISHING_GRAD}"' in legend
    assert "vanishing gradient: 0 &lt; |grad| ≤ 1e-12 × max |grad| = 2e-12" in legend


def test_vanishing_threshold_is_configurable():
    *_, C = saturated_seed()
    assert VANISHING_GRAD not in draw_dot(C, vanishing=0).source
    # 1e-21 × max |grad| (2) = 2e-21: only ∂C/∂z ≈ 3.9e-22 and ∂C/∂a ≈ 3.1e-22 fall below
    src = draw_dot(C, vanishing=1e-21).source
    assert [fill(src, f"n{i}") == VANISHING_GRAD for i in range(3)] == [False, True, True]


def test_dead_relu_shows_exactly_zero_gradient():
    w, x = Value(2.0, "w"), Value(-1.0, "x")
    r = (w * x).relu()  # ReLU'(−2) = 0: nothing reaches w
    out = r + w
    out.backward()
    src = draw_dot(out).source
    assert fill(src, "n2") == ZERO_GRAD   # w·x
    assert fill(src, "n1") == ZERO_GRAD   # x
    assert fill(src, "n0") == LEAF        # w still gets 1 through the + w
    assert "gradient exactly 0" in src


def test_no_gradient_colours_before_backward():
    *_, L = micrograd_example()
    src = draw_dot(L).source
    assert ZERO_GRAD not in src and VANISHING_GRAD not in src
    assert fill(src, "n0") == LEAF


def test_infinite_gradient_is_marked():
    x = Value(0.0, "x")
    y = x.sqrt()  # d√x/dx = ∞ at 0
    y.backward()
    src = draw_dot(y).source
    assert fill(src, "n0") == NONFINITE_GRAD
    assert "gradient is nan or inf" in src


def test_format_number_never_shows_a_tiny_number_as_zero():
    assert format_number(2.4109e-20) == "2.411e-20"
    assert format_number(0.0) == "0.0000"
    assert format_number(-0.25) == "-0.2500"
    assert format_number(1e-7, "{:.2f}") == "1.000e-07"
    assert format_number(float("inf")) == "inf"


# -- backward steps ------------------------------------------------------------------

def test_step_shows_node_and_contributions():
    a, b, c, f, e, d, L = micrograd_example()
    steps = list(backward_steps(L))
    # Processing order: L, then d (∂L/∂d = f = -2) or f, …; find d's turn.
    step = next(s for s in steps if s.node is d)
    src = draw_step(L, step).source
    assert f'color="{STEP}", penwidth="3"' in nodes(src)["n4"]
    assert f'color="{STEP}", penwidth="3"' in nodes(src)["n4_op"]
    # d = e + c: local derivatives 1 and 1, incoming −2, so each parent gets −2.
    sent = [(t, h, attrs) for t, h, attrs in edges(src) if STEP in attrs]
    assert [(t, h) for t, h, _ in sent] == [("n2", "n4_op"), ("n3", "n4_op")]
    for _, _, attrs in sent:
        assert 'label="1.0000 × -2.0000 = -2.0000"' in attrs
    assert 'label="backward step' in src and "∂root/∂node = -2.0000" in src
    assert "gradient back this step" in src and "local × incoming = added" in src


def test_step_edges_label_products_with_real_local_derivatives():
    a, b, c, f, e, d, L = micrograd_example()
    step = next(s for s in backward_steps(L) if s.node is e)
    sent = [attrs for t, h, attrs in edges(draw_step(L, step).source) if STEP in attrs]
    # e = a·b, ∂L/∂e = −2: a gets b·(−2) = 6, b gets a·(−2) = −4
    assert 'label="-3.0000 × -2.0000 = 6.0000"' in sent[0]
    assert 'label="2.0000 × -2.0000 = -4.0000"' in sent[1]


def test_step_grads_are_those_accumulated_so_far():
    a, b, c, f, e, d, L = micrograd_example()
    gen = backward_steps(L)
    first = next(gen)  # L sends ∂L/∂d = f = −2 and ∂L/∂f = d = 4; a has nothing yet
    src = draw_step(L, first).source
    assert label(src, "n0") == "{ a | data 2.0000 | grad 0.0000 }"
    assert label(src, "n4") == "{ d | data 4.0000 | grad -2.0000 }"
    assert ZERO_GRAD not in src  # gradient health is not judged mid-pass


def test_step_errors():
    *_, L = micrograd_example()
    other = Value(1.0) * 2
    foreign = next(backward_steps(other))
    with pytest.raises(ValueError, match="not part of the graph"):
        draw_step(L, foreign)
    with pytest.raises(ValueError, match="collapse=None"):
        draw_step(L, next(backward_steps(L)), collapse="neuron")


# -- collapsed graphs ----------------------------------------------------------------

def count_boxes(src):
    """Value boxes (records) and group boxes (HTML tables); not constants or operations."""
    return sum('shape="record"' in attrs or "<table" in attrs for attrs in nodes(src).values())


def box_lines(source, node_id):
    """The lines of a box: a group's table rows, or a value record's fields."""
    attrs = nodes(source)[node_id]
    if "<table" in attrs:
        return [html.unescape(t) for t in re.findall(r"<td>(.*?)</td>", attrs)]
    return [f.strip("{} ") for f in re.split(r"(?<!\\)\|", label(source, node_id))]


def test_collapse_neuron_folds_weights_and_activation():
    L = seed_network()
    L.backward()
    full, neuron = draw_dot(L).source, draw_dot(L, collapse="neuron").source
    # full: 2 inputs + 15 weight/bias leaves + 5 z + 5 a + log + neg
    assert count_boxes(full) == 29
    boxes = nodes(neuron)
    assert [k for k, v in boxes.items() if f'fillcolor="{NEURON}"' in v] == [
        "g0", "g1", "g2", "g3", "g4"]
    assert count_boxes(neuron) == 2 + 5 + 2
    # neuron 1 of layer 1: z = 0.1·0.5 + 0.2·1 + 0.05 = 0.3, ReLU
    assert box_lines(neuron, "g0")[:5] == [
        "neuron 1 · layer 1", "Σwx+b → ReLU", "z 0.3000", "a 0.3000", "grad -0.2117"]
    assert box_lines(neuron, "g4")[1:4] == ["Σwx+b → σ", "z 1.4890", "a 0.8159"]
    pairs = {(t, h) for t, h, _ in edges(neuron)}
    assert {("g0", "g2"), ("g1", "g2"), ("g0", "g3"), ("g1", "g3"), ("g2", "g4"),
            ("g3", "g4"), ("g4", "n27_op")} <= pairs
    assert "neuron: Σwx+b and its activation" in neuron


def test_collapse_layer_groups_neurons_reading_the_same_inputs():
    L = seed_network()
    L.backward()
    src = draw_dot(L, collapse="layer").source
    layers = [k for k, v in nodes(src).items() if f'fillcolor="{LAYER}"' in v]
    assert layers == ["g0", "g1", "g2"]
    assert box_lines(src, "g0")[:4] == [
        "layer 1 · 2 neurons", "Σwx+b → ReLU", "z [0.3000, 0.6000]", "a [0.3000, 0.6000]"]
    assert box_lines(src, "g1")[2:4] == ["z [0.6100, 0.7900]", "a [0.6100, 0.7900]"]
    pairs = [(t, h) for t, h, _ in edges(src)]
    assert ("g0", "g1") in pairs and pairs.count(("g0", "g1")) == 1


def test_collapse_works_from_structure_not_labels():
    L = seed_network(labels=False)
    L.backward()
    # 2 inputs + 5 neurons (or 3 layers) + log + neg
    assert count_boxes(draw_dot(L, collapse="neuron").source) == 9
    assert count_boxes(draw_dot(L, collapse="layer").source) == 7


def test_unlabelled_weights_and_inputs_of_a_dot_are_leaves_not_constants():
    w, x = [Value(0.5), Value(-1.0)], [Value(2.0), Value(3.0)]
    out = (dot(w, x, Value(0.1)) - 1.0) * 3  # 1.0 and 3 are constants
    out.backward()
    src = draw_dot(out).source
    fills = {box_lines(src, k)[0]: fill(src, k) for k in nodes(src) if not k.endswith("_op")}
    assert [fills[f"data {v:.4f}"] for v in (0.5, -1.0, 2.0, 3.0, 0.1)] == [LEAF] * 5
    assert fills["1"] == CONSTANT and fills["3"] == CONSTANT
    # ∂out/∂w1 = 3·x1 = 6, shown; the constants show no gradient
    assert box_lines(src, "n0") == ["data 0.5000", "grad 6.0000"]


def test_collapse_keeps_a_parameter_that_is_also_used_elsewhere():
    w = [Value(0.5, "w1"), Value(-0.5, "w2")]
    x = [Value(1.0, "x1"), Value(2.0, "x2")]
    b = Value(0.1, "b")
    z = dot(w, x, b).tanh()
    penalty = total([wk * wk for wk in w])  # weight decay uses the weights again
    loss = z + penalty
    loss.backward()
    src = draw_dot(loss, collapse="neuron").source
    drawn = [box_lines(src, k)[0] for k in nodes(src)]
    assert "w1" in drawn and "w2" in drawn
    assert "b" not in drawn  # used only by its neuron


def test_collapse_vanishing_weights_mark_their_neuron():
    w, a = Value(0.8, "w"), Value(62.5, "a")
    C = dot([w], [a]).sigmoid() ** 2
    C.backward()
    src = draw_dot(C, collapse="neuron").source
    assert fill(src, "g0") == VANISHING_GRAD
    assert box_lines(src, "g0")[-1] == "max |grad| inside 2.411e-20"


def test_collapse_on_mlp_graph_reduces_node_count():
    mlp = MLP(2, [8, 8, 1], seed=1)
    loss = total([(mlp([0.3 * i, -0.1 * i]) - 1.0) ** 2 for i in range(3)])
    loss.backward()
    full = len(nodes(draw_dot(loss, collapse=None).source))
    neuron = len(nodes(draw_dot(loss, collapse="neuron").source))
    layer = len(nodes(draw_dot(loss, collapse="layer").source))
    assert full > neuron > layer
    # 3 samples × (8 + 8 + 1) neurons; 3 samples × 3 layers
    src = draw_dot(loss, collapse="neuron").source
    assert sum(k.startswith("g") for k in nodes(src)) == 51
    src = draw_dot(loss, collapse="layer").source
    assert sum(k.startswith("g") for k in nodes(src)) == 9
    # The parameters (shared by the three samples) are folded away entirely.
    param_labels = {p.label for p in mlp.parameters()}
    assert not any(box_lines(src, k)[0] in param_labels for k in nodes(src))


def test_collapsed_boxes_say_which_sample_and_neuron():
    mlp = MLP(2, [3, 1], seed=1, activations=["tanh", "linear"])
    loss = total([(mlp(x) - 1.0) ** 2 for x in ([0.5, 1.0], [-1.0, 2.0])])
    loss.backward()
    src = draw_dot(loss, collapse="neuron").source
    titles = [box_lines(src, k)[0] for k in nodes(src) if k.startswith("g")]
    # Row j of W^[1] is neuron j: the boxes are numbered from the z^[l]_j labels.
    assert sorted(titles) == sorted(f"neuron {j} · layer {l} · sample {i}"
                                    for i in (1, 2) for l, n in ((1, 3), (2, 1))
                                    for j in range(1, n + 1))
    layer = draw_dot(loss, collapse="layer").source
    first = box_lines(layer, "g0")
    assert first[:2] == ["layer 1 · sample 1 · 3 neurons", "Σwx+b → tanh"]
    z1 = [f"{n.w[0].data * 0.5 + n.w[1].data * 1.0 + n.b.data:.4f}" for n in mlp.layers[0].neurons]
    assert first[2] == f"z [{', '.join(z1)}]"  # in W^[1]'s row order


def test_several_samples_never_share_a_label():
    mlp = MLP(2, [2, 1], seed=3)
    loss = total([(mlp(x) - y) ** 2 for x, y in (([1.0, 2.0], 1.0), ([0.0, -1.0], 0.0))])
    loss.backward()
    src = draw_dot(loss, collapse=None).source
    names = [label(src, k).split(" |")[0].lstrip("{ ") for k, v in nodes(src).items()
             if 'shape="record"' in v]
    assert "z^[1]_1 (sample 1)" in names and "z^[1]_1 (sample 2)" in names
    assert "z^[1]_1" not in names
    assert "W^[1]_1,1" in names  # one parameter node, shared: no sample number
    labelled = [n for n in names if not n.startswith("data")]
    assert len(labelled) == len(set(labelled))


def test_auto_collapse_keeps_small_graphs_whole_and_groups_big_ones():
    L = seed_network()  # the lecture notes' 2-2-2-1 network: drawn value by value
    L.backward()
    assert draw_dot(L).source == draw_dot(L, collapse=None).source
    mlp = MLP(3, [4, 2], seed=0)
    out = mlp([0.5, -1.0, 2.0])
    big = total([(o - t) ** 2 for o, t in zip(out, [1.0, 0.0])])
    big.backward()
    src = draw_dot(big).source
    assert sum(k.startswith("g") for k in nodes(src)) == 6  # one box per neuron
    assert "drawn one box per neuron (collapse=None draws every value)" in src
    assert len(nodes(src)) <= AUTO_COLLAPSE_VALUES


def test_every_picture_is_sized_for_a_notebook_cell():
    *_, L = micrograd_example()
    assert f'size="{NOTEBOOK_SIZE}"' in draw_dot(L).source
    assert "size=" not in draw_dot(L, size=None).source.splitlines()[1]


def test_groups_from_the_caller():
    a, b, c, f, e, d, L = micrograd_example()
    L.backward()
    box = Group("a·b + c", (e, d), shows=(("d", (d,)),), kind="sum", meaning="sum: a·b + c")
    src = draw_dot(L, groups=[box]).source
    assert box_lines(src, "g0") == ["a·b + c", "d 4.0000", "grad -2.0000"]  # no leaf inside
    pairs = {(t, h) for t, h, _ in edges(src)}
    # ids follow topological order (depth-first, first parent first): a b e c d f L -> n0 … n6
    assert {("n0", "g0"), ("n1", "g0"), ("n3", "g0"), ("g0", "n6_op")} <= pairs
    assert "sum: a·b + c" in src
    assert draw_dot(L, groups=lambda order: [box]).source == src
    with pytest.raises(TypeError, match="groups must be autograd.viz.Group"):
        draw_dot(L, groups=[(e, d)])
    with pytest.raises(ValueError, match="lists .* not part of the graph"):
        draw_dot(L, groups=[Group("x", (Value(1.0),))])


def fresh_python(code):
    """What ``code`` prints in a new interpreter (nothing imported yet, nn not registered)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout


def test_engine_import_stays_standard_library_only():
    out = fresh_python(
        "import sys, autograd; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('graphviz', 'pygraphviz', 'matplotlib', 'numpy', 'subprocess', 'nn'))); "
        "autograd.draw_dot(autograd.Value(1.0)).source; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pygraphviz', 'matplotlib', 'numpy', 'nn')))")
    assert out.split() == ["[]", "[]"]  # graphviz is loaded by draw_dot, nothing else


def test_collapse_by_neuron_needs_someone_who_knows_neurons():
    # autograd alone knows no neurons: nn registers the groupings when imported.
    out = fresh_python("import autograd\n"
                       "try:\n"
                       "    autograd.draw_dot(autograd.Value(1.0), collapse='neuron')\n"
                       "except ValueError as e:\n"
                       "    print(e)\n")
    assert out.strip() == ("collapse must be one of None, 'auto'; got 'neuron' "
                           "(import nn to register 'neuron' and 'layer')")


# -- side outputs ------------------------------------------------------------------

def bce_from_the_logit():
    """The lecture notes' 2-2-2-1 network under the library's BCE at y = 1, which reads
    z^[3]_1 itself (exact where σ saturates): the prediction ŷ is not on L's graph."""
    from nn.losses import binary_cross_entropy

    net = MLP.from_weights(weights=SEED_W, biases=SEED_B, activations=["relu", "relu", "sigmoid"])
    y_hat = net([Value(0.5, "x_1"), Value(1.0, "x_2")])
    L = binary_cross_entropy(y_hat, 1.0)
    L.label = "L"
    L.backward()
    return y_hat, L


def test_a_side_output_hangs_off_its_parent_dashed_with_no_gradient():
    """BCE after a sigmoid reads z^[L]: ŷ = σ(z^[L]) was nowhere in the picture.  Passed as
    a side output it is drawn after the graph's nodes, off its parent, dashed, with its data
    and no gradient (none reaches it: its engine grad is 0, which would read as ∂L/∂ŷ = 0)."""
    from autograd import topological_order

    y_hat, L = bce_from_the_logit()
    order = topological_order(L)
    assert y_hat not in order and y_hat.grad == 0.0
    plain = draw_dot(L).source
    src = draw_dot(L, side_outputs=[y_hat, y_hat]).source   # given twice, drawn once
    side = f"n{len(order)}"
    assert set(nodes(src)) - set(nodes(plain)) == {side, f"{side}_op"}
    assert box_lines(src, side) == ["a^[3]_1", "data 0.8159"]
    assert 'style="filled,dashed"' in nodes(src)[side]
    assert 'style="filled,dashed"' in nodes(src)[f"{side}_op"]
    assert label(src, f"{side}_op") == "σ"
    z = f"n{order.index(y_hat.parents[0])}"
    new = [e for e in edges(src) if e not in edges(plain)]
    assert new == [(f"{side}_op", side, 'style="dashed"'), (z, f"{side}_op", 'style="dashed"')]
    assert "side output: not used by the output, so no gradient flows back to it" in src
    assert "side output" not in plain
    # one L does use is drawn as usual, once; a collapsed picture hangs ŷ off its neuron
    assert draw_dot(L, side_outputs=[L, y_hat]).source == src
    neuron = draw_dot(L, collapse="neuron", side_outputs=y_hat).source
    owner = next(k for k in nodes(neuron) if box_lines(neuron, k)[0] == "neuron 1 · layer 3")
    assert (owner, f"{side}_op", 'style="dashed"') in edges(neuron)


def test_side_outputs_must_be_computed_from_the_graph():
    from autograd import topological_order

    y_hat, L = bce_from_the_logit()
    with pytest.raises(ValueError, match="not computed from the graph of the root"):
        draw_dot(L, side_outputs=[Value(1.0)])
    with pytest.raises(ValueError, match=r"label='a\^\[3\]_1'\) is neither part of it nor "
                                         r"a side output listed before"):
        draw_dot(L, side_outputs=[y_hat * 3.0])   # ŷ itself is not on L's graph
    chained = draw_dot(L, side_outputs=[y_hat, y_hat.exp()]).source   # ... unless listed first
    order = topological_order(L)
    first, z = len(order), order.index(y_hat.parents[0])
    assert box_lines(chained, f"n{first}") == ["a^[3]_1", "data 0.8159"]
    assert box_lines(chained, f"n{first + 1}") == [f"data {math.exp(y_hat.data):.4f}"]
    assert {(f"n{z}", f"n{first}_op"), (f"n{first}", f"n{first + 1}_op")} <= {
        (a, b) for a, b, style in edges(chained) if style == 'style="dashed"'}
    with pytest.raises(TypeError, match="side_outputs must list Values, got float 0.5"):
        draw_dot(L, side_outputs=[0.5])
    with pytest.raises(TypeError, match="side_outputs must be a Value or a list of Values, "
                                        "got int 5"):
        draw_dot(L, side_outputs=5)


def test_backprop_explain_graph_shows_the_prediction_bce_does_not_read(tmp_path, monkeypatch):
    """`backprop explain --graph` of the lecture notes' walkthrough had no ŷ = 0.8159
    anywhere; it is now drawn as a side output of z^[3]_1.  A loss that reads ŷ (the
    saturated 1-1-1 sigmoid question's squared error) draws it on the graph, as before."""
    from autograd.viz.picture import Picture
    from nn.cli import main

    drawn = []
    monkeypatch.setattr(Picture, "render", lambda self, *a, **k: drawn.append(self.source))

    def graph_of(*args):
        assert main(["explain", *args, "--graph", str(tmp_path / "graph.svg")]) == 0
        return drawn[-1]

    src = graph_of()
    side = [k for k, v in nodes(src).items() if 'style="filled,dashed"' in v and "record" in v]
    assert len(side) == 1 and box_lines(src, side[0]) == ["a^[3]_1", "data 0.8159"]
    squared = graph_of("--network", "saturated_111")
    assert not any("dashed" in v and "record" in v for v in nodes(squared).values())
    assert any(box_lines(squared, k)[:2] == ["a^[2]_1", "data 1.0000"]
               for k, v in nodes(squared).items() if "record" in v)
