"""The ``backprop`` console script: Ctrl-C is handled from the first instant.

Importing ``nn`` takes a tenth of a second; a Ctrl-C in that time would otherwise end in a
KeyboardInterrupt traceback, since the command's own handler (:func:`nn.cli.main.main`)
is not running yet.  So the handler goes in first, before the package is imported:
interrupted while loading, the command says ``backprop: interrupted`` and exits with
status 130, as it does when interrupted later.  Where SIGINT is ignored (a background
job), it stays ignored.
"""

import os
import signal

_state = {"loaded": False}


def _on_sigint(signum, frame):
    if _state["loaded"]:
        raise KeyboardInterrupt   # the command is running: its own handler says it
    # Still importing: nothing has been written yet, nothing to clean up.
    os.write(2, b"backprop: interrupted\n")
    os._exit(130)


if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
    signal.signal(signal.SIGINT, _on_sigint)


def main():
    """Run the ``backprop`` command line; return its exit status (an interrupted run ends
    here, with status 130)."""
    from nn.cli.main import INTERRUPTED, finish, main as run

    try:
        _state["loaded"] = True
        status = run()
    except KeyboardInterrupt:   # between loading and the command's own handler
        os.write(2, b"backprop: interrupted\n")
        status = INTERRUPTED
    return finish(status)
