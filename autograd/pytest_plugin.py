"""The pytest plugin installed with backproplab (entry point ``pytest11``).

Fixtures ``gradcheck``, ``gradgradcheck``, ``assert_grad`` and ``check_accumulation``
are the functions of :mod:`autograd.check` with their finite-difference settings
taken from the command line::

    pytest --gradcheck-eps 1e-5 --gradcheck-rtol 1e-4

    def test_my_layer(gradcheck):
        gradcheck(lambda x, w: (x * w).tanh(), [0.3, -0.8])

Arguments given in a call still win.  A failing check shows the test's own line
and the check's table, without the library's frames (the check modules set
``__tracebackhide__``).  Loading the plugin imports only :mod:`autograd.check`
(standard library), never hypothesis.
"""

import functools

import pytest

from . import check

__tracebackhide__ = True

OPTIONS = {  # option -> (keyword of the checks, default, help)
    "--gradcheck-eps": ("eps", 1e-6, "finite-difference step ε of the gradcheck fixtures"),
    "--gradcheck-rtol": ("rtol", 1e-3, "relative tolerance of the gradcheck fixtures"),
    "--gradcheck-atol": ("atol", 1e-5, "absolute tolerance of the gradcheck fixtures"),
}


def _positive_float(text):
    try:
        x = float(text)
    except ValueError:
        raise pytest.UsageError(f"expected a number, got {text!r}") from None
    if not x > 0 or x == float("inf"):
        raise pytest.UsageError(f"expected a positive finite number, got {text!r}")
    return x


def pytest_addoption(parser):
    group = parser.getgroup("gradcheck", "gradient checks (backproplab)")
    for option, (_, default, text) in OPTIONS.items():
        group.addoption(option, type=_positive_float, default=None,
                        help=f"{text} (default {default:g})")


def _settings(config):
    """{keyword: value} for the options given on the command line."""
    found = {}
    for option, (keyword, _, _) in OPTIONS.items():
        value = config.getoption(option)
        if value is not None:
            found[keyword] = value
    return found


def _configured(function, config, keywords):
    settings = {k: v for k, v in _settings(config).items() if k in keywords}
    return functools.partial(function, **settings) if settings else function


@pytest.fixture
def gradcheck(pytestconfig):
    """:func:`autograd.check.gradcheck` with eps, rtol and atol from the command line."""
    return _configured(check.gradcheck, pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def gradgradcheck(pytestconfig):
    """:func:`autograd.check.gradgradcheck` with eps, rtol and atol from the command line."""
    return _configured(check.gradgradcheck, pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def check_accumulation(pytestconfig):
    """:func:`autograd.check.check_accumulation` with eps, rtol and atol from the command
    line."""
    return _configured(check.check_accumulation, pytestconfig, {"eps", "rtol", "atol"})


@pytest.fixture
def assert_grad():
    """:func:`autograd.check.assert_grad`: exact against exact, so its tight tolerances
    are not the finite-difference options'."""
    return check.assert_grad
