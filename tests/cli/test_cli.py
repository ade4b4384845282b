"""The ``backprop`` command end to end: each test runs ``python -m nn`` in a subprocess.

Expected numbers are written as the worked examples' formulas (σ, ln, the chain rule by
hand), never copied from the command's own output.
"""

import copy
import json
import math
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "nn" / "examples"


def backprop(*args, cwd=None):
    """Run ``python -m nn *args``; return the CompletedProcess (text, never raises)."""
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def relu(z):
    return max(z, 0.0)


# --- the lecture notes' 2-2-2-1 walkthrough, by hand (x = (0.5, 1), y = 1, BCE, α = 0.1) -----------

X = [0.5, 1.0]
W1, B1 = [[0.1, 0.2], [0.3, 0.4]], [0.05, 0.05]
W2, B2 = [[0.5, 0.6], [0.7, 0.8]], [0.1, 0.1]
W3, B3 = [[0.9, 1.0]], [0.15]
ALPHA = 0.1


def layer(W, b, a, f):
    return [f(sum(w * x for w, x in zip(row, a)) + bj) for row, bj in zip(W, b)]


A1 = layer(W1, B1, X, relu)                  # (0.30, 0.60)
A2 = layer(W2, B2, A1, relu)                 # (0.61, 0.79)
Z3 = W3[0][0] * A2[0] + W3[0][1] * A2[1] + B3[0]   # 1.489
Y_HAT = sigmoid(Z3)
LOSS = -math.log(Y_HAT)                      # BCE with y = 1
DELTA3 = Y_HAT - 1.0                         # BCE + sigmoid: δ = ŷ − y
DELTA2 = [W3[0][j] * DELTA3 for j in range(2)]          # ReLU' = 1 (Z^[2] > 0)
DELTA1 = [sum(W2[i][j] * DELTA2[i] for i in range(2)) for j in range(2)]
W3_NEW = [W3[0][k] - ALPHA * DELTA3 * A2[k] for k in range(2)]
W1_NEW = [[W1[j][k] - ALPHA * DELTA1[j] * X[k] for k in range(2)] for j in range(2)]
B1_NEW = [B1[j] - ALPHA * DELTA1[j] for j in range(2)]


def table(text, title):
    """The numbers of the text table under the line ``title`` as a list of rows, or the
    single number written inline as ``title = number``."""
    lines = text.splitlines()
    inline = [line for line in lines if line.startswith(title + " = ")]
    if inline:
        return [[float(inline[0].rsplit(" = ", 1)[1])]]
    assert title in lines, f"no table titled {title!r} in the output"
    rows = []
    for line in lines[lines.index(title) + 2:]:
        if not line.strip():
            break
        rows.append([float(v) for v in line.split()[1:]])
    return rows


def flat(matrix):
    return [v for row in matrix for v in row]


