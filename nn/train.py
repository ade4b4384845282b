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

How a prediction counts as correct is decided once per model and loss, before
training (:func:`accuracy_rule`, :mod:`nn.accuracy`): hinge scores by sign against ±1
labels, BCE probabilities by the threshold 0.5 against 0/1 labels (BCE with logits:
logit > 0), cross-entropy by argmax against class indices; the squared-error losses
by the output layer (sigmoid: threshold; softmax: argmax) or, on a linear output, by
the training labels; regression targets get no rule (accuracy is NaN).  Every epoch
and the validation set are scored by that one rule, which ``History.accuracy_rule``
states.

X and y may be lists (a list of samples, each a list of numbers) or NumPy arrays
(X of shape (samples, n_0), y of shape (samples,) or (samples, n_L)); they give
exactly the same numbers.  The matrix engine keeps X as one float64 array (a
float64 array in row order is not copied) and checks it once per call.
"""

import math
import numbers
import random
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext

from tqdm.auto import tqdm

from autograd import Value, is_grad_enabled, no_grad, topological_order

from . import accuracy as _accuracy
from ._checks import one_line, short
from .clip import clip_grad_norm
from .data import epoch_order, is_array, split_indices, take, train_val_split
from .divergence import TrainingDiverged, all_finite, check_finite, first_non_finite
from .live_view import live_view
from .losses import get_loss, loss_record, record_of
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
    ``stopped_early`` says whether a callback ended training; ``accuracy_rule`` is
    the :class:`nn.accuracy.AccuracyRule` every accuracy was scored by (its ``str``
    states the rule and what decided it), or None when there is none (regression)."""

    def __init__(self, accuracy_rule=None):
        self.history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        self.epochs = []
        self.stopped_early = False
        self.accuracy_rule = accuracy_rule

    def append(self, epoch, logs):
        """Record one epoch's ``logs`` (a dict with some of the four keys)."""
        self.epochs.append(epoch)
        for key, value in logs.items():
            self.history[key].append(value)

    def __len__(self):
        return len(self.epochs)

    def __repr__(self):
        last = {k: v[-1] for k, v in self.history.items() if v}
        rule = f"accuracy by {self.accuracy_rule}" if self.accuracy_rule else "no accuracy rule"
        return f"History({len(self)} epochs, last={last}, {rule})"


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

def accuracy_rule(loss, model, y):
    """The :class:`nn.accuracy.AccuracyRule` for ``model`` and ``loss`` (its ``correct(p, t)``
    scores one prediction, a float or a list of floats), or None for regression targets.

    Decided by the loss, then the model's output layer, and only where both leave it
    open by the labels ``y``; see :func:`nn.accuracy.decide`.  ``fit`` decides it once,
    from the training labels, and records it in ``History.accuracy_rule``.
    """
    return _accuracy.decide(loss_record(loss) if isinstance(loss, str) else loss, model, y)


def _rule(rule, loss, model, y):
    """The rule to score by: ``rule`` (an AccuracyRule or its name) if given, else decided."""
    if rule is None:
        return accuracy_rule(loss, model, y)
    if isinstance(rule, _accuracy.AccuracyRule):
        return rule
    if isinstance(rule, str) and rule in _accuracy.RULES:
        return _accuracy.RULES[rule]
    raise ValueError(f"accuracy_rule must be an AccuracyRule (such as History.accuracy_rule) or "
                     f"one of {', '.join(map(repr, _accuracy.RULES))}, got {rule!r}")


# --- a loss function of one's own -----------------------------------------------------------

LOSS_CONTRACT = ("a loss function is called as loss(predictions, targets) with a mini-batch: "
                 "predictions is a list of m model outputs (a Value each, or a list of n_L "
                 "Values for several outputs), targets the list of their m targets from y; it "
                 "returns one Value, the batch mean (1/m) Σᵢ Lᵢ, built from the predictions with "
                 "Value operations")
"""What :func:`fit` and :func:`evaluate` expect of a loss function that is not a name."""


