"""Accumulation probes: the silent bugs of hand-written backward passes.

A backward step must *add* its contribution to each parent's gradient: a node
used twice receives two contributions.  micrograd's lecture shows the classic
slip, ``self.grad = …`` instead of ``self.grad += …``, which is right for every
graph in which each node is used once and silently wrong otherwise.  These
probes run ``f`` in the situations that expose such bugs and compare the
``.grad`` the engine leaves on each input with a central difference of f:

* one backward:            ∂f/∂xᵢ
* input reused:            f(x) + f(x) on the same leaves gives 2·∂f/∂xᵢ
* second backward:         out.backward() twice on one graph gives 2·∂f/∂xᵢ
* backward after zero_grad: backward, zero_grad, a fresh graph, backward gives ∂f/∂xᵢ

They use only ``.data``, ``.grad`` and ``.backward()``, so they also check other
micrograd-style engines (``value_type=``).
"""

from ..value import Value
from .differences import central
from .objective import Objective
from .report import CheckResult, Entry, agree, check_tolerances

__tracebackhide__ = True  # pytest hides this module's frames in failure reports

WHY = {
    "one backward": "the gradient itself is wrong, or a node used twice inside f kept only "
                    "its last contribution (`=` instead of `+=` in a backward step)",
    "input reused": "a backward step sets a gradient (`grad = …`) instead of adding to it "
                    "(`grad += …`), so a leaf used by two operations keeps only one contribution",
    "second backward": "a second backward should add the same gradient again (2×); nodes that "
                       "keep the gradient of the first pass pass on more than that",
    "after zero_grad": "zero_grad did not reset every gradient the next backward adds to",
}


def check_accumulation(f, inputs, *, value_type=Value, zero_grad=None, eps=1e-6, atol=1e-5,
                       rtol=1e-3):
    """Run the accumulation probes (module docstring) on ``f`` at ``inputs``.

    ``f`` and ``inputs`` as for :func:`gradcheck` (a function of n values, or of
    none, reading the values it holds).  ``value_type`` is the engine's value class
    (default :class:`autograd.Value`; e.g. ``micrograd.engine.Value``).  ``zero_grad``
    is what the user calls between steps (e.g. ``model.zero_grad``); by default the
    probe sets ``.grad = 0`` on the inputs.  Inputs held by the caller get their
    ``.data`` and ``.grad`` back afterwards.

    Returns a truthy :class:`CheckResult`, or raises :class:`GradientMismatch` whose
    table shows each probe's gradients against the expected multiple of the
    central difference, with the likely cause of each failing probe.
    """
    __tracebackhide__ = True
    context = "check_accumulation()"
    obj = Objective(f, inputs, context, leaf_type=value_type)
    check_tolerances(atol, rtol, context)
    point = obj.point
    numeric = [central(obj.value, point, {i: 1.0}, eps)[0] for i in range(len(obj))]
    saved = [(v.data, v.grad) for v in obj.raw] if obj.in_place else []
    probes = _Probes(obj, value_type, zero_grad)
    entries = []
    try:
        for probe, times, run in probes.each():
            xs = probes.leaves()
            run(xs)
            for i, (name, v) in enumerate(zip(obj.names, xs)):
                entry = Entry(f"{probe}: {name}", i, point[i], float(v.grad), times * numeric[i])
                if not agree(entry.computed, entry.reference, atol, rtol):
                    entry.status = "mismatch"
                entries.append(entry)
    finally:
        for v, (data, g) in zip(obj.raw, saved):
            v.data, v.grad = data, g
    result = _result(obj, entries, eps, atol, rtol)
    result.raise_if_failed()
    return result


class _Probes:
    """The probes, each run on fresh leaves at the point (or the caller's own leaves, reset
    to it), leaving their gradients in them: one backward; the output built twice and
    summed (an input reused); backward called twice on one output; backward, zero_grad,
    backward."""

    def __init__(self, obj, value_type, zero_grad):
        self.obj, self.value_type, self.zero_grad = obj, value_type, zero_grad

    def each(self):
        """(probe name, the multiple of the gradient it should leave, its run(leaves))."""
        return [("one backward", 1, self.one), ("input reused", 2, self.reused),
                ("second backward", 2, self.twice), ("after zero_grad", 1, self.after_zero_grad)]

    def leaves(self):
        obj = self.obj
        made = obj.raw if obj.in_place else [self.value_type(x) for x in obj.point]
        for v, x in zip(made, obj.point):
            v.data, v.grad = x, 0
        return made

    def output(self, xs):
        return self.obj.f() if self.obj.in_place else self.obj.f(*xs)

    def reset(self, xs):
        if self.zero_grad is None:
            for v in xs:
                v.grad = 0
        else:
            self.zero_grad()

    def one(self, xs):
        self.output(xs).backward()

    def reused(self, xs):
        (self.output(xs) + self.output(xs)).backward()

    def twice(self, xs):
        out = self.output(xs)
        out.backward()
        out.backward()

    def after_zero_grad(self, xs):
        self.output(xs).backward()
        self.reset(xs)
        self.output(xs).backward()


def _result(obj, entries, eps, atol, rtol):
    """The probes' table, with the likely cause of each probe that failed."""
    failed = dict.fromkeys(e.name.split(":")[0] for e in entries if e.status == "mismatch")
    causes = "\n".join(f"{p}: {WHY[p]}" for p in failed)
    return CheckResult(f"accumulation probes at {obj.describe()}", (".grad", "expected"),
                       entries, atol, rtol,
                       f"expected: the probe's multiple of the central difference "
                       f"(ε = {eps:g})" + (f"\nlikely causes:\n{causes}" if causes else ""))