def one_error_line(result, *fragments):
    """Exit status 2 and exactly one stderr line 'backprop: error: …' containing fragments."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("backprop: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# --- explain: the default walkthrough -------------------------------------------------------

def test_default_text_output_has_the_seeds_numbers_layer_by_layer():
    result = backprop("explain")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    # The seed's printed values, to its rounding.
    assert table(text, "Ŷ = A^[3]")[0][0] == pytest.approx(0.8159, abs=5e-5)
    assert table(text, "L = (1/m) Σᵢ Lᵢ")[0][0] == pytest.approx(0.2034, abs=5e-5)
    assert table(text, "δ^[3] = ∂Lᵢ/∂Z^[3]")[0][0] == pytest.approx(-0.1841, abs=5e-5)
    assert table(text, "W^[3] − α ∂L/∂W^[3]")[0] == pytest.approx([0.9112, 1.0145], abs=5e-5)
    # And the hand formulas to the six digits shown.
    assert flat(table(text, "Z^[1] = W^[1] A^[0] + b^[1]")) == pytest.approx(A1)
    assert flat(table(text, "A^[2] = relu(Z^[2])")) == pytest.approx(A2)
    assert flat(table(text, "δ^[1] = ∂Lᵢ/∂Z^[1]")) == pytest.approx(DELTA1, rel=1e-5)
    assert flat(table(text, "W^[1] − α ∂L/∂W^[1]")) == pytest.approx(flat(W1_NEW), rel=1e-5)
    # Laid out as the derivation: forward layer 1 → 3, loss, backward 3 → 1, update.
    order = [text.index(t) for t in ("== Forward pass ==", "Z^[1] =", "Z^[3] =", "== Loss ==",
                                     "δ^[3] =", "δ^[1] =", "== Update")]
    assert order == sorted(order)


def test_json_output_matches_the_hand_formulas_to_1e_9():
    result = backprop("explain", "--format", "json")
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    assert d["Y_hat"][0][0] == pytest.approx(Y_HAT, abs=1e-9)
    assert d["loss"] == pytest.approx(LOSS, abs=1e-9)
    layers = d["layers"]
    assert layers["3"]["dZ"][0][0] == pytest.approx(DELTA3, abs=1e-9)
    assert layers["3"]["W_new"][0] == pytest.approx(W3_NEW, abs=1e-9)
    assert layers["3"]["b_new"] == pytest.approx([B3[0] - ALPHA * DELTA3], abs=1e-9)
    assert [r[0] for r in layers["2"]["dZ"]] == pytest.approx(DELTA2, abs=1e-9)
    assert [r[0] for r in layers["1"]["dZ"]] == pytest.approx(DELTA1, abs=1e-9)
    assert flat(layers["1"]["W_new"]) == pytest.approx(flat(W1_NEW), abs=1e-9)
    assert layers["1"]["b_new"] == pytest.approx(B1_NEW, abs=1e-9)
    assert d["lr"] == ALPHA and d["m"] == 1 and d["step"] == 1


def test_markdown_output_has_tables():
    result = backprop("explain", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "| j | i=1 |" in lines and "|---|---:|" in lines
    rows = [line for line in lines if line.startswith("| ") and line.endswith(" |")]
    assert len(rows) > 40
    assert any(line.startswith("#") for line in lines)


def test_latex_output_has_balanced_environments():
    result = backprop("explain", "--format", "latex", "--digits", "4")
    assert result.returncode == 0, result.stderr
    tex = result.stdout
    assert tex.count(r"\begin{pmatrix}") == tex.count(r"\end{pmatrix}") > 10
    assert tex.count(r"\begin{align*}") == tex.count(r"\end{align*}") >= 4
    assert r"\delta^{[3]}" in tex and "0.8159" in tex


def test_digits_controls_the_precision_shown():
    result = backprop("explain", "--digits", "3")
    assert result.returncode == 0, result.stderr
    assert table(result.stdout, "Ŷ = A^[3]") == [[0.816]]   # the notes' own rounding


def test_two_steps_show_the_loss_falling():
    result = backprop("explain", "--steps", "2")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Step 1: network 2-2-2-1" in text and "Step 2: network 2-2-2-1" in text
    summary = text.strip().splitlines()[-1]
    assert summary.startswith("Loss per step:")
    first, second = (float(v) for v in summary.split(":")[1].split("(")[0].split("→"))
    assert first == pytest.approx(LOSS, rel=1e-5)
    assert second < first


def test_two_steps_in_json_chain_the_updates():
    result = backprop("explain", "--steps", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    assert (first["step"], second["step"]) == (1, 2)
    for l in ("1", "2", "3"):   # step 2 starts from step 1's θ − α∇L
        assert second["layers"][l]["W"] == first["layers"][l]["W_new"]
        assert second["layers"][l]["b"] == first["layers"][l]["b_new"]
    # The second forward pass by hand, from the updated parameters.
    new = [(first["layers"][l]["W_new"], first["layers"][l]["b_new"]) for l in ("1", "2", "3")]
    a1 = layer(*new[0], X, relu)
    a2 = layer(*new[1], a1, relu)
    y_hat = layer(*new[2], a2, sigmoid)[0]
    assert second["loss"] == pytest.approx(-math.log(y_hat), abs=1e-12)
    assert second["loss"] < first["loss"]


def test_lr_and_loss_options_override_the_file():
    result = backprop("explain", "--format", "json", "--lr", "0.5", "--loss", "mse")
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    assert d["lr"] == 0.5 and d["loss_function"] == "mse"
    assert d["loss"] == pytest.approx((Y_HAT - 1.0) ** 2, abs=1e-12)
    delta3 = 2 * (Y_HAT - 1.0) * Y_HAT * (1 - Y_HAT)      # ∂L/∂a · σ'(z)
    assert d["layers"]["3"]["b_new"] == pytest.approx([B3[0] - 0.5 * delta3], abs=1e-12)


def test_first_seed_by_bare_example_name_keeps_the_tiny_gradient():
    result = backprop("explain", "--network", "saturated_111", "--format", "json")
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    # C = (σ(50) − 0)², ∂C/∂w = 2σ(50)·σ(50)σ(−50)·62.5 ≈ 2.4109e-20, not 0.
    s, s_minus = sigmoid(50.0), math.exp(-50.0) / (1.0 + math.exp(-50.0))
    expected = 2 * s * (s * s_minus) * 62.5
    assert d["layers"]["2"]["dW"][0][0] == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(2.4109e-20, rel=1e-4)
    text = backprop("explain", "--network", "saturated_111.json").stdout
    assert "Network: example saturated_111" in text


def test_network_file_with_a_mini_batch(tmp_path):
    spec = {"weights": [[[1.0, -1.0]]], "biases": [[0.5]], "activations": ["linear"],
            "inputs": [[1.0, 2.0], [3.0, 1.0]], "targets": [0.0, 1.0], "loss": "half_mse",
            "lr": 0.1}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(spec))
    result = backprop("explain", "--network", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    z = [1.0 - 2.0 + 0.5, 3.0 - 1.0 + 0.5]               # −0.5, 2.5
    errors = [z[0] - 0.0, z[1] - 1.0]                     # δᵢ = ŷᵢ − yᵢ for ½(ŷ − y)²
    assert d["m"] == 2
    assert d["loss"] == pytest.approx((0.5 * errors[0] ** 2 + 0.5 * errors[1] ** 2) / 2)
    assert d["layers"]["1"]["dZ"] == [pytest.approx(errors)]
    dW = [(errors[0] * 1.0 + errors[1] * 3.0) / 2, (errors[0] * 2.0 + errors[1] * 1.0) / 2]
    assert d["layers"]["1"]["dW"][0] == pytest.approx(dW)


def test_a_network_file_without_lr_shows_no_update(tmp_path):
    spec = json.loads((EXAMPLES / "lecture_2221.json").read_text())
    del spec["lr"]
    path = tmp_path / "no_lr.json"
    path.write_text(json.dumps(spec))
    result = backprop("explain", "--network", path)
    assert result.returncode == 0, result.stderr
    assert "δ^[3] = ∂Lᵢ/∂Z^[3]" in result.stdout and "− α ∂L/∂W" not in result.stdout
    # Where the update would be, one line says why there is none.
    assert result.stdout.rstrip().endswith('== Update ==\n\nNo update θ − α ∂L/∂θ: no learning '
                                           'rate α was given (the network file has no "lr"; '
                                           'give one with `--lr`, or `explain_step(..., lr=α)`).')
    graph = tmp_path / "graph.svg"
    one_error_line(backprop("explain", "--network", path, "--steps", "2", "--graph", graph),
                   "learning rate", "--lr")
    assert not graph.exists()          # bad input is found before any file is written


# --- pictures ---------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_graph_and_diagram_files_are_written(tmp_path, suffix):
    graph, diagram = tmp_path / f"graph{suffix}", tmp_path / f"net{suffix}"
    result = backprop("explain", "--graph", graph, "--diagram", diagram)
    assert result.returncode == 0, result.stderr
    for path in (graph, diagram):
        data = path.read_bytes()
        if suffix == ".svg":
            assert b"<svg" in data and data.rstrip().endswith(b"</svg>")
        else:
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    if suffix == ".svg":
        svg = graph.read_text()
        assert "x_1" in svg and "z^[3]_1" in svg      # every value drawn, labelled
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def wide_network(path, width, hidden, w2):
    """A network file 2-width-width-1 at ``path`` (hidden activation, layer-2 weights w2)."""
    spec = {"weights": [[[0.1, 0.2]] * width, [[w2] * width] * width, [[0.1] * width]],
            "biases": [[0.0] * width, [0.0] * width, [0.0]],
            "activations": [hidden, hidden, "sigmoid"], "inputs": [0.5, 1.0],
            "targets": 1.0, "loss": "bce", "lr": 0.1}
    path.write_text(json.dumps(spec))
    return path


def test_large_graph_is_collapsed_by_neuron(tmp_path):
    net = wide_network(tmp_path / "wide.json", 12, "tanh", 0.05)
    full, collapsed = tmp_path / "full.svg", tmp_path / "auto.svg"
    assert backprop("explain", "--network", net, "--graph", full,
                    "--collapse", "none").returncode == 0
    assert backprop("explain", "--network", net, "--graph", collapsed).returncode == 0
    # One box per neuron folds its 2 (or 12) weights and bias into the neuron's box.
    assert full.read_text().count("<g id=\"node") > 2 * collapsed.read_text().count(
        "<g id=\"node")


def test_pictures_too_large_to_lay_out_are_refused_with_the_option_to_use(tmp_path):
    # 2-80-80-1, 6,400 weights: more boxes and edges than a legible picture holds
    net = wide_network(tmp_path / "huge.json", 80, "relu", 0.01)
    graph = backprop("explain", "--network", net, "--graph", tmp_path / "g.svg",
                     "--collapse", "none")
    assert graph.returncode == 2 and "--collapse layer" in graph.stderr
    diagram = backprop("explain", "--network", net, "--diagram", tmp_path / "d.svg")
    assert diagram.returncode == 2 and "explain a smaller network" in diagram.stderr
    for result in (graph, diagram):
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.json"]   # nothing written
    # The default (--collapse auto) groups the same graph and draws it.
    assert backprop("explain", "--network", net, "--graph", tmp_path / "g.svg").returncode == 0


# --- --check --------------------------------------------------------------------------

def test_check_accepts_our_own_json(tmp_path):
    mine = tmp_path / "mine.json"
    mine.write_text(backprop("explain", "--format", "json").stdout)
    result = backprop("explain", "--check", mine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "agree" in result.stdout


def test_check_reports_an_edited_entry_with_both_values(tmp_path):
    d = json.loads(backprop("explain", "--format", "json").stdout)
    wrong = copy.deepcopy(d)
    wrong["layers"]["3"]["dZ"][0][0] = -0.25
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong))
    result = backprop("explain", "--check", path)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("layers.")]
    assert len(rows) == 1 and rows[0].startswith("layers.3.dZ[j=1,i=1]")
    hand, library = (float(v) for v in rows[0].split()[1:3])
    assert hand == -0.25 and library == pytest.approx(DELTA3, rel=1e-9)
    assert "1 of " in result.stdout


def test_check_uses_tolerances(tmp_path):
    hand = tmp_path / "rounded.json"
    hand.write_text(json.dumps({"loss": 0.2, "layers": {"3": {"delta": -0.184}}}))
    # 0.2 vs 0.2034 is 1.7% off: outside the default rtol, inside rtol 0.05.
    assert backprop("explain", "--check", hand).returncode == 1
    assert backprop("explain", "--check", hand, "--rtol", "0.05").returncode == 0
    assert backprop("explain", "--check", hand, "--rtol", "0", "--atol", "0.01").returncode == 0


def test_check_grades_the_seeds_hand_files():
    assert backprop("explain", "--check", "lecture_2221_hand").returncode == 0
    result = backprop("explain", "--network", "zero_init_111",
                      "--check", "zero_init_111_hand")
    assert result.returncode == 1
    y_hat = next(line for line in result.stdout.splitlines() if line.startswith("Y_hat"))
    assert y_hat.split()[1:3] == ["0", "0.5"]          # the seed says f(2) = 0; it is σ(0)


def test_check_picks_the_step_of_a_multi_step_file(tmp_path):
    both = tmp_path / "two.json"
    both.write_text(backprop("explain", "--steps", "2", "--format", "json").stdout)
    result = backprop("explain", "--check", both)
    assert result.returncode == 0, result.stdout + result.stderr
    second = json.loads(both.read_text())[1]
    only_second = tmp_path / "second.json"
    only_second.write_text(json.dumps({"step": 2, "loss": second["loss"]}))
    assert backprop("explain", "--check", only_second).returncode == 0
    only_second.write_text(json.dumps({"step": 1, "loss": second["loss"]}))
    assert backprop("explain", "--check", only_second).returncode == 1


# --- bad input: one line, exit 2, no traceback ---------------------------------------------

def _seed_with(tmp_path, name, change):
    spec = json.loads((EXAMPLES / "lecture_2221.json").read_text())
    change(spec)
    path = tmp_path / name
    path.write_text(json.dumps(spec))
    return path


def test_missing_network_file():
    one_error_line(backprop("explain", "--network", "nowhere.json"), "nowhere.json",
                   "no such network file")


def test_invalid_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"weights": [[[0.1, 0.2]],\n  oops}')
    one_error_line(backprop("explain", "--network", path), "broken.json", "invalid JSON",
                   "line 2")


def test_row_too_wide_for_its_layer(tmp_path):
    path = _seed_with(tmp_path, "wide.json",
                      lambda s: s["weights"][1].__setitem__(0, [0.5, 0.6, 0.7]))
    one_error_line(backprop("explain", "--network", path), "wide.json", "layer 2 row 1",
                   "3 numbers")


def test_first_layer_row_that_does_not_fit_the_inputs(tmp_path):
    path = _seed_with(tmp_path, "inputs.json",
                      lambda s: s["weights"].__setitem__(0, [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]]))
    one_error_line(backprop("explain", "--network", path), "inputs.json", "3 inputs")


def test_unknown_activation(tmp_path):
    path = _seed_with(tmp_path, "act.json", lambda s: s["activations"].__setitem__(1, "swish"))
    one_error_line(backprop("explain", "--network", path), "layer 2", "'swish'", "relu")


def test_unknown_loss_in_file_and_option(tmp_path):
    path = _seed_with(tmp_path, "loss.json", lambda s: s.__setitem__("loss", "l7"))
    one_error_line(backprop("explain", "--network", path), "unknown loss 'l7'", "bce")
    one_error_line(backprop("explain", "--loss", "l7"), "--loss", "'l7'")


def test_target_outside_the_loss_domain(tmp_path):
    path = _seed_with(tmp_path, "target.json", lambda s: s.__setitem__("targets", 2.0))
    one_error_line(backprop("explain", "--network", path), "target.json", "sample 1", "2.0")
    one_error_line(backprop("explain", "--loss", "hinge", "--network", "saturated_111"),
                   "--loss hinge", "-1 or +1")


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_a_loss_on_logits_after_a_sigmoid_output_is_refused_naming_the_fix(engine):
    # Silently, σ would be applied twice: L = 0.36619 instead of 0.203429.
    one_error_line(backprop("explain", "--loss", "bce_with_logits", "--engine", engine),
                   "--loss bce_with_logits", "the output layer is 'sigmoid'",
                   "expects logits and applies sigmoid itself", "use 'bce'",
                   "or a 'linear' output layer")
    one_error_line(backprop("explain", "--loss", "cross_entropy", "--engine", engine),
                   "expects logits and applies softmax itself", "'linear' output layer")


@pytest.mark.parametrize("loss, what", [("cross_entropy", "logits"),
                                        ("categorical_cross_entropy", "probabilities")])
def test_a_loss_over_classes_on_one_output_gives_a_reason_not_a_repr(tmp_path, loss, what):
    def one_output(spec):
        spec.update(weights=[[[0.5, -0.3]]], biases=[[0.1]], targets=1, loss=loss,
                    activations=["softmax" if what == "probabilities" else "linear"])
    path = _seed_with(tmp_path, "one.json", one_output)
    line = one_error_line(backprop("explain", "--network", path), f"{what} must be a list",
                          "one per class", "got one Value (a network with one output",
                          "use 'bce_with_logits' on a linear output or 'bce' on a sigmoid "
                          "output")
    assert "Value(" not in line


@pytest.mark.parametrize("args, fragments", [
    (["--lr", "-0.1"], ["--lr", "-0.1"]),
    (["--lr", "zero"], ["--lr", "zero"]),
    (["--steps", "0"], ["--steps", "'0'"]),
    (["--format", "xml"], ["--format", "'xml'"]),
    (["--digits", "40"], ["--digits", "40"]),
    (["--rtol", "-1"], ["--rtol"]),
    (["--graph", "graph.pdf"], ["--graph", ".pdf"]),
    (["--diagram", "net"], ["--diagram", "no extension"]),
    (["--graph", "/no/such/dir/graph.svg"], ["--graph", "/no/such/dir", "does not exist"]),
    (["--check", "nowhere.json"], ["nowhere.json", "no such hand-derived file"]),
    (["--network", "lecture_2221_hand"], ["no such network file"]),
    (["--frobnicate"], ["--frobnicate"]),
])
def test_bad_options(args, fragments):
    one_error_line(backprop("explain", *args), *fragments)


def test_bad_hand_files(tmp_path):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps({"layers": {"4": {"delta": 1.0}}}))
    one_error_line(backprop("explain", "--check", path), "hand.json", "'4'")
    path.write_text(json.dumps({"layers": {"1": {"W": [[0.1, 0.2, 0.3]]}}}))
    one_error_line(backprop("explain", "--check", path), "layer 1", "'W' is", "another network")
    path.write_text("[1, 2]")
    one_error_line(backprop("explain", "--check", path), "JSON object")


def test_no_command_and_unknown_command():
    one_error_line(backprop(), "choose a command")
    one_error_line(backprop("explode"), "'explode'")


# --- examples, help, entry point --------------------------------------------------------

@pytest.mark.parametrize("args", [["examples"], ["--list-examples"], ["explain", "--list-examples"]])
def test_examples_are_listed(args):
    result = backprop(*args)
    assert result.returncode == 0, result.stderr
    for name in ("lecture_2221", "saturated_111", "zero_init_111", "lecture_2221_hand"):
        assert f"  {name}" in result.stdout
    assert "2-2-2-1" in result.stdout and "the default" in result.stdout


@pytest.mark.parametrize("command, options", [
    ([], ["explain", "examples", "train", "--list-examples"]),
    (["explain"], ["--network", "--lr", "--loss", "--format", "--digits", "--steps", "--graph",
                   "--collapse", "--diagram", "--check", "--rtol", "--atol"]),
])
def test_help_documents_every_option_with_examples(command, options):
    result = backprop(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "examples:" in result.stdout
    for option in options:
        assert option in result.stdout


def test_entry_points_are_declared():
    # Both light modules outside the library, which they load only when needed.
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts.get("backprop") == "backproplab.console:main"
    plugins = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert plugins.get("backproplab") == "backproplab.pytest_plugin"


# --- train ------------------------------------------------------------------------------

def _final_accuracies(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("Final:"))
    return [float(part.split("accuracy")[1].strip(" %")) for part in line.split(";")]


def test_train_writes_both_pictures_reports_accuracy_and_saves(tmp_path):
    from nn.data import train_val_split, xor
    from nn.serialize import load_mlp
    from nn.train import accuracy

    result = backprop("train", "--dataset", "xor", "--samples", "40", "--hidden", "4",
                      "--epochs", "3", "--batch-size", "8", "--seed", "3",
                      "--plot-dir", "pictures", "--save", "model.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "fit:" in result.stderr and "3/3" in result.stderr        # the tqdm bar
    for name in ("xor_history.png", "xor_boundary.png"):
        assert (tmp_path / "pictures" / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    train_acc, val_acc = _final_accuracies(result.stdout)
    # The saved model is the trained one: its accuracy on the same split is what was printed.
    model = load_mlp(tmp_path / "model.json")
    assert model.sizes == [2, 4, 1] and model.activations == ["relu", "linear"]
    X, y = xor(40, seed=3)
    (X_train, y_train), (X_val, y_val) = train_val_split(X, y, 0.2, seed=3)
    assert train_acc == pytest.approx(100 * accuracy(model, X_train, y_train,
                                                     loss="bce_with_logits"), abs=0.05)
    assert val_acc == pytest.approx(100 * accuracy(model, X_val, y_val,
                                                   loss="bce_with_logits"), abs=0.05)


def test_train_multiclass_with_named_svg_pictures(tmp_path):
    history, boundary = tmp_path / "loss.svg", tmp_path / "regions.svg"
    result = backprop("train", "--dataset", "spirals", "--classes", "3", "--samples", "30",
                      "--hidden", "3", "--epochs", "2", "--quiet", "--val-fraction", "0",
                      "--history-plot", history, "--boundary-plot", boundary)
    assert result.returncode == 0, result.stderr
    assert "fit:" not in result.stderr                                # --quiet: no bar
    assert len(_final_accuracies(result.stdout)) == 1                 # no validation part
    for path in (history, boundary):
        assert path.read_text().rstrip().endswith("</svg>")


def test_train_hinge_maps_labels_and_no_plots_writes_nothing(tmp_path):
    result = backprop("train", "--dataset", "moons", "--samples", "20", "--hidden", "3",
                      "--epochs", "2", "--loss", "hinge", "--optimizer", "sgd", "--quiet",
                      "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert all(0 <= a <= 100 for a in _final_accuracies(result.stdout))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, fragments", [
    (["--dataset", "mnist"], ["--dataset", "'mnist'"]),
    (["--hidden", "16,x"], ["--hidden", "16,x"]),
    (["--activation", "swish"], ["--activation", "'swish'"]),
    (["--loss", "l7"], ["--loss", "'l7'"]),
    (["--dataset", "spirals", "--loss", "hinge"], ["hinge", "3 classes", "cross_entropy"]),
    (["--classes", "4"], ["--classes", "moons"]),
    (["--optimizer", "lbfgs"], ["--optimizer", "'lbfgs'"]),
    (["--lr", "-1"], ["--lr", "-1"]),
    (["--epochs", "0"], ["--epochs", "'0'"]),
    (["--batch-size", "0"], ["--batch-size"]),
    (["--val-fraction", "1.5"], ["--val-fraction", "1.5"]),
    (["--save", "model.txt"], ["--save", ".json"]),
    (["--save", "/no/such/dir/m.json"], ["--save", "does not exist"]),
    (["--boundary-plot", "b.jpg"], ["--boundary-plot", ".jpg"]),
    (["--plot-dir", "/proc/no/such"], ["--plot-dir", "/proc/no/such"]),
])
def test_train_bad_options(args, fragments, tmp_path):
    one_error_line(backprop("train", "--epochs", "1", "--samples", "10", "--quiet", *args,
                            cwd=tmp_path),
                   *fragments)


def test_train_help_documents_every_option():
    result = backprop("train", "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    for option in ("--dataset", "--samples", "--noise", "--classes", "--hidden", "--activation",
                   "--init", "--loss", "--optimizer", "--lr", "--l2", "--epochs", "--batch-size",
                   "--val-fraction", "--seed", "--quiet", "--plot-dir", "--plot-format",
                   "--history-plot", "--boundary-plot", "--no-plots", "--save"):
        assert option in result.stdout
