"""Toy datasets, a train/validation split and mini-batches, with no downloads.

Every generator returns ``(X, y)`` as plain lists: ``X`` is a list of samples,
each a list of floats (one row per sample, as the training loop consumes
them; the lecture notes' matrix A^[0] = X is its transpose, n_0 × m), and ``y`` is a
list of labels.  Randomness comes from ``random.Random(seed)`` only, so the
same ``seed`` always gives the same data, and samples are returned shuffled
(like scikit-learn's generators) so any slice is a fair mix of classes.

Binary datasets take ``labels=(negative, positive)``: ``(0, 1)`` (the
default) suits sigmoid outputs and binary cross-entropy, ``(-1, 1)`` suits a
linear output with the hinge loss (micrograd's demo uses ``y*2 - 1``).
Multi-class datasets (``spirals``, ``blobs``) label classes 0 … k−1, the
class indices ``cross_entropy`` expects.
"""

import math
import numbers
import random
import struct

__all__ = ["moons", "circles", "xor", "spirals", "blobs", "even_odd", "digits",
           "train_val_split", "batches", "epoch_order", "shuffle_keys", "index_bits",
           "split_indices", "is_array", "take"]


# --- argument checks: each names the function, the argument and the value --------

def _check_count(name, value, context, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{context}: {name} must be an integer, got {type(value).__name__} "
                        f"{value!r}")
    if value < minimum:
        raise ValueError(f"{context}: {name} must be >= {minimum}, got {value!r}")
    return int(value)


def _check_nonnegative(name, value, context):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{context}: {name} must be a number, got {type(value).__name__} "
                        f"{value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{context}: {name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _check_labels(labels, context):
    if (not isinstance(labels, (tuple, list)) or len(labels) != 2
            or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                       for v in labels)):
        raise ValueError(f"{context}: labels must be a pair of numbers (negative, positive) "
                         f"such as (0, 1) or (-1, 1), got {labels!r}")
    if labels[0] == labels[1]:
        raise ValueError(f"{context}: labels must be two different numbers, got {labels!r}")
    return labels


def _rng(seed, context):
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(f"{context}: seed must be an int, None or a random.Random, "
                    f"got {type(seed).__name__} {seed!r}")


