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

from chromium import require_chromium  # noqa: E402

require_chromium()   # the browser fixture is in tests/conftest.py

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


def _idle_kernel(base, path, timeout=90):
    """Wait until the kernel of the notebook at ``path`` is connected and idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = json.load(urllib.request.urlopen(f"{base}/api/sessions?token={TOKEN}"))
        if any(s["path"] == path and s["kernel"]["execution_state"] == "idle"
               for s in sessions):
            return
        time.sleep(0.3)
    pytest.fail(f"the kernel of {path} did not start")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path, names=ORDER):
    cells = [{"cell_type": "code", "execution_count": None, "id": name, "metadata": {},
              "outputs": [], "source": CELLS[name]} for name in names]
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
    _notebook(work / "notebook7.ipynb", ["network", "explorer"])   # its own kernel
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
        _idle_kernel(server["base"], "explorer.ipynb")

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


# --- the explorer in JupyterLab ------------------------------------------------------------

def _walkthrough():
    from nn.viz.explorer import explore

    return explore("lecture_2221").script


def _focus(lab, name):
    """Scroll the explorer to the top of the notebook's view and give it the keyboard."""
    explorer = lab.explorer(name)
    explorer.evaluate("e => e.scrollIntoView({block: 'start'})")
    explorer.locator("h3").click()
    return explorer


def test_explorer_opens_fitted_and_steps_with_one_state_in_every_view(lab, views):
    """Graph, tables and diagram show the same step, the graph opens whole in its cell,
    the current table is in view at 1280×800 and the page height never changes."""
    snapshot, check = views
    script = _walkthrough()
    explorer = _focus(lab, "explorer")
    fitted = explorer.evaluate("""e => {
        const svg = e.querySelector('.bpx-picture[data-view=graph] svg').getBoundingClientRect();
        const box = e.querySelector('.bpx-pictures').getBoundingClientRect();
        return svg.width <= box.width + 1 && svg.height <= box.height + 1 && box.width > 300;
    }""")
    assert fitted
    explorer.locator('[data-action="start"]').click()
    heights = set()
    for k in range(len(script["steps"])):
        assert lab.step("explorer") == k
        shown = explorer.evaluate(snapshot)
        check(shown, script)
        heights.add(explorer.evaluate("e => e.offsetHeight"))
        if shown["cells"] and any(c["current"] for c in shown["cells"].values()):
            place = explorer.evaluate("""e => {
                const td = e.querySelector('.bpx-grid:not([hidden]) .bpx-cell-current');
                const r = td.getBoundingClientRect();
                const area = document.querySelector('.jp-WindowedPanel-outer, .jp-Notebook')
                    .getBoundingClientRect();
                return r.top >= area.top && r.bottom <= Math.min(area.bottom, innerHeight);
            }""")
            assert place, f"step {k}: the current cell is out of view"
        lab.page.keyboard.press("ArrowRight")
    assert len(heights) == 1, heights
    explorer.locator('[data-action="view-diagram"]').click()
    for k in (0, 12, 20, 30):
        explorer.evaluate(f"e => {{ e.querySelector('[data-control=slider]').value = {k};"
                          "e.querySelector('[data-control=slider]').dispatchEvent(new Event('input')); }")
        check(explorer.evaluate(snapshot), script)
        heights.add(explorer.evaluate("e => e.offsetHeight"))
    assert len(heights) == 1, heights
    explorer.locator('[data-action="view-graph"]').click()
    assert lab.errors == []


def _active_cell(lab):
    return lab.page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
        .findIndex(c => c.classList.contains('jp-mod-active'))""")


def test_arrow_keys_step_the_explorer_and_leave_the_cell_selection_alone(lab):
    explorer = _focus(lab, "explorer")
    explorer.locator('[data-action="start"]').click()
    active = _active_cell(lab)
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "PageDown", "ArrowDown"):
        lab.page.keyboard.press(key)
    assert _active_cell(lab) == active and lab.step("explorer") == 0
    lab.page.keyboard.press("ArrowRight")
    lab.page.keyboard.press("ArrowRight")
    lab.page.keyboard.press("ArrowLeft")
    assert lab.step("explorer") == 1 and _active_cell(lab) == active
    lab.page.keyboard.press("End")
    assert lab.step("explorer") == len(_walkthrough()["steps"]) - 1
    assert lab.errors == []


def _node_id(script, name):
    return next(n["id"] for n in script["nodes"] if n["name"] == name)


def _edit(lab, explorer, target, text):
    """Click ``target`` (a leaf), type ``text`` and wait for the kernel's answer."""
    target.click()
    editor = explorer.locator("[data-field=editor]")
    editor.wait_for(state="visible")
    explorer.locator("[data-control=value]").fill(text)
    lab.page.keyboard.press("Enter")
    lab.page.wait_for_function("e => ['done', 'error'].includes(e.dataset.editing)",
                               arg=explorer.element_handle(), timeout=60_000)
    return explorer.get_attribute("data-editing")


