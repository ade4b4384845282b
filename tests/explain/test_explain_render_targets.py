"""Every format shows what L compared Ŷ with (the targets Y), and a step without a learning
rate says so where its update would be."""

import json

import pytest

from nn.explain import Derivation, explain_step
from nn.explain.render import NO_UPDATE, render, to_json, to_latex, to_markdown, to_text
from nn.layers import MLP

from nn.cli.main import main

from explain_cases import EXAMPLES, batch, walkthrough  # noqa: F401  (fixtures)


def table(text, title):
    """The rows of the text table under the line ``title``: [[cell, …], …] after the header."""
    lines = text.splitlines()
    start = lines.index(title) + 2
    rows = []
    for line in lines[start:]:
        if not line:
            break
        rows.append(line.split())
    return rows


def test_text_shows_the_target_between_the_prediction_and_the_loss(walkthrough):
    out = to_text(walkthrough)
    loss = out[out.index("== Loss =="):out.index("== Backward pass ==")]
    assert loss.index("Ŷ = A^[3]") < loss.index("Y (targets)") < loss.index("Lᵢ (bce)")
    assert table(out, "Y (targets)") == [["1", "1"]]            # row j = 1: y = 1 for sample 1


def test_a_batch_shows_one_target_per_sample(batch):
    assert table(to_text(batch), "Y (targets)") == [["1", "1", "0", "1"]]


def test_several_outputs_show_y_as_n_L_by_m_like_y_hat():
    model = MLP.from_weights([[[0.1, 0.2], [0.3, -0.4]]], [[0.0, 0.1]], ["sigmoid"])
    d = explain_step(model, [[1, 2], [0.5, -1]], [[1, 0], [0.25, 1]], loss="bce")
    # Column i is sample i: (1, 0) and (0.25, 1).
    assert table(to_text(d), "Y (targets)") == [["1", "1", "0.25"], ["2", "0", "1"]]
    markdown = to_markdown(d)
    assert "**Y (targets)**\n\n| j | i=1 | i=2 |\n|---|---:|---:|\n| 1 | 1 | 0.25 |\n| 2 | 0 | 1 |" \
        in markdown


def test_class_targets_are_shown_as_0_based_indices():
    model = MLP.from_weights([[[0.1, 0.2], [0.3, -0.4], [0.5, 0.1]]], [[0.0, 0.1, 0.0]],
                             ["linear"])
    d = explain_step(model, [[1, 2], [0.5, -1]], [2, 0], loss="cross_entropy")
    assert table(to_text(d), "Y (class indices c, 0-based)") == [["1", "2", "0"]]
    assert r"\mathbf{c} &= \begin{pmatrix} 2 & 0 \end{pmatrix}" in to_latex(d)


def test_markdown_latex_and_json_show_the_target(walkthrough):
    assert "**Y (targets)**\n\n| j | i=1 |\n|---|---:|\n| 1 | 1 |" in to_markdown(walkthrough)
    latex = to_latex(walkthrough)
    assert r"\hat{\mathbf{Y}} &= \mathbf{A}^{[3]} = 0.815928 \\" + "\n  " + \
        r"\mathbf{Y} &= 1 \\" in latex
    assert json.loads(to_json(walkthrough))["Y"] == [1.0]


def test_a_derivation_read_back_from_json_shows_its_target(batch):
    again = Derivation.from_dict(json.loads(to_json(batch)))
    assert table(render(again), "Y (targets)") == [["1", "1", "0", "1"]]


@pytest.fixture(scope="module")
def without_lr():
    model = MLP.from_weights([[[0.3, -0.2], [0.8, 0.4]], [[1.5, -1.0]]], [[0.1, 0.0], [0.2]],
                             ["tanh", "sigmoid"])
    return explain_step(model, [1.0, 2.0], 1, loss="bce")


def test_without_lr_each_format_says_so_where_the_update_would_be(without_lr):
    text = to_text(without_lr)
    assert text.endswith(f"== Update ==\n\n{NO_UPDATE}\n")
    assert text.index("== Backward pass ==") < text.index("== Update ==")
    assert to_markdown(without_lr).endswith(f"### Update\n\n*{NO_UPDATE}*\n")
    assert to_latex(without_lr).endswith(f"\\end{{align*}}\n\n% {NO_UPDATE}\n")
    document = json.loads(to_json(without_lr))
    assert document["lr"] is None and "W_new" not in document["layers"]["1"]
    assert NO_UPDATE.startswith("No update θ − α ∂L/∂θ: no learning rate α was given")


def test_with_lr_there_is_no_such_line(walkthrough):
    for renderer in (to_text, to_markdown, to_latex):
        assert NO_UPDATE not in renderer(walkthrough)


@pytest.mark.parametrize("format", ["text", "markdown", "latex"])
def test_the_command_says_why_a_network_file_without_lr_has_no_update(format, tmp_path, capsys):
    spec = json.loads((EXAMPLES / "lecture_2221.json").read_text())
    del spec["lr"]
    path = tmp_path / "no_lr.json"
    path.write_text(json.dumps(spec))
    assert main(["explain", "--network", str(path), "--format", format]) == 0
    assert NO_UPDATE in capsys.readouterr().out
    assert main(["explain", "--network", str(path), "--lr", "0.1", "--format", format]) == 0
    with_lr = capsys.readouterr().out
    assert NO_UPDATE not in with_lr and "0.911228" in with_lr
