"""Helpers of the explorer's browser tests: what a page shows, read back and checked against
the script it was made from (the standalone page and JupyterLab alike).  The browser itself
is the session-wide ``browser`` fixture of tests/conftest.py."""

import pytest

SNAPSHOT = """root => {
    const text = (g, prefix) => {
        const t = [...g.querySelectorAll('text')].find(t => t.textContent.startsWith(prefix));
        return t ? t.textContent.slice(prefix.length) : null;
    };
    const graph = {};
    for (const g of root.querySelectorAll('.bpx-picture[data-view=graph] g.node')) {
        graph[g.querySelector('title').textContent] =
            {data: text(g, 'data '), grad: text(g, 'grad '), cls: g.getAttribute('class') || ''};
    }
    const cells = {};
    for (const td of root.querySelectorAll('[data-cell]')) {
        cells[td.dataset.cell] = {text: td.textContent,
            pending: td.classList.contains('bpx-cell-pending'),
            current: td.classList.contains('bpx-cell-current')};
    }
    const diagrams = {};
    for (const box of root.querySelectorAll('.bpx-picture[data-view^="diagram-"]')) {
        const elements = {};
        for (const g of box.querySelectorAll('g.node, g.edge')) {
            elements[g.querySelector('title').textContent] = {
                texts: [...g.querySelectorAll('text')].map(t => t.textContent),
                pending: g.classList.contains('bpx-st-pending'),
                current: g.classList.contains('bpx-current')};
        }
        diagrams[box.dataset.view.slice(8)] = {hidden: box.hidden, elements};
    }
    return {step: Number(root.dataset.step), graph, cells, diagrams,
            graphHidden: root.querySelector('.bpx-picture[data-view=graph]').hidden};
}"""


def replay(script, upto):
    state = {k: dict(v) for k, v in script["initial"].items()}
    for step in script["steps"][:upto + 1]:
        for node, values in step["set"].items():
            state[node].update(values)
    return state


def _known(s, what):
    if what in ("data", "grad"):
        return s[what] != "?"
    return s["status"] == what


def _changed(step, node, what):
    change = step["set"].get(node, {})
    return what in change if what in ("data", "grad") else change.get("status") == what


def check_views(shown, script):
    """Graph, tables and diagram on the page show the state of the script's step
    ``shown["step"]``, and the same numbers where they show the same thing."""
    k = shown["step"]
    step = script["steps"][k]
    state = replay(script, k)
    by_id = {n["id"]: n for n in script["nodes"]}
    for node, s in state.items():
        if by_id[node]["constant"]:
            continue
        g = shown["graph"][node]
        # a side output (ŷ when BCE reads z^[L]) has no gradient: no grad in its state or box
        assert ("grad" in s) != by_id[node].get("side", False), (k, by_id[node]["name"], s)
        assert (g["data"], g["grad"]) == (s["data"], s.get("grad")), (k, by_id[node]["name"], g, s)
        assert f"bpx-st-{s['status']}" in g["cls"], (k, by_id[node]["name"], g["cls"])
    m = script.get("tables", {}).get("m", 1)
    groups = [script["tables"]["batch"]] + [layer["tables"] for layer in
                                            script["tables"]["layers"]] if "tables" in script else []
    for tables in groups:
        for t in tables:
            for row in t["rows"]:
                for cell in row:
                    page = shown["cells"][cell["id"]]
                    assert page["text"] == cell["text"]
                    if "bind" not in cell:
                        assert not page["pending"] and not page["current"], cell["id"]
                        continue
                    node, what = cell["bind"]
                    known = _known(state[node], what)
                    assert page["pending"] == (not known), (k, cell["id"], page, state[node])
                    assert page["current"] == _changed(step, node, what), (k, cell["id"])
                    same_number = what == "data" or (what == "grad" and (
                        m == 1 or t["key"] in ("dL_dW", "dL_db")))
                    if known and same_number:   # the graph's box shows this very number
                        assert shown["graph"][node][what] == cell["text"], (k, cell["id"])
    for d in script.get("diagrams", []):
        on_page = shown["diagrams"][d["name"]]
        for element, fields in d["fields"].items():
            drawn = on_page["elements"][element]
            pending = False
            for prefix, ties, suffix in fields:
                values = [state[node][what] for node, what in ties]
                pending |= "?" in values
                assert prefix + ", ".join(values) + suffix in drawn["texts"], (k, element, drawn)
            assert drawn["pending"] == pending, (k, element)
    visible = [name for name, d in shown["diagrams"].items() if not d["hidden"]]
    assert len(visible) + (not shown["graphHidden"]) == 1


@pytest.fixture
def views():
    """(the page's snapshot script, the checker) for tests that step through an explorer."""
    return SNAPSHOT, check_views
