"""Issue 15's ten ways the engine used to give a wrong number without an error, one section each.

Every test here failed on the engine before v2 (per-process modes, a creation
counter for the topological order, relu(nan) = 0, unsynchronised concurrent
backward, softmax through logsumexp, fsum, NumPy scalars kept in .data,
float(v) allowed, backward on no_grad results, bare or wrong errors).
"""

import copy
import fractions
import math
import multiprocessing
import pickle
import sys
import threading

import pytest

import autograd
from autograd import (AnomalyError, DomainError, FloatOverflowError, Value, detect_anomaly,
                      grad, hessian, is_grad_enabled, no_grad, total)
from autograd import modes
from nn import MLP
from nn.losses import cross_entropy, hinge, mse


def run_in_thread(fn):
    box = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as error:  # handed back to the test's thread
            box["error"] = error

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=30)
    if "error" in box:
        raise box["error"]
    return box.get("result")


# -- 1. modes are per thread ---------------------------------------------------------

def test_another_threads_no_grad_leaves_this_threads_graph_alone():
    inside, built = threading.Event(), threading.Event()

    def sits_in_no_grad():
        with no_grad():
            inside.set()
            built.wait(timeout=30)

    t = threading.Thread(target=sits_in_no_grad)
    t.start()
    inside.wait(timeout=30)
    try:
        x = Value(3.0)
        y = x * x
        assert is_grad_enabled() and not y.is_leaf
        y.backward()
        assert x.grad == 6.0
    finally:
        built.set()
        t.join(timeout=30)


def test_interleaved_blocks_of_two_threads_restore_the_defaults():
    # A enters no_grad, B enters detect_anomaly, A leaves, B leaves.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        with no_grad():
            a_in.set()
            b_in.wait(timeout=30)
        a_out.set()

    def thread_b():
        a_in.wait(timeout=30)
        with detect_anomaly():
            b_in.set()
            a_out.wait(timeout=30)
            assert is_grad_enabled()  # A's no_grad is A's alone

    ta, tb = threading.Thread(target=thread_a), threading.Thread(target=thread_b)
    ta.start(), tb.start()
    ta.join(timeout=30), tb.join(timeout=30)
    assert is_grad_enabled() and not modes.anomaly() and not modes.open_blocks
    assert not (Value(2.0) * 3).is_leaf
    assert run_in_thread(lambda: (is_grad_enabled(), modes.anomaly())) == (True, False)


def test_a_new_thread_starts_recording_even_from_inside_no_grad():
    with no_grad():
        assert run_in_thread(lambda: not (Value(1.0) + 1).is_leaf)
        assert (Value(1.0) + 1).is_leaf


def test_mode_blocks_restore_after_an_exception():
    with pytest.raises(KeyError):
        with no_grad():
            with detect_anomaly():
                raise KeyError("boom")
    assert is_grad_enabled() and not modes.anomaly() and not modes.open_blocks


# -- 2. no process-global order: pickling, spawn workers, deep graphs -------------------

def _gradient_in_a_fresh_process(w):
    (w * Value(2.0)).backward()
    return w.grad


def test_a_pickled_value_gets_its_gradient_in_a_spawned_process():
    w = Value(1.5)
    for _ in range(10_000):  # this process has made many more nodes than the worker will
        Value(0.0) + 1
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_gradient_in_a_fresh_process, (w,)) == 2.0


def _mlp_gradients(model):
    loss = total([model([0.5, -1.0]), model([1.0, 2.0])])
    loss.backward()
    return [p.grad for p in model.parameters()]


def test_a_model_sent_to_a_spawn_worker_gets_the_same_nonzero_gradients():
    model = MLP(2, [4, 1], activations="tanh", seed=3)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        theirs = pool.apply(_mlp_gradients, (model,))
    ours = _mlp_gradients(model)
    assert theirs == ours and any(g != 0.0 for g in ours)


def test_unpickled_value_made_after_many_new_nodes_still_gets_its_gradient():
    w = pickle.loads(pickle.dumps(Value(1.5)))
    (w * Value(2.0)).backward()
    assert w.grad == 2.0


def deep_chain(n):
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0
    return x, y


def test_pickle_and_deepcopy_of_a_deep_graph_need_no_recursion():
    x, y = deep_chain(20_000)
    old = sys.getrecursionlimit()
    assert old < 20_000
    y.backward()
    expected = x.grad
    for copied in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        leaf = autograd.topological_order(copied)[0]
        assert leaf.label == "x" and leaf is not x
        autograd.zero_grad(copied)
        copied.backward()
        assert leaf.grad == expected and copied.data == y.data


