"""Training and gradient plots with matplotlib: each function returns the Figure.

Nothing here calls ``plt.show()``, and every figure is released from pyplot's
registry before it is returned, so the functions work with any backend
(including the headless ``Agg``) and a figure shows once in Jupyter, as the
cell's value.  Save one with ``fig.savefig("loss.png")``.

matplotlib (and numpy, which it brings) is imported when a function is
called, so ``import nn`` works without it.
"""

import math

from autograd import Value, grad, no_grad

from ..activations import ACTIVATIONS
from ..module import evaluation
from .diagram import mlp_layers


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("nn.viz.plots needs matplotlib: pip install matplotlib "
                          "(or pip install -e \".[plots]\" for backproplab's extras)") from None
    return plt


def _figure(nrows=1, ncols=1, **kwargs):
    """A new figure and its axes, already released from pyplot (see the module notes)."""
    plt = _pyplot()
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, **kwargs)
    plt.close(fig)
    return fig, axes


# -- training curves ---------------------------------------------------------------

def plot_history(history, title=None):
    """Loss (and accuracy, when recorded) per epoch, training and validation.

    ``history`` is a :class:`nn.train.History` or its ``.history`` dict with
    lists "loss", and optionally "val_loss", "accuracy", "val_accuracy" (one
    entry per epoch; ``None`` entries are left as gaps)."""
    record = getattr(history, "history", history)
    if not isinstance(record, dict):
        raise TypeError(f"plot_history() needs a History or its .history dict, got "
                        f"{type(history).__name__} {history!r}")
    if not record.get("loss"):
        raise ValueError(f"plot_history() needs a non-empty 'loss' list; the history has "
                         f"keys {sorted(record)}")
    panels = [("loss", "loss", "val_loss")]
    if _has_numbers(record.get("accuracy")) or _has_numbers(record.get("val_accuracy")):
        panels.append(("accuracy", "accuracy", "val_accuracy"))
    fig, axes = _figure(1, len(panels), figsize=(5.5 * len(panels), 4), layout="constrained")
    from matplotlib.ticker import MaxNLocator

    for ax, (name, train_key, val_key) in zip(axes[0], panels):
        for key, label, style in [(train_key, "train", "-o"), (val_key, "validation", "--s")]:
            values = record.get(key)
            if _has_numbers(values):
                epochs = range(1, len(values) + 1)
                ax.plot(epochs, [math.nan if v is None else v for v in values], style,
                        label=label, markersize=3)
        ax.set(title=name, xlabel="epoch", ylabel=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def _has_numbers(values):
    return bool(values) and any(v is not None for v in values)


# -- decision boundary ----------------------------------------------------------------

def plot_decision_boundary(model, X, y, resolution=60, ax=None, title=None):
    """The classes ``model`` predicts over the plane, with the dataset (X, y) on top.

    ``X`` holds 2-number samples, ``y`` their labels.  A model with one output
    predicts the larger label where its output exceeds the threshold (0.5 after
    a sigmoid output layer, else 0: a logit or a hinge score) and the smaller
    label elsewhere; a model with several outputs predicts the label
    ``argmax`` (labels 0 … K−1).  The ``resolution`` × ``resolution`` grid is
    evaluated under ``no_grad()`` in evaluation mode (dropout off); the mode is
    restored afterwards.  Draws into ``ax`` if given; returns the Figure."""
    points, labels = _dataset(X, y)
    if not isinstance(resolution, int) or isinstance(resolution, bool) or resolution < 2:
        raise ValueError(f"resolution must be an int ≥ 2 (grid points per axis), "
                         f"got {resolution!r}")
    import numpy as np  # matplotlib's own dependency

    xs, ys = zip(*points)
    grid_x = np.linspace(*_span(xs), resolution)
    grid_y = np.linspace(*_span(ys), resolution)
    with evaluation(model), no_grad():
        predict, names = _predictor(model, labels, points[0])
        regions = np.array([[predict([a, b]) for a in grid_x] for b in grid_y])
    if ax is None:
        fig, axes = _figure(figsize=(5.5, 5), layout="constrained")
        ax = axes[0][0]
    colours = _class_colours(len(names))
    from matplotlib.colors import ListedColormap

    # One flat cell per grid point: contouring class indices would interpolate
    # between them and invent thin bands of a third class along boundaries.
    ax.pcolormesh(grid_x, grid_y, regions, shading="nearest", cmap=ListedColormap(colours),
                  vmin=-0.5, vmax=len(names) - 0.5, alpha=0.3)
    for i, name in enumerate(names):
        chosen = [p for p, label in zip(points, labels) if label == name]
        if chosen and name not in names[:i]:
            ax.scatter(*zip(*chosen), color=colours[i], edgecolors="black", linewidths=0.5,
                       s=22, label=f"class {name:g}")
    ax.set(xlabel="x₁", ylabel="x₂", title=title or "decision boundary")
    ax.legend(loc="best")
    return ax.figure


def _dataset(X, y):
    points = [list(map(float, x)) for x in X]
    labels = [float(v) for v in y]
    if not points or len(points) != len(labels):
        raise ValueError(f"X and y must be non-empty and of the same length; got {len(points)} "
                         f"samples and {len(labels)} labels")
    for i, p in enumerate(points):
        if len(p) != 2:
            raise ValueError(f"plot_decision_boundary() draws 2-D inputs; sample {i} has "
                             f"{len(p)} numbers: {X[i]!r}")
    return points, labels


def _span(values):
    low, high = min(values), max(values)
    pad = 0.1 * (high - low) or 0.5
    return low - pad, high + pad


def _predictor(model, labels, sample):
    """(x -> index of the predicted region, the label each region index stands for)."""
    out = model(sample)
    classes = sorted(set(labels))
    if isinstance(out, Value):
        if len(classes) > 2:
            raise ValueError(f"the model has one output, which separates two classes, but y "
                             f"has {len(classes)} labels: {classes}")
        # the output between the two classes: 0.5 for σ, 0 for tanh and for a logit
        activations = getattr(model, "activations", None)
        output = ACTIVATIONS.get(activations[-1]) if activations else None
        threshold = output.midpoint if output is not None else 0.0
        return (lambda x: 1 if model(x).data > threshold else 0), [classes[0], classes[-1]]
    names = [float(k) for k in range(len(out))]
    if not set(classes) <= set(names):
        raise ValueError(f"the model has {len(out)} outputs, so labels must be 0 … "
                         f"{len(out) - 1}; y has {classes}")

    def predict(x):
        scores = [v.data for v in model(x)]
        return scores.index(max(scores))

    return predict, names


def _class_colours(n):
    # Two classes: the ends of a diverging map (blue, red); more: tab10.
    if n <= 2:
        return ["#3b4cc0", "#b40426"][:n]
    return [_pyplot().get_cmap("tab10")(i % 10) for i in range(n)]


# -- gradients and activations --------------------------------------------------------

def plot_gradient_flow(model, log=False, title=None):
    """Mean and max |∂L/∂W^[l]| per layer, as bars (call ``loss.backward()`` first).

    Healthy training shows bars of similar height across layers; bars falling
    towards the input layer are vanishing gradients.  ``log=True`` uses a log
    scale, which shows gradients many orders of magnitude apart."""
    layers = mlp_layers(model, "plot_gradient_flow()")
    means, maxima, names = [], [], []
    for l, layer in enumerate(layers, 1):
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        means.append(sum(grads) / len(grads))
        maxima.append(max(grads))
        names.append(f"layer {l}\n{getattr(layer, 'activation', '')}")
    fig, axes = _figure(figsize=(max(4.5, 1.3 * len(layers) + 2), 4), layout="constrained")
    ax = axes[0][0]
    positions = range(len(layers))
    ax.bar([p - 0.2 for p in positions], maxima, width=0.4, color="#9ecae1", label="max |grad|")
    ax.bar([p + 0.2 for p in positions], means, width=0.4, color="#3182bd", label="mean |grad|")
    ax.set_xticks(list(positions), names)
    ax.set(ylabel="|∂L/∂W^[l]|", title=title or "gradient flow")
    if log and any(m > 0 for m in maxima):
        ax.set_yscale("log")
    if not any(maxima):
        ax.text(0.5, 0.5, "every gradient is 0: call loss.backward() first",
                transform=ax.transAxes, ha="center")
    ax.legend()
    return fig


def plot_activations(names=("sigmoid", "tanh", "relu"), z_range=(-6.0, 6.0), points=241):
    """Each activation f beside its derivative f′, the engine's beside the hand formula.

    The engine's f′(z) is ``autograd.grad(f(Value(z)), z)`` at every plotted z;
    the hand formula of the activation's record (σ(1 − σ), 1 − a², the ReLU
    step, …) is drawn over it dashed, so any disagreement shows.  Names: the
    element-wise activations of :data:`nn.activations.ACTIVATIONS`."""
    plottable = [name for name, record in ACTIVATIONS.items() if record.elementwise]
    for name in names:
        if name not in plottable:
            raise ValueError(f"unknown activation {name!r}; plot_activations() knows "
                             f"{', '.join(plottable)} (softmax acts on a whole layer)")
    low, high = z_range
    if not low < high or not isinstance(points, int) or points < 2:
        raise ValueError(f"need z_range = (low, high) with low < high and points ≥ 2; got "
                         f"z_range={z_range!r}, points={points!r}")
    zs = [low + (high - low) * i / (points - 1) for i in range(points)]
    fig, axes = _figure(len(names), 2, figsize=(9, 2.6 * len(names)), layout="constrained")
    for row, name in zip(axes, names):
        record = ACTIVATIONS[name]
        engine, df, formula = record.fn, record.hand_derivative, record.f_prime()
        inputs = [Value(z) for z in zs]
        row[0].plot(zs, [engine(v).data for v in inputs], color="#3182bd")
        row[0].set(title=f"{name}(z)", xlabel="z")
        row[1].plot(zs, [grad(engine(v), v) for v in inputs], color="#3182bd", linewidth=3,
                    alpha=0.6, label="engine: autograd.grad")
        row[1].plot(zs, [df(z) for z in zs], "--", color="black", label=f"hand: {formula}")
        row[1].set(title=f"{name}′(z)", xlabel="z")
        row[1].legend(fontsize=8)
        for ax in row:
            ax.grid(alpha=0.3)
    return fig


def plot_saturation(model, X, title=None):
    """Share of each layer's units that are saturated over the samples X.

    Saturated is the rule of the activation's record: tanh |a| > 0.97; sigmoid
    and softmax a < 0.03 or a > 0.97 (σ′ < 0.03, so little gradient passes);
    ReLU a = 0 (inactive: no gradient passes at all).  Layers whose activation
    has no rule (linear, leaky ReLU, softplus, GELU, SiLU) are shown as n/a."""
    layers = mlp_layers(model, "plot_saturation()")
    samples = [list(x) for x in X]
    if not samples:
        raise ValueError("plot_saturation() needs at least one sample in X")
    counts = [0] * len(layers)
    rules = [ACTIVATIONS[layer.activation].saturation for layer in layers]
    with evaluation(model), no_grad():
        for x in samples:
            for l, (_, a) in enumerate(model.forward_trace(x)):
                if rules[l]:
                    counts[l] += sum(rules[l][1](v.data) for v in a)
    fig, axes = _figure(figsize=(max(4.5, 1.3 * len(layers) + 2), 4), layout="constrained")
    ax = axes[0][0]
    names, shares = [], []
    for l, layer in enumerate(layers):
        rule = rules[l]
        names.append(f"layer {l + 1}\n{layer.activation}\n"
                     + (rule[0] if rule else "n/a"))
        shares.append(counts[l] / (len(samples) * len(layer.neurons)) if rule else 0.0)
    ax.bar(range(len(layers)), shares, color="#e6550d")
    ax.set_xticks(list(range(len(layers))), names, fontsize=8)
    ax.set(ylim=(0, 1), ylabel="share of units saturated", title=title or "saturation")
    return fig
