"""``backprop train``: train an MLP on a built-in toy dataset, then plot and save it.

The network is n_0 = 2 inputs, the ``--hidden`` layers with ``--activation``,
and an output layer that fits the loss (the labels are mapped to match):

===================================  ======================  ============  ========
loss                                 output layer            labels        outputs
===================================  ======================  ============  ========
bce_with_logits (2 classes default)  linear (a logit)        0 / 1         1
bce                                  sigmoid (ŷ = σ(z))      0 / 1         1
mse, half_mse, squared_error         sigmoid (the notes')    0 / 1         1
hinge                                linear (a score)        −1 / +1       1
cross_entropy (>2 classes default)   linear (logits)         0 … K−1       K
categorical_cross_entropy            softmax (probabilities) 0 … K−1       K
===================================  ======================  ============  ========

``--dataset digits`` is the 8×8 handwritten digits (64 inputs, 10 classes); its
pictures are the confusion matrix and the misclassified validation images.
``--data FILE.npz`` trains on your own arrays instead (``X`` and ``y``, or the
``x_train``, ``y_train``, ``x_test``, ``y_test`` of Keras' mnist.npz; see
:func:`nn.matrix.data.load_arrays`): labels 0 … K−1 keep their numbers, uint8
pixels are divided by 255, and image data gets the digits' pictures.

The data is split once (``--val-fraction`` held out for validation, seeded),
``nn.train.fit`` trains with a tqdm progress bar, and the command prints the
final loss and accuracy on both parts, writes the loss curves and the decision
boundary (PNG or SVG, atomically) and, with ``--save``, the model as a network document
(:mod:`nn.schema`) with its loss and first training sample, which ``backprop explain
--network`` reads.

Everything that can fail on the options is checked before the data is made
(with ``--data``, right after the file is read): the classes fit the samples, the
estimated memory of the model, one training step (the graph of Values, or the
matrices of the matrix engine) and the data fits :data:`nn.limits.MEMORY_BUDGET`
(``--allow-large`` goes past it; the error names the option that asks for most
of it), the pictures can be drawn (matplotlib is installed) and every output
file can be written.  A run that diverges stops at the step where the loss,
a prediction or a parameter became nan or inf.
"""

import argparse
import io
import os
from dataclasses import dataclass

from autograd.files import write_atomically

from .. import data
from ..activations import ELEMENTWISE
from ..divergence import first_non_finite
from ..limits import (BYTES_PER_PARAMETER, BYTES_PER_SAMPLE, MEMORY_BUDGET, check_memory,
                      parameter_count, training_memory)
from .options import (PICTURE_FORMATS, CommandError, check_writable_directory, fraction,
                          int_at_least, non_negative_float, output_path, positive_float,
                          report_written)
from .engine import add_engine_option, chosen_engine, numpy_installed
from ..init import SCHEME_NAMES, canonical_scheme
from ..losses import LOSSES, loss_record
from ..train_run import OPTIMIZER_DEFAULTS, TrainRequest, train_run

DATASETS = {"moons": data.moons, "circles": data.circles, "xor": data.xor,
            "spirals": data.spirals, "blobs": data.blobs, "digits": data.digits}
IMAGES = {"digits": (8, 8)}
"""Datasets of images (shape), plotted as a confusion matrix and misclassified images
instead of a decision boundary."""
DEFAULT_SAMPLES = 200
MULTICLASS = {"spirals": "classes", "blobs": "centers"}
"""Datasets with a class count, and the name of their generator's argument for it."""


INIT_SCHEMES = tuple(s for s in SCHEME_NAMES if canonical_scheme(s) != "constant")
"""The names Python's ``init=`` accepts (aliases such as "he" included), less "constant"."""

HIDDEN_ACTIVATIONS = sorted(ELEMENTWISE)
"""Activations a hidden layer may use (softmax is for an output layer only)."""


