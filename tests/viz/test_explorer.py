"""The explorer's script: every number it shows is the engine's (checked against hand
derivations, finite differences and random inputs), steps replay to the engine's state,
the network tables and cell marks line up, the page is self-contained, and the CLI,
widget and live training entry points work."""

import math
import random
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, topological_order
from nn.explain import explain_step
from nn.layers import MLP
from nn.train import fit
from nn.viz.explorer import Explorer, LiveTraining, explore
from nn.viz.explorer.network import cell_id
from nn.viz.explorer.page import page_html


def six(x):
    """Six significant digits, the explain tables' format (written here independently)."""
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


def replay(script, upto=None):
    """The nodes' shown values after steps 0 … upto, as the front end computes them."""
    state = {k: dict(v) for k, v in script["initial"].items()}
    steps = script["steps"] if upto is None else script["steps"][:upto + 1]
    for step in steps:
        for node, values in step["set"].items():
            state[node].update(values)
    return state


def small_graph():
    """L = (tanh(x·w + b) − 1)², x = 0.5, w = −1.5, b = 0.2."""
    x, w, b = Value(0.5, label="x"), Value(-1.5, label="w"), Value(0.2, label="b")
    z = x * w + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    L = (a - 1.0) ** 2
    L.label = "L"
    return x, w, b, z, a, L


def step_titled(script, title):
    [step] = [s for s in script["steps"] if s["title"] == title]
    return step


# --- the scalar graph -----------------------------------------------------------------

def test_small_graph_numbers_are_the_hand_derivation():
    x, w, b, z, a, L = small_graph()
    script = explore(L, params=[w, b], lr=0.1).script
    zh = 0.5 * -1.5 + 0.2
    ah = math.tanh(zh)
    dL_da = 2 * (ah - 1)
    dL_dz = dL_da * (1 - ah ** 2)
    assert step_titled(script, "Forward: z")["lines"][-1] == f"= {six(zh)}"
    assert step_titled(script, "Forward: a")["lines"] == ["a = tanh(z)", f"= tanh({six(zh)})",
                                                         f"= {six(ah)}"]
    back_a = step_titled(script, "Backward: a")["lines"]
    assert f"∂a/∂z = 1 − a² = {six(1 - ah ** 2)}" in back_a
    assert any(line.startswith(f"∂L/∂z += ∂a/∂z · ∂L/∂a = {six(1 - ah ** 2)} × ({six(dL_da)}) "
                               f"= {six(dL_dz)}") for line in back_a)
    final = replay(script)
    ids = {n["name"]: n["id"] for n in script["nodes"]}
    assert final[ids["w"]]["grad"] == six(dL_dz * 0.5)
    assert final[ids["x"]]["grad"] == six(dL_dz * -1.5)
    assert final[ids["b"]]["grad"] == six(dL_dz)
    update = step_titled(script, "Update: w")["lines"]
    assert update[-1] == f"= {six(-1.5 - 0.1 * dL_dz * 0.5)}"
    assert final[ids["w"]]["data"] == six(-1.5 - 0.1 * dL_dz * 0.5)


