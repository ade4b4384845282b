"""``backprop check-formula``: the issue's commands, exit statuses, one-line errors, and the
README's output, which must be what the command prints."""

import json
import re
import shlex
from pathlib import Path

import pytest

from bounded import backprop
from nn.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def run(capsys, *args):
    status = main(["check-formula", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _readme_commands():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Checking a formula", 1)[1].split("\n## ", 1)[0]
    found = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


README_COMMANDS = _readme_commands()


def test_the_readme_shows_the_issues_three_commands_and_the_failing_one():
    commands = [c for c, _ in README_COMMANDS]
    for expected in ('backprop check-formula "σ(z)(1−σ(z))" --of "sigmoid(z)" --wrt z',
                     'backprop check-formula "yhat - y" --of "bce(sigmoid(z), y)" --wrt z',
                     'backprop check-formula "(1 - tanh(w*z + b)^2) * w" --of "tanh(w*z + b)" '
                     '--wrt z',
                     'backprop check-formula "(1 - tanh(z)^2) * w" --of "tanh(w*z + b)" --wrt z'):
        assert expected in commands


@pytest.mark.parametrize("command, output", README_COMMANDS, ids=[c for c, _ in README_COMMANDS])
def test_the_readme_output_is_what_the_command_prints(command, output, capsys):
    argv = shlex.split(command)
    assert argv[:2] == ["backprop", "check-formula"]
    status, out, err = run(capsys, *argv[2:])
    assert out == output
    assert status == (1 if output.startswith("✗") else 0) and not err


def test_the_real_command_in_a_subprocess(tmp_path):
    ok = backprop("check-formula", "σ(z)(1−σ(z))", "--of", "sigmoid(z)", "--wrt", "z",
                  cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("✓ σ(z)·(1 − σ(z)) = ∂/∂z σ(z)")
    wrong = backprop("check-formula", "(1 - tanh(z)^2) * w", "--of", "tanh(w*z + b)",
                     "--wrt", "z", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "(missing_inner_argument)" in wrong.stdout
    hostile = backprop("check-formula", "__import__('os').system('touch pwned')", "--of",
                       "sigmoid(z)", "--wrt", "z", cwd=tmp_path)
    assert hostile.returncode == 2 and hostile.stdout == ""
    assert hostile.stderr == ("backprop: error: formula: a name cannot start with '_' (names are "
                              "letters and digits, e.g. z or W2) at column 1\n")
    assert not (tmp_path / "pwned").exists()


BAD = {
    "unreadable formula": (["σ(z", "--of", "sigmoid(z)", "--wrt", "z"], "formula: σ( at column 2 "
                                                                        "is not closed"),
    "unreadable of": (["1", "--of", "sigmoid(z", "--wrt", "z"], "of: sigmoid( at column 8 is "
                                                               "not closed"),
    "wrt not a variable": (["1", "--of", "z", "--wrt", "x"], "of: wrt must be one of its "
                                                             "variables (z), got 'x'"),
    "of without wrt": (["1", "--of", "z"], "--of needs --wrt"),
    "wrt without of": (["1", "--wrt", "z"], "--wrt, --let, --f and --domain go with --of"),
    "bad let": (["u", "--of", "z", "--wrt", "z", "--let", "u"], "must be NAME=EXPRESSION"),
    "bad domain": (["1", "--of", "z", "--wrt", "z", "--domain", "z=1"], "must be NAME=LOW:HIGH"),
    "huge power": (["9**9**9", "--of", "z", "--wrt", "z"], "the exponent 9^9 = 3.8742e+08 is "
                                                          "larger than 100"),
    "layer formula without quantity": (["W2.T @ d2"], "say which quantity the formula gives"),
    "unknown activation": (["δ^[L] = A^[L] − Y", "--activation", "swish"],
                           "activation must be an element-wise activation"),
}


@pytest.mark.parametrize("args, message", BAD.values(), ids=BAD)
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    status, out, err = run(capsys, *args)
    assert status == 2 and out == ""
    assert err.startswith("backprop: error: ") and err.count("\n") == 1
    assert message in err


def test_let_domain_f_points_and_seed(capsys):
    status, out, _ = run(capsys, "u > 0", "--of", "relu(w*x + b)", "--wrt", "b",
                         "--let", "u=w*x + b")
    assert status == 0 and "where u = w·x + b" in out
    status, out, _ = run(capsys, "1/(2√x)", "--of", "sqrt(x)", "--wrt", "x", "--domain",
                         "x=4:9", "--points", "5", "--seed", "3")
    assert status == 0 and "equal at 5 random points (x in [4, 9])" in out
    status, out, _ = run(capsys, "f'(z)", "--of", "z*sigmoid(z)", "--wrt", "z", "--f", "tanh")
    assert status == 1


def test_table_and_json(capsys):
    status, out, _ = run(capsys, "y - yhat", "--of", "bce(sigmoid(z), y)", "--wrt", "z",
                         "--table")
    assert status == 1
    assert "pass when |engine − formula| ≤ atol" in out and out.count("✗ z = ") >= 20
    status, out, _ = run(capsys, "y - yhat", "--of", "bce(sigmoid(z), y)", "--wrt", "z",
                         "--format", "json")
    record = json.loads(out)
    assert status == 1 and record["slip"]["code"] == "error_sign" and record["ok"] is False


def test_layer_formulas_on_the_command_line(capsys):
    status, out, _ = run(capsys, "W2.T @ d2 * (z1 > 0)", "--quantity", "δ^[1]")
    assert status == 0 and out.startswith("✓ (W2ᵀ @ d2) ⊙ (z1 > 0) = the engine's δ^[1]")
    status, out, _ = run(capsys, "δ^[L] = (A^[L] − Y) ⊙ f′(Z^[L])", "--loss", "half_mse")
    assert status == 0
    status, out, _ = run(capsys, "∂L/∂W^[l] = δ^[l] (A^[l−1])ᵀ")
    assert status == 1 and "(missing_batch_mean)" in out


def test_the_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "check-formula" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["check-formula", "--help"])
    assert "backprop check-formula \"σ(z)(1−σ(z))\"" in capsys.readouterr().out
