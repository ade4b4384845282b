"""nn's imports: no circles (imports inside functions included), and the layers read one way.

Each module of ``nn`` may import only modules below it: the records (activations,
losses) and the engines under training, training under the pictures, the explain
package and the commands.  Training finds its live view through :mod:`nn.live_view`,
which :mod:`nn.viz` fills, so ``nn.train`` reaches no picture.
"""

import pytest

import nn
from module_graph import import_graph

MODULES, imports, GRAPH = import_graph(nn)


def reached(start):
    """Every module ``start`` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen - {start}


def test_the_import_graph_sees_imports_inside_functions():
    # nn.train imports nn.matrix.trainer only inside fit's helpers (NumPy is an extra)
    assert "nn.matrix.trainer" in GRAPH["nn.train"]


def path_back(start, goal):
    """The imports leading from ``start`` to ``goal`` (a list of modules), or None."""
    came_from, todo = {start: None}, [start]
    while todo:
        here = todo.pop(0)
        for nxt in sorted(GRAPH[here]):
            if nxt not in came_from:
                came_from[nxt] = here
                todo.append(nxt)
    if goal not in came_from:
        return None
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def test_no_module_of_nn_imports_one_that_imports_it_back():
    circles = set()
    for name in sorted(GRAPH):
        for imported in sorted(GRAPH[name]):
            back = path_back(imported, name)
            if back:
                circles.add(" -> ".join([name] + back))
    assert not circles, "import circles:\n" + "\n".join(sorted(circles))


@pytest.mark.parametrize("lower", ["nn.activations", "nn.losses", "nn.loss_arrays",
                                   "nn.accuracy", "nn.layers", "nn.train", "nn.matrix.network",
                                   "nn.matrix.trainer"])
def test_the_records_engines_and_training_reach_no_picture_explanation_or_command(lower):
    above = {m for m in reached(lower)
             if m.split(".")[:2] in (["nn", "viz"], ["nn", "explain"], ["nn", "cli"],
                                     ["nn", "lms"])}
    assert not above, f"{lower} reaches {sorted(above)}"


def test_the_records_need_nothing_of_nn_but_each_other():
    assert reached("nn.activations") == set()
    assert reached("nn.losses") <= {"nn.activations", "nn.accuracy", "nn.loss_arrays",
                                    "nn._checks"}
