"""An exercise's worksheet in Markdown and LaTeX: the network, what to compute, the rounding.

The sheet gives W^[l], b^[l], X = A^[0] (column i = sample i), Y, the loss, α
and the formulas in the lecture notes' notation, lists the quantities to
compute in order, states the rounding policy (:class:`nn.explain.grade.Policy`)
and the tolerance of each quantity, and says how to fill in the answer file.
"""

from .grade import Policy
from .quantities import ASKED, BY_NAME

__all__ = ["to_markdown", "to_latex", "LOSS_FORMULAS", "ACTIVATION_FORMULAS"]

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


def _number(x):
    return f"{x:g}"


def _summary(ex):
    layers = ", ".join(f"layer {l} {name}" for l, name in enumerate(ex.activations, 1))
    samples = "1 sample" if ex.m == 1 else f"m = {ex.m} samples"
    return (f"a {'-'.join(map(str, ex.sizes))} network ({layers}), loss {ex.loss}, "
            f"{samples}, learning rate α = {_number(ex.lr)}")


def _columns(samples):
    """X as n_0 × m (A^[0]): column i is sample i."""
    return [list(row) for row in zip(*samples)]


def _tolerances_text(ex, latex=False):
    names = [n for n in ASKED if not (n == "losses" and ex.m == 1)]
    if latex:
        return ", ".join(f"${BY_NAME[n].latex}$: {BY_NAME[n].rtol:g}" for n in names)
    return ", ".join(f"{BY_NAME[n].text} {BY_NAME[n].rtol:g}" for n in names)


def _md_matrix(name, matrix, col, row="j"):
    cols = len(matrix[0])
    head = "| " + name + " | " + " | ".join(f"{col}={k}" for k in range(1, cols + 1)) + " |"
    rule = "|---|" + "---|" * cols
    rows = [f"| {row}={j} | " + " | ".join(_number(v) for v in values) + " |"
            for j, values in enumerate(matrix, 1)]
    return "\n".join([head, rule, *rows])


def to_markdown(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as Markdown."""
    policy = policy or Policy()
    out = [f"# Backpropagation exercise {ex.exercise_id} — student {ex.student}", "",
           f"One step of gradient descent on {_summary(ex)}.", "", "## Given", ""]
    for l, (W, b) in enumerate(zip(ex.weights, ex.biases), 1):
        out += [f"W^[{l}] (row j = neuron j of layer {l}, column k = input k):", "",
                _md_matrix(f"W^[{l}]", W, "k"), "",
                f"b^[{l}] = ({', '.join(map(_number, b))})", ""]
    out += ["X = A^[0] (column i = sample i):", "", _md_matrix("X", _columns(ex.inputs), "i", row="k"),
            "", f"Targets Y = ({', '.join(map(_number, ex.targets))})", "",
            "## Formulas", "",
            f"- Activations: " + "; ".join(
                f"layer {l}: {ACTIVATION_FORMULAS[a][0]}" for l, a in
                enumerate(ex.activations, 1)),
            f"- Loss: {LOSS_FORMULAS[ex.loss][0]}, L = (1/m) Σᵢ Lᵢ", "",
            "## What to compute, in this order", ""]
    out += [f"{n}. **{title}**: {text}" for n, (title, text, _) in enumerate(_STEPS, 1)]
    out += ["", "## Rounding", "", policy.statement(),
            f"Relative tolerances for rounding carried from earlier numbers: "
            f"{_tolerances_text(ex)} (for an update: relative to the step α ∂L/∂θ).",
            "Later answers are marked against your own earlier numbers (error carried "
            "forward), so write down every intermediate value.", "",
            "## Handing in", "",
            f"Fill in `{answer_file}`: replace each `null` with your number and leave "
            f"`null` what you did not compute. Matrices are lists of rows: row j is neuron j; "
            f"a column is sample i (for Z, A, ∂L/∂A, f′, δ) or input k (for ∂L/∂W, W). "
            f"Do not change the `network` entry.", ""]
    return "\n".join(out)


def _latex_matrix(matrix):
    rows = r" \\ ".join(" & ".join(_number(v) for v in row) for row in matrix)
    return r"\begin{pmatrix} " + rows + r" \end{pmatrix}"


def _latex_text(text):
    # Student IDs and loss names are [A-Za-z0-9._-], so "_" is the one special character.
    return text.replace("_", r"\_")


def to_latex(ex, policy=None, answer_file="answers.json"):
    """The worksheet of the exercise ``ex`` as a standalone LaTeX document."""
    policy = policy or Policy()
    given = []
    for l, (W, b) in enumerate(zip(ex.weights, ex.biases), 1):
        given.append(rf"W^{{[{l}]}} = {_latex_matrix(W)},\quad "
                     rf"b^{{[{l}]}} = {_latex_matrix([[v] for v in b])}")
    given.append(rf"X = A^{{[0]}} = {_latex_matrix(_columns(ex.inputs))},\quad "
                 rf"Y = {_latex_matrix([ex.targets])}")
    activations = "; ".join(rf"layer {l}: ${ACTIVATION_FORMULAS[a][1]}$"
                            for l, a in enumerate(ex.activations, 1))
    steps = "\n".join(rf"  \item \textbf{{{_latex_text(title)}}}: ${formula}$"
                      for title, _, formula in _STEPS)
    return "\n".join([
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}", r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\begin{document}",
        rf"\section*{{Backpropagation exercise {ex.exercise_id} --- student "
        rf"{_latex_text(ex.student)}}}",
        rf"One step of gradient descent on a {'-'.join(map(str, ex.sizes))} network, loss "
        rf"\texttt{{{_latex_text(ex.loss)}}}, $m = {ex.m}$, $\alpha = {_number(ex.lr)}$.",
        r"\subsection*{Given}", r"Columns of $X$ are samples $i$; row $j$ of $W^{[l]}$ holds "
        r"neuron $j$'s weights.",
        "\n".join(r"\[ " + g + r" \]" for g in given),
        r"\subsection*{Formulas}", activations + ".",
        rf"Loss: ${LOSS_FORMULAS[ex.loss][1]}$, $L = \tfrac1m \sum_i L_i$.",
        r"\subsection*{What to compute, in this order}", r"\begin{enumerate}", steps,
        r"\end{enumerate}",
        r"\subsection*{Rounding}", _latex_text(policy.statement()),
        f"Relative tolerances for rounding carried from earlier numbers: "
        f"{_tolerances_text(ex, latex=True)}.",
        r"Later answers are marked against your own earlier numbers (error carried "
        r"forward), so write down every intermediate value.",
        r"\subsection*{Handing in}",
        rf"Fill in \texttt{{{_latex_text(answer_file)}}}: replace each \texttt{{null}} with "
        r"your number; leave \texttt{null} what you did not compute.",
        r"\end{document}", ""])
