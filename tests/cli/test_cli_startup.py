"""The ``backprop`` console script handles Ctrl-C from the moment its own code runs: while
the package is still being imported (a tenth of a second), a Ctrl-C ends it with the one
line and status 130 of any interrupted command, never a KeyboardInterrupt traceback."""

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bounded import environment, skip_if_sigint_ignored

# PYTHONPROFILEIMPORTTIME makes Python write one stderr line as each import ends: the
# first of the command's own modules tells that its code is running, and the package
# (autograd, nn) is loading from then on.
OWN_CODE = re.compile(r"\|\s+(backproplab\.console|autograd|nn)(\.\S+)?\s*$")


def console_script():
    script = Path(sys.executable).parent / "backprop"
    if not script.exists():
        script = shutil.which("backprop")
        if script is None:
            pytest.skip("the backprop console script is not installed (pip install -e .)")
    return str(script)


@pytest.mark.parametrize("args", [("explain",), ("train", "--epochs", "1", "--no-plots"),
                                  ("--version",)])
def test_ctrl_c_while_the_command_loads_says_one_line(tmp_path, args):
    skip_if_sigint_ignored()
    process = subprocess.Popen([console_script(), *args], cwd=tmp_path,
                               env=environment(PYTHONPROFILEIMPORTTIME="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if OWN_CODE.search(line):
                process.send_signal(signal.SIGINT)
                break
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    err = "".join(seen) + err
    said = [line for line in err.splitlines() if not line.startswith("import time:")]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, said
    assert process.returncode == 130 and said == ["backprop: interrupted"], (process.returncode,
                                                                            said)
    assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("way_in", ["backproplab.console", "nn"])
def test_an_interrupt_inside_exec_of_a_string_still_ends_with_status_130(tmp_path, way_in):
    # Python 3.11 ends a `python -m` process by SIGINT (status -2) once a KeyboardInterrupt
    # has passed through exec() of a string, even one caught: a Ctrl-C during a lazy import
    # that builds a dataclass did so under load.  Both ways in (the console script and
    # python -m nn) end an interrupted command with 130 all the same.
    (tmp_path / "probe.py").write_text(
        "import runpy, sys\n"
        "import nn.cli.main\n"
        "def interrupted(argv=None):\n"
        "    try:\n"
        "        exec('raise KeyboardInterrupt')\n"
        "    except KeyboardInterrupt:\n"
        "        print('backprop: interrupted', file=sys.stderr)\n"
        "        return 130\n"
        "sys.modules['nn.cli.main'].main = interrupted\n"
        + ("from backproplab.console import main\nsys.exit(main())\n"
           if way_in == "backproplab.console" else
           "runpy.run_module('nn', run_name='__main__')\n"))
    done = subprocess.run([sys.executable, "-m", "probe"], cwd=tmp_path,
                          env=environment(PYTHONPATH=str(tmp_path)), capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr) == (130, "backprop: interrupted\n")
