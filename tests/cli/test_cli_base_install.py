"""The base install (``pip install -e .``, no extras) runs the main job, and every optional part
says in one line what to install instead of ending in a traceback.

The base install is stood up here without a network: a virtual environment of its own (so
no extra installed in this one leaks in) that sees the project and only its required
dependencies, with a PATH on which there is no Graphviz ``dot`` program.
"""

import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import autograd

REPO = Path(autograd.__file__).resolve().parent.parent
REQUIRED = ("graphviz", "tqdm")          # pyproject's dependencies that the command imports


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Run ``python -m nn ARGS`` in the base install; returns the CompletedProcess."""
    root = tmp_path_factory.mktemp("base")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    packages = root / "required"
    packages.mkdir()
    for name in REQUIRED:
        (packages / name).symlink_to(Path(importlib.util.find_spec(name).origin).parent)
    Path(site.stdout.strip(), "base.pth").write_text(f"{REPO}\n{packages}\n")
    env = {"PATH": str(venv / "bin"), "HOME": str(root), "PYTHONNOUSERSITE": "1",
           "MPLBACKEND": "Agg"}

    def run(*args, cwd=root):
        return subprocess.run([str(python), "-m", "nn", *map(str, args)], capture_output=True,
                              text=True, cwd=cwd, env=env, timeout=120)

    probe = subprocess.run([str(python), "-c", "import numpy"], capture_output=True, env=env)
    assert probe.returncode != 0, "the stand-in base install sees NumPy"
    return run


def test_the_main_job_runs(base):
    result = base("explain")
    assert result.returncode == 0, result.stderr
    assert "L = 0.203429" in result.stdout


@pytest.mark.parametrize("args, install", [
    (["explain", "--html", "walk.html"], "pip install pygraphviz"),
    (["explain", "--graph", "g.svg"], "pip install pygraphviz"),
    (["explain", "--diagram", "d.png"], "pip install pygraphviz"),
    (["explain", "--engine", "matrix"], "pip install 'backproplab[fast]'"),
    (["train", "--epochs", "1"], 'pip install "backproplab[plots]"'),
    (["train", "--epochs", "1", "--no-plots", "--engine", "matrix"],
     "pip install 'backproplab[fast]'"),
])
def test_each_optional_part_says_in_one_line_what_to_install(base, tmp_path, args, install):
    result = base(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("backprop: error: ") and install in line, line
    assert list(tmp_path.iterdir()) == []


def test_the_readme_installs_the_base_for_the_main_job_and_everything_for_the_tests():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("## ", 1)[0]
    main_job, tests = [block.split("```", 1)[0].strip()
                       for block in quick_start.split("```bash\n")[1:3]]
    assert "pip install -e ." in main_job and "[" not in main_job
    assert main_job.endswith("backprop explain")
    assert 'pip install -e ".[all]"' in tests and tests.endswith("python -m pytest")
    assert "<!-- test-command -->\n```bash\n" + tests in quick_start
