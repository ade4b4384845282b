"""One training run as ``backprop train`` makes it, for the Python API too: an MLP built for
the data, split into training and validation, fitted, and scored on both parts.

:func:`train_run` takes one :class:`TrainRequest` and returns a :class:`TrainRun`::

    from nn.train_run import TrainRequest, train_run
    run = train_run(TrainRequest(X, y, classes=2, hidden=[16, 16], loss="bce_with_logits",
                                 output=("linear", 1), epochs=30))
    run.train["accuracy"], run.validation_scores["loss"]

The output layer (its activation and width) and the labels' convention come with the
request: they follow the loss (the command reads them from the loss's record).  A run
whose final loss is not finite raises :class:`~nn.divergence.TrainingDiverged`.
"""

import math
from dataclasses import dataclass, field

from . import data, optim
from .layers import MLP

__all__ = ["TrainRequest", "TrainRun", "train_run", "OPTIMIZER_DEFAULTS"]

OPTIMIZER_DEFAULTS = {"sgd": (optim.SGD, 0.1), "adam": (optim.Adam, 0.01),
                      "adamw": (optim.AdamW, 0.01), "rmsprop": (optim.RMSprop, 0.01),
                      "adagrad": (optim.Adagrad, 0.1)}
"""Optimizer name -> (class, the learning rate a run uses when none is given)."""


@dataclass
class TrainRequest:
    """What to train: samples ``X`` (rows) with labels ``y`` of ``classes`` classes;
    hidden layer widths ``hidden`` with ``activation`` and the initializer ``init``; the
    ``loss`` and the ``output`` layer (activation, number of outputs) it takes; the
    ``optimizer`` by name and its ``lr`` (None: its default); ``epochs``, ``batch_size``,
    ``l2``, ``seed`` and the ``engine`` ("scalar" or "matrix").  ``validation`` is held
    out data (X, y) of its own, else ``val_fraction`` of the samples is held out."""

    X: object
    y: object
    classes: int
    loss: str
    output: tuple
    hidden: list = field(default_factory=lambda: [16, 16])
    activation: str = "relu"
    init: str = "he_uniform"
    optimizer: str = "adam"
    lr: float = None
    epochs: int = 50
    batch_size: int = 32
    l2: float = 0.0
    seed: int = 0
    engine: str = "scalar"
    validation: tuple = None
    val_fraction: float = 0.2
    verbose: bool = False


@dataclass
class TrainRun:
    """A run: the ``model``, the learning rate used, the training part (``X_train``,
    ``y_train``) and the ``validation`` part (None when nothing was held out), fit's
    ``history``, and the final ``{"loss", "accuracy"}`` on each part."""

    model: object
    lr: float
    X_train: object
    y_train: object
    validation: tuple
    history: object = None
    train: dict = None
    validation_scores: dict = None

    @property
    def sizes(self):
        """The network's layer sizes as "n_0-…-n_L"."""
        return "-".join(str(n) for n in self.model.sizes)


def _prepared(request):
    """The run before training: the model, its optimizer's learning rate and the split."""
    output_activation, outputs = request.output
    model = MLP(len(request.X[0]), request.hidden + [outputs],
                [request.activation] * len(request.hidden) + [output_activation],
                init=request.init, seed=request.seed)
    _, default_lr = OPTIMIZER_DEFAULTS[request.optimizer]
    lr = request.lr if request.lr is not None else default_lr
    X, y = request.X, request.y
    if request.validation is not None:
        (X_train, y_train), validation = (X, y), request.validation
    elif request.val_fraction > 0:
        (X_train, y_train), validation = data.train_val_split(X, y, request.val_fraction,
                                                              seed=request.seed)
    else:
        (X_train, y_train), validation = (X, y), None
    return TrainRun(model, lr, X_train, y_train, validation)


def _scores(run, X, y, request, rule, part):
    from .divergence import TrainingDiverged
    from .train import evaluate

    found = evaluate(run.model, X, y, loss=request.loss, engine=request.engine,
                     accuracy_rule=rule)
    if not math.isfinite(found["loss"]):
        raise TrainingDiverged(f"the {part} loss is {found['loss']} after training: the run "
                               f"diverged; try a smaller learning rate", None)
    return found


def train_run(request, started=None):
    """Build, fit and score the request's MLP (see :class:`TrainRequest`); return a
    :class:`TrainRun`.  ``started(run)``, if given, is called once the model and the split
    exist, before training (the command prints its first line there)."""
    from .train import fit   # tqdm and the loop load only when a run trains

    run = _prepared(request)
    if started:
        started(run)
    optimizer_class, _ = OPTIMIZER_DEFAULTS[request.optimizer]
    run.history = fit(run.model, run.X_train, run.y_train, loss=request.loss,
                      optimizer=optimizer_class(run.model.parameters(), lr=run.lr),
                      epochs=request.epochs, batch_size=request.batch_size,
                      validation_data=run.validation, seed=request.seed, l2=request.l2,
                      verbose=request.verbose, engine=request.engine)
    rule = run.history.accuracy_rule   # the rule fit scored by, for the final figures too
    run.train = _scores(run, run.X_train, run.y_train, request, rule, "train")
    if run.validation:
        run.validation_scores = _scores(run, *run.validation, request, rule, "validation")
    return run
