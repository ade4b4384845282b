"""The engine's imports: no circles (imports inside functions included), nothing from nn,
and only the standard library in the engine's own modules.

Each module of ``autograd`` may import only modules below it, so the package reads (and
loads) one way: errors, numerics → ops → modes → value → backward, fast, graph_copy,
functional → check, viz.
"""

import sys
from pathlib import Path

import autograd
from module_graph import import_graph

PACKAGE = Path(autograd.__file__).parent
ENGINE = ("errors", "numerics", "ops", "modes", "value", "backward", "fast", "graph_copy",
          "functional", "__init__")
"""The modules that must need nothing beyond the standard library (pictures, checks,
strategies and the pytest plugin load their extras when used)."""

MODULES, imports, GRAPH = import_graph(autograd)


def test_no_module_of_autograd_imports_one_that_imports_it_back():
    def reaches(start, goal, seen):
        for nxt in GRAPH[start]:
            if nxt == goal:
                return [start, nxt]
            if nxt not in seen:
                seen.add(nxt)
                path = reaches(nxt, goal, seen)
                if path:
                    return [start] + path
        return None

    circles = []
    for name in sorted(GRAPH):
        for imported in sorted(GRAPH[name]):
            back = reaches(imported, name, {imported})
            if back:
                circles.append(" -> ".join([name] + back))
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_autograd_never_imports_nn():
    users = {name for name, path in MODULES.items()
             if any(m == "nn" or m.startswith("nn.") for m in imports(path))}
    assert not users


def test_the_engine_needs_only_the_standard_library():
    for short in ENGINE:
        path = PACKAGE / f"{short}.py"
        outside = {m for m in imports(path) if m.split(".")[0] not in sys.stdlib_module_names
                   and m.split(".")[0] != "autograd"}
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_the_reading_path_needs_nothing_but_ops_numerics_modes_and_errors():
    assert GRAPH["autograd.value"] == {"autograd.ops", "autograd.modes", "autograd.errors"}
    assert GRAPH["autograd.ops"] <= {"autograd", "autograd.numerics", "autograd.errors"}
