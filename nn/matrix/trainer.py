"""``fit(..., engine="matrix")``'s training step: one mini-batch through the matrix equations.

Per step, as the scalar loop does it (see :mod:`nn.train`): forward, L = (1/m) Σᵢ Lᵢ
(+ l2·Σθ²), gradient (+ 2·l2·θ), clip the global norm, optimizer step.  The
parameters are read from the model's Values when an epoch starts and written
back when it ends, so callbacks see (and may change) them as usual.

The samples stay in one float64 array X (m × n_0, :func:`nn.matrix.data.sample_matrix`;
a float64 array in row order is used without a copy) and the targets in Y (n_L × m);
a step gathers its batch's rows, so an epoch costs the equations, a few array
operations per step, and nothing per sample in Python.
"""

import math
from contextlib import contextmanager

from .data import sample_matrix
from .losses import get_loss, target_matrix
from .network import MatrixMLP
from .optim import matrix_optimizer
from ._numpy import np

_CLIP_EPSILON = 1e-6   # nn.clip.clip_grad_norm's scale max_norm/(‖g‖ + 1e-6)
EVALUATION_CHUNK = 4096
"""Samples per forward pass when evaluating or predicting: the activations of a chunk,
not of the whole data set, are in memory at once."""


class MatrixTrainer:
    """Trains ``model`` on samples X (rows; a list of lists or an array) and targets y.

    ``rows`` (optional) picks the training samples out of X by index, so a held-out
    part of an array needs no copy of the rest; step indices then count within them.
    ``params`` is ``model.parameters()`` if the caller has it already; ``checked``
    says X is already :func:`~nn.matrix.data.sample_matrix`'s array (``fit`` checked it);
    ``l2_biases=False`` leaves the biases out of the l2 term (see ``nn.train.fit``).
    """

    def __init__(self, model, X, y, loss, optimizer, l2=0.0, clip_norm=None, rows=None,
                 params=None, checked=False, l2_biases=True):
        self.loss = get_loss(loss).name
        self.model = model
        self.params = model.parameters() if params is None else params
        self.network = MatrixMLP.from_model(model, self.params)
        self._fresh = True   # θ was just read: the first load() need not read it again
        self.optimizer = matrix_optimizer(optimizer, self.params)
        self.l2, self.clip_norm = l2, clip_norm
        self.l2_weights = None   # with l2_biases=False: 1 at each weight of θ, 0 at a bias
        if l2 and not l2_biases:
            self.l2_weights = np.ones_like(self.network.theta)
            for b in self.network.views(self.l2_weights)[1]:
                b[:] = 0.0
        self.n_out = model.sizes[-1]
        # A^[0] = X[rows]ᵀ
        self.X = X if checked else sample_matrix(X, model.sizes[0], "MatrixTrainer")
        self.rows = None if rows is None else np.asarray(rows, dtype=np.intp)
        Y = target_matrix(get_loss(loss), y, self.n_out)
        self.Y = Y if self.rows is None else Y[:, self.rows]
        self.batch_indices = None   # the last step's samples, for count_correct
        self.rule_targets, self._rule = None, None
        self._quiet = False   # inside quiet()
        dropout = getattr(model, "_dropout", None)
        self.dropout = dropout if dropout is not None and dropout.p > 0.0 else None

    def __len__(self):
        return self.Y.shape[1]

    def load(self):
        """θ ← the model's parameter values (at the start of an epoch)."""
        if not self._fresh:
            self.network.read(self.params)
        self._fresh = False

    @contextmanager
    def quiet(self):
        """NumPy's overflow warnings off for a run of steps: a diverging run overflows to
        inf and nan, and ``fit``'s check reports it at the step it happened (one
        ``np.errstate`` for the run instead of one per step)."""
        with np.errstate(over="ignore", invalid="ignore"):
            self._quiet = True
            try:
                yield
            finally:
                self._quiet = False

    def store(self):
        """The model's parameter values and the optimizer's state ← θ and its state."""
        self.network.write(self.params)
        self.optimizer.store()
        self._fresh = False

    def _masks(self, m):
        """Dropout masks for the hidden layers, drawn in the scalar engine's order
        (sample by sample, layer by layer, neuron by neuron) from the model's RNG."""
        if self.dropout is None or not self.model.training:
            return None
        p, draw = self.dropout.p, self.dropout._rng.random
        scale = 1.0 / (1.0 - p)
        hidden = self.network.sizes[1:-1]
        draws = np.array([draw() for _ in range(m * sum(hidden))]).reshape(m, -1)
        kept = np.where(draws >= p, scale, 0.0).T
        bounds = np.cumsum([0] + hidden)
        return [kept[start:stop] for start, stop in zip(bounds, bounds[1:])]

    def step(self, indices, check=None):
        """One training step on the samples ``indices``; returns (L, Ŷ) with Ŷ = A^[L],
        n_L × m (:func:`predictions` turns it into what ``fit`` scores);
        :meth:`count_correct` then scores that batch.

        ``check(what, numbers)`` (``fit``'s divergence check) sees the predictions and
        the loss before the update and θ after it, as the scalar step shows them."""
        if not self._quiet:   # called outside quiet()
            with np.errstate(over="ignore", invalid="ignore"):
                return self._step(indices, check)
        return self._step(indices, check)

    def _step(self, indices, check):
        if type(indices) is not np.ndarray:
            indices = np.asarray(indices, dtype=np.intp)
        A0 = self.X[indices if self.rows is None else self.rows[indices]].T
        Y = self.Y[:, indices]
        self.batch_indices = indices
        masks = None if self.dropout is None else self._masks(len(indices))
        batch_loss, Y_hat, gradient = self.network.training_pass(A0, Y, self.loss, masks)
        theta = self.network.theta
        if self.l2:   # l2·Σθ², ∂ = 2·l2·θ: over the weights only with l2_biases=False
            penalized = theta if self.l2_weights is None else theta * self.l2_weights
            batch_loss += self.l2 * float(penalized @ penalized)
            gradient += 2.0 * self.l2 * penalized
        # One sum tells whether anything is amiss (a nan or inf makes any sum nan or inf);
        # only then are the predictions and the loss looked at one by one.
        if check is not None and not math.isfinite(batch_loss + float(_total(Y_hat, axis=None))):
            _check_finite(check, "prediction", Y_hat)
            _check_finite(check, "loss", np.array([batch_loss]))
        if self.clip_norm is not None:
            scale = self.clip_norm / (float(np.sqrt(gradient @ gradient)) + _CLIP_EPSILON)
            if scale < 1.0:
                gradient *= scale
        self.optimizer.step(theta, gradient)
        if check is not None:
            _check_finite(check, "parameters", theta)
        return batch_loss, Y_hat

    def count_correct(self, rule, Y_hat):
        """How many samples of the last step's batch ``rule`` (an
        :class:`nn.accuracy.AccuracyRule`) scores as correct."""
        if rule is not self._rule:   # the targets as the rule compares them, made once
            self._rule, self.rule_targets = rule, rule.targets(np, self.Y)
        T = self.rule_targets[..., self.batch_indices]
        return int(np.count_nonzero(rule.matrix(np, Y_hat, T)))

    def evaluation_data(self, X, y, context="evaluate()"):
        """(X, Y) checked and converted once, for :meth:`evaluate` to score every epoch."""
        return (sample_matrix(X, self.network.sizes[0], context),
                target_matrix(get_loss(self.loss), y, self.n_out))

    def evaluate(self, data, rule=None):
        """(L, correct, all finite) on ``data`` (:meth:`evaluation_data`) with the current θ,
        in chunks, without dropout: see :func:`evaluate`."""
        return _scores(self.network, *data, self.loss, rule)


