"""The training loop: ``fit`` (Keras-like), ``predict``, ``evaluate``, ``accuracy``.

Each mini-batch step is the lecture notes' training step, plus the usual extras::

    zero_grad → Ŷ = model(X_b) → L = loss(Ŷ, Y_b) + l2·Σθ² → backward
              → clip ‖∇θ‖ to clip_norm → optimizer.step()   (SGD: θ ← θ − α ∂L/∂θ)

An epoch shuffles the training set once and slices it into mini-batches
(``nn.data.batches``).  After each epoch :class:`History` records

* ``loss`` - the mean over the epoch's mini-batches of the loss that was
  minimised (including the l2 term), weighted by batch size, as Keras reports it;
* ``accuracy`` - the share of training samples classified correctly by the
  forward passes of that epoch (each batch as the model was when it saw it);
* ``val_loss``, ``val_accuracy`` - on the validation set after the epoch, in
  evaluation mode (``model.eval()``, so Dropout is off) under ``no_grad()``.

How a prediction counts as correct depends on the loss (:func:`accuracy_rule`):
hinge scores by sign against ±1 labels, BCE probabilities by the threshold 0.5
against 0/1 labels (BCE with logits: logit > 0), cross-entropy by argmax
against class indices; the squared-error losses by the same rules inferred
from the labels, and by nothing for regression targets (accuracy is NaN).
"""

import math
import numbers
import random
from collections.abc import Iterable
from contextlib import contextmanager

from tqdm.auto import tqdm

from autograd import no_grad

from .clip import clip_grad_norm
from .data import batches, train_val_split
from .divergence import TrainingDiverged, all_finite, check_finite, first_non_finite
from .losses import get_loss
from .optim import SGD
from .regularization import l2_penalty

__all__ = ["fit", "History", "EarlyStopping", "TrainingDiverged", "predict", "evaluate",
           "accuracy", "accuracy_rule", "DEFAULT_LR", "ENGINES"]

DEFAULT_LR = 0.1
"""Learning rate of the SGD that ``fit`` makes when no optimizer is given."""


class History:
    """What ``fit`` returns: ``history`` maps "loss", "accuracy", "val_loss",
    "val_accuracy" to one number per epoch run (the "val_" lists stay empty
    without validation data); ``epochs`` lists the epoch numbers (0-based);
    ``stopped_early`` says whether a callback ended training."""

    def __init__(self):
        self.history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        self.epochs = []
        self.stopped_early = False

    def append(self, epoch, logs):
        """Record one epoch's ``logs`` (a dict with some of the four keys)."""
        self.epochs.append(epoch)
        for key, value in logs.items():
            self.history[key].append(value)

    def __len__(self):
        return len(self.epochs)

    def __repr__(self):
        last = {k: v[-1] for k, v in self.history.items() if v}
        return f"History({len(self)} epochs, last={last})"


class EarlyStopping:
    """Stop when ``monitor`` has not improved for ``patience`` epochs (Keras semantics).

    An epoch improves on the best value so far when it is lower by more than
    ``min_delta`` ("min" mode; "max" mode: higher by more than ``min_delta``;
    "auto" picks "max" for accuracies and "min" otherwise).  After ``patience``
    epochs in a row without improvement, training stops.  With
    ``restore_best_weights=True`` the parameters of the best epoch are put back
    when training ends (as Keras 3 does, whether or not it stopped early).
    ``best``, ``best_epoch`` and ``stopped_epoch`` (None if it never fired)
    are kept for inspection.
    """

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="auto",
                 restore_best_weights=False):
        keys = ("loss", "accuracy", "val_loss", "val_accuracy")
        if monitor not in keys:
            raise ValueError(f"EarlyStopping: monitor must be one of {', '.join(keys)}, "
                             f"got {monitor!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        if (isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real)
                or first_non_finite([min_delta]) is not None):
            raise ValueError(f"EarlyStopping: min_delta must be a finite number, "
                             f"got {min_delta!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.monitor = monitor
        self.patience = patience
        self.min_delta = abs(float(min_delta))
        self.mode = ("max" if "accuracy" in monitor else "min") if mode == "auto" else mode
        self.restore_best_weights = restore_best_weights
        self._reset()

    def _reset(self):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.stopped_epoch = None
        self.wait = 0
        self._best_weights = None

    def _improves(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_begin(self, model):
        """Forget any earlier run, so one instance can serve several ``fit`` calls."""
        self._reset()

    def on_epoch_end(self, epoch, logs, model):
        """Track the best value; return True (stop) after ``patience`` epochs without one."""
        value = logs[self.monitor]
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self._best_weights = [p.data for p in model.parameters()]
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, history, model):
        """Put back the best epoch's parameters if asked to."""
        if self.restore_best_weights and self._best_weights is not None:
            for p, value in zip(model.parameters(), self._best_weights):
                p.data = value

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r}, "
                f"restore_best_weights={self.restore_best_weights})")


