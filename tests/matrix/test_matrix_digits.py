"""The digits dataset, its pictures, and the ``backprop`` command's matrix engine."""

import json
import subprocess
import sys

import pytest

from nn import data

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra


def backprop(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


# --- nn.data.digits -------------------------------------------------------------------------

def test_digits_is_scikit_learns_load_digits():
    X, y = data.digits(scale=False)
    assert len(X) == len(y) == data.DIGITS_SAMPLES == 1797
    assert all(len(x) == 64 for x in X)
    assert {v for x in X for v in x} <= set(map(float, range(17)))
    # load_digits().images[0], the first "0" (its top two rows), and targets[:10] = 0 … 9
    assert X[0][:16] == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
    assert y[:10] == list(range(10))
    assert sorted(set(y)) == list(range(10))
    assert min(y.count(c) for c in range(10)) >= 170


def test_digits_scaled_subset_and_errors():
    X_raw, y_raw = data.digits(scale=False)
    X, y = data.digits()
    assert X[5] == [v / 16 for v in X_raw[5]] and y == y_raw
    Xs, ys = data.digits(n=50, seed=1)
    assert len(Xs) == 50 and (Xs, ys) == data.digits(n=50, seed=1)
    assert all(X.index(x) >= 0 and y[X.index(x)] == label for x, label in zip(Xs, ys))
    with pytest.raises(ValueError, match="n must be at most 1797"):
        data.digits(n=2000)
    with pytest.raises(TypeError, match="scale must be True or False"):
        data.digits(scale=1)


# --- pictures -------------------------------------------------------------------------------

def test_confusion_matrix_counts_by_hand():
    from nn.viz.classification import confusion_matrix

    assert confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3) == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    with pytest.raises(ValueError, match="prediction 1 is 3, not a class 0 … 2"):
        confusion_matrix([0, 1], [0, 3], 3)


def test_confusion_and_misclassified_figures(tmp_path):
    pytest.importorskip("matplotlib")
    from nn.viz.classification import plot_confusion_matrix, plot_misclassified

    fig = plot_confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3, title="t")
    assert "accuracy 3/4 = 75.0%" in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[0].texts] == ["1", "1", "1", "1"]
    X, y = data.digits(n=6, seed=0)
    predicted = [y[0], (y[1] + 1) % 10, *y[2:5], (y[5] + 2) % 10]
    fig = plot_misclassified(X, y, predicted)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"{y[1]} → {predicted[1]}", f"{y[5]} → {predicted[5]}"]
    assert "2 of 6 misclassified" in fig._suptitle.get_text()
    fig.savefig(tmp_path / "m.png")
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")
    assert "none of 6" in plot_misclassified(X, y, y)._suptitle.get_text()


# --- backprop train / explain --engine matrix ---------------------------------------------------

def test_train_digits_reaches_95_percent_and_draws_its_errors(tmp_path):
    result = backprop("train", "--dataset", "digits", "--hidden", "32", "--epochs", "25",
                      "--quiet", "--plot-dir", "pictures", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    final = next(line for line in result.stdout.splitlines() if line.startswith("Final:"))
    validation = float(final.split("validation")[1].split("accuracy")[1].strip(" %"))
    assert validation >= 95.0, final
    for name in ("digits_history.png", "digits_confusion.png", "digits_misclassified.png"):
        assert (tmp_path / "pictures" / name).read_bytes().startswith(b"\x89PNG")


def test_train_engine_is_reported_and_both_engines_print_the_same_result(tmp_path):
    args = ("train", "--dataset", "xor", "--samples", "24", "--hidden", "3", "--epochs", "2",
            "--no-plots", "--seed", "4")
    scalar, matrix = backprop(*args, "--engine", "scalar"), backprop(*args)
    assert scalar.returncode == matrix.returncode == 0, scalar.stderr + matrix.stderr
    assert "scalar engine" in scalar.stdout and "matrix engine" in matrix.stdout
    assert scalar.stdout.splitlines()[-1] == matrix.stdout.splitlines()[-1]


def test_train_digits_refuses_noise(tmp_path):
    result = backprop("train", "--dataset", "digits", "--noise", "0.1", "--quiet", cwd=tmp_path)
    assert result.returncode == 2
    assert "--noise applies to the generated datasets, not to 'digits'" in result.stderr


def test_explain_engine_matrix_prints_the_graphs_numbers():
    scalar = backprop("explain", "--steps", "2", "--format", "json")
    matrix = backprop("explain", "--steps", "2", "--format", "json", "--engine", "matrix")
    assert scalar.returncode == matrix.returncode == 0, matrix.stderr
    s, m = json.loads(scalar.stdout), json.loads(matrix.stdout)
    for ds, dm in zip(s, m) if isinstance(s, list) else [(s, m)]:
        assert ds["loss"] == pytest.approx(dm["loss"], rel=1e-12)
        for l, layer in ds["layers"].items():
            for key in ("Z", "A", "dZ", "dW", "db", "W_new", "b_new"):
                assert np.allclose(layer[key], dm["layers"][l][key], rtol=1e-12, atol=0), key


def test_explain_check_grades_with_the_matrix_engine():
    result = backprop("explain", "--check", "seed_2221_hand", "--engine", "matrix")
    reference = backprop("explain", "--check", "seed_2221_hand")
    assert result.returncode == reference.returncode
    assert result.stdout == reference.stdout


def test_engine_matrix_without_numpy_is_one_clear_error(monkeypatch):
    from nn.cli import engine
    from nn.cli.options import CommandError

    monkeypatch.setattr(engine, "numpy_installed", lambda: False)
    with pytest.raises(CommandError, match=r"--engine matrix needs NumPy.*backproplab\[fast\]"):
        engine.chosen_engine("matrix", "scalar")
    assert engine.chosen_engine(None, "scalar") == "scalar"
