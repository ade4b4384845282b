"""Network diagrams: neurons in layers, edges coloured and sized by weight or gradient.

:func:`draw_network` draws an MLP the way the seeds do: the input layer
A^[0] = x, then each layer l's neurons, with an edge from neuron k of layer
l−1 to neuron j of layer l for every weight W_jk^[l] (row j of W^[l] holds
neuron j's incoming weights).  An edge's colour is its number's sign (blue
positive, red negative), its pen width grows with |number|, and its label is the
number.  Each neuron shows its activation and its bias b_j^[l]; given an
input ``x`` it also shows its activation a_j^[l].

``show="grad"`` draws ∂L/∂W^[l] and ∂L/∂b^[l] instead (after ``loss.backward()``),
so the same picture shows where the gradient is large, small or zero.

The result is the same :class:`~autograd.render.Picture` as
:func:`autograd.draw_dot`: ``.source``, ``.render(path)``, inline SVG in Jupyter.
"""

import math

from autograd import no_grad
from autograd.draw import format_number
from autograd.render import Picture, attributes, legend_node, plain_text

POSITIVE = "#1f77b4"
NEGATIVE = "#d62728"
ZERO = "#9e9e9e"
NONFINITE = "#000000"
INPUT_FILL = "#cfe8ff"
NEURON_FILL = "#fff2b3"
OUTPUT_FILL = "#b9f0b9"

SHOWS = ("weight", "grad")
MAX_LABELLED_EDGES = 64
"""With ``edge_labels=None``, edges carry numbers only up to this many edges."""

_ACTIVATION_NAMES = {"relu": "ReLU", "sigmoid": "σ", "tanh": "tanh", "linear": "linear",
                     "softplus": "softplus"}


def draw_network(mlp, show="weight", x=None, fmt="{:.2f}", rankdir="LR", legend=True,
                 edge_labels=None):
    """A diagram of ``mlp``'s neurons and weights, as a :class:`~autograd.render.Picture`.

    - ``show``: "weight" draws W^[l] and b^[l]; "grad" draws ∂L/∂W^[l] and ∂L/∂b^[l]
      (the ``.grad`` of each parameter, so call ``loss.backward()`` first).
    - ``x``: an input sample (n_0 numbers); each neuron then also shows
      a_j^[l] = f(Σₖ W_jk^[l] a_k^[l−1] + b_j^[l]), computed under ``no_grad()``.
    - ``fmt``: number format; a nonzero number that would print as zeros is
      shown in e-notation.
    - ``rankdir``: "LR" (inputs left) or "TB" (inputs on top), or "RL", "BT".
    - ``legend``: add the table of colours.
    - ``edge_labels``: write each edge's number on it; None does so when the
      network has at most :data:`MAX_LABELLED_EDGES` weights.
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
    if edge_labels is None:
        edge_labels = sum(a * b for a, b in zip(sizes, sizes[1:])) <= MAX_LABELLED_EDGES

    def num(v):
        return format_number(v, fmt)

    caption = ("weights W^[l] (edge k → j is W_jk^[l]) and biases b^[l]" if show == "weight"
               else "gradients ∂L/∂W^[l] and ∂L/∂b^[l]")
    head = {"rankdir": rankdir, "label": plain_text(f"MLP {'-'.join(map(str, sizes))}: {caption}"),
            "labelloc": "t", "nodesep": "0.4", "ranksep": "1.4"}
    lines = ["digraph network {", f"  graph {attributes(head)};"]
    lines += _cluster(0, "input A^[0] = x", [
        (f"x{k}", [f"x{k}" + (f" = {num(trace[0][k - 1])}" if trace else "")], INPUT_FILL)
        for k in range(1, sizes[0] + 1)])
    bias_name = "b" if show == "weight" else "∂L/∂b"
    for l, layer in enumerate(layers, 1):
        act = _ACTIVATION_NAMES.get(layer.activation, layer.activation)
        last = l == len(layers)
        neurons = []
        for j, neuron in enumerate(layer.neurons, 1):
            text = [act, f"{bias_name} = {num(getattr(neuron.b, attr))}"]
            if trace:
                text.append(f"a = {num(trace[l][j - 1])}")
            neurons.append((f"l{l}n{j}", text, OUTPUT_FILL if last else NEURON_FILL))
        lines += _cluster(l, f"layer {l} · {act}" + (" (output)" if last else ""), neurons)
    colours = set()
    for l, W in enumerate(numbers, 1):
        for j, row in enumerate(W, 1):
            for k, v in enumerate(row, 1):
                tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                style = _edge_style(v, biggest)
                colours.add(style["color"])
                if edge_labels:
                    style.update(label=num(v), fontcolor=style["color"], fontsize="10")
                lines.append(f"  {tail} -> l{l}n{j} {attributes(style)};")
    if legend:
        what = "weight" if show == "weight" else "gradient"
        meanings = [(POSITIVE, f"positive {what}"), (NEGATIVE, f"negative {what}"),
                    (ZERO, f"{what} exactly 0"), (NONFINITE, f"{what} is nan or inf")]
        entries = [({"bgcolor": c}, text) for c, text in meanings if c in colours]
        entries.append(({}, f"pen width ∝ |{what}|, widest = {num(biggest)}"))
        lines.append(legend_node(entries))
    lines.append("}")
    return Picture("\n".join(lines) + "\n")


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

    Computed layer by layer under ``no_grad()`` (no graph is recorded), each
    A^[l] = f(W^[l] A^[l−1] + b^[l]) from ``mlp.layers[l−1](A^[l−1])``."""
    layers = mlp_layers(mlp, "layer_activations()")
    nin = len(layers[0].neurons[0].w)
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != nin:
        raise ValueError(f"x must be one sample of {nin} numbers (the network's inputs), "
                         f"got {x!r}")
    a = [float(v) for v in x]
    trace = [a]
    with no_grad():
        for layer in layers:
            a = [v.data for v in layer(a)]
            trace.append(a)
    return trace


def _cluster(index, caption, nodes):
    """A boxed column of nodes: one layer of the network."""
    lines = [f"  subgraph cluster_{index} {{",
             f"    graph {attributes({'label': plain_text(caption), 'style': 'rounded', 'color': '#bbbbbb'})};"]
    for node_id, text, colour in nodes:
        label = "\\n".join(plain_text(t) for t in text)
        style = {"label": label, "shape": "ellipse", "style": "filled", "fillcolor": colour}
        lines.append(f"    {node_id} {attributes(style)};")
    lines.append("  }")
    return lines


def _edge_style(v, biggest):
    """Colour by sign, pen width 0.5 … 4 by |v| relative to the largest finite |v| drawn."""
    if not math.isfinite(v):
        return {"color": NONFINITE, "penwidth": "4", "style": "dashed"}
    colour = POSITIVE if v > 0 else NEGATIVE if v < 0 else ZERO
    width = 0.5 + 3.5 * abs(v) / biggest if biggest > 0 else 1.0
    return {"color": colour, "penwidth": f"{width:.2f}"}
