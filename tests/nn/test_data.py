"""Datasets, train/validation split and mini-batches (nn.data)."""

import math
import random

import pytest

from nn import data

TWO_D = [data.moons, data.circles, data.xor, data.spirals, data.blobs]


@pytest.mark.parametrize("make", TWO_D + [data.even_odd])
def test_same_seed_same_data_and_other_seed_other_data(make):
    assert make(n=30, seed=1) == make(n=30, seed=1)
    assert make(n=30, seed=1) != make(n=30, seed=2)


@pytest.mark.parametrize("make", TWO_D)
def test_two_feature_shapes_and_float_rows(make):
    X, y = make(n=37, seed=0)
    assert len(X) == len(y) == 37
    assert all(len(row) == 2 and all(type(v) is float for v in row) for row in X)


@pytest.mark.parametrize("make", [data.moons, data.circles, data.xor])
def test_binary_labels_selectable(make):
    _, y01 = make(n=40, seed=3)
    _, ypm = make(n=40, seed=3, labels=(-1, 1))
    assert set(y01) == {0, 1}
    assert set(ypm) == {-1, 1}
    assert [2 * v - 1 for v in y01] == ypm


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = data.moons(n=50, noise=0.0, seed=0)
    assert y.count(0) == 25 and y.count(1) == 25
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.isclose(math.hypot(a, b), 1.0) and b >= -1e-12
        else:
            assert math.isclose(math.hypot(a - 1.0, b - 0.5), 1.0) and b <= 0.5 + 1e-12


