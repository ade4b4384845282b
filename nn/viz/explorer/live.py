"""Live training in Jupyter: ``fit(model, X, y, live=True)``, or ``callbacks=[LiveTraining(X, y)]``.

After an epoch, the widget shows the network diagram with the current weights W^[l]
(edge colour = sign, width ∝ |W_jk^[l]|, label = value) and biases, the largest
gradient |∂L/∂W^[l]| of each layer (from the epoch's last batch), the training
loss per epoch and, for two inputs, the decision boundary over the data.

The diagram is laid out once, when training begins (before the clock starts: a
layout is a Graphviz run, about as long as a whole short training), and every frame
only recolours and relabels it; the widget shows the epoch counter, the loss curve
(linear or log scale) and the boundary.

**Throttling.**  Drawing costs time (the decision boundary is a forward pass per
grid point), so after an epoch a frame is drawn only when drawing it, at the cost of
the last frame, keeps the time spent drawing within ``budget`` × the time training
has run, and at least ``min_gap`` seconds after the last frame: the overhead stays
under about ``budget`` (plus one last frame at the end), however fast or slow an
epoch is, and a frame of cost c comes every c / ``budget`` seconds, every 0.3 s for
the README's 2-16-16-1 network (one epoch apart when an epoch takes longer).
``benchmarks/bench_live.py`` measures it.
"""

import math
import time
from operator import mul

from ...activations import ACTIVATIONS
from ..diagram import READABLE_EDGES, diagram_fields, mlp_layers
from .formulas import number
from .pictures import network_svg

_NEEDS_ANYWIDGET = ("live training shows a Jupyter widget and needs anywidget: "
                    "pip install 'backproplab[explorer]'")


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _as_probability(output, activation):
    """A model output mapped to [0, 1] for colouring: the positive class's share (an
    output between its activation's bounds, σ(output) for an unbounded one)."""
    if isinstance(output, list):
        return max(range(len(output)), key=output.__getitem__) / max(len(output) - 1, 1)
    bounds = ACTIVATIONS[activation].bounds
    if bounds is not None:
        low, high = bounds
        return (output - low) / (high - low)
    return 1 / (1 + math.exp(-max(min(output, 700.0), -700.0)))


def float_outputs(layers, points):
    """The model's outputs at ``points`` on plain floats: Z^[l] = W^[l]A^[l−1] + b^[l] with
    the float arithmetic of ``ops.dot`` (Σₖ wₖxₖ + b), A^[l] = f(Z^[l]) by the activation
    record's float form (:meth:`nn.activations.Activation.on_float`).  The same numbers
    as ``predict`` without building nodes, which is what keeps a frame of the decision
    boundary cheap."""
    params = [([[w.data for w in n.w] for n in layer.neurons],
               [n.b.data for n in layer.neurons], ACTIVATIONS[layer.activation])
              for layer in layers]
    outputs = []
    for x in points:
        a = [float(v) for v in x]
        for W, b, record in params:
            z = [sum(map(mul, row, a), -0.0) + bias for row, bias in zip(W, b)]
            a = record.on_float(z) if not record.elementwise else list(map(record.on_float, z))
        outputs.append(a[0] if len(a) == 1 else a)
    return outputs


def _parameter(layers, key):
    """The parameter a diagram key ("W", l, j, k) or ("b", l, j) names."""
    kind, l, j, *k = key
    neuron = layers[l - 1].neurons[j - 1]
    return neuron.w[k[0] - 1] if kind == "W" else neuron.b


def _positive(target):
    if isinstance(target, (list, tuple)):
        return max(range(len(target)), key=target.__getitem__) > 0
    return target > 0


