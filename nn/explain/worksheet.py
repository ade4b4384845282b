"""An exercise's worksheet in Markdown, HTML and LaTeX: the network, what to compute, the rounding.

The sheet gives W^[l], b^[l], X = A^[0] (column i = sample i), Y, the loss, α
and the formulas in the lecture notes' notation, lists the quantities to
compute in order, states the rounding policy (:class:`nn.explain.grade.Policy`)
and the tolerance of each quantity, and says how to fill in the answer file.

An exercise with formula questions (:mod:`nn.explain.formula_questions`) lists them
under "Formulas to derive", before the numbers, and then does not print what they
ask: the asked activation's f′, the backward pass's δ formulas and ∂L/∂W^[l].
"""

import html
import re

from .policy import Policy
from .quantities import ASKED, BY_NAME
from .render import format_number

__all__ = ["to_markdown", "to_html", "to_latex", "LOSS_FORMULAS", "ACTIVATION_FORMULAS",
           "function_formula", "FORMULA_NOTATION", "FORMULA_NOTATION_LATEX",
           "given_blocks", "summary", "sections"]

LOSS_FORMULAS = {
    "bce": ("Lᵢ = −[yᵢ ln ŷᵢ + (1 − yᵢ) ln(1 − ŷᵢ)]",
            r"L_i = -\left[y_i \ln \hat y_i + (1 - y_i)\ln(1 - \hat y_i)\right]"),
    "half_mse": ("Lᵢ = ½ (ŷᵢ − yᵢ)²", r"L_i = \tfrac12 (\hat y_i - y_i)^2"),
    "squared_error": ("Lᵢ = (ŷᵢ − yᵢ)²  (no ½)", r"L_i = (\hat y_i - y_i)^2"),
}
"""Loss name -> (text, LaTeX) of the per-sample loss an exercise uses."""

ACTIVATION_FORMULAS = {
    "relu": ("ReLU(z) = max(0, z), f′(z) = 1 if z > 0 else 0",
             r"\mathrm{ReLU}(z) = \max(0, z),\ f'(z) = [z > 0]"),
    "sigmoid": ("σ(z) = 1/(1 + e^−z), σ′(z) = σ(z)(1 − σ(z))",
                r"\sigma(z) = 1/(1 + e^{-z}),\ \sigma'(z) = \sigma(z)(1 - \sigma(z))"),
    "tanh": ("tanh z, f′(z) = 1 − tanh² z", r"\tanh z,\ f'(z) = 1 - \tanh^2 z"),
    "linear": ("f(z) = z, f′(z) = 1", r"f(z) = z,\ f'(z) = 1"),
}
"""Activation name -> (text, LaTeX) of f and f′."""


def function_formula(activation, latex=False):
    """f alone, as :data:`ACTIVATION_FORMULAS` writes it (text or LaTeX), without f′:
    ``σ(z) = 1/(1 + e^−z)``."""
    text, tex = ACTIVATION_FORMULAS[activation]
    if latex:
        return tex.split(r",\ ", 1)[0]
    return re.split(r", (?=[^,]*′\(z\) = )", text, maxsplit=1)[0]

_STEPS = (
    ("Forward pass, l = 1 … L", "Z^[l] = W^[l] A^[l−1] + b^[l], A^[l] = f(Z^[l])",
     r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]},\ A^{[l]} = f(Z^{[l]})"),
    ("Loss", "the loss Lᵢ of each sample (when m > 1) and L = (1/m) Σᵢ Lᵢ",
     r"L_i \text{ per sample (when } m > 1\text{)},\ L = \tfrac1m \sum_i L_i"),
    ("Backward pass, l = L … 1",
     "∂Lᵢ/∂A^[L] from the loss; ∂Lᵢ/∂A^[l] = (W^[l+1])ᵀ δ^[l+1] for l < L; f′(Z^[l]); "
     "δ^[l] = ∂Lᵢ/∂A^[l] ⊙ f′(Z^[l]) (per sample: column i is sample i alone)",
     r"\frac{\partial L_i}{\partial A^{[l]}} = (W^{[l+1]})^\top \delta^{[l+1]}\ (l < L),\ "
     r"f'(Z^{[l]}),\ \delta^{[l]} = \frac{\partial L_i}{\partial A^{[l]}} \odot f'(Z^{[l]})"),
    ("Gradients", "∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ, ∂L/∂b^[l] = (1/m) Σᵢ δ^[l]",
     r"\frac{\partial L}{\partial W^{[l]}} = \tfrac1m \delta^{[l]} (A^{[l-1]})^\top,\ "
     r"\frac{\partial L}{\partial b^{[l]}} = \tfrac1m \sum_i \delta^{[l]}_{\cdot i}"),
    ("Update", "W^[l] − α ∂L/∂W^[l] and b^[l] − α ∂L/∂b^[l]",
     r"W^{[l]} - \alpha \frac{\partial L}{\partial W^{[l]}},\ "
     r"b^{[l]} - \alpha \frac{\partial L}{\partial b^{[l]}}"),
)


