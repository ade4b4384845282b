"""The samples X as the matrix engine holds them: one C-contiguous float64 array, m × n_0.

A float64 array in row order is used as it is (no copy); any other array or a list
of lists is converted once.  Every check runs on the whole array at C speed, once
per call, and an error names the first offending sample as the list checks of
:mod:`nn.train` do.  Row i is sample i; a mini-batch's A^[0] = X[rows]ᵀ.  Also here:
an epoch's order as an index array (the same order :func:`nn.data.epoch_order`
gives the scalar engine) and :func:`load_arrays`, labelled samples from a ``.npz``.
"""

from dataclasses import dataclass, field

from ..data import index_bits, is_array, shuffle_keys
from ._numpy import np

_REAL_KINDS = "biuf"   # bool, signed and unsigned integers, floats


def sample_matrix(X, n_in, context, what="", check_rows=None):
    """X (m samples of ``n_in`` numbers) as a C-contiguous float64 array, checked.

    ``context`` starts every message ("fit()"), ``what`` names the data ("training");
    for a list X that NumPy cannot turn into an m × n_in matrix, ``check_rows(X)``
    (the scalar engine's per-sample check) says which sample is wrong.
    """
    label = f"{context}: {what + ' ' if what else ''}"
    if is_array(X):
        X = np.asarray(X)
        if X.dtype.kind not in _REAL_KINDS:
            raise TypeError(f"{label}X must hold numbers, got an array of dtype {X.dtype}")
        if X.ndim != 2 or (n_in is not None and X.shape[1] != n_in):
            columns = n_in if n_in is not None else "n_0"
            raise ValueError(f"{label}X must be a 2-D array of shape (samples, {columns}) "
                             f"(the model has {columns} inputs), got shape {tuple(X.shape)}")
        matrix = np.ascontiguousarray(X, dtype=np.float64)
    else:
        try:
            matrix = np.array(X, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            matrix = None
        if (matrix is None or matrix.ndim != 2
                or (n_in is not None and matrix.shape[1] != n_in)):
            if check_rows is not None:
                check_rows(X)   # raises, naming the sample
            raise ValueError(f"{label}X must be a list of samples, each a list of "
                             f"{n_in} numbers")
    _check_finite(matrix, label)
    return matrix


def _check_finite(matrix, label):
    # The sum of the entries is finite only if every entry is (a nan or ±inf makes any
    # sum nan or ±inf): one pass, no temporary; the row-by-row search runs only when
    # the sum is not finite, which may also be finite entries overflowing it.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(matrix.sum()):
            return
    rows = max(1, 2**20 // max(1, matrix.shape[1]))
    for start in range(0, len(matrix), rows):
        bad = ~np.isfinite(matrix[start:start + rows])
        if bad.any():
            i, j = (int(k[0]) for k in np.nonzero(bad))
            i += start
            raise ValueError(f"{label}sample {i} must hold finite numbers: its entry {j} "
                             f"is {float(matrix[i, j])!r}")


def check_targets(y, m, context, what=""):
    """y as given (a list, or an array as a NumPy array), or an error unless it has one
    target per sample."""
    label = f"{context}: {what + ' ' if what else ''}"
    if is_array(y):
        y = np.asarray(y)
        if y.ndim not in (1, 2):
            raise ValueError(f"{label}y must be a 1-D array of targets or a 2-D array of "
                             f"target rows, got shape {tuple(y.shape)}")
        if y.dtype.kind not in _REAL_KINDS:
            raise TypeError(f"{label}y must hold numbers, got an array of dtype {y.dtype}")
    if len(y) != m:
        raise ValueError(f"{label}X has {m} samples but y has {len(y)} targets")
    return y


def epoch_order(n, shuffle=True, seed=None):
    """:func:`nn.data.epoch_order` as an index array, sorted at C speed by the same keys."""
    if not shuffle:
        return np.arange(n)
    bits = index_bits(n)
    keys = np.frombuffer(shuffle_keys(n, seed), dtype="<u8") >> np.uint64(bits)
    keys <<= np.uint64(bits)
    keys |= np.arange(n, dtype=np.uint64)
    return np.argsort(keys)   # distinct keys: any sort gives the one order


# --- (X, y) arrays from a file ---------------------------------------------------------------

_KEY_PAIRS = (("X", "y"), ("x", "y"), ("x_train", "y_train"))
"""Names of the (samples, labels) arrays :func:`load_arrays` looks for, in this order;
``x_train``/``y_train`` (with ``x_test``/``y_test``) is the layout of Keras' mnist.npz."""


@dataclass
class ArrayDataset:
    """Labelled samples read by :func:`load_arrays`.

    ``X`` is m × n_0 float64 (images flattened row by row), ``y`` the class labels
    0 … ``classes`` − 1; ``image_shape`` is (height, width) for image data, else None;
    ``validation`` is the file's held-out (X, y) pair, if it has one; ``notes`` say
    what was done to the data on the way in."""

    X: object
    y: object
    classes: int
    image_shape: tuple = None
    validation: tuple = None
    notes: list = field(default_factory=list)


def _samples(X, where, notes):
    if X.dtype.kind not in _REAL_KINDS:
        raise ValueError(f"{where} must hold numbers, got an array of dtype {X.dtype}")
    if X.ndim < 2 or X.shape[0] == 0 or 0 in X.shape[1:]:
        raise ValueError(f"{where} must be an array of samples (rows, or images), got shape "
                         f"{tuple(X.shape)}")
    image_shape = tuple(X.shape[1:]) if X.ndim == 3 else None
    X = X.reshape(len(X), -1)
    if X.dtype == np.uint8:   # pixels 0 … 255, as MNIST ships them
        note = "uint8 pixels divided by 255 (inputs in [0, 1])"
        if note not in notes:
            notes.append(note)
        return np.divide(X, 255.0, dtype=np.float64), image_shape
    _check_finite(X, f"{where} ")
    return X, image_shape


def _labels(y, m, where):
    if y.dtype.kind not in _REAL_KINDS:
        raise ValueError(f"{where} must hold class labels 0, 1, 2, …, got an array of dtype "
                         f"{y.dtype}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != m:
        raise ValueError(f"{where} must hold one class label per sample ({m}), got shape "
                         f"{tuple(y.shape)}")
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(y) | (y < 0) | (y != np.floor(y))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{where} must hold class labels 0, 1, 2, … (integers >= 0); "
                         f"label {i} is {y[i].item()!r}")
    return y.astype(np.int64)


def _header(arrays, key):
    """(shape, dtype) of the array ``key`` of an open .npz, read from its header only."""
    with arrays.zip.open(f"{key}.npy") as f:
        version = np.lib.format.read_magic(f)
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        shape, _, dtype = read(f)
    return shape, dtype


def _check_size(arrays, keys, name, max_bytes):
    """ValueError, before anything is loaded, if the arrays need more than ``max_bytes``
    as float64 (a few bytes of compressed file can claim gigabytes)."""
    needed = 0
    for key in keys:
        shape, dtype = _header(arrays, key)
        needed += int(np.prod(shape, dtype=np.float64)) * max(dtype.itemsize, 8)
    if needed > max_bytes:
        raise ValueError(f"{name}: its arrays {', '.join(keys)} need about "
                         f"{needed / 2**30:.3g} GiB as float64, more than the "
                         f"{max_bytes / 2**30:.3g} GiB limit")


def load_arrays(path, max_bytes=None):
    """The samples and labels stored in the NumPy file ``path`` (``.npz``), as an
    :class:`ArrayDataset`.

    The file holds arrays ``X`` and ``y`` (or ``x``/``y``, or Keras' ``x_train``,
    ``y_train`` and optionally ``x_test``, ``y_test``, which become the validation
    set).  X is one row per sample, or one image (height × width) per sample; uint8
    pixels are divided by 255.  y holds class labels 0 … K−1 (K is the largest label
    plus one, so classes keep their numbers whichever labels a subset lacks).  The
    file is read without pickles (``allow_pickle=False``), and with ``max_bytes`` its
    arrays' headers are checked first: arrays that would need more than that as float64
    are refused before any is loaded."""
    name = str(path)
    try:
        with np.load(path, allow_pickle=False) as arrays:
            keys = list(arrays.keys())
            pair = next(((x, y) for x, y in _KEY_PAIRS if x in keys and y in keys), None)
            if pair is None:
                raise ValueError(f"{name} has arrays {', '.join(keys) or '(none)'}; expected X and "
                                 f"y (or x_train and y_train, as in Keras' mnist.npz)")
            test = ("x_test", "y_test") if pair[0] == "x_train" else None
            wanted = [key for key in pair + (test or ()) if key in keys]
            if max_bytes is not None:
                _check_size(arrays, wanted, name, max_bytes)
            loaded = {key: arrays[key] for key in wanted}
    except (OSError, EOFError) as e:
        raise ValueError(f"cannot read {name}: {e}") from None
    except (ValueError, TypeError) as e:
        if str(e).startswith(name):
            raise
        raise ValueError(f"{name} is not a NumPy .npz file of arrays: {e}") from None
    notes = []
    X, image_shape = _samples(loaded[pair[0]], f"{name}: {pair[0]}", notes)
    y = _labels(loaded[pair[1]], len(X), f"{name}: {pair[1]}")
    classes = int(y.max()) + 1
    validation = None
    if test and all(key in loaded for key in test):
        X_val, _ = _samples(loaded[test[0]], f"{name}: {test[0]}", notes)
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"{name}: {test[0]} has {X_val.shape[1]} values per sample but "
                             f"{pair[0]} has {X.shape[1]}")
        y_val = _labels(loaded[test[1]], len(X_val), f"{name}: {test[1]}")
        classes = max(classes, int(y_val.max()) + 1)
        validation = (X_val, y_val)
        notes.append(f"validation: the file's {test[0]}, {test[1]}")
    if classes < 2:
        raise ValueError(f"{name}: {pair[1]} has only the class 0; a classifier needs at "
                         f"least 2 classes")
    present = len(np.unique(y))
    if classes > 100 and present < classes // 2:   # e.g. labels 0, 1 and 10**6: K = 10**6 + 1
        raise ValueError(f"{name}: {pair[1]}'s labels run up to {classes - 1} but only "
                         f"{present} different labels appear; number the classes 0 … K−1")
    return ArrayDataset(X, y, classes, image_shape, validation, notes)
