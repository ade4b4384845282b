"""The ways in to backproplab that run before anything else: the ``backprop`` command
(:mod:`backproplab.console`) and the pytest plugin (:mod:`backproplab.pytest_plugin`).

Each imports only the standard library (and pytest) when it loads, and the library
itself (``autograd``, ``nn``) only when it is needed: Ctrl-C while the command starts
says one line, and a project with an ``autograd`` package of its own runs its tests with
backproplab installed as if it were not.
"""