def test_changing_a_weight_recomputes_every_number_at_the_same_step(lab, views):
    """Click W^[3]_1,1 in the graph, type 0.5: every value, gradient, table cell and update
    is recomputed by the kernel's engine, and the explorer stays at its step."""
    from nn.viz.explorer.sources import NetworkSource

    snapshot, check = views
    script = _walkthrough()
    explorer = _focus(lab, "explorer")
    explorer.evaluate("e => { const s = e.querySelector('[data-control=slider]');"
                      "s.value = 20; s.dispatchEvent(new Event('input')); }")
    leaf = explorer.locator(f'.bpx-picture[data-view=graph] g.node:has(title:text-is('
                            f'"{_node_id(script, "W^[3]_1,1")}"))')
    assert _edit(lab, explorer, leaf, "abc") == "error"
    assert "'abc' is not a number" in explorer.locator("[data-field=editor]").inner_text()
    explorer.locator('[data-action="cancel"]').click()
    assert _edit(lab, explorer, leaf, "0.5") == "done"
    lab.page.wait_for_function("e => e.dataset.editing === 'done' && !e.querySelector("
                               "'[data-field=editor]').offsetParent", arg=explorer.element_handle())
    assert lab.step("explorer") == 20
    model, X, Y, loss, lr = load_network(example_path("lecture_2221"))
    expected = NetworkSource(model, X, Y, loss=loss, lr=lr).edited(["W", 3, 1, 1], "0.5").script()
    check(explorer.evaluate(snapshot), expected)
    explorer.locator('[data-action="end"]').click()
    check(explorer.evaluate(snapshot), expected)
    model.layers[2].neurons[0].w[0].data = 0.5
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    assert explorer.locator('[data-cell="loss"]').text_content() == six(d.loss)
    assert explorer.locator('[data-cell="W_new-1-0-0"]').text_content() == \
        six(d.layers[0].W_new[0][0])
    assert "Recomputed" in explorer.locator("[data-field=message]").inner_text()
    assert lab.errors == []


def test_changing_a_target_in_its_table_recomputes_the_loss(lab, views):
    from nn.viz.explorer.sources import NetworkSource

    snapshot, check = views
    explorer = _focus(lab, "explorer")
    explorer.locator('.bpx-tabs [data-group="batch"]').click()
    assert _edit(lab, explorer, explorer.locator('[data-cell="Y-0-0-0"]'), "0.25") == "done"
    model, X, Y, loss, lr = load_network(example_path("lecture_2221"))
    source = NetworkSource(model, X, Y, loss=loss, lr=lr)
    expected = source.edited(["W", 3, 1, 1], "0.5").edited(["y", 1], "0.25").script()
    explorer.locator('[data-action="end"]').click()
    check(explorer.evaluate(snapshot), expected)
    model.layers[2].neurons[0].w[0].data = 0.5
    d = explain_step(model, X, [0.25], loss=loss, lr=lr)
    assert explorer.locator('[data-cell="loss"]').text_content() == six(d.loss)
    # redrawn twice, the explorer still takes one step per key (no listener left behind)
    last = lab.step("explorer")
    explorer.locator("h3").click()
    lab.page.keyboard.press("ArrowLeft")
    lab.page.keyboard.press("ArrowLeft")
    lab.page.keyboard.press("ArrowRight")
    assert lab.step("explorer") == last - 1
    assert explorer.locator("[data-field=counter]").inner_text() == \
        f"step {last - 1} of {len(expected['steps']) - 1}"
    assert lab.errors == []


def test_a_value_graph_shows_constants_unknown_gradients_and_a_hostile_title_as_text(lab, views):
    snapshot, check = views
    explorer = _focus(lab, "small")
    explorer.locator('[data-action="start"]').click()
    shown = explorer.evaluate(snapshot)
    assert {g["grad"] for g in shown["graph"].values() if g["grad"] is not None} == {"?"}
    constants = explorer.locator(".bpx-picture[data-view=graph] g.node.bpx-st-constant")
    assert constants.count() == 1 and "grad" not in constants.first.text_content()
    found = explorer.evaluate("""e => ({links: e.querySelectorAll('a').length,
        heading: e.querySelector('h3').textContent})""")
    assert found == {"links": 0,
                     "heading": "<b>q</b> <a href='javascript:alert(1)'>x</a>"}
    leaf = explorer.locator('.bpx-picture[data-view=graph] g.node:has(title:text-is("n0"))')
    assert _edit(lab, explorer, leaf, "2") == "done"
    x, w = Value(2.0, label="x"), Value(-1.5, label="w")
    q = ((x * w).tanh() - 1.0) ** 2
    from nn.viz.explorer import explore

    expected = explore(q, params=[w], lr=0.1,
                       title="<b>q</b> <a href='javascript:alert(1)'>x</a>").script
    explorer.locator('[data-action="end"]').click()
    check(explorer.evaluate(snapshot), expected)
    assert lab.errors == []


