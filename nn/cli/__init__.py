"""The ``backprop`` command (:mod:`nn.cli.main`); ``backprop`` alone lists its commands."""

from .main import main

__all__ = ["main"]
