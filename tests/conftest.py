"""The test suite, grouped like the packages: engine/ (autograd's core), check/ (gradient
checks), viz/ (pictures and the explorer), nn/, matrix/, explain/ (tables, grading,
exercises), cli/ (the ``backprop`` command, end to end); cross-cutting tests stay here.

pytest puts this folder on ``sys.path`` (it holds a conftest), so every test module can
import the shared helpers beside it (``bounded``: subprocesses with bounded memory).
"""
