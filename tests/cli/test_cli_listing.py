"""``backprop`` with no command, and ``--help``, list every subcommand: the listing is read
from the parser, and compared here with the subcommands the modules of ``nn.cli`` register,
so a new command cannot be left out of it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import nn.cli
from nn.cli.main import build_parser, command_names

CLI_DIR = Path(nn.cli.__file__).parent


def registered_in_source():
    """The names every ``commands.add_parser("NAME", …)`` in nn/cli/*.py registers: each
    module adds its command to the ``commands`` it is given (a command's own actions, such
    as ``gradescope build``, hang from its parser under another name)."""
    names = set()
    for module in CLI_DIR.glob("*.py"):
        names.update(re.findall(r"\bcommands\.add_parser\(\s*\"([^\"]+)\"",
                                module.read_text(encoding="utf-8")))
    return names


def run(*command):
    return subprocess.run([sys.executable, *command], capture_output=True, text=True,
                          timeout=120)


def test_the_parser_registers_every_subcommand_a_module_defines():
    names = command_names(build_parser())
    assert len(names) == len(set(names))
    assert set(names) == registered_in_source()
    assert {"explain", "examples", "train", "exercise", "grade", "check-formula", "gradescope",
            "check-answers", "prairielearn"} <= set(names)


@pytest.mark.parametrize("command", [
    ["-m", "nn"],
    ["-c", "import sys; from backproplab.console import main; sys.exit(main())"],
], ids=["python -m nn", "the backprop console script"])
def test_no_command_lists_every_subcommand_in_the_parsers_order(command):
    result = run(*command)
    assert result.returncode == 2 and not result.stdout
    (line,) = result.stderr.strip().splitlines()
    match = re.fullmatch(r"backprop: error: choose a command: (.*) \(see `backprop --help`\)", line)
    assert match, line
    assert match.group(1).split(", ") == command_names(build_parser())
    assert set(match.group(1).split(", ")) == registered_in_source()


def test_help_lists_every_subcommand_with_its_summary():
    result = run("-m", "nn", "--help")
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("commands:", 1)[1].split("examples:", 1)[0]
    listed = re.findall(r"^    (\S+)", block, re.M)
    assert listed == command_names(build_parser())
    assert "Every command is listed below" in result.stdout