def test_gradients_shown_agree_with_finite_differences():
    def loss(xv, wv, bv):
        return (math.tanh(xv * wv + bv) - 1) ** 2

    x, w, b, z, a, L = small_graph()
    final = replay(explore(L).script)
    ids = {n["name"]: n["id"] for n in explore(L).script["nodes"]}
    h = 1e-6
    numeric = {"x": (loss(0.5 + h, -1.5, 0.2) - loss(0.5 - h, -1.5, 0.2)) / (2 * h),
               "w": (loss(0.5, -1.5 + h, 0.2) - loss(0.5, -1.5 - h, 0.2)) / (2 * h),
               "b": (loss(0.5, -1.5, 0.2 + h) - loss(0.5, -1.5, 0.2 - h)) / (2 * h)}
    for name, expected in numeric.items():
        assert math.isclose(float(final[ids[name]]["grad"]), expected, rel_tol=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_replayed_state_is_the_engines_after_backward(xs):
    p, q, r, s = (Value(v, label=n) for v, n in zip(xs, "pqrs"))
    L = (p * q + r.sigmoid() * s - p.relu()) * (q + 1.0)
    script = explore(L).script
    final = replay(script)
    order = topological_order(L)
    for v in order:
        v.grad = 0.0
    L.backward()
    for i, v in enumerate(order):
        assert final[f"n{i}"] == {"data": six(v.data), "grad": six(v.grad),
                                  "status": "done"}


def test_steps_go_forward_then_backward_then_update():
    x, w, b, z, a, L = small_graph()
    script = explore(L, params=[w, b], lr=0.1).script
    phases = [s["phase"] for s in script["steps"]]
    n_ops = sum(1 for v in topological_order(L) if not v.is_leaf)
    assert phases == (["start"] + ["forward"] * n_ops + ["backward"] * len(topological_order(L))
                      + ["update"] * 2 + ["end"])
    start = replay(script, 0)
    assert start[script["root"]]["data"] == "?"   # values appear step by step
    assert all(s["grad"] == "?" for s in start.values())


def test_exploring_leaves_the_graph_as_one_backward_pass_would():
    x, w, b, z, a, L = small_graph()
    L.backward()
    L.backward()   # a learner's doubled gradient is not what the explorer shows
    explore(L)
    got = w.grad
    x2, w2, b2, z2, a2, L2 = small_graph()
    L2.backward()
    assert got == w2.grad
    assert w.label == "w" and (L - 1.0).label == ""   # temporary names are removed
    explore(L, params=[w, b], lr=0.1)
    assert (w.data, b.data) == (-1.5, 0.2)   # the update is shown, not applied


@pytest.mark.parametrize("call, error, fragment", [
    (lambda L, w: explore(L, lr=0.1), ValueError, "no params"),
    (lambda L, w: explore(L, params=[w]), ValueError, "no learning rate"),
    (lambda L, w: explore(L, params=[w], lr=-1), ValueError, "lr must be a number > 0"),
    (lambda L, w: explore(L, params=[L], lr=0.1), ValueError, "only leaves"),
    (lambda L, w: explore(L, params=[Value(1.0)], lr=0.1), ValueError, "not part of the graph"),
    (lambda L, w: explore(3.0), TypeError, "got float 3.0"),
    (lambda L, w: explore(L, loss="mse"), TypeError, "takes no X, Y or loss"),
    (lambda L, w: explore("no_such_example"), ValueError, "lecture_2221"),
    (lambda L, w: explore(MLP(2, [1])), TypeError, "needs inputs X and targets Y"),
])
def test_bad_arguments_say_what_is_wrong(call, error, fragment):
    x, w, b, z, a, L = small_graph()
    with pytest.raises(error, match=fragment):
        call(L, w)


# --- networks: the tables and the cells each step computes ----------------------------

@pytest.fixture(scope="module")
def walkthrough():
    return explore("lecture_2221").script


def test_network_tables_are_explain_step(walkthrough):
    from nn.explain.network_file import load_network
    from nn.viz.explorer import example_path

    model, X, Y, loss, lr = load_network(example_path("lecture_2221"))
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    tables = {(layer["l"], t["key"]): t["rows"] for layer in walkthrough["tables"]["layers"]
              for t in layer["tables"]}
    for layer in d.layers:
        assert tables[layer.l, "delta"] == [[six(v) for v in row] for row in layer.delta]
        assert tables[layer.l, "W_new"] == [[six(v) for v in row] for row in layer.W_new]
        assert tables[layer.l, "b_new"] == [[six(v)] for v in layer.b_new]
    assert walkthrough["tables"]["loss"] == six(d.loss)


def test_every_marked_cell_exists_and_is_computed_by_its_step(walkthrough):
    ids = set()
    for layer in walkthrough["tables"]["layers"]:
        for t in layer["tables"]:
            for r, row in enumerate(t["rows"]):
                for c in range(len(row)):
                    ids.add(cell_id(t["key"], layer["l"], r) if t["vector"]
                            else cell_id(t["key"], layer["l"], r, c))
    ids.add("loss")
    marked = [c for s in walkthrough["steps"] for c in s.get("cells", [])]
    assert set(marked) <= ids
    # each computed quantity is highlighted once: Z, A, δ, ∂W, ∂b and the updates
    assert len(marked) == len(set(marked))
    by_title = {s["title"]: s for s in walkthrough["steps"]}
    assert by_title["Forward: z^[2]_1"]["cells"] == ["Z-2-0-0"]
    assert by_title["Backward: z^[1]_2"]["cells"] == ["delta-1-1-0"]
    assert by_title["Backward: W^[3]_1,2"]["cells"] == ["dL_dW-3-0-1"]
    assert by_title["Backward: W^[3]_1,2"]["diagram"] == ["l2n2->l3n1"]
    assert by_title["Update: b^[1]_2"]["cells"] == ["b_new-1-1"]


def test_graph_gradient_at_z_is_the_table_delta_over_m():
    random.seed(3)
    model = MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=5)
    X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]
    Y = [1.0, 0.0, 1.0]
    script = explore(model, X, Y, loss="bce", lr=0.5).script
    d = explain_step(model, X, Y, loss="bce", lr=0.5)
    final = replay(script)
    names = {n["name"]: n["id"] for n in script["nodes"]}
    for l, layer in enumerate(d.layers, 1):
        for j, row in enumerate(layer.delta, 1):
            for i, delta in enumerate(row, 1):
                shown = float(final[names[f"z^[{l}]({i})_{j}"]]["grad"])
                assert math.isclose(shown * 3, delta, rel_tol=1e-5, abs_tol=1e-12)
    [step] = [s for s in script["steps"] if s["title"] == "Backward: z^[1](2)_3"]
    assert step["cells"] == ["delta-1-2-1"] and "m = 3" in step["notes"][0]
    assert [p.data for p in model.parameters()] == [p.data for p in MLP(
        2, [3, 1], activations=["tanh", "sigmoid"], seed=5).parameters()]  # model unchanged


