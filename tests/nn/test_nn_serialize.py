"""Saving and loading parameters as JSON."""

import json
import os
import re
import stat

import pytest

from bounded import python
from nn.layers import MLP, Layer
from nn.limits import MAX_JSON_DEPTH, MAX_PARAMETERS
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


def test_file_is_a_network_document_in_the_lecture_notes_layout(tmp_path):
    mlp = MLP(2, [3, 1], seed=0, dropout=0.25)
    path = tmp_path / "m.json"
    save(mlp, str(path), loss="bce_with_logits", inputs=[[0.5, -1.0]], targets=[1])
    document = json.loads(path.read_text())
    assert {k: document[k] for k in ("format", "version", "kind")} == {
        "format": "backproplab", "version": 2, "kind": "network"}
    assert document["network"] == {"weights": mlp.weights(), "biases": mlp.biases(),
                                   "activations": ["relu", "linear"], "dropout": 0.25,
                                   "loss": "bce_with_logits", "inputs": [[0.5, -1.0]],
                                   "targets": [1]}
    assert read(path) == document


def test_a_version_1_parameter_file_still_loads(tmp_path):
    mlp = MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=3, dropout=0.5)
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "backproplab-parameters", "version": 1,
                                "architecture": mlp.architecture(),
                                "state_dict": mlp.state_dict()}))
    loaded = load_mlp(path)
    assert loaded.weights() == mlp.weights() and loaded.biases() == mlp.biases()
    assert loaded.activations == ["tanh", "sigmoid"] and loaded.dropout == 0.5
    assert read(path)["network"]["weights"] == mlp.weights()


