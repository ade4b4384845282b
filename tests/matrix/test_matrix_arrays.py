"""fit, predict and evaluate on NumPy arrays: exactly the numbers lists give, no copy of a
float64 X, one check per call, errors that name the sample (issue 26)."""

import random
import tracemalloc

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nn import data, optim  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.matrix import data as matrix_data  # noqa: E402
from nn.matrix import trainer as matrix_trainer  # noqa: E402
from nn.train import evaluate, fit, predict  # noqa: E402

DIGITS = data.digits(n=300, seed=0)


def digits_model():
    return MLP(64, [12, 10], ["relu", "linear"], init="he_uniform", seed=1)


def run(engine, X, y, **settings):
    model = digits_model()
    history = fit(model, X, y, loss="cross_entropy",
                  optimizer=optim.Adam(model.parameters(), lr=0.01), epochs=3, batch_size=32,
                  seed=2, verbose=False, engine=engine, **settings)
    return [p.data for p in model.parameters()], history.history, model


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
@pytest.mark.parametrize("settings", [{}, {"validation_split": 0.25}])
def test_arrays_give_exactly_the_numbers_lists_give(engine, settings):
    X, y = DIGITS
    from_lists = run(engine, X, y, **settings)
    from_arrays = run(engine, np.array(X), np.array(y), **settings)
    assert from_arrays[0] == from_lists[0]
    assert from_arrays[1] == from_lists[1]
    model = from_lists[2]
    assert predict(model, np.array(X), engine=engine) == predict(model, X, engine=engine)
    assert (evaluate(model, np.array(X), np.array(y), "cross_entropy", engine=engine)
            == evaluate(model, X, y, "cross_entropy", engine=engine))


def test_validation_split_of_an_array_matches_the_scalar_engine_on_lists():
    X, y = DIGITS
    scalar = run("scalar", X, y, validation_split=0.2)
    matrix = run("matrix", np.array(X), np.array(y), validation_split=0.2)
    assert np.allclose(matrix[0], scalar[0], rtol=1e-12, atol=1e-15)
    for key, values in scalar[1].items():
        assert np.allclose(matrix[1][key], values, rtol=1e-12, atol=0), key


def test_other_dtypes_and_layouts_train_alike():
    """uint8 pixels, float32, a Fortran-ordered array and integer labels as floats: each
    is one float64 copy of the same numbers."""
    X, y = data.digits(n=200, seed=3, scale=False)
    X64 = np.array(X)
    reference = run("matrix", X64, np.array(y))
    for variant in (X64.astype(np.uint8), X64.astype(np.float32), np.asfortranarray(X64)):
        assert run("matrix", variant, np.array(y))[0] == reference[0]
    assert run("matrix", X64, np.array(y, dtype=float))[0] == reference[0]


def traced_peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_float64_array_is_not_copied_and_another_dtype_is_copied_once():
    """NumPy reports its allocations to tracemalloc: fit's peak on a 20,000 × 100 float64
    array (16 MB) stays far below the array's size; on uint8 pixels it is about one
    float64 copy."""
    rng = np.random.default_rng(0)
    X, y = rng.random((20_000, 100)), rng.integers(0, 10, 20_000)
    model = MLP(100, [16, 10], ["relu", "linear"], seed=0)
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    def one_epoch(X):
        return lambda: fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=1,
                           batch_size=128, seed=0, verbose=False, engine="matrix")

    one_epoch(X)()   # imports and first-call caches are not what is measured
    assert traced_peak(one_epoch(X)) < 0.25 * X.nbytes
    pixels = rng.integers(0, 256, X.shape, dtype=np.uint8)
    assert traced_peak(one_epoch(pixels)) < 1.25 * X.nbytes


