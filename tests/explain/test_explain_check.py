"""compare()/report(): hand-derived tables against the library's derivation."""

import json

import pytest

from nn.explain import explain_step
from nn.explain.check import HandFileError, Mismatch, compare, load_hand, report
from nn.explain.network_file import load_network

from explain_cases import EXAMPLES, batch, walkthrough  # noqa: F401  (fixtures)


def test_a_deliberately_wrong_entry_is_reported_with_both_values(walkthrough):
    hand = walkthrough.to_dict()
    true_value = hand["layers"]["2"]["dZ"][1][0]
    hand["layers"]["2"]["dZ"][1][0] = -0.25
    assert compare(walkthrough, hand) == [Mismatch("layers.2.dZ", (1, 0), -0.25, true_value)]
    text = report(walkthrough, hand)
    assert text.startswith("1 of 68 ")   # the derived numbers only, as grade counts them
    assert "layers.2.dZ[j=2,i=1]" in text and "-0.25" in text and f"{true_value:.10g}" in text


def test_the_notes_own_rounded_numbers_pass_the_default_tolerance(walkthrough):
    hand = load_hand(EXAMPLES / "lecture_2221_hand.json")
    assert compare(walkthrough, hand) == []
    # 55 derived numbers; its A0, Y, lr, m and loss_function are given, and agree.
    assert report(walkthrough, hand).startswith("All 55 hand-derived entries agree")
    # ... but they are rounded: a tight tolerance shows where (the notes' ŷ ≈ 0.816).
    names = {m.name for m in compare(walkthrough, hand, rtol=5e-5)}
    assert {"loss", "layers.3.dZ", "Y_hat"} <= names
    assert "layers.3.Z" not in names       # 1.489 is exact


def test_the_saturated_question_answers_slips_are_reported():
    model, X, Y, loss, lr = load_network(EXAMPLES / "zero_init_111.json")
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    found = {m.name: m for m in compare(d, load_hand(EXAMPLES / "zero_init_111_hand.json"))}
    assert found["Y_hat"].expected == 0 and found["Y_hat"].actual == 0.5     # f(2) = 0.5
    assert found["layers.2.W_new"].expected == -0.125                        # θ + η∇C ...
    assert found["layers.2.W_new"].actual == 0.0625                          # ... vs θ − η∇C
    assert "layers.1.dW" not in found                                        # those were right


def test_a_hand_zero_for_a_tiny_gradient_is_reported_by_default():
    model, X, Y, loss, lr = load_network(EXAMPLES / "saturated_111.json")
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    hand = {"layers": {"2": {"dW": 0}}}
    [mismatch] = compare(d, hand)
    assert mismatch.expected == 0 and 2.4e-20 < mismatch.actual < 2.42e-20
    assert compare(d, hand, atol=1e-12) == []


def test_shorthand_shapes_are_accepted(walkthrough, batch):
    exact = walkthrough.to_dict()["layers"]
    hand = {"loss": walkthrough.loss, "Y_hat": walkthrough.Y_hat[0][0], "Y": 1.0,
            "layers": {"1": {"Z": [row[0] for row in exact["1"]["Z"]],          # flat column
                             "b": [[v] for v in exact["1"]["b"]]},               # column vector
                       "3": {"W": exact["3"]["W"][0],                            # flat row
                             "b_new": exact["3"]["b_new"][0],                    # bare number
                             "dW_i": exact["3"]["dW"]}}}                         # m = 1
    assert compare(walkthrough, hand, rtol=0.0) == []
    flat_batch = {"losses": batch.losses, "Y_hat": batch.Y_hat[0]}            # 1 × m row
    assert compare(batch, flat_batch, rtol=0.0) == []