_DERIVED_STEPS = _STEPS[:2] + (
    ("Backward pass, l = L … 1",
     "∂Lᵢ/∂A^[l], f′(Z^[l]) and δ^[l] for each sample (column i is sample i alone): δ^[L] "
     "with your formula for it, δ^[l] for l < L with your recursion",
     r"\frac{\partial L_i}{\partial A^{[l]}},\ f'(Z^{[l]}),\ \delta^{[l]} \text{ per "
     r"sample: } \delta^{[L]} \text{ and } \delta^{[l]}\ (l < L) \text{ with your formulas}"),
    ("Gradients", "∂L/∂W^[l] with your formula, and ∂L/∂b^[l], for L = (1/m) Σᵢ Lᵢ",
     r"\frac{\partial L}{\partial W^{[l]}} \text{ with your formula, and } "
     r"\frac{\partial L}{\partial b^{[l]}},\ \text{for } L = \tfrac1m \sum_i L_i"),
) + _STEPS[4:]
"""The steps when the sheet asks the formulas: the backward pass without them."""


def _activation_formula(activation, questions, latex=False):
    """f and f′ as the sheet prints them; f alone for the activation whose f′ is asked."""
    if any(q.asks_derivative_of == activation for q in questions):
        return function_formula(activation, latex)
    return ACTIVATION_FORMULAS[activation][1 if latex else 0]


def _weight_text(weight):
    return f"{weight:g} point" + ("" if weight == 1 else "s")


def _derive(ex, answer_file):
    """The "Formulas to derive" section, or none."""
    questions = ex.formula_questions()
    if not questions:
        return []
    weight = _weight_text(ex.formula_weight)
    return [("Formulas to derive", [
        ("p", f"Derive these first, then use them for the numbers below. Each counts "
              f"{weight} (a number counts 1 point). Write each as text in `{answer_file}`, "
              f"in place of the `null` of its `answer` under `formulas`; f′ itself is not "
              f"an answer where a derivative is asked."),
        ("list", [f"`{q.key}`: {q.markdown}" for q in questions], True),
        ("p", FORMULA_NOTATION)])]


FORMULA_NOTATION = ("Type formulas as you would write them: ASCII (`2*x^2 + exp(-x)/2`, "
                    "`x**2`), Unicode (`x² + e^−x/2`, `ŷ`, `·`, `⊙`, `Wᵀ`) or LaTeX "
                    "(`\\frac{1}{2}\\left(x^2 - 1\\right)`, `\\hat{y}`, `\\sqrt{x}`); for "
                    "matrices `Wᵀ` or `W.T` for a transpose, `⊙` or `*` element by element, `@` "
                    "or side by side for the matrix product.")
"""How to type a formula, in Markdown (the sheet's words; an answer form may show them).
Its examples answer no question."""
FORMULA_NOTATION_LATEX = (r"Type formulas as you would write them: ASCII "
                          r"(\verb|2*x^2 + exp(-x)/2|, \verb|x**2|), Unicode or LaTeX "
                          r"(\verb|\frac{1}{2}\left(x^2 - 1\right)|, \verb|\hat{y}|, "
                          r"\verb|\sqrt{x}|); for matrices \verb|W.T| or $W^\top$ for a "
                          r"transpose, \verb|*| or $\odot$ element by element, \verb|@| or "
                          r"side by side for the matrix product.")
""":data:`FORMULA_NOTATION` in LaTeX."""


def summary(ex):
    """The exercise in one phrase: "a 2-2-1 network (layer 1 relu, …), loss bce, …"."""
    layers = ", ".join(f"layer {l} {name}" for l, name in enumerate(ex.activations, 1))
    samples = "1 sample" if ex.m == 1 else f"m = {ex.m} samples"
    return (f"a {'-'.join(map(str, ex.sizes))} network ({layers}), loss {ex.loss}, "
            f"{samples}, learning rate α = {format_number(ex.lr)}")


def _columns(samples):
    """X as n_0 × m (A^[0]): column i is sample i."""
    return [list(row) for row in zip(*samples)]


def _tolerances_text(ex, policy, latex=False):
    names = [n for n in ASKED if not (n == "losses" and ex.m == 1)]
    if latex:
        return ", ".join(f"${BY_NAME[n].latex}$: {policy.rtol(n):g}" for n in names)
    return ", ".join(f"{BY_NAME[n].text} {policy.rtol(n):g}" for n in names)


