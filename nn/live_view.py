"""The one way ``fit(..., live=True)`` finds a live view, so that training knows no picture.

Training is below the pictures: :mod:`nn.train` calls whatever view was registered
here, and :mod:`nn.viz` registers the explorer's
:class:`~nn.viz.explorer.LiveTraining` (a ``fit`` callback) when ``nn`` is imported.
"""

_views = []


def register(factory):
    """Make ``factory(X, y)`` (the training samples and targets as lists; it returns a ``fit``
    callback) the view ``live=True`` shows."""
    _views[:] = [factory]


def live_view(X, y):
    """The registered view's callback for the training data (X, y)."""
    if not _views:
        raise RuntimeError("fit(..., live=True) needs a live view, and none is registered "
                           "(import nn registers the explorer's)")
    return _views[0](X, y)
