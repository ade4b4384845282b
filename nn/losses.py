"""Loss functions, built from Value ops so the engine differentiates them, and one record
per loss (:data:`LOSSES`) that every other part of ``nn`` reads.

Each takes one prediction and its target, or a mini-batch (a list of
predictions and a list of targets), and returns the mean as one Value:

    L = (1/m) Σᵢ L(ŷᵢ, yᵢ).

For the element-wise losses (all but :func:`cross_entropy`) a prediction may
itself be a list (several outputs); the mean is then over every element, as
PyTorch's ``reduction="mean"`` does.  A single prediction gives its loss
directly, with no averaging node.  Targets outside a loss's domain raise a
ValueError naming the target and where it is, 1-based ("target of sample 2").

Each loss is ONE :class:`Loss` record: its CLI/JSON name, function, NumPy forms for the
matrix engine (:mod:`nn.loss_arrays`), formula and ∂L/∂ŷ, what it takes and its targets,
the output layer it pairs with (and the fused δ = ŷ − y of BCE after a sigmoid), its
accuracy rule, labels, ½, PyTorch form and formula-question forms.  Adding a loss is its
function and one record here (its NumPy forms in :mod:`nn.loss_arrays`) and one test case;
``tests/nn/test_registries.py`` drives every consumer with every record.
"""

from dataclasses import dataclass, replace
from typing import Callable, Optional

from autograd import Value, log_softmax, ops, total

from . import loss_arrays as arrays
from ._checks import is_number
from .accuracy import ARGMAX, LOGIT, SIGN, THRESHOLD, AccuracyRule
from .activations import ACTIVATIONS

_LOG_FLOOR = -100.0  # PyTorch's BCELoss clamps each log here


def _as_value(p, loss, where):
    if type(p) is Value:
        return p
    if is_number(p):
        return Value(float(p))
    raise TypeError(f"{loss}: prediction{where} is {type(p).__name__} {p!r}; "
                    f"expected a Value or a number")


def _as_target(y, loss, where):
    if isinstance(y, Value):
        return y.data
    if is_number(y):
        return float(y)
    raise TypeError(f"{loss}: target{where} is {type(y).__name__} {y!r}; expected a number")


def _is_sequence(x):
    return isinstance(x, (list, tuple))


def _place(index):
    """Where an element is, as a person counts: " of sample 2", " of sample 2, output 1"."""
    if not index:
        return ""
    words = [f"sample {index[0] + 1}"] + [f"output {k + 1}" for k in index[1:]]
    return " of " + ", ".join(words)


def _pairs(loss, pred, target, index=()):
    """(ŷ, y, where) for every element of a prediction/target pair of matching shapes."""
    where = _place(index)
    if hasattr(target, "tolist"):
        target = target.tolist()
    if not _is_sequence(pred):
        if _is_sequence(target):
            raise ValueError(f"{loss}: prediction{where} is one value but target{where} "
                             f"is a list of {len(target)}")
        return [(_as_value(pred, loss, where), target, where)]
    if not _is_sequence(target):
        raise ValueError(f"{loss}: got {len(pred)} predictions{where} but "
                         f"target{where} is not a list: {target!r}")
    if len(pred) != len(target):
        raise ValueError(f"{loss}: got {len(pred)} predictions{where} but {len(target)} "
                         f"targets")
    if not pred:
        raise ValueError(f"{loss}: got an empty list of predictions")
    pairs = []
    for i, (p, y) in enumerate(zip(pred, target)):
        pairs.extend(_pairs(loss, p, y, index + (i,)))
    return pairs


def _mean(losses):
    return losses[0] if len(losses) == 1 else total(losses) / len(losses)


def _regression_target(y, loss, where):
    # A Value target stays a Value, so a loss can be differentiated in y too.
    return y if isinstance(y, Value) else _as_target(y, loss, where)


def mse(pred, target):
    """Mean squared error, PyTorch's ``MSELoss``: L = (1/m) Σᵢ (ŷᵢ − yᵢ)²;  ∂L/∂ŷᵢ = 2(ŷᵢ − yᵢ)/m."""
    return _mean([(p - _regression_target(y, "mse", w)) ** 2
                  for p, y, w in _pairs("mse", pred, target)])


