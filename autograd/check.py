"""Checking gradients: finite differences, and hand-derived formulas, against the engine.

``f`` below is always a function of n scalar arguments that returns a Value,
called with Values, e.g. ``lambda w, a: (w * a).sigmoid()``.

A finite difference straddling a kink (ReLU or ``abs`` at 0) disagrees with
any one-sided analytic derivative, and that disagreement is real, not a bug:
check such functions away from their kinks.
"""

import inspect
import math

from .functional import grad, hessian
from .modes import no_grad
from .value import Value


class GradientMismatch(AssertionError):
    """Gradients disagree; the message is a table of every compared entry."""


def _names(f, n):
    try:
        params = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        params = []
    if len(params) == n and all(p.isidentifier() for p in params):
        return params
    return [f"x{i}" for i in range(n)]


def _point(inputs, context):
    point = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            x = x.data
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise TypeError(f"{context}: input {i} must be a number, got {type(x).__name__} {x!r}")
        point.append(float(x))
    if not point:
        raise ValueError(f"{context} needs at least one input")
    return point


def _evaluate(f, leaves, context):
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{context}: f must return a Value, got {type(out).__name__} {out!r}")
    return out


def _analytic(f, point, context):
    leaves = [Value(x) for x in point]
    return grad(_evaluate(f, leaves, context), leaves)


def numerical_grad(f, inputs, eps=1e-6):
    """Central differences: (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε for each input i."""
    point = _point(inputs, "numerical_grad()")
    result = []
    with no_grad():
        for i in range(len(point)):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            hi = _evaluate(f, [Value(x) for x in up], "numerical_grad()").data
            lo = _evaluate(f, [Value(x) for x in down], "numerical_grad()").data
            result.append((hi - lo) / (2 * eps))
    return result


def _compare(rows, atol, rtol):
    """rows: (name, value, computed, reference); returns rows with errors and a pass flag."""
    out = []
    for name, x, a, n in rows:
        abs_err = abs(a - n)
        rel_err = abs_err / abs(n) if n else (0.0 if a == n else math.inf)
        ok = abs_err <= atol + rtol * abs(n)
        out.append((name, x, a, n, abs_err, rel_err, ok))
    return out


def format_table(headers, rows):
    """Rows of strings as a fixed-width text table (first column left-aligned)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in rows])


def _report(title, compared, headers, atol, rtol):
    __tracebackhide__ = True
    bad = sum(1 for r in compared if not r[-1])
    if not bad:
        return
    table = format_table(
        ["", *headers, "abs error", "rel error"],
        [[("✗ " if not ok else "  ") + str(name), f"{x:.10g}", f"{a:.10g}", f"{n:.10g}",
          f"{ae:.3g}", f"{re:.3g}"] for name, x, a, n, ae, re, ok in compared])
    raise GradientMismatch(
        f"{title}: {bad} of {len(compared)} entries differ "
        f"(pass when |{headers[1]} − {headers[2]}| ≤ atol + rtol·|{headers[2]}|, "
        f"atol={atol:g}, rtol={rtol:g})\n{table}")


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Check the engine's gradient of ``f`` at ``inputs`` against central differences.

    Passes when |analytic − numeric| ≤ atol + rtol·|numeric| for every input
    (PyTorch's ``gradcheck`` test and defaults).  Returns True, or raises
    :class:`GradientMismatch` whose message is a table with the input, analytic,
    numeric, absolute and relative error of every input, failing rows marked ✗.
    """
    __tracebackhide__ = True  # pytest shows the caller's line and the table
    point = _point(inputs, "gradcheck()")
    names = _names(f, len(point))
    analytic = _analytic(f, point, "gradcheck()")
    numeric = numerical_grad(f, point, eps)
    compared = _compare(zip(names, point, analytic, numeric), atol, rtol)
    _report(f"gradcheck failed at {_at(names, point)}", compared,
            ["input", "analytic", "numeric"], atol, rtol)
    return True


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Check second derivatives: the engine's Hessian ∂²f/∂xᵢ∂xⱼ (through
    ``grad(..., create_graph=True)``) against central differences of its gradient.

    Returns True or raises :class:`GradientMismatch` with one row per (i, j).
    """
    __tracebackhide__ = True
    point = _point(inputs, "gradgradcheck()")
    names = _names(f, len(point))
    leaves = [Value(x) for x in point]
    analytic = hessian(_evaluate(f, leaves, "gradgradcheck()"), leaves)
    rows = []
    for j in range(len(point)):
        up, down = list(point), list(point)
        up[j] += eps
        down[j] -= eps
        g_up = _analytic(f, up, "gradgradcheck()")
        g_down = _analytic(f, down, "gradgradcheck()")
        for i in range(len(point)):
            rows.append((f"∂²/∂{names[i]}∂{names[j]}", point[j], analytic[i][j],
                         (g_up[i] - g_down[i]) / (2 * eps)))
    compared = _compare(rows, atol, rtol)
    _report(f"gradgradcheck failed at {_at(names, point)}", compared,
            ["at x_j", "analytic", "numeric"], atol, rtol)
    return True


def assert_grad(f, at, expected, rtol=1e-7, atol=1e-12):
    """Assert that a hand-derived gradient equals the engine's, entry by entry.

    ``expected`` is the list of hand-derived ∂f/∂xᵢ, or a function of the
    input numbers returning that list (or one number for one input)::

        def test_sigmoid_derivative():
            assert_grad(lambda z: z.sigmoid(), at=[0.3],
                        expected=lambda z: sigma(z) * (1 - sigma(z)))

    On failure raises :class:`GradientMismatch` (an AssertionError, so pytest
    shows it as a test failure) with a table: input, engine, hand-derived,
    absolute and relative error.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    point = _point(at, "assert_grad()")
    names = _names(f, len(point))
    engine = _analytic(f, point, "assert_grad()")
    hand = expected(*point) if callable(expected) else expected
    if isinstance(hand, (int, float)):
        hand = [hand]
    hand = list(hand)
    if len(hand) != len(point):
        raise ValueError(f"assert_grad(): {len(point)} inputs but {len(hand)} expected "
                         f"gradients ({hand!r})")
    compared = _compare(zip(names, point, engine, [float(h) for h in hand]), atol, rtol)
    _report(f"hand-derived gradient differs from the engine at {_at(names, point)}",
            compared, ["input", "engine", "hand-derived"], atol, rtol)


def _at(names, point):
    return ", ".join(f"{n} = {x:.10g}" for n, x in zip(names, point))