def _loss_function(loss, context):
    """The function to call for ``loss``: a named loss as it is; a function of one's own
    checked against :data:`LOSS_CONTRACT` where it is called, so a guess at the signature
    fails naming the expected form, not deep inside with a list's TypeError."""
    fn = get_loss(loss)
    if record_of(fn) is not None:   # one of nn.losses' own
        return fn
    name = getattr(fn, "__name__", None) or repr(fn)
    reached = []   # its graph has been seen to reach the predictions once: enough

    def checked(predictions, targets):
        try:
            result = fn(predictions, targets)
        except (TypeError, AttributeError) as e:
            raise TypeError(f"{context}: the loss function {name} raised {type(e).__name__} "
                            f"({one_line(e)}); {LOSS_CONTRACT}") from e
        if not isinstance(result, Value):
            raise TypeError(f"{context}: the loss function {name} returned "
                            f"{type(result).__name__} {short(result)}; {LOSS_CONTRACT}")
        if not reached and is_grad_enabled():
            if not _depends_on(result, predictions):
                raise TypeError(f"{context}: the loss function {name} returned a Value that "
                                f"does not depend on the predictions (made from numbers, such "
                                f"as their .data), so backward() cannot reach the weights; "
                                f"{LOSS_CONTRACT}")
            reached.append(True)
        return result

    return checked


def _depends_on(result, predictions):
    outputs = {id(v) for p in predictions for v in (p if isinstance(p, (list, tuple)) else [p])
               if isinstance(v, Value)}
    return any(id(node) in outputs for node in topological_order(result))


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


def _n_inputs(model):
    return (getattr(model, "sizes", None) or [None])[0]


def _as_lists(X, y, model, context, what=""):
    """Arrays become the lists the scalar engine reads (checked as the matrix engine checks
    them, so both refuse the same arrays); lists pass through."""
    if is_array(X):
        from .matrix.data import sample_matrix

        X = sample_matrix(X, _n_inputs(model), context, what).tolist()
    if y is not None and is_array(y):
        from .matrix.data import check_targets

        y = check_targets(y, len(X), context, what).tolist()
    return X, y


def predict(model, X, engine="scalar"):
    """The model's outputs for the samples X (a list of samples or an array of shape
    (samples, n_0)), in evaluation mode and without a graph: a float per sample (one
    output) or a list of floats per sample.  ``engine="matrix"`` computes them with
    :mod:`nn.matrix` (NumPy) instead, a few thousand samples at a time."""
    if _check_engine(engine, "predict") == "matrix":
        from .matrix.trainer import outputs

        return outputs(model, X)
    X, _ = _as_lists(X, None, model, "predict()")
    with _evaluation(model):
        return [_numbers(model(x)) for x in X]


def _scores(value, correct, m, rule):
    return {"loss": value, "accuracy": correct / m if rule is not None else math.nan}


def evaluate(model, X, y, loss="hinge", engine="scalar", accuracy_rule=None):
    """``{"loss": L, "accuracy": a}`` over (X, y) in evaluation mode under ``no_grad()``;
    ``engine="matrix"`` computes them with :mod:`nn.matrix` (NumPy) instead.  X, y and
    ``loss`` (a name, or a function ``loss(predictions, targets)`` of the whole set
    returning one Value) as for :func:`fit`.

    ``accuracy_rule`` (an :class:`nn.accuracy.AccuracyRule`, such as a fit's
    ``History.accuracy_rule``, or a rule's name) scores the predictions; without it
    the rule is decided from the loss, the model and these labels (see
    :func:`accuracy_rule`); ``accuracy`` is NaN when no rule applies.  A diverged
    model, one with a nan or inf prediction, has neither: both are NaN."""
    matrix = _check_engine(engine, "evaluate") == "matrix"
    if not matrix:
        X, y = _as_lists(X, y, model, "evaluate()")
    rule = _rule(accuracy_rule, loss, model, y)
    if matrix:
        from .matrix.trainer import evaluate as matrix_evaluate

        value, correct, finite = matrix_evaluate(model, X, y, loss, rule)
        if not finite:
            return {"loss": math.nan, "accuracy": math.nan}
        return _scores(value, correct, len(X), rule)
    loss_fn = _loss_function(loss, "evaluate()")
    with _evaluation(model):
        outputs = [model(x) for x in X]
        predictions = [_numbers(o) for o in outputs]
        # Checked before the loss, which may refuse a nan prediction less clearly.
        if first_non_finite(predictions) is not None:
            return {"loss": math.nan, "accuracy": math.nan}
        value = loss_fn(outputs, list(y)).data
    correct = _accuracy.count_correct(rule, predictions, y) if rule is not None else 0
    return _scores(value, correct, len(X), rule)