# --- the page, the widget, the CLI, live training -------------------------------------

def test_page_is_one_offline_file(tmp_path):
    x, w, b, z, a, L = small_graph()
    path = explore(L).save_html(tmp_path / "graph.html")
    text = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert str(path).endswith("graph.html")
    assert "default-src 'none'" in text
    for reference in ("src=", "<link", "@import", "url(", "https://"):
        assert reference not in text
    # the only "http" is the SVG namespace, which is a name, not a request
    assert set(re.findall(r"http://([\w./-]+)", text)) <= {"www.w3.org/2000/svg",
                                                          "www.w3.org/1999/xlink"}


def test_without_anywidget_explore_returns_a_page_with_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "nn.viz.explorer.widget", None)
    x, w, b, z, a, L = small_graph()
    e = explore(L)
    assert isinstance(e, Explorer)
    shown = e._repr_html_()
    assert "pip install" in shown and "anywidget" in shown and "<iframe srcdoc=" in shown
    with pytest.raises(ImportError, match="anywidget"):
        LiveTraining([[0.0, 1.0]], [1.0])


def test_widget_constructs_without_a_front_end(tmp_path):
    pytest.importorskip("anywidget")
    x, w, b, z, a, L = small_graph()
    widget = explore(L)
    assert widget.script["steps"][0]["phase"] == "start"
    assert "export default" in widget._esm
    widget.save_html(tmp_path / "w.html")
    assert page_html(widget.script) == (tmp_path / "w.html").read_text(encoding="utf-8")


