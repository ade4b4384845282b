"""A :class:`~nn.explain.Derivation` as plain text, Markdown, LaTeX or JSON.

All renderers walk the derivation in the order of the lecture notes' 2-2-2-1
walkthrough: the
forward pass layer 1 → L (W, b, Z, A), the loss, the backward pass layer
L → 1 (∂Lᵢ/∂A, f'(Z), δ, ∂L/∂W, ∂L/∂b, and ∂Lᵢ/∂W per sample when m > 1), then
the update θ − α∂L/∂θ.  ``digits`` is the number of significant digits shown
(JSON keeps full precision unless ``digits`` is given).

Rows of a sample matrix are neurons j = 1 … n_l and columns samples i = 1 … m;
rows of a weight matrix are neurons j of layer l and columns inputs k (neurons
of layer l − 1), as W_jk^[l] in the lecture notes.  Every index shown is 1-based.
"""

import json
import math

from autograd.check import format_table

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from .derivation import Derivation

__all__ = ["render", "to_text", "to_markdown", "to_latex", "to_json", "FORMATS"]

NO_UPDATE = ("No update θ − α ∂L/∂θ: no learning rate α was given (the network file has no "
             "\"lr\"; give one with `--lr`, or `explain_step(..., lr=α)`).")
"""The line where the update would be, for a step without a learning rate."""

_DELTA_NOTE = ("δ^[l] = ∂Lᵢ/∂Z^[l] is per sample (column i is sample i alone, the lecture "
               "notes' convention); ∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ and ∂L/∂b^[l] = (1/m) Σᵢ δ^[l] "
               "are averages over the batch.")


# --- numbers ----------------------------------------------------------------------------

def format_number(x, digits=6):
    """``x`` with ``digits`` significant digits as every table prints it (text as is,
    nan and inf spelled out, never "-0")."""
    if isinstance(x, str):
        return x
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    text = f"{float(x):.{digits}g}"
    return "0" if text == "-0" else text


def _latex_number(x, digits):
    text = format_number(x, digits)
    if text in ("nan", "inf", "-inf"):
        return {"nan": r"\mathrm{NaN}", "inf": r"\infty", "-inf": r"-\infty"}[text]
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


# --- what to show, in order: (text symbol, LaTeX symbol, LaTeX formula, value, columns) ---
# ``columns`` names what a table's columns count: samples i (a sample matrix, as the
# quantities with a "sample" axis in nn.explain.quantities), inputs k (a weight matrix), or
# None for a vector drawn as one column.
_SAMPLES, _INPUTS = "i", "k"


def _entries(d):
    """Sections of (title, [entry, …]); each entry (text, latex, formula, matrix, columns).
    A section with nothing to tabulate has one line of text instead of its entries."""
    sections = [("Forward pass", _forward(d)), ("Loss", _loss(d)),
                ("Backward pass", [entry for layer in reversed(d.layers)
                                   for entry in _backward(d, layer)])]
    if d.lr is None:
        return sections + [("Update", NO_UPDATE)]
    return sections + [(f"Update (gradient descent, α = {d.lr:g})",
                        [entry for layer in reversed(d.layers) for entry in _update(layer)])]


def _forward(d):
    """A^[0], then W^[l], b^[l], Z^[l] and A^[l] for l = 1 … L."""
    forward = [("A^[0] = X", r"\mathbf{A}^{[0]}", r"\mathbf{X}", d.A0, _SAMPLES)]
    for layer in d.layers:
        l = layer.l
        f = layer.activation
        forward += [
            (f"W^[{l}]", rf"\mathbf{{W}}^{{[{l}]}}", None, layer.W, _INPUTS),
            (f"b^[{l}]", rf"\mathbf{{b}}^{{[{l}]}}", None, _column(layer.b), None),
            (f"Z^[{l}] = W^[{l}] A^[{l - 1}] + b^[{l}]", rf"\mathbf{{Z}}^{{[{l}]}}",
             rf"\mathbf{{W}}^{{[{l}]}}\mathbf{{A}}^{{[{l - 1}]}} + \mathbf{{b}}^{{[{l}]}}",
             layer.Z, _SAMPLES),
            (f"A^[{l}] = {f}(Z^[{l}])", rf"\mathbf{{A}}^{{[{l}]}}",
             _latex_activation(f, rf"\mathbf{{Z}}^{{[{l}]}}"), layer.A, _SAMPLES),
        ]
    return forward


