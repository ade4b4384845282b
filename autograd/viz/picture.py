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
"""

import os
import pathlib

import graphviz

from ..files import write_atomically
from .render import (IMAGE_FORMATS, RENDER_TIMEOUT, PictureTooLargeError, RendererNotFoundError,
                     render_bytes)

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
        return render_bytes(self.source, format, engine=engine or self.engine,
                            timeout=self.timeout)

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
        """Inline SVG in Jupyter; without a renderer, the message saying what to install."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except (RendererNotFoundError, PictureTooLargeError) as error:
            return {"text/plain": f"{error}\n\n{self.source}"}