def given_blocks(ex):
    """The exercise's network as blocks (see :func:`_sections`): W^[l], b^[l], X, Y."""
    given = []
    for l, (W, b) in enumerate(zip(ex.weights, ex.biases), 1):
        given += [("p", f"W^[{l}] (row j = neuron j of layer {l}, column k = input k):"),
                  ("matrix", f"W^[{l}]", W, "k", "j"),
                  ("p", f"b^[{l}] = ({', '.join(map(format_number, b))})")]
    return given + [("p", "X = A^[0] (column i = sample i):"),
                    ("matrix", "X", _columns(ex.inputs), "i", "k"),
                    ("p", f"Targets Y = ({', '.join(map(format_number, ex.targets))})")]


def _sections(ex, policy, answer_file):
    """The sheet as (title, blocks); a block is ("p", text), ("list", [items], numbered) or
    ("matrix", name, rows, column letter, row letter)."""
    given = given_blocks(ex)
    questions = ex.formula_questions()
    activations = "; ".join(f"layer {l}: {_activation_formula(a, questions)}"
                            for l, a in enumerate(ex.activations, 1))
    steps = _DERIVED_STEPS if questions else _STEPS
    handing_in = (" Write each formula as text in its `answer` under `formulas`; do not change "
                  "the questions." if questions else "")
    return [
        (None, [("p", f"One step of gradient descent on {summary(ex)}.")]),
        ("Given", given),
        ("Formulas", [("list", [f"Activations: {activations}",
                                f"Loss: {LOSS_FORMULAS[ex.loss][0]}, L = (1/m) Σᵢ Lᵢ"], False)]),
        *_derive(ex, answer_file),
        ("What to compute, in this order",
         [("list", [f"**{title}**: {text}" for title, text, _ in steps], True)]),
        ("Rounding", [("p", policy.statement()),
                      ("p", f"Tolerances for rounding carried from earlier numbers, as a "
                            f"fraction of the size of the terms each formula adds up: "
                            f"{_tolerances_text(ex, policy)} (for an update: of the step "
                            f"α ∂L/∂θ)."),
                      ("p", "Later answers are marked against your own earlier numbers (error "
                            "carried forward), so write down every intermediate value.")]),
        ("Handing in", [("p", f"Fill in `{answer_file}`: replace each `null` with your number "
                              f"and leave `null` what you did not compute. Matrices are lists "
                              f"of rows: row j is neuron j; a column is sample i (for Z, A, "
                              f"∂L/∂A, f′, δ) or input k (for ∂L/∂W, W). Do not change the "
                              f"`network` entry.{handing_in}")]),
    ]


def sections(ex, policy=None, answer_file="answers.json"):
    """The worksheet as (title, blocks), the one content every format renders: a block is
    ("p", text), ("list", [items], numbered) or ("matrix", name, rows, column letter, row
    letter); text may hold **bold** and `code`."""
    return _sections(ex, policy or Policy(), answer_file)


def _title(ex):
    return f"Backpropagation exercise {ex.exercise_id} — student {ex.student}"


def _md_block(block):
    kind = block[0]
    if kind == "p":
        return block[1]
    if kind == "list":
        items, numbered = block[1], block[2]
        return "\n".join(f"{n}. {item}" if numbered else f"- {item}"
                         for n, item in enumerate(items, 1))
    _, name, matrix, col, row = block
    head = f"| {name} | " + " | ".join(f"{col}={k}" for k in range(1, len(matrix[0]) + 1))
    rows = [f"| {row}={j} | " + " | ".join(format_number(v) for v in values) + " |"
            for j, values in enumerate(matrix, 1)]
    return "\n".join([head + " |", "|---|" + "---|" * len(matrix[0]), *rows])


def to_markdown(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as Markdown."""
    out = [f"# {_title(ex)}", ""]
    for title, blocks in _sections(ex, policy or Policy(), answer_file):
        if title:
            out += [f"## {title}", ""]
        for block in blocks:
            out += [_md_block(block), ""]
    return "\n".join(out)


def _inline_html(text):
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def _html_block(block):
    kind = block[0]
    if kind == "p":
        return f"<p>{_inline_html(block[1])}</p>"
    if kind == "list":
        tag = "ol" if block[2] else "ul"
        return f"<{tag}>" + "".join(f"<li>{_inline_html(i)}</li>" for i in block[1]) + f"</{tag}>"
    _, name, matrix, col, row = block
    head = f"<tr><th>{html.escape(name)}</th>" + "".join(
        f"<th>{col}={k}</th>" for k in range(1, len(matrix[0]) + 1)) + "</tr>"
    rows = "".join(f"<tr><th>{row}={j}</th>" + "".join(f"<td>{format_number(v)}</td>" for v in values)
                   + "</tr>" for j, values in enumerate(matrix, 1))
    return f"<table>{head}{rows}</table>"


def to_html(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as a standalone HTML page (no scripts)."""
    body = [f"<h1>{html.escape(_title(ex))}</h1>"]
    for title, blocks in _sections(ex, policy or Policy(), answer_file):
        if title:
            body.append(f"<h2>{html.escape(title)}</h2>")
        body += [_html_block(block) for block in blocks]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(_title(ex))}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


