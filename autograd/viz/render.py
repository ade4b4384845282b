"""DOT text -> image bytes, with a time limit, interruptible, with or without system Graphviz.

Graphviz's layout engine is found at render time, never at import time:

1. the ``dot`` program, when it is on ``PATH`` (Debian/Ubuntu package ``graphviz``);
2. otherwise the ``pygraphviz`` package, whose wheels bundle Graphviz, so
   ``pip install -e ".[all]"`` is enough on a machine with no system Graphviz.

Either way the layout runs in a child process: a layout that takes longer than
``timeout`` seconds is stopped with a :class:`RenderError` saying how to draw
less, and Ctrl-C stops it at once (an in-process layout cannot be interrupted).
With neither renderer, :class:`RendererNotFoundError` says what to install; the
DOT text (``.source``) still works.
"""

import importlib.util
import sys

IMAGE_FORMATS = ("svg", "png", "pdf")
"""Formats the renderer produces."""

RENDER_TIMEOUT = 60.0
"""Seconds a layout may take before it is stopped (``timeout=None``: no limit)."""


class RendererNotFoundError(RuntimeError):
    """Neither the Graphviz ``dot`` program nor the ``pygraphviz`` package is available."""


class RenderError(RuntimeError):
    """Graphviz was found but failed, or took too long, to lay out or render the DOT text."""


class PictureTooLargeError(RenderError):
    """The picture has more nodes than can be laid out in reasonable time or read."""


_INSTALL_HINT = (
    "Install one of them: `pip install pygraphviz` (its wheels bundle Graphviz; "
    "`pip install -e \".[plots]\"` installs it with backproplab), or the system package "
    "(`apt install graphviz`, `brew install graphviz`, `conda install graphviz`). "
    "The DOT text is still available as `.source`.")

# Run by a child Python: DOT on stdin, the image on stdout.  Exit status 3 means
# pygraphviz could not be imported, 4 that Graphviz rejected the DOT text.
_PYGRAPHVIZ_CHILD = """
import sys
try:
    import pygraphviz
except ImportError as error:
    sys.stderr.write(str(error)); sys.exit(3)
source = sys.stdin.buffer.read().decode("utf-8")
try:
    data = pygraphviz.AGraph(string=source).draw(format=sys.argv[1], prog=sys.argv[2])
except (ValueError, OSError) as error:
    sys.stderr.write(str(error)); sys.exit(4)
sys.stdout.buffer.write(data)
"""


def render_bytes(source, format="svg", *, engine="dot", timeout=RENDER_TIMEOUT):
    """Lay out DOT ``source`` with Graphviz and return the image in ``format`` as bytes.

    Uses the ``dot`` program when it is on PATH, else pygraphviz's bundled Graphviz,
    in a child process stopped after ``timeout`` seconds.  Raises
    :class:`RendererNotFoundError` (naming what to install) when neither exists."""
    if format not in IMAGE_FORMATS:
        raise ValueError(f"cannot render format {format!r}; choose one of "
                         f"{', '.join(IMAGE_FORMATS)}")
    import shutil  # looked for now, not when autograd is imported
    import subprocess

    program = shutil.which(engine)
    if program:
        command, who = [program, f"-T{format}"], f"{program} -T{format}"
    elif importlib.util.find_spec("pygraphviz") is not None:
        command = [sys.executable, "-c", _PYGRAPHVIZ_CHILD, format, engine]
        who = "pygraphviz"
    else:
        raise RendererNotFoundError(
            f"rendering {format.upper()} needs Graphviz: there is no `{engine}` program on "
            f"PATH and the pygraphviz package is not installed. {_INSTALL_HINT}")
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz was stopped after {timeout:g} s laying out the picture. Draw less: "
            f"collapse the graph (collapse='layer'), draw fewer samples, or pass a larger "
            f"timeout=.") from None
    errors = _without_fontconfig_warnings(done.stderr.decode("utf-8", "replace"))
    if done.returncode == 3 and who == "pygraphviz":
        raise RendererNotFoundError(f"pygraphviz could not be imported ({errors}). "
                                    f"{_INSTALL_HINT}")
    if done.returncode == 4 and who == "pygraphviz":
        raise RenderError(f"pygraphviz could not render the DOT text as {format}: {errors}")
    if done.returncode != 0:
        raise RenderError(f"{who} exited with status {done.returncode}: {errors}")
    if errors:
        print(errors, file=sys.stderr)
    return done.stdout


def _without_fontconfig_warnings(text):
    """``text`` without the Fontconfig warnings the renderer wrote to stderr.

    The Fontconfig bundled in pygraphviz's wheel can be older than the system's
    font configuration and warns, on every render, about elements it does not
    know ("unknown element reset-dirs").  Fonts still work; the warning only
    confuses readers of a notebook or a terminal.  Anything else is kept."""
    return "\n".join(line for line in text.strip().splitlines()
                     if not line.startswith("Fontconfig warning")).strip()
