"""Step through backprop: an explorer for a scalar graph or one step of a network.

::

    from nn.viz.explorer import explore
    explore(loss)                                   # any Value: forward, backward
    explore(loss, params=[w, b], lr=0.1)            # ... and the update θ ← θ − α ∂L/∂θ
    explore(mlp, X, Y, loss="bce", lr=0.1)          # an MLP on a batch, with the tables
    explore("lecture_2221").save_html("walk.html")     # a network file or shipped example

In Jupyter the result is a widget (with anywidget installed:
``pip install 'backproplab[explorer]'``), else an object that shows the same page
embedded; either way ``.save_html(path)`` writes one offline HTML file.
``fit(..., live=True)`` shows training live (:class:`LiveTraining`).
"""

import os
from importlib import resources

from autograd import Value

from ...explain.network_file import load_network
from .explorer import Explorer
from .live import LiveTraining
from .network import network_script
from .script import graph_script

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


def _script(target, X, Y, loss, lr, params, title):
    if isinstance(target, Value):
        if X is not None or Y is not None or loss is not None:
            raise TypeError("explore(loss) takes no X, Y or loss: the graph of a Value is "
                            "already built; pass a model to explore a network on data")
        return graph_script(target, params=params, lr=lr, title=title)
    if isinstance(target, (str, os.PathLike)):
        if X is not None or Y is not None:
            raise TypeError("explore(network_file) takes its inputs and targets from the file; "
                            "got X or Y as well")
        model, X, Y, file_loss, file_lr = _network_file(target)
        return network_script(model, X, Y, loss=loss or file_loss,
                              lr=lr if lr is not None else file_lr, title=title)
    if hasattr(target, "layers"):
        if X is None or Y is None:
            raise TypeError("explore(model, X, Y): a network needs inputs X and targets Y")
        return network_script(target, X, Y, loss=loss or "bce", lr=lr, title=title)
    raise TypeError(f"explore() needs a Value, an MLP with X and Y, or a network file; got "
                    f"{type(target).__name__} {target!r}")


def explore(target, X=None, Y=None, *, loss=None, lr=None, params=(), title=None):
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

    Returns a Jupyter widget when anywidget is installed, else an :class:`Explorer`;
    both have ``.script`` (every step's numbers) and ``.save_html(path)``.
    """
    script = _script(target, X, Y, loss, lr, params, title)
    try:
        from .widget import ExplorerWidget
    except ImportError:
        return Explorer(script)
    return ExplorerWidget(script=script)
