"""The ``backprop`` command: ``explain`` one step of a network, list ``examples``, ``train``."""

from .main import main

__all__ = ["main"]
