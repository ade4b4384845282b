"""``fit(..., engine="matrix")``'s training step: one mini-batch through the matrix equations.

Per step, as the scalar loop does it (see :mod:`nn.train`): forward, L = (1/m) Σᵢ Lᵢ
(+ l2·Σθ²), gradient (+ 2·l2·θ), clip the global norm, optimizer step.  The
parameters are read from the model's Values when an epoch starts and written
back when it ends, so callbacks see (and may change) them as usual.
"""

from .losses import get_loss, target_matrix
from .network import MatrixMLP
from .optim import matrix_optimizer
from ._numpy import np

_CLIP_EPSILON = 1e-6   # nn.clip.clip_grad_norm's scale max_norm/(‖g‖ + 1e-6)


class MatrixTrainer:
    """Trains ``model`` on samples X (rows) and targets y with the matrix engine."""

    def __init__(self, model, X, y, loss, optimizer, l2=0.0, clip_norm=None):
        self.loss = get_loss(loss).name
        self.network = MatrixMLP.from_model(model)
        self.model, self.params = model, model.parameters()
        self.optimizer = matrix_optimizer(optimizer, self.params)
        self.l2, self.clip_norm = l2, clip_norm
        self.n_out = model.sizes[-1]
        self.X = np.array(X, dtype=float)   # m × n_0: a batch's A^[0] = X[indices]ᵀ
        self.Y = target_matrix(get_loss(loss), list(y), self.n_out)
        dropout = getattr(model, "_dropout", None)
        self.dropout = dropout if dropout is not None and dropout.p > 0.0 else None

    def load(self):
        """θ ← the model's parameter values (at the start of an epoch)."""
        self.network.read(self.params)

    def store(self):
        """The model's parameter values and the optimizer's state ← θ and its state."""
        self.network.write(self.params)
        self.optimizer.store()

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
        n_L × m (:func:`predictions` turns it into what ``fit`` scores).

        ``check(what, numbers)`` (``fit``'s divergence check) sees the predictions and
        the loss before the update and θ after it, as the scalar step shows them."""
        A0, Y = self.X[indices].T, self.Y[:, indices]
        # A diverging run overflows to inf and nan; ``check`` reports it at this step.
        with np.errstate(over="ignore", invalid="ignore"):
            result = self.network.backward(A0, Y, self.loss, self._masks(len(indices)))
            theta, gradient, batch_loss = self.network.theta, result.gradient, result.loss
            if self.l2:
                batch_loss += self.l2 * float(theta @ theta)
                gradient += 2.0 * self.l2 * theta
            if check is not None:
                _check_finite(check, "prediction", result.A[-1])
                _check_finite(check, "loss", np.array([batch_loss]))
            if self.clip_norm is not None:
                scale = self.clip_norm / (float(np.sqrt(gradient @ gradient)) + _CLIP_EPSILON)
                if scale < 1.0:
                    gradient *= scale
            self.optimizer.step(theta, gradient)
        if check is not None:
            _check_finite(check, "parameters", theta)
        return batch_loss, result.A[-1]


def _check_finite(check, what, values):
    # NumPy finds a non-finite number in one pass; ``check`` then names it and the step.
    if not np.isfinite(values).all():
        check(what, values.ravel().tolist())

def predictions(Y_hat):
    """Ŷ (n_L × m) as ``nn.train.predict`` gives outputs: a float per sample (one output)
    or a list of floats per sample."""
    return Y_hat[0].tolist() if len(Y_hat) == 1 else Y_hat.T.tolist()


def outputs(model, X):
    """Ŷ = A^[L] for the samples X (rows) without dropout, as ``nn.train.predict`` gives it:
    a float per sample (one output) or a list of floats per sample."""
    network = MatrixMLP.from_model(model)
    return predictions(network.forward(np.array(X, dtype=float).T)[1][-1])


def evaluate(model, X, y, loss):
    """(L, predictions) of ``model`` on (X, y) without dropout: L = (1/m) Σᵢ Lᵢ."""
    network = MatrixMLP.from_model(model)
    matrix_loss = get_loss(loss)
    Y = target_matrix(matrix_loss, list(y), network.sizes[-1])
    with np.errstate(over="ignore", invalid="ignore"):   # a diverged model: nn.train says so
        Y_hat = network.forward(np.array(X, dtype=float).T)[1][-1]
        losses = matrix_loss.value(Y_hat, Y)
    return float(losses.mean()), predictions(Y_hat)
