"""Pictures of computation graphs: :func:`draw_dot`, :func:`draw_step`, and their rendering.

Knows nothing about neural networks: collapsed pictures draw the :class:`Group`
boxes a caller passes (``groups=``) or registers by name (:func:`register_grouping`).
Importing this package needs only the standard library; ``graphviz`` is imported
when a picture is made, and Graphviz itself when one is rendered.
"""

from .draw import Group, draw_dot, draw_step, register_grouping
from .render import PictureTooLargeError, RendererNotFoundError, RenderError

__all__ = ["draw_dot", "draw_step", "Group", "register_grouping", "RendererNotFoundError",
           "RenderError", "PictureTooLargeError"]