def test_a_file_of_a_newer_version_is_refused_in_one_line(tmp_path):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"format": "backproplab", "version": 3, "kind": "network"}))
    with pytest.raises(ValueError, match=r"new.json is a version 3 document, newer than this "
                                         r"backproplab reads \(up to version 2\): upgrade"):
        load_mlp(path)


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old contents")
    save(MLP(2, [3, 1], seed=0), path)
    assert os.listdir(tmp_path) == ["m.json"]
    assert json.loads(path.read_text())["version"] == 2


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
    (lambda: MLP(2, [4, 1], seed=0), r"holds a 2-3-1 \(relu, linear\) network, but the model "
                                     r"is MLP 2-4-1 \(relu, linear\)"),
    (lambda: MLP(2, [3, 1], activations="tanh", seed=0), r"is MLP 2-3-1 \(tanh, tanh\)"),
    (lambda: Layer(2, 3, seed=0), r"but the model is Layer 2-3 \(relu\)"),
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
    document["network"]["weights"][1][0].pop()
    path.write_text(json.dumps(document))
    model = MLP(2, [3, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"m.json: W\^\[2\] row 1 must hold 3 numbers, got 2 "
                                         r"entries"):
        load(model, path)
    assert model.state_dict() == before


@pytest.mark.parametrize("contents, error, message", [
    (None, FileNotFoundError, "no parameter file at .*missing.json"),
    ("{not json", ValueError, "missing.json: invalid JSON at line 1 column 2"),
    ('{"format": "backproplab-parameters", "version": true}', ValueError,
     "has format version true; versions are whole numbers 1 … 1"),
    ('{"format": "other"}', ValueError, "is not a backproplab document"),
    ('[1, 2]', ValueError, "is not a backproplab document"),
    ('{"format": "backproplab-parameters", "version": 7}', ValueError,
     "is a version 7 document, newer than this backproplab reads"),
    ('{"format": "backproplab", "version": 2, "kind": "grades"}', ValueError,
     "holds no network \\(it is a grades document\\)"),
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


def test_a_saved_layer_is_a_one_layer_network(tmp_path):
    layer = Layer(2, 3, "sigmoid", seed=0)
    save(layer, tmp_path / "layer.json")
    mlp = load_mlp(tmp_path / "layer.json")
    assert mlp.sizes == [2, 3] and mlp.weights() == [layer.state_dict()["weight"]]


def test_a_version_1_file_of_another_module_type_is_refused(tmp_path):
    path = tmp_path / "conv.json"
    path.write_text(json.dumps({"format": "backproplab-parameters", "version": 1,
                                "architecture": {"type": "Conv"}, "state_dict": {}}))
    with pytest.raises(ValueError, match="holds a 'Conv'; a saved model is an MLP"):
        load_mlp(path)


# -- hostile files: refused in one line, before anything is built ------------------------------

def saved_text(tmp_path):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    return path, path.read_text()


def first_bias(text, replacement):
    """The saved text with its first bias written as ``replacement``."""
    start = text.index('"biases"')
    number = re.search(r"-?\d[\d.e+-]*", text[start:])
    at = start + number.start()
    return text[:at] + replacement + text[start + number.end():]


@pytest.mark.parametrize("spoil, message", [
    (lambda t: first_bias(t, "NaN"), "NaN is not a number JSON allows: every number must be "
                                     "finite"),
    (lambda t: first_bias(t, "-Infinity"), "-Infinity is not a number JSON allows"),
    (lambda t: first_bias(t, "1e999"), r"the number 1e999 is beyond the float range"),
    (lambda t: first_bias(t, "1" + "0" * 400),
     r"the integer 10000000…0000 \(401 digits\) is too large"),
    (lambda t: t.replace('"network": {', '"network": {"deep": ' + "[" * 100000, 1),
     f"JSON nested more than {MAX_JSON_DEPTH} levels deep \\(at line"),
])
def test_load_refuses_non_finite_huge_and_deep_files(tmp_path, spoil, message):
    path, text = saved_text(tmp_path)
    path.write_text(spoil(text))
    model = MLP(2, [3, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        load(model, path)
    with pytest.raises(ValueError, match=message):
        load_mlp(path)
    assert model.state_dict() == before


def version_1_text(tmp_path):
    path = tmp_path / "m.json"
    mlp = MLP(2, [3, 1], seed=0)
    path.write_text(json.dumps({"format": "backproplab-parameters", "version": 1,
                                "architecture": mlp.architecture(),
                                "state_dict": mlp.state_dict()}))
    return path, path.read_text()


def test_load_mlp_checks_the_sizes_against_the_stored_numbers_before_building(tmp_path):
    # The 376-byte file of the issue: 2-10000000-1 would be 40 million Values (GBs).  A
    # version 2 file states no sizes (its weights are its sizes); a version 1 file does.
    path, text = version_1_text(tmp_path)
    document = json.loads(text)
    document["architecture"]["sizes"] = [2, 10_000_000, 1]
    path.write_text(json.dumps(document))
    code = ("import sys\nfrom nn.serialize import load_mlp\n"
            "try:\n    load_mlp(sys.argv[1]{})\n"
            "except ValueError as e:\n    print(e)\n")
    result = python("-c", code.format(""), str(path), timeout=30)
    assert result.returncode == 0, result.stderr
    assert "sizes [2, 10000000, 1] need 40000001 parameters but the file holds 13 " \
           "numbers" in result.stdout


@pytest.mark.parametrize("sizes", [[2], [2, True, 1], [2, 0, 1], "2-3-1", [2, 3.0, 1]])
def test_load_mlp_refuses_malformed_sizes(tmp_path, sizes):
    path, text = version_1_text(tmp_path)
    document = json.loads(text)
    document["architecture"]["sizes"] = sizes
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"'sizes' must be a list of at least two positive "
                                         r"integers"):
        load_mlp(path)


def test_save_keeps_the_replaced_files_mode_and_refuses_a_read_only_one(tmp_path):
    path, _ = saved_text(tmp_path)
    os.chmod(path, 0o600)
    save(MLP(2, [3, 1], seed=1), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_mlp(path).weights() == MLP(2, [3, 1], seed=1).weights()
    os.chmod(path, 0o444)
    before = path.read_text()
    with pytest.raises(PermissionError, match=r"m.json: the file is read-only \(mode 0444\)"):
        save(MLP(2, [3, 1], seed=2), path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_through_a_symlink_writes_its_target(tmp_path):
    real = tmp_path / "models" / "real.json"
    real.parent.mkdir()
    save(MLP(2, [3, 1], seed=0), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save(MLP(2, [3, 1], seed=3), link)
    assert link.is_symlink()
    assert load_mlp(real).weights() == MLP(2, [3, 1], seed=3).weights()
    assert sorted(os.listdir(real.parent)) == ["real.json"]


def test_load_mlp_refuses_more_parameters_than_the_limit_before_building(tmp_path):
    path = tmp_path / "big.json"
    n = 1000   # n inputs, n + 1 neurons: (n + 1)² parameters
    assert (n + 1) ** 2 > MAX_PARAMETERS
    path.write_text(json.dumps({"format": "backproplab", "version": 2, "kind": "network",
                                "network": {"weights": [[[0] * n] * (n + 1)],
                                            "biases": [[0] * (n + 1)],
                                            "activations": ["relu"]}}))
    with pytest.raises(ValueError, match=f"more than the limit of {MAX_PARAMETERS}.*"
                                         f"allow_large=True"):
        load_mlp(path)