def half_squared_error(pred, target):
    """The lecture notes' L(ŷ, y) = ½(ŷ − y)² (the ½ cancels in ∂L/∂ŷ = ŷ − y), averaged over the batch."""
    return _mean([(p - _regression_target(y, "half_squared_error", w)) ** 2 * 0.5
                  for p, y, w in _pairs("half_squared_error", pred, target)])


def squared_error(pred, target):
    """The saturated 1-1-1 sigmoid question's C = (y − ŷ)² (∂C/∂ŷ = −2(y − ŷ)), averaged over the batch.

    Same value as :func:`mse`, written in the question's order so its graph matches
    the hand derivation."""
    return _mean([(_regression_target(y, "squared_error", w) - p) ** 2
                  for p, y, w in _pairs("squared_error", pred, target)])


def _probability_target(y, loss, where):
    number = _as_target(y, loss, where)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{loss}: target{where} is {y!r}; targets must be in [0, 1]")
    return number


def _clamped_log(v):
    """ln v, or −100 where ln v < −100 (or v = 0); the clamped value is a constant."""
    if v.data > 0.0:
        log_v = v.log()
        if log_v.data >= _LOG_FLOOR:
            return log_v
    return Value(_LOG_FLOOR)


def binary_cross_entropy(pred, target):
    """BCE on probabilities ŷ ∈ [0, 1]: L = −[y ln ŷ + (1 − y) ln(1 − ŷ)], averaged.

    ∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)), so after a sigmoid output δ = ∂L/∂z = ŷ − y.

    **After a sigmoid** (ŷ a node made by ``z.sigmoid()``, as an MLP's sigmoid output
    layer makes it) the logs are taken of σ(z) exactly, from z:
    ln ŷ = ln σ(z) and ln(1 − ŷ) = ln σ(−z) (the engine's ``log_sigmoid``), so
    L = −[y ln σ(z) + (1 − y) ln σ(−z)] and δ = −y σ(−z) + (1 − y) σ(z) = σ(z) − y to
    rounding at any z, never clamped (σ(z) may round to 1.0, σ(−z) does not round to 0
    until z ≈ 745).  Computed from ŷ instead, 1 − ŷ cancels: δ would be 1.001 at z = 30
    and 0 from z ≈ 37.  The loss then reads z, not ŷ, so ŷ itself is not on its graph
    (``grad(L, ŷ)`` is 0; :func:`nn.explain.explain_step` reports ∂L/∂ŷ from the formula
    above), as Keras does with a sigmoid's output.

    On any other probability (a number, a leaf, a softmax's output) each log is clamped at
    −100 as in PyTorch's ``BCELoss``, so ŷ = 0 or 1 gives a finite loss instead of a
    crash; a clamped log is a constant (gradient 0), whereas PyTorch's backward uses
    (ŷ − y)/max(ŷ(1 − ŷ), 1e-12) there.  A term whose coefficient (y or 1 − y) is 0 is
    left out of the graph, which changes no value or gradient.  For logits use
    :func:`binary_cross_entropy_with_logits`.
    """
    loss = "binary_cross_entropy"
    losses = []
    for p, y, where in _pairs(loss, pred, target):
        y = _probability_target(y, loss, where)
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(f"{loss}: prediction{where} is {p.data!r}, not a probability in "
                             f"[0, 1]; for logits use binary_cross_entropy_with_logits")
        z = _logit_of(p)
        if z is not None:
            losses.append(_bce_from_logit(z, y))
            continue
        terms = []
        if y != 0.0:
            terms.append(_clamped_log(p) * y)
        if y != 1.0:
            terms.append(_clamped_log(1.0 - p) * (1.0 - y))
        losses.append(-terms[0] if len(terms) == 1 else -(terms[0] + terms[1]))
    return _mean(losses)


def _logit_of(p):
    """z where ``p`` is the node σ(z), else None."""
    return p.parents[0] if p.primitive is ops.sigmoid else None