def accuracy(model, X, y, loss="hinge"):
    """The share of samples the model classifies correctly (rule from the loss, see
    :func:`accuracy_rule`); NaN for regression targets."""
    return evaluate(model, X, y, loss)["accuracy"]


# --- fit ------------------------------------------------------------------------------

class _ScalarTrainer:
    """One training step through the graph of Values (the lecture notes' step, plus the extras)."""

    def __init__(self, model, X, y, loss, optimizer, l2, l2_biases, clip_norm, rule, params,
                 validation_data):
        self.model, self.X, self.y, self.loss = model, X, y, loss
        self.loss_fn = _loss_function(loss, "fit()")
        self.optimizer, self.l2, self.clip_norm, self.rule = optimizer, l2, clip_norm, rule
        self.params, self.validation = params, validation_data
        self.penalized = params if l2_biases else _weights(model)

    def load(self):
        """Nothing to load: the Values are the parameters."""

    def store(self):
        """Nothing to store: the optimizer changed the Values."""

    def quiet(self):
        """Nothing to silence: Python floats raise or say nan themselves."""
        return nullcontext()

    def batches(self, size, shuffle, rng):
        """The index lists of one epoch's mini-batches (:func:`nn.data.epoch_order`)."""
        order = epoch_order(len(self.X), shuffle, rng)
        return (order[start:start + size] for start in range(0, len(order), size))

    def step(self, indices, check):
        """(L, how many samples the rule scores as correct) after one step on the samples
        ``indices``; ``check(what, numbers)`` stops a diverged run at the prediction, the
        loss or the parameters."""
        model, params = self.model, self.params
        model.zero_grad()
        outputs = [model(self.X[i]) for i in indices]
        predictions = [_numbers(o) for o in outputs]
        # Checked before the loss, which may refuse a nan prediction less clearly.
        check("prediction", predictions)
        targets = [self.y[i] for i in indices]
        batch_loss = self.loss_fn(outputs, targets)
        if self.l2:
            batch_loss = batch_loss + self.l2 * l2_penalty(self.penalized)
        check("loss", [batch_loss.data])
        batch_loss.backward()
        if self.clip_norm is not None:
            clip_grad_norm(params, self.clip_norm)
        self.optimizer.step()
        # A nan weight can hide behind a ReLU that outputs 0: check the parameters too.
        check("parameters", [p.data for p in params])
        correct = (_accuracy.count_correct(self.rule, predictions, targets)
                   if self.rule is not None else 0)
        return batch_loss.data, correct

    def evaluate(self):
        """:func:`evaluate` on the validation data, scored by the training's rule."""
        return evaluate(self.model, *self.validation, loss=self.loss, accuracy_rule=self.rule)


class _MatrixTrainer:
    """One training step through :mod:`nn.matrix` (imported only when asked for: NumPy)."""

    def __init__(self, model, X, y, loss, optimizer, l2, l2_biases, clip_norm, rule, rows,
                 params, validation_data):
        from .matrix.data import epoch_order as array_epoch_order
        from .matrix.trainer import MatrixTrainer

        self.epoch_order, self.rule = array_epoch_order, rule
        self.trainer = MatrixTrainer(model, X, y, loss, optimizer, l2, clip_norm, rows, params,
                                     checked=True, l2_biases=l2_biases)
        trainer = self.trainer
        self.load, self.store, self.quiet = trainer.load, trainer.store, trainer.quiet
        self.validation = (None if validation_data is None
                           else self.trainer.evaluation_data(*validation_data, "fit()"))

    def batches(self, size, shuffle, rng):
        """One epoch's mini-batches as index arrays, in :func:`nn.data.epoch_order`'s order."""
        order = self.epoch_order(len(self.trainer), shuffle, rng)
        return (order[start:start + size] for start in range(0, len(order), size))

    def step(self, indices, check):
        """(L, correct) after one step, checked as :meth:`_ScalarTrainer.step` checks it
        (the matrix step updates θ in one go, and scores the batch with array operations)."""
        batch_loss, Y_hat = self.trainer.step(indices, check)
        if self.rule is None:
            return batch_loss, 0
        return batch_loss, self.trainer.count_correct(self.rule, Y_hat)

    def evaluate(self):
        """:func:`evaluate` on the validation data with the matrix engine on the trainer's θ
        (after ``store()``, the model's), scored by the training's rule."""
        value, correct, finite = self.trainer.evaluate(self.validation, self.rule)
        if not finite:
            return {"loss": math.nan, "accuracy": math.nan}
        return _scores(value, correct, len(self.validation[0]), self.rule)


