"""The pytest plugin installed with backproplab (entry point ``pytest11`` named
``backproplab``; ``pytest -p no:backproplab`` turns it off).

Fixtures ``gradcheck``, ``gradgradcheck``, ``assert_grad`` and ``check_accumulation``
are the functions of :mod:`autograd.check` with their finite-difference settings
taken from the command line, and ``assert_formula`` is :func:`autograd.formula.assert_formula`
(a hand-derived formula, typed as a learner writes it, against the engine's derivative)::

    pytest --gradcheck-eps 1e-5 --gradcheck-rtol 1e-4

    def test_my_layer(gradcheck):
        gradcheck(lambda x, w: (x * w).tanh(), [0.3, -0.8])

Arguments given in a call still win.  A failing check shows the test's own line
and the check's table, without the library's frames (the check modules set
``__tracebackhide__``).

Every pytest run in the environment loads this module, so it imports nothing but pytest:
backproplab's ``autograd`` is imported when a fixture is first used, and checked to be
backproplab's.  A project with an ``autograd`` package of its own (HIPS autograd, or
its own code) therefore runs its tests as if the plugin were not there; only asking for
one of these fixtures there is an error, saying which ``autograd`` was found.
"""

import functools
import importlib

import pytest

OPTIONS = {  # option -> (keyword of the checks, default, help)
    "--gradcheck-eps": ("eps", 1e-6, "finite-difference step ε of the gradcheck fixtures"),
    "--gradcheck-rtol": ("rtol", 1e-3, "relative tolerance of the gradcheck fixtures"),
    "--gradcheck-atol": ("atol", 1e-5, "absolute tolerance of the gradcheck fixtures"),
}


def _positive_float(text):
    try:
        x = float(text)
    except ValueError:
        raise pytest.UsageError(f"expected a positive finite number, got {text!r}") from None
    if not x > 0 or x == float("inf"):
        raise pytest.UsageError(f"expected a positive finite number, got {text!r}")
    return x


def pytest_addoption(parser):
    group = parser.getgroup("gradcheck", "gradient checks (backproplab; -p no:backproplab "
                                         "turns them off)")
    for option, (_, default, text) in OPTIONS.items():
        group.addoption(option, type=_positive_float, default=None,
                        help=f"{text} (default {default:g})")


def _library(module):
    """backproplab's ``module`` (:mod:`autograd.check` or :mod:`autograd.formula`), imported
    now, or a failure naming the ``autograd`` that ``import autograd`` finds instead."""
    __tracebackhide__ = True
    autograd = importlib.import_module("autograd")
    if not getattr(autograd, "__backproplab__", False):
        pytest.fail(f"the gradcheck fixtures need backproplab's autograd, but `import autograd` "
                    f"finds {getattr(autograd, '__file__', autograd)!s}, another package of that "
                    f"name; call autograd.check from a project without one, or pass "
                    f"-p no:backproplab", pytrace=False)
    return importlib.import_module(module)


def _configured(name, config, keywords, module="autograd.check"):
    function = getattr(_library(module), name)
    settings = {}
    for option, (keyword, _, _) in OPTIONS.items():
        value = config.getoption(option)
        if value is not None and keyword in keywords:
            settings[keyword] = value
    return functools.partial(function, **settings) if settings else function


@pytest.fixture
def gradcheck(pytestconfig):
    """:func:`autograd.check.gradcheck` with eps, rtol and atol from the command line."""
    return _configured("gradcheck", pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def gradgradcheck(pytestconfig):
    """:func:`autograd.check.gradgradcheck` with eps, rtol and atol from the command line."""
    return _configured("gradgradcheck", pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def check_accumulation(pytestconfig):
    """:func:`autograd.check.check_accumulation` with eps, rtol and atol from the command
    line."""
    return _configured("check_accumulation", pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def assert_grad(pytestconfig):
    """:func:`autograd.check.assert_grad`: exact against exact, so its tight tolerances
    are not the finite-difference options'."""
    return _configured("assert_grad", pytestconfig, set())


@pytest.fixture
def assert_formula(pytestconfig):
    """:func:`autograd.formula.assert_formula`: a formula such as ``"σ(z)(1 − σ(z))"``
    against the engine's derivative of ``of``; exact against exact, so its tolerances
    are its own, not the finite-difference options'."""
    return _configured("assert_formula", pytestconfig, set(), module="autograd.formula")
