"""The explorer page in a real browser: headless Chromium (Debian's package) driven by
Playwright.  Steps with the keyboard and the buttons, checks the numbers shown are the
engine's, that stepping back restores the earlier state, and that the page logs no
console error and requests nothing but its own file."""

import math
import time

import pytest

from autograd import Value, topological_order
from nn.explain import explain_step
from nn.explain.network_file import load_network
from nn.viz.explorer import example_path, explore

from chromium import browser, require_chromium  # noqa: F401  (browser: the fixture)

require_chromium()


def six(x):
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


class Page:
    """A loaded explorer page that records console errors and every request."""

    def __init__(self, browser, path):
        self.url = path.as_uri()
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        self.page.wait_for_selector("[data-step]")

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    @property
    def step(self):
        return int(self.page.get_attribute("#bpx-root", "data-step"))

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)

    def click(self, action):
        self.page.click(f'[data-action="{action}"]')

    def lines(self):
        return self.page.locator(".bpx-line").all_inner_texts()

    def box(self, node_id):
        """The texts of graph node ``node_id``'s box and its status classes."""
        return self.page.evaluate("""id => {
            const g = [...document.querySelectorAll('.bpx-picture[data-view=graph] g.node')]
                .find(g => g.querySelector('title').textContent === id);
            return {texts: [...g.querySelectorAll('text')].map(t => t.textContent),
                    cls: g.getAttribute('class')};
        }""", node_id)

    def snapshot(self):
        """Everything the page shows that depends on the step."""
        return self.page.evaluate("""() => ({
            graph: [...document.querySelectorAll('svg g')].map(g =>
                [...g.classList].sort().join(' ') + '|' +
                [...g.querySelectorAll(':scope > text')].map(t => t.textContent).join('/')),
            cells: [...document.querySelectorAll('[data-cell]')].map(td =>
                [...td.classList].sort().join(' ')),
            panel: document.querySelector('.bpx-panel').innerText,
            hidden: [...document.querySelectorAll('.bpx-picture')].map(b => b.hidden),
        })""")

    def close(self):
        assert self.errors == [], self.errors
        assert set(self.requests) == {self.url}, self.requests
        self.page.close()


@pytest.fixture()
def small(tmp_path, browser):
    x, w, b = Value(0.5, label="x"), Value(-1.5, label="w"), Value(0.2, label="b")
    z = x * w + b
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    L = (a - 1.0) ** 2
    L.label = "L"
    explorer = explore(L, params=[w, b], lr=0.1)
    explorer.save_html(tmp_path / "small.html")
    page = Page(browser, tmp_path / "small.html")
    yield page, explorer.script, {"x": x, "w": w, "b": b, "z": z, "a": a, "L": L}
    page.close()


def test_forward_steps_show_the_engines_values(small):
    page, script, v = small
    ids = {n["name"]: n["id"] for n in script["nodes"]}
    assert page.step == 0
    assert f"data ?" in page.box(ids["z"])["texts"]
    assert "bpx-st-pending" in page.box(ids["z"])["cls"]
    zh = 0.5 * -1.5 + 0.2
    ah = 1 / (1 + math.exp(-zh))
    page.press("ArrowRight", 2)   # x·w, then z
    assert page.step == 2
    assert f"data {six(zh)}" in page.box(ids["z"])["texts"]
    assert "bpx-current" in page.box(ids["z"])["cls"]
    assert page.lines()[-1] == f"= {six(zh)}"
    page.press("ArrowRight")
    assert page.lines() == ["a = σ(z)", f"= σ({six(zh)})", f"= {six(ah)}"]
    assert f"data {six(ah)}" in page.box(ids["a"])["texts"]
    assert "bpx-current" not in page.box(ids["z"])["cls"]
    assert "bpx-st-computed" in page.box(ids["z"])["cls"]