def _bce_from_logit(z, y):
    """−[y ln σ(z) + (1 − y) ln σ(−z)] as a graph from the logit z, a term with
    coefficient 0 left out: exact at any z (∂/∂z = −y σ(−z) + (1 − y) σ(z) = σ(z) − y)."""
    terms = []
    if y != 0.0:
        terms.append(z.log_sigmoid() * y)
    if y != 1.0:
        terms.append((-z).log_sigmoid() * (1.0 - y))
    return -terms[0] if len(terms) == 1 else -(terms[0] + terms[1])


def binary_cross_entropy_with_logits(pred, target):
    """BCE on a logit z (ŷ = σ(z)): L = −[y ln σ(z) + (1 − y) ln σ(−z)] = softplus(z) − z·y,
    averaged;  ∂L/∂z = σ(z) − y.

    Computed as the first form (``log_sigmoid`` of ±z), which never overflows and is exact
    to rounding at any z, also where σ(z) rounds to 0 or 1 and where L or ∂L/∂z is tiny
    (y = 1, z = 40: L = σ(−40) = 4.2e-18, not the 0 that 40 − 40 gives)."""
    loss = "binary_cross_entropy_with_logits"
    return _mean([_bce_from_logit(z, _probability_target(y, loss, where))
                  for z, y, where in _pairs(loss, pred, target)])


def _class_index(c, n_classes, loss, where):
    number = _as_target(c, loss, where)
    if not number.is_integer() or not 0 <= number < n_classes:
        raise ValueError(f"{loss}: target{where} is {c!r}; class indices must be "
                         f"integers in 0..{n_classes - 1}")
    return int(number)


TWO_CLASSES_ADVICE = ("for two classes with one output use 'bce_with_logits' on a linear "
                      "output or 'bce' on a sigmoid output")
"""What to use instead of a loss over classes on a network with one output."""


def _is_scalar(x):
    return isinstance(x, Value) or is_number(x)


def _classified(loss, outputs, target, what):
    """(the sample's outputs as Values, its class index) for one sample or a batch."""
    if not _is_sequence(outputs) or not outputs:
        got = (f"one {'Value' if isinstance(outputs, Value) else 'number'} (a network with "
               f"one output: {TWO_CLASSES_ADVICE})" if _is_scalar(outputs)
               else repr(outputs))
        raise TypeError(f"{loss}: {what} must be a list of Values, one per class (one sample), "
                        f"or a list of such lists (a batch); got {got}")
    if not _is_sequence(outputs[0]):
        outputs, target, batch = [outputs], [target], False
    else:
        batch = True
        if hasattr(target, "tolist"):
            target = target.tolist()
        if not _is_sequence(target) or len(target) != len(outputs):
            raise ValueError(f"{loss}: got {len(outputs)} samples of {what} but "
                             f"targets {target!r}")
    pairs = []
    for i, (zs, c) in enumerate(zip(outputs, target)):
        where = _place((i,)) if batch else ""
        if not _is_sequence(zs) or not zs:
            got = f"one {type(zs).__name__}" if _is_scalar(zs) else repr(zs)
            raise TypeError(f"{loss}: {what}{where} must be a non-empty list, got {got}")
        if len(zs) < 2:
            raise ValueError(f"{loss}: {what}{where} has one entry, so one class; it needs "
                             f"one per class, at least 2 ({TWO_CLASSES_ADVICE})")
        zs = [_as_value(z, loss, f"{where} ({what} {k + 1})") for k, z in enumerate(zs)]
        pairs.append((zs, _class_index(c, len(zs), loss, where), where))
    return pairs


def cross_entropy(logits, target):
    """Cross-entropy over logits z (one list per sample) and a class index c:
    L = logsumexp(z) − z_c = −ln softmax(z)_c, averaged over the batch;
    ∂L/∂z = softmax(z) − onehot(c).  One log-softmax node, exact at any magnitude
    (logits [c] * n give ln n for any finite c).

    ``logits`` is one sample's list of Values with an int ``target``, or a list
    of such lists with a list of ints (PyTorch's ``CrossEntropyLoss``); the
    output layer is then "linear".  After a "softmax" output layer use
    :func:`categorical_cross_entropy`."""
    return _mean([-log_softmax(zs, c)
                  for zs, c, _ in _classified("cross_entropy", logits, target, "logits")])