def _check_rows(X, model, what):
    """The scalar engine's check of a list of samples: each a list of n_0 finite numbers."""
    n_in = _n_inputs(model)
    if n_in is not None:
        for i, x in enumerate(X):
            if not isinstance(x, (list, tuple)) or len(x) != n_in:
                raise ValueError(f"fit(): {what} sample {i} must be a list of {n_in} numbers "
                                 f"(the model has {n_in} inputs), got {x!r}")
    for i, x in enumerate(X):
        # A nan in the data would later pass for a diverged run.
        if isinstance(x, (list, tuple)) and not all_finite(x):
            raise ValueError(f"fit(): {what} sample {i} must hold finite numbers, got {x!r}")


def _check_data(X, y, model, what, engine):
    """(X, y) checked and as ``engine`` reads them: lists for "scalar", a float64 array X
    for "matrix" (y as given); every error names the sample at fault."""
    for name, seq in (("X", X), ("y", y)):
        if not isinstance(seq, (list, tuple)) and not is_array(seq):
            raise TypeError(f"fit(): {what} X and y must be lists or NumPy arrays, got "
                            f"{type(X).__name__} and {type(y).__name__}")
    if len(X) != len(y):
        raise ValueError(f"fit(): {what} X has {len(X)} samples but y has {len(y)} targets")
    if not len(X):
        raise ValueError(f"fit(): {what} data is empty")
    if engine == "scalar":
        X, y = _as_lists(X, y, model, "fit()", what)
        _check_rows(X, model, what)
        return X, y
    from .matrix.data import check_targets, sample_matrix

    X = sample_matrix(X, _n_inputs(model), "fit()", what,
                      check_rows=lambda rows: _check_rows(rows, model, what))
    return X, check_targets(y, len(X), "fit()", what)


def _is_bias(name):
    # named_parameters() names follow a PyTorch state_dict: "0.bias[3]" is a bias
    return name.split("[", 1)[0].rsplit(".", 1)[-1] == "bias"


def _weights(model):
    """The parameters l2 penalises with ``l2_biases=False``: all but the biases."""
    return [p for name, p in model.named_parameters() if not _is_bias(name)]


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


_HOOKS = ("on_train_begin", "on_epoch_end", "on_train_end")