def test_backward_steps_show_the_engines_gradients(small):
    page, script, v = small
    ids = {n["name"]: n["id"] for n in script["nodes"]}
    zh = 0.5 * -1.5 + 0.2
    ah = 1 / (1 + math.exp(-zh))
    dL_da = 2 * (ah - 1)
    dL_dz = dL_da * ah * (1 - ah)
    first_backward = next(i for i, s in enumerate(script["steps"]) if s["phase"] == "backward")
    page.press("ArrowRight", first_backward)
    assert "grad 1" in page.box(ids["L"])["texts"]
    assert "grad 0" in page.box(ids["w"])["texts"]
    while "Backward: a" not in page.page.inner_text(".bpx-title"):
        page.click("next")
    assert f"∂a/∂z = σ(z)·(1 − σ(z)) = {six(ah * (1 - ah))}" in page.lines()
    assert f"grad {six(dL_dz)}" in page.box(ids["z"])["texts"]
    assert "bpx-st-done" in page.box(ids["a"])["cls"]
    assert "bpx-st-done" not in page.box(ids["z"])["cls"]   # z's turn is still to come
    page.click("end")
    assert page.step == len(script["steps"]) - 1
    assert f"grad {six(dL_dz * 0.5)}" in page.box(ids["w"])["texts"]
    assert f"data {six(-1.5 - 0.1 * dL_dz * 0.5)}" in page.box(ids["w"])["texts"]
    assert "bpx-st-updated" in page.box(ids["w"])["cls"]
    assert f"data {six(0.5)}" in page.box(ids["x"])["texts"]   # an input is not updated


def test_stepping_back_restores_exactly_the_earlier_state(small):
    page, script, v = small
    seen = []
    for k in range(len(script["steps"])):
        assert page.step == k
        seen.append(page.snapshot())
        page.press("ArrowRight")
    page.press("ArrowRight")   # past the end stays at the end
    assert page.snapshot() == seen[-1]
    for k in reversed(range(len(script["steps"]))):
        assert page.snapshot() == seen[k], f"step {k} differs after stepping back"
        page.click("prev") if k % 2 else page.press("ArrowLeft")
    page.click("end")
    page.click("start")
    assert page.snapshot() == seen[0]


def test_play_pause_with_space(small):
    page, script, v = small
    page.page.select_option('[data-control="speed"]', "8")
    page.press(" ")
    assert page.page.inner_text('[data-action="play"]') == "pause"
    deadline = time.monotonic() + 60   # a bound against hanging, not a speed requirement
    while page.step < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    page.press(" ")
    stopped = page.step
    assert stopped >= 3
    time.sleep(0.4)
    assert page.step == stopped
    assert page.page.inner_text('[data-action="play"]') == "play"


def test_walkthrough_tables_and_diagram(tmp_path, browser):
    path = explore("lecture_2221").save_html(tmp_path / "walkthrough.html")
    from pathlib import Path

    page = Page(browser, Path(path))
    model, X, Y, loss, lr = load_network(example_path("lecture_2221"))
    d = explain_step(model, X, Y, loss=loss, lr=lr)
    cell = lambda cid: page.page.locator(f'[data-cell="{cid}"]')
    assert "bpx-cell-pending" in cell("delta-1-0-0").get_attribute("class")
    while "Backward: z^[1]_1" not in page.page.inner_text(".bpx-title"):
        page.press("ArrowRight")
    assert cell("delta-1-0-0").inner_text() == six(d.layers[0].delta[0][0])
    assert "bpx-cell-current" in cell("delta-1-0-0").get_attribute("class")
    assert "bpx-cell-done" in cell("delta-3-0-0").get_attribute("class")
    assert f"= {six(d.layers[0].delta[0][0])}," in page.lines()[0]
    page.click("view-diagram")
    assert page.page.locator('[data-view="graph"]').is_hidden()
    diagram = page.page.locator('[data-view="diagram-grad"]')
    assert diagram.is_visible()
    assert diagram.locator("g.node.bpx-current title").text_content() == "l1n1"
    page.press("End")
    assert page.page.locator('[data-view="diagram-update"]').is_visible()
    for l, layer in enumerate(d.layers, 1):
        for j, row in enumerate(layer.W_new):
            for k, w in enumerate(row):
                assert cell(f"W_new-{l}-{j}-{k}").inner_text() == six(w)
    page.click("view-graph")
    assert page.page.locator('[data-view="graph"]').is_visible()
    page.page.screenshot(path=str(tmp_path / "walkthrough.png"))
    page.close()


def test_batch_page_steps_through_every_sample(tmp_path, browser):
    from pathlib import Path

    from nn.layers import MLP

    model = MLP(2, [2, 1], activations=["relu", "sigmoid"], seed=7)
    X = [[0.5, -1.0], [1.0, 2.0]]
    Y = [1.0, 0.0]
    path = explore(model, X, Y, loss="bce", lr=0.1).save_html(tmp_path / "batch.html")
    page = Page(browser, Path(path))
    d = explain_step(model, X, Y, loss="bce", lr=0.1)
    page.press("End")
    for l, layer in enumerate(d.layers, 1):
        for j, row in enumerate(layer.Z):
            for i, z in enumerate(row):
                assert page.page.inner_text(f'[data-cell="Z-{l}-{j}-{i}"]') == six(z)
    assert page.page.inner_text('[data-cell="loss"]') == six(d.loss)
    page.close()