class LiveTraining:
    """A ``fit`` callback that shows training as it runs (see the module docs).

    - ``X``, ``y``: the training data (the boundary is drawn over X when n_0 = 2);
    - ``budget``: the largest share of training time spent drawing (default 0.1);
    - ``grid``: the boundary's resolution, grid × grid points;
    - ``display``: show the widget when training begins (in IPython);
    - ``min_gap``: the fewest seconds between two frames (a browser needs no more).

    ``frames`` counts the frames drawn, ``drawing_seconds`` their total cost (the
    diagram's layout, ``layout_seconds``, comes before training and is not part of it).
    """

    MIN_GAP = 0.1

    def __init__(self, X, y, budget=0.1, grid=24, display=True, min_gap=MIN_GAP):
        try:
            from .widget import LiveWidget
        except ImportError:
            raise ImportError(_NEEDS_ANYWIDGET) from None
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) \
                or not 0 < budget < 1:
            raise ValueError(f"LiveTraining: budget must be a fraction in (0, 1), got {budget!r}")
        if isinstance(grid, bool) or not isinstance(grid, int) or not 2 <= grid <= 200:
            raise ValueError(f"LiveTraining: grid must be an integer in [2, 200], got {grid!r}")
        if isinstance(min_gap, bool) or not isinstance(min_gap, (int, float)) or min_gap < 0:
            raise ValueError(f"LiveTraining: min_gap must be a number of seconds ≥ 0, got "
                             f"{min_gap!r}")
        self.X, self.y = list(X), list(y)
        self.budget, self.grid, self.display, self.min_gap = budget, grid, display, min_gap
        self.widget = LiveWidget()
        self.frames = 0
        self.drawing_seconds = self.layout_seconds = 0.0
        self.frame_ends = []
        self.losses = []
        self._clock = time.perf_counter

    def on_train_begin(self, model):
        """Lay out the diagram and show the widget, then start the clock."""
        t0 = self._clock()
        self.losses = []
        self._grid_points = self._grid() if len(self.X[0]) == 2 else None
        # Laid out once, here, so the first frame only recolours it like every other.
        edges = sum(len(n.w) for layer in mlp_layers(model, "LiveTraining")
                    for n in layer.neurons)
        self.widget.diagram_svg = network_svg(model, legend=False,
                                              edge_labels=edges <= READABLE_EDGES)
        # Frame 0, the untrained model, drawn here too: it shows at once, and the cost of
        # a frame is known before any frame has to fit in the budget.
        t1 = self._clock()
        self._draw(-1, model)
        self._last_cost = self._clock() - t1
        if self.display and _in_notebook():
            from IPython.display import display

            display(self.widget)
        self.started = self._clock()
        self.layout_seconds = self.started - t0
        self._last_frame = self.started

    def on_epoch_end(self, epoch, logs, model):
        """Record the epoch's loss; draw a frame if the budget allows."""
        self.losses.append(logs["loss"])
        now = self._clock()
        training = now - self.started - self.drawing_seconds
        affordable = self.drawing_seconds + self._last_cost <= self.budget * training
        rested = now - self._last_frame >= self.min_gap
        if affordable and rested:
            self._timed(lambda: self._draw(epoch, model))

    def on_train_end(self, history, model):
        """Draw the final state, whatever the budget."""
        self._timed(lambda: self._draw(len(self.losses) - 1, model, final=True))

    def _timed(self, draw):
        t0 = self._clock()
        draw()
        self._last_frame = self._clock()
        self._last_cost = self._last_frame - t0
        self.drawing_seconds += self._last_cost
        self.frame_ends.append(self._last_frame - self.started)

    def _grid(self):
        us = [x[0] for x in self.X]
        vs = [x[1] for x in self.X]
        (u0, u1), (v0, v1) = (min(us), max(us)), (min(vs), max(vs))
        pad_u, pad_v = 0.1 * (u1 - u0 or 1), 0.1 * (v1 - v0 or 1)
        self._box = (u0 - pad_u, u1 + pad_u, v0 - pad_v, v1 + pad_v)
        n = self.grid
        return [[self._box[0] + (self._box[1] - self._box[0]) * c / (n - 1),
                 self._box[2] + (self._box[3] - self._box[2]) * r / (n - 1)]
                for r in range(n) for c in range(n)]

    def frame(self, epoch, model, final=False):
        """The numbers the widget shows after ``epoch`` (a JSON-ready dict)."""
        layers = mlp_layers(model, "LiveTraining")
        biggest = max((abs(w.data) for layer in layers for n in layer.neurons for w in n.w
                       if math.isfinite(w.data)), default=0.0) or 1.0
        edges = {}
        for l, layer in enumerate(layers, 1):
            for j, neuron in enumerate(layer.neurons, 1):
                for k, w in enumerate(neuron.w, 1):
                    tail = f"x{k}" if l == 1 else f"l{l - 1}n{k}"
                    width = 0.5 + 4.5 * min(abs(w.data) / biggest, 1.0) \
                        if math.isfinite(w.data) else 1.0
                    edges[f"{tail}->l{l}n{j}"] = {"weight": w.data, "grad": w.grad,
                                                  "width": round(width, 2),
                                                  "label": number(w.data, 3)}
        # every number a neuron shows (its row of W^[l], its bias), as the diagram writes it
        neurons = {}
        for element, (_, fields) in diagram_fields(model).items():
            if element.startswith("l"):
                neurons[element] = [[prefix, prefix + ", ".join(
                    number(_parameter(layers, key).data, 3) for key in keys) + suffix]
                    for prefix, keys, suffix in fields]
        gradients = [f"max |∂L/∂W^[{l}]| = " + number(max(
            (abs(w.grad) for n in layer.neurons for w in n.w), default=0.0), 3)
            for l, layer in enumerate(layers, 1)]
        loss = self.losses[-1] if self.losses else math.nan
        state = "finished" if final else "training" if self.losses else "starting"
        frame = {"epoch": epoch + 1, "losses": self.losses[:], "edges": edges,
                 "neurons": neurons, "grid": None, "points": [], "gradients": gradients,
                 "status": f"{state}: epoch {epoch + 1}, loss {number(loss, 4)}"
                 if self.losses else "the untrained network, before epoch 1"}
        if self._grid_points is not None:
            activation = layers[-1].activation
            outputs = float_outputs(layers, self._grid_points)
            n = self.grid
            frame["grid"] = [[_as_probability(outputs[r * n + c], activation)
                              for c in range(n)] for r in range(n)]
            u0, u1, v0, v1 = self._box
            frame["points"] = [[(x[0] - u0) / (u1 - u0), (x[1] - v0) / (v1 - v0),
                                int(_positive(t))] for x, t in zip(self.X, self.y)]
        return frame

    def _draw(self, epoch, model, final=False):
        self.widget.frame = self.frame(epoch, model, final)
        self.frames += 1
