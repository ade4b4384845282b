"""Property tests: for random expressions, a formula equal to the derivative (written by a small
symbolic differentiator here, in the formula language, in any notation) passes the check, and
the same formula perturbed fails it; the parser reads back whatever the printer writes."""

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd.formula import check_formula, evaluate, parse  # noqa: E402
from autograd.formula.limits import MAX_LENGTH  # noqa: E402
from autograd.formula.tree import names, to_text  # noqa: E402

DOMAINS = {"x": (-2.0, 2.0), "y": (-2.0, 2.0)}


class Expr:
    """A random expression: its text (ASCII or Unicode) and its derivative's text in x."""

    def __init__(self, text, d):
        self.text, self.d = text, d

    def __repr__(self):
        return f"Expr({self.text!r}, d={self.d!r})"


def leaf(name):
    return Expr(name, "1" if name == "x" else "0")


def number(c):
    return Expr(repr(c), "0")


UNARY = {
    "sigmoid": lambda a: Expr(f"sigmoid({a.text})",
                              f"sigmoid({a.text})*(1 - sigmoid({a.text}))*({a.d})"),
    "σ": lambda a: Expr(f"σ({a.text})", f"σ({a.text})(1 − σ({a.text}))({a.d})"),
    "tanh": lambda a: Expr(f"tanh({a.text})", f"(1 - tanh({a.text})^2)*({a.d})"),
    "exp": lambda a: Expr(f"exp({a.text})", f"exp({a.text})*({a.d})"),
    "softplus": lambda a: Expr(f"softplus({a.text})", f"sigmoid({a.text})*({a.d})"),
    "log": lambda a: Expr(f"ln(({a.text})^2 + 1)", f"2({a.text})({a.d})/(({a.text})^2 + 1)"),
    "square": lambda a: Expr(f"({a.text})²", f"2·({a.text})·({a.d})"),
    "neg": lambda a: Expr(f"-({a.text})", f"-({a.d})"),
}
BINARY = {
    "+": lambda a, b: Expr(f"({a.text}) + ({b.text})", f"({a.d}) + ({b.d})"),
    "-": lambda a, b: Expr(f"({a.text}) − ({b.text})", f"({a.d}) - ({b.d})"),
    "*": lambda a, b: Expr(f"({a.text})*({b.text})", f"({a.d})*({b.text}) + ({a.text})*({b.d})"),
    "/": lambda a, b: Expr(f"({a.text})/(({b.text})^2 + 1)",
                           f"(({a.d})*(({b.text})^2 + 1) - ({a.text})*2*({b.text})*({b.d}))"
                           f"/(({b.text})^2 + 1)^2"),
}


def expressions():
    leaves = st.one_of(st.sampled_from(["x", "y"]).map(leaf),
                       st.sampled_from([0.5, 2.0, -1.5, 3.0]).map(number))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda f, a: UNARY[f](a), st.sampled_from(sorted(UNARY)), inner),
            st.builds(lambda op, a, b: BINARY[op](a, b), st.sampled_from(sorted(BINARY)),
                      inner, inner)),
        max_leaves=5)


def _usable(expr):
    return (len(expr.d) < MAX_LENGTH and len(expr.text) < MAX_LENGTH
            and "x" in names(parse(expr.text).rhs))


def _domains(expr):
    return {v: DOMAINS[v] for v in names(parse(expr.text).rhs)}


def _moderate(expr, bound=1e3):
    """True where the derivative stays under ``bound`` over the domain, so each perturbation
    below (0.001 added at the least) is more than the check's rtol of 1e-7 of it: beside
    ∂/∂x e^(x + e³) ≈ 10⁹ an added 0.001 is rounding, and no tolerance tells it apart."""
    grid = [-2.0, -1.0, -0.3, 0.0, 0.7, 1.5, 2.0]
    for x in grid:
        for y in grid[::3]:
            try:
                value = evaluate(expr.d, {"x": x, "y": y})
            except ArithmeticError:
                continue
            if not abs(value) < bound:
                return False
    return True


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(expressions())
def test_a_formula_equal_to_the_derivative_passes(expr):
    assume(_usable(expr))
    verdict = check_formula(expr.d, of=expr.text, wrt="x", domains=_domains(expr), points=8)
    assert verdict, verdict.report()


@SETTINGS
@given(expressions(), st.sampled_from(["({}) + 0.001", "({}) - 0.1", "({})*1.001 + 1e-4",
                                       "({}) + 0.01x", "-({}) + 0.5"]))
def test_a_perturbed_formula_fails(expr, perturbation):
    assume(_usable(expr) and _moderate(expr))
    formula = perturbation.format(expr.d)
    assume(len(formula) < MAX_LENGTH)
    verdict = check_formula(formula, of=expr.text, wrt="x", domains=_domains(expr), points=8)
    assert not verdict
    assert verdict.shown is not None and verdict.shown.status == "mismatch"


@settings(max_examples=100, deadline=None)
@given(expressions(), st.floats(-2, 2), st.floats(-2, 2))
def test_the_printed_reading_reads_back_as_the_same_formula(expr, x, y):
    assume(len(expr.text) < MAX_LENGTH)
    reading = to_text(parse(expr.text).rhs)
    assert to_text(parse(reading).rhs) == reading
    try:
        original = evaluate(expr.text, {"x": x, "y": y})
    except ArithmeticError:
        return
    again = evaluate(reading, {"x": x, "y": y})
    assert again == original or (again != again and original != original)
