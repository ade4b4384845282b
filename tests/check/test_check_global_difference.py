"""The deeplearning.ai course's gradient-check difference, ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂)
over every parameter as one vector: the function, its line in gradcheck's report, and a
check result shown as a table in a notebook.

The course's numbers come from its "Gradient Checking" assignment (Course 2, week 1):
``gradient_check_n`` on ``gradient_check_n_test_case`` (np.random.seed(1)) prints
0.2850931567761623 for its deliberately broken ``backward_propagation_n`` (dW^[2] doubled,
db^[1] four times too large) and 1.1890913024229996e-07 for the fixed one.
"""

import math

import pytest

import autograd
from autograd import GradientMismatch, Value, global_difference, gradcheck
from autograd.check import GLOBAL_DIFFERENCE_THRESHOLD, CheckResult
from autograd.check.report import Entry


# --- the function, by hand ---------------------------------------------------------------

def test_a_hand_computed_difference():
    # g − g_approx = (3, 0): norm 3; ‖g‖ = 5 (3-4-5), ‖g_approx‖ = 4: 3 / (5 + 4) = 1/3.
    assert global_difference([3.0, 4.0], [0.0, 4.0]) == pytest.approx(1 / 3, rel=1e-15)
    # The same numbers as one matrix per parameter, or a NumPy column vector, as the
    # course keeps them: flattened in order.
    assert global_difference([[3.0], [4.0]], [(0.0,), (4.0,)]) == pytest.approx(1 / 3)
    np = pytest.importorskip("numpy")
    assert global_difference(np.array([[3.0], [4.0]]), np.array([0.0, 4.0])) == \
        pytest.approx(1 / 3, rel=1e-15)


def test_the_difference_is_symmetric_scale_free_and_zero_for_equal_gradients():
    g, approx = [0.5, -1.25, 2.0, 1e-3], [0.5, -1.0, 2.5, 0.0]
    d = global_difference(g, approx)
    # ‖(0, −0.25, −0.5, 1e-3)‖ / (‖g‖ + ‖approx‖), written out.
    expected = math.sqrt(0.25 ** 2 + 0.5 ** 2 + 1e-6) / (
        math.sqrt(0.25 + 1.5625 + 4 + 1e-6) + math.sqrt(0.25 + 1 + 6.25))
    assert d == pytest.approx(expected, rel=1e-14)
    assert global_difference(approx, g) == d
    assert global_difference([x * 1e200 for x in g], [x * 1e200 for x in approx]) == \
        pytest.approx(d, rel=1e-14)          # no overflow in the norms
    assert global_difference([x * 1e-200 for x in g], [x * 1e-200 for x in approx]) == \
        pytest.approx(d, rel=1e-14)          # nor underflow
    assert global_difference(g, g) == 0.0
    assert global_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert global_difference([1.0, 0.0], [-1.0, 0.0]) == 1.0     # opposite: the largest
    # One norm hides a small entry: 1e-8 with its sign flipped beside 1 passes 2e-7.
    assert global_difference([1.0, 1e-8], [1.0, -1e-8]) == pytest.approx(1e-8, rel=1e-12)


