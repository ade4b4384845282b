"""The Jupyter widget (anywidget): the same front end as the page, inside a notebook.

Imported only when anywidget is installed (``pip install 'backproplab[explorer]'``).
Without a front end (a notebook run by nbmake, a plain Python process) the widget
still constructs, holds the script and writes pages.
"""

import anywidget
import traitlets

from .page import asset, save_page


class ExplorerWidget(anywidget.AnyWidget):
    """The explorer as a widget; ``.save_html(path)`` writes the standalone page."""

    _esm = asset("explorer.js")
    _css = asset("explorer.css")
    mode = traitlets.Unicode("steps").tag(sync=True)
    script = traitlets.Dict().tag(sync=True)

    @property
    def steps(self):
        """The steps, in order: start, forward, backward, update, end."""
        return self.script["steps"]

    def save_html(self, path):
        """Write the explorer as one HTML file (atomically) and return the path."""
        return save_page(self.script, path)


class LiveWidget(anywidget.AnyWidget):
    """Training as it runs: the network diagram's weights, the loss curve, the boundary."""

    _esm = asset("explorer.js")
    _css = asset("explorer.css")
    mode = traitlets.Unicode("live").tag(sync=True)
    diagram_svg = traitlets.Unicode("").tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