def _loss(d):
    """Ŷ (and the probabilities, for a loss on logits), Y, each Lᵢ and L."""
    L = len(d.layers)
    if d.probabilities is None:
        loss = [(f"Ŷ = A^[{L}]", r"\hat{\mathbf{Y}}", rf"\mathbf{{A}}^{{[{L}]}}", d.Y_hat,
                 _SAMPLES)]
    else:
        f = LOSSES[d.loss_function].applies   # the activation the loss on logits applies
        loss = [(f"A^[{L}] (logits)", rf"\mathbf{{A}}^{{[{L}]}}", None, d.Y_hat, _SAMPLES),
                (f"Ŷ = {f}(A^[{L}]) (probabilities)", r"\hat{\mathbf{Y}}",
                 _latex_activation(f, rf"\mathbf{{A}}^{{[{L}]}}"), d.probabilities, _SAMPLES)]
    return loss + [
        _targets(d),
        (f"Lᵢ ({d.loss_function})", r"L_i", None, [d.losses], _SAMPLES),
        ("L = (1/m) Σᵢ Lᵢ", "L", r"\frac{1}{m}\sum_i L_i", [[d.loss]], None),
    ]


def _delta_formulas(d, layer):
    """(∂Lᵢ/∂A text, its LaTeX formula, δ's LaTeX formula) of ``layer``: from the loss at
    the output layer, through W^[l+1] below it, through softmax's Jacobian."""
    l = layer.l
    if l == len(d.layers):
        dA_text, dA_formula = f"∂Lᵢ/∂A^[{l}]", None
        delta = (rf"\frac{{\partial L_i}}{{\partial \mathbf{{A}}^{{[{l}]}}}}"
                 rf" \odot f'(\mathbf{{Z}}^{{[{l}]}})")
    else:
        dA_text = f"∂Lᵢ/∂A^[{l}] = (W^[{l + 1}])ᵀ δ^[{l + 1}]"
        dA_formula = rf"(\mathbf{{W}}^{{[{l + 1}]}})^\top \delta^{{[{l + 1}]}}"
        delta = (rf"\left((\mathbf{{W}}^{{[{l + 1}]}})^\top \delta^{{[{l + 1}]}}"
                 rf"\right) \odot f'(\mathbf{{Z}}^{{[{l}]}})")
    if layer.f_prime_Z is None:
        # softmax: a_j depends on every z_k, so δ = Jᵀ ∂L/∂A with J = diag(a) − a aᵀ.
        delta = (rf"\left(\mathrm{{diag}}(\mathbf{{a}}) - \mathbf{{a}}\mathbf{{a}}^\top"
                 rf"\right) \frac{{\partial L_i}}{{\partial \mathbf{{A}}^{{[{l}]}}}}")
    return dA_text, dA_formula, delta


