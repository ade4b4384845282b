"""The plugin as it reaches other people: backproplab installed from its wheel (not
editable) into an environment of its own, and pytest run there in other projects.

It must not break or shadow a project that has an ``autograd`` package of its own (HIPS
autograd, or the project's own code): that project's tests run green, importing its own
``autograd``.  It must load none of the library until one of its fixtures is used.
"""

import importlib.util
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import autograd

REPO = Path(autograd.__file__).resolve().parent.parent
PYTEST = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py",
          "exceptiongroup", "tomli")   # pytest and what it imports (the last two: Python < 3.11)
REQUIRED = ("graphviz", "tqdm")        # backproplab's own dependencies


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Run ``python -m pytest ARGS`` in a project directory of an environment where
    backproplab was installed from its wheel; returns the CompletedProcess."""
    pytest.importorskip("build")
    root = tmp_path_factory.mktemp("installed")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(root / "dist"),
                            str(REPO)], capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (root / "dist").glob("backproplab-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig"
                                ".get_paths()['purelib'])"], capture_output=True, text=True,
                               check=True).stdout.strip())
    with zipfile.ZipFile(wheel) as archive:    # what pip puts in site-packages
        archive.extractall(site)
    # pytest and the dependencies, from this environment, without their entry points (so
    # no other plugin is installed there).
    shared = root / "shared"
    shared.mkdir()
    for name in PYTEST + REQUIRED:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        (shared / (name if origin.name == "__init__.py" else origin.name)).symlink_to(
            origin.parent if origin.name == "__init__.py" else origin)
    (site / "shared.pth").write_text(f"{shared}\n")
    env = {"PATH": str(venv / "bin"), "HOME": str(root), "PYTHONNOUSERSITE": "1"}

    def run(project, *args):
        return subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", *args],
                              cwd=project, env=env, capture_output=True, text=True, timeout=300)
    return run


def project(path, files):
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(textwrap.dedent(text))
    return path


THEIR_AUTOGRAD = {
    "autograd/__init__.py": '''
        """Stands in for HIPS autograd, or a project's own package of that name."""
        OURS = True

        def grad(fun):
            return fun
        ''',
    "conftest.py": '''
        import sys

        def pytest_configure(config):
            # Loaded with every plugin: none of them may have imported an autograd.
            assert "autograd" not in sys.modules, sys.modules["autograd"]
            assert "backproplab.pytest_plugin" in sys.modules

        def pytest_unconfigure(config):
            assert "nn" not in sys.modules
        ''',
    "test_theirs.py": '''
        import autograd

        def test_their_autograd_is_theirs():
            assert autograd.OURS and autograd.grad(len)("abc") == 3
        ''',
}


def test_a_project_with_its_own_autograd_runs_green(installed, tmp_path):
    result = installed(project(tmp_path, THEIR_AUTOGRAD), "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_there_a_fixture_says_which_autograd_it_found(installed, tmp_path):
    files = dict(THEIR_AUTOGRAD, **{"test_fixture.py": '''
        def test_wants_our_check(gradcheck):
            pass
        '''})
    result = installed(project(tmp_path, files), "-q", "test_fixture.py")
    assert result.returncode == 1
    assert ("the gradcheck fixtures need backproplab's autograd, but `import autograd` finds "
            f"{tmp_path / 'autograd' / '__init__.py'}") in result.stdout


def test_elsewhere_the_fixtures_work_and_the_options_show(installed, tmp_path):
    files = {"test_mine.py": '''
        import sys

        def test_nothing_loaded_before_a_fixture():
            assert "autograd" not in sys.modules

        def test_gradcheck(gradcheck):
            assert gradcheck(lambda x: x.tanh(), [0.3])
        '''}
    result = installed(project(tmp_path, files), "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "--gradcheck-eps" in installed(tmp_path, "--help").stdout
    assert "--gradcheck-eps" not in installed(tmp_path, "-p", "no:backproplab", "--help").stdout
