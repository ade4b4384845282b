"""Network files (nn.explain.network_file): the examples load, and every mistake is one clear line."""

import json
from pathlib import Path

import pytest

from nn.explain.network_file import NetworkFileError, load_network, network_from_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "nn" / "examples"


def test_lecture_2221_loads():
    model, X, Y, loss, lr = load_network(EXAMPLES / "lecture_2221.json")
    assert model.sizes == [2, 2, 2, 1]
    assert model.activations == ["relu", "relu", "sigmoid"]
    assert model.weights() == [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]], [[0.9, 1.0]]]
    assert model.biases() == [[0.05, 0.05], [0.1, 0.1], [0.15]]
    assert (X, Y, loss, lr) == ([[0.5, 1.0]], [1.0], "bce", 0.1)


def test_saturated_question_networks_load():
    model, X, Y, loss, lr = load_network(EXAMPLES / "saturated_111.json")
    assert model.sizes == [1, 1, 1] and X == [[62.5]] and Y == [0.0]
    assert loss == "squared_error" and model.weights() == [[[1.0]], [[0.8]]]
    model, X, Y, loss, lr = load_network(EXAMPLES / "zero_init_111.json")
    assert model.activations == ["sigmoid", "sigmoid"] and X == [[2.0]] and Y == [1]
    assert model(2.0).data == 0.5


def test_several_samples_and_no_lr():
    spec = {"weights": [[[1.0]]], "biases": [[0.0]], "activations": ["sigmoid"],
            "inputs": [[1], [2], 3], "targets": [0, 1, 1], "loss": "bce"}
    model, X, Y, loss, lr = network_from_dict(spec)
    assert X == [[1.0], [2.0], [3.0]] and Y == [0, 1, 1] and lr is None


BASE = {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.9, 1.0]]], "biases": [[0.0, 0.0], [0.0]],
        "activations": ["relu", "sigmoid"], "inputs": [0.5, 1.0], "targets": 1.0,
        "loss": "bce", "lr": 0.1}


def changed(**kw):
    spec = dict(BASE)
    spec.update(kw)
    return spec


@pytest.mark.parametrize("spec, message", [
    (changed(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.9, 1.0, 1.1]]]),
     "net.json: layer 2 row 1: W^[2] row has 3 numbers but layer 1 has 2 neurons, "
     "so a row needs 2"),
    (changed(weights=[[[0.1, 0.2], [0.3]], [[0.9, 1.0]]]),
     "net.json: layer 1 row 2: W^[1] row has 1 numbers but row 1 has 2"),
    (changed(weights=[[[0.1, "x"], [0.3, 0.4]], [[0.9, 1.0]]]),
     "net.json: layer 1 row 1: W^[1] entry 2 must be a finite number, got 'x'"),
    (changed(biases=[[0.0, 0.0], [0.0, 0.0]]),
     "net.json: layer 2: b^[2] must be a list of 1 numbers (W^[2] has 1 rows)"),
    (changed(biases=[[0.0, 0.0]]), "net.json: 'biases' must be a list of 2 vectors"),
    (changed(activations=["relu", "softmx"]),
     "net.json: layer 2: unknown activation 'softmx'; known activations: gelu, leaky_relu"),
    (changed(activations=["relu"]), "net.json: 'activations' must be a list of 2 names"),
    (changed(loss="l1"), "net.json: unknown loss 'l1'; known losses: mse, half_mse"),
    (changed(targets=2.0), "net.json: sample 1: target 2.0 does not fit loss 'bce' on this "
                           "network: binary_cross_entropy: target is 2.0; targets must be in "
                           "[0, 1]"),
    (changed(loss="hinge", targets=0), "net.json: sample 1: target 0 does not fit loss "
                                       "'hinge'"),
    (changed(targets=[1.0, 0.0]), "net.json: sample 1: target [1.0, 0.0] does not fit"),
    (changed(inputs=[0.5, 1.0, 2.0]), "net.json: 'inputs' is one sample of 3 numbers but the "
                                      "network has 2 inputs"),
    (changed(inputs=[[0.5, 1.0], [0.5]], targets=[1, 0]),
     "net.json: 'inputs' sample 2 must be a list of 2 finite numbers"),
    (changed(inputs=[[0.5, 1.0], [0.5, 0.2]], targets=[1]),
     "net.json: 'inputs' has 2 samples, so 'targets' must be a list of 2 targets, one per "
     "sample"),
    (changed(lr=-1), "net.json: 'lr' must be a positive number or null, got -1"),
    (changed(wieghts=1), "net.json: unknown key 'wieghts'; known keys: description, weights"),
    ({k: v for k, v in BASE.items() if k != "loss"}, "net.json: missing key 'loss'"),
    ([1, 2], "net.json: the top level must be a JSON object"),
])
def test_bad_network_files_give_one_clear_line(tmp_path, spec, message):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(NetworkFileError) as info:
        load_network(path)
    text = str(info.value)
    assert text.startswith(str(tmp_path))
    assert message in text
    assert "\n" not in text


def test_one_input_network_hint(tmp_path):
    spec = {"weights": [[[1.0]]], "biases": [[0.0]], "activations": ["sigmoid"],
            "inputs": [2, 4, 6], "targets": [1, 1, 1], "loss": "bce"}
    with pytest.raises(NetworkFileError, match=r"for several one-input samples write a list "
                                               r"of lists, e.g. \[\[2\], \[4\], \[6\]\]"):
        network_from_dict(spec)


def test_missing_file_and_invalid_json(tmp_path):
    with pytest.raises(NetworkFileError, match=r"nope.json: no such network file"):
        load_network(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"weights": [[[1.0]]],\n "biases": }')
    with pytest.raises(NetworkFileError, match=r"bad.json: invalid JSON at line 2 column 12"):
        load_network(bad)
