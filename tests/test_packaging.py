"""Packaging: a foreign ``autograd`` is refused with advice; the engine imports only the stdlib.

Both checks run in a fresh interpreter, since this one has already imported
everything the other tests need.
"""

import os
import subprocess
import sys
from pathlib import Path

import autograd

REPO = Path(autograd.__file__).resolve().parent.parent


def run_python(code, cwd, pythonpath):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath))}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_import_nn_with_a_foreign_autograd_stops_with_a_clear_message(tmp_path):
    fake = tmp_path / "autograd"
    fake.mkdir()
    (fake / "__init__.py").write_text('"""Stands in for HIPS autograd."""\n'
                                      "def grad(fun):\n    return fun\n")
    result = run_python("import nn", cwd=tmp_path, pythonpath=[tmp_path, REPO])
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError:")
    assert str(fake / "__init__.py") in last_line       # which package was found
    assert "not backproplab's engine" in last_line      # what is wrong
    assert "HIPS autograd" in last_line                 # the likely cause
    assert "pip install -e ." in last_line              # what to do


def test_the_real_autograd_passes_the_same_check(tmp_path):
    result = run_python("import nn, autograd; print(autograd.__file__)",
                        cwd=tmp_path, pythonpath=[REPO])
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve() == REPO / "autograd" / "__init__.py"


def test_importing_autograd_pulls_in_only_the_standard_library(tmp_path):
    code = ("import sys\n"
            "before = set(sys.modules)\n"
            "import autograd\n"
            "new = {name.partition('.')[0] for name in set(sys.modules) - before}\n"
            "print(' '.join(sorted(new - set(sys.stdlib_module_names) - {'autograd'})))\n"
            "print(' '.join(sorted(new)))\n")
    result = run_python(code, cwd=tmp_path, pythonpath=[REPO])
    assert result.returncode == 0, result.stderr
    foreign, everything = result.stdout.split("\n")[:2]
    assert foreign == ""
    assert "autograd" in everything.split()
    for heavy in ["graphviz", "numpy", "matplotlib", "tqdm", "pygraphviz", "torch", "nn"]:
        assert heavy not in everything.split()
