"""The Jupyter widgets (anywidget): the same front end as the page, inside a notebook.

Imported only when anywidget is installed (``pip install 'backproplab[explorer]'``).
Without a front end (a notebook run by nbmake, a plain Python process) the widgets
still construct, hold their script and write pages.
"""

import anywidget
import traitlets

from .explorer import SAVE_HINT
from .page import asset, save_page


class ExplorerWidget(anywidget.AnyWidget):
    """The explorer as a widget; ``.save_html(path)`` writes the standalone page.

    A learner who clicks a leaf and types a number sends it here: the widget asks its
    source (:mod:`.sources`) for the walk with that number changed, every value and
    gradient recomputed by the engine, and the page redraws at the same step."""

    _esm = asset("explorer.js")
    _css = asset("explorer.css")
    mode = traitlets.Unicode("steps").tag(sync=True)
    script = traitlets.Dict().tag(sync=True)

    def __init__(self, source=None, **kwargs):
        if source is not None:
            kwargs["script"] = source.script()
        super().__init__(**kwargs)
        self.source = source
        self.on_msg(self._on_message)

    @property
    def steps(self):
        """The steps, in order: start, forward, backward, update, end."""
        return self.script["steps"]

    def edit(self, key, text):
        """Change the leaf ``key`` (a node's or table cell's ``edit`` key) to the number
        ``text`` and recompute every number; returns the new script."""
        if self.source is None:
            raise ValueError("this explorer was made from a script alone; there is nothing "
                             "to recompute")
        source = self.source.edited(key, text)
        script = source.script()   # may raise (a log of a negative number): nothing changes
        self.source, self.script = source, script
        return script

    def _on_message(self, widget, content, buffers):
        if not isinstance(content, dict) or content.get("type") != "edit":
            return
        try:
            self.edit(content.get("key"), content.get("value"))
        except (ValueError, TypeError, ArithmeticError) as error:
            self.send({"type": "edit-error", "message": str(error)})
        else:
            self.send({"type": "edited"})

    def save_html(self, path):
        """Write the explorer as one HTML file (atomically) and return the path."""
        return save_page(self.script, path)

    def __repr__(self):
        return (f"<explorer widget {self.script.get('title', '')!r}: {len(self.steps)} steps; "
                f"{SAVE_HINT}>")


class LiveWidget(anywidget.AnyWidget):
    """Training as it runs: the network diagram's weights, the loss curve, the boundary."""

    _esm = asset("explorer.js")
    _css = asset("explorer.css")
    mode = traitlets.Unicode("live").tag(sync=True)
    diagram_svg = traitlets.Unicode("").tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