def _backward(d, layer):
    """∂Lᵢ/∂A^[l], f′(Z^[l]), δ^[l], ∂L/∂W^[l], ∂L/∂b^[l] (and ∂Lᵢ/∂W^[l] per sample)."""
    l = layer.l
    dA_text, dA_formula, delta_formula = _delta_formulas(d, layer)
    backward = [(dA_text, rf"\frac{{\partial L_i}}{{\partial \mathbf{{A}}^{{[{l}]}}}}",
                 dA_formula, layer.dL_dA, _SAMPLES)]
    if layer.f_prime_Z is not None:
        backward.append((f"f'(Z^[{l}]) ({layer.activation}')",
                         rf"f'(\mathbf{{Z}}^{{[{l}]}})", None, layer.f_prime_Z, _SAMPLES))
    backward += [
        (f"δ^[{l}] = ∂Lᵢ/∂Z^[{l}]" + ("" if layer.f_prime_Z is not None
                                      else f" = (diag(a) − a aᵀ) ∂Lᵢ/∂A^[{l}], per sample"),
         rf"\delta^{{[{l}]}}", delta_formula, layer.delta, _SAMPLES),
        (f"∂L/∂W^[{l}] = (1/m) δ^[{l}] (A^[{l - 1}])ᵀ",
         rf"\frac{{\partial L}}{{\partial \mathbf{{W}}^{{[{l}]}}}}",
         rf"\frac{{1}}{{m}}\delta^{{[{l}]}}(\mathbf{{A}}^{{[{l - 1}]}})^\top",
         layer.dL_dW, _INPUTS),
        (f"∂L/∂b^[{l}] = (1/m) Σᵢ δ^[{l}]",
         rf"\frac{{\partial L}}{{\partial \mathbf{{b}}^{{[{l}]}}}}",
         rf"\frac{{1}}{{m}}\sum_i \delta^{{[{l}]}}", _column(layer.dL_db), None),
    ]
    if d.m > 1:
        backward += [
            (f"∂L{_sub(i)}/∂W^[{l}] (sample {i})",
             rf"\frac{{\partial L_{{{i}}}}}{{\partial \mathbf{{W}}^{{[{l}]}}}}",
             None, matrix, _INPUTS)
            for i, matrix in enumerate(layer.dL_dW_per_sample, 1)]
    return backward


def _update(layer):
    """W^[l] − α ∂L/∂W^[l] and b^[l] − α ∂L/∂b^[l]."""
    l = layer.l
    return [
        (f"W^[{l}] − α ∂L/∂W^[{l}]", rf"\mathbf{{W}}^{{[{l}]}}_{{\text{{new}}}}",
         rf"\mathbf{{W}}^{{[{l}]}} - \alpha \frac{{\partial L}}"
         rf"{{\partial \mathbf{{W}}^{{[{l}]}}}}", layer.W_new, _INPUTS),
        (f"b^[{l}] − α ∂L/∂b^[{l}]", rf"\mathbf{{b}}^{{[{l}]}}_{{\text{{new}}}}",
         rf"\mathbf{{b}}^{{[{l}]}} - \alpha \frac{{\partial L}}"
         rf"{{\partial \mathbf{{b}}^{{[{l}]}}}}", _column(layer.b_new), None),
    ]


def _targets(d):
    """The entry of Y, what each Lᵢ compares Ŷ with: n_L × m like Ŷ, or one row of class
    indices c (0-based) where one number stands for several outputs."""
    targets = [[getattr(v, "data", v) for v in y] if isinstance(y, (list, tuple))
               else getattr(y, "data", y) for y in d.Y]
    if all(isinstance(y, list) for y in targets):
        return ("Y (targets)", r"\mathbf{Y}", None, [list(row) for row in zip(*targets)],
                _SAMPLES)
    if d.sizes[-1] > 1:
        return ("Y (class indices c, 0-based)", r"\mathbf{c}", None, [targets], _SAMPLES)
    return ("Y (targets)", r"\mathbf{Y}", None, [targets], _SAMPLES)


def _latex_activation(name, argument):
    symbol = ACTIVATIONS[name].latex
    return rf"{symbol}({argument})" if symbol else argument


def _column(vector):
    return [[v] for v in vector]


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(i):
    return str(i).translate(_SUBSCRIPTS)


def _header(d, digits):
    sizes = "-".join(str(n) for n in d.sizes)
    samples = "1 sample" if d.m == 1 else f"{d.m} samples"
    return (f"Step {d.step}: network {sizes}, {samples}, loss {d.loss_function}, "
            f"L = {format_number(d.loss, digits)}")


def _grid(matrix, columns, digits):
    """(headers, rows) for format_table / Markdown: rows j = 1 … n, columns i or k."""
    if columns is None:
        headers = ["j", "value"]
    else:
        headers = ["j"] + [f"{columns}={c}" for c in range(1, len(matrix[0]) + 1)]
    rows = [[str(j), *(format_number(v, digits) for v in row)] for j, row in enumerate(matrix, 1)]
    return headers, rows


# --- renderers --------------------------------------------------------------------------