def test_circles_radii_by_label():
    X, y = data.circles(n=40, noise=0.0, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.isclose(math.hypot(a, b), 0.3 if label == 1 else 1.0)


def test_xor_labels_follow_signs_when_noise_free():
    X, y = data.xor(n=200, seed=5)
    assert all(label == (1 if a * b < 0 else 0) for (a, b), label in zip(X, y))
    assert all(-1 <= v <= 1 for row in X for v in row)


def test_spirals_classes_and_balance():
    X, y = data.spirals(n=100, classes=4, seed=0)
    assert sorted(set(y)) == [0, 1, 2, 3]
    assert sorted(y.count(c) for c in range(4)) == [25, 25, 25, 25]
    assert all(math.hypot(a, b) <= 1.0 + 1e-12 for a, b in X)


def test_blobs_explicit_centres_and_features():
    X, y = data.blobs(n=60, noise=0.0, centers=[[0, 0, 0], [5, 5, 5]], seed=0)
    assert set(y) == {0, 1}
    for row, label in zip(X, y):
        assert row == ([0.0] * 3 if label == 0 else [5.0] * 3)
    X, y = data.blobs(n=10, centers=4, features=3, seed=1)
    assert all(len(r) == 3 for r in X) and set(y) == {0, 1, 2, 3}


def test_even_odd_labels_and_range():
    X, y = data.even_odd(n=200, seed=0, low=1, high=6)
    assert all(row[0] in {1.0, 2.0, 3.0, 4.0, 5.0, 6.0} for row in X)
    assert all(label == (1 if int(row[0]) % 2 == 0 else 0) for row, label in zip(X, y))
    Xn, yn = data.even_odd(n=200, seed=0, noise=1.0)
    assert all(label == (0 if int(row[0]) % 2 == 0 else 1) for row, label in zip(Xn, yn))


def test_train_val_split_partitions_the_samples():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    (Xt, yt), (Xv, yv) = data.train_val_split(X, y, val_fraction=0.3, seed=0)
    assert len(Xv) == 3 and len(Xt) == 7
    assert sorted(yt + yv) == y
    assert all(row == [float(label)] for row, label in zip(Xt + Xv, yt + yv))
    assert data.train_val_split(X, y, 0.3, seed=0) == ((Xt, yt), (Xv, yv))


def test_batches_cover_every_sample_once_per_epoch():
    X = [[float(i)] for i in range(23)]
    y = list(range(23))
    rng = random.Random(0)
    orders = []
    for _ in range(3):
        epoch = list(data.batches(X, y, 5, seed=rng))
        assert [len(b[1]) for b in epoch] == [5, 5, 5, 5, 3]
        seen = [label for _, yb in epoch for label in yb]
        assert sorted(seen) == y
        assert all(xr == [float(v)] for xb, yb in epoch for xr, v in zip(xb, yb))
        orders.append(seen)
    assert orders[0] != orders[1]  # shuffled afresh each epoch


def test_batches_unshuffled_and_drop_last():
    X = [[float(i)] for i in range(7)]
    y = list(range(7))
    assert [yb for _, yb in data.batches(X, y, 3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [yb for _, yb in data.batches(X, y, 3, shuffle=False, drop_last=True)] == [
        [0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize("call, error, message", [
    (lambda: data.moons(n=0), ValueError, "moons(): n must be >= 1, got 0"),
    (lambda: data.circles(n=-3), ValueError, "circles(): n must be >= 1, got -3"),
    (lambda: data.xor(n=2.5), TypeError, "xor(): n must be an integer, got float 2.5"),
    (lambda: data.spirals(classes=1), ValueError, "spirals(): classes must be >= 2, got 1"),
    (lambda: data.moons(noise=-0.1), ValueError, "moons(): noise must be a finite number >= 0"),
    (lambda: data.moons(labels=(1, 1)), ValueError, "labels must be two different numbers"),
    (lambda: data.moons(labels=(0,)), ValueError, "labels must be a pair of numbers"),
    (lambda: data.circles(factor=1.5), ValueError, "factor (inner radius / outer radius)"),
    (lambda: data.even_odd(low=5, high=2), ValueError, "low must be <= high, got low=5"),
    (lambda: data.even_odd(noise=2), ValueError, "probability of flipping a label"),
    (lambda: data.blobs(centers=[[0, 0], [1]]), ValueError, "points of one dimension"),
    (lambda: data.moons(seed="a"), TypeError, "seed must be an int, None or a random.Random"),
    (lambda: data.train_val_split([[1]] * 4, [0] * 4, 1.0), ValueError,
     "val_fraction must be strictly between 0 and 1, got 1.0"),
    (lambda: data.train_val_split([[1]] * 4, [0] * 4, 0), ValueError,
     "val_fraction must be strictly between 0 and 1, got 0"),
    (lambda: data.train_val_split([[1]], [0], 0.5), ValueError, "need at least 2 samples"),
    (lambda: data.train_val_split([[1]] * 3, [0] * 2), ValueError,
     "X and y must have the same length, got 3 samples and 2 labels"),
    (lambda: data.batches([[1]] * 4, [0] * 4, 0), ValueError,
     "batches(): batch_size must be >= 1, got 0"),
    (lambda: data.batches([], [], 2), ValueError, "batches(): X and y are empty"),
])
def test_bad_arguments_say_what_is_wrong(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# -- settings that used to be accepted and trained on something else --------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: data.blobs(200, centers=500), r"blobs\(\): centers=500 needs at least one sample "
                                           r"per class, but n=200"),
    (lambda: data.blobs(2, centers=[[0, 0], [1, 1], [2, 2]]), r"centers=3 needs at least one"),
    (lambda: data.spirals(10, classes=11), r"spirals\(\): classes=11 needs at least one sample"),
    (lambda: data.blobs(box=(0, math.inf)), r"box must be a pair of finite numbers \(low, high\) "
                                            r"with low <= high, got \(0, inf\)"),
    (lambda: data.blobs(box=(math.nan, 1)), "box must be a pair of finite numbers"),
    (lambda: data.blobs(box=(1, 0)), "with low <= high, got \\(1, 0\\)"),
    (lambda: data.blobs(box=5), "box must be a pair"),
    (lambda: data.blobs(centers=[[0, math.inf]]), "centers must be finite numbers"),
])
def test_class_counts_and_boxes_are_checked(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_one_sample_per_class_is_enough():
    X, y = data.spirals(3, classes=3, seed=0)
    assert sorted(y) == [0, 1, 2]
    X, y = data.blobs(4, centers=4, seed=0)
    assert sorted(y) == [0, 1, 2, 3]
