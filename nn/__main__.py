"""``python -m nn`` runs the ``backprop`` command (see :mod:`nn.cli`)."""

import sys

from .cli import main

sys.exit(main())
