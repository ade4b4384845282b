"""Pictures of networks: the network diagram (:mod:`nn.viz.diagram`) and training plots
(:mod:`nn.viz.plots`, which need matplotlib: ``pip install backproplab[plots]``)."""

from .. import live_view


def _live_training(X, y):
    # The explorer (and anywidget) load only when a live view is asked for.
    from .explorer.live import LiveTraining

    return LiveTraining(X, y)


live_view.register(_live_training)