def test_evaluation_in_chunks_is_the_evaluation_of_the_whole(monkeypatch):
    X, y = DIGITS
    model = digits_model()
    whole = evaluate(model, X, y, "cross_entropy", engine="matrix")
    outputs = predict(model, X, engine="matrix")
    monkeypatch.setattr(matrix_trainer, "EVALUATION_CHUNK", 7)
    chunked = evaluate(model, X, y, "cross_entropy", engine="matrix")
    assert chunked["accuracy"] == whole["accuracy"]
    assert chunked["loss"] == pytest.approx(whole["loss"], rel=1e-14)
    # a product over 7 columns may round its last bit unlike one over 300 (BLAS blocking)
    assert np.allclose(predict(model, X, engine="matrix"), outputs, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
@pytest.mark.parametrize("X, y, error, message", [
    (np.zeros((4, 3)), [0, 1, 0, 1], ValueError,
     r"fit\(\): training X must be a 2-D array of shape \(samples, 2\) \(the model has 2 "
     r"inputs\), got shape \(4, 3\)"),
    (np.zeros(4), [0, 1, 0, 1], ValueError, r"must be a 2-D array .* got shape \(4,\)"),
    (np.zeros((4, 2, 1)), [0, 1, 0, 1], ValueError, r"got shape \(4, 2, 1\)"),
    (np.array([[0.0, 1.0], [2.0, np.nan], [0.0, 0.0]]), [0, 1, 0], ValueError,
     r"fit\(\): training sample 1 must hold finite numbers: its entry 1 is nan"),
    (np.array([[0.0, 1.0], [np.inf, 0.0]]), [0, 1], ValueError,
     r"sample 1 must hold finite numbers: its entry 0 is inf"),
    (np.array([["a", "b"]]), [0], TypeError, r"X must hold numbers, got an array of dtype <U1"),
    (np.array([[1j, 0]]), [0], TypeError, r"X must hold numbers, got an array of dtype complex"),
    (np.zeros((3, 2)), np.array([0, 1]), ValueError, r"X has 3 samples but y has 2 targets"),
    (np.zeros((0, 2)), np.array([]), ValueError, r"fit\(\): training data is empty"),
    (np.zeros((2, 2)), np.zeros((2, 1, 1)), ValueError, r"y must be a 1-D array of targets"),
])
def test_bad_arrays_are_named(engine, X, y, error, message):
    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(error, match=message):
        fit(model, X, y, loss="bce_with_logits", epochs=1, verbose=False, engine=engine)
    assert [p.data for p in model.parameters()] == before


def test_a_list_the_matrix_engine_cannot_read_is_named_as_the_scalar_engine_names_it():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"training sample 1 must be a list of 2 numbers"):
        fit(model, [[0.0, 1.0], [1.0]], [0, 1], loss="bce_with_logits", epochs=1,
            verbose=False, engine="matrix")
    with pytest.raises(ValueError, match=r"sample 0 must hold finite numbers"):
        fit(model, [[0.0, 10**400], [1.0, 0.0]], [0, 1], loss="bce_with_logits", epochs=1,
            verbose=False, engine="matrix")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.integers(0, 2**32))
def test_numpy_draws_the_same_epoch_order_as_python(n, seed):
    python = data.epoch_order(n, True, random.Random(seed))
    array = matrix_data.epoch_order(n, True, random.Random(seed))
    assert array.tolist() == python
    assert sorted(python) == list(range(n))


def test_batches_and_train_val_split_take_arrays():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    order = data.epoch_order(10, True, random.Random(4))
    got = list(data.batches(X, y, 4, seed=4))
    assert [b[1].tolist() for b in got] == [order[:4], order[4:8], order[8:]]
    (X_train, y_train), (X_val, y_val) = data.train_val_split(X, y, 0.3, seed=5)
    split = list(range(10))
    random.Random(5).shuffle(split)    # the split is Python's shuffle, as it always was
    assert y_train.tolist() == split[:7] and y_val.tolist() == split[7:]
    assert (X_val == X[split[7:]]).all()
    lists = data.train_val_split(X.tolist(), y.tolist(), 0.3, seed=5)
    assert lists[1][1] == y_val.tolist()