_CSS = ("body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
        "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #999;"
        "padding:.2em .6em;text-align:right}th{background:#eee}")


def _latex_matrix(matrix):
    rows = r" \\ ".join(" & ".join(format_number(v) for v in row) for row in matrix)
    return r"\begin{pmatrix} " + rows + r" \end{pmatrix}"


def _latex_text(text):
    # Student IDs and loss names are [A-Za-z0-9._-], so "_" is the one special character;
    # "…" is the one non-ASCII character of the titles, spelled out for any TeX engine.
    return text.replace("_", r"\_").replace("…", r"\ldots{}")


def to_latex(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as a standalone LaTeX document."""
    policy = policy or Policy()
    given = []
    for l, (W, b) in enumerate(zip(ex.weights, ex.biases), 1):
        given.append(rf"W^{{[{l}]}} = {_latex_matrix(W)},\quad "
                     rf"b^{{[{l}]}} = {_latex_matrix([[v] for v in b])}")
    given.append(rf"X = A^{{[0]}} = {_latex_matrix(_columns(ex.inputs))},\quad "
                 rf"Y = {_latex_matrix([ex.targets])}")
    questions = ex.formula_questions()
    activations = "; ".join(rf"layer {l}: ${_activation_formula(a, questions, latex=True)}$"
                            for l, a in enumerate(ex.activations, 1))
    steps = "\n".join(rf"  \item \textbf{{{_latex_text(title)}}}: ${formula}$"
                      for title, _, formula in (_DERIVED_STEPS if questions else _STEPS))
    return "\n".join([
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}", r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\begin{document}",
        rf"\section*{{Backpropagation exercise {ex.exercise_id} --- student "
        rf"{_latex_text(ex.student)}}}",
        rf"One step of gradient descent on a {'-'.join(map(str, ex.sizes))} network, loss "
        rf"\texttt{{{_latex_text(ex.loss)}}}, $m = {ex.m}$, $\alpha = {format_number(ex.lr)}$.",
        r"\subsection*{Given}", r"Columns of $X$ are samples $i$; row $j$ of $W^{[l]}$ holds "
        r"neuron $j$'s weights.",
        "\n".join(r"\[ " + g + r" \]" for g in given),
        r"\subsection*{Formulas}", activations + ".",
        rf"Loss: ${LOSS_FORMULAS[ex.loss][1]}$, $L = \tfrac1m \sum_i L_i$.",
        *_latex_derive(ex, answer_file),
        r"\subsection*{What to compute, in this order}", r"\begin{enumerate}", steps,
        r"\end{enumerate}",
        r"\subsection*{Rounding}", _latex_text(policy.statement()),
        f"Tolerances for rounding carried from earlier numbers, as a fraction of the size "
        f"of the terms each formula adds up: {_tolerances_text(ex, policy, latex=True)}.",
        r"Later answers are marked against your own earlier numbers (error carried "
        r"forward), so write down every intermediate value.",
        r"\subsection*{Handing in}",
        rf"Fill in \texttt{{{_latex_text(answer_file)}}}: replace each \texttt{{null}} with "
        r"your number; leave \texttt{null} what you did not compute."
        + (r" Write each formula as text in its \texttt{answer} under \texttt{formulas}; do "
           r"not change the questions." if questions else ""),
        r"\end{document}", ""])


def _latex_derive(ex, answer_file):
    """The "Formulas to derive" subsection in LaTeX, or none."""
    questions = ex.formula_questions()
    if not questions:
        return []
    items = "\n".join(rf"  \item \texttt{{{_latex_text(q.key)}}}: {q.latex}" for q in questions)
    return [r"\subsection*{Formulas to derive}",
            rf"Derive these first, then use them for the numbers below. Each counts "
            rf"{_weight_text(ex.formula_weight)} (a number counts 1 point). Write each as text "
            rf"in \texttt{{{_latex_text(answer_file)}}}, in place of the \texttt{{null}} of "
            r"its \texttt{answer} under \texttt{formulas}; $f'$ itself is not an answer where "
            r"a derivative is asked.",
            r"\begin{enumerate}", items, r"\end{enumerate}", FORMULA_NOTATION_LATEX]
