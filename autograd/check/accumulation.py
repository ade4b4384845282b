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

    def leaves():
        made = obj.raw if obj.in_place else [value_type(x) for x in point]
        for v, x in zip(made, point):
            v.data, v.grad = x, 0
        return made

    def output(xs):
        return obj.f() if obj.in_place else obj.f(*xs)

    def reset(xs):
        if zero_grad is None:
            for v in xs:
                v.grad = 0
        else:
            zero_grad()

    def one(xs):
        output(xs).backward()

    def reused(xs):
        (output(xs) + output(xs)).backward()

    def twice(xs):
        out = output(xs)
        out.backward()
        out.backward()

    def after_zero_grad(xs):
        output(xs).backward()
        reset(xs)
        output(xs).backward()

    probes = [("one backward", 1, one), ("input reused", 2, reused),
              ("second backward", 2, twice), ("after zero_grad", 1, after_zero_grad)]
    entries = []
    try:
        for probe, times, run in probes:
            xs = leaves()
            run(xs)
            for i, (name, v) in enumerate(zip(obj.names, xs)):
                entry = Entry(f"{probe}: {name}", i, point[i], float(v.grad), times * numeric[i])
                if not agree(entry.computed, entry.reference, atol, rtol):
                    entry.status = "mismatch"
                entries.append(entry)
    finally:
        for v, (data, g) in zip(obj.raw, saved):
            v.data, v.grad = data, g
    failed = [p for p, _, _ in probes
              if any(e.status == "mismatch" and e.name.startswith(p + ":") for e in entries)]
    causes = "\n".join(f"{p}: {WHY[p]}" for p in failed)
    result = CheckResult(f"accumulation probes at {obj.describe()}", (".grad", "expected"),
                         entries, atol, rtol,
                         f"expected: the probe's multiple of the central difference "
                         f"(ε = {eps:g})" + (f"\nlikely causes:\n{causes}" if causes else ""))
    result.raise_if_failed()
    return result
