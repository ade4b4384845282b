"""``backprop train`` on your own arrays (--data FILE.npz), on a digits subset, and its
memory error (issues 20 and 26)."""

import subprocess
import sys

import pytest

np = pytest.importorskip("numpy")   # --data reads the file with NumPy

from nn import data  # noqa: E402


def backprop(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nn", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def one_error_line(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def final_accuracies(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("Final:"))
    return [float(part.split("accuracy")[1].strip(" %")) for part in line.split(";")]


def digits_images(scale):
    X, y = data.digits(scale=False)
    return (np.array(X) * scale).astype(np.uint8).reshape(-1, 8, 8), np.array(y)


def test_digits_as_a_keras_style_npz_learns_and_draws_its_pictures(tmp_path):
    """Keras' mnist.npz layout: x_train, y_train, x_test, y_test of uint8 images.  The
    digits' 0 … 16 pixels stretched to 0 … 255 stand in for MNIST (no download here)."""
    images, labels = digits_images(15)
    np.savez(tmp_path / "digits.npz", x_train=images[:1500], y_train=labels[:1500],
             x_test=images[1500:], y_test=labels[1500:])
    result = backprop("train", "--data", "digits.npz", "--hidden", "32", "--epochs", "15",
                      "--plot-dir", "pictures", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "MLP 64-32-10" in first and "1500 training + 297 validation samples" in first
    assert "10 classes" in first and "uint8 pixels divided by 255" in first
    assert "validation: the file's x_test, y_test" in first
    train_accuracy, validation_accuracy = final_accuracies(result.stdout)
    assert validation_accuracy >= 90
    for name in ("digits_history.png", "digits_confusion.png", "digits_misclassified.png"):
        assert (tmp_path / "pictures" / name).read_bytes().startswith(b"\x89PNG")


def test_points_in_an_npz_get_a_decision_boundary_and_hinge_labels(tmp_path):
    X, y = data.moons(60, seed=1)
    np.savez(tmp_path / "moons.npz", X=np.array(X), y=np.array(y))
    result = backprop("train", "--data", "moons.npz", "--epochs", "3", "--loss", "hinge",
                      "--quiet", "--plot-dir", ".", "--samples", "40", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "moons_boundary.png").exists()
    assert all(0 <= a <= 100 for a in final_accuracies(result.stdout))


def test_hinge_labels_also_for_the_files_own_test_pair(tmp_path):
    # x_test/y_test become the validation set: their 0/1 labels become −1/+1 as y's do.
    X, y = data.moons(60, seed=1)
    X, y = np.array(X), np.array(y)
    np.savez(tmp_path / "moons.npz", x_train=X[:40], y_train=y[:40], x_test=X[40:],
             y_test=y[40:])
    result = backprop("train", "--data", "moons.npz", "--epochs", "3", "--loss", "hinge",
                      "--quiet", "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(final_accuracies(result.stdout)) == 2   # training and validation


@pytest.mark.parametrize("arrays, fragments", [
    ({"a": np.zeros((3, 2)), "b": np.zeros(3)},
     ["bad.npz has arrays a, b; expected X and y (or x_train and y_train"]),
    ({"X": np.zeros((3, 2)), "y": np.array([0, 1.5, 1])},
     ["bad.npz: y must hold class labels 0, 1, 2, … (integers >= 0); label 1 is 1.5"]),
    ({"X": np.zeros((3, 2)), "y": np.array([0, -1, 1])}, ["label 1 is -1"]),
    ({"X": np.zeros((3, 2)), "y": np.array([0, 0, 0])}, ["only the class 0"]),
    ({"X": np.zeros((3, 2)), "y": np.array([0, 1, 10**6])},
     ["y's labels run up to 1000000 but only 3 different labels appear"]),
    ({"X": np.zeros((3, 2)), "y": np.array([0, 1])},
     ["y must hold one class label per sample (3), got shape (2,)"]),
    ({"X": np.zeros(3), "y": np.array([0, 1, 1])},
     ["X must be an array of samples (rows, or images), got shape (3,)"]),
    ({"X": np.array([["a", "b"]]), "y": np.array([0])}, ["X must hold numbers"]),
    ({"X": np.array([[0.0, np.nan], [1.0, 1.0]]), "y": np.array([0, 1])},
     ["bad.npz: X sample 0 must hold finite numbers: its entry 1 is nan"]),
])
def test_bad_npz_files_are_one_line_naming_the_file(tmp_path, arrays, fragments):
    np.savez(tmp_path / "bad.npz", **arrays)
    one_error_line(backprop("train", "--data", "bad.npz", "--epochs", "1", "--no-plots",
                            "--quiet", "--val-fraction", "0.34", cwd=tmp_path), *fragments)


def test_what_is_not_an_npz_of_plain_arrays_is_refused(tmp_path):
    (tmp_path / "text.npz").write_text("not a zip file")
    one_error_line(backprop("train", "--data", "text.npz", "--no-plots", cwd=tmp_path),
                   "--data text.npz", "not a NumPy .npz file")
    one_error_line(backprop("train", "--data", "missing.npz", "--no-plots", cwd=tmp_path),
                   "--data missing.npz: cannot read missing.npz")
    # An object array needs pickle to load, which could run code: refused.
    np.savez(tmp_path / "objects.npz", X=np.array([[0.0, 1.0]], dtype=object),
             y=np.array([0]))
    one_error_line(backprop("train", "--data", "objects.npz", "--no-plots", cwd=tmp_path),
                   "--data objects.npz", "allow_pickle=False")


def test_a_small_file_claiming_huge_arrays_is_refused_before_loading(tmp_path):
    """A compressed .npz of zeros is a few kilobytes but may claim gigabytes: the
    headers are read first and the file is refused without loading it."""
    import zipfile

    np.savez(tmp_path / "small.npz", X=np.zeros((3, 2)), y=np.array([0, 1, 1]))
    header = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1)))
    header["shape"] = (100_000, 10_000)        # 8 GB of float64, never written
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w") as bomb:
        for name in ("X", "y"):
            with bomb.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array_header_1_0(f, header)
    one_error_line(backprop("train", "--data", "bomb.npz", "--no-plots", cwd=tmp_path),
                   "bomb.npz: its arrays X, y need about", "more than the 2 GiB limit; "
                   "--allow-large goes past it")


