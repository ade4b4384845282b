""":class:`Picture`: a ``graphviz.Digraph`` that renders with or without system Graphviz.

Everything a graphviz user knows works: ``.source``, ``.render('gout')``
(writes the DOT file ``gout`` and the image ``gout.svg``), ``.render(outfile=
'g.png')``, ``.view()``, ``.pipe()``, ``.save()`` and inline display in Jupyter.
The only change is where the layout runs: graphviz's own backend needs the
``dot`` program; a Picture goes through :func:`autograd.viz.render.render_bytes`,
which falls back to the Graphviz bundled in the ``pygraphviz`` wheel, stops after
``timeout`` seconds and is interruptible with Ctrl-C.  Two conveniences:
``render('graph.svg')`` (a file name ending in an image format) writes just that
image, and a picture with more than ``max_nodes`` nodes refuses to render with a
hint instead of running Graphviz for minutes.  Files are written atomically.

Pictures fit where they are shown.  In Jupyter a picture is an image scaled down to
the output's width, never cut off (JupyterLab shows a bare SVG at its natural size,
however narrow the cell).  A PNG whose layout ``size`` shrinks the text below
:data:`MIN_TEXT_PIXELS` is rendered at twice the resolution, so its text stays legible.
"""

import base64
import os
import pathlib
import re
from collections import Counter

import graphviz

from ..files import write_atomically
from .render import (IMAGE_FORMATS, RENDER_TIMEOUT, PictureTooLargeError, RendererNotFoundError,
                     render_bytes)

MIN_TEXT_PIXELS = 10
"""A PNG is rendered at 2× (``dpi=192``) when its body text would be smaller than this."""
_PIXELS_PER_POINT = 96 / 72   # Graphviz draws bitmaps at 96 dpi; its font sizes are points


def fitted_html(svg, alt="graph"):
    """HTML showing ``svg`` at its natural size, or scaled down to the width of its
    container when that is narrower: an ``<img>``, so the picture's ids and styles
    cannot meet the page's."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" '
            f'style="max-width:100%;height:auto">')


def text_pixels(svg):
    """The size in pixels, at 96 dpi, of most of the text in a Graphviz ``svg``, after
    the scaling the graph's ``size`` applied (None for a picture with no text)."""
    sizes = Counter(float(x) for x in re.findall(r'<text[^>]* font-size="([\d.]+)"', svg))
    if not sizes:
        return None
    scale = re.search(r'class="graph" transform="scale\(([\d.]+)', svg)
    body = sizes.most_common(1)[0][0]
    return body * (float(scale.group(1)) if scale else 1.0) * _PIXELS_PER_POINT


def _at_double_resolution(source):
    # A graph attribute statement before the closing brace: dpi=192 doubles every pixel.
    end = source.rindex("}")
    return source[:end] + "\tdpi=192\n" + source[end:]


class Picture(graphviz.Digraph):
    """A graph picture: DOT text plus the ways to render and display it.

    ``nodes`` is how many nodes and edges the picture draws (for the size check);
    ``timeout`` bounds the layout in seconds; ``max_nodes`` (None: no limit)
    is the size above which rendering is refused with ``size_hint``, which says
    how big the picture is and how to draw less."""

    def __init__(self, *args, nodes=0, timeout=RENDER_TIMEOUT, max_nodes=None,
                 size_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = nodes
        self.timeout = timeout
        self.max_nodes = max_nodes
        self.size_hint = size_hint

    def _copy_kwargs(self, **kwargs):
        # .copy() (graphviz's) keeps the size check and time limit.
        kwargs = super()._copy_kwargs(**kwargs)
        kwargs.update(nodes=self.nodes, timeout=self.timeout, max_nodes=self.max_nodes,
                      size_hint=self.size_hint)
        return kwargs

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               **kwargs):
        """Render as ``graphviz.Digraph.render`` does, through the bundled fallback.

        ``render('gout')`` writes the DOT text to ``gout`` and the image to
        ``gout.svg`` (the picture's ``format``); ``render('graph.png')`` or
        ``render(outfile='graph.png')`` write ``graph.png``.  Returns the image's path."""
        suffix = pathlib.Path(os.fspath(filename)).suffix.lstrip(".").lower() \
            if filename is not None else ""
        if suffix in IMAGE_FORMATS and kwargs.get("outfile") is None:
            path = os.fspath(filename) if directory is None \
                else os.path.join(os.fspath(directory), os.fspath(filename))
            rendered = write_atomically(path, self._layout(format or suffix))
            if view or kwargs.get("quiet_view"):
                self._view(rendered, format=format or suffix,
                           quiet=kwargs.get("quiet_view", False))
            return rendered
        return super().render(filename, directory=directory, view=view, cleanup=cleanup,
                              format=format, **kwargs)

    def save(self, filename=None, directory=None, *, skip_existing=False):
        """Write the DOT text to ``filename`` (default ``name + '.gv'``) atomically."""
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        filepath = self.filepath
        if skip_existing and os.path.exists(filepath):
            return filepath
        self._mkdirs(filepath)
        return write_atomically(filepath, self.source.encode(self.encoding))

    def _layout(self, format, engine=None):
        if self.max_nodes is not None and self.nodes > self.max_nodes:
            raise PictureTooLargeError(
                f"{self.size_hint} Graphviz would take minutes over it and the result would "
                f"be unreadable. The DOT text is still available as .source.")
        engine = engine or self.engine
        source = self.source
        if format == "png":
            svg = render_bytes(source, "svg", engine=engine, timeout=self.timeout)
            size = text_pixels(svg.decode("utf-8"))
            if size is not None and size < MIN_TEXT_PIXELS:
                source = _at_double_resolution(source)
        return render_bytes(source, format, engine=engine, timeout=self.timeout)

    # graphviz's backend hooks (its own "simplify mocking" properties): every render,
    # pipe and Jupyter display of a graphviz object ends in one of these three.
    @property
    def _render(self):
        def render(engine, format, filepath, renderer=None, formatter=None, neato_no_op=None,
                   quiet=False, *, outfile=None, raise_if_result_exists=False,
                   overwrite_filepath=False):
            if outfile is None:
                outfile = graphviz.backend.rendering.get_outfile(filepath, format=format)
            if raise_if_result_exists and os.path.exists(outfile):
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(outfile)!r}")
            return write_atomically(outfile, self._layout(format, engine))
        return render

    @property
    def _pipe_lines(self):
        def pipe_lines(engine, format, input_lines, *, input_encoding, **_):
            return self._layout(format, engine)
        return pipe_lines

    @property
    def _pipe_lines_string(self):
        def pipe_lines_string(engine, format, input_lines, *, encoding, **_):
            return self._layout(format, engine).decode(encoding)
        return pipe_lines_string

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """In Jupyter: the SVG scaled to fit the output (``text/html``), and the SVG itself;
        without a renderer, the message saying what to install."""
        wanted = set(include) if include is not None else {"text/html", "image/svg+xml"}
        wanted -= set(exclude or ())
        try:
            bundle = {}
            if wanted & {"text/html", "image/svg+xml"}:
                svg = self._layout("svg").decode("utf-8")
                if "image/svg+xml" in wanted:
                    bundle["image/svg+xml"] = svg
                if "text/html" in wanted:
                    bundle["text/html"] = fitted_html(svg, alt=f"{self.name} picture")
            others = wanted - {"text/html", "image/svg+xml"}
            if others:
                bundle.update(super()._repr_mimebundle_(others, None, **kwargs))
            return bundle
        except (RendererNotFoundError, PictureTooLargeError) as error:
            return {"text/plain": f"{error}\n\n{self.source}"}
