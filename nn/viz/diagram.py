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

The result is the same :class:`~autograd.viz.picture.Picture` (a
``graphviz.Digraph``) as :func:`autograd.draw_dot`: ``.source``, ``.render()``,
``.pipe()``, inline SVG in Jupyter, rendering bounded in time and size.
"""

import math

from autograd import no_grad
from autograd.viz.dot import attributes, format_number, legend_node, plain_text
from autograd.viz.draw import NOTEBOOK_SIZE, new_picture
from autograd.viz.render import RENDER_TIMEOUT

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

_ACTIVATION_NAMES = {"relu": "ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "linear",
                     "softplus": "softplus"}


def draw_network(mlp, show="weight", x=None, fmt="{:.2f}", rankdir="LR", legend=True,
                 edge_labels=False, *, format="svg", size=NOTEBOOK_SIZE, max_edges=MAX_EDGES,
                 timeout=RENDER_TIMEOUT):
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

    def num(v):
        return format_number(v, fmt)

    caption = ("weights W^[l] (edge k → j is W_jk^[l]) and biases b^[l]" if show == "weight"
               else "gradients ∂L/∂W^[l] and ∂L/∂b^[l]")
    lines = [f"MLP {'-'.join(map(str, sizes))}: {caption}"]
    if trace:
        lines.append(f"a = activations for the sample x = ({', '.join(num(v) for v in trace[0])})")
    head = {"rankdir": rankdir, "label": "\\n".join(plain_text(t) for t in lines), "labelloc": "t",
            "nodesep": "0.3", "ranksep": "2.2" if edge_labels else "1.2", "newrank": "true"}
    if size:
        head["size"] = size
    body = _cluster(0, "input A^[0] = x", [
        (f"x{k}", [f"x_{k}" + (f" = {num(trace[0][k - 1])}" if trace else "")], INPUT_FILL)
        for k in range(1, sizes[0] + 1)], rankdir)
    bias_name = "b" if show == "weight" else "∂L/∂b"
    row_name = "W" if show == "weight" else "∂L/∂W"
    for l, layer in enumerate(layers, 1):
        act = _ACTIVATION_NAMES.get(layer.activation, layer.activation)
        last = l == len(layers)
        neurons = []
        for j, neuron in enumerate(layer.neurons, 1):
            text = [f"{j} · {act}"]
            if len(numbers[l - 1][j - 1]) <= MAX_ROW_LENGTH:
                row = ", ".join(num(v) for v in numbers[l - 1][j - 1])
                text.append(f"{row_name}_{j} = [{row}]")
            text.append(f"{bias_name} = {num(getattr(neuron.b, attr))}")
            if trace:
                text.append(f"a = {num(trace[l][j - 1])}")
            neurons.append((f"l{l}n{j}", text, OUTPUT_FILL if last else NEURON_FILL))
        body += _cluster(l, f"layer {l} · {act}" + (" (output)" if last else ""), neurons,
                         rankdir)
    colours = set()
    for l, W in enumerate(numbers, 1):
        for j, row in enumerate(W, 1):
            for k, v in enumerate(row, 1):
                tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                style = _edge_style(v, biggest)
                colours.add(style["color"])
                if edge_labels:
                    # Near the head, where the edges into one neuron have spread apart,
                    # and never on the cluster's title.
                    style.update(headlabel=num(v), labeldistance="4", labelangle="0",
                                 fontcolor=style["color"], fontsize="9")
                body.append(f"{tail} -> l{l}n{j} {attributes(style)}")
    if legend:
        what = "weight" if show == "weight" else "gradient"
        meanings = [(POSITIVE, f"positive {what}"), (NEGATIVE, f"negative {what}"),
                    (ZERO, f"{what} exactly 0"), (NONFINITE, f"{what} is nan or inf")]
        entries = [({"bgcolor": c}, text) for c, text in meanings if c in colours]
        entries.append(({}, f"pen width ∝ |{what}|, widest = {num(biggest)}"))
        body.append(legend_node(entries))
    return new_picture("network", format, head, body, n_edges, max_edges, timeout,
                       f"The {'-'.join(map(str, sizes))} network has {n_edges} weights, more "
                       f"than max_edges={max_edges}. Draw a smaller network, or pass "
                       f"max_edges=None to render anyway.")


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


def _cluster(index, caption, nodes, rankdir):
    """A boxed column of nodes, one layer, kept in the order given (j = 1 first).

    Graphviz reorders a rank's nodes to shorten edges; invisible edges between
    consecutive neurons of one rank pin them in W^[l]'s row order."""
    style = {"label": plain_text(caption), "style": "rounded", "color": "#bbbbbb",
             "labelloc": "b", "fontsize": "11"}
    lines = [f"subgraph cluster_{index} {{", f"\tgraph {attributes(style)}"]
    for node_id, text, colour in nodes:
        label = "\\n".join(plain_text(t) for t in text)
        node = {"label": label, "shape": "ellipse", "style": "filled", "fillcolor": colour}
        lines.append(f"\t{node_id} {attributes(node)}")
    ids = [node_id for node_id, _, _ in nodes]
    if rankdir in ("LR", "RL"):  # the layout is turned: a rank's first node ends up last
        ids.reverse()
    if len(ids) > 1:
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
