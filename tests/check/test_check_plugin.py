"""The pytest plugin the project installs: fixtures configured from the command line, and
failure reports that show the check's table without the library's frames.  Each case runs
pytest in a subprocess on a test file written here (``pytester``)."""

import subprocess
import sys

pytest_plugins = ["pytester"]

FAILING = '''
def test_wrong_gradient(gradcheck):
    gradcheck(lambda x, y: x * x.detach() + y, [1.5, 2.0])
'''


def run(pytester, source, *args):
    pytester.makepyfile(test_user=source)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_the_plugin_is_registered_by_installing_the_project(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(
        ["*gradient checks (backproplab; -p no:backproplab turns them off)*",
         "*--gradcheck-eps*", "*--gradcheck-rtol*"])


def test_a_failure_shows_the_users_line_and_the_table_without_library_frames(pytester):
    result = run(pytester, FAILING)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "gradcheck(lambda x, y: x * x.detach() + y, [1.5, 2.0])" in out  # the test's line
    result.stdout.fnmatch_lines(["*worst: x (input 0): analytic 1.5, numeric 3*",
                                 "*✗ x*1.5*1.5*3*"])
    for internal in ("autograd/check", "pytest_plugin.py", "gradients.py", "report.py"):
        assert internal not in out


CONFIGURED = '''
import math

def test_cube(gradcheck):
    # The engine's derivative of f is planted 1 % too large (3.03 instead of 3 at x = 1).
    result = gradcheck(lambda x: x ** 3 + (x - x.detach()) * 0.03, [1.0])
    assert "step ε = 0.01" in str(result)

def test_a_keyword_in_the_call_wins(gradcheck):
    assert "step ε = 0.001" in str(gradcheck(lambda x: x ** 3, [1.0], eps=1e-3))

def test_every_fixture(gradcheck, gradgradcheck, assert_grad, check_accumulation):
    f = lambda x, y: (x * y).tanh()
    assert gradcheck(f, [0.3, -0.4]) and gradgradcheck(f, [0.3, -0.4])
    assert check_accumulation(f, [0.3, -0.4])
    assert_grad(lambda z: z.exp(), at=[0.5], expected=math.exp)
'''


def test_the_options_configure_the_fixtures_and_a_keyword_wins(pytester):
    # rtol 0.01 passes the planted 1 % (symmetric relative error 0.00496), rtol 1e-3 does not.
    run(pytester, CONFIGURED, "--gradcheck-eps", "0.01", "--gradcheck-rtol", "0.01",
        "--gradcheck-atol", "1e-12").assert_outcomes(passed=3)
    failed = run(pytester, CONFIGURED, "--gradcheck-eps", "0.01", "--gradcheck-rtol", "1e-3",
                 "--gradcheck-atol", "1e-12")
    failed.assert_outcomes(failed=1, passed=2)
    failed.stdout.fnmatch_lines(["*relative error 0.00496 > rtol 0.001 and absolute error "
                                 "0.0299 > atol 1e-12*", "*step ε = 0.01*"])


FORMULAS = '''
def test_sigma_prime(assert_formula):
    assert_formula("σ(z)(1 − σ(z))", of="sigmoid(z)", wrt="z")

def test_the_sigma_minus_slip(assert_formula):
    assert_formula("σ(z) − (1 − σ(z))", of="sigmoid(z)", wrt="z")
'''


def test_the_assert_formula_fixture_passes_a_right_formula_and_names_a_slip(pytester):
    result = run(pytester, FORMULAS)
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "sigma_minus_typo" in out and "your formula gives" in out
    assert 'assert_formula("σ(z) − (1 − σ(z))", of="sigmoid(z)", wrt="z")' in out
    for internal in ("autograd/formula", "pytest_plugin.py"):
        assert internal not in out


def test_a_bad_option_value_is_a_usage_error(pytester):
    result = run(pytester, FAILING, "--gradcheck-eps", "-1")
    assert result.ret == 4
    assert "expected a positive finite number, got '-1'" in result.stderr.str()


def test_loading_the_plugin_imports_nothing_of_the_library():
    # Every pytest run in the environment loads it: the library waits for a fixture.
    code = ("import sys, backproplab.pytest_plugin; "
            "loaded = {'autograd', 'nn', 'hypothesis'} & set(sys.modules); "
            "assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_plugin_can_be_turned_off(pytester):
    result = pytester.runpytest_subprocess("-p", "no:backproplab", "--help")
    assert "--gradcheck-eps" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*-p name*"])
