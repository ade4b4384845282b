"""Hostile and careless input to the real ``backprop`` command (issue 14).

Every case runs ``python -m nn`` in a subprocess bounded by ``RLIMIT_AS`` and a timeout
(tests/bounded.py), so a regression that allocates without bound fails here instead
of taking the machine.  Each bad input must give exit status 2 and exactly one stderr
line ``backprop: error: …`` naming the input and what is allowed, with no traceback.
"""

import json
import os
import re
import resource
import stat
import time
from pathlib import Path

import pytest

from autograd.files import TEMP_MARKER
from bounded import (backprop, environment, interrupt_after_first_line, python,
                     skip_if_sigint_ignored, start_backprop)
from nn.limits import MAX_EXPLAIN_STEPS, MAX_JSON_DEPTH

EXAMPLES = Path(__file__).resolve().parents[2] / "nn" / "examples"
NETWORK = json.loads((EXAMPLES / "lecture_2221.json").read_text())
HAND = json.loads((EXAMPLES / "lecture_2221_hand.json").read_text())
HUGE = "1" + "0" * 400   # the integer 10**400 as JSON writes it
QUICK = ("--epochs", "1", "--samples", "20", "--hidden", "4", "--quiet")


def one_line_error(result, *fragments):
    """Assert exit status 2 and one ``backprop: error:`` line containing every fragment."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def write(path, text):
    path.write_text(text)
    return path


def network_with(tmp_path, name="net.json", **changes):
    return write(tmp_path / name, json.dumps({**NETWORK, **changes}))


def files_in(directory):
    return sorted(os.listdir(directory))


# --- tracebacks that became one line --------------------------------------------------------

@pytest.mark.parametrize("option", ["--network", "--check"])
def test_json_nested_a_hundred_thousand_deep(tmp_path, option):
    deep = write(tmp_path / "deep.json", "[" * 100_000)
    result = backprop("explain", option, deep)
    one_line_error(result, str(deep), f"nested more than {MAX_JSON_DEPTH} levels deep",
                   "line 1 column 101")


@pytest.mark.parametrize("where", ["inputs", "targets", "lr", "weights"])
def test_an_integer_beyond_the_float_range_in_a_network_file(tmp_path, where):
    text = json.dumps(NETWORK)
    spot = {"inputs": '"inputs": [0.5, 1.0]', "targets": '"targets": 1.0', "lr": '"lr": 0.1',
            "weights": "[[0.1, 0.2]"}[where]
    replacement = spot.replace("0.5" if where == "inputs" else
                               "1.0" if where == "targets" else
                               "0.1", HUGE, 1)
    path = write(tmp_path / "net.json", text.replace(spot, replacement, 1))
    one_line_error(backprop("explain", "--network", path), "net.json: the integer 10000000…0000 "
                   "(401 digits) is too large: numbers must lie within ±1.8e308")


def test_an_integer_beyond_the_float_range_as_a_checked_value(tmp_path):
    hand = write(tmp_path / "hand.json", json.dumps(HAND).replace('"loss": 0.203',
                                                                  f'"loss": {HUGE}', 1))
    one_line_error(backprop("explain", "--check", hand), "hand.json: the integer", "too large")


@pytest.mark.parametrize("command", [("explain",), ("train", "--no-plots", *QUICK)])
def test_a_huge_learning_rate_on_the_command_line(command):
    one_line_error(backprop(*command, "--lr", HUGE), "argument --lr: must be a positive number, "
                   "got '1000")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused_when_read(tmp_path, literal):
    path = write(tmp_path / "net.json", json.dumps(NETWORK).replace('"lr": 0.1',
                                                                    f'"lr": {literal}'))
    one_line_error(backprop("explain", "--network", path), "net.json: ", literal)


def test_explain_with_a_diverging_learning_rate():
    line = one_line_error(backprop("explain", "--lr", "1e308", "--steps", "3"))
    assert re.fullmatch(r"backprop: error: the (loss|prediction|updated parameters) became "
                        r"(nan|-?inf) at step [23]; try a smaller learning rate "
                        r"\(it was 1e\+308\)", line), line


@pytest.mark.parametrize("options", [("--optimizer", "sgd", "--lr", "1e300", "--loss", "bce"),
                                     ("--optimizer", "sgd", "--lr", "1e300", "--loss", "hinge")])
def test_train_with_a_diverging_learning_rate(tmp_path, options):
    result = backprop("train", *options, "--epochs", "5", "--quiet", "--save",
                      tmp_path / "m.json", cwd=tmp_path)
    line = one_line_error(result, "try a smaller learning rate (it was 1e+300)")
    assert re.search(r"became (nan|-?inf) at step \d+ \(epoch \d\)", line), line
    assert "accuracy" not in result.stdout          # no number reported for a diverged model
    assert files_in(tmp_path) == []                 # neither pictures nor a model


# --- unbounded memory or time from a few bytes ----------------------------------------------

@pytest.mark.parametrize("options, fragment", [
    (("--hidden", "1000000000"), "an MLP 2-1000000000-1"),
    (("--hidden", "100000,100000"), "an MLP 2-100000-100000-1"),
    (("--samples", str(10**9)), "trained on 1000000000 samples"),
])
def test_train_estimates_memory_before_building(tmp_path, options, fragment):
    # Refused from the estimate, so in about the CPU time of starting up, not of building
    # (CPU time, not seconds on the clock: a loaded machine stretches only the latter).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = backprop("train", "--no-plots", *options, cwd=tmp_path)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    one_line_error(result, fragment, "of memory, more than the 2 GiB limit; --allow-large "
                                     "goes past it")
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 10
    assert result.stdout == ""


@pytest.mark.parametrize("dataset, classes, samples", [("spirals", str(10**9), "200"),
                                                       ("blobs", "500", "200")])
def test_more_classes_than_samples(dataset, classes, samples):
    one_line_error(backprop("train", "--no-plots", "--dataset", dataset, "--classes", classes,
                            "--samples", samples, timeout=30),
                   f"--classes {classes}: each class needs at least one sample, but --samples "
                   f"is {samples}")


def test_noise_that_overflows_the_data():
    one_line_error(backprop("train", "--noise", "1e308", "--no-plots", *QUICK),
                   "--noise 1e+308: a coordinate of the moons data became", "use a smaller noise")


def test_explain_steps_are_limited():
    one_line_error(backprop("explain", "--steps", "1000000000", timeout=30),
                   f"--steps is 1000000000, more than the limit of {MAX_EXPLAIN_STEPS}; "
                   f"--allow-large goes past it")


def test_a_check_files_step_is_limited(tmp_path):
    hand = write(tmp_path / "hand.json", json.dumps({**HAND, "step": 1000000000}))
    one_line_error(backprop("explain", "--check", hand, timeout=30),
                   "hand.json: 'step' is 1000000000, more than the limit of")


def test_explain_estimates_memory_before_stepping(tmp_path):
    # 300 inputs, 300 neurons: 90,601 parameters; 1000 kept steps of them pass 2 GiB.
    path = network_with(tmp_path, weights=[[[0.001] * 300] * 300, [[0.001] * 300]],
                        biases=[[0.0] * 300, [0.0]], activations=["relu", "sigmoid"],
                        inputs=[0.5] * 300, targets=1.0)
    one_line_error(backprop("explain", "--network", path, "--steps", "1000", timeout=60),
                   "explaining 1000 step(s) of a 300-300-1 network on 1 sample(s) needs about",
                   "more than the 2 GiB limit; --allow-large goes past it")


def test_allow_large_goes_past_the_step_limit():
    result = backprop("explain", "--steps", str(MAX_EXPLAIN_STEPS + 1), "--allow-large",
                      "--format", "json", timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == MAX_EXPLAIN_STEPS + 1


# --- silent or misleading input -------------------------------------------------------------

def test_special_and_empty_network_paths(tmp_path):
    one_line_error(backprop("explain", "--network", "/dev/null"),
                   "/dev/null: the file is empty; a network file holds a JSON document")
    one_line_error(backprop("explain", "--network", ""), "the network file name is empty")
    one_line_error(backprop("explain", "--network", tmp_path), "is a directory")
    # A pipe is read like a file.
    code = ("import subprocess, sys\n"
            "sys.exit(subprocess.run([sys.executable, '-m', 'nn', 'explain', '--network', "
            "'/dev/stdin'], stdin=open(sys.argv[1])).returncode)\n")
    result = python("-c", code, EXAMPLES / "lecture_2221.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Network: /dev/stdin\n")


@pytest.mark.parametrize("inputs, targets, message", [
    ([[0.5, 1.0], [0.5]], [1, 0], "'inputs' sample 2 must be a list of 2 finite numbers"),
    ([[0.5, 1.0], [0.5, "x"]], [1, 0], "'inputs' sample 2 entry 2 must be a finite number, "
                                       "got 'x'"),
    ([0.5, None], 1, "'inputs' entry 2 must be a finite number, got null"),
])
def test_bad_inputs_are_named_before_the_targets_are_counted(tmp_path, inputs, targets, message):
    path = network_with(tmp_path, inputs=inputs, targets=targets)
    one_line_error(backprop("explain", "--network", path), message)


def test_a_boolean_version_is_no_version(tmp_path):
    hand = write(tmp_path / "hand.json", json.dumps({**HAND, "version": True}))
    one_line_error(backprop("explain", "--check", hand), "hand.json", "format version true")


# --- Ctrl-C -----------------------------------------------------------------------------------

def test_ctrl_c_during_train(tmp_path):
    skip_if_sigint_ignored()
    process = start_backprop("train", "--epochs", "100000", "--samples", "200",
                             "--save", tmp_path / "m.json", "--plot-dir", tmp_path / "p",
                             cwd=tmp_path)
    status, out, err = interrupt_after_first_line(process)
    assert out.startswith("Training MLP 2-16-16-1")
    assert status == 130
    assert err.splitlines()[-1] == "backprop: interrupted" and "Traceback" not in err
    assert files_in(tmp_path) == ["p"] and files_in(tmp_path / "p") == []


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_during_explain(tmp_path):
    skip_if_sigint_ignored()
    # explain prints only at the end: interrupt once it has clearly started working
    # (more CPU time than starting Python and importing the package takes).
    process = start_backprop("explain", "--steps", "100000", "--allow-large",
                             "--graph", tmp_path / "g.svg", cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while _cpu_seconds(process.pid) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(2)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert err == "backprop: interrupted\n"
    assert out == "" and files_in(tmp_path) == []


# --- every writer keeps what it replaces ------------------------------------------------------

WRITERS = {
    "train --save": (("train", "--no-plots", *QUICK, "--save"), "m.json"),
    "train --history-plot": (("train", *QUICK, "--boundary-plot", "b.png", "--history-plot"),
                             "h.svg"),
    "train --boundary-plot": (("train", *QUICK, "--history-plot", "h.png", "--boundary-plot"),
                              "b.svg"),
    "explain --graph": (("explain", "--graph"), "g.svg"),
    "explain --diagram": (("explain", "--diagram"), "d.png"),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_writer_keeps_mode_follows_symlinks_and_leaves_no_temp_file(tmp_path, writer):
    args, name = WRITERS[writer]
    target = tmp_path / "out" / name
    target.parent.mkdir()
    target.write_text("old")
    os.chmod(target, 0o600)
    result = backprop(*args, target, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() != b"old"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    target.write_text("old")             # so that a write through the link shows
    link = tmp_path / ("link" + target.suffix)
    link.symlink_to(target)
    result = backprop(*args, link, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert not any(TEMP_MARKER in n for n in files_in(tmp_path) + files_in(target.parent))


@pytest.mark.parametrize("writer", WRITERS)
def test_writer_refuses_a_read_only_target_before_working(tmp_path, writer):
    args, name = WRITERS[writer]
    target = write(tmp_path / name, "keep me")
    os.chmod(target, 0o444)
    result = backprop(*args, target, cwd=tmp_path)
    one_line_error(result, f"{target}: the file is read-only (mode 0444)")
    assert result.stdout == ""          # refused before training or explaining
    assert target.read_text() == "keep me"
    assert files_in(tmp_path) == [name]


# --- a plain install: no matplotlib ----------------------------------------------------------

def test_missing_matplotlib_fails_before_training_with_the_extra_to_install(tmp_path):
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'matplotlib'\", name='matplotlib')\n")
    env = environment(PYTHONPATH=os.pathsep.join(
        [str(blocker.parent), os.environ.get("PYTHONPATH", "")]))
    result = backprop("train", "--epochs", "1000", cwd=tmp_path, env=env)
    one_line_error(result, "drawing the pictures needs matplotlib, which is not installed: "
                           "pip install \"backproplab[plots]\" (or pass --no-plots)")
    assert result.stdout == ""          # nothing was trained
    assert files_in(tmp_path) == ["blocker"]
    result = backprop("train", *QUICK, "--no-plots", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr


# --- the sdist -------------------------------------------------------------------------------

def test_the_sdist_carries_its_tests_and_licence_without_warnings(tmp_path):
    pytest.importorskip("build")
    repo = Path(__file__).resolve().parents[2]
    result = python("-m", "build", "--sdist", "--outdir", tmp_path, repo, cwd=tmp_path,
                    timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    log = result.stdout + result.stderr
    assert not re.search(r"(?i)licen[cs]e.*deprecat|deprecat.*licen[cs]e", log), log
    import tarfile
    (sdist,) = tmp_path.glob("backproplab-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
        pkg_info = archive.extractfile(next(n for n in archive.getnames()
                                            if n.endswith("/PKG-INFO") and n.count("/") == 1))
        metadata = pkg_info.read().decode()
    for needed in ["LICENSE", "tests/explain/explain_cases.py", "tests/bounded.py",
                   "tests/cli/test_cli_hostile.py", "nn/examples/lecture_2221.json", "pyproject.toml"]:
        assert needed in names, needed
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