def _hidden_sizes(text):
    """Option type: comma-separated layer widths such as "16,16" ("" for none)."""
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        sizes = None
    if sizes is None or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"must be comma-separated positive integers such as "
                                         f"16,16 (or \"\" for no hidden layer), got {text!r}")
    return sizes


@dataclass
class _Data:
    """What the command trains on: samples, labels, the class count and how to draw it."""

    name: str               # for titles and picture file names
    X: object
    y: object
    classes: int
    image_shape: tuple = None   # (height, width): confusion matrix + misclassified images
    validation: tuple = None    # held out by the file itself
    notes: tuple = ()


def _generated(args):
    """The built-in dataset of --dataset, --samples, --noise, --seed and --classes."""
    generate = DATASETS[args.dataset]
    options = {"n": args.samples or DEFAULT_SAMPLES, "seed": args.seed}
    if args.dataset in IMAGES:
        options["n"] = args.samples     # None: every image
    elif args.noise is not None:
        options["noise"] = args.noise
    if args.dataset in MULTICLASS:
        options[MULTICLASS[args.dataset]] = args.classes or 3
    try:
        X, y = generate(**options)
    except (ValueError, TypeError) as e:
        raise CommandError(f"--dataset {args.dataset}: {e}") from None
    bad = first_non_finite(X)
    if bad is not None:
        raise CommandError(f"--noise {args.noise:g}: a coordinate of the {args.dataset} data "
                           f"became {bad}; use a smaller noise")
    # The dataset's class count, not the labels a small sample happens to hold: digits
    # has 10 classes even when --samples 5 draws only some of them.
    return _Data(args.dataset, X, y, _class_count(args), IMAGES.get(args.dataset))


def _from_file(args):
    """The arrays of --data FILE.npz (NumPy), a --samples subset of them if asked for."""
    for option in ("noise", "classes"):
        if getattr(args, option) is not None:
            raise CommandError(f"--{option} applies to the built-in datasets, not to --data")
    if not numpy_installed():
        raise CommandError("--data needs NumPy to read the file, which is not installed: "
                           "pip install 'backproplab[fast]'")
    from ..matrix.data import load_arrays

    try:
        loaded = load_arrays(args.data, None if args.allow_large else MEMORY_BUDGET)
    except ValueError as e:
        hint = "; --allow-large goes past it" if "GiB limit" in str(e) else ""
        raise CommandError(f"--data {args.data}: {e}{hint}") from None
    X, y = loaded.X, loaded.y
    if args.samples is not None and args.samples < len(X):
        keep = data.epoch_order(len(X), seed=args.seed)[:args.samples]
        X, y = X[keep], y[keep]
    name = os.path.splitext(os.path.basename(args.data))[0]
    return _Data(name, X, y, loaded.classes, loaded.image_shape, loaded.validation,
                 tuple(loaded.notes))


def _sample_count(args):
    """How many samples --samples asks for (its default depends on --dataset)."""
    if args.samples is not None:
        return args.samples
    return data.DIGITS_SAMPLES if args.dataset in IMAGES else DEFAULT_SAMPLES


def _class_count(args):
    """How many classes --dataset and --classes ask for, checked against --samples."""
    if args.dataset in IMAGES:
        return 10
    if args.dataset not in MULTICLASS:
        return 2
    classes = args.classes or 3
    if classes > _sample_count(args):
        raise CommandError(f"--classes {classes}: each class needs at least one sample, but "
                           f"--samples is {args.samples}; use more samples or fewer classes")
    return classes


def _check_builtin_options(args):
    if args.dataset in IMAGES and args.noise is not None:
        raise CommandError(f"--noise applies to the generated datasets, not to "
                           f"{args.dataset!r}")
    if args.dataset not in MULTICLASS and args.classes not in (None, 2):
        raise CommandError(f"--classes {args.classes}: dataset {args.dataset!r} has 2 classes; "
                           f"--classes applies to {' and '.join(MULTICLASS)}")


def _default_loss(args, classes):
    return args.loss or ("bce_with_logits" if classes == 2 else "cross_entropy")


def _outputs(args, classes):
    return classes if loss_record(_default_loss(args, classes)).classes else 1


