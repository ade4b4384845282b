"""Renderers of a Derivation: text, Markdown, LaTeX, JSON."""

import json
import re

import pytest

from nn.explain import Derivation, explain_step
from nn.explain.check import compare
from nn.explain.render import FORMATS, render, to_json, to_latex, to_markdown, to_text
from nn.explain.network_file import load_network

from explain_cases import EXAMPLES, batch, walkthrough  # noqa: F401  (fixtures)


def every_number(d):
    """Every float of the derivation, walking its dict."""
    found = []

    def walk(x):
        if isinstance(x, float):
            found.append(x)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, dict):
            for k, v in x.items():
                if k not in ("lr", "version", "m", "step"):
                    walk(v)
    walk(d.to_dict())
    return found


@pytest.mark.parametrize("renderer", [to_text, to_markdown])
@pytest.mark.parametrize("which", ["walkthrough", "batch"])
def test_text_and_markdown_contain_every_number(renderer, which, request):
    d = request.getfixturevalue(which)
    out = renderer(d, digits=5)
    cells = set(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", out))
    for x in every_number(d):
        shown = "0" if x == 0 else f"{x:.5g}"   # −0.0 is shown as 0
        assert shown in cells, x


def test_text_shows_the_walkthrough_values_and_the_delta_convention(walkthrough):
    out = to_text(walkthrough, digits=4)
    for snippet in ("Z^[2] = W^[2] A^[1] + b^[2]", "0.61", "0.79", "1.489", "0.8159",
                    "-0.1841", "0.9112", "δ^[1] = ∂Lᵢ/∂Z^[1]", "per sample",
                    "(1/m) δ^[l] (A^[l−1])ᵀ", "== Update (gradient descent, α = 0.1) =="):
        assert snippet in out, snippet


def test_digits_option(walkthrough):
    assert "0.816" in render(walkthrough, "text", digits=3)
    assert "0.8159" not in render(walkthrough, "text", digits=3)
    assert "0.81592813" in render(walkthrough, "text", digits=8)
    rounded = json.loads(render(walkthrough, "json", digits=3))
    assert rounded["Y_hat"] == [[0.816]] and rounded["lr"] == 0.1


def test_markdown_tables_are_well_formed(batch):
    lines = to_markdown(batch).splitlines()
    tables = 0
    i = 0
    while i < len(lines):
        if lines[i].startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            tables += 1
            widths = {line.count("|") for line in block}
            assert len(widths) == 1, block                      # same column count
            assert all(line.endswith("|") for line in block)
            assert re.fullmatch(r"\|(---:?\|)+", block[1]), block[1]
            assert len(block) >= 3                              # header, rule, ≥ 1 row
            assert lines[i - len(block) - 1] == ""              # blank line before a table
        i += 1
    # Forward: A0 + 4 per layer; loss 4 (Ŷ, Y, Lᵢ, L); backward 5 + m per layer; update 2
    # per layer.
    assert tables == 1 + 4 * 2 + 4 + (5 + 3) * 2 + 2 * 2


def test_latex_environments_balance_and_use_the_lecture_notation(walkthrough, batch):
    for d in (walkthrough, batch):
        out = to_latex(d)
        stack = []
        for kind, name in re.findall(r"\\(begin|end)\{(\w+\*?)\}", out):
            if kind == "begin":
                stack.append(name)
            else:
                assert stack and stack.pop() == name
        assert not stack
        assert out.count("{") == out.count("}")
    out = to_latex(walkthrough, digits=3)
    assert (r"\mathbf{Z}^{[1]} &= \mathbf{W}^{[1]}\mathbf{A}^{[0]} + \mathbf{b}^{[1]} = "
            r"\begin{pmatrix} 0.3 \\ 0.6 \end{pmatrix}") in out
    assert r"\mathbf{W}^{[3]} &= \begin{pmatrix} 0.9 & 1 \end{pmatrix}" in out
    assert r"\delta^{[3]}" in out and r"\odot f'(\mathbf{Z}^{[3]})" in out


def test_latex_writes_powers_of_ten():
    model, X, Y, loss, lr = load_network(EXAMPLES / "saturated_111.json")
    out = to_latex(explain_step(model, X, Y, loss=loss, lr=lr), digits=5)
    assert r"2.4109 \times 10^{-20}" in out
    assert "e-20" not in out


@pytest.mark.parametrize("which", ["walkthrough", "batch"])
def test_json_round_trips_and_compares_clean(which, request):
    d = request.getfixturevalue(which)
    text = to_json(d)
    data = json.loads(text)
    assert Derivation.from_dict(data) == d
    assert compare(d, data, rtol=0.0, atol=0.0) == []
    assert render(d, "json") == text


def test_render_rejects_unknown_format_and_bad_digits(walkthrough):
    with pytest.raises(ValueError, match="unknown format 'html'; known formats: text, markdown"):
        render(walkthrough, "html")
    with pytest.raises(ValueError, match="digits must be an integer from 1 to 17, got 0"):
        render(walkthrough, "text", digits=0)
    assert set(FORMATS) == {"text", "markdown", "latex", "json"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_accepts_the_dict_form_and_rejects_other_things(walkthrough, fmt):
    assert render(walkthrough.to_dict(), fmt) == render(walkthrough, fmt)
    with pytest.raises(TypeError, match="needs a Derivation .* got list"):
        render([walkthrough], fmt)
