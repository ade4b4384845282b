"""``Module``: the base of every network piece (micrograd's and PyTorch's interface).

A module owns parameters (leaf :class:`~autograd.Value` s) and possibly
submodules.  Subclasses say two things:

* :meth:`Module.named_parameters` - every parameter with a name, in a fixed order;
* :meth:`Module.named_tensors` - the same parameters grouped the way PyTorch
  stores them (``"0.weight"`` is W^[1] as n_1 rows of n_0 Values, ``"0.bias"``
  is b^[1]), which is the layout of :meth:`Module.state_dict`.

Everything else (zero_grad, train/eval, state_dict, load_state_dict) follows.
"""

from autograd import Value

from ._checks import is_number


class Module:
    """Base class: parameters(), zero_grad(), train()/eval(), state_dict()/load_state_dict()."""

    training = True
    """True in training mode (the default, as in PyTorch); Dropout acts only then."""

    def children(self):
        """The direct submodules (none by default)."""
        return []

    def modules(self):
        """This module and every submodule below it, depth first."""
        found, stack = [], [self]
        while stack:
            module = stack.pop()
            found.append(module)
            stack.extend(reversed(module.children()))
        return found

    def named_tensors(self):
        """``(key, Values)`` pairs in state_dict layout: a weight matrix is a list of
        rows (row j = neuron j's incoming weights), a bias a flat list.  None by default."""
        return []

    def named_parameters(self):
        """``(name, Value)`` for every parameter; ``name`` indexes the state_dict
        (``"0.weight[1][0]"`` is ``state_dict()["0.weight"][1][0]``)."""
        named = []
        for key, tensor in self.named_tensors():
            named.extend(_flatten(key, tensor))
        return named

    def parameters(self):
        """Every parameter, in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0 (backward() adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode=True):
        """Switch this module and all submodules to training mode (or evaluation if
        ``mode`` is False); returns the module, as PyTorch does."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode) needs True or False, got {type(mode).__name__} {mode!r}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        """Switch to evaluation mode (Dropout becomes the identity); returns the module."""
        return self.train(False)

    def architecture(self):
        """What a saved parameter file records about the module's shape, and must
        match when loaded (see :mod:`nn.serialize`)."""
        return {"type": type(self).__name__}

    def state_dict(self):
        """The parameters' numbers as ``{key: nested lists of floats}`` (see :meth:`named_tensors`)."""
        return {key: _numbers(tensor) for key, tensor in self.named_tensors()}

    def load_state_dict(self, state):
        """Copy numbers from ``state`` (as made by :meth:`state_dict`) into the parameters.

        Keys and shapes must match exactly; values may be nested lists or
        tuples of numbers, or anything with ``.tolist()`` (a NumPy array or
        torch tensor).  Everything is checked before anything is written, so on
        a ValueError or TypeError the module is left untouched.
        """
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict() needs a dict, got {type(state).__name__}")
        tensors = dict(self.named_tensors())
        missing = [k for k in tensors if k not in state]
        unexpected = [k for k in state if k not in tensors]
        if missing or unexpected:
            raise ValueError(f"state_dict keys do not match this {type(self).__name__}: "
                             f"missing {missing}, unexpected {unexpected}; "
                             f"expected keys {list(tensors)}")
        pairs = []
        for key, tensor in tensors.items():
            pairs.extend(_match(f"state_dict[{key!r}]", tensor, state[key]))
        for param, number in pairs:
            param.data = number


class evaluation:
    """``with evaluation(model):`` runs the block in evaluation mode (Dropout off), then
    restores the mode the model had; a model not in training mode is left alone."""

    def __init__(self, model):
        self.model = model
        self.was_training = getattr(model, "training", False) is True

    def __enter__(self):
        if self.was_training:
            self.model.eval()
        return self.model

    def __exit__(self, *exc):
        if self.was_training:
            self.model.train()


def _flatten(name, tensor):
    if isinstance(tensor, Value):
        return [(name, tensor)]
    named = []
    for i, item in enumerate(tensor):
        named.extend(_flatten(f"{name}[{i}]", item))
    return named


def _numbers(tensor):
    if isinstance(tensor, Value):
        return tensor.data
    return [_numbers(item) for item in tensor]


def _match(where, tensor, given):
    """Pair each parameter in ``tensor`` with its number in ``given``, or raise naming the mismatch."""
    if hasattr(given, "tolist"):
        given = given.tolist()
    if isinstance(tensor, Value):
        if not is_number(given):
            raise TypeError(f"{where} should be a number, got {type(given).__name__} {given!r}")
        return [(tensor, float(given))]
    if not isinstance(given, (list, tuple)):
        raise TypeError(f"{where} should be a list of {len(tensor)} entries, "
                        f"got {type(given).__name__} {given!r}")
    if len(given) != len(tensor):
        raise ValueError(f"{where} has {len(given)} entries, expected {len(tensor)}")
    pairs = []
    for i, (t, g) in enumerate(zip(tensor, given)):
        pairs.extend(_match(f"{where}[{i}]", t, g))
    return pairs