# --- accuracy -------------------------------------------------------------------------

def _output_activation(model):
    activations = getattr(model, "activations", None)
    return activations[-1] if activations else None


def _argmax(values):
    return max(range(len(values)), key=values.__getitem__)


def _per_output(match):
    """A per-output rule; a sample with several outputs is correct when all of them are."""
    def correct(p, t):
        if isinstance(p, list):
            return isinstance(t, (list, tuple)) and all(map(match, p, t))
        return match(p, t)
    return correct


_sign_matches = _per_output(lambda p, t: (p > 0) == (t > 0))           # ±1 labels
_threshold_matches = _per_output(lambda p, t: (p > 0.5) == (t >= 0.5))  # probabilities
_logit_matches = _per_output(lambda p, t: (p > 0) == (t >= 0.5))        # σ(p) > 0.5


def _argmax_matches(p, t):
    return _argmax(p) == int(t)


def _one_hot_matches(p, t):
    return _argmax(p) == list(t).index(1)


_RULES = {"cross_entropy": _argmax_matches, "hinge": _sign_matches,
          "bce_with_logits": _logit_matches, "bce": _threshold_matches}
_RULES["categorical_cross_entropy"] = _argmax_matches


def accuracy_rule(loss, model, y):
    """The function ``correct(prediction, target) -> bool`` used for accuracy, or None.

    ``prediction`` is a float (one output) or a list of floats.  Picked from the
    loss name; for the squared-error losses and custom loss functions it is
    inferred from the labels ``y`` and the model's output activation.
    """
    if isinstance(loss, str) and loss in _RULES:
        return _RULES[loss]
    if not all(isinstance(t, numbers.Real) for t in y):
        # Rows of targets: one-hot rows are scored by argmax, anything else is regression.
        if all(isinstance(t, (list, tuple)) and set(t) <= {0, 1} and list(t).count(1) == 1
               for t in y):
            return _one_hot_matches
        return None
    labels = set(y)
    sigmoid_output = _output_activation(model) == "sigmoid"
    if labels <= {0, 1} and (0 in labels or sigmoid_output):
        return _threshold_matches
    if labels <= {-1, 1}:
        return _sign_matches
    return None


def _count_correct(rule, predictions, targets):
    return sum(1 for p, t in zip(predictions, targets) if rule(p, t))


# --- prediction and evaluation ------------------------------------------------------------

@contextmanager
def _evaluation(model):
    """``model.eval()`` and ``no_grad()`` for a block, then the model's mode as it was."""
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            yield
    finally:
        model.train(was_training)


def _numbers(output):
    return output.data if not isinstance(output, (list, tuple)) else [o.data for o in output]


ENGINES = ("scalar", "matrix")
"""What ``engine=`` accepts: the graph of Values, or NumPy matrices (:mod:`nn.matrix`)."""


def _check_engine(engine, where):
    if engine not in ENGINES:
        raise ValueError(f"{where}(): engine must be one of {', '.join(map(repr, ENGINES))}, "
                         f"got {engine!r}")
    return engine


def predict(model, X, engine="scalar"):
    """The model's outputs for the samples X, in evaluation mode and without a graph:
    a float per sample (one output) or a list of floats per sample.  ``engine="matrix"``
    computes them with :mod:`nn.matrix` (NumPy) instead."""
    if _check_engine(engine, "predict") == "matrix":
        from .matrix.trainer import outputs

        return outputs(model, X)
    with _evaluation(model):
        return [_numbers(model(x)) for x in X]