# --- live training ------------------------------------------------------------------------

def test_live_training_shows_its_diagram_and_a_moving_epoch_counter(lab):
    """fit(..., live=True) of the README's run: the diagram is there, the widget received
    frames between the first and the last (the counter moved), and the last says epoch 30."""
    live = lab.output("live").locator(".bpx-live")
    live.evaluate("e => e.scrollIntoView({block: 'start'})")
    assert live.locator(".bpx-live-diagram svg g.node:has(ellipse)").count() == 2 + 16 + 16 + 1
    assert live.locator(".bpx-live-diagram svg").evaluate(
        "s => s.getBoundingClientRect().width > 100 && s.getBoundingClientRect().height > 100")
    assert int(live.get_attribute("data-frames")) >= 3   # frame 0, at least one on the way, the last
    assert live.get_attribute("data-epoch") == "30"
    assert live.locator("[data-field=epoch]").inner_text() == "epoch 30"
    assert live.locator("[data-field=status]").inner_text().startswith("finished: epoch 30")
    points = live.locator(".bpx-curve-line").get_attribute("points")
    live.locator("[data-control=log-scale]").check()
    assert live.locator(".bpx-curve-line").get_attribute("points") != points
    assert lab.errors == []


# --- the dark theme, and Notebook 7 --------------------------------------------------------

def _contrast(rgb_text, rgb_back):
    def channels(text):
        return [int(float(v)) for v in text[text.index("(") + 1:text.index(")")].split(",")[:3]]

    def luminance(rgb):
        parts = [c / 255 for c in rgb]
        parts = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    a, b = sorted([luminance(channels(rgb_text)), luminance(channels(rgb_back))], reverse=True)
    return (a + 0.05) / (b + 0.05)


def _theme(lab, name):
    """Choose a theme from JupyterLab's Settings menu."""
    lab.page.get_by_role("menuitem", name="Settings", exact=True).click()
    lab.page.locator('li.lm-Menu-item[data-type="submenu"]', has_text="Theme").first.hover()
    lab.page.locator('li[data-command="apputils:change-theme"]', has_text=name).first.click()


def test_button_labels_are_readable_in_the_dark_theme(lab):
    _theme(lab, "JupyterLab Dark")
    try:
        lab.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                                   timeout=30_000)
        lab.page.wait_for_timeout(500)
        colours = lab.page.evaluate("""() => [...document.querySelectorAll(
                '.bpx button, .bpx select, .bpx-title, .bpx-line, .bpx-table td:not(.bpx-cell-pending)')]
            .filter(e => e.offsetParent)
            .map(e => {
                let back = e, bg = 'rgba(0, 0, 0, 0)';
                while (back && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) {
                    bg = getComputedStyle(back).backgroundColor; back = back.parentElement;
                }
                return [e.textContent.trim().slice(0, 20), getComputedStyle(e).color, bg];
            })""")
        assert len(colours) > 20
        poor = [(text, fg, bg) for text, fg, bg in colours if _contrast(fg, bg) < 4.5]
        assert poor == []
    finally:
        _theme(lab, "JupyterLab Light")
    assert lab.errors == []


def test_notebook7_steps_with_the_arrow_keys(browser, server):
    """← → step the explorer in Notebook 7 too, and ↑/↓ leave its cell selection alone."""
    pytest.importorskip("notebook", reason="Notebook 7 is in the test extra")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    # Notebook 7.6's own shortcut settings raise "reading 'schema'" when any cell runs (a
    # notebook of print(1) does it too): errors thrown wholly inside its bundle are its own.
    page.on("pageerror", lambda e: "/static/notebook/notebook_core." in (e.stack or "")
            and "/static/notebook/" in e.stack.splitlines()[1] or errors.append(str(e)))
    try:
        page.goto(f"{server['base']}/notebooks/notebook7.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        _idle_kernel(server["base"], "notebook7.ipynb")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator("li[data-command='runmenu:run-all']").first.click()
        explorer = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".bpx").first
        explorer.wait_for(timeout=90_000)
        explorer.locator("h3").click()
        active = page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
            .findIndex(c => c.classList.contains('jp-mod-active'))""")
        for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowUp", "ArrowDown"):
            page.keyboard.press(key)
        assert explorer.get_attribute("data-step") == "2"
        assert page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
            .findIndex(c => c.classList.contains('jp-mod-active'))""") == active
        page.keyboard.press("ArrowLeft")
        assert explorer.get_attribute("data-step") == "1"
        assert errors == []
    finally:
        page.close()