def categorical_cross_entropy(probabilities, target):
    """Cross-entropy over probabilities ŷ (a "softmax" output layer's A^[L]) and a class
    index c: L = −ln ŷ_c, averaged over the batch (Keras's ``categorical_crossentropy``).

    Through the softmax this gives δ^[L] = ∂L/∂Z^[L] = ŷ − onehot(c), the same as
    :func:`cross_entropy` on the logits.  As in :func:`binary_cross_entropy`, ln ŷ_c is
    clamped at −100 (ŷ_c = 0 gives L = 100, not a crash)."""
    loss = "categorical_cross_entropy"
    losses = []
    for ps, c, where in _classified(loss, probabilities, target, "probabilities"):
        for k, p in enumerate(ps, 1):
            if p.data < 0.0 or p.data > 1.0:   # nan passes: nan in, nan out
                raise ValueError(f"{loss}: probability {k}{where} is {p.data!r}, not in "
                                 f"[0, 1]; for logits (a linear output layer) use "
                                 f"cross_entropy")
        losses.append(-_clamped_log(ps[c]))
    return _mean(losses)


def hinge(pred, target):
    """Hinge loss on a score s with label y ∈ {−1, +1}: L = max(0, 1 − y·s), averaged
    (micrograd's demo loss);  ∂L/∂s = −y where y·s < 1, else 0."""
    losses = []
    for s, y, where in _pairs("hinge", pred, target):
        label = _as_target(y, "hinge", where)
        if label not in (-1.0, 1.0):
            raise ValueError(f"hinge: target{where} is {y!r}; hinge labels must be -1 or +1")
        losses.append((1.0 - s * label).relu())
    return _mean(losses)