def evaluate(model, X, y, loss="hinge", engine="scalar"):
    """``{"loss": L, "accuracy": a}`` over (X, y) in evaluation mode under ``no_grad()``
    (``accuracy`` is NaN when no rule applies, see :func:`accuracy_rule`);
    ``engine="matrix"`` computes them with :mod:`nn.matrix` (NumPy) instead.  A diverged
    model, one with a nan or inf prediction, has neither: both are NaN."""
    rule = accuracy_rule(loss, model, y)
    if _check_engine(engine, "evaluate") == "matrix":
        from .matrix.trainer import evaluate as matrix_evaluate

        value, predictions = matrix_evaluate(model, X, y, loss)
        if first_non_finite(predictions) is not None:
            return {"loss": math.nan, "accuracy": math.nan}
    else:
        loss_fn = get_loss(loss)
        with _evaluation(model):
            outputs = [model(x) for x in X]
            predictions = [_numbers(o) for o in outputs]
            # Checked before the loss, which may refuse a nan prediction less clearly.
            if first_non_finite(predictions) is not None:
                return {"loss": math.nan, "accuracy": math.nan}
            value = loss_fn(outputs, list(y)).data
    if rule is None:
        return {"loss": value, "accuracy": math.nan}
    return {"loss": value, "accuracy": _count_correct(rule, predictions, y) / len(X)}


def accuracy(model, X, y, loss="hinge"):
    """The share of samples the model classifies correctly (rule from the loss, see
    :func:`accuracy_rule`); NaN for regression targets."""
    return evaluate(model, X, y, loss)["accuracy"]


# --- fit ------------------------------------------------------------------------------

class _ScalarTrainer:
    """One training step through the graph of Values (the lecture notes' step, plus the extras)."""

    def __init__(self, model, X, y, loss, loss_fn, optimizer, l2, clip_norm):
        self.model, self.X, self.y, self.loss, self.loss_fn = model, X, y, loss, loss_fn
        self.optimizer, self.l2, self.clip_norm = optimizer, l2, clip_norm
        self.params = model.parameters()

    def load(self):
        """Nothing to load: the Values are the parameters."""

    def store(self):
        """Nothing to store: the optimizer changed the Values."""

    def step(self, indices, check):
        """(L, predictions) after one step on the samples ``indices``; ``check(what,
        numbers)`` stops a diverged run at the prediction, the loss or the parameters."""
        model, params = self.model, self.params
        model.zero_grad()
        outputs = [model(self.X[i]) for i in indices]
        predictions = [_numbers(o) for o in outputs]
        # Checked before the loss, which may refuse a nan prediction less clearly.
        check("prediction", predictions)
        batch_loss = self.loss_fn(outputs, [self.y[i] for i in indices])
        if self.l2:
            batch_loss = batch_loss + self.l2 * l2_penalty(params)
        check("loss", [batch_loss.data])
        batch_loss.backward()
        if self.clip_norm is not None:
            clip_grad_norm(params, self.clip_norm)
        self.optimizer.step()
        # A nan weight can hide behind a ReLU that outputs 0: check the parameters too.
        check("parameters", [p.data for p in params])
        return batch_loss.data, predictions

    def evaluate(self, X, y):
        """:func:`evaluate` on (X, y)."""
        return evaluate(self.model, X, y, loss=self.loss)


class _MatrixTrainer:
    """One training step through :mod:`nn.matrix` (imported only when asked for: NumPy)."""

    def __init__(self, model, X, y, loss, loss_fn, optimizer, l2, clip_norm):
        from .matrix.trainer import MatrixTrainer, predictions

        self.trainer, self.predictions = MatrixTrainer(model, X, y, loss, optimizer, l2,
                                                       clip_norm), predictions
        self.load, self.store = self.trainer.load, self.trainer.store
        self.model, self.loss = model, loss

    def step(self, indices, check):
        """(L, predictions) after one step on the samples ``indices``, checked as
        :meth:`_ScalarTrainer.step` checks them (the matrix step updates θ in one go)."""
        batch_loss, Y_hat = self.trainer.step(indices, check)
        return batch_loss, self.predictions(Y_hat)

    def evaluate(self, X, y):
        """:func:`evaluate` with the matrix engine (after ``store()``, θ is the model's)."""
        return evaluate(self.model, X, y, loss=self.loss, engine="matrix")


