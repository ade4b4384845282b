"""Formulas come from students: every classic payload is a one-line error, nothing is ever
evaluated as Python, and every limit holds before any work is done."""

import ast
import builtins
import math
from pathlib import Path

import pytest

import autograd.formula
from autograd.formula import FormulaError, FormulaTooLarge, check_formula, evaluate, parse
from autograd.formula.limits import MAX_DEPTH, MAX_LENGTH, Budget

PAYLOADS = {
    "import": "__import__('os')",
    "import and call": "__import__(\"os\").system(\"touch pwned\")",
    "class walk": "().__class__.__bases__[0].__subclasses__()",
    "dunder attribute": "z.__class__",
    "attribute": "z.real",
    "globals through a function": "sigmoid.__globals__",
    "module attribute": "os.system('ls')",
    "numpy submodule": "np.linalg.inv(W)",
    "numpy prefix twice": "np.np.sum(d)",
    "numpy prefix alone": "np.",
    "lambda": "lambda: 0",
    "lambda with argument": "lambda z: z",
    "statement": "z; import os",
    "comment": "z # comment",
    "string": "open('x')",
    "double-quoted string": 'eval("1")',
    "backtick": "`ls`",
    "null byte": "z\x00",
    "right-to-left override": "z\u202e1",
    "zero-width space": "z\u200b",
    "fullwidth letters": "ｚ",
    "latex input": r"\input{/etc/passwd}",
    "latex def": r"\def\x{1}",
    "latex catcode": r"\catcode`\@=11",
    "latex write18": r"\immediate\write18{ls}",
    "subscript dunder": "z_{__class__}",
    "name dunder": "z__class__",
    "dict": "{}",
    "list": "[]",
    "walrus": "(x := 1)",
    "equality": "a == b",
    "indexing": "W[0]",
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS)
def test_payloads_are_one_line_errors(payload, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FormulaError) as caught:
        check_formula(payload, of="sigmoid(z)", wrt="z")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300
    assert message.startswith("formula: ")
    assert not any(tmp_path.iterdir())   # nothing ran


def test_python_is_never_called_on_a_formula(monkeypatch):
    """eval, exec and compile would all raise here; reading and checking still work."""
    def refuse(*args, **kwargs):
        raise AssertionError("a formula reached Python's eval/exec/compile")

    for name in ("eval", "exec", "compile", "__import__"):
        if name != "__import__":
            monkeypatch.setattr(builtins, name, refuse)
    assert check_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z")
    with pytest.raises(FormulaError):
        check_formula("__import__('os')", of="sigmoid(z)", wrt="z")


def test_the_package_calls_no_evaluator_of_text():
    """No eval/exec/compile call and no SymPy anywhere in autograd.formula's source."""
    forbidden_calls = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr"}
    root = Path(autograd.formula.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert name not in forbidden_calls, f"{path.name}: {name}()"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any("sympy" in m for m in modules), path.name


POWER_TOWERS = ["9**9**9", "9^9^9", "2^2^2^2^2", "10**400", "z^1e100", "z ** -9**9",
                "z^(2^(2^(2^2)))", "(z^9)^9^9", "sech^1000(z)", "σ^{999}(z)"]


@pytest.mark.parametrize("text", POWER_TOWERS)
def test_huge_constant_exponents_are_refused_before_anything_is_computed(text):
    with pytest.raises(FormulaTooLarge, match="larger than 100"):
        parse(text)


def test_a_variable_exponent_stays_a_float():
    # the exponent is not a constant, so it is evaluated, in floats: inf, not a hang
    assert evaluate("z^(z*z*z)", {"z": 9.0}) == math.inf


def test_deep_nesting_is_refused_without_recursion():
    deep = "(" * 150 + "z" + ")" * 150
    with pytest.raises(FormulaTooLarge, match=f"nested more than {MAX_DEPTH} deep"):
        parse(deep)
    with pytest.raises(FormulaTooLarge, match="nested"):
        parse("-" * 200 + "z")
    with pytest.raises(FormulaTooLarge, match="nested"):
        parse("σ(" * 60 + "z" + ")" * 60)
    with pytest.raises(FormulaTooLarge, match="operations deep"):
        parse("+".join(["z"] * 150))
    parse("(" * (MAX_DEPTH - 2) + "z" + ")" * (MAX_DEPTH - 2))   # just inside the limit


def test_huge_input_is_refused_by_its_length_first():
    with pytest.raises(FormulaTooLarge, match=f"more than the {MAX_LENGTH}"):
        parse("z" * 10**7)
    with pytest.raises(FormulaTooLarge, match="tokens"):
        parse("+".join(["1"] * 450))
    with pytest.raises(FormulaTooLarge, match="more than 40 characters"):
        parse("1" * 100)
    with pytest.raises(FormulaError, match="beyond the float range"):
        parse("1e999")


def test_work_is_bounded():
    with pytest.raises(FormulaTooLarge, match="more than 50 operations"):
        check_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z", budget=Budget(max_work=50))


def test_cpu_time_is_bounded(monkeypatch):
    """Past max_seconds of CPU time the check stops (the clock is a stand-in)."""
    ticks = iter(range(10**6))
    budget = Budget(max_seconds=5.0, clock=lambda: next(ticks) * 10.0)
    with pytest.raises(FormulaTooLarge, match="more than 5 s of CPU time"):
        check_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z", points=200, budget=budget)


def test_the_expression_checked_against_is_read_as_carefully():
    with pytest.raises(FormulaError, match="^of: a name cannot start with '_'"):
        check_formula("1", of="__import__('os')", wrt="z")
    with pytest.raises(FormulaError, match="^let u: "):
        check_formula("u", of="z", wrt="z", let={"u": "z.__class__"})


def test_non_text_formulas_are_refused():
    for bad in (None, 3, b"z", ["z"]):
        with pytest.raises(FormulaError, match="text"):
            check_formula(bad, of="z", wrt="z")