# -- the records ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    """Everything ``nn`` knows about one loss (fields with a default may be None).

    - ``name``: its name in the CLI, in network and derivation files, in ``fit(loss=…)``
    - ``fn``: the loss on engine Values (one prediction or a batch, see the module docs)
    - ``formula`` / ``formula_latex``: the per-sample loss Lᵢ as a worksheet prints it
    - ``derivative``: ∂Lᵢ/∂ŷ written out; in :mod:`autograd.formula`'s notation where the
      loss has ``expression`` (tests differentiate the one and check the other)
    - ``takes``: what a prediction is: "probabilities", "logits", "scores" (hinge) or
      "values" (the squared errors)
    - ``targets``: what a target is: "probabilities" (in [0, 1]), "labels ±1", "numbers"
      or "classes" (an index, 0-based; one output per class)
    - ``output``: the output activation it is taught with (a hand derivation, an
      exercise, a formula question); ``classifier_output`` the one ``backprop train``
      gives a two-class classifier where that differs (a sigmoid under a squared error,
      so ŷ is a probability)
    - ``matrix``: (value, gradient[, both]) on whole arrays for the matrix engine, each
      ``(np, Ŷ, Y)`` (:mod:`nn.loss_arrays`)
    - ``accuracy``: the :class:`nn.accuracy.AccuracyRule` its targets decide, its reason
      said; None where the output layer or the labels decide
    - ``torch``: ``torch(torch, ŷ, y)``, the same loss in PyTorch (tests compare them);
      ŷ an (m,) or (m, n_L) tensor, y the targets (class indices as a long tensor)
    - ``expression`` / ``delta``: Lᵢ in :mod:`autograd.formula`'s notation with ``{p}``
      for the prediction, and δ^[L] = ∂Lᵢ/∂z after ``output`` (a formula question and
      its key's answer); None for a loss over classes
    - ``labels``: the labels of a two-class classifier trained with it ((0, 1) or
      (−1, 1)), or None
    - ``applies``: for a loss on logits, the activation it applies itself (σ, softmax);
      ``on_probabilities`` the same loss on what that activation gives
    - ``fused``: (output activation, loss on logits): after that output layer the loss
      is computed from Z^[L] as that loss, exact at any z (BCE after a sigmoid, whose
      δ^[L] = ŷ − y)
    - ``half``: True for ½(ŷ − y)², False for a squared error without the ½, None
      for a loss that is no squared error
    - ``kink``: ``kink(ŷ, y)``, the signed distance from where ∂L/∂ŷ jumps (hinge:
      1 − y·ŷ), or None
    """

    name: str
    fn: Callable
    formula: str
    formula_latex: str
    derivative: str
    takes: str
    targets: str
    output: str
    matrix: tuple
    accuracy: Optional[AccuracyRule]
    torch: Callable
    expression: Optional[str]
    delta: Optional[str]
    classifier_output: Optional[str] = None
    labels: Optional[tuple] = None
    applies: Optional[str] = None
    on_probabilities: Optional[str] = None
    fused: Optional[tuple] = None
    half: Optional[bool] = None
    kink: Optional[Callable] = None

    def __call__(self, pred, target):
        """The loss on engine Values: ``fn(pred, target)``."""
        return self.fn(pred, target)

    @property
    def classes(self):
        """True when a target is a class index (one output per class)."""
        return self.targets == "classes"

    @property
    def two_class_output(self):
        """The output activation ``backprop train`` gives a two-class classifier."""
        return self.classifier_output or self.output


def _by(rule, reason):
    return replace(rule, reason=reason)


_SQUARED_LATEX = r"L_i = (\hat y_i - y_i)^2"

_RECORDS = (
    Loss("mse", mse, "Lᵢ = (ŷᵢ − yᵢ)²  (no ½)", _SQUARED_LATEX, "2*(ŷ − y)", "values",
         "numbers", "linear", (arrays.squared, arrays.squared_gradient), None,
         lambda torch, p, y: torch.nn.functional.mse_loss(p, y), "mse({p}, y)", "2(ŷ − y)",
         classifier_output="sigmoid", half=False),
    Loss("half_mse", half_squared_error, "Lᵢ = ½ (ŷᵢ − yᵢ)²",
         r"L_i = \tfrac12 (\hat y_i - y_i)^2", "ŷ − y", "values", "numbers", "linear",
         (arrays.half_squared, arrays.half_squared_gradient), None,
         lambda torch, p, y: 0.5 * torch.nn.functional.mse_loss(p, y), "mse({p}, y)/2",
         "ŷ − y", classifier_output="sigmoid", half=True),
    Loss("squared_error", squared_error, "Lᵢ = (ŷᵢ − yᵢ)²  (no ½)", _SQUARED_LATEX,
         "−2*(y − ŷ)", "values", "numbers", "sigmoid",
         (arrays.squared, arrays.squared_gradient), None,
         lambda torch, p, y: torch.nn.functional.mse_loss(p, y), "mse({p}, y)",
         "2(ŷ − y)·ŷ(1 − ŷ)", half=False),
    Loss("bce", binary_cross_entropy, "Lᵢ = −[yᵢ ln ŷᵢ + (1 − yᵢ) ln(1 − ŷᵢ)]",
         r"L_i = -\left[y_i \ln \hat y_i + (1 - y_i)\ln(1 - \hat y_i)\right]",
         "(ŷ − y)/(ŷ(1 − ŷ))", "probabilities", "probabilities", "sigmoid",
         (arrays.bce, arrays.bce_gradient),
         _by(THRESHOLD, "BCE takes probabilities and labels 0/1"),
         lambda torch, p, y: torch.nn.functional.binary_cross_entropy(p, y), "bce({p}, y)",
         "ŷ − y", labels=(0, 1), fused=("sigmoid", "bce_with_logits")),
    Loss("bce_with_logits", binary_cross_entropy_with_logits,
         "Lᵢ = −[yᵢ ln σ(zᵢ) + (1 − yᵢ) ln σ(−zᵢ)]",
         r"L_i = -\left[y_i \ln \sigma(z_i) + (1 - y_i)\ln \sigma(-z_i)\right]",
         "σ(ŷ) − y", "logits", "probabilities", "linear",
         (arrays.bce_of_logits_value, arrays.bce_of_logits_gradient, arrays.bce_of_logits),
         _by(LOGIT, "BCE with logits takes logits and labels 0/1"),
         lambda torch, z, y: torch.nn.functional.binary_cross_entropy_with_logits(z, y),
         "bce(σ({p}), y)", "σ(z) − y", labels=(0, 1), applies="sigmoid",
         on_probabilities="bce"),
    Loss("cross_entropy", cross_entropy, "Lᵢ = logsumexp(zᵢ) − z_cᵢ = −ln softmax(zᵢ)_c",
         r"L_i = -\ln \mathrm{softmax}(z_i)_{c_i}", "softmax(z) − onehot(c)", "logits",
         "classes", "linear",
         (arrays.cross_entropy, arrays.cross_entropy_gradient, arrays.cross_entropy_both),
         _by(ARGMAX, "the loss takes class indices"),
         lambda torch, z, c: torch.nn.functional.cross_entropy(z, c), None, None,
         applies="softmax", on_probabilities="categorical_cross_entropy"),
    Loss("categorical_cross_entropy", categorical_cross_entropy, "Lᵢ = −ln ŷ_cᵢ",
         r"L_i = -\ln \hat y_{c_i}", "−1/ŷ_c for the class c, 0 for the others",
         "probabilities", "classes", "softmax", (arrays.categorical, arrays.categorical_gradient),
         _by(ARGMAX, "the loss takes class indices"),
         lambda torch, p, c: torch.nn.functional.nll_loss(torch.log(p), c), None, None),
    Loss("hinge", hinge, "Lᵢ = max(0, 1 − yᵢ ŷᵢ)", r"L_i = \max(0, 1 - y_i \hat y_i)",
         "−y·step(1 − y·ŷ)", "scores", "labels ±1", "linear",
         (arrays.hinge, arrays.hinge_gradient),
         _by(SIGN, "the hinge loss takes labels −1/+1"),
         lambda torch, s, y: torch.clamp(1.0 - s * y, min=0.0).mean(), "max(0, 1 − y·{p})",
         "−y·step(1 − y·z)", labels=(-1, 1), kink=lambda s, y: 1.0 - y * s),
)

LOSSES = {record.name: record for record in _RECORDS}
"""Loss name -> :class:`Loss` (callable: ``LOSSES["bce"](ŷ, y)``)."""

ONE_OUTPUT = tuple(name for name, record in LOSSES.items() if not record.classes)
"""The losses a network with one output may be trained with (all but those over classes)."""


def loss_record(name):
    """The :class:`Loss` record called ``name``, or ValueError listing the names."""
    if isinstance(name, str) and name in LOSSES:
        return LOSSES[name]
    raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}")


def record_of(loss):
    """The :class:`Loss` record of ``loss``: a name, a record, or one of the loss
    functions here; None for a function of one's own."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        return loss_record(loss)
    return next((record for record in _RECORDS if record.fn is loss), None)


def check_pairing(output_activation, loss):
    """ValueError when an output layer that gives probabilities (softmax, sigmoid) meets a
    loss on logits, which would squash twice (σ(σ(z)): L = 0.36619 instead of 0.203429 on
    the lecture notes' network); the message names the fix.  ``loss`` is a loss name."""
    record = LOSSES.get(loss)
    output = ACTIVATIONS.get(output_activation)
    if record is None or record.applies is None or output is None \
            or not output.gives_probabilities:
        return
    fix = (f"use {record.on_probabilities!r} (or a 'linear' output layer)"
           if output_activation == record.applies else "give it a 'linear' output layer")
    raise ValueError(f"the output layer is {output_activation!r}, so its outputs are "
                     f"probabilities, but loss {loss!r} expects logits and applies "
                     f"{record.applies} itself; {fix}")


def get_loss(name):
    """The loss function called ``name`` (a key of :data:`LOSSES`); a callable is returned as is."""
    if callable(name):
        return name
    return loss_record(name).fn