def test_given_values_must_be_the_networks(walkthrough):
    # A file of another network is refused, never compared number by number.
    with pytest.raises(HandFileError, match="the file says loss_function = 'mse' but its "
                                            "network has loss_function = 'bce'"):
        compare(walkthrough, {"loss_function": "mse", "loss": 0.2})
    with pytest.raises(HandFileError, match="layer 1: 'activation' is \"tanh\" but the "
                                            "network's is \"relu\""):
        compare(walkthrough, {"loss": 0.2, "layers": {"1": {"activation": "tanh"}}})
    network = walkthrough.to_dict()["network"]
    network["weights"][0][0][0] = 0.15
    with pytest.raises(HandFileError, match="network 'weights' is .* is the file the "
                                            "derivation of another network"):
        compare(walkthrough, {"loss": 0.2, "network": network})
    # Given values are not counted: the file below checks one number.
    given = {k: v for k, v in walkthrough.to_dict().items() if k not in ("layers", "Y_hat",
                                                                         "losses")}
    assert report(walkthrough, given).startswith("All 1 hand-derived entries agree")


def test_version_1_names_are_read_and_reported_by_todays_names(walkthrough):
    old = {"format": "backproplab-derivation", "version": 1,
           "layers": {"3": {"delta": -0.25, "dL_dW": walkthrough.layer(3).dL_dW}}}
    [m] = compare(walkthrough, old)
    assert m.name == "layers.3.dZ" and m.expected == -0.25
    with pytest.raises(HandFileError, match="layer 3 gives 'dZ' twice"):
        compare(walkthrough, {"layers": {"3": {"delta": -0.25, "dZ": -0.25}}})
    with pytest.raises(HandFileError, match="is a version 3 document, newer than this "
                                            "backproplab reads"):
        compare(walkthrough, {"format": "backproplab", "version": 3, "loss": 0.2})


@pytest.mark.parametrize("hand, message", [
    ({"Yhat": 0.8}, "unknown key 'Yhat' at the top level; known keys: format, version"),
    ({"layers": {"2": {"dz": [0.1, 0.2]}}}, "layer 2: unknown key 'dz'; known keys: activation"),
    ({"layers": {"4": {"Z": 1.0}}}, "'layers' key '4' is not a layer of this network; "
                                    "layers are \"1\" … \"3\""),
    ({"layers": {"one": {}}}, "'layers' key 'one' is not a layer"),
    ({"layers": {"2": {"dL_dW": [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]}}},
     "layer 2: 'dW' should be 2 rows × 2 columns (nested lists), got"),
    ({"layers": {"1": {"b": [0.05]}}}, "layer 1: 'b' is [0.05] but the network's is [0.05, 0.05]"),
    ({"layers": {"3": {"delta": "big"}}}, "layer 3: 'dZ' holds the string \"big\""),
    ({"loss": [0.2, 0.3]}, "'loss' should be a number, got [0.2, 0.3]"),
    ({"layers": [1, 2]}, "'layers' must be an object mapping layer numbers"),
    ({"layers": {"1": [0.3]}}, "layer 1: entries must be an object"),
    ({"format": "something-else"}, "\"format\" is 'something-else', not"),
    ([1, 2], "the file must be a JSON object in the document layout, got list"),
])
def test_bad_hand_entries_name_the_key_and_layer(walkthrough, hand, message):
    with pytest.raises(HandFileError) as info:
        compare(walkthrough, hand)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_update_entries_need_a_learning_rate():
    model, X, Y, loss, _ = load_network(EXAMPLES / "lecture_2221.json")
    no_update = explain_step(model, X, Y, loss=loss)
    with pytest.raises(HandFileError, match="layer 2: 'W_new' given but the network has no "
                                            "learning rate"):
        compare(no_update, {"layers": {"2": {"W_new": [[1.0, 1.0], [1.0, 1.0]]}}})


def test_bad_tolerances(walkthrough):
    with pytest.raises(ValueError, match="rtol must be a number >= 0, got -1"):
        compare(walkthrough, {}, rtol=-1)


def test_load_hand_errors(tmp_path):
    with pytest.raises(HandFileError, match="no such hand-derived file"):
        load_hand(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"loss": 0.2,,}')
    with pytest.raises(HandFileError, match=r"bad.json: invalid JSON at line 1 column 14"):
        load_hand(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"loss": 0.2}))
    assert load_hand(good) == {"loss": 0.2}
