"""Saving and loading parameters as JSON."""

import json
import os

import pytest

from nn.layers import MLP, Layer
from nn.serialize import load, load_mlp, read, save


def test_round_trip_is_exact(tmp_path):
    mlp = MLP(2, [5, 3, 1], activations=["tanh", "relu", "sigmoid"], init="xavier_normal",
              seed=4)
    path = tmp_path / "model.json"
    save(mlp, path)
    other = MLP(2, [5, 3, 1], activations=["tanh", "relu", "sigmoid"], seed=99)
    assert load(other, path) is other
    assert other.weights() == mlp.weights() and other.biases() == mlp.biases()
    x = [0.3, -0.8]
    assert other(x).data == mlp(x).data


def test_file_records_the_architecture_and_state_dict(tmp_path):
    mlp = MLP(2, [3, 1], seed=0, dropout=0.25)
    path = tmp_path / "m.json"
    save(mlp, str(path))
    document = json.loads(path.read_text())
    assert document["architecture"] == {"type": "MLP", "sizes": [2, 3, 1],
                                        "activations": ["relu", "linear"], "dropout": 0.25}
    assert document["state_dict"] == mlp.state_dict()
    assert read(path)["format"] == "backproplab-parameters"


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old contents")
    save(MLP(2, [3, 1], seed=0), path)
    assert os.listdir(tmp_path) == ["m.json"]
    assert json.loads(path.read_text())["version"] == 1


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_text("old contents")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save(MLP(2, [3, 1], seed=0), path)
    assert path.read_text() == "old contents"
    assert os.listdir(tmp_path) == ["m.json"]


def test_load_mlp_builds_the_saved_network(tmp_path):
    mlp = MLP(3, [4, 2], activations="tanh", seed=1)
    save(mlp, tmp_path / "m.json")
    loaded = load_mlp(tmp_path / "m.json")
    assert loaded.sizes == [3, 4, 2] and loaded.activations == ["tanh", "tanh"]
    assert loaded.weights() == mlp.weights()


def test_other_modules_save_and_load(tmp_path):
    layer = Layer(2, 3, "sigmoid", seed=2)
    save(layer, tmp_path / "layer.json")
    other = load(Layer(2, 3, "sigmoid", seed=3), tmp_path / "layer.json")
    assert other.state_dict() == layer.state_dict()


@pytest.mark.parametrize("target, message", [
    (lambda: MLP(2, [4, 1], seed=0), r"holds parameters for type='MLP', sizes=\[2, 3, 1\].*"
                                     r"but the model is type='MLP', sizes=\[2, 4, 1\]"),
    (lambda: MLP(2, [3, 1], activations="tanh", seed=0), r"activations=\['tanh', 'tanh'\]"),
    (lambda: Layer(2, 3, seed=0), "but the model is type='Layer'"),
])
def test_loading_into_a_different_architecture_fails_and_leaves_it_untouched(tmp_path, target,
                                                                             message):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    model = target()
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        load(model, path)
    assert model.state_dict() == before


def test_corrupt_state_dict_fails_and_leaves_the_model_untouched(tmp_path):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    document = json.loads(path.read_text())
    document["state_dict"]["2.weight"][0].pop()
    path.write_text(json.dumps(document))
    model = MLP(2, [3, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"m.json: state_dict\['2.weight'\]\[0\] has 2 entries, "
                                         r"expected 3"):
        load(model, path)
    assert model.state_dict() == before


@pytest.mark.parametrize("contents, error, message", [
    (None, FileNotFoundError, "no parameter file at .*missing.json"),
    ("{not json", ValueError, "missing.json is not a valid JSON parameter file"),
    ('{"format": "other"}', ValueError, "is not a backproplab-parameters document"),
    ('[1, 2]', ValueError, "is not a backproplab-parameters document"),
    ('{"format": "backproplab-parameters", "version": 7}', ValueError,
     "has format version 7"),
    ('{"format": "backproplab-parameters", "version": 1, "architecture": {}}', ValueError,
     "has no 'state_dict' object"),
])
def test_bad_files_name_the_path(tmp_path, contents, error, message):
    path = tmp_path / "missing.json"
    if contents is not None:
        path.write_text(contents)
    with pytest.raises(error, match=message):
        load(MLP(2, [3, 1], seed=0), path)


def test_save_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory .*nowhere does not exist"):
        save(MLP(2, [1], seed=0), tmp_path / "nowhere" / "m.json")
    mlp = MLP(2, [1], seed=0)
    mlp.layers[0].neurons[0].b.data = float("nan")
    with pytest.raises(ValueError, match=r"parameter 0.bias\[0\] is nan"):
        save(mlp, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_load_mlp_rejects_other_types(tmp_path):
    save(Layer(2, 1, seed=0), tmp_path / "layer.json")
    with pytest.raises(ValueError, match="holds a 'Layer', not an MLP"):
        load_mlp(tmp_path / "layer.json")