def _check_size(args, sizes, samples, engine):
    """TooLargeError (reported like a CommandError) unless the model, one training step and
    the data fit the memory budget of nn.limits (or --allow-large); the message starts
    with the option that asks for most of it."""
    if args.allow_large:
        return
    batch = min(args.batch_size, samples)
    parameters = parameter_count(sizes)
    if engine == "matrix":   # the Values, then float64 matrices: the samples and a batch's
        model = parameters * BYTES_PER_PARAMETER + 4 * 8 * batch * sum(sizes)
        samples_bytes = 8 * samples * sizes[0]
    else:                    # the Values, one step's graph, and the samples as lists
        model = training_memory(sizes, batch, 0)
        samples_bytes = samples * (BYTES_PER_SAMPLE + 32 * sizes[0])
    if model >= samples_bytes:
        culprit = "--hidden " + (",".join(map(str, args.hidden)) or '""')
    else:
        culprit = f"--data {args.data}" if args.data else f"--samples {samples}"
    check_memory(model + samples_bytes,
                 f"{culprit}: an MLP {'-'.join(map(str, sizes))} trained on {samples} samples "
                 f"{args.batch_size} at a time", "--allow-large")


def _check_plotting():
    """CommandError, before any training, when the pictures cannot be drawn."""
    try:
        import matplotlib  # noqa: F401  (only whether it imports)
    except ImportError:
        raise CommandError('drawing the pictures needs matplotlib, which is not installed: '
                           'pip install "backproplab[plots]" (or pass --no-plots)') from None


def _output_layer(loss, classes, dataset):
    """(output activation, number of outputs) for ``loss`` on ``classes`` classes: one
    output per class for a loss over classes, else one (its record's pairing)."""
    record = loss_record(loss)
    if record.classes:
        return record.output, classes
    if classes > 2:
        raise CommandError(f"--loss {loss} is a two-class loss but dataset {dataset!r} has "
                           f"{classes} classes; use --loss cross_entropy (or --classes 2)")
    return record.two_class_output, 1


def _labels(loss, y):
    """The class labels 0/1 as the loss's record wants them (hinge: −1/+1)."""
    labels = loss_record(loss).labels
    if labels is None or tuple(labels) == (0, 1):
        return y
    return [labels[1] if label == 1 else labels[0] for label in y]


def _plot_paths(args, name, points):
    """(history path, boundary path), either None with --no-plots; ``points`` says the
    data are 2-D points (a decision boundary), else the second picture is the confusion
    matrix."""
    if args.no_plots:
        return None, None
    if args.history_plot and args.boundary_plot:
        return args.history_plot, args.boundary_plot
    directory = args.plot_dir
    try:
        os.makedirs(directory, exist_ok=True)
        check_writable_directory(directory, directory)
    except (OSError, argparse.ArgumentTypeError) as e:
        raise CommandError(f"--plot-dir {directory}: {getattr(e, 'strerror', None) or e}") \
            from None
    def default(what):
        return os.path.normpath(os.path.join(directory, f"{name}_{what}.{args.plot_format}"))
    if not points:   # the "boundary" picture becomes confusion (+ misclassified images)
        return args.history_plot or default("history"), default("confusion")
    return args.history_plot or default("history"), args.boundary_plot or default("boundary")


def _save_figure(figure, path, what):
    buffer = io.BytesIO()
    figure.savefig(buffer, format=os.path.splitext(path)[1][1:].lower(), dpi=110)
    try:
        write_atomically(path, buffer.getvalue())
    except OSError as e:
        raise CommandError(f"cannot write the {what} {path}: {e.strerror or e}") from None
    report_written(what, path)


def _percent(share):
    return f"{100 * share:.1f}%"