def test_cli_writes_the_walkthrough_page(tmp_path, capsys):
    from nn.cli import main

    path = tmp_path / "walkthrough.html"
    assert main(["explain", "--html", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert "bpx-script" in text and "W^[3] new" in text
    assert main(["explain", "--html", str(tmp_path / "walk.txt")]) == 2
    assert "must end in .html" in capsys.readouterr().err


def test_fit_live_draws_frames_with_the_training_losses():
    pytest.importorskip("anywidget")
    X = [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    y = [0.0, 0.0, 1.0, 1.0]
    model = MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=1)
    live = LiveTraining(X, y, budget=0.5, grid=6, display=False)
    history = fit(model, X, y, loss="bce", epochs=5, verbose=False, live=live)
    frame = live.widget.frame
    assert live.frames >= 2   # the first epoch's frame and the final one
    assert frame["losses"] == history.history["loss"]
    assert frame["epoch"] == 5 and frame["status"].startswith("finished")
    assert len(frame["grid"]) == 6 and all(0 <= p <= 1 for row in frame["grid"] for p in row)
    w = model.layers[0].neurons[1].w[0]
    assert frame["edges"]["x1->l1n2"]["weight"] == w.data
    with pytest.raises(TypeError, match="live must be"):
        fit(model, X, y, loss="bce", epochs=1, verbose=False, live="yes")
    with pytest.raises(ValueError, match="budget"):
        LiveTraining(X, y, budget=2)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["relu", "sigmoid", "tanh", "softplus", "linear"]),
       st.sampled_from(["sigmoid", "tanh", "linear"]), st.integers(0, 10_000),
       st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=6))
def test_live_boundary_outputs_are_predicts(hidden, output, seed, points):
    from nn.train import predict
    from nn.viz.explorer.live import float_outputs

    model = MLP(2, [4, 1], activations=[hidden, output], seed=seed)
    points = [list(p) for p in points]
    assert float_outputs(model.layers, points) == predict(model, points)


def test_a_network_file_path_with_overrides(tmp_path):
    import json

    from nn.viz.explorer import example_path

    spec = json.loads(example_path("lecture_2221").read_text(encoding="utf-8"))
    path = tmp_path / "net.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    script = explore(str(path), lr=0.5, loss="mse").script
    assert script["tables"]["loss_function"] == "mse" and script["tables"]["lr"] == "0.5"
    from nn.explain.network_file import load_network

    model, X, Y, _, _ = load_network(path)
    d = explain_step(model, X, Y, loss="mse", lr=0.5)
    assert script["tables"]["loss"] == six(d.loss)


def test_cli_refuses_a_graph_too_large_to_step_through(tmp_path, capsys):
    import json

    from nn.cli import main
    from nn.viz.explorer.script import MAX_NODES

    rng = random.Random(0)
    sizes = [2, 16, 16, 1]
    spec = {"weights": [[[rng.uniform(-1, 1) for _ in range(sizes[l])]
                         for _ in range(sizes[l + 1])] for l in range(3)],
            "biases": [[0.0] * n for n in sizes[1:]],
            "activations": ["relu", "relu", "sigmoid"],
            "inputs": [[0.5, 1.0], [1.0, 2.0], [0.0, 1.0], [2.0, 2.0], [3.0, 1.0]],
            "targets": [1, 0, 1, 0, 1], "loss": "bce", "lr": 0.1}
    network = tmp_path / "big.json"
    network.write_text(json.dumps(spec), encoding="utf-8")
    page = tmp_path / "big.html"
    assert main(["explain", "--network", str(network), "--html", str(page)]) == 2
    err = capsys.readouterr().err
    assert f"more than {MAX_NODES}" in err and err.count("\n") == 1
    assert not page.exists()


def test_live_frame_without_two_inputs_has_no_boundary():
    pytest.importorskip("anywidget")
    X = [[0.0, 1.0, 2.0], [1.0, 0.0, -1.0]]
    y = [0, 1]   # class indices
    model = MLP(3, [2, 2], activations=["relu", "linear"], seed=4)
    live = LiveTraining(X, y, display=False)
    history = fit(model, X, y, loss="cross_entropy", epochs=2, verbose=False, live=live)
    frame = live.widget.frame
    assert frame["grid"] is None and frame["points"] == []
    assert frame["losses"] == history.history["loss"]
    assert set(frame["edges"]) == {f"x{k}->l1n{j}" for k in (1, 2, 3) for j in (1, 2)} | \
        {f"l1n{k}->l2n{j}" for k in (1, 2) for j in (1, 2)}
