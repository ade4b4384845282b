"""``fit(..., engine="matrix")`` against ``engine="scalar"``: the same run, step by step.

Every step of a full-batch run is one epoch, so comparing the parameters after
each epoch compares them after each optimizer step; mini-batch runs are compared
epoch by epoch, with the same shuffles.
"""

import os
import subprocess
import sys

import pytest

np = pytest.importorskip("numpy")   # the matrix engine is the optional 'fast' extra

from nn import data, optim, schedules  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.train import EarlyStopping, evaluate, fit, predict  # noqa: E402

RTOL = 1e-12


def trace_run(engine, make_model, make_optimizer, X, y, make_scheduler=None, **settings):
    """(parameters after every epoch, History) of one fit run with ``engine``."""
    model = make_model()
    optimizer = make_optimizer(model.parameters())
    snapshots = []

    def snapshot(epoch, logs, model):
        snapshots.append([p.data for p in model.parameters()])

    history = fit(model, X, y, optimizer=optimizer, callbacks=[snapshot], verbose=False,
                  scheduler=make_scheduler(optimizer) if make_scheduler else None,
                  engine=engine, **settings)
    return np.array(snapshots), history, model, optimizer


def assert_same_run(make_model, make_optimizer, X, y, make_scheduler=None, **settings):
    scalar = trace_run("scalar", make_model, make_optimizer, X, y, make_scheduler, **settings)
    matrix = trace_run("matrix", make_model, make_optimizer, X, y, make_scheduler, **settings)
    assert scalar[0].shape == matrix[0].shape
    for epoch, (s, m) in enumerate(zip(scalar[0], matrix[0])):
        error = np.max(np.abs(s - m))
        assert error <= RTOL * np.max(np.abs(s)), f"epoch {epoch}: parameters differ by {error}"
    for key, values in scalar[1].history.items():
        assert np.allclose(values, matrix[1].history[key], rtol=RTOL, atol=0, equal_nan=True), key
    assert scalar[1].stopped_early == matrix[1].stopped_early
    return scalar, matrix


MOONS = data.moons(48, noise=0.1, seed=0)
SPIRALS = data.spirals(45, seed=1)


def moons_model():
    return MLP(2, [6, 5, 1], ["tanh", "relu", "linear"], init="he_uniform", seed=2)


OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.1),
    "sgd momentum dampening weight_decay": lambda p: optim.SGD(
        p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "sgd nesterov": lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda p: optim.Adam(p, lr=0.01, weight_decay=1e-3),
    "adamw": lambda p: optim.AdamW(p, lr=0.01),
    "rmsprop": lambda p: optim.RMSprop(p, lr=0.01),
    "rmsprop centered momentum": lambda p: optim.RMSprop(p, lr=0.01, centered=True,
                                                         momentum=0.5, weight_decay=1e-3),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01,
                                       initial_accumulator_value=0.1, weight_decay=1e-3),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_takes_the_same_steps(name):
    """Full batch: one step per epoch, compared after each step."""
    assert_same_run(moons_model, OPTIMIZERS[name], *MOONS, loss="bce_with_logits", epochs=8)


def test_mini_batches_schedule_l2_clipping_and_validation():
    assert_same_run(moons_model, OPTIMIZERS["adam"], *MOONS, loss="bce_with_logits",
                    make_scheduler=lambda o: schedules.StepLR(o, step_size=2, gamma=0.5),
                    epochs=5, batch_size=7, seed=3, l2=1e-3, clip_norm=0.5,
                    validation_split=0.25)


@pytest.mark.parametrize("scheduler", [
    lambda o: schedules.LinearLR(o, start_factor=0.5, total_iters=3),
    lambda o: schedules.ExponentialLR(o, gamma=0.8)])
def test_schedules_change_the_matrix_engines_learning_rate(scheduler):
    assert_same_run(moons_model, OPTIMIZERS["sgd nesterov"], *MOONS, loss="bce_with_logits",
                    make_scheduler=scheduler, epochs=4, batch_size=16, seed=5)


