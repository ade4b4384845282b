"""Running the real ``backprop`` command (or a Python snippet) in a subprocess that cannot take
the machine: its address space is capped with ``RLIMIT_AS`` and its run time with a timeout,
so a regression that allocates without bound fails the test instead."""

import os
import resource
import signal
import subprocess
import sys

MEMORY_LIMIT = 1536 * 2**20
"""Address space a child may map (1.5 GiB): enough for Python, matplotlib and a toy run."""

TIMEOUT = 60


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def environment(**extra):
    """The test's environment, unbuffered so progress lines arrive as they are printed."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", **extra}


def backprop(*args, cwd=None, timeout=TIMEOUT, env=None):
    """``python -m nn ARGS`` bounded; the CompletedProcess with text stdout/stderr."""
    return python("-m", "nn", *map(str, args), cwd=cwd, timeout=timeout, env=env)


def python(*args, cwd=None, timeout=TIMEOUT, env=None):
    """``python ARGS`` bounded (see the module docstring)."""
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env or environment(),
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limit_memory)


def start_backprop(*args, cwd=None, env=None):
    """A running bounded ``python -m nn ARGS`` (Popen, text pipes) to interrupt."""
    return subprocess.Popen([sys.executable, "-m", "nn", *map(str, args)], cwd=cwd,
                            env=env or environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_limit_memory)


def skip_if_sigint_ignored():
    """Skip the calling test, saying why, when SIGINT is ignored here (a background job):
    neither this process nor the commands it starts (they inherit it) can be sent Ctrl-C."""
    import pytest

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        pytest.skip("SIGINT is ignored in this process (a background job?), so Ctrl-C "
                    "cannot be simulated")


def interrupt_after_first_line(process, timeout=TIMEOUT):
    """Wait for the first stdout line, send SIGINT (Ctrl-C); return (status, stdout, stderr)."""
    try:
        first = process.stdout.readline()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, first + out, err
