"""The test suite, grouped like the packages: engine/ (autograd's core), check/ (gradient
checks), viz/ (pictures and the explorer), nn/, matrix/, explain/ (tables, grading,
exercises), cli/ (the ``backprop`` command, end to end); cross-cutting tests stay here.

pytest puts this folder on ``sys.path`` (it holds a conftest), so every test module can
import the shared helpers beside it (``bounded``: subprocesses with bounded memory).
"""

import os

import pytest

from chromium import CHROMIUM, NO_BROWSER, launched_browser


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session (tests/chromium.py)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(NO_BROWSER)
    with launched_browser() as launched:
        yield launched
