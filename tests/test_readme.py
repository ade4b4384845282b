"""Every Python example in the README runs as written (in a scratch folder, since some
write pictures and pages)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block-{i + 1}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch):
    if "from hypothesis" in code or "engine=\"matrix\"" in code:
        pytest.importorskip("hypothesis" if "from hypothesis" in code else "numpy")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme_example"}
    exec(compile(code, "README.md example", "exec"), namespace)
    for name, value in namespace.items():   # a test a block defines is run too
        if name.startswith("test_") and callable(value):
            value()
