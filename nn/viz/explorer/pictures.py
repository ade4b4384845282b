"""The explorer's pictures: Graphviz SVG of the computation graph and of the network.

The only module of the explorer that imports the drawing and rendering functions,
so a move of ``autograd``'s pictures code is one import to change here.  Both
``draw_dot`` results (a ``Picture`` today, a ``graphviz.Digraph`` after the
pictures move) expose the DOT text as ``.source``, which is all this module reads.
"""

from autograd import draw_dot
from autograd.viz.render import render_bytes

from ..diagram import draw_network


def _svg(drawing):
    svg = render_bytes(drawing.source, "svg").decode("utf-8")
    # The XML prolog and DOCTYPE are invalid inside an HTML page; the <svg> element is all we embed.
    return svg[svg.index("<svg"):]


def graph_svg(root, title=None, constants=None, side_outputs=()):
    """SVG of ``root``'s computation graph; node ``n{i}`` is the i-th node of
    ``autograd.topological_order(root)`` and its operation is ``n{i}_op``;
    ``constants`` are drawn as numbers with no gradient, ``side_outputs`` (values
    computed from the graph that root does not use) dashed, with ids after the graph's."""
    # Every node its own box at natural size: the page steps through nodes one by one
    # and has its own fit and zoom, so no collapsing and no notebook-cell scaling here.
    # Fields stacked: a narrow picture, legible at a larger scale when fitted to a cell.
    return _svg(draw_dot(root, fmt="{:.6g}", title=title, collapse=None, size=None,
                         constants=constants, stacked=True, side_outputs=side_outputs))


def network_svg(mlp, show="weight", x=None, legend=True, edge_labels=True):
    """SVG of the network diagram (neurons ``x{k}`` and ``l{l}n{j}``), weights or gradients,
    with every edge, and its number with ``edge_labels``
    (:func:`nn.viz.diagram.diagram_fields` says which text shows which number)."""
    return _svg(draw_network(mlp, show=show, x=x, fmt="{:.6g}", legend=legend, size=None,
                             edge_labels=edge_labels, strongest=None))