def test_bad_gradients_are_refused_naming_the_entry():
    with pytest.raises(ValueError, match=r"g has 3 entries but g_approx has 2"):
        global_difference([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"g_approx\[1\]\[0\] is nan"):
        global_difference([[1.0], [2.0]], [[1.0], [math.nan]])
    with pytest.raises(ValueError, match=r"g\[0\] is inf"):
        global_difference([math.inf], [1.0])
    with pytest.raises(TypeError, match=r"g\[1\] is Value .*not the Value"):
        global_difference([1.0, Value(2.0)], [1.0, 2.0])
    with pytest.raises(TypeError, match=r"g_approx\[0\] is str"):
        global_difference([1.0], ["1.0"])
    with pytest.raises(ValueError, match="empty"):
        global_difference([], [])


def test_it_is_exported_like_the_other_checks():
    assert autograd.global_difference is autograd.check.global_difference
    assert "global_difference" in autograd.__all__ and "global_difference" in autograd.check.__all__
    doc = global_difference.__doc__
    assert "‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂)" in doc and "2·10⁻⁷" in doc
    assert GLOBAL_DIFFERENCE_THRESHOLD == 2e-7


# --- the function, against the course's printed numbers ------------------------------------

def _course_gradient_check():
    """(the library's gradient, the course's broken gradient, the course's g_approx) on the
    course's gradient_check_n test case, each over W1, b1, W2, b2, W3, b3 in the course's
    order (dictionary_to_vector: each array flattened by rows)."""
    np = pytest.importorskip("numpy")
    from nn.explain import explain_step
    from nn.layers import MLP

    np.random.seed(1)
    X, W1, b1, W2, b2, W3, b3 = [np.random.randn(*shape) for shape in
                                 [(4, 3), (5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)]]
    Y = np.array([[1, 1, 0]])
    parameters = [W1, b1, W2, b2, W3, b3]

    def course_cost(params):   # the course's forward_propagation_n, as it computes J
        W1, b1, W2, b2, W3, b3 = params
        A1 = np.maximum(0, W1 @ X + b1)
        A2 = np.maximum(0, W2 @ A1 + b2)
        A3 = 1 / (1 + np.exp(-(W3 @ A2 + b3)))
        logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
        return 1.0 / 3 * np.sum(logprobs)

    epsilon, approx = 1e-7, []     # the course's loop over every parameter
    for k, array in enumerate(parameters):
        for index in np.ndindex(array.shape):
            plus = [p.copy() for p in parameters]
            minus = [p.copy() for p in parameters]
            plus[k][index] += epsilon
            minus[k][index] -= epsilon
            approx.append((course_cost(plus) - course_cost(minus)) / (2 * epsilon))

    network = MLP.from_weights([W.tolist() for W in (W1, W2, W3)],
                               [b.ravel().tolist() for b in (b1, b2, b3)],
                               ["relu", "relu", "sigmoid"])
    step = explain_step(network, X.T.tolist(), Y.ravel().tolist(), loss="bce")
    ours, broken = [], []
    for layer in step.layers:
        w_factor, b_factor = {1: (1, 4), 2: (2, 1)}.get(layer.l, (1, 1))   # the planted slips
        ours += [v for row in layer.dL_dW for v in row] + list(layer.dL_db)
        broken += [w_factor * v for row in layer.dL_dW for v in row] + \
            [b_factor * v for v in layer.dL_db]
    return ours, broken, approx


def test_the_course_numbers_come_out():
    ours, broken, approx = _course_gradient_check()
    assert len(ours) == 47                    # 5·4 + 5 + 3·5 + 3 + 1·3 + 1
    broken_difference = global_difference(broken, approx)
    assert broken_difference == pytest.approx(0.2850931567761623, rel=1e-12)
    assert broken_difference > GLOBAL_DIFFERENCE_THRESHOLD
    # The fixed pass's difference is the round-off of J's differences at ε = 1e-7; the
    # library's gradient with the course's own differences gives its number.
    fixed_difference = global_difference(ours, approx)
    assert fixed_difference == pytest.approx(1.1890913024229996e-07, rel=1e-8)
    assert fixed_difference < GLOBAL_DIFFERENCE_THRESHOLD


# --- one line of gradcheck's report ----------------------------------------------------

def _network_loss():
    from nn import MLP

    model = MLP(2, [3, 1], activations=["tanh", "linear"], seed=0)
    return model, (lambda: (model([0.5, -1.0]) - 1.0) ** 2)


def test_gradcheck_reports_the_difference_of_its_own_columns():
    model, loss = _network_loss()
    result = gradcheck(loss, model.parameters())
    assert result.difference == global_difference([e.computed for e in result.entries],
                                                  [e.reference for e in result.entries])
    assert 0 < result.difference < 1e-8
    line = result.difference_line()
    assert line in str(result).splitlines()
    assert line.startswith("‖analytic − numeric‖₂ / (‖analytic‖₂ + ‖numeric‖₂) over all 13 "
                           "entries as one vector (the deeplearning.ai course's difference) = ")
    assert line.endswith(": below the course's pass mark 2e-7")


def test_a_wrong_gradient_fails_with_the_line_saying_not_below():
    def half_detached(x, y):     # value x² + y, but the engine's ∂/∂x is x, not 2x
        return x * x.detach() + y

    with pytest.raises(GradientMismatch) as info:
        gradcheck(half_detached, [1.5, 2.0])
    result = info.value.result
    # g = (1.5, 1), g_approx = (3, 1): 1.5 / (√3.25 + √10).
    assert result.difference == pytest.approx(1.5 / (math.sqrt(3.25) + math.sqrt(10)), rel=1e-6)
    assert f"= {result.difference:.10g}: not below the course's pass mark 2e-7" in str(info.value)


def test_one_norm_hides_a_wrong_small_entry_and_gradcheck_says_so():
    # ∂f/∂y is 2e-9·y, but the engine sees 1e-9·y (one factor read from .data): wrong by a
    # factor of 2, yet 1e-9 beside ∂f/∂x = 1 moves the course's difference by 5e-10.
    def f(x, y):
        return x + y * y.detach() * 1e-9

    with pytest.raises(GradientMismatch) as info:
        gradcheck(f, [0.5, 1.0], atol=0.0)
    result = info.value.result
    assert [e.name for e in result.mismatches] == ["y"]
    assert result.difference < GLOBAL_DIFFERENCE_THRESHOLD
    assert "below the course's pass mark 2e-7; one norm hides a wrong small entry" in \
        str(info.value)


def test_no_difference_line_for_directional_derivatives():
    model, loss = _network_loss()
    result = gradcheck(loss, model.parameters(), directions=2)
    assert result.difference is None and "course" not in str(result)


def test_a_sampled_check_reports_over_the_sampled_entries():
    model, loss = _network_loss()
    result = gradcheck(loss, model.parameters(), samples=1)
    assert f"over all {len(result.entries)} entries" in result.difference_line()


def test_a_non_finite_entry_makes_the_difference_undefined():
    result = CheckResult("a check", ("analytic", "numeric"),
                         [Entry("x", 0, 1.0, math.inf, 1.0, status="mismatch")], 1e-5, 1e-3,
                         difference=math.nan)
    assert result.difference_line().endswith(": undefined, an entry is not finite")


# --- a check result in a notebook --------------------------------------------------------

def test_a_passing_result_shows_its_table_in_html_with_every_label_escaped():
    w = Value(0.3, label="<script>alert('w')</script>")
    b = Value(-0.1, label="b & c")
    result = gradcheck(lambda: (w * 2.0 + b).tanh(), [w, b])
    page = result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;w&#x27;)&lt;/script&gt;" in page
    assert "b &amp; c" in page and "b & c" not in page
    assert page.count("<tr>") == 1 + len(result.entries)     # the header and every entry
    assert "passed" in page and "<table>" in page
    for e in result.entries:
        assert f">{e.computed:.10g}<" in page and f">{e.reference:.10g}<" in page
    assert "course&#x27;s difference" in page


def test_a_failed_result_shows_its_failing_rows_in_html():
    with pytest.raises(GradientMismatch) as info:
        gradcheck(lambda x, y: x * x.detach() + y, [1.5, 2.0])
    page = info.value.result._repr_html_()
    assert "failed" in page and "✗" in page and "not below" in page


def test_a_long_result_shows_the_rows_the_text_shows():
    from autograd.check.report import MAX_ROWS

    xs = [Value(0.01 * k, label=f"x{k}") for k in range(MAX_ROWS + 15)]
    result = gradcheck(lambda: autograd.total([x * x for x in xs]), xs)
    page = result._repr_html_()
    assert page.count("<tr>") == 1 + MAX_ROWS and "… and 15 more passing entries" in page


def test_jupyter_shows_a_check_result_as_its_table():
    formatters = pytest.importorskip("IPython.core.formatters")
    result = gradcheck(lambda x: x.tanh(), [0.5])
    bundle, _ = formatters.DisplayFormatter().format(result)
    assert "<table>" in bundle["text/html"] and "gradcheck at x = 0.5" in bundle["text/html"]


def test_a_notebook_cell_ending_in_gradcheck_shows_the_table():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from autograd import gradcheck\ngradcheck(lambda x: x.sigmoid(), [0.25])")])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    (output,) = notebook.cells[0].outputs
    assert output.output_type == "execute_result"
    assert "<table>" in output.data["text/html"] and "passed" in output.data["text/html"]
