"""Successive steps of gradient descent explained, or hand derivations checked, from a
network document: what ``backprop explain`` does, for the Python API too.

:func:`explain_network` takes one :class:`ExplainRequest` (a network file or any document
that holds a network, the overrides, the number of steps, and optionally hand-derived
documents to check) and returns an :class:`Explained`: the network as loaded, each
step's :class:`~nn.explain.Derivation` and, when asked, each step's check report::

    from nn.explain.steps import ExplainRequest, explain_network
    result = explain_network(ExplainRequest(network=spec, steps=2))
    result.derivations[1].loss            # L after one update

Every step's loss, predictions and updated parameters must be finite: a step where one
is not ends the run with :class:`~nn.divergence.TrainingDiverged` naming the step
("the loss became nan at step 3; try a smaller learning rate").  The number of steps and
the memory they need are held to :mod:`nn.limits` unless ``allow_large``.

A hand-derived document that holds its own network (``explain --format json`` writes one)
is checked against that network unless the request's network was given explicitly, so a
file the command wrote checks as it is.
"""

from dataclasses import dataclass, field

from autograd.errors import NumericalError

from ..divergence import TrainingDiverged, check_finite
from ..limits import MAX_EXPLAIN_STEPS, check_at_most, check_memory, explain_memory
from ..schema import upgrade
from .check import HandFileError, compare, report
from .network_file import network_from_dict, network_object

__all__ = ["ExplainRequest", "Explained", "ExplainError", "explain_network", "derive_steps",
           "load_network_spec", "explainer"]


class ExplainError(ValueError):
    """A request that cannot be explained (no learning rate for several steps, a network
    its own first step refuses, a malformed hand document); one-line message."""


@dataclass(frozen=True)
class ExplainRequest:
    """What to explain: ``network`` (a network object, or a document that holds one)
    named ``source`` in messages, with ``loss`` and ``lr`` overriding its own; ``steps``
    successive steps.  With ``hand`` (a hand-derived document, or a list of them, one per
    step; ``hand_source`` names it) each given step is checked instead, with the
    tolerances ``rtol``/``atol``; ``network_given`` False lets a hand document's own
    network win over ``network``.  ``engine`` is "scalar" or "matrix"; ``allow_large``
    goes past :mod:`nn.limits`, whose messages name ``override``; messages call the
    number of steps ``steps_name`` and the loss override ``loss_name``."""

    network: dict
    source: str = "network"
    loss: str = None
    lr: float = None
    steps: int = 1
    hand: object = None
    hand_source: str = "hand-derived file"
    network_given: bool = True
    rtol: float = 5e-3
    atol: float = 0.0
    engine: str = "scalar"
    allow_large: bool = False
    override: str = "allow_large=True"
    steps_name: str = "steps"
    loss_name: str = "loss"


@dataclass
class Explained:
    """The network explained (``model``, samples ``X``, targets ``Y``, ``loss`` name,
    ``lr``; ``source`` names it: the network file, or the hand document whose own network
    was checked), each step's derivation and, for a check, one (step, report, differs) per
    hand document."""

    model: object
    X: list
    Y: list
    loss: str
    lr: float
    source: str = "network"
    derivations: list = field(default_factory=list)
    checks: list = field(default_factory=list)

    @property
    def status(self):
        """0, or 1 when a checked hand document differs from the library somewhere."""
        return int(any(differs for _, _, differs in self.checks))

    def loss_graph(self):
        """(L, ŷ): the batch loss L of the network as given (step 1) as a Value, after
        backward, so a drawing shows every gradient, and the predictions ŷ (a drawing shows
        those L does not read, as BCE after a sigmoid reads z^[L], as side outputs).  The
        inputs are labelled x_k, or x^(i)_k in a batch."""
        from autograd import Value

        from ..losses import get_loss

        X, Y = self.X, self.Y
        sample = (lambda i: "") if len(X) == 1 else (lambda i: f"^({i})")
        predictions = [self.model([Value(v, label=f"x{sample(i)}_{k}")
                                   for k, v in enumerate(x, 1)])
                       for i, x in enumerate(X, 1)]
        loss_fn = get_loss(self.loss)
        node = loss_fn(predictions[0], Y[0]) if len(X) == 1 else loss_fn(predictions, Y)
        node.label = "L"
        node.backward()
        return node, [a for p in predictions for a in (p if isinstance(p, list) else [p])]


def explainer(engine="scalar"):
    """:func:`~nn.explain.explain_step` of the engine called ``engine`` ("scalar", the
    graph of Values, or "matrix", the vectorized equations in NumPy)."""
    if engine == "matrix":
        from ..matrix.explain import explain_step
    elif engine in (None, "scalar"):
        from .derivation import explain_step
    else:
        raise ValueError(f"unknown engine {engine!r}; engines: scalar, matrix")
    return explain_step


def load_network_spec(spec, source="network", loss=None, lr=None, loss_name="loss"):
    """(model, X, Y, loss name, lr) of a network object or document, with ``loss`` and
    ``lr`` overriding its own (checked as the file's own values are: a loss whose domain
    excludes the targets fails naming the sample)."""
    network = network_object(spec, source)
    if isinstance(network, dict):
        network = dict(network)
        if loss is not None:
            network["loss"] = loss
            source += f" with {loss_name} {loss}"
        if lr is not None:
            network["lr"] = lr
    return network_from_dict(network, source=source)


