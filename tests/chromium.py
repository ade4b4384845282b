"""Headless Chromium for the browser tests: Debian's ``chromium`` package driven by Playwright
(never ``playwright install``).  A test module calls :func:`require_chromium` before it
imports Playwright and takes the module-scoped ``browser`` fixture from here."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Launch flags that work on the project's machines (see GUIDE.md)."""


def require_chromium():
    """Skip the calling test module, in one line, where the browser is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)",
                    allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module."""
    from playwright import sync_api   # the test extra installs it
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
