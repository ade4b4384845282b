"""``python -m nn`` runs the ``backprop`` command (see :mod:`nn.cli`): ``python -m nn`` alone
lists every command, ``python -m nn --help`` describes each."""

import sys

from .cli.main import finish, main

sys.exit(finish(main()))