def _is_callback(c):
    """True for an object with any of fit's hooks, or a function (called as on_epoch_end)."""
    return callable(c) or any(hasattr(c, hook) for hook in _HOOKS)


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
        if not _is_callback(c):
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
        l2_biases=True, clip_norm=None, callbacks=(), early_stopping=None, scheduler=None,
        verbose=True, live=False, engine="scalar"):
    """Train ``model`` on (X, y) and return a :class:`History`.

    ``X`` and ``y``: lists (a list of samples, each a list of numbers; a target per
    sample) or NumPy arrays (X of shape (samples, n_0)), exactly the same numbers
    either way.  A target is a number, a list of n_L numbers for several outputs, or for
    ``"cross_entropy"`` and ``"categorical_cross_entropy"`` a class index, 0-based
    (0 … n_L − 1, as in PyTorch: labels 1 … K are refused at K).

    ``loss``: a name of :func:`nn.losses.get_loss`, or a function of your own (scalar
    engine only), called on each mini-batch as ``loss(predictions, targets)``:
    ``predictions`` is the list of the m model outputs (a Value per sample, or a list of
    n_L Values per sample for several outputs) and ``targets`` the list of their m
    targets as given in y; it returns one Value, the batch mean L = (1/m) Σᵢ Lᵢ, built
    from the predictions with Value operations so that backward() reaches the weights::

        def mean_abs_error(predictions, targets):
            return sum(abs(p - t) for p, t in zip(predictions, targets)) / len(predictions)

    A function that does not fit that form (it raises a TypeError on the lists, or returns
    a list, a float, or a Value that does not depend on the predictions) stops ``fit`` at
    its first call with a one-line TypeError stating the form (:data:`LOSS_CONTRACT`).

    ``optimizer``:
    any ``nn.optim`` optimizer over ``model.parameters()`` (default
    ``SGD(lr=DEFAULT_LR)``).  ``batch_size=None`` uses the whole training set
    each step (full-batch gradient descent).  ``validation_data=(X_val, y_val)``
    or ``validation_split`` (a fraction held out by ``nn.data.train_val_split``
    with ``seed``).  ``seed`` also fixes the shuffling.  ``l2`` adds
    l2·Σθ² to the minimised loss (∂/∂θ = 2·l2·θ, PyTorch's weight_decay = 2·l2)
    over every parameter, or with ``l2_biases=False`` over the weights only,
    l2·Σ_l ‖W^[l]‖²: the deeplearning.ai course's L2 term (λ/2m)·Σ_l ‖W^[l]‖² is
    ``l2 = λ/(2m)``.  ``clip_norm`` clips the gradient's global
    norm before each step.  ``scheduler`` (e.g. ``nn.schedules.LinearLR``) is
    stepped once after each epoch.  ``callbacks``: objects with any of
    ``on_train_begin(model)``, ``on_epoch_end(epoch, logs, model)`` (return
    True to stop) and ``on_train_end(history, model)``, or plain functions
    used as ``on_epoch_end``; ``early_stopping`` an :class:`EarlyStopping`.
    ``verbose`` shows a tqdm progress bar with the loss in its postfix.
    Accuracy is scored by one rule, decided before training (``History.accuracy_rule``).

    A diverged run raises :class:`TrainingDiverged` at the first step whose
    predictions, loss or updated parameters are nan or inf ("the loss became
    nan at step k; try a smaller learning rate"), rather than training on to
    report meaningless numbers.
    ``live=True`` shows training as it runs in Jupyter (network weights, loss
    curve, decision boundary: the view :mod:`nn.live_view` holds, the explorer's
    :class:`nn.viz.explorer.LiveTraining`, which may also be passed itself as ``live``,
    as may any callback).
    ``engine``: "scalar" (the graph of Values) or "matrix" (the lecture notes'
    vectorized equations in NumPy, :mod:`nn.matrix`; the same numbers to rounding,
    parameters written back into the model's Values after every epoch when there are
    callbacks to see them, else when training ends).
    """
    _check_engine(engine, "fit")
    _check_settings(epochs, batch_size, l2, clip_norm, validation_data, validation_split)
    if not isinstance(l2_biases, bool):
        raise TypeError(f"fit(): l2_biases must be True or False, got {l2_biases!r}")
    X, y = _check_data(X, y, model, "training", engine)
    get_loss(loss)   # an unknown loss name fails here, before anything else
    rng = random.Random(seed)
    X, y, rows, validation_data = _held_out(X, y, model, engine, validation_data,
                                            validation_split, rng)
    y_train = y if rows is None else take(y, rows)
    callbacks = _callback_list(callbacks, early_stopping)
    if live is not False:
        callbacks.append(_live(live, model, X if rows is None else X[rows], y_train))
    for c in callbacks:
        if "val_" in getattr(c, "monitor", "") and validation_data is None:
            raise ValueError(f"fit(): {c!r} monitors {c.monitor!r} but there is no validation "
                             f"data; pass validation_data or validation_split")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=DEFAULT_LR)
    rule = accuracy_rule(loss, model, y_train)   # once: every epoch and the validation set
    if engine == "scalar":
        trainer = _ScalarTrainer(model, X, y, loss, optimizer, l2, l2_biases, clip_norm, rule,
                                 params, validation_data)
    else:
        trainer = _MatrixTrainer(model, X, y, loss, optimizer, l2, l2_biases, clip_norm, rule,
                                 rows, params, validation_data)
    history = History(rule)
    loop = _Epochs(trainer, model, history, callbacks, optimizer, len(y_train))
    loop.run(epochs, batch_size or len(y_train), shuffle, rng, scheduler, verbose,
             validation_data is not None)
    for c in callbacks:
        _call(c, "on_train_end", history, model)
    return history