def test_pickling_a_loss_with_its_parameters_keeps_them_shared():
    w = Value(2.0, "w")
    loss = (w * 3.0).tanh()
    w2, loss2 = pickle.loads(pickle.dumps([w, loss]))
    loss2.backward()
    assert w2.grad == pytest.approx(3 * (1 - math.tanh(6.0) ** 2), rel=1e-15)
    w3, loss3 = copy.deepcopy([w, loss])
    loss3.backward()
    assert w3.grad == w2.grad and w.grad == 0.0


# -- 3. nan propagates through every primitive and loss ---------------------------------

NAN = math.nan
UNARY = {
    "relu": lambda v: v.relu(), "leaky_relu": lambda v: v.leaky_relu(), "abs": abs,
    "tanh": lambda v: v.tanh(), "sigmoid": lambda v: v.sigmoid(), "exp": lambda v: v.exp(),
    "log": lambda v: v.log(), "sqrt": lambda v: v.sqrt(), "softplus": lambda v: v.softplus(),
    "log_sigmoid": lambda v: v.log_sigmoid(), "erf": lambda v: v.erf(), "neg": lambda v: -v,
    "pow_const": lambda v: v ** 3, "pow_const_frac": lambda v: v ** 0.5,
    "pow": lambda v: v ** Value(2.0), "add": lambda v: v + 1, "mul": lambda v: v * 2,
    "div": lambda v: v / 2, "total": lambda v: total([v, 1.0]),
    "dot": lambda v: autograd.dot([v], [2.0], 1.0),
    "logsumexp": lambda v: autograd.logsumexp([1.0, v]),
    "log_softmax": lambda v: autograd.log_softmax([1.0, v], 0),
}


LINEAR = {"add", "mul", "div", "neg", "total", "dot"}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_nan_in_gives_nan_out_and_a_nan_gradient(name):
    x = Value(NAN)
    y = UNARY[name](x)
    assert math.isnan(y.data)
    y.backward()
    if name in LINEAR:  # the derivative does not depend on x: PyTorch gives it too
        assert math.isfinite(x.grad)
    else:
        assert math.isnan(x.grad)
    with detect_anomaly():
        with pytest.raises(AnomalyError, match="returned nan"):
            UNARY[name](Value(NAN))


def test_a_diverged_hinge_loss_reports_nan_not_zero():
    assert math.isnan(hinge(Value(NAN), 1).data)
    assert math.isnan(hinge([Value(0.5), Value(NAN)], [1, -1]).data)


def test_nan_in_relu_is_caught_by_detect_anomaly():
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=r"relu\(nan\) returned nan"):
            Value(NAN).relu()


# -- 4. concurrent backward into shared parameters ------------------------------------

def test_threads_backpropagating_losses_that_share_parameters_give_the_sequential_sums():
    # Dyadic weights and inputs with a ReLU net keep every gradient exact, so the sums
    # must agree to the last bit whatever the order the threads add in.
    model = MLP(2, [8, 8, 1], seed=0)
    for i, p in enumerate(model.parameters()):
        p.data = ((i * 37) % 15 - 7) / 8
    samples = [[(k % 7 - 3) / 4, (k % 5 - 2) / 2] for k in range(50)]

    def loss():
        return total([model(x) * model(x) for x in samples])

    losses = [loss() for _ in range(4)]
    for one in losses:
        one.backward()
    sequential = [p.grad for p in model.parameters()]
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(5):
            model.zero_grad()
            threads = [threading.Thread(target=one.backward) for one in losses]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert [p.grad for p in model.parameters()] == sequential
    finally:
        sys.setswitchinterval(old_interval)
    assert any(g != 0.0 for g in sequential)


# -- 5. softmax and cross-entropy at any magnitude --------------------------------------

@pytest.mark.parametrize("logits, expected", [
    ([1e16] * 3, [1 / 3] * 3),
    ([1e308, 1e308], [0.5, 0.5]),
    ([-1e308, 1e308], [0.0, 1.0]),
    ([-1e308, -1e308, -1e308, -1e308], [0.25] * 4),
    ([1e308, 1e308 * 0.5, -1e308], [1.0, 0.0, 0.0]),
])
def test_softmax_sums_to_one_at_any_magnitude(logits, expected):
    s = [v.data for v in autograd.softmax(logits)]
    assert s == pytest.approx(expected, rel=1e-15, abs=0.0)
    assert abs(math.fsum(s) - 1.0) <= 1e-15