_total = np.add.reduce   # the ufunc itself: a sum without the Python wrapper of .sum()


def _check_finite(check, what, values):
    # A sum is finite only if every entry is: one reduction, no temporary; ``check`` then
    # finds the nan or inf (or, after an overflowing sum of finite numbers, nothing).
    if not math.isfinite(_total(values, axis=None)):
        check(what, values.ravel().tolist())


def predictions(Y_hat):
    """Ŷ (n_L × m) as ``nn.train.predict`` gives outputs: a float per sample (one output)
    or a list of floats per sample."""
    return Y_hat[0].tolist() if len(Y_hat) == 1 else Y_hat.T.tolist()


def _chunks(network, X):
    """Ŷ of each chunk of X's rows, in order (the memory of one chunk's activations)."""
    for start in range(0, len(X), EVALUATION_CHUNK):
        yield start, network.output(X[start:start + EVALUATION_CHUNK].T)


def outputs(model, X, context="predict()"):
    """Ŷ = A^[L] for the samples X (rows) without dropout, as ``nn.train.predict`` gives it:
    a float per sample (one output) or a list of floats per sample."""
    network = MatrixMLP.from_model(model)
    X = sample_matrix(X, network.sizes[0], context)
    result = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _, Y_hat in _chunks(network, X):
            result.extend(predictions(Y_hat))
    return result


def _scores(network, X, Y, loss, rule):
    matrix_loss = get_loss(loss)
    total, correct, finite = 0.0, 0, True
    with np.errstate(over="ignore", invalid="ignore"):   # a diverged model: nn.train says so
        for start, Y_hat in _chunks(network, X):
            if not np.isfinite(Y_hat).all():
                finite = False
                break
            Y_chunk = Y[:, start:start + Y_hat.shape[1]]
            total += float(matrix_loss.value(Y_hat, Y_chunk).sum())
            if rule is not None:
                T = rule.targets(np, Y_chunk)
                correct += int(np.count_nonzero(rule.matrix(np, Y_hat, T)))
    return total / len(X), correct, finite


def evaluate(model, X, y, loss, rule=None):
    """(L, correct, all finite) of ``model`` on (X, y) without dropout: L = (1/m) Σᵢ Lᵢ,
    ``correct`` the samples ``rule`` scores as correct (0 without a rule), and whether
    every prediction was finite (a diverged model's loss means nothing)."""
    network = MatrixMLP.from_model(model)
    X = sample_matrix(X, network.sizes[0], "evaluate()")
    return _scores(network, X, target_matrix(get_loss(loss), y, network.sizes[-1]), loss, rule)
