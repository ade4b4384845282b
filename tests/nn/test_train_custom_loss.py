"""A loss function of one's own for ``fit`` and ``evaluate``: the documented form works, and a
guess at another form stops at its first call with one line naming the expected form."""

import pytest

from autograd import Value
from nn import MLP
from nn.train import LOSS_CONTRACT, evaluate, fit, predict

X = [[0.1, 0.2], [0.3, -0.1], [0.5, 0.5]]
Y = [1.0, 0.0, 1.0]


def model():
    return MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=0)


def mean_abs_error(predictions, targets):   # the docstring's example, as written there
    return sum(abs(p - t) for p, t in zip(predictions, targets)) / len(predictions)


def test_the_documented_form_trains_and_evaluates():
    net = model()
    before = predict(net, X)
    expected = sum(abs(p - t) for p, t in zip(before, Y)) / len(Y)
    assert evaluate(net, X, Y, loss=mean_abs_error)["loss"] == pytest.approx(expected, rel=1e-12)
    # One full-batch epoch: its loss is the loss before the step.
    history = fit(net, X, Y, loss=mean_abs_error, epochs=1, verbose=False)
    assert history.history["loss"] == [pytest.approx(expected, rel=1e-12)]
    assert evaluate(net, X, Y, loss=mean_abs_error)["loss"] < expected


def test_several_outputs_give_each_sample_a_list_of_values():
    net = MLP(2, [3, 2], activations=["tanh", "linear"], seed=1)
    seen = []

    def squared(predictions, targets):
        seen.append((len(predictions), [len(p) for p in predictions], targets))
        return sum((p - t) ** 2 for ps, ts in zip(predictions, targets)
                   for p, t in zip(ps, ts)) / len(predictions)

    fit(net, X, [[1, 0], [0, 1], [0.5, 0.5]], loss=squared, epochs=1, batch_size=2,
        shuffle=False, verbose=False)
    assert seen == [(2, [2, 2], [[1, 0], [0, 1]]), (1, [2], [[0.5, 0.5]])]


GUESSES = {
    "one sample at a time": (lambda p, t: (p - t) ** 2, "raised TypeError (unsupported operand"),
    "one argument": (lambda predictions: predictions[0], "raised TypeError (<lambda>() takes 1"),
    "a list of losses": (lambda ps, ts: [(p - t) ** 2 for p, t in zip(ps, ts)], "returned list ["),
    "a float": (lambda ps, ts: sum((p.data - t) ** 2 for p, t in zip(ps, ts)), "returned float "),
    "no loss at all": (lambda ps, ts: None, "returned NoneType None"),
    "a list's attribute": (lambda ps, ts: ps.data - ts, "raised AttributeError ('list' object"),
}


@pytest.mark.parametrize("guess", GUESSES, ids=list(GUESSES))
@pytest.mark.parametrize("where", ["fit", "evaluate"])
def test_a_wrong_guess_gets_one_line_naming_the_expected_form(guess, where):
    loss, fragment = GUESSES[guess]
    net = model()
    weights = [p.data for p in net.parameters()]
    with pytest.raises(TypeError) as info:
        if where == "fit":
            fit(net, X, Y, loss=loss, epochs=2, verbose=False)
        else:
            evaluate(net, X, Y, loss=loss)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{where}(): the loss function ")
    assert fragment in message
    assert message.endswith(LOSS_CONTRACT)
    assert "loss(predictions, targets)" in LOSS_CONTRACT and "one Value" in LOSS_CONTRACT
    assert [p.data for p in net.parameters()] == weights     # stopped before any step
    if "raised" in fragment:
        assert isinstance(info.value.__cause__, (TypeError, AttributeError))  # kept, chained


def test_a_value_made_from_numbers_is_refused_before_a_step_that_would_do_nothing():
    def detached(predictions, targets):   # a Value, but of .data: backward() reaches nothing
        return Value(sum((p.data - t) ** 2 for p, t in zip(predictions, targets)))

    net = model()
    with pytest.raises(TypeError, match=r"does not depend on the predictions .*backward\(\) "
                                        r"cannot reach the weights"):
        fit(net, X, Y, loss=detached, epochs=1, verbose=False)
    # evaluate runs under no_grad: there is no graph to ask, and the number is right.
    predictions = predict(net, X)
    assert evaluate(net, X, Y, loss=detached)["loss"] == pytest.approx(
        sum((p - t) ** 2 for p, t in zip(predictions, Y)))


def test_an_error_of_ones_own_that_is_no_type_error_is_left_alone():
    def domain(predictions, targets):
        raise ValueError("my loss refuses these targets")

    with pytest.raises(ValueError, match="^my loss refuses these targets$"):
        fit(model(), X, Y, loss=domain, epochs=1, verbose=False)


def test_class_targets_are_0_based_as_documented():
    net = MLP(2, [3], activations=["linear"], seed=0)
    fit(net, X, [0, 2, 1], loss="cross_entropy", epochs=1, verbose=False)
    with pytest.raises(ValueError, match=r"class indices must be integers in 0\.\.2"):
        fit(net, X, [1, 3, 2], loss="cross_entropy", epochs=1, verbose=False)   # 1-based
    assert "0-based" in fit.__doc__ and "loss(predictions, targets)" in fit.__doc__
