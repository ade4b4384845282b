"""What :func:`~nn.explain.explain_step` is given, checked: the samples and targets, the
loss and the learning rate.  Each error names the argument, the sample (1-based) and
the offending value."""

from .._checks import is_number
from ..losses import get_loss


def as_batch(X, Y, n_inputs, names=("X", "Y")):
    """(samples, targets) as lists of m entries, from one sample or a batch.

    ``X`` is one sample (n_0 numbers, or a bare number when n_0 = 1) with ``Y``
    its target, or a list of samples with ``Y`` the list of their targets.
    Anything else raises ValueError; ``names`` are what the messages call X and Y.
    """
    x_name, y_name = names
    if is_number(X):
        X = [X]
    if not isinstance(X, (list, tuple)) or not X:
        raise ValueError(f"{x_name} must be one sample ({n_inputs} numbers) or a non-empty "
                         f"list of samples, got {_short(X)}")
    if all(is_number(v) for v in X):
        for k, v in enumerate(X, 1):
            if not is_number(v, finite=True):   # nan, inf, or an int such as 10**400
                raise ValueError(f"{x_name} entry {k} must be a finite number, got {_short(v)}")
        if len(X) != n_inputs:
            hint = (f"; for several one-input samples write a list of lists, e.g. "
                    f"{[[v] for v in X[:3]]}" if n_inputs == 1 else "")
            raise ValueError(f"{x_name} is one sample of {len(X)} numbers but the network "
                             f"has {n_inputs} inputs (W^[1] rows have {n_inputs} numbers){hint}")
        return [[float(v) for v in X]], [Y]
    if not isinstance(Y, (list, tuple)) or len(Y) != len(X):
        raise ValueError(f"{x_name} has {len(X)} samples, so {y_name} must be a list of "
                         f"{len(X)} targets, one per sample; got {_short(Y)}")
    rows = []
    for i, x in enumerate(X):
        if is_number(x, finite=True) and n_inputs == 1:
            x = [x]
        if (not isinstance(x, (list, tuple)) or len(x) != n_inputs
                or not all(is_number(v, finite=True) for v in x)):
            raise ValueError(f"{x_name} sample {i + 1} must be a list of {n_inputs} finite "
                             f"numbers (the network has {n_inputs} inputs), got {_short(x)}")
        rows.append([float(v) for v in x])
    return rows, list(Y)


def _short(x, width=60):
    text = repr(x)
    return text if len(text) <= width else text[:width - 1] + "…"


def resolve_loss(loss):
    """(name, function) for a loss name or a function ``loss(prediction, target)``."""
    fn = get_loss(loss)
    return (loss if isinstance(loss, str) else getattr(loss, "__name__", "custom")), fn


def check_lr(lr):
    """``lr`` as a float > 0, or None (no update); anything else is a ValueError."""
    if lr is None:
        return None
    if not is_number(lr, finite=True) or lr <= 0:
        raise ValueError(f"lr must be a positive number or None, got {lr!r}")
    return float(lr)
