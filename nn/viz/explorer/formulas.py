"""The formulas the explorer writes beside the engine's numbers, e.g. for z = a·b: ``∂z/∂a = b``.

Each primitive's record in :mod:`autograd.ops` writes its own formulas, in whatever
names it is given (``record.formulas``); this module only hands it the explorer's
node names and keeps a negative number from being parenthesised twice.
"""

from autograd.value import constant_of

from ...explain.render import format_number as number   # the explain tables' format


def formulas(node, names, z="z"):
    """(the right side of z = …, ∂z/∂parent₁, ∂z/∂parent₂, …) for the operation node
    ``node``, written in ``names`` (one per parent; numbers work too) and ``z`` for the
    node itself."""
    return tuple(_unwrapped(f, names)
                 for f in node.primitive.formulas(names, z, constant_of(node)))


def forward_formula(node, names):
    """The right-hand side of ``z = …`` in terms of ``names`` (one per parent)."""
    return formulas(node, names)[0]


def local_formula(node, names, position, z):
    """∂z/∂(parent ``position``) as a formula in the node names (``z`` names the node)."""
    return formulas(node, names, z)[1 + position]


def _unwrapped(formula, names):
    # A negative number stands in parentheses as an operand, "a · (-2)"; as a function's
    # argument one pair is enough: "exp(-1)", not "exp((-1))".
    for name in names:
        if name.startswith("(") and name.endswith(")"):
            formula = formula.replace(f"({name})", name)
    return formula