def test_multiclass_cross_entropy_with_dropout_draws_the_same_masks():
    def model():
        return MLP(2, [8, 8, 3], ["relu", "softplus", "linear"], seed=6, dropout=0.3)
    scalar, matrix = assert_same_run(model, OPTIMIZERS["adamw"], *SPIRALS, loss="cross_entropy",
                                     epochs=4, batch_size=10, seed=7,
                                     validation_data=data.spirals(12, seed=8))
    assert scalar[2]._dropout._rng.random() == matrix[2]._dropout._rng.random()


@pytest.mark.parametrize("loss, labels, output", [
    ("bce", (0, 1), "sigmoid"), ("mse", (0, 1), "sigmoid"), ("half_mse", (0, 1), "tanh"),
    ("squared_error", (0, 1), "sigmoid"), ("hinge", (-1, 1), "linear")])
def test_two_class_losses_train_alike(loss, labels, output):
    X, y = data.circles(40, seed=9, labels=labels)
    assert_same_run(lambda: MLP(2, [5, 1], ["sigmoid", output], seed=10),
                    OPTIMIZERS["sgd"], X, y, loss=loss, epochs=3, batch_size=9, seed=11)


def test_early_stopping_restores_the_same_best_weights():
    stop = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    scalar, matrix = assert_same_run(moons_model, lambda p: optim.SGD(p, lr=3.0), *MOONS,
                                     loss="bce_with_logits", epochs=12, batch_size=8, seed=12,
                                     validation_split=0.3, early_stopping=stop)
    restored_s = np.array([p.data for p in scalar[2].parameters()])
    restored_m = np.array([p.data for p in matrix[2].parameters()])
    assert np.max(np.abs(restored_s - restored_m)) <= RTOL * np.max(np.abs(restored_s))


def test_a_second_fit_continues_the_optimizers_state_across_engines():
    """Adam's moments and step count carry over: matrix then scalar = scalar then scalar."""
    runs = []
    for first in ("scalar", "matrix"):
        model = moons_model()
        optimizer = optim.Adam(model.parameters(), lr=0.01)
        fit(model, *MOONS, loss="bce_with_logits", optimizer=optimizer, epochs=2,
            batch_size=16, seed=1, verbose=False, engine=first)
        assert optimizer._t == 6
        fit(model, *MOONS, loss="bce_with_logits", optimizer=optimizer, epochs=2,
            batch_size=16, seed=2, verbose=False, engine="scalar")
        runs.append(np.array([p.data for p in model.parameters()]))
    assert np.max(np.abs(runs[0] - runs[1])) <= RTOL * np.max(np.abs(runs[0]))


def test_predict_and_evaluate_agree_between_engines():
    model = MLP(2, [4, 3], seed=13)
    X, y = SPIRALS
    scalar, matrix = predict(model, X), predict(model, X, engine="matrix")
    assert np.allclose(scalar, matrix, rtol=RTOL, atol=0)
    s, m = evaluate(model, X, y, "cross_entropy"), evaluate(model, X, y, "cross_entropy",
                                                            engine="matrix")
    assert s["accuracy"] == m["accuracy"]
    assert m["loss"] == pytest.approx(s["loss"], rel=RTOL)


class MyOptimizer(optim.SGD):
    """A subclass the matrix engine has no formula for."""