def _held_out(X, y, model, engine, validation_data, validation_split, rng):
    """(X, y, rows, validation data): ``validation_split`` held out of (X, y) by
    :func:`nn.data.train_val_split`'s split (the matrix engine keeps X whole and trains on
    its ``rows``, so the training part is not copied; else rows is None), the validation
    data checked as the training data is."""
    rows = None
    if validation_split is not None and engine == "matrix":
        rows, held_out = split_indices(len(X), validation_split, rng)
        validation_data = (X[held_out], take(y, held_out))
    elif validation_split is not None:
        (X, y), validation_data = train_val_split(X, y, validation_split, seed=rng)
    if validation_data is not None:
        validation_data = _check_data(*validation_data, model, "validation", engine)
    return X, y, rows, validation_data


def _live(live, model, X, y):
    """The callback ``live`` asks for: the registered live view of the training data (X, y)
    for True (:mod:`nn.live_view`), else ``live`` itself, a callback."""
    if live is True:
        return live_view(*_as_lists(X, y, model, "fit()"))
    if not _is_callback(live):
        raise TypeError(f"fit(): live must be True, False or a callback such as a "
                        f"LiveTraining, got {live!r}")
    return live


class _Epochs:
    """fit's loop: each epoch's mini-batch steps, its logs (and the validation set's), the
    scheduler, the progress bar and the callbacks, until the epochs run out or a callback
    stops it; a diverged step stops it naming the step and the epoch."""

    def __init__(self, trainer, model, history, callbacks, optimizer, n_train):
        self.trainer, self.model, self.history = trainer, model, history
        self.callbacks, self.optimizer, self.n_train = callbacks, optimizer, n_train
        self.step = self.epoch = 0
        self.unstored = False   # steps taken since θ was last handed back

    def check(self, what, values):
        """Stop a diverged run at the prediction, the loss or the parameters."""
        check_finite(what, values, self.step, getattr(self.optimizer, "lr", None),
                     f" (epoch {self.epoch + 1})", self.history)

    def run(self, epochs, size, shuffle, rng, scheduler, verbose, validating):
        """Train for ``epochs`` epochs of mini-batches of ``size``, recording each in the
        history; the model keeps every step taken, also on an error or Ctrl-C."""
        model, history, callbacks = self.model, self.history, self.callbacks
        was_training = getattr(model, "training", True)
        for c in callbacks:
            _call(c, "on_train_begin", model)
        bar = tqdm(range(epochs), desc="fit", unit="epoch") if verbose else None
        # Callbacks see (and may change) the model after every epoch, so the matrix engine
        # hands θ back and reads it again each epoch; without any, only at the start and end.
        every_epoch = bool(callbacks)
        try:
            for self.epoch in bar if bar is not None else range(epochs):
                logs = self.one_epoch(size, shuffle, rng, every_epoch or self.epoch == 0,
                                      every_epoch)
                if validating:
                    val = self.trainer.evaluate()
                    logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
                history.append(self.epoch, logs)
                if scheduler is not None:
                    scheduler.step()
                if bar is not None:
                    bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
                stop = [_call(c, "on_epoch_end", self.epoch, logs, model) for c in callbacks]
                if any(s is True for s in stop):
                    history.stopped_early = True
                    break
        finally:
            if self.unstored:   # the end, or an interruption (Ctrl-C, a bad batch, divergence):
                self.trainer.store()   # the model holds every step taken
            if bar is not None:
                bar.close()   # also on an error or Ctrl-C, so the bar's line is finished
            model.train(was_training)

    def one_epoch(self, size, shuffle, rng, load, store):
        """{"loss", "accuracy"} of one pass over the training set in mini-batches of
        ``size``, the parameters read in first with ``load`` and handed back with ``store``."""
        trainer = self.trainer
        self.model.train()
        loss_sum, correct = 0.0, 0
        if load:
            trainer.load()
        with trainer.quiet():
            # Batches of sample indices: the same shuffle for both engines.
            for indices in trainer.batches(size, shuffle, rng):
                self.step += 1
                self.unstored = True
                batch_loss, batch_correct = trainer.step(indices, self.check)
                loss_sum += batch_loss * len(indices)
                correct += batch_correct
        if store:
            trainer.store()
            self.unstored = False
        return {"loss": loss_sum / self.n_train,
                "accuracy": correct / self.n_train if trainer.rule is not None else math.nan}