def _trainer(engine, *args):
    return (_ScalarTrainer if engine == "scalar" else _MatrixTrainer)(*args)


def _check_data(X, y, model, what):
    if not isinstance(X, (list, tuple)) or not isinstance(y, (list, tuple)):
        raise TypeError(f"fit(): {what} X and y must be lists, got {type(X).__name__} and "
                        f"{type(y).__name__}")
    if len(X) != len(y):
        raise ValueError(f"fit(): {what} X has {len(X)} samples but y has {len(y)} targets")
    if not X:
        raise ValueError(f"fit(): {what} data is empty")
    n_in = (getattr(model, "sizes", None) or [None])[0]
    if n_in is not None:
        for i, x in enumerate(X):
            if not isinstance(x, (list, tuple)) or len(x) != n_in:
                raise ValueError(f"fit(): {what} sample {i} must be a list of {n_in} numbers "
                                 f"(the model has {n_in} inputs), got {x!r}")
    for i, x in enumerate(X):
        # A nan in the data would later pass for a diverged run.
        if isinstance(x, (list, tuple)) and not all_finite(x):
            raise ValueError(f"fit(): {what} sample {i} must hold finite numbers, got {x!r}")


def _check_positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"fit(): {name} must be an integer >= 1"
                         f"{' or None' if allow_none else ''}, got {value!r}")


def _check_settings(epochs, batch_size, l2, clip_norm, validation_data, validation_split):
    _check_positive_int(epochs, "epochs")
    _check_positive_int(batch_size, "batch_size", allow_none=True)
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not l2 >= 0:
        raise ValueError(f"fit(): l2 must be a number >= 0, got {l2!r}")
    if clip_norm is not None and (isinstance(clip_norm, bool)
                                  or not isinstance(clip_norm, numbers.Real)
                                  or not clip_norm > 0):
        raise ValueError(f"fit(): clip_norm must be a number > 0 or None, got {clip_norm!r}")
    if validation_data is not None and validation_split is not None:
        raise ValueError("fit(): give validation_data or validation_split, not both")
    if validation_data is not None and (not isinstance(validation_data, (list, tuple))
                                        or len(validation_data) != 2):
        raise ValueError("fit(): validation_data must be a pair (X_val, y_val)")


def _callback_list(callbacks, early_stopping):
    if callable(callbacks) or hasattr(callbacks, "on_epoch_end"):
        callbacks = [callbacks]
    if not isinstance(callbacks, Iterable):
        raise TypeError(f"fit(): callbacks must be a callback (an object with on_train_begin, "
                        f"on_epoch_end or on_train_end, or a function) or a list of them, "
                        f"got {type(callbacks).__name__} {callbacks!r}")
    callbacks = list(callbacks)
    if early_stopping is not None:
        callbacks.append(early_stopping)
    for c in callbacks:
        if not any(hasattr(c, hook) for hook in
                   ("on_train_begin", "on_epoch_end", "on_train_end")) and not callable(c):
            raise TypeError(f"fit(): callback {c!r} has none of on_train_begin, on_epoch_end, "
                            f"on_train_end and is not a function")
    return callbacks


def _call(callback, hook, *args):
    method = getattr(callback, hook, None)
    if method is None and hook == "on_epoch_end" and callable(callback):
        method = callback   # a plain function is an on_epoch_end hook
    return method(*args) if method is not None else None


