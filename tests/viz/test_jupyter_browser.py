"""The pictures and the explorer where learners use them: a real JupyterLab (and Notebook 7)
server, a notebook run in headless Chromium, and assertions on what the page shows.

One server and one notebook serve every test here (module fixtures): draw_dot and
draw_network outputs fit their cell, the explorer opens fitted and steps with the same
state in graph, tables and diagram, a value typed into a leaf is recomputed by the kernel,
live training shows its diagram and a moving epoch counter, the keys work and stay inside
the widget, the dark theme keeps labels readable, and nothing logs a console error.
"""

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)",
                allow_module_level=True)

from playwright import sync_api  # noqa: E402  (the test extra installs it)

pytest.importorskip("jupyterlab", reason="JupyterLab is in the test extra: pip install -e '.[all]'")
pytest.importorskip("anywidget", reason="the explorer widget needs the explorer extra")

from autograd import Value  # noqa: E402
from nn.explain import explain_step  # noqa: E402
from nn.explain.network_file import load_network  # noqa: E402
from nn.viz.explorer import example_path  # noqa: E402

TOKEN = "backproplab-test"
CELLS = {
    "graph": """from autograd import Value, draw_dot
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
L = (a * b + c).tanh()
L.label = "L"
L.backward()
draw_dot(L)""",
    "network": """from nn.viz.diagram import draw_network
from nn.explain.network_file import load_network
from nn.viz.explorer import example_path, explore
model, X, Y, loss, lr = load_network(example_path("lecture_2221"))
draw_network(model, x=X[0])""",
    "explorer": """explore("lecture_2221")""",
    "small": """x, w = Value(0.5, label="x"), Value(-1.5, label="w")
q = ((x * w).tanh() - 1.0) ** 2
explore(q, params=[w], lr=0.1, title="<b>q</b> <a href='javascript:alert(1)'>x</a>")""",
    "live": """from nn import MLP, SGD
from nn.data import moons
from nn.train import fit
X, y = moons(n=100, noise=0.1, seed=1)
model = MLP(2, [16, 16, 1], activations=["relu", "relu", "sigmoid"], init="he", seed=0)
history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.5, momentum=0.9),
              epochs=30, batch_size=20, seed=0, verbose=False, live=True)""",
}
ORDER = list(CELLS)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path):
    cells = [{"cell_type": "code", "execution_count": None, "id": name, "metadata": {},
              "outputs": [], "source": source} for name, source in CELLS.items()]
    path.write_text(json.dumps({
        "cells": cells, "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}}}), encoding="utf-8")


def _settings(folder, theme=None):
    """User settings for the lab: no news pop-up over the notebook, and a theme."""
    apputils = folder / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True, exist_ok=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    if theme:
        (apputils / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}),
                                                               encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A JupyterLab server on a free port, everything it writes under a temporary folder."""
    root = tmp_path_factory.mktemp("jupyter")
    work = root / "work"
    work.mkdir()
    _notebook(work / "explorer.ipynb")
    _settings(root / "settings")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / "config"),
               JUPYTER_DATA_DIR=str(root / "data"), JUPYTER_RUNTIME_DIR=str(root / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"),
               IPYTHONDIR=str(root / "ipython"), MPLCONFIGDIR=str(root / "mpl"),
               PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    port = _free_port()
    log = open(root / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--allow-root",
         f"--ServerApp.root_dir={work}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail("JupyterLab did not start:\n" +
                            (root / "server.log").read_text(encoding="utf-8")[-3000:])
            time.sleep(0.3)
    yield {"base": base, "root": root, "work": work}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Notebook:
    """The notebook open in a JupyterLab (or Notebook 7) page, run once, with its console errors."""

    def __init__(self, browser, server, app="lab", viewport=(1280, 800)):
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        url = (f"{server['base']}/lab/tree/explorer.ipynb" if app == "lab"
               else f"{server['base']}/notebooks/explorer.ipynb")
        self.page.goto(f"{url}?token={TOKEN}")
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # the kernel is connected and idle: the toolbar's indicator says so
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                    timeout=90_000)

    def run_all(self):
        """Run every cell (the Run menu's command) and wait until all have run."""
        for attempt in range(3):
            self.page.get_by_role("menuitem", name="Run", exact=True).click()
            self.page.locator("li[data-command='runmenu:run-all']").first.click()
            try:
                self.page.wait_for_function(
                    r"""() => [...document.querySelectorAll('.jp-Cell .jp-InputArea-prompt')]
                             .some(p => /\[[\d*]+\]/.test(p.textContent))""", timeout=15_000)
                break
            except sync_api.TimeoutError:
                self.page.keyboard.press("Escape")
        self.page.wait_for_function(
            """n => [...document.querySelectorAll('.jp-Cell .jp-InputArea-prompt')]
                    .filter(p => /\\[\\d+\\]/.test(p.textContent)).length >= n""",
            arg=len(CELLS), timeout=180_000)

    def output(self, name):
        """The output area of cell ``name``."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(ORDER.index(name)) \
            .locator(".jp-OutputArea")

    def explorer(self, name):
        return self.output(name).locator(".bpx").first

    def step(self, name):
        return int(self.explorer(name).get_attribute("data-step"))


@pytest.fixture(scope="module")
def lab(browser, server):
    notebook = Notebook(browser, server)
    notebook.run_all()
    notebook.explorer("explorer").wait_for(timeout=60_000)
    notebook.page.wait_for_function(
        """() => [...document.querySelectorAll('.bpx-live')].some(
                 l => (l.dataset.frames | 0) > 0 && /finished/.test(l.textContent))""",
        timeout=120_000)
    yield notebook
    notebook.page.close()


def six(x):
    text = f"{x:.6g}"
    return ("0" if text == "-0" else text).replace("-", "−")


# --- everything fits -------------------------------------------------------------------

def _overflow(page):
    """For every output: its width, and how far its widest picture or widget reaches past it."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => {
        const box = o.getBoundingClientRect();
        const reach = Math.max(0, ...[...o.querySelectorAll('img, svg, canvas, table, .bpx')]
            .filter(e => !e.closest('.bpx-picture, .bpx-tables'))   // those scroll inside the explorer
            .map(e => e.getBoundingClientRect().right - box.right));
        return {width: box.width, over: reach, scroll: o.scrollWidth - o.clientWidth,
                kind: o.className};
    })""")


@pytest.mark.parametrize("viewport", [(1280, 800), (800, 600)])
def test_every_output_fits_its_cell(lab, viewport):
    """draw_dot of the README's example (1152 px wide) and the 2-2-2-1 diagram were cut off
    in a 848 px output; every picture and widget now fits, at both window sizes."""
    lab.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    try:
        lab.page.wait_for_timeout(300)
        outputs = _overflow(lab.page)
        assert len(outputs) >= len(CELLS)
        for o in outputs:
            assert o["over"] <= 1 and o["scroll"] <= 1, o
        for name in ("graph", "network"):
            img = lab.output(name).locator("img").first
            natural = img.evaluate("i => i.naturalWidth")
            shown = img.bounding_box()["width"]
            width = lab.output(name).bounding_box()["width"]
            assert shown <= width and (shown < natural or natural <= width)
    finally:
        lab.page.set_viewport_size({"width": 1280, "height": 800})
    assert lab.errors == []
