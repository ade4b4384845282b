"""DOT text -> pictures: quoting helpers, the renderer, and :class:`Picture`.

Rendering needs Graphviz's layout engine.  It is found at render time, never at
import time (the engine imports with the standard library only):

1. the ``dot`` program, when it is on ``PATH`` (Debian/Ubuntu package ``graphviz``);
2. otherwise the ``pygraphviz`` package, whose wheels bundle Graphviz, so
   ``pip install -e ".[all]"`` is enough on a machine with no system Graphviz.

With neither, :class:`RendererNotFoundError` says what to install, and the DOT
text (``Picture.source``) still works.
"""

import os

from .files import write_atomically

IMAGE_FORMATS = ("svg", "png", "pdf")
"""Formats Graphviz renders for :meth:`Picture.render` and :meth:`Picture.pipe`."""

TEXT_FORMATS = ("dot", "gv")
"""File extensions :meth:`Picture.render` writes as DOT text (no renderer needed)."""


class RendererNotFoundError(RuntimeError):
    """Neither the Graphviz ``dot`` program nor the ``pygraphviz`` package is available."""


class RenderError(RuntimeError):
    """Graphviz was found but failed to lay out or render the DOT text."""


# -- writing DOT -----------------------------------------------------------------

def quote(text):
    """``text`` as a DOT double-quoted string.

    DOT itself only unescapes ``\\"``; backslashes are left for the label's own
    escapes (``\\n``, ``\\{``), so label text goes through :func:`plain_text`
    or :func:`record_field` first."""
    return '"' + str(text).replace('"', '\\"') + '"'


def plain_text(text):
    """``text`` made literal inside an ordinary label, where ``\\`` starts an escape."""
    return str(text).replace("\\", "\\\\")


