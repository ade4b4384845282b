"""What :func:`explore` returns outside a Jupyter kernel: the explorer as a page."""

import html

from .page import page_html, save_page

SAVE_HINT = ("call .save_html('walk.html') and open the file in a browser, or run explore() "
             "in Jupyter to step through it in the notebook")

_NO_WIDGET = ("the Jupyter widget needs anywidget (pip install 'backproplab[explorer]'); "
              "this notebook shows the explorer as an embedded page instead, and "
              ".save_html(path) writes it as a standalone file")


class Explorer:
    """A stepped walk through a forward pass, backward pass and update.

    ``.script`` is the JSON-ready dict of every step (numbers from the engine);
    ``.save_html(path)`` writes a self-contained offline page; in Jupyter without
    anywidget it shows as that page embedded in the output.
    """

    def __init__(self, script):
        self.script = script

    @property
    def steps(self):
        """The steps, in order: start, forward, backward, update, end."""
        return self.script["steps"]

    def save_html(self, path):
        """Write the explorer as one HTML file (atomically) and return the path."""
        return save_page(self.script, path)

    def to_html(self):
        """The standalone page as a str."""
        return page_html(self.script)

    def _repr_html_(self):
        page = html.escape(self.to_html(), quote=True)
        return (f'<p style="font-size:12px;color:#555">{html.escape(_NO_WIDGET)}</p>'
                f'<iframe srcdoc="{page}" title="backproplab explorer" '
                f'style="width:100%;height:820px;border:1px solid #ddd"></iframe>')

    def __repr__(self):
        counts = {}
        for step in self.steps:
            counts[step["phase"]] = counts.get(step["phase"], 0) + 1
        shown = ", ".join(f"{n} {phase}" for phase, n in counts.items())
        return (f"<Explorer {self.script['title']!r}: {len(self.steps)} steps ({shown}); "
                f"{SAVE_HINT}>")