def _save_error_pictures(model, held_out, classes, engine, shape, title, confusion_path):
    """The confusion matrix of the held-out samples and, for images, the misclassified ones."""
    from ..train import predict
    from ..viz.classification import plot_confusion_matrix, plot_misclassified

    X, y = held_out
    if data.is_array(y):
        X, y = X.tolist() if shape else X, y.tolist()
    outputs = predict(model, X, engine=engine)
    predicted = [max(range(classes), key=row.__getitem__) for row in outputs]
    _save_figure(plot_confusion_matrix(y, predicted, classes, title=title), confusion_path,
                 "confusion matrix")
    if shape is None:
        return
    stem, extension = os.path.splitext(confusion_path)
    stem = stem[:-len("_confusion")] if stem.endswith("_confusion") else stem
    _save_figure(plot_misclassified(X, y, predicted, shape=shape, title=title),
                 f"{stem}_misclassified{extension}", "misclassified images")


def _training_data(args, engine):
    """The data to train on, from --data or --dataset, checked against the memory budget
    (a built-in dataset before it is made)."""
    if args.data is not None:
        if args.dataset is not None:
            raise CommandError(f"--data {args.data} and --dataset {args.dataset}: give one")
        loaded = _from_file(args)
        outputs = _outputs(args, loaded.classes)
        _check_size(args, [loaded.X.shape[1]] + args.hidden + [outputs], len(loaded.X), engine)
        return loaded
    args.dataset = args.dataset or "moons"
    _check_builtin_options(args)
    classes = _class_count(args)
    inputs = IMAGES[args.dataset][0] * IMAGES[args.dataset][1] if args.dataset in IMAGES else 2
    _check_size(args, [inputs] + args.hidden + [_outputs(args, classes)], _sample_count(args),
                engine)
    return None


def _train_request(args, source):
    """The run ``args`` ask for on the data ``source``: the loss (default by the class
    count), the output layer it takes, and labels in its convention."""
    X, y, classes = source.X, source.y, source.classes
    loss = _default_loss(args, classes)
    validation = source.validation
    if validation is not None:   # a file's own test pair: labels in the loss's convention
        validation = (validation[0], _labels(loss, validation[1]))
    return TrainRequest(X, _labels(loss, y), classes, loss,
                        _output_layer(loss, classes, source.name), hidden=args.hidden,
                        activation=args.activation, init=args.init, optimizer=args.optimizer,
                        lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                        l2=args.l2, seed=args.seed, validation=validation,
                        val_fraction=args.val_fraction, verbose=not args.quiet)


def _announce(args, request, source, engine):
    """The first line, printed before training starts: what is trained on what."""
    def started(run):
        held_out = f" + {len(run.validation[0])} validation" if run.validation else ""
        notes = "".join(f"; {note}" for note in source.notes)
        print(f"Training MLP {run.sizes} ({args.activation} hidden, {request.output[0]} "
              f"output, {args.init} init) on {source.name}: {len(run.X_train)} "
              f"training{held_out} samples, {request.classes} classes{notes}; loss "
              f"{request.loss}, {args.optimizer} lr {run.lr:g}, {args.epochs} epochs, batch "
              f"size {args.batch_size}, l2 {args.l2:g}, seed {args.seed}, {engine} engine",
              flush=True)
    return None if args.quiet else started


def _final_line(run):
    train = run.train
    line = f"Final: train loss {train['loss']:.4g}, accuracy {_percent(train['accuracy'])}"
    if run.validation_scores:
        val = run.validation_scores
        line += f"; validation loss {val['loss']:.4g}, accuracy {_percent(val['accuracy'])}"
    return line


def _save_pictures(paths, points, run, request, source, args, engine):
    """The loss curves, and the decision boundary (2-D ``points``) or the confusion
    matrix."""
    import matplotlib   # importable: _check_plotting said so before training

    from ..viz.plots import plot_decision_boundary, plot_history

    history_path, boundary_path = paths
    matplotlib.use("Agg")   # files only: never open a window
    title = f"MLP {run.sizes} on {source.name}, {request.loss}, {args.optimizer} lr {run.lr:g}"
    _save_figure(plot_history(run.history, title=title), history_path, "loss curves")
    X, y = request.X, request.y
    if not points:
        _save_error_pictures(run.model, run.validation or (run.X_train, run.y_train),
                             request.classes, engine, source.image_shape, title,
                             boundary_path)
        return
    if data.is_array(X):
        X, y = X.tolist(), list(map(int, y))
    _save_figure(plot_decision_boundary(run.model, X, y, title=title), boundary_path,
                 "decision boundary")