@pytest.mark.parametrize("c", [0.0, 1e16, -1e16, 1e300, -1e308, 1e308])
@pytest.mark.parametrize("n", [2, 3, 10])
def test_cross_entropy_of_equal_logits_is_ln_n_for_any_finite_c(c, n):
    logits = [Value(c) for _ in range(n)]
    loss = cross_entropy(logits, 1)
    assert loss.data == pytest.approx(math.log(n), rel=1e-15)
    loss.backward()
    assert [z.grad for z in logits] == pytest.approx(
        [1 / n - (k == 1) for k in range(n)], rel=1e-14)


# -- 6. sums follow the IEEE policy -------------------------------------------------------

def test_sums_past_the_float_range_are_inf_and_inf_minus_inf_is_nan():
    assert total([1e308, 1e308]).data == math.inf
    assert total([-1e308, -1e308]).data == -math.inf
    assert math.isnan(total([math.inf, -math.inf]).data)
    assert total([1e308, 1e308, -1e308]).data == 1e308  # still correctly rounded
    assert total([0.1] * 10).data == 1.0                 # fsum, not left to right
    assert autograd.dot([1e308, 1e308], [1.0, 1.0]).data == math.inf


def test_mse_over_large_predictions_is_inf_not_an_error():
    assert mse([Value(1e200), Value(1.0)], [0.0, 0.0]).data == math.inf
    assert (Value(1e200) ** 2).data == math.inf
    assert Value(1000.0).exp().data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


# -- 7. .data is always a Python float (NumPy scalars: test_engine_numpy_scalars.py) --------

@pytest.mark.parametrize("number", [True, 2, fractions.Fraction(2, 1)])
def test_assigning_any_real_number_to_data_stores_a_float(number):
    v = Value(1.0)
    v.data = number
    assert type(v.data) is float and v.data == float(number)
    assert v.tanh().data == math.tanh(float(number))


@pytest.mark.parametrize("bad", ["2.0", None, [1.0], 1 + 2j])
def test_data_rejects_what_is_not_a_real_number_naming_it(bad):
    v = Value(1.0)
    with pytest.raises(TypeError, match=f"Value.data.*{type(bad).__name__}"):
        v.data = bad


# -- 8. math.exp(v) and friends raise instead of dropping the graph -------------------------

@pytest.mark.parametrize("fn", [math.exp, math.tanh, math.log, math.sqrt, float, int, round])
def test_conversions_to_a_number_raise_and_point_to_the_method(fn):
    with pytest.raises(TypeError, match=r"v\.exp\(\)"):
        fn(Value(2.0))


# -- 9. backward on a no_grad result raises -------------------------------------------------

def test_backward_on_a_result_made_in_no_grad_raises_like_pytorch():
    w = Value(2.0)
    with no_grad():
        y = w * 3
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="no_grad"):
        list(autograd.backward_steps(y))
    Value(1.0).backward()  # a leaf the user made is fine: ∂x/∂x = 1


# -- 10. clear errors where there were bare or wrong ones -----------------------------------

def test_a_value_too_large_for_a_float_names_itself():
    with pytest.raises(FloatOverflowError, match=r"Value\(\): 1000.* beyond the float range"):
        Value(10 ** 400)


def test_a_negative_base_to_a_nan_power_is_nan():
    assert math.isnan((Value(-2.0) ** math.nan).data)


def test_a_huge_integer_power_of_a_half_is_zero_with_zero_derivative():
    x = Value(0.5)
    y = x ** 10 ** 400
    assert y.data == 0.0 and y._op == f"**{10 ** 400}"
    y.backward()
    assert x.grad == 0.0


def test_hessian_of_sqrt_at_zero_is_an_error_not_zero():
    x = Value(0.0)
    with pytest.raises(DomainError, match="infinite"):
        hessian(x.sqrt(), [x])
    assert hessian(Value(4.0).sqrt(), [Value(4.0)]) == [[0.0]]  # not its input: 0
    y = Value(4.0)
    assert hessian(y.sqrt(), [y])[0][0] == pytest.approx(-1 / (4 * 4.0 ** 1.5), rel=1e-15)


def test_grad_with_create_graph_still_works_away_from_the_kink():
    x = Value(4.0)
    (d,) = grad(x.sqrt(), [x], create_graph=True)
    assert d.data == 0.25
