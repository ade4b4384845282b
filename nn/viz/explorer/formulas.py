"""Each primitive's forward formula and local derivatives, written with the node names.

The engine (:mod:`autograd.ops`) computes the numbers; this module only writes the
formula a learner reads beside them, e.g. for z = a·b: ``∂z/∂a = b``.  A primitive
not listed here still gets its engine numbers, with the derivative written
``∂z/∂a``.
"""

from ...explain.render import format_number as number   # the explain tables' format

_BINARY_SYMBOL = {"add": "+", "sub": "−", "mul": "·", "div": "/"}
_FUNCTION = {"exp": "exp", "log": "ln", "sqrt": "√", "tanh": "tanh", "sigmoid": "σ",
             "abs": "abs", "softplus": "softplus", "log_sigmoid": "ln σ"}


def _exponent(node):
    return node.op[2:]  # op of a constant power reads "**k"


def _argument(name):
    # A negative number is parenthesised as an operand, "a · (-2)", but not as f(-2).
    return name[1:-1] if name.startswith("(-") and name.endswith(")") else name


def forward_formula(op_name, node, names):
    """The right-hand side of ``z = …`` in terms of ``names`` (one per parent)."""
    if op_name in _BINARY_SYMBOL:
        return f"{names[0]} {_BINARY_SYMBOL[op_name]} {names[1]}"
    if op_name == "neg":
        return f"−{names[0]}"
    if op_name == "pow_const":
        return f"{names[0]}^{_exponent(node)}"
    if op_name == "pow":
        return f"{names[0]}^{names[1]}"
    if op_name == "relu":
        return f"max(0, {_argument(names[0])})"
    if op_name in _FUNCTION:
        return f"{_FUNCTION[op_name]}({_argument(names[0])})"
    if op_name == "total":
        return " + ".join(names)
    if op_name == "weighted_sum":
        n = len(names) // 2
        return " + ".join(f"{w}·{x}" for w, x in zip(names[:n], names[n:2 * n])) \
            + f" + {names[-1]}"
    if op_name == "logsumexp":
        return "ln(" + " + ".join(f"exp({_argument(a)})" for a in names) + ")"
    return f"{node.op}({', '.join(names)})"


def local_formula(op_name, node, names, position, z):
    """∂z/∂(parent ``position``) as a formula in the node names (``z`` names the node)."""
    a = names[position]
    if op_name in ("add", "total"):
        return "1"
    if op_name == "sub":
        return "1" if position == 0 else "−1"
    if op_name == "mul":
        return names[1 - position]
    if op_name == "div":
        return f"1/{names[1]}" if position == 0 else f"−{names[0]}/{names[1]}²"
    if op_name == "neg":
        return "−1"
    if op_name == "pow_const":
        k = _exponent(node)
        return f"{k}·{a}^({k}−1)"
    if op_name == "pow":
        return f"{names[1]}·{names[0]}^({names[1]}−1)" if position == 0 else f"{z}·ln {names[0]}"
    simple = {"exp": f"exp({a}) = {z}", "log": f"1/{a}", "sqrt": f"1/(2√{a})",
              "tanh": f"1 − {z}²", "sigmoid": f"σ({a})·(1 − σ({a}))",
              "relu": f"(1 if {a} > 0 else 0)", "abs": f"sign({a})",
              "softplus": f"σ({a})", "log_sigmoid": f"σ(−{a})"}
    if op_name in simple:
        return simple[op_name]
    if op_name == "weighted_sum":
        n = len(names) // 2
        if position < n:
            return names[n + position]
        if position < 2 * n:
            return names[position - n]
        return "1"
    if op_name == "logsumexp":
        return f"exp({a} − {z})"
    return f"∂{z}/∂{a}"