def run_train(args):
    """``backprop train``: build the data, make the run's one call into
    :func:`nn.train_run.train_run`, then report, plot and save."""
    engine = chosen_engine(args.engine, "matrix" if numpy_installed() else "scalar")
    source = _training_data(args, engine)
    name = source.name if source else args.dataset
    points = (source.X.shape[1] == 2) if source else args.dataset not in IMAGES
    paths = _plot_paths(args, name, points)
    if paths[0]:
        _check_plotting()
    source = source or _generated(args)
    request = _train_request(args, source)
    request.engine = engine
    run = train_run(request, started=_announce(args, request, source, engine))
    print(_final_line(run))
    if paths[0]:
        _save_pictures(paths, points, run, request, source, args, engine)
    if args.save:
        _save_model(args.save, run.model, request.loss, (run.X_train, run.y_train),
                    f"MLP {run.sizes} trained on {name} ({request.loss}, {args.optimizer} lr "
                    f"{run.lr:g}, {args.epochs} epochs, seed {args.seed}); its inputs and "
                    f"targets are the first training sample, so `backprop explain --network "
                    f"FILE` explains one step on it")
    return 0


def _save_model(path, model, loss, training, description):
    """Save the model as a network document with its loss and first training sample."""
    from ..serialize import save

    X, y = training
    sample = X[0].tolist() if hasattr(X[0], "tolist") else list(X[0])
    target = y[0].item() if hasattr(y[0], "item") else y[0]
    try:
        save(model, path, loss=loss, inputs=[sample], targets=[target],
             description=description)
    except (OSError, ValueError) as e:
        raise CommandError(f"cannot save the model to {path}: {e}") from None
    report_written("model", path)


_TRAIN_EPILOG = """\
The output layer and the labels follow the loss: bce_with_logits (the default for
two classes) a linear logit with labels 0/1; bce and the squared errors a sigmoid
with 0/1; hinge a linear score with -1/+1; cross_entropy (the default for more
classes) one linear logit per class.  Pictures go to --plot-dir as
DATASET_history.png and DATASET_boundary.png unless --history-plot/--boundary-plot
name them (.png or .svg); every file is written atomically.  For digits the
boundary becomes the validation set's confusion matrix (digits_confusion.png, or
--boundary-plot) and its misclassified images (..._misclassified.png beside it).
--engine matrix (the default when NumPy is installed) trains with the lecture
notes' vectorized equations, the same numbers as --engine scalar's graph.

examples:
  backprop train                                        moons, 2-16-16-1, adam, 50 epochs
  backprop train --dataset circles --hidden 8 --activation tanh --epochs 30
  backprop train --dataset spirals --classes 3 --hidden 32,32 --epochs 100
  backprop train --dataset xor --optimizer sgd --lr 0.5 --batch-size 8 --quiet
  backprop train --loss hinge --l2 1e-4 --plot-dir plots --save moons_model.json
  backprop train --history-plot loss.svg --boundary-plot boundary.svg
  backprop train --dataset digits --hidden 32 --epochs 30   confusion matrix + misclassified
  backprop train --data mnist.npz --hidden 128 --epochs 5 --batch-size 128 --optimizer sgd
  backprop train --engine scalar                        the graph of Values (slow, checkable)
"""