def _check_steps(steps, what, allow_large, override):
    if not allow_large:
        check_at_most(steps, MAX_EXPLAIN_STEPS, what, override)


def derive_steps(model, X, Y, loss, lr, steps=1, engine="scalar", allow_large=False,
                 override="allow_large=True", steps_name="steps"):
    """``steps`` derivations, each on the model the previous one updated (``model`` is
    left unchanged); a step whose loss, predictions or updated parameters are not finite
    ends the run with TrainingDiverged naming the step."""
    _check_steps(steps, steps_name, allow_large, override)
    if not allow_large:
        check_memory(explain_memory(model.sizes, len(X), steps),
                     f"explaining {steps} step(s) of a {'-'.join(map(str, model.sizes))} "
                     f"network on {len(X)} sample(s)", override)
    if lr is None and steps > 1:
        raise ExplainError(f"{steps} steps need a learning rate: the network file has no "
                           f"'lr'; give one with --lr (lr= in Python)")
    explain_step = explainer(engine)
    derivations = []
    for step in range(1, steps + 1):
        d = _step(explain_step, model, X, Y, loss, lr, step)
        derivations.append(d)
        if step < steps:
            model = d.updated_model()
    return derivations


def _step(explain_step, model, X, Y, loss, lr, step):
    """Step number ``step`` on ``model``, its numbers checked finite."""
    try:
        d = explain_step(model, X, Y, loss=loss, lr=lr)
    except (ValueError, NumericalError) as e:
        if step == 1:   # the file's own network: not a divergence
            raise ExplainError(f"step 1: {e}") from None
        # The previous update made predictions the loss refuses (nan, or outside (0, 1)).
        raise TrainingDiverged(f"the loss became nan at step {step}; try a smaller "
                               f"learning rate (it was {lr:g})", step) from None
    check_finite("loss", [d.loss], step, lr)
    check_finite("prediction", d.Y_hat, step, lr)
    if lr is not None:
        check_finite("updated parameters", [[layer.W_new, layer.b_new] for layer in d.layers],
                     step, lr)
    d.step = step
    return d


def _hand_documents(request):
    """The hand documents of the request, upgraded to the current version, each with the
    step it checks."""
    hand = request.hand
    documents = hand if isinstance(hand, list) else [hand]
    if not documents or not all(isinstance(h, dict) for h in documents):
        raise ExplainError(f"{request.hand_source}: a hand-derived file holds a JSON object "
                           f"in the `explain --format json` layout (or a list of them, one "
                           f"per step), got {type(hand).__name__}")
    found = []
    for h in documents:
        h = upgrade(h, request.hand_source, HandFileError)
        step = h.get("step", request.steps)
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise ExplainError(f"{request.hand_source}: 'step' must be an integer >= 1, got "
                               f"{step!r}")
        _check_steps(step, f"{request.hand_source}: 'step'", request.allow_large,
                     request.override)
        found.append((step, h))
    return found


def _own_network(request, hand):
    """True when ``hand`` is checked against the network it holds: it holds one and the
    request's network was not given explicitly."""
    return not request.network_given and "network" in hand


def _check(request, result, documents):
    """Each hand document's (step, report, differs), against its own network where it
    holds one (see :func:`_own_network`), else the request's steps."""
    shared = [step for step, hand in documents if not _own_network(request, hand)]
    derived = (derive_steps(result.model, result.X, result.Y, result.loss, result.lr,
                            max(shared), request.engine, request.allow_large,
                            request.override, request.steps_name) if shared else [])
    for step, hand in documents:
        if not _own_network(request, hand):
            d = derived[step - 1]
        else:
            # The network a document holds is the one its step starts from.
            model, X, Y, loss, lr = load_network_spec(hand, request.hand_source, request.loss,
                                                      request.lr, request.loss_name)
            d, = derive_steps(model, X, Y, loss, lr, 1, request.engine, request.allow_large,
                              request.override, request.steps_name)
            d.step = step
        try:
            differs = bool(compare(d, hand, rtol=request.rtol, atol=request.atol))
            text = report(d, hand, rtol=request.rtol, atol=request.atol)
        except HandFileError as e:
            raise HandFileError(f"{request.hand_source}: {e}") from None
        result.checks.append((step, text, differs))


def explain_network(request):
    """Load the request's network and explain its steps, or check its hand documents
    (see :class:`ExplainRequest`); return an :class:`Explained`."""
    documents = _hand_documents(request) if request.hand is not None else []
    # Checked against its own network, a hand document's network is the one explained
    # (and drawn); a list of them is explained with its first.
    own = [hand for _, hand in documents if _own_network(request, hand)]
    network, source = (own[0], request.hand_source) if own else (request.network,
                                                                 request.source)
    model, X, Y, loss, lr = load_network_spec(network, source, request.loss, request.lr,
                                              request.loss_name)
    result = Explained(model, X, Y, loss, lr, source)
    if request.hand is not None:
        _check(request, result, documents)
    else:
        result.derivations = derive_steps(model, X, Y, loss, lr, request.steps,
                                          request.engine, request.allow_large,
                                          request.override, request.steps_name)
    return result
