"""fit(), History, EarlyStopping, callbacks, predict/evaluate/accuracy (nn.train)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.data import moons, xor
from nn.divergence import all_finite, first_non_finite
from nn.explain import explain_step
from nn.layers import MLP
from nn.losses import get_loss
from nn.optim import SGD
from nn.schedules import LinearLR
from nn.train import (DEFAULT_LR, EarlyStopping, History, TrainingDiverged, accuracy, evaluate,
                      fit, predict)


def test_micrograd_demo_reaches_full_training_accuracy():
    # micrograd's demo.ipynb: MLP 2-16-16-1 (ReLU, linear output), 100 moons with y = ±1,
    # hinge loss + 1e-4·Σp², 100 full-batch SGD steps with lr = 1.0 − 0.9·k/100.
    X, y = moons(100, noise=0.1, seed=1, labels=(-1, 1))
    model = MLP(2, [16, 16, 1], seed=1337)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    history = fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=100, l2=1e-4,
                  scheduler=schedule, verbose=False)
    assert len(history) == 100 and history.epochs == list(range(100))
    assert history.history["accuracy"][-1] == 1.0
    assert accuracy(model, X, y, loss="hinge") == 1.0
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert math.isclose(optimizer.lr, 0.1)


def test_one_full_batch_epoch_is_one_gradient_descent_step():
    model = MLP.from_weights([[[0.1, 0.2], [0.3, 0.4]], [[0.9, 1.0]]], [[0.05, 0.05], [0.15]],
                             ["tanh", "sigmoid"])
    X, y = [[0.5, 1.0], [-1.0, 0.3], [0.2, -0.7]], [1, 0, 1]
    step = explain_step(model, X, y, loss="bce", lr=DEFAULT_LR)
    history = fit(model, X, y, loss="bce", epochs=1, shuffle=False, verbose=False)
    assert history.history["loss"] == [pytest.approx(step.loss, rel=1e-12)]
    for W, b, layer in zip(model.weights(), model.biases(), step.layers):
        for row, expected in zip(W, layer.W_new):
            assert row == pytest.approx(expected, rel=1e-12)
        assert b == pytest.approx(layer.b_new, rel=1e-12)


def test_l2_term_is_part_of_the_reported_loss():
    model = MLP(2, [3, 1], seed=0)
    X, y = xor(8, seed=0, labels=(-1, 1))
    params = [p.data for p in model.parameters()]
    data_loss = get_loss("hinge")([model(x) for x in X], y).data
    history = fit(model, X, y, loss="hinge", epochs=1, l2=0.01, verbose=False)
    assert history.history["loss"][0] == pytest.approx(
        data_loss + 0.01 * sum(p * p for p in params), rel=1e-12)


def test_history_keys_and_validation():
    X, y = moons(40, seed=2)
    Xv, yv = moons(10, seed=3)
    model = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0)
    h = fit(model, X, y, loss="bce", epochs=3, batch_size=8, validation_data=(Xv, yv),
            verbose=False)
    assert isinstance(h, History)
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in h.history.values())
    assert h.history["val_loss"][-1] == pytest.approx(evaluate(model, Xv, yv, "bce")["loss"])
    assert h.history["val_accuracy"][-1] == accuracy(model, Xv, yv, "bce")
    assert all(0.0 <= a <= 1.0 for a in h.history["accuracy"])
    h = fit(model, X, y, loss="bce", epochs=2, verbose=False)
    assert h.history["val_loss"] == [] and len(h.history["loss"]) == 2


def test_batches_and_validation_split_sizes():
    seen = []

    def recording_mse(predictions, targets):
        seen.append(len(predictions))
        return get_loss("mse")(predictions, targets)

    X = [[float(i)] for i in range(20)]
    y = [0.5 * i for i in range(20)]
    model = MLP(1, [1], activations=["linear"], seed=0)
    opt = SGD(model.parameters(), lr=1e-3)
    h = fit(model, X, y, loss=recording_mse, optimizer=opt, epochs=2, batch_size=6,
            validation_split=0.25, verbose=False)
    # 15 training samples -> batches of 6, 6, 3; then 5 validation samples, per epoch.
    assert seen == [6, 6, 3, 5, 6, 6, 3, 5]
    assert all(math.isnan(a) for a in h.history["accuracy"])   # regression: no accuracy


def test_gradient_clipping_bounds_the_norm_seen_by_the_optimizer():
    norms = []

    class Spy(SGD):
        def step(self):
            norms.append(math.sqrt(sum(p.grad ** 2 for p in self.params)))
            super().step()

    model = MLP(2, [8, 1], seed=0)
    X, y = moons(20, seed=0, labels=(-1, 1))
    X = [[100 * a, 100 * b] for a, b in X]       # large inputs, large gradients
    fit(model, X, y, optimizer=Spy(model.parameters(), lr=1e-4), epochs=3, clip_norm=0.5,
        verbose=False)
    assert len(norms) == 3 and all(n <= 0.5 + 1e-9 for n in norms)


def test_callbacks_stop_training_and_see_the_logs():
    calls = []

    class Recorder:
        def on_train_begin(self, model):
            calls.append("begin")

        def on_epoch_end(self, epoch, logs, model):
            calls.append((epoch, sorted(logs)))
            return epoch == 2

        def on_train_end(self, history, model):
            calls.append(("end", len(history)))

    seen = []
    model = MLP(2, [3, 1], seed=0)
    X, y = xor(12, seed=1, labels=(-1, 1))
    h = fit(model, X, y, epochs=10, callbacks=[Recorder(), lambda e, logs, m: seen.append(e)],
            verbose=False)
    assert len(h) == 3 and h.stopped_early
    assert calls == ["begin"] + [(e, ["accuracy", "loss"]) for e in range(3)] + [("end", 3)]
    assert seen == [0, 1, 2]


def test_live_takes_any_callback_a_function_too():
    # fit(live=...) accepts what callbacks= accepts: a view of one's own, even a function.
    seen = []
    model = MLP(2, [3, 1], seed=0)
    X, y = xor(12, seed=1, labels=(-1, 1))
    fit(model, X, y, epochs=3, live=lambda e, logs, m: seen.append(e), verbose=False)
    assert seen == [0, 1, 2]
    with pytest.raises(TypeError, match="live must be True, False or a callback"):
        fit(model, X, y, epochs=1, live=42, verbose=False)


def test_early_stopping_keras_semantics():
    stop = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.05)
    values = [1.0, 0.9, 0.87, 0.86]
    # 0.9 improves on 1.0 by 0.1 > 0.05; 0.87 and 0.86 do not beat 0.9 − 0.05 -> stop at 3.
    decisions = [stop.on_epoch_end(e, {"val_loss": v}, None) for e, v in enumerate(values)]
    assert decisions == [False, False, False, True]
    assert (stop.best, stop.best_epoch, stop.stopped_epoch) == (0.9, 1, 3)
    up = EarlyStopping(monitor="accuracy", patience=0)
    assert up.mode == "max"
    assert [up.on_epoch_end(e, {"accuracy": a}, None) for e, a in
            enumerate([0.5, 0.6, 0.6])] == [False, False, True]


def test_early_stopping_restores_the_best_weights():
    X, y = moons(30, seed=4)
    Xv, yv = X[:10], [1 - t for t in y[:10]]     # flipped labels: val loss rises as it learns
    model = MLP(2, [6, 1], activations=["tanh", "sigmoid"], seed=2)
    snapshots = []
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.5), epochs=50,
            validation_data=(Xv, yv), early_stopping=stop,
            callbacks=[lambda e, logs, m: snapshots.append([p.data for p in m.parameters()])],
            verbose=False)
    assert h.stopped_early and stop.stopped_epoch == stop.best_epoch + 2
    assert len(h) == stop.stopped_epoch + 1
    val = h.history["val_loss"]
    assert stop.best == min(val) == val[stop.best_epoch]
    assert [p.data for p in model.parameters()] == snapshots[stop.best_epoch]
    assert [p.data for p in model.parameters()] != snapshots[-1]


def test_accuracy_rules_follow_the_loss():
    identity = MLP.from_weights([[[1.0]]], [[0.0]], ["linear"])     # prediction = x
    X = [[-2.0], [-0.2], [0.3], [0.7]]
    assert accuracy(identity, X, [-1, -1, 1, 1], "hinge") == 1.0
    assert accuracy(identity, X, [-1, 1, 1, 1], "hinge") == 0.75
    assert accuracy(identity, X, [0, 0, 1, 1], "bce_with_logits") == 1.0   # logit > 0
    assert accuracy(identity, X, [0, 0, 0, 1], "mse") == 1.0               # threshold 0.5
    assert math.isnan(accuracy(identity, X, [0.1, 2.5, 3.0, -1.0], "mse"))
    sig = MLP.from_weights([[[1.0]]], [[0.0]], ["sigmoid"])              # σ(x) vs 0.5
    assert accuracy(sig, X, [0, 0, 1, 1], "bce") == 1.0
    assert accuracy(sig, X, [1, 1, 1, 1], "squared_error") == 0.5
    three = MLP.from_weights([[[1.0], [0.0], [-1.0]]], [[0.0, 0.5, 0.0]], ["linear"])
    X3 = [[2.0], [0.1], [-3.0]]                                   # argmax: 0, 1, 2
    assert accuracy(three, X3, [0, 1, 2], "cross_entropy") == 1.0
    assert accuracy(three, X3, [[1, 0, 0], [0, 1, 0], [1, 0, 0]], "mse") == pytest.approx(2 / 3)


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_the_accuracy_rule_is_decided_once_and_stated_in_the_history(engine):
    """Issue 20: a model predicting 0.3 everywhere, trained on labels 0/1 with a squared
    error on a linear output, scored 0.5 on [0, 1, 0, 1] by the threshold rule but 1.0 on a
    validation set [1, 1, 1, 1] by the sign rule, inferred anew from those labels.  One
    rule now scores both: 0.3 < 0.5 is class 0, wrong on every 1."""
    if engine == "matrix":
        pytest.importorskip("numpy")
    model = MLP.from_weights([[[0.0]]], [[0.3]], ["linear"])      # ŷ = 0.3 for any x
    X = [[1.0], [2.0], [3.0], [4.0]]
    history = fit(model, X, [0, 1, 0, 1], loss="mse", optimizer=SGD(model.parameters(),
                                                                     lr=1e-12),
                  epochs=1, validation_data=(X, [1, 1, 1, 1]), verbose=False, engine=engine)
    assert history.history["accuracy"] == [0.5]
    assert history.history["val_accuracy"] == [0.0]
    rule = history.accuracy_rule
    assert rule.name == "threshold"
    assert "ŷ > 0.5" in str(rule) and "training labels 0/1" in str(rule)
    assert "accuracy by threshold" in repr(history)
    # evaluate() scores alike when given the history's rule; alone it decides from its labels
    scored = evaluate(model, X, [1, 1, 1, 1], loss="mse", engine=engine, accuracy_rule=rule)
    assert scored["accuracy"] == 0.0
    assert evaluate(model, X, [1, 1, 1, 1], loss="mse", engine=engine,
                    accuracy_rule="threshold")["accuracy"] == 0.0


def test_the_rule_comes_from_the_loss_and_the_output_layer_before_the_labels():
    sigmoid = MLP.from_weights([[[1.0]]], [[0.0]], ["sigmoid"])
    linear = MLP.from_weights([[[1.0]]], [[0.0]], ["linear"])
    softmax = MLP(1, [3], ["softmax"], seed=0)
    assert fit(linear, [[1.0]], [1], loss="hinge", epochs=1,
               verbose=False).accuracy_rule.name == "sign"
    assert fit(sigmoid, [[1.0]], [1], loss="mse", epochs=1,     # a probability: threshold
               verbose=False).accuracy_rule.name == "threshold"
    assert fit(softmax, [[1.0]], [[0, 1, 0]], loss="mse", epochs=1,
               verbose=False).accuracy_rule.name == "argmax"
    assert fit(linear, [[1.0], [2.0]], [0.5, 2.5], loss="mse", epochs=1,
               verbose=False).accuracy_rule is None        # regression: no rule, NaN
    with pytest.raises(ValueError, match="accuracy_rule must be an AccuracyRule .* got 'sigh'"):
        evaluate(linear, [[1.0]], [1], loss="mse", accuracy_rule="sigh")


def test_predict_and_evaluate_use_eval_mode_and_restore_it():
    model = MLP(2, [8, 1], seed=0, dropout=0.5)
    X = [[0.3, -0.4], [1.0, 2.0]]
    assert model.training
    first, second = predict(model, X), predict(model, X)
    assert first == second and all(isinstance(v, float) for v in first)   # no dropout
    assert model.training
    multi = MLP(2, [3], activations=["linear"], seed=0)
    out = predict(multi, X)
    assert len(out) == 2 and all(len(row) == 3 for row in out)


def test_progress_bar_shows_the_loss(capsys):
    X, y = xor(8, seed=0, labels=(-1, 1))
    fit(MLP(2, [3, 1], seed=0), X, y, epochs=2, verbose=True)
    err = capsys.readouterr().err
    assert "fit" in err and "loss=" in err and "accuracy=" in err
    fit(MLP(2, [3, 1], seed=0), X, y, epochs=2, verbose=False)
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def small():
    return MLP(2, [2, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]], [1, -1]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"epochs": 0}, ValueError, "fit(): epochs must be an integer >= 1, got 0"),
    ({"batch_size": 0}, ValueError, "fit(): batch_size must be an integer >= 1 or None, got 0"),
    ({"l2": -1.0}, ValueError, "fit(): l2 must be a number >= 0, got -1.0"),
    ({"clip_norm": 0}, ValueError, "fit(): clip_norm must be a number > 0 or None, got 0"),
    ({"validation_split": 0.5, "validation_data": ([[0.0, 0.0]], [1])}, ValueError,
     "give validation_data or validation_split, not both"),
    ({"validation_data": ([[0.0, 0.0]],)}, ValueError, "validation_data must be a pair"),
    ({"validation_data": ([[0.0, 0.0, 1.0]], [1])}, ValueError,
     "fit(): validation sample 0 must be a list of 2 numbers (the model has 2 inputs)"),
    ({"validation_split": 1.5}, ValueError, "val_fraction must be strictly between 0 and 1"),
    ({"early_stopping": EarlyStopping()}, ValueError,
     "monitors 'val_loss' but there is no validation data"),
    ({"callbacks": [object()]}, TypeError, "has none of on_train_begin, on_epoch_end"),
    ({"callbacks": 5}, TypeError, "fit(): callbacks must be a callback (an object with "
                                  "on_train_begin, on_epoch_end or on_train_end, or a function) "
                                  "or a list of them, got int 5"),
    ({"loss": "l1"}, ValueError, "unknown loss 'l1'"),
])
def test_bad_fit_arguments(small, kwargs, error, message):
    model, X, y = small
    with pytest.raises(error) as info:
        fit(model, X, y, verbose=False, **kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize("X, y, message", [
    ([[0.0, 1.0]], [1, -1], "fit(): training X has 1 samples but y has 2 targets"),
    ([], [], "fit(): training data is empty"),
    ([[0.0, 1.0], [1.0]], [1, -1], "fit(): training sample 1 must be a list of 2 numbers"),
    ([[0.0, 1.0], [math.nan, 0.0]], [1, -1],
     "fit(): training sample 1 must hold finite numbers, got [nan, 0.0]"),
    ([[0.0, 10**400], [1.0, 0.0]], [1, -1], "fit(): training sample 0 must hold finite numbers"),
])
def test_bad_training_data(small, X, y, message):
    with pytest.raises(ValueError) as info:
        fit(small[0], X, y, verbose=False)
    assert message in str(info.value)


@pytest.mark.parametrize("kwargs, message", [
    ({"monitor": "val_acc"}, "monitor must be one of loss, accuracy, val_loss, val_accuracy"),
    ({"patience": -1}, "patience must be an integer >= 0, got -1"),
    ({"mode": "up"}, "mode must be 'auto', 'min' or 'max', got 'up'"),
    ({"min_delta": math.nan}, "min_delta must be a finite number, got nan"),
    ({"min_delta": math.inf}, "min_delta must be a finite number, got inf"),
])
def test_bad_early_stopping(kwargs, message):
    with pytest.raises(ValueError) as info:
        EarlyStopping(**kwargs)
    assert message in str(info.value)


# -- a diverged run stops at the step where the numbers stopped being finite -----------------

@pytest.mark.parametrize("loss, output", [("bce", "sigmoid"), ("hinge", "linear"),
                                          ("mse", "sigmoid"), ("bce_with_logits", "linear")])
def test_a_diverging_run_names_the_step_and_suggests_a_smaller_learning_rate(loss, output):
    X, y = xor(40, seed=1, labels=(-1, 1) if loss == "hinge" else (0, 1))
    model = MLP(2, [8, 1], ["relu", output], seed=0)
    seen = []
    with pytest.raises(TrainingDiverged) as info:
        # seed 5's shuffles overflow every loss (with some others a sigmoid output
        # saturates at finite weights first, which is no divergence)
        fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=1e300), epochs=20,
            batch_size=8, seed=5, verbose=False, callbacks=lambda e, logs, m: seen.append(e))
    message = str(info.value)
    k = info.value.step
    assert f"at step {k} (epoch {(k - 1) // 5 + 1}); try a smaller learning rate " \
           f"(it was 1e+300)" in message
    assert message.startswith(("the prediction became", "the loss became",
                               "the parameters became"))
    assert k >= 1 and len(info.value.history) == len(seen) == (k - 1) // 5
    # Nothing non-finite was recorded as a result before the error.
    assert all(math.isfinite(v) for v in info.value.history.history["loss"])


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_a_loss_that_is_inf_before_any_update_does_not_blame_the_learning_rate(engine):
    # l2 = 1e308 with Σp² = 6 makes the very first loss inf: no step has been taken, so
    # "try a smaller learning rate" would send the user the wrong way.
    model = MLP.from_weights([[[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0]]], activations=["relu", "sigmoid"])
    X, y = [[1.0, 0.5], [0.0, 1.0]], [1, 0]
    with pytest.raises(TrainingDiverged) as info:
        fit(model, X, y, loss="bce", l2=1e308, epochs=2, verbose=False, engine=engine)
    message = str(info.value)
    assert message.startswith("the loss became inf at step 1 (epoch 1); before any update")
    assert "regularization strength (l2)" in message and "smaller learning rate" not in message


def test_a_nan_weight_behind_a_relu_is_still_caught():
    # relu(nan) may read 0 and the output stay finite: the parameters are checked too.
    model = MLP(2, [2, 1], ["relu", "linear"], seed=0)
    X, y = [[1.0, 1.0], [0.0, 1.0]], [1, 0]

    class Poison(SGD):
        def step(self):
            super().step()
            model.layers[0].neurons[0].w[0].data = math.nan

    with pytest.raises(TrainingDiverged, match=r"the parameters became nan at step 1 \(epoch 1\)"):
        fit(model, X, y, loss="bce_with_logits", optimizer=Poison(model.parameters(), lr=0.1),
            epochs=3, verbose=False)


@pytest.mark.parametrize("loss, output", [("bce", "sigmoid"), ("hinge", "linear")])
def test_a_diverged_models_accuracy_is_not_a_number(loss, output):
    model = MLP(2, [2, 1], ["relu", output], seed=0)
    for p in model.parameters():
        p.data = math.nan
    X, y = [[1.0, 0.5], [0.0, 1.0]], [1, 0] if loss == "bce" else [1, -1]
    result = evaluate(model, X, y, loss=loss)
    assert math.isnan(result["loss"]) and math.isnan(result["accuracy"])
    assert math.isnan(accuracy(model, X, y, loss=loss))


_ROW_ENTRIES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-2, 2),
    st.sampled_from([10**400, -10**400, True, "1.0", None, [0.5, math.nan], [1.0]]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ROW_ENTRIES, max_size=6))
def test_all_finite_agrees_with_first_non_finite_on_any_row(row):
    # fit() checks every data row with the C-speed all_finite; it must answer exactly as
    # the element-by-element first_non_finite that names the culprit in the message.
    assert all_finite(row) == (first_non_finite(row) is None)