def test_live_training_view_shows_the_frame(tmp_path, browser):
    """The widget's live view, driven by a stand-in for anywidget's model in the page."""
    import json
    from pathlib import Path

    from nn.layers import MLP
    from nn.train import fit
    from nn.viz.explorer import LiveTraining
    from nn.viz.explorer.page import asset

    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0.0, 1.0, 1.0, 0.0]
    model = MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=2)
    live = LiveTraining(X, y, grid=8, display=False)
    fit(model, X, y, loss="bce", epochs=4, verbose=False, live=live)
    state = {"mode": "live", "diagram_svg": live.widget.diagram_svg, "frame": live.widget.frame}
    state_json = json.dumps(state).replace("</", "<\\/")
    page_text = f"""<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>{asset("explorer.css")}</style></head><body><div id="bpx-root"></div>
<script type="module">
{asset("explorer.js")}
const state = {state_json};
const model = {{ get: k => state[k], on: () => {{}} }};
render({{ model, el: document.getElementById("bpx-root") }});
document.getElementById("bpx-root").dataset.step = "0";
</script></body></html>"""
    path = tmp_path / "live.html"
    path.write_text(page_text, encoding="utf-8")
    page = Page(browser, Path(path))
    assert page.page.inner_text('[data-field="status"]') == live.widget.frame["status"]
    grad = max(abs(w.grad) for n in model.layers[1].neurons for w in n.w)
    assert f"max |∂L/∂W^[2]| = {grad:.3g}" in page.page.inner_text('[data-field="gradients"]')
    w = model.layers[0].neurons[0].w[1].data
    edge = page.page.evaluate("""() => {
        const g = [...document.querySelectorAll('g.edge')]
            .find(g => g.querySelector('title').textContent === 'x2->l1n1');
        return {label: g.querySelector('text').textContent,
                stroke: g.querySelector('path').getAttribute('stroke')};
    }""")
    assert edge["label"] == f"{w:.3g}"
    assert edge["stroke"] == ("#1f77b4" if w > 0 else "#d62728")
    assert page.page.locator("canvas.bpx-boundary").count() == 1
    assert page.page.locator(".bpx-curve-line").count() == 1
    page.page.screenshot(path=str(tmp_path / "live.png"))
    page.close()


def test_widget_front_end_steps_with_keys_on_its_own_element(tmp_path, browser):
    """The anywidget entry point (render) with a stand-in model: keys act only when the
    explorer has focus, so a notebook's own shortcuts keep working elsewhere."""
    import json
    from pathlib import Path

    from nn.viz.explorer.page import asset

    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    L = (x * w).exp()
    L.label = "L"
    state = {"mode": "steps", "script": explore(L).script}
    state_json = json.dumps(state).replace("</", "<\\/")
    path = tmp_path / "widget.html"
    path.write_text(f"""<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>{asset("explorer.css")}</style></head><body><input id="elsewhere">
<div id="bpx-root"></div>
<script type="module">
{asset("explorer.js")}
const state = {state_json};
const model = {{ get: k => state[k], on: () => {{}} }};
render({{ model, el: document.getElementById("bpx-root") }});
</script></body></html>""", encoding="utf-8")
    page = Page(browser, Path(path))
    page.page.focus("#elsewhere")
    page.press("ArrowRight")
    assert page.step == 0
    page.page.focus("#bpx-root")
    page.press("ArrowRight", 2)
    assert page.step == 2
    assert page.lines() == ["L = exp(#2)", "= exp(-1)", f"= {six(math.exp(-1.0))}"]
    page.close()


def test_notebook_page_without_anywidget_runs_in_its_frame(tmp_path, browser, monkeypatch):
    """What Jupyter shows when anywidget is missing: the page in an iframe, working."""
    import sys
    from pathlib import Path

    monkeypatch.setitem(sys.modules, "nn.viz.explorer.widget", None)
    x = Value(3.0, label="x")
    L = x * x
    L.label = "L"
    path = tmp_path / "output.html"
    # The outer page stands in for a notebook's output area (Page waits for [data-step]).
    path.write_text("<!doctype html><meta charset='utf-8'><body><div id='bpx-root' "
                    "data-step='0'>notebook output</div>" + explore(L)._repr_html_(),
                    encoding="utf-8")
    page = Page(browser, Path(path))
    frame = page.page.frame_locator("iframe")
    frame.locator('[data-action="next"]').click()
    assert frame.locator(".bpx-line").all_inner_texts() == ["L = x · x", "= 3 · 3", "= 9"]
    page.close()
