"""Network diagrams: neurons in layers, edges coloured and sized by weight or gradient.

:func:`draw_network` draws an MLP the way the lecture notes' 2-2-2-1 walkthrough
does: the input layer A^[0] = x, then each layer l's neurons, numbered j = 1, 2, …
top to bottom (left to right with ``rankdir="TB"``) in the order of W^[l]'s rows,
with an edge from neuron k of layer l−1 to neuron j of layer l for every weight
W_jk^[l] (row j of W^[l] holds neuron j's incoming weights).  An edge's colour is
its number's sign (blue positive, red negative), its pen width grows with
|number|.  The numbers themselves are written in the neuron they feed: neuron j of
layer l lists row j of W^[l] (``W_j = [W_j1, W_j2, …]``), so no label sits on a
crowd of crossing edges.  Each neuron shows its activation and its bias b_j^[l]; given one input
sample ``x`` it also shows its activation a_j^[l] for that sample, and the
caption says which sample that is.

``show="grad"`` draws ∂L/∂W^[l] and ∂L/∂b^[l] instead (after ``loss.backward()``),
so the same picture shows where the gradient is large, small or zero.

A big network is drawn readable: past :data:`READABLE_EDGES` weights only the
largest |W_jk^[l]| into each neuron are drawn (``strongest=``), and the caption says
how many edges are hidden.

The result is the same :class:`~autograd.viz.picture.Picture` (a
``graphviz.Digraph``) as :func:`autograd.draw_dot`: ``.source``, ``.render()``,
``.pipe()``, inline SVG in Jupyter, rendering bounded in time and size.
"""

import math

from autograd import no_grad
from autograd.viz.dot import attributes, format_number, legend_node, plain_text
from autograd.viz.draw import NOTEBOOK_SIZE, new_picture
from autograd.viz.render import RENDER_TIMEOUT

from ..activations import ACTIVATIONS

POSITIVE = "#1f77b4"
NEGATIVE = "#d62728"
ZERO = "#9e9e9e"
NONFINITE = "#000000"
INPUT_FILL = "#cfe8ff"
NEURON_FILL = "#fff2b3"
OUTPUT_FILL = "#b9f0b9"

SHOWS = ("weight", "grad")
MAX_ROW_LENGTH = 6
"""Neurons list their incoming weights (row j of W^[l]) when the row is at most this long."""
MAX_EDGES = 5000
"""A diagram with more weights than this refuses to render (see ``max_edges``)."""
READABLE_EDGES = 150
"""``strongest="auto"`` draws every edge of a network with at most this many weights, and
only the :data:`STRONGEST` largest into each neuron of a bigger one."""
STRONGEST = 3



