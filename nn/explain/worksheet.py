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

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from .answer_page import FORM_CSS, PAGE_POLICY, answer_form_html
from .policy import Policy
from .quantities import ASKED, BY_NAME
from .render import format_number

__all__ = ["to_markdown", "to_html", "to_latex", "activation_formula", "function_formula",
           "loss_formula", "FORMULA_NOTATION", "FORMULA_NOTATION_LATEX", "given_blocks",
           "summary", "sections"]


def activation_formula(activation, latex=False):
    """f and f′ of an activation as a sheet prints them, from its record (f′ written by
    the engine primitive it is): ``σ(z) = 1/(1 + e^−z), σ′(z) = σ(z)·(1 − σ(z))``."""
    return (r",\ " if latex else ", ").join(ACTIVATIONS[activation].written(latex))


def function_formula(activation, latex=False):
    """f alone, as :func:`activation_formula` writes it (text or LaTeX), without f′:
    ``σ(z) = 1/(1 + e^−z)``."""
    return ACTIVATIONS[activation].written(latex)[0]


def loss_formula(loss, latex=False):
    """The per-sample loss Lᵢ of a loss, from its record (text or LaTeX)."""
    record = LOSSES[loss]
    return record.formula_latex if latex else record.formula


_STEPS = (
    ("Forward pass, l = 1 … L", "Z^[l] = W^[l] A^[l−1] + b^[l], A^[l] = f(Z^[l])",
     r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]},\ A^{[l]} = f(Z^{[l]})"),
    ("Loss", "the loss Lᵢ of each sample (when m > 1) and L = (1/m) Σᵢ Lᵢ",
     r"\text{the loss } L_i \text{ of each sample (when } m > 1\text{) and } "
     r"L = \tfrac1m \sum_i L_i"),
    ("Backward pass, l = L … 1",
     "∂Lᵢ/∂A^[L] from the loss; ∂Lᵢ/∂A^[l] = (W^[l+1])ᵀ δ^[l+1] for l < L; f′(Z^[l]); "
     "δ^[l] = ∂Lᵢ/∂A^[l] ⊙ f′(Z^[l]) (per sample: column i is sample i alone)",
     r"\frac{\partial L_i}{\partial A^{[L]}} \text{ from the loss};\ "
     r"\frac{\partial L_i}{\partial A^{[l]}} = (W^{[l+1]})^\top \delta^{[l+1]} "
     r"\text{ for } l < L;\ f'(Z^{[l]});\ "
     r"\delta^{[l]} = \frac{\partial L_i}{\partial A^{[l]}} \odot f'(Z^{[l]}) "
     r"\text{ (per sample: column } i \text{ is sample } i \text{ alone)}"),
    ("Gradients", "∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ, ∂L/∂b^[l] = (1/m) Σᵢ δ^[l]",
     r"\frac{\partial L}{\partial W^{[l]}} = \tfrac1m \delta^{[l]} (A^{[l-1]})^\top,\ "
     r"\frac{\partial L}{\partial b^{[l]}} = \tfrac1m \sum_i \delta^{[l]}_{\cdot i}"),
    ("Update", "W^[l] − α ∂L/∂W^[l] and b^[l] − α ∂L/∂b^[l]",
     r"W^{[l]} - \alpha \frac{\partial L}{\partial W^{[l]}} \text{ and } "
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
    return activation_formula(activation, latex)


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
        ("list", [f"`{q.key}`: {q.markdown}" for q in questions], True,
         [rf"\texttt{{{_latex_text(q.key)}}}: {q.latex}" for q in questions]),
        ("p", FORMULA_NOTATION, FORMULA_NOTATION_LATEX)])]


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
    """The sheet as (title, blocks); a block is ("p", text[, LaTeX]), ("list", [items],
    numbered[, [items in LaTeX]]) or ("matrix", name, rows, column letter, row letter)."""
    given = given_blocks(ex)
    questions = ex.formula_questions()
    activations = "; ".join(f"layer {l}: {_activation_formula(a, questions)}"
                            for l, a in enumerate(ex.activations, 1))
    steps = _DERIVED_STEPS if questions else _STEPS
    handing_in = (" Write each formula as text in its `answer` under `formulas`; do not change "
                  "the questions." if questions else "")
    latex_activations = "; ".join(rf"layer {l}: ${_activation_formula(a, questions, latex=True)}$"
                                  for l, a in enumerate(ex.activations, 1))
    return [
        (None, [("p", f"One step of gradient descent on {summary(ex)}.")]),
        ("Given", given),
        ("Formulas", [("list", [f"Activations: {activations}",
                                f"Loss: {loss_formula(ex.loss)}, L = (1/m) Σᵢ Lᵢ"], False,
                       [f"Activations: {latex_activations}",
                        rf"Loss: ${loss_formula(ex.loss, latex=True)}$, "
                        r"$L = \tfrac1m \sum_i L_i$"])]),
        *_derive(ex, answer_file),
        ("What to compute, in this order",
         [("list", [f"**{title}**: {text}" for title, text, _ in steps], True,
           [rf"\textbf{{{_latex_text(title)}}}: ${formula}$" for title, _, formula in steps])]),
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
                              f"`network` entry.{handing_in}"),
                        ("p", "Or open the worksheet's page (worksheet.html) in a browser: "
                              "type each number into its table, and its format is checked as "
                              "you type; **Download answers** saves the answer file. It works "
                              "offline, from the file."),
                        ("p", f"Before handing in, check the file's format (not its numbers): "
                              f"`backprop check-answers {answer_file}` names every problem "
                              f"and every blank with its place.")]),
    ]


