"""What the explorer shows where BCE after a sigmoid output reads z^[L] itself.

:func:`nn.losses.binary_cross_entropy` computes L = −[y ln σ(z) + (1 − y) ln σ(−z)] from
the logit z^[L] (exact where σ saturates), so the prediction ŷ = σ(z^[L]) is a side
output of the walk: L's graph does not contain it, and no gradient flows back through
it.  The step that completes δ^[L] = ∂L/∂z^[L] then derives δ^[L] as the lecture notes
do, ∂L/∂ŷ · ∂ŷ/∂z = ŷ − y, with the numbers of ``backprop explain``'s tables (the
engine's), and where σ has saturated says what computing from ŷ would lose.
"""

from autograd import ops

from .script import MINUS, shown


class ReadsLogit:
    """What BCE after a sigmoid output shows: it reads z^[L] (L = −[y ln σ(z) +
    (1 − y) ln σ(−z)]), so ŷ = σ(z^[L]) is a side output, and δ^[L] = ŷ − y is derived
    at the step completing ∂L/∂z^[L] from the tables' ∂L/∂A^[L] and f′(Z^[L]).  With
    n_L > 1 outputs a sample's loss is the mean over them, so both carry a 1/n_L."""

    NOTE = "L is computed from {z}, not from ŷ, so that δ stays exact where σ saturates."

    def __init__(self, roles, d, targets):
        self.roles, self.d, self.targets = roles, d, targets
        self.L = len(d.layers)
        self.n = len(d.layers[-1].Z)

    def _prediction(self, z):
        """The side output ŷ = σ(z) of an output z^[L], or None."""
        role = self.roles.role.get(z)
        if role is None or role[0] != "z" or role[1] != self.L:
            return None
        a = self.roles.side.get(self.roles.node.get(("a", *role[1:])))
        return a if a is not None and a.primitive is ops.sigmoid and a.parents[0] is z \
            else None

    def reads(self, z):
        """Whether the prediction σ(z) is a side output: L reads the output z itself."""
        return self._prediction(z) is not None

    def remarks(self, completed):
        """(lines, notes) for the backward step completing the gradients ``completed``:
        the derivation of δ^[L] for each output z^[L] among them whose σ L does not read."""
        lines = [line for z in completed for line in self.delta_lines(z)]
        if not lines:
            return [], []
        notes = [self.NOTE.format(z=" and ".join(z.label for z in completed if self.reads(z)))]
        if self.n > 1:
            notes.append(f"A sample's loss is the mean of BCE over its {self.n} outputs, "
                         f"hence the /{self.n}.")
        return lines, notes

    def forward_note(self, a):
        """The note of ŷ's forward step: why L does not read it."""
        z = a.parents[0].label
        return (f"{a.label} = ŷ, the prediction. L reads {z} itself, −[y ln σ(z) + "
                f"(1 − y) ln σ(−z)], exact where σ saturates; so ŷ hangs off the graph, and "
                f"no gradient flows back through it.")

    def delta_lines(self, z):
        """δ = ∂L/∂ŷ · ∂ŷ/∂z = ŷ − y, ∂L/∂ŷ and ∂ŷ/∂z for the output z, with the tables'
        numbers (the engine's), and what computing them from ŷ loses where σ saturates."""
        a = self._prediction(z)
        if a is None:
            return []
        _, l, j, i = self.roles.role[z]
        layer, m, n = self.d.layers[-1], self.d.m, self.n
        target = self.targets[i - 1]
        y = float(target[j - 1] if isinstance(target, (list, tuple)) else target)
        sub = ("" if m == 1 else f"^({i})") + ("" if n == 1 else f"_{j}")
        yh, yy, zz = f"ŷ{sub}", f"y{sub}", z.label
        where = f"_{j}" + ("" if m == 1 else f",{i}")
        numbers, remark = _difference(a.data, y, layer.delta[j - 1][i - 1], n)
        # the simplification first: a narrow notebook cell shows it without scrolling
        return [f"δ^[{l}]{where} = ∂L/∂{yh} · ∂{yh}/∂{zz} = {_per(f'σ({zz}) − {yy}', n)} = "
                f"{_per(f'{yh} − {yy}', n)} = {numbers}" + (f" = ∂L/∂{zz}" if m == 1 else "")
                + (f" ({remark})" if remark else "") + ", with",
                _bce_derivative_line(yh, yy, a.data, y, layer.dL_dA[j - 1][i - 1], n)
                + f"   (∂L/∂A^[{l}])",
                f"∂{yh}/∂{zz} = σ′({zz}) = {yh}(1 − {yh}) = "
                f"{shown(layer.f_prime_Z[j - 1][i - 1])}   (f′(Z^[{l}]))"]


def _per(text, n):
    """``text`` divided by the n outputs a sample's loss is the mean over."""
    return text if n == 1 else f"({text})/{n}"


def _bce_derivative_line(yh, yy, y_hat, y, value, n):
    """∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) (over n outputs) at the numbers, a term whose
    coefficient is 0 left out as the loss leaves it out, = ``value``, the loss's own
    derivative at ŷ; where the two differ, BCE on the number ŷ has clamped a log at
    −100 (σ saturated), and the line says so."""
    formula = f"∂L/∂{yh} = {_per(f'−{yy}/{yh} + (1 − {yy})/(1 − {yh})', n)}"
    plugged = ([f"−{shown(y)}/{shown(y_hat)}"] if y != 0.0 else []) + \
        ([f"(1 − {shown(y)})/(1 − {shown(y_hat)})"] if y != 1.0 else [])
    numbers = _per(" + ".join(plugged).replace("+ −", "− "), n)
    try:
        parts = ([-y / y_hat] if y != 0.0 else []) + \
            ([(1.0 - y) / (1.0 - y_hat)] if y != 1.0 else [])
        exact = sum(parts) / n
    except ZeroDivisionError:
        exact = None
    if exact is not None and abs(exact - value) <= 1e-9 * sum(map(abs, parts)) / n:
        return f"{formula} = {numbers} = {shown(value)}"
    what = "divides by 0" if exact is None else f"is {shown(exact)}"
    return (f"{formula} = {numbers} {what}; BCE on the number {yh} clamps its log at −100 "
            f"and gets {shown(value)}")


def _difference(y_hat, y, delta, n):
    """(``(ŷ − y)/n = δ`` in numbers, a remark or None): ŷ with its six digits when they
    give δ to six digits, else with all of them; where ŷ itself has rounded the
    difference away (σ(z) near 1 or 0), δ alone, and the remark says what ŷ − y gives."""
    for text, number in ((shown(y_hat), float(shown(y_hat).replace(MINUS, "-"))),
                         (repr(y_hat), y_hat)):
        if abs((number - y) / n - delta) <= 5e-6 * abs(delta):
            return f"{_per(f'{text} − {shown(y)}', n)} = {shown(delta)}", None
    return shown(delta), (f"from the rounded ŷ = {y_hat!r}, {_per('ŷ − y', n)} would give "
                          f"{shown((y_hat - y) / n)}")