def draw_network(mlp, show="weight", x=None, fmt="{:.2f}", rankdir="LR", legend=True,
                 edge_labels=False, *, strongest="auto", format="svg", size=NOTEBOOK_SIZE,
                 max_edges=MAX_EDGES, timeout=RENDER_TIMEOUT):
    """A diagram of ``mlp``'s neurons and weights, as a ``graphviz.Digraph``.

    - ``show``: "weight" draws W^[l] and b^[l]; "grad" draws ∂L/∂W^[l] and ∂L/∂b^[l]
      (the ``.grad`` of each parameter, so call ``loss.backward()`` first).
    - ``x``: one input sample (n_0 numbers); each neuron then also shows
      a_j^[l] = f(Σₖ W_jk^[l] a_k^[l−1] + b_j^[l]) for it, from the MLP's own
      traced forward pass (:meth:`nn.MLP.forward_trace`) under ``no_grad()``.
    - ``fmt``: number format; a nonzero number that would print as zeros is
      shown in e-notation.
    - ``rankdir``: "LR" (inputs left) or "TB" (inputs on top), or "RL", "BT".
    - ``legend``: add the table of colours.
    - ``edge_labels``: also write each edge's number near the neuron it feeds
      (crowded beyond a few edges per neuron; the rows in the neurons are the default).
    - ``strongest``: an integer k draws only the k edges of largest |number| into each
      neuron, and the caption says how many are hidden; None draws every edge; "auto"
      (the default) draws every edge up to :data:`READABLE_EDGES` weights, else the
      :data:`STRONGEST` largest into each neuron: a readable picture of a big network.
    - ``format``: what ``.render()`` and ``.pipe()`` produce; ``size``: Graphviz size
      in inches the layout is scaled down to (None: natural size).
    - ``max_edges``: rendering refuses a network with more weights (None: no limit);
      ``timeout``: seconds the layout may take.
    """
    layers = mlp_layers(mlp)
    if show not in SHOWS:
        raise ValueError(f"show must be 'weight' or 'grad', got {show!r}")
    sizes = [len(layers[0].neurons[0].w)] + [len(layer.neurons) for layer in layers]
    trace = layer_activations(mlp, x) if x is not None else None
    attr = "data" if show == "weight" else "grad"
    numbers = [[[getattr(w, attr) for w in n.w] for n in layer.neurons] for layer in layers]
    biggest = max((abs(v) for W in numbers for row in W for v in row if math.isfinite(v)),
                  default=0.0)
    n_edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    k = _strongest(strongest, n_edges)
    kept = strongest_edges(numbers, k)
    elements = diagram_fields(mlp, show, trace is not None, edge_labels, kept)
    lines = _element_lines(elements, layers, numbers, trace, attr, fmt)

    head = {"rankdir": rankdir, "label": "\\n".join(plain_text(t) for t in _captions(
                show, sizes, trace, fmt, len(kept), n_edges, k)),
            "labelloc": "t", "nodesep": "0.3", "ranksep": "2.2" if edge_labels else "1.2"}
    if size:
        head["size"] = size
    body = _column(0, "input A^[0] = x", [(f"x{k}", lines(f"x{k}"), INPUT_FILL)
                                          for k in range(1, sizes[0] + 1)])
    for l, layer in enumerate(layers, 1):
        last = l == len(layers)
        neurons = [(f"l{l}n{j}", lines(f"l{l}n{j}"), OUTPUT_FILL if last else NEURON_FILL)
                   for j in range(1, sizes[l] + 1)]
        body += _column(l, f"layer {l} · {_symbol(layer.activation)}"
                        + (" (output)" if last else ""), neurons)
    edges, colours = _edges(kept, numbers, biggest, lines if edge_labels else None)
    body += edges
    if legend:
        body.append(_legend("weight" if show == "weight" else "gradient", colours, biggest, fmt))
    return new_picture("network", format, head, body, n_edges, max_edges, timeout,
                       f"The {'-'.join(map(str, sizes))} network has {n_edges} weights, more "
                       f"than max_edges={max_edges}. Draw a smaller network, or pass "
                       f"max_edges=None to render anyway.")


def _element_lines(elements, layers, numbers, trace, attr, fmt):
    """``lines(element)``: the text lines of one diagram element (see :func:`diagram_fields`),
    its numbers written with ``fmt``."""
    def value(key):
        kind, l, *rest = key
        if kind == "x":
            return trace[0][l - 1]
        if kind == "a":
            return trace[l][rest[0] - 1]
        if kind == "W":
            return numbers[l - 1][rest[0] - 1][rest[1] - 1]
        return getattr(layers[l - 1].neurons[rest[0] - 1].b, attr)

    def lines(element):
        titles, fields = elements[element]
        return titles + [prefix + ", ".join(format_number(value(k), fmt) for k in keys) + suffix
                         for prefix, keys, suffix in fields]
    return lines


def _captions(show, sizes, trace, fmt, n_kept, n_edges, k):
    """The diagram's caption lines: what it shows, the sample, the edges left out."""
    caption = ("weights W^[l] (edge k → j is W_jk^[l]) and biases b^[l]" if show == "weight"
               else "gradients ∂L/∂W^[l] and ∂L/∂b^[l]")
    captions = [f"MLP {'-'.join(map(str, sizes))}: {caption}"]
    if trace:
        captions.append("a = activations for the sample x = "
                        f"({', '.join(format_number(v, fmt) for v in trace[0])})")
    if n_kept < n_edges:
        symbol = "W_jk^[l]" if show == "weight" else "∂L/∂W_jk^[l]"
        captions.append(f"showing the {k} largest |{symbol}| into each neuron: {n_kept} of "
                        f"{n_edges} edges (strongest=None draws them all)")
    return captions