def fit(model, X, y, loss="hinge", optimizer=None, epochs=10, batch_size=None,
        validation_data=None, validation_split=None, shuffle=True, seed=None, l2=0.0,
        clip_norm=None, callbacks=(), early_stopping=None, scheduler=None, verbose=True,
        live=False, engine="scalar"):
    """Train ``model`` on (X, y) and return a :class:`History`.

    ``loss``: a name of :func:`nn.losses.get_loss` or a function
    ``loss(predictions, targets)`` returning the batch mean.  ``optimizer``:
    any ``nn.optim`` optimizer over ``model.parameters()`` (default
    ``SGD(lr=DEFAULT_LR)``).  ``batch_size=None`` uses the whole training set
    each step (full-batch gradient descent).  ``validation_data=(X_val, y_val)``
    or ``validation_split`` (a fraction held out by ``nn.data.train_val_split``
    with ``seed``).  ``seed`` also fixes the shuffling.  ``l2`` adds
    l2·Σθ² to the minimised loss; ``clip_norm`` clips the gradient's global
    norm before each step.  ``scheduler`` (e.g. ``nn.schedules.LinearLR``) is
    stepped once after each epoch.  ``callbacks``: objects with any of
    ``on_train_begin(model)``, ``on_epoch_end(epoch, logs, model)`` (return
    True to stop) and ``on_train_end(history, model)``, or plain functions
    used as ``on_epoch_end``; ``early_stopping`` an :class:`EarlyStopping`.
    ``verbose`` shows a tqdm progress bar with the loss in its postfix.

    A diverged run raises :class:`TrainingDiverged` at the first step whose
    predictions, loss or updated parameters are nan or inf ("the loss became
    nan at step k; try a smaller learning rate"), rather than training on to
    report meaningless numbers.
    ``live=True`` shows training as it runs in Jupyter (network weights, loss
    curve, decision boundary; :class:`nn.viz.explorer.LiveTraining`, which may
    also be passed itself as ``live``).
    ``engine``: "scalar" (the graph of Values) or "matrix" (the lecture notes'
    vectorized equations in NumPy, :mod:`nn.matrix`; the same numbers to rounding,
    parameters written back into the model's Values after every epoch).
    """
    _check_engine(engine, "fit")
    _check_settings(epochs, batch_size, l2, clip_norm, validation_data, validation_split)
    _check_data(X, y, model, "training")
    loss_fn = get_loss(loss)
    rng = random.Random(seed)
    if validation_split is not None:
        (X, y), validation_data = train_val_split(X, y, validation_split, seed=rng)
    if validation_data is not None:
        _check_data(*validation_data, model, "validation")
    callbacks = _callback_list(callbacks, early_stopping)
    if live is not False:
        from .viz.explorer import LiveTraining  # needs anywidget; imported only when asked for

        if live is not True and not isinstance(live, LiveTraining):
            raise TypeError(f"fit(): live must be True, False or a LiveTraining, got {live!r}")
        callbacks.append(LiveTraining(X, y) if live is True else live)
    for c in callbacks:
        if "val_" in getattr(c, "monitor", "") and validation_data is None:
            raise ValueError(f"fit(): {c!r} monitors {c.monitor!r} but there is no validation "
                             f"data; pass validation_data or validation_split")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=DEFAULT_LR)
    rule = accuracy_rule(loss, model, y)
    trainer = _trainer(engine, model, X, y, loss, loss_fn, optimizer, l2, clip_norm)
    history = History()
    size = batch_size or len(X)
    was_training = getattr(model, "training", True)

    for c in callbacks:
        _call(c, "on_train_begin", model)
    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not verbose)
    step = epoch = 0

    def check(what, values):   # reads the current step and epoch when called
        check_finite(what, values, step, getattr(optimizer, "lr", None),
                     f" (epoch {epoch + 1})", history)

    try:
        for epoch in bar:
            model.train()
            loss_sum, correct = 0.0, 0
            trainer.load()
            try:
                # Batches of sample indices: the same shuffle for both engines.
                for indices, yb in batches(range(len(X)), y, size, shuffle=shuffle, seed=rng):
                    step += 1
                    batch_loss, predictions = trainer.step(indices, check)
                    loss_sum += batch_loss * len(indices)
                    if rule is not None:
                        correct += _count_correct(rule, predictions, yb)
            finally:
                # Interrupted (Ctrl-C, a bad batch, divergence) or not, the model holds
                # every step taken.
                trainer.store()
            logs = {"loss": loss_sum / len(X),
                    "accuracy": correct / len(X) if rule is not None else math.nan}
            if validation_data is not None:
                val = trainer.evaluate(*validation_data)
                logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
            history.append(epoch, logs)
            if scheduler is not None:
                scheduler.step()
            bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
            stop = [_call(c, "on_epoch_end", epoch, logs, model) for c in callbacks]
            if any(s is True for s in stop):
                history.stopped_early = True
                break
    finally:
        bar.close()   # also on an error or Ctrl-C, so the bar's line is finished
        model.train(was_training)
    for c in callbacks:
        _call(c, "on_train_end", history, model)
    return history