@pytest.mark.parametrize("extra, fragment", [
    (["--dataset", "moons"], "--data points.npz and --dataset moons: give one"),
    (["--noise", "0.1"], "--noise applies to the built-in datasets, not to --data"),
    (["--classes", "3"], "--classes applies to the built-in datasets, not to --data"),
])
def test_options_of_the_built_in_datasets_are_refused_with_data(tmp_path, extra, fragment):
    np.savez(tmp_path / "points.npz", X=np.zeros((8, 2)), y=np.array([0, 1] * 4))
    one_error_line(backprop("train", "--data", "points.npz", "--no-plots", *extra,
                            cwd=tmp_path), fragment)


def test_a_digits_subset_missing_some_digits_keeps_ten_classes(tmp_path):
    """Issue 20: --samples 5 draws a few digits only; the class count came from the labels
    present (5) while the labels stayed 0 … 9, and training ended in a traceback."""
    result = backprop("train", "--dataset", "digits", "--samples", "5", "--epochs", "2",
                      "--plot-dir", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "MLP 64-16-16-10" in result.stdout and "10 classes" in result.stdout
    assert (tmp_path / "digits_confusion.png").exists()


@pytest.mark.parametrize("options, culprit", [
    (["--hidden", "1000000000"], "--hidden 1000000000: an MLP 2-1000000000-1"),
    (["--hidden", "100000,100000"], "--hidden 100000,100000: an MLP 2-100000-100000-1"),
    (["--samples", str(10**9)], "--samples 1000000000: an MLP 2-16-16-1 trained on 1000000000"),
    (["--hidden", "1000000000", "--engine", "scalar"], "--hidden 1000000000:"),
])
def test_the_memory_error_names_the_option_that_asks_for_it(tmp_path, options, culprit):
    one_error_line(backprop("train", "--no-plots", *options, cwd=tmp_path), culprit,
                   "of memory, more than the 2 GiB limit; --allow-large goes past it")