def _edges(kept, numbers, biggest, lines=None):
    """(the DOT lines of the edges ``kept``, the colours they use); with ``lines`` (an
    element's text) each edge also carries its number near the neuron it feeds."""
    body, colours = [], set()
    for l, j, k in sorted(kept):
        v = numbers[l - 1][j - 1][k - 1]
        tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
        style = _edge_style(v, biggest)
        colours.add(style["color"])
        if lines is not None:
            # Near the head, where the edges into one neuron have spread apart,
            # and never on the column's caption.
            style.update(headlabel=plain_text(lines(f"{tail}->l{l}n{j}")[0]),
                         labeldistance="4", labelangle="0", fontcolor=style["color"],
                         fontsize="9")
        body.append(f"{tail} -> l{l}n{j} {attributes(style)}")
    return body, colours


def _legend(what, colours, biggest, fmt):
    """The legend node: the colours drawn, and what a pen width means."""
    meanings = [(POSITIVE, f"positive {what}"), (NEGATIVE, f"negative {what}"),
                (ZERO, f"{what} exactly 0"), (NONFINITE, f"{what} is nan or inf")]
    entries = [({"bgcolor": c}, text) for c, text in meanings if c in colours]
    entries.append(({}, f"pen width ∝ |{what}|, widest = {format_number(biggest, fmt)}"))
    return legend_node(entries)


def diagram_fields(mlp, show="weight", with_sample=False, edge_labels=False, edges=None):
    """What each element of the network diagram shows, the one description
    :func:`draw_network` writes its labels from and the explorer keeps in step.

    Returns {element id: (title lines, fields)}: element ids are ``x{k}`` (input k),
    ``l{l}n{j}`` (neuron j of layer l) and ``{tail}->l{l}n{j}`` (an edge); a field
    ``(prefix, keys, suffix)`` is the line ``prefix + ", ".join(numbers) + suffix``,
    each key naming one number: ``("x", k)`` the sample's input, ``("a", l, j)`` the
    activation a_j^[l], ``("W", l, j, k)`` and ``("b", l, j)`` the parameters (or their
    gradients with ``show="grad"``).  ``edges``: the (l, j, k) drawn (default all)."""
    layers = mlp_layers(mlp, "diagram_fields()")
    sizes = [len(layers[0].neurons[0].w)] + [len(layer.neurons) for layer in layers]
    W, b = ("W", "b") if show == "weight" else ("∂L/∂W", "∂L/∂b")
    elements = {}
    for k in range(1, sizes[0] + 1):
        elements[f"x{k}"] = ([], [(f"x_{k} = ", [("x", k)], "")]) if with_sample \
            else ([f"x_{k}"], [])
    for l, layer in enumerate(layers, 1):
        act = _symbol(layer.activation)
        for j in range(1, sizes[l] + 1):
            fields = []
            if sizes[l - 1] <= MAX_ROW_LENGTH:
                fields.append((f"{W}_{j} = [", [("W", l, j, k) for k in range(1, sizes[l - 1] + 1)],
                               "]"))
            fields.append((f"{b} = ", [("b", l, j)], ""))
            if with_sample:
                fields.append(("a = ", [("a", l, j)], ""))
            elements[f"l{l}n{j}"] = ([f"{j} · {act}"], fields)
    if edge_labels:
        drawn = edges if edges is not None else {
            (l, j, k) for l in range(1, len(sizes)) for j in range(1, sizes[l] + 1)
            for k in range(1, sizes[l - 1] + 1)}
        for l, j, k in drawn:
            tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
            elements[f"{tail}->l{l}n{j}"] = ([], [("", [("W", l, j, k)], "")])
    return elements