def to_text(d, digits=6):
    """Plain-text tables (fixed width, :func:`autograd.check.format_table`): each quantity
    is its title line, then a table of rows j (even a single number), then a blank line."""
    out = [_header(d, digits), _DELTA_NOTE]
    for title, entries in _entries(d):
        out += ["", f"== {title} =="]
        if isinstance(entries, str):
            out += ["", entries]
            continue
        for text, _, _, matrix, columns in entries:
            headers, rows = _grid(matrix, columns, digits)
            out += ["", text, format_table(headers, rows)]
    return "\n".join(out) + "\n"


def to_markdown(d, digits=6):
    """Markdown: a heading per section, a bold title and a table per quantity."""
    out = [f"## {_header(d, digits)}", "", f"*{_DELTA_NOTE}*"]
    for title, entries in _entries(d):
        out += ["", f"### {title}"]
        if isinstance(entries, str):
            out += ["", f"*{entries}*"]
            continue
        for text, _, _, matrix, columns in entries:
            headers, rows = _grid(matrix, columns, digits)
            out += ["", f"**{text}**", "",
                    "| " + " | ".join(headers) + " |",
                    "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
            out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def _pmatrix(matrix, digits):
    body = r" \\ ".join(" & ".join(_latex_number(v, digits) for v in row) for row in matrix)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def to_latex(d, digits=6):
    """LaTeX in the lecture notes' notation, one ``align*`` block per section, to paste into notes.

    Each line reads symbol = formula = numbers, e.g.
    ``\\mathbf{Z}^{[1]} &= \\mathbf{W}^{[1]}\\mathbf{A}^{[0]} + \\mathbf{b}^{[1]}
    = \\begin{pmatrix} 0.3 \\\\ 0.6 \\end{pmatrix}``.  Needs amsmath.
    """
    out = [f"% {_header(d, digits)}",
           f"% {_DELTA_NOTE}"]
    for title, entries in _entries(d):
        if isinstance(entries, str):
            out += ["", f"% {entries}"]
            continue
        out += ["", f"% {title}", r"\begin{align*}"]
        lines = []
        for _, symbol, formula, matrix, _ in entries:
            rhs = _latex_number(matrix[0][0], digits) if _is_scalar(matrix) else _pmatrix(
                matrix, digits)
            middle = f" &= {formula} = " if formula else " &= "
            lines.append(f"  {symbol}{middle}{rhs}")
        out.append(" \\\\\n".join(lines))
        out.append(r"\end{align*}")
    return "\n".join(out) + "\n"


def _is_scalar(matrix):
    return len(matrix) == 1 and len(matrix[0]) == 1


def to_json(d, digits=None, indent=2):
    """The documented JSON layout (:meth:`Derivation.to_dict`); ``digits`` rounds numbers
    to that many significant digits (default: full precision, so it round-trips)."""
    data = d.to_dict()
    if digits is not None:
        data = _rounded(data, digits)
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def _rounded(x, digits):
    if isinstance(x, float) and math.isfinite(x):
        return float(f"{x:.{digits}g}")
    if isinstance(x, list):
        return [_rounded(v, digits) for v in x]
    if isinstance(x, dict):
        return {k: (v if k in ("lr", "version", "m", "step") else _rounded(v, digits))
                for k, v in x.items()}
    return x


FORMATS = {"text": to_text, "markdown": to_markdown, "latex": to_latex, "json": to_json}
"""Format name -> renderer(derivation, digits=…)."""


def render(d, format="text", digits=None):
    """Render the derivation ``d`` with the renderer named ``format`` (one of :data:`FORMATS`).

    ``d`` is a :class:`~nn.explain.Derivation` or its :meth:`~nn.explain.Derivation.to_dict`
    form.  ``digits`` (significant digits) defaults to 6 for text, Markdown and
    LaTeX and to full precision for JSON.
    """
    if isinstance(d, dict):
        d = Derivation.from_dict(d)
    elif not isinstance(d, Derivation):
        raise TypeError(f"render() needs a Derivation (from nn.explain.explain_step) or its "
                        f"to_dict() form, got {type(d).__name__}")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; known formats: {', '.join(FORMATS)}")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                               or not 1 <= digits <= 17):
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")
    if digits is None:
        return FORMATS[format](d) if format == "json" else FORMATS[format](d, digits=6)
    return FORMATS[format](d, digits=digits)