def record_field(text):
    """``text`` made literal inside a record label, where ``{ } | < >`` are syntax."""
    out = str(text).replace("\\", "\\\\")
    for ch in "{}|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def html_text(text):
    """``text`` made literal inside a Graphviz HTML-like label."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attributes(attrs):
    """A DOT attribute list ``[a="x", b="y"]`` from a dict, in insertion order.

    A value starting with ``<`` and ending with ``>`` is an HTML-like label and
    is written unquoted, as DOT requires."""
    parts = []
    for name, value in attrs.items():
        text = str(value)
        if text.startswith("<") and text.endswith(">"):
            parts.append(f"{name}={text}")
        else:
            parts.append(f"{name}={quote(text)}")
    return "[" + ", ".join(parts) + "]"


def legend_node(entries, title="legend"):
    """A DOT statement for a node named ``legend``: a table of swatches and meanings.

    ``entries`` are ``(swatch, meaning)`` pairs; a swatch is a dict of HTML
    ``<td>`` attributes, e.g. ``{"bgcolor": "#cfe8ff"}`` for a fill colour or
    ``{"color": "#d4a017", "border": "3"}`` for a border style."""
    rows = [f'<tr><td colspan="2"><b>{html_text(title)}</b></td></tr>']
    for swatch, meaning in entries:
        cell = " ".join(f'{k}="{html_text(v)}"' for k, v in swatch.items())
        rows.append(f'<tr><td {cell} width="24"></td>'
                    f'<td align="left">{html_text(meaning)}</td></tr>')
    table = ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
             + "".join(rows) + "</table>>")
    return "  legend " + attributes({"shape": "plaintext", "label": table}) + ";"


# -- rendering --------------------------------------------------------------------

_INSTALL_HINT = (
    "Install one of them: `pip install pygraphviz` (its wheels bundle Graphviz; "
    "`pip install -e \".[plots]\"` installs it with backproplab), or the system package "
    "(`apt install graphviz`, `brew install graphviz`, `conda install graphviz`). "
    "The DOT text is still available as `.source`.")


def render_bytes(source, format="svg"):
    """Lay out DOT ``source`` with Graphviz ``dot`` and return the image in ``format``.

    Uses the ``dot`` program when it is on PATH, else pygraphviz's bundled Graphviz.
    Raises :class:`RendererNotFoundError` (naming what to install) when neither exists."""
    if format not in IMAGE_FORMATS:
        raise ValueError(f"cannot render format {format!r}; choose one of "
                         f"{', '.join(IMAGE_FORMATS)}")
    import shutil  # the renderer is looked for now, not when autograd is imported

    program = shutil.which("dot")
    if program:
        return _render_with_program(program, source, format)
    try:
        import pygraphviz
    except ImportError:
        raise RendererNotFoundError(
            f"rendering {format.upper()} needs Graphviz: there is no `dot` program on PATH "
            f"and the pygraphviz package is not installed. {_INSTALL_HINT}") from None
    try:
        return _without_fontconfig_warnings(
            lambda: pygraphviz.AGraph(string=source).draw(format=format, prog="dot"))
    except (ValueError, OSError) as error:  # pygraphviz reports Graphviz failures as these
        raise RenderError(f"pygraphviz could not render the DOT text as {format}: "
                          f"{error}") from error


def _without_fontconfig_warnings(draw):
    """Run ``draw()``, dropping the Fontconfig warnings it writes to file descriptor 2.

    The Fontconfig bundled in pygraphviz's wheel can be older than the system's
    font configuration and warns, on every render, about elements it does not
    know ("unknown element reset-dirs").  Fonts still work; the warning only
    confuses readers of a notebook or a terminal.  Anything else is passed on."""
    import sys
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            return draw()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().decode("utf-8", "replace").splitlines()
                    if not line.startswith("Fontconfig warning")]
            if kept:
                print("\n".join(kept), file=sys.stderr)


def _render_with_program(program, source, format):
    import subprocess  # only needed here; keeps `import autograd` light

    done = subprocess.run([program, f"-T{format}"], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{program} -T{format} exited with status {done.returncode}: "
                          f"{message}")
    return done.stdout


class Picture:
    """A graph as DOT text that renders to SVG or PNG and shows itself in Jupyter.

    ``source`` is the DOT text (always available, no renderer needed);
    :meth:`render` writes a file; :meth:`pipe` returns the image bytes.  In a
    notebook the picture displays inline as SVG; if no renderer is installed it
    displays the message saying what to install instead of a traceback.
    """

    def __init__(self, source):
        if not isinstance(source, str):
            raise TypeError(f"Picture() needs DOT text (a str), got {type(source).__name__}")
        self.source = source

    def __str__(self):
        return self.source

    def __repr__(self):
        first = self.source.splitlines()[0] if self.source else ""
        return f"<Picture {first!r}, {len(self.source)} characters of DOT>"

    def pipe(self, format="svg"):
        """The rendered image as bytes (``format`` one of svg, png, pdf)."""
        return render_bytes(self.source, format)

    def render(self, path, format=None):
        """Write the picture to ``path`` atomically and return ``path`` (a str).

        The format comes from the extension (``.svg``, ``.png``, ``.pdf``; ``.dot``
        or ``.gv`` write the DOT text itself) unless ``format`` is given."""
        path = os.fspath(path)
        if format is None:
            format = os.path.splitext(path)[1].lstrip(".").lower()
            if not format:
                raise ValueError(f"cannot tell the format of {path!r}: give it an extension "
                                 f"(.svg, .png, .pdf, .dot) or pass format=")
        if format in TEXT_FORMATS:
            data = self.source.encode("utf-8")
        elif format in IMAGE_FORMATS:
            data = self.pipe(format)
        else:
            raise ValueError(f"unknown picture format {format!r} for {path!r}; choose one of "
                             f"{', '.join(IMAGE_FORMATS + TEXT_FORMATS)}")
        return write_atomically(path, data)

    def _repr_svg_(self):
        try:
            return self.pipe("svg").decode("utf-8")
        except RendererNotFoundError:
            return None  # _repr_mimebundle_ shows the install message instead

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return {"image/svg+xml": self.pipe("svg").decode("utf-8"),
                    "text/plain": repr(self)}
        except RendererNotFoundError as error:
            return {"text/plain": f"{error}\n\n{self.source}"}