def _shuffled(X, y, rng):
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _split_count(n, parts):
    """n items over ``parts`` groups, sizes differing by at most one."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


# --- two-class datasets -------------------------------------------------------------

def moons(n=100, noise=0.1, seed=None, labels=(0, 1)):
    """Two interleaving half circles (scikit-learn's ``make_moons``), 2 features.

    The upper moon (centre (0, 0), radius 1) gets ``labels[0]``, the lower one
    (centre (1, 0.5), flipped) gets ``labels[1]``; ``n // 2`` points go to the
    upper moon.  Gaussian noise of standard deviation ``noise`` is added to both
    coordinates.  micrograd's demo: ``moons(100, noise=0.1, labels=(-1, 1))``.
    """
    context = "moons()"
    n = _check_count("n", n, context)
    noise = _check_nonnegative("noise", noise, context)
    labels = _check_labels(labels, context)
    rng = _rng(seed, context)
    n_upper, n_lower = n // 2, n - n // 2
    X, y = [], []
    for i in range(n_upper):
        t = math.pi * i / max(n_upper - 1, 1)
        X.append([math.cos(t), math.sin(t)])
        y.append(labels[0])
    for i in range(n_lower):
        t = math.pi * i / max(n_lower - 1, 1)
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(labels[1])
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def circles(n=100, noise=0.05, seed=None, factor=0.5, labels=(0, 1)):
    """A small circle inside a large one (scikit-learn's ``make_circles``), 2 features.

    The outer circle (radius 1) gets ``labels[0]``, the inner one (radius
    ``factor``, 0 < factor < 1) gets ``labels[1]``; Gaussian noise of standard
    deviation ``noise`` on both coordinates.
    """
    context = "circles()"
    n = _check_count("n", n, context)
    noise = _check_nonnegative("noise", noise, context)
    labels = _check_labels(labels, context)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"{context}: factor (inner radius / outer radius) must be in (0, 1), "
                         f"got {factor!r}")
    rng = _rng(seed, context)
    X, y = [], []
    for label, radius, count in ((labels[0], 1.0, n // 2), (labels[1], factor, n - n // 2)):
        for i in range(count):
            t = 2 * math.pi * i / count
            X.append([radius * math.cos(t) + rng.gauss(0.0, noise),
                      radius * math.sin(t) + rng.gauss(0.0, noise)])
            y.append(label)
    return _shuffled(X, y, rng)


def xor(n=100, noise=0.0, seed=None, labels=(0, 1)):
    """Points uniform in the square [−1, 1]², labelled by the XOR of their signs.

    A point gets ``labels[1]`` when exactly one coordinate is negative
    (quadrants II and IV: x₁·x₂ < 0) and ``labels[0]`` otherwise.  The label is
    decided on the clean point; Gaussian noise of standard deviation ``noise``
    is then added to both coordinates, so points near an axis may cross it.
    No straight line separates the classes: a network needs a hidden layer.
    """
    context = "xor()"
    n = _check_count("n", n, context)
    noise = _check_nonnegative("noise", noise, context)
    labels = _check_labels(labels, context)
    rng = _rng(seed, context)
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        y.append(labels[1] if a * b < 0 else labels[0])
        X.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
    return X, y


# --- multi-class datasets -----------------------------------------------------------

def spirals(n=150, noise=0.2, seed=None, classes=3):
    """``classes`` interleaved spiral arms (the CS231n toy problem), 2 features.

    Arm c (label c, 0 ≤ c < classes) has points at radius r = t and angle
    θ = 4t + 2πc/classes for t evenly spaced in [0, 1], plus Gaussian noise of
    standard deviation ``noise`` on θ.  ``n`` points in total, shared as evenly
    as possible between the arms.
    """
    context = "spirals()"
    n = _check_count("n", n, context)
    noise = _check_nonnegative("noise", noise, context)
    classes = _check_count("classes", classes, context, minimum=2)
    _check_samples_per_class(n, classes, "classes", context)
    rng = _rng(seed, context)
    X, y = [], []
    for c, count in enumerate(_split_count(n, classes)):
        for i in range(count):
            r = i / max(count - 1, 1)
            theta = 4.0 * r + 2 * math.pi * c / classes + rng.gauss(0.0, noise)
            X.append([r * math.cos(theta), r * math.sin(theta)])
            y.append(c)
    return _shuffled(X, y, rng)


def blobs(n=100, noise=1.0, seed=None, centers=3, features=2, box=(-10.0, 10.0)):
    """Gaussian blobs (scikit-learn's ``make_blobs``): label c for blob c.

    ``centers`` is a number of blobs (their centres are drawn uniformly in
    ``box`` in each of ``features`` dimensions) or an explicit list of centre
    points.  Each point is its centre plus Gaussian noise of standard deviation
    ``noise`` per coordinate; ``n`` points shared as evenly as possible.
    """
    context = "blobs()"
    n = _check_count("n", n, context)
    noise = _check_nonnegative("noise", noise, context)
    rng = _rng(seed, context)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        centers = _check_count("centers", centers, context)
        _check_samples_per_class(n, centers, "centers", context)
        features = _check_count("features", features, context)
        low, high = _check_box(box, context)
        centres = [[rng.uniform(low, high) for _ in range(features)] for _ in range(centers)]
    else:
        centres = _check_centres(centers, context)
        _check_samples_per_class(n, len(centres), "centers", context)
    X, y = [], []
    for c, count in enumerate(_split_count(n, len(centres))):
        for _ in range(count):
            X.append([m + rng.gauss(0.0, noise) for m in centres[c]])
            y.append(c)
    return _shuffled(X, y, rng)


def _check_samples_per_class(n, classes, name, context):
    if classes > n:
        raise ValueError(f"{context}: {name}={classes} needs at least one sample per class, "
                         f"but n={n}; ask for n >= {classes} or fewer {name}")


def _check_box(box, context):
    if (not isinstance(box, (tuple, list)) or len(box) != 2
            or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                       and math.isfinite(v) for v in box)
            or not box[0] <= box[1]):
        raise ValueError(f"{context}: box must be a pair of finite numbers (low, high) with "
                         f"low <= high, got {box!r}")
    return float(box[0]), float(box[1])


def _check_centres(centers, context):
    try:
        centres = [[float(v) for v in point] for point in centers]
    except (TypeError, ValueError):
        raise ValueError(f"{context}: centers must be a count or a list of points "
                         f"(lists of numbers), got {centers!r}") from None
    if not centres or len({len(p) for p in centres}) != 1 or not centres[0]:
        raise ValueError(f"{context}: centers must be a non-empty list of points of one "
                         f"dimension, got {centers!r}")
    if not all(math.isfinite(v) for point in centres for v in point):
        raise ValueError(f"{context}: centers must be finite numbers, got {centers!r}")
    return centres


# --- the saturated 1-1-1 sigmoid question's toy -----------------------------------------------------------

def even_odd(n=20, noise=0.0, seed=None, low=0, high=9, labels=(0, 1)):
    """The toy task of the saturated 1-1-1 sigmoid question: x an integer, y = ``labels[1]`` (1) when x is even.

    Each sample is one feature, ``[float(x)]``, with x drawn uniformly from the
    integers ``low … high`` (both included; default 0 … 9, small enough that a
    sigmoid neuron with moderate weights does not saturate, which is the
    other lesson of the saturated 1-1-1 sigmoid question).  Odd x get ``labels[0]`` (0).  ``noise`` is
    the probability of flipping each label (label noise; x stays an integer).
    """
    context = "even_odd()"
    n = _check_count("n", n, context)
    labels = _check_labels(labels, context)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise <= 1:
        raise ValueError(f"{context}: noise is the probability of flipping a label and must "
                         f"be in [0, 1], got {noise!r}")
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{context}: {name} must be an integer, got "
                            f"{type(value).__name__} {value!r}")
    if low > high:
        raise ValueError(f"{context}: low must be <= high, got low={low!r}, high={high!r}")
    rng = _rng(seed, context)
    X, y = [], []
    for _ in range(n):
        x = rng.randint(low, high)
        even = x % 2 == 0
        if rng.random() < noise:
            even = not even
        X.append([float(x)])
        y.append(labels[1] if even else labels[0])
    return X, y


# --- splitting and batching ---------------------------------------------------------

def is_array(X):
    """True for a NumPy array or anything NumPy reads as one (``__array__`` and ``shape``:
    a pandas DataFrame, a CPU tensor), without importing NumPy."""
    return hasattr(X, "__array__") and hasattr(X, "shape")


def _check_pairs(X, y, context):
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(f"{context}: {name} must be a list or an array, "
                            f"got {type(seq).__name__}")
    if len(X) != len(y):
        raise ValueError(f"{context}: X and y must have the same length, got {len(X)} samples "
                         f"and {len(y)} labels")
    if not len(X):
        raise ValueError(f"{context}: X and y are empty")


def take(values, indices):
    """values[indices] for an array (one gather), [values[i] for i in indices] for a list."""
    if is_array(values):
        return values[indices]
    return [values[i] for i in indices]


def shuffle_keys(n, seed=None):
    """n random 64-bit sort keys from ``seed`` (an int, None or a ``random.Random``), as the
    8·n little-endian bytes of one ``getrandbits(64·n)`` draw: :func:`epoch_order` sorts by
    them (made distinct, see there) and :mod:`nn.matrix` reads the same bytes as an array,
    so both engines visit the samples in one order."""
    return _rng(seed, "epoch_order()").getrandbits(64 * n).to_bytes(8 * n, "little")


def index_bits(n):
    """How many low bits of a sort key hold the sample's index (0 … n−1)."""
    return max(n - 1, 1).bit_length()


def epoch_order(n, shuffle=True, seed=None):
    """The sample indices 0 … n−1 in the order one epoch visits them: sorted by the random
    keys of :func:`shuffle_keys`, each key's low :func:`index_bits` bits replaced by the
    sample's index so that no two are equal (a uniform shuffle, up to ties of the random
    high bits, which keep index order), or in order with ``shuffle=False``.
    :func:`batches` and ``fit`` (both engines) visit samples in this order."""
    if not shuffle:
        return list(range(n))
    bits = index_bits(n)
    high = ~((1 << bits) - 1) & (2**64 - 1)
    draws = struct.unpack(f"<{n}Q", shuffle_keys(n, seed))
    keys = [key & high | i for i, key in enumerate(draws)]
    return sorted(range(n), key=keys.__getitem__)


def split_indices(n, val_fraction=0.2, seed=None):
    """(training indices, validation indices) of :func:`train_val_split` for n samples."""
    context = "train_val_split()"
    if (isinstance(val_fraction, bool) or not isinstance(val_fraction, numbers.Real)
            or not 0 < val_fraction < 1):
        raise ValueError(f"{context}: val_fraction must be strictly between 0 and 1, "
                         f"got {val_fraction!r}")
    if n < 2:
        raise ValueError(f"{context}: need at least 2 samples to split, got {n}")
    # Python's shuffle, once per split (not per epoch): the same split as ever, so
    # seeded examples keep their held-out points
    order = list(range(n))
    _rng(seed, context).shuffle(order)
    n_val = min(max(round(val_fraction * n), 1), n - 1)
    cut = n - n_val
    return order[:cut], order[cut:]


def train_val_split(X, y, val_fraction=0.2, seed=None):
    """Shuffle the samples and hold out ``val_fraction`` of them for validation.

    Returns ``((X_train, y_train), (X_val, y_val))``; the second pair is what
    ``fit(..., validation_data=...)`` takes.  The validation part has
    round(val_fraction · m) samples, at least 1, and the training part keeps at
    least 1.  Lists give lists; NumPy arrays give arrays (the same split).
    """
    _check_pairs(X, y, "train_val_split()")
    train, val = split_indices(len(X), val_fraction, seed)
    return (take(X, train), take(y, train)), (take(X, val), take(y, val))


def batches(X, y, batch_size, shuffle=True, seed=None, drop_last=False):
    """One epoch of mini-batches: shuffle once, then slice ``batch_size`` at a time.

    Returns an iterator of ``(X_batch, y_batch)`` pairs that together cover every sample exactly
    once (the last batch may be smaller, or is dropped with ``drop_last=True``).
    ``seed`` may be a ``random.Random``; pass the same one every epoch to get a
    fresh order each epoch that is still reproducible.  The order is :func:`epoch_order`'s.
    """
    context = "batches()"
    _check_pairs(X, y, context)
    batch_size = _check_count("batch_size", batch_size, context)
    order = epoch_order(len(X), shuffle, _rng(seed, context))
    stop = len(order) - len(order) % batch_size if drop_last else len(order)
    # Checked and shuffled above, sliced lazily below: a bad argument fails at the call.
    return ((take(X, order[start:start + batch_size]), take(y, order[start:start + batch_size]))
            for start in range(0, stop, batch_size))


# --- a real dataset -----------------------------------------------------------------

DIGITS_SAMPLES = 1797
"""How many images ``digits()`` has (scikit-learn's ``load_digits``)."""


def digits(n=None, seed=None, scale=True):
    """The 8×8 handwritten digits of scikit-learn's ``load_digits`` (UCI, CC BY 4.0),
    shipped with the package (see ``nn/datasets/README.md``).

    Each sample is 64 pixel values, row by row, labelled 0 … 9.  ``scale=True``
    (the default) divides the 0 … 16 pixel counts by 16, so inputs are in [0, 1];
    ``scale=False`` keeps them as floats 0.0 … 16.0.  ``n=None`` returns all
    1,797 samples in the file's order; an ``n`` returns that many drawn without
    replacement, shuffled with ``seed``.
    """
    import gzip   # here, not at the top: only this loader reads package data
    from importlib import resources

    context = "digits()"
    if n is not None:
        n = _check_count("n", n, context)
        if n > DIGITS_SAMPLES:
            raise ValueError(f"{context}: n must be at most {DIGITS_SAMPLES} (the dataset's "
                             f"size), got {n!r}")
    if not isinstance(scale, bool):
        raise TypeError(f"{context}: scale must be True or False, got {scale!r}")
    rng = _rng(seed, context)
    raw = resources.files("nn").joinpath("datasets", "digits.csv.gz").read_bytes()
    divisor = 16.0 if scale else 1.0
    X, y = [], []
    for line in gzip.decompress(raw).decode("ascii").split():
        values = line.split(",")
        X.append([int(v) / divisor for v in values[:64]])
        y.append(int(values[64]))
    if n is None:
        return X, y
    X, y = _shuffled(X, y, rng)
    return X[:n], y[:n]
