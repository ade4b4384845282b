"""The primitive records: each carries every field, and every consumer renders every one.

Walks :data:`autograd.ops.PRIMITIVES` and, for each record, a node it made (one case per
primitive from ``test_ops.CASES``, which must cover them all): the record's own fields,
its rule and formulas agree on the number of inputs, and each consumer that shows a
primitive renders it — the explorer's formulas and script, ``backward_steps`` text,
``draw_dot`` pictures, and the LaTeX a worksheet reads.  A new primitive missing any of
this fails here by name.
"""

import re
from types import SimpleNamespace

import pytest

import autograd
from autograd import Value, backward_steps, draw_dot, ops
from autograd.value import constant_of
from autograd.viz.dot import plain_text
from nn.viz.explorer import formulas as explorer_formulas
from nn.viz.explorer import script as explorer_script

from test_ops import CASES
from latex_text import balanced

ONE_CASE = {}
for case in CASES:
    ONE_CASE.setdefault(case.name, case)


def made_by(name, labels=True):
    """(node, its parents) made by the primitive ``name`` at its case's first point."""
    case = ONE_CASE[name]
    leaves = [Value(x, f"x{k}" if labels else "") for k, x in enumerate(case.points[0], 1)]
    node = case.f(*leaves)
    assert node.primitive is ops.PRIMITIVES[name]
    return node


def test_every_primitive_has_a_case_to_make_a_node():
    assert set(ONE_CASE) == set(ops.PRIMITIVES)


@pytest.mark.parametrize("name", sorted(ops.PRIMITIVES))
def test_every_record_has_every_field(name):
    record = ops.PRIMITIVES[name]
    # ops.mul, ops.tanh, ...; a Python builtin's name takes a trailing _: ops.abs_, ops.pow_
    assert record.name == name and (getattr(ops, name, None) or getattr(ops, name + "_")) is record
    for text in (record.symbol, record.micrograd_op, record.output):
        assert isinstance(text, str) and text
    assert callable(record.rule) and callable(record.show) and callable(record.show_latex)
    names, constant = record.example
    assert (constant is None) == (record.constant is None)
    for x in names:
        assert f"∂{record.output}/∂{x} = " in record.formula
    assert record.formula.startswith(f"{record.output} = ")
    assert r"\frac{\partial " in record.formula_latex and balanced(record.formula_latex)
    assert record.formula in repr(record)


@pytest.mark.parametrize("name", sorted(ops.PRIMITIVES))
def test_rule_and_formulas_agree_on_the_inputs(name):
    node = made_by(name)
    record, parents = node.primitive, node.parents
    numbers = [p.data for p in parents] + ([] if record.constant is None else [constant_of(node)])
    assert len(record.rule(*numbers)) == 1 + len(parents) == 1 + len(node.local_grads)
    names = [p.label for p in parents]
    for latex in (False, True):
        shown = record.formulas(names, "y", constant_of(node), latex=latex)
        assert len(shown) == 1 + len(parents) and all(isinstance(s, str) and s for s in shown)
        assert all(n in shown[0] for n in names), shown[0]  # z's formula names every input
        if latex:
            assert all(balanced(s) for s in shown), shown


@pytest.mark.parametrize("name", sorted(ops.PRIMITIVES))
def test_the_explorer_writes_every_primitive_with_its_record(name):
    node = made_by(name)
    names = [p.label for p in node.parents]
    forward, *local = node.primitive.formulas(names, "y", constant_of(node))
    assert explorer_formulas.forward_formula(node, names) == forward
    assert [explorer_formulas.local_formula(node, names, k, "y")
            for k in range(len(names))] == local
    numbers = [explorer_script._operand(p.data) for p in node.parents]
    assert "((" not in explorer_formulas.forward_formula(node, numbers)


def test_the_explorer_script_steps_through_a_graph_of_every_primitive(monkeypatch):
    monkeypatch.setattr(explorer_script, "graph_svg", lambda root, **options: "<svg/>")
    made = {name: made_by(name) for name in sorted(ops.PRIMITIVES)}
    for name, node in made.items():
        node.label = name
        for parent in node.parents:   # one name per node: the explorer primes a repeated one
            parent.label = f"{parent.label}_{name}"
    loss = autograd.total(list(made.values()))
    script = explorer_script.graph_script(loss)
    by_title = {s["title"]: s for s in script["steps"]}
    for name, node in made.items():
        names = [p.label for p in node.parents]
        forward, *local = explorer_formulas.formulas(node, names, name)
        assert by_title[f"Forward: {name}"]["lines"][0] == f"{name} = {forward}"
        backward = by_title[f"Backward: {name}"]["lines"]
        for parent, formula in zip(names, local):
            assert any(line.startswith(f"∂{name}/∂{parent} = {formula}") for line in backward)


@pytest.mark.parametrize("name", sorted(ops.PRIMITIVES))
def test_backward_steps_print_every_primitive_with_its_formulas(name):
    node = made_by(name)
    node.label = "y"
    first = str(next(backward_steps(node)))
    names = [p.label for p in node.parents]
    forward, *local = node.primitive.formulas(names, "y", constant_of(node))
    assert first.startswith(f"step 0: y = {forward} (data=")
    for parent, formula in zip(names, local):
        assert f"→ {parent}: ∂y/∂{parent} = {formula}" in first


@pytest.mark.parametrize("name", sorted(ops.PRIMITIVES))
def test_backward_steps_name_unlabelled_parents_by_their_numbers(name):
    node = made_by(name, labels=False)
    text = str(next(backward_steps(node)))
    assert text.count("→") == len(node.parents) and "∂node/∂parent 1 = " in text


def test_pictures_draw_every_primitive_with_its_symbol():
    made = [made_by(name) for name in sorted(ops.PRIMITIVES)]
    source = draw_dot(autograd.total(made), collapse=None).source
    labels = re.findall(r'label="((?:[^"\\]|\\.)*)"', source)
    for node in made:
        assert node.op == node.primitive.drawn(constant_of(node)) and node.op
        assert plain_text(node.op) in labels, node.op