@pytest.mark.parametrize("settings, message", [
    ({"engine": "gpu"}, r"engine must be one of 'scalar', 'matrix', got 'gpu'"),
    ({"loss": lambda p, t: p}, r"the loss function .* not supported by the matrix engine"),
    ({"optimizer": "custom"}, r"optimizer MyOptimizer is not supported by the matrix engine"),
    ({"optimizer": "other params"}, r"optimizer over exactly model.parameters\(\)"),
])
def test_what_the_matrix_engine_cannot_do_is_named(settings, message):
    model = moons_model()
    settings = {"engine": "matrix", "loss": "bce_with_logits", **settings}
    if settings.get("optimizer") == "custom":
        settings["optimizer"] = MyOptimizer(model.parameters(), lr=0.1)
    elif settings.get("optimizer") == "other params":
        settings["optimizer"] = optim.SGD(model.parameters()[:3], lr=0.1)
    with pytest.raises(ValueError, match=message):
        fit(model, *MOONS, epochs=1, verbose=False, **settings)


def test_bad_targets_fail_before_training_with_the_sample_named():
    model = moons_model()
    before = [p.data for p in model.parameters()]
    X, y = MOONS
    with pytest.raises(ValueError, match=r"target\[5\] is 2.0; targets must be in \[0, 1\]"):
        fit(model, X, y[:5] + [2] + y[6:], loss="bce_with_logits", epochs=1, verbose=False,
            engine="matrix")
    assert [p.data for p in model.parameters()] == before


def run_python(code):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": repo}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)


def test_nn_and_the_scalar_engine_never_import_numpy():
    result = run_python(
        "import sys, autograd, nn, nn.train, nn.cli.main\n"
        "from nn import data, optim\n"
        "model = nn.MLP(2, [3, 1], seed=0)\n"
        "nn.train.fit(model, *data.moons(20, seed=0), loss='bce_with_logits', epochs=1, "
        "verbose=False)\n"
        "print('numpy' in sys.modules)\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_without_numpy_the_matrix_engine_says_how_to_install_it():
    result = run_python(
        "import sys\n"
        "sys.modules['numpy'] = None   # as if NumPy were not installed\n"
        "import nn, nn.train\n"
        "from nn import data\n"
        "try:\n"
        "    nn.train.fit(nn.MLP(2, [1], seed=0), *data.moons(8, seed=0), epochs=1,\n"
        "                 verbose=False, engine='matrix')\n"
        "except ImportError as e:\n"
        "    print(e)\n")
    assert result.returncode == 0, result.stderr
    assert "needs NumPy" in result.stdout and "pip install 'backproplab[fast]'" in result.stdout


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_an_interrupted_epoch_leaves_the_steps_taken_in_the_model(engine, monkeypatch):
    """Ctrl-C during the third step: the model holds exactly the first two steps."""
    from nn import train

    trainer_class = train._ScalarTrainer if engine == "scalar" else train._MatrixTrainer
    step, batches_seen = trainer_class.step, []

    def interrupted_step(self, indices, check):
        batches_seen.append(indices)
        if len(batches_seen) == 3:
            raise KeyboardInterrupt
        return step(self, indices, check)

    monkeypatch.setattr(trainer_class, "step", interrupted_step)
    interrupted = moons_model()
    warnings_before = np.geterr()
    with pytest.raises(KeyboardInterrupt):
        fit(interrupted, *MOONS, loss="bce_with_logits",
            optimizer=optim.SGD(interrupted.parameters(), lr=0.1), epochs=1, batch_size=8,
            seed=14, verbose=False, engine=engine)
    monkeypatch.undo()
    assert np.geterr() == warnings_before   # the steps' np.errstate ended with them
    # The reference: the same two batches, in order, through the scalar engine.
    X, y = MOONS
    taken = list(batches_seen[0]) + list(batches_seen[1])
    reference = moons_model()
    fit(reference, [X[i] for i in taken], [y[i] for i in taken], loss="bce_with_logits",
        optimizer=optim.SGD(reference.parameters(), lr=0.1), epochs=1, batch_size=8,
        shuffle=False, verbose=False)
    got = np.array([p.data for p in interrupted.parameters()])
    want = np.array([p.data for p in reference.parameters()])
    assert np.max(np.abs(got - want)) <= RTOL * np.max(np.abs(want))
    assert not np.array_equal(got, [p.data for p in moons_model().parameters()])