def sections(ex, policy=None, answer_file="answers.json"):
    """The worksheet as (title, blocks), the one content every format renders: a block is
    ("p", text), ("list", [items], numbered[, the items in LaTeX]) or ("matrix", name,
    rows, column letter, row letter); text may hold **bold** and `code`."""
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
    """The worksheet of the exercise ``ex`` as a standalone HTML page, ending in the
    answer form (:mod:`nn.explain.answer_page`) that writes the answer file; it works
    offline, from the file."""
    policy = policy or Policy()
    body = [f"<h1>{html.escape(_title(ex))}</h1>"]
    for title, blocks in _sections(ex, policy, answer_file):
        if title:
            body.append(f"<h2>{html.escape(title)}</h2>")
        body += [_html_block(block) for block in blocks]
    blank = dict(ex.answer_file(), digits=policy.digits)   # the answers.json handed out
    body.append(answer_form_html(blank, policy.digits, answer_file,
                                 FORMULA_NOTATION.replace("`", "")))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{PAGE_POLICY}\">"
            f"<title>{html.escape(_title(ex))}</title><style>{_CSS}{FORM_CSS}</style></head>"
            f"\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


_CSS = ("body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
        "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #999;"
        "padding:.2em .6em;text-align:right}th{background:#eee}")


def _latex_matrix(matrix):
    rows = r" \\ ".join(" & ".join(format_number(v) for v in row) for row in matrix)
    return r"\begin{pmatrix} " + rows + r" \end{pmatrix}"


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                  "#": r"\#", "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}
_LATEX_UNICODE = {"σ": r"\ensuremath{\sigma}", "δ": r"\ensuremath{\delta}",
                  "∂": r"\ensuremath{\partial}", "⊙": r"\ensuremath{\odot}",
                  "ᵢ": r"\ensuremath{_i}", "′": r"\ensuremath{'}", "−": r"\ensuremath{-}",
                  "α": r"\ensuremath{\alpha}", "Σ": r"\ensuremath{\Sigma}",
                  "θ": r"\ensuremath{\theta}", "…": r"\ldots{}", "²": r"\textsuperscript{2}",
                  "ᵀ": r"\ensuremath{^\top}", "½": r"\ensuremath{\tfrac12}",
                  "ŷ": r"\ensuremath{\hat y}", "Ŷ": r"\ensuremath{\hat Y}",
                  "≤": r"\ensuremath{\le}", "≥": r"\ensuremath{\ge}",
                  "×": r"\ensuremath{\times}", "·": r"\ensuremath{\cdot}",
                  "→": r"\ensuremath{\to}", "—": "---", "–": "--"}
"""How the worksheet's text characters are written for any TeX engine (pdfLaTeX too)."""


def _latex_plain(text):
    return "".join(_LATEX_UNICODE.get(ch) or _LATEX_SPECIAL.get(ch) or ch for ch in text)


def _latex_text(text):
    """The worksheet's text for LaTeX, saying what it says: **bold** and `code` kept as
    such, x^[l] and e^−z as superscripts, every special character escaped."""
    out = []
    for part in re.split(r"(\*\*.+?\*\*|`.+?`)", text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(r"\textbf{" + _latex_text(part[2:-2]) + "}")
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(r"\texttt{" + _latex_plain(part[1:-1]) + "}")
        else:
            pieces = re.split(r"\^(\[[^\]]*\]|[^\s\[),;:.]+)", part)
            out.append("".join(r"\textsuperscript{" + _latex_plain(p) + "}" if n % 2 else
                               _latex_plain(p) for n, p in enumerate(pieces)))
    return "".join(out)


def _latex_name(name):
    """A matrix name of the worksheet (W^[1], X) as LaTeX math."""
    return re.sub(r"\^\[([^\]]*)\]", r"^{[\1]}", name)


def _latex_block(block):
    kind = block[0]
    if kind == "p":   # a LaTeX version where the sheet has one
        return (block[2] if len(block) > 2 else _latex_text(block[1])) + "\n"
    if kind == "list":
        items = block[3] if len(block) > 3 else [_latex_text(i) for i in block[1]]
        env = "enumerate" if block[2] else "itemize"
        return "\n".join([rf"\begin{{{env}}}"] + [rf"  \item {i}" for i in items]
                         + [rf"\end{{{env}}}"])
    _, name, matrix, _, _ = block
    return rf"\[ {_latex_name(name)} = {_latex_matrix(matrix)} \]"


_COMPILE_NOTE = (
    "% Compile this worksheet into a PDF with any TeX distribution (TeX Live, MiKTeX,\n"
    "% MacTeX), e.g.:  pdflatex worksheet.tex   (or lualatex, xelatex, tectonic),\n"
    "% or upload it to an online LaTeX editor.  On Debian or Ubuntu:\n"
    "% apt-get install texlive-latex-recommended.  `backprop exercise --pdf` compiles\n"
    "% every student's sheet where LaTeX is installed.\n")


def to_latex(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as a standalone LaTeX document: the same
    sections as the Markdown and HTML (:func:`sections`), its formulas as LaTeX math; a
    comment at the top says how to compile it."""
    body = [rf"\section*{{{_latex_text(_title(ex))}}}"]
    for title, blocks in _sections(ex, policy or Policy(), answer_file):
        if title:
            body.append(rf"\subsection*{{{_latex_text(title)}}}")
        body += [_latex_block(block) for block in blocks]
    return "\n".join([
        _COMPILE_NOTE.rstrip("\n"),
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}", r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}", r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{0.5em}",
        r"\begin{document}", *body, r"\end{document}", ""])
