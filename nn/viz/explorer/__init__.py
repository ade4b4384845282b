"""Step through backprop: an explorer for a scalar graph or one step of a network.

::

    from nn.viz.explorer import explore
    explore(loss)                                   # any Value: forward, backward
    explore(loss, params=[w, b], lr=0.1)            # ... and the update θ ← θ − α ∂L/∂θ
    explore(mlp, X, Y, loss="bce", lr=0.1)          # an MLP on a batch, with the tables
    explore("lecture_2221").save_html("walk.html")     # a network file or shipped example

In Jupyter the result is a widget (with anywidget installed:
``pip install 'backproplab[explorer]'``) in which a learner can also click a weight,
an input or a target, type a new number and see every number recomputed by the
engine; without anywidget, an object that shows the same page embedded.  Outside
Jupyter it is an :class:`Explorer`, whose repr says what to do with it; either way
``.save_html(path)`` writes one offline HTML file.
``fit(..., live=True)`` shows training live (:class:`LiveTraining`).
"""

import os
from importlib import resources

from autograd import Value
from autograd.viz.draw import needs_value

from ...explain.network_file import load_network
from .explorer import Explorer
from .live import LiveTraining
from .sources import GraphSource, NetworkSource

__all__ = ["explore", "Explorer", "LiveTraining", "example_path"]


def example_path(name):
    """The path of the shipped example network ``name`` (see ``backprop examples``)."""
    folder = resources.files("nn").joinpath("examples")
    path = folder.joinpath(f"{name}.json")
    if not path.is_file():
        known = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
        raise ValueError(f"explore(): {name!r} is neither a file nor a shipped example; "
                         f"examples: {', '.join(known)}")
    return path


def _network_file(target):
    path = os.fspath(target)
    if not os.path.exists(path) and os.sep not in path and not path.endswith(".json"):
        path = example_path(path)
    return load_network(path)


def _source(target, X, Y, loss, lr, params, title, constants):
    if isinstance(target, Value):
        if X is not None or Y is not None or loss is not None:
            raise TypeError("explore(loss) takes no X, Y or loss: the graph of a Value is "
                            "already built; pass a model to explore a network on data")
        return GraphSource(target, params=params, lr=lr, title=title, constants=constants)
    if constants is not None:
        raise TypeError("explore(): constants= is for a Value graph; a network's targets are "
                        "constants already")
    if isinstance(target, (str, os.PathLike)):
        if X is not None or Y is not None:
            raise TypeError("explore(network_file) takes its inputs and targets from the file; "
                            "got X or Y as well")
        model, X, Y, file_loss, file_lr = _network_file(target)
        return NetworkSource(model, X, Y, loss=loss or file_loss,
                             lr=lr if lr is not None else file_lr, title=title)
    if hasattr(target, "layers"):
        if X is None or Y is None:
            raise TypeError("explore(model, X, Y): a network needs inputs X and targets Y")
        return NetworkSource(target, X, Y, loss=loss or "bce", lr=lr, title=title)
    raise needs_value("explore()", "an autograd.Value, an MLP with X and Y, or a network file",
                      target)


def _in_jupyter_kernel():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def explore(target, X=None, Y=None, *, loss=None, lr=None, params=(), title=None,
            constants=None):
    """An explorer of ``target``'s forward pass, backward pass and update, step by step.

    - ``target`` a :class:`~autograd.Value`: its graph, node by node; with
      ``params`` (leaves) and ``lr`` also the update θ ← θ − α ∂L/∂θ.  The graph's
      gradients are left as one ``backward()`` from ``target`` leaves them.
    - ``target`` an MLP, with ``X`` (a sample or a batch) and ``Y``: one step of
      gradient descent with loss ``loss`` (default "bce") and ``lr``, the scalar
      graph of L = (1/m) Σᵢ Lᵢ and the tables of ``backprop explain``: Z^[l] = W^[l]A^[l−1] + b^[l],
      A^[l] = f(Z^[l]), δ^[l], ∂L/∂W^[l] = (1/m) δ^[l](A^[l−1])ᵀ, ∂L/∂b^[l], the update.
      The model is not changed.
    - ``target`` a network file path or the name of a shipped example ("lecture_2221"):
      that network, its data, loss and lr (``loss``/``lr`` override the file's).
    - ``constants``: for a Value graph, leaves to show as numbers with no gradient (a
      labelled target y), besides those without a label (as :func:`autograd.draw_dot`
      draws them); a network's targets are constants.

    In a Jupyter kernel with anywidget installed, returns the widget (values can be
    edited there); otherwise an :class:`Explorer`.  Both have ``.script`` (every step's
    numbers) and ``.save_html(path)``.
    """
    source = _source(target, X, Y, loss, lr, params, title, constants)
    if _in_jupyter_kernel():
        try:
            from .widget import ExplorerWidget
        except ImportError:
            pass
        else:
            return ExplorerWidget(source)
    return Explorer(source.script())