def _symbol(activation):
    """How a diagram names a layer's activation: its record's symbol (σ, ReLU)."""
    record = ACTIVATIONS.get(activation)
    return record.symbol if record is not None else str(activation)


def strongest_edges(numbers, k):
    """The edges (l, j, k') to draw: all when ``k`` is None, else the ``k`` of largest
    |number| into each neuron (nan and inf count as largest).  ``numbers[l−1][j−1]`` is
    row j of W^[l] (or of ∂L/∂W^[l])."""
    kept = set()
    for l, rows in enumerate(numbers, 1):
        for j, row in enumerate(rows, 1):
            order = sorted(range(len(row)), key=lambda i: (
                -(abs(row[i]) if math.isfinite(row[i]) else math.inf), i))
            kept.update((l, j, i + 1) for i in (order if k is None else order[:k]))
    return kept


def _strongest(strongest, n_edges):
    if strongest == "auto":
        return None if n_edges <= READABLE_EDGES else STRONGEST
    if strongest is None:
        return None
    if isinstance(strongest, bool) or not isinstance(strongest, int) or strongest < 1:
        raise ValueError(f"strongest must be 'auto', None or a number of edges ≥ 1 per "
                         f"neuron, got {strongest!r}")
    return strongest


def mlp_layers(mlp, who="draw_network()"):
    """``mlp.layers``, after checking it is an MLP (layers with .neurons and .activation).

    ``who`` names the calling function in the TypeError raised otherwise."""
    layers = getattr(mlp, "layers", None)
    if not layers or not all(getattr(layer, "neurons", None) and hasattr(layer, "activation")
                             for layer in layers):
        raise TypeError(f"{who} needs an MLP (.layers, each with .neurons and .activation), "
                        f"got {type(mlp).__name__} {mlp!r}")
    return layers


def layer_activations(mlp, x):
    """[A^[0], A^[1], …, A^[L]] for one sample x, as lists of floats (A^[0] = x).

    From the MLP's traced forward pass (:meth:`nn.MLP.forward_trace`), run under
    ``no_grad()`` so no graph is recorded: A^[l] = f(W^[l] A^[l−1] + b^[l])."""
    layers = mlp_layers(mlp, "layer_activations()")
    nin = len(layers[0].neurons[0].w)
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != nin:
        raise ValueError(f"x must be one sample of {nin} numbers (the network's inputs), "
                         f"got {x!r}")
    with no_grad():
        trace = mlp.forward_trace(x)
    return [[float(v) for v in x]] + [[a.data for a in A] for _, A in trace]


def _column(index, caption, nodes):
    """One layer's nodes in one rank, in the order given (j = 1 first), its caption last.

    Graphviz reorders a rank's nodes to shorten edges; a chain of invisible edges pins
    them in W^[l]'s row order, first at the top (rankdir LR) or the left (TB).  No
    cluster box: in a cluster, dot turns the chain around (13, …, 16, 1, …, 12)."""
    lines = [f"subgraph layer_{index} {{"]
    for node_id, text, colour in nodes:
        label = "\\n".join(plain_text(t) for t in text)
        node = {"label": label, "shape": "ellipse", "style": "filled", "fillcolor": colour}
        lines.append(f"\t{node_id} {attributes(node)}")
    lines.append(f"\tcaption{index} {attributes({'label': plain_text(caption), 'shape': 'plaintext', 'fontsize': '11', 'fontcolor': '#555555'})}")
    ids = [node_id for node_id, _, _ in nodes] + [f"caption{index}"]
    lines.append("\t{rank=same; " + " -> ".join(ids) + " [style=invis]}")
    lines.append("}")
    return lines


def _edge_style(v, biggest):
    """Colour by sign, pen width 0.5 … 4 by |v| relative to the largest finite |v| drawn."""
    if not math.isfinite(v):
        return {"color": NONFINITE, "penwidth": "4", "style": "dashed"}
    colour = POSITIVE if v > 0 else NEGATIVE if v < 0 else ZERO
    width = 0.5 + 3.5 * abs(v) / biggest if biggest > 0 else 1.0
    return {"color": colour, "penwidth": f"{width:.2f}"}