def add_train_parser(commands):
    """Add the ``train`` subcommand to ``commands`` (an argparse subparsers object)."""
    p = commands.add_parser(
        "train", help="train an MLP on a toy dataset; plot loss and decision boundary",
        description="Train an MLP on a built-in 2-D dataset with a progress bar, print the "
                    "final train and validation accuracy, and write the loss curves and the "
                    "decision boundary as pictures.",
        epilog=_TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", choices=list(DATASETS),
                   help="the data: moons (default), circles, xor, spirals, blobs, or "
                        "digits (8×8 handwritten digits, 10 classes)")
    p.add_argument("--data", metavar="FILE.npz",
                   help="train on your own arrays instead: a NumPy .npz file with X (one row "
                        "or image per sample) and y (class labels 0, 1, …), or Keras' "
                        "mnist.npz (x_train, y_train; x_test, y_test for validation); uint8 "
                        "pixels are divided by 255")
    p.add_argument("--samples", type=int_at_least(4), metavar="N",
                   help=f"number of samples (default {DEFAULT_SAMPLES}; digits and --data: "
                        f"all, else a random subset of N)")
    p.add_argument("--noise", type=non_negative_float, metavar="X",
                   help="noise level (default: the dataset's own, e.g. 0.1 for moons)")
    p.add_argument("--classes", type=int_at_least(2), metavar="K",
                   help="number of classes of spirals or blobs (default 3)")
    p.add_argument("--hidden", type=_hidden_sizes, default=[16, 16], metavar="N,N,…",
                   help="hidden layer widths (default 16,16; \"\" for none)")
    p.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default="relu",
                   help="hidden activation (default relu)")
    p.add_argument("--init", choices=INIT_SCHEMES, default="he_uniform",
                   help="weight initialization (default he_uniform; uniform is micrograd's)")
    p.add_argument("--loss", choices=list(LOSSES), metavar="NAME",
                   help=f"loss: {', '.join(LOSSES)} (default bce_with_logits for 2 classes, "
                        f"cross_entropy for more)")
    p.add_argument("--optimizer", choices=list(OPTIMIZER_DEFAULTS), default="adam",
                   help="optimizer with PyTorch's formulas (default adam)")
    p.add_argument("--lr", type=positive_float, metavar="ALPHA",
                   help="learning rate (default 0.1 for sgd and adagrad, 0.01 for adam, "
                        "adamw and rmsprop)")
    p.add_argument("--l2", type=non_negative_float, default=0.0, metavar="LAMBDA",
                   help="add LAMBDA·Σθ² to the loss (default 0; micrograd's demo uses 1e-4)")
    p.add_argument("--epochs", type=int_at_least(1), default=50, metavar="N",
                   help="passes over the training data (default 50)")
    p.add_argument("--batch-size", type=int_at_least(1), default=32, metavar="N",
                   help="samples per gradient step (default 32)")
    p.add_argument("--val-fraction", type=fraction, default=0.2, metavar="F",
                   help="share of the samples held out for validation (default 0.2; 0: none)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for the data, the initial weights and the shuffling (default 0)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar and no summary of the setup")
    p.add_argument("--plot-dir", default=".", metavar="DIR",
                   help="directory for the pictures (default: the current one; created if "
                        "missing)")
    p.add_argument("--plot-format", choices=[f[1:] for f in PICTURE_FORMATS], default="png",
                   help="format of the pictures named by --plot-dir (default png)")
    p.add_argument("--history-plot", type=output_path(PICTURE_FORMATS), metavar="FILE",
                   help="write the loss (and accuracy) curves here (.png or .svg)")
    p.add_argument("--boundary-plot", type=output_path(PICTURE_FORMATS), metavar="FILE",
                   help="write the decision boundary here (.png or .svg)")
    p.add_argument("--no-plots", action="store_true", help="write no pictures")
    add_engine_option(p, "matrix when NumPy is installed, else scalar")
    p.add_argument("--save", type=output_path((".json",)), metavar="FILE",
                   help="save the trained model as a network document (its weights, loss "
                        "and first training sample), which `backprop explain --network FILE` "
                        "explains one step on")
    p.add_argument("--allow-large", action="store_true",
                   help=f"start even when the estimated memory passes the "
                        f"{MEMORY_BUDGET // 2**30} GiB limit (nn.limits)")
    p.set_defaults(run=run_train)
