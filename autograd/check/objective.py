"""A user's function seen as F(point), point a list of floats, however it takes its inputs.

Two ways in:

* ``f(x, y, …)`` called with fresh leaf Values, one per input number
  (``gradcheck(lambda w, a: (w * a).sigmoid(), [0.3, -1.2])``);
* ``f()`` with no arguments, reading Values it already holds, e.g. an MLP's
  parameters (``gradcheck(loss, model.parameters())``): the check sets their
  ``.data`` for each evaluation and restores it afterwards.  Inputs are named
  by their labels (``W^[1]_2,1``).
"""

import inspect
import numbers

from ..functional import grad
from ..modes import no_grad
from ..value import Value

__tracebackhide__ = True  # pytest hides this module's frames in failure reports


def _signature_parameters(f):
    """f's parameters, or None when Python cannot tell (some built-ins)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return None
    return params


def _as_number(x, i, context, leaf_type):
    if isinstance(x, (Value, leaf_type)):
        x = x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{context}: input {i} must be a number, got {type(x).__name__} {x!r}")
    return float(x)


class Objective:
    """F(point) = f at the inputs set to ``point``; its gradient by the engine."""

    def __init__(self, f, inputs, context, leaf_type=Value):
        if not callable(f):
            raise TypeError(f"{context}: f must be a function, got {type(f).__name__} {f!r}")
        single = isinstance(inputs, (Value, leaf_type, numbers.Number))
        try:
            inputs = [inputs] if single else list(inputs)
        except TypeError:
            raise TypeError(f"{context}: inputs must be a list of numbers or Values, got "
                            f"{type(inputs).__name__} {inputs!r}") from None
        if not inputs:
            raise ValueError(f"{context} needs at least one input")
        self.f, self.context, self.leaf_type = f, context, leaf_type
        self.raw = inputs
        self.point = [_as_number(x, i, context, leaf_type) for i, x in enumerate(inputs)]
        params = _signature_parameters(f)
        self.in_place = params is not None and not params
        if self.in_place:
            bad = [i for i, x in enumerate(inputs) if not isinstance(x, leaf_type)]
            if bad:
                i = bad[0]
                raise TypeError(
                    f"{context}: f takes no arguments, so the inputs must be the Values it "
                    f"uses (e.g. model.parameters()); input {i} is "
                    f"{type(inputs[i]).__name__} {inputs[i]!r}")
            if len({id(x) for x in inputs}) != len(inputs):
                raise ValueError(f"{context}: the same Value is listed twice among the inputs")
            self.names = [getattr(x, "label", "") or f"input[{i}]" for i, x in enumerate(inputs)]
        else:
            names = [p.name for p in params or []]
            if len(names) != len(inputs) or any(
                    p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
                names = [getattr(x, "label", "") or f"x{i}"
                         for i, x in enumerate(inputs)]
            self.names = names

    def __len__(self):
        return len(self.point)

    def _output(self, leaves):
        out = self.f() if self.in_place else self.f(*leaves)
        if not isinstance(out, self.leaf_type):
            raise TypeError(f"{self.context}: f must return a Value, got "
                            f"{type(out).__name__} {out!r}")
        return out

    def _at(self, point, use):
        """Run ``use(leaves)`` with the inputs at ``point``; in-place inputs are restored."""
        if not self.in_place:
            return use([self.leaf_type(x) for x in point])
        saved = [v.data for v in self.raw]
        try:
            for v, x in zip(self.raw, point):
                v.data = x
            return use(self.raw)
        finally:
            for v, x in zip(self.raw, saved):
                v.data = x

    def value(self, point):
        """F(point), recording no graph."""
        def run(leaves):
            with no_grad():
                return self._output(leaves).data
        return self._at(point, run)

    def gradient(self, point):
        """∂F/∂xᵢ at ``point`` by the engine (``grad``: no ``.grad`` is touched)."""
        return self._at(point, lambda leaves: grad(self._output(leaves), leaves))

    def hessian_times(self, point, v):
        """H·v at ``point``: the gradient of Σᵢ (∂F/∂xᵢ)·vᵢ, through ``create_graph``."""
        def run(leaves):
            first = grad(self._output(leaves), leaves, create_graph=True)
            terms = [first[i] * c for i, c in v.items()]
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            if not isinstance(total, Value):  # no input reaches the output: H = 0
                return [0.0] * len(leaves)
            return grad(total, leaves)
        return self._at(point, run)

    def describe(self, point=None):
        """``x = 1.5, y = 2``, or the input count when there are many."""
        point = self.point if point is None else point
        if len(point) > 6:
            return f"{len(point)} inputs ({', '.join(self.names[:3])}, …)"
        return ", ".join(f"{n} = {x:.10g}" for n, x in zip(self.names, point))
