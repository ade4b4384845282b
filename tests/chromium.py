"""Headless Chromium for the browser tests: Debian's ``chromium`` package driven by Playwright
(never ``playwright install``).  A test module calls :func:`require_chromium` before it
imports Playwright and takes the session-wide ``browser`` fixture (tests/conftest.py)."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Launch flags that work on the project's machines (see GUIDE.md)."""


NO_BROWSER = f"no browser: {CHROMIUM} is missing (apt-get install chromium)"


def require_chromium():
    """Skip the calling test module, in one line, where the browser is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(NO_BROWSER, allow_module_level=True)


def launched_browser():
    """A context manager giving one headless Chromium (Playwright's ``Browser``)."""
    from contextlib import contextmanager

    from playwright import sync_api   # the test extra installs it

    @contextmanager
    def session():
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser
            finally:
                browser.close()

    return session()
