"""``--engine scalar|matrix``: which engine ``backprop train`` and ``explain`` compute with.

The matrix engine (:mod:`nn.matrix`) needs NumPy; ``train`` uses it by default
when NumPy is installed, ``explain`` uses the graph of Values by default.
"""

import importlib.util

from .options import CommandError

ENGINES = ("scalar", "matrix")


def numpy_installed():
    """True when NumPy can be imported (checked without importing it)."""
    return importlib.util.find_spec("numpy") is not None


def add_engine_option(parser, default_text):
    """Add ``--engine`` to ``parser``; ``default_text`` says what the default is."""
    parser.add_argument("--engine", choices=ENGINES,
                        help=f"compute with the graph of Values (scalar) or the lecture notes' "
                             f"vectorized equations in NumPy (matrix); default {default_text}")


def chosen_engine(engine, default):
    """The engine to use: ``engine`` if given, else ``default``; CommandError if it is
    "matrix" and NumPy is missing."""
    engine = engine or default
    if engine == "matrix" and not numpy_installed():
        raise CommandError("--engine matrix needs NumPy, which is not installed: "
                           "pip install 'backproplab[fast]' (or use --engine scalar)")
    return engine
