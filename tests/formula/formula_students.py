"""What students type for an exercise's formula questions, written out here independently of
the checker: careful answers in every notation a class uses, each classic slip with the
code it must be named by, and answers that are not formulas at all.

Each generator reads only what the question asks (its key, and the activation and loss
of its definition) — the way a student reads the worksheet.
"""

CAREFUL = {
    "activation_derivative": {
        "sigmoid": ["σ(z)(1−σ(z))", "sigmoid(z)*(1-sigmoid(z))", "sigmoid(z)*(1 - sigmoid(z))",
                    r"\sigma(z)\left(1-\sigma(z)\right)", r"\sigma(z)(1-\sigma(z))",
                    "a(1 − a)", "a*(1-a)", "exp(-z)/(1+exp(-z))**2", "e^(−z)/(1 + e^(−z))²",
                    "σ(z)·σ(−z)", "σ′(z) = σ(z)(1 − σ(z))", "  σ(z) × (1 − σ(z))  ",
                    "`σ(z)⋅(1−σ(z))`", "$\\sigma(z)(1-\\sigma(z))$"],
        "tanh": ["1 − tanh(z)²", "1 - tanh(z)**2", "1 - a^2", r"1 - \tanh^2(z)",
                 "sech(z)^2", "4/(e^z + e^(-z))^2", "1 − a²"],
        "relu": ["z > 0", "step(z)", r"\mathbb{1}[z>0]", "z >= 0", "(z > 0)", "heaviside(z)"],
    },
    "output_delta": {
        "bce": ["ŷ − y", "yhat - y", "a - y", "A^[L] − Y", "Ŷ − Y", "ŷᵢ − yᵢ", r"\hat{y} - y",
                r"\hat{y}_i - y_i", "σ(z) − y", "sigmoid(z) - y", "-(y - ŷ)", "δ^[L] = ŷ − y",
                "ŷ – y", "y\u0302\u00a0−\u00a0y",
                "(ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ)", "−y(1 − ŷ) + (1 − y)ŷ"],
        "squared_error": ["2(ŷ − y)ŷ(1 − ŷ)", "2*(a-y)*a*(1-a)", "2(σ(z) − y)σ(z)(1 − σ(z))",
                          r"2(\hat{y}-y)\hat{y}(1-\hat{y})", "2 (A^[L] − Y) ⊙ A^[L] ⊙ (1 − A^[L])",
                          "δ^[L] = 2(ŷᵢ − yᵢ)·ŷᵢ(1 − ŷᵢ)"],
        "half_mse": ["ŷ − y", "z − y", "a - y", "A^[L] − Y", r"\hat{y} - y", "ŷᵢ − yᵢ",
                     "δ^[L] = Ŷ − Y"],
    },
    "delta_recursion": {
        None: ["δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])", "(W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])",
               r"\delta^{[l]} = (W^{[l+1]})^\top \delta^{[l+1]} \odot f'(Z^{[l]})",
               "W^[l+1].T @ δ^[l+1] * f′(Z^[l])", "δ^[1] = (W^[2])ᵀ δ^[2] ⊙ f′(Z^[1])",
               "delta1 = W_2.T @ delta_2 * f'(Z_1)", "δ^[2] = (W^[3])ᵀ δ^[3] ⊙ f′(Z^[2])",
               "(W^[L])ᵀ δ^[L] ⊙ f′(Z^[L−1])", "(W^[l+1])^T δ^[l+1] ⊙ f’(Z^[l])",
               "(W^[l+1])ᵀ·δ^[l+1]∘f′(Z^[l])"],
        "sigmoid": ["d1 = W2.T @ d2 * a1 * (1 - a1)",
                    "(W^[l+1])ᵀ δ^[l+1] ⊙ A^[l] ⊙ (1 − A^[l])",
                    "(W^[l+1])ᵀ δ^[l+1] ⊙ σ(Z^[l]) ⊙ (1 − σ(Z^[l]))"],
        "relu": ["d1 = W2.T @ d2 * (z1 > 0)", "(W^[l+1])ᵀ δ^[l+1] ⊙ (Z^[l] > 0)",
                 r"(W^{[l+1]})^\top \delta^{[l+1]} \odot \mathbb{1}[Z^{[l]}>0]",
                 "(W^[l+1])ᵀ δ^[l+1] ⊙ f′(A^[l])"],
        "tanh": ["d1 = W2.T @ d2 * (1 - a1**2)", "(W^[l+1])ᵀ δ^[l+1] ⊙ (1 − A^[l] ⊙ A^[l])"],
        "linear": ["d1 = W2.T @ d2", "(W^[l+1])ᵀ δ^[l+1]"],
    },
    "weight_gradient": {
        None: ["∂L/∂W^[l] = (1/m) δ^[l] (A^[l−1])ᵀ", "(1/m) δ^[l] (A^[l−1])ᵀ",
               "dW1 = (1/m) d1 @ X.T", "d1 @ X.T / m", "dW2 = 1/m * d2 @ A1.T",
               r"\frac{\partial L}{\partial W^{[l]}} = \frac{1}{m}\delta^{[l]}(A^{[l-1]})^\top",
               "1/m * δ^[l] @ (A^[l-1]).T", "1/m δ^[l] A^[l-1]ᵀ", "(d1 @ X.T)/m",
               "δ^{[l]} (A^{[l-1]})^T / m"],
    },
}
"""question key -> activation or loss (None: any) -> careful answers."""

SLIPS = {
    "activation_derivative": {
        "sigmoid": [("σ(z)(1 + σ(z))", "sigma_plus_typo"), ("σ(z) − (1 − σ(z))", "sigma_minus_typo"),
                    ("σ(σ(z))(1 − σ(σ(z)))", "derivative_of_output"),
                    ("−σ(z)(1 − σ(z))", "error_sign"), ("1", "missing_activation_derivative")],
        "tanh": [("1 − tanh(tanh(z))²", "derivative_of_output"), ("tanh(z)² − 1", "error_sign")],
        "relu": [("-(z > 0)", "error_sign"), ("1", "missing_activation_derivative")],
    },
    "output_delta": {
        "bce": [("y − ŷ", "error_sign"), ("Y - A^[L]", "error_sign"),
                ("(ŷ − y)/(ŷ(1 − ŷ))", "missing_activation_derivative"),
                ("-y/ŷ + (1 - y)/(1 - ŷ)", "missing_activation_derivative"),
                ("(ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 + ŷ)", "sigma_plus_typo"),
                ("(ŷ − y)/(ŷ(1 − ŷ)) · (ŷ − (1 − ŷ))", "sigma_minus_typo"),
                ("(ŷ − y)/(ŷ(1 − ŷ)) · σ(ŷ)(1 − σ(ŷ))", "derivative_of_output")],
        "squared_error": [("(ŷ − y)ŷ(1 − ŷ)", "extra_half"), ("2(y − ŷ)ŷ(1 − ŷ)", "error_sign"),
                          ("2(ŷ − y)", "missing_activation_derivative"),
                          ("2(ŷ − y)ŷ(1 + ŷ)", "sigma_plus_typo"),
                          ("2(ŷ − y)(ŷ − (1 − ŷ))", "sigma_minus_typo"),
                          ("2(ŷ − y)σ(ŷ)(1 − σ(ŷ))", "derivative_of_output")],
        "half_mse": [("2(ŷ − y)", "missing_half"), ("y − ŷ", "error_sign")],
    },
    "delta_recursion": {
        None: [("W^[l+1] δ^[l+1] ⊙ f′(Z^[l])", "weights_not_transposed"),
               ("d1 = W2 @ d2 * f'(z1)", "weights_not_transposed")],
        "sigmoid": [("(W^[l+1])ᵀ δ^[l+1]", "missing_activation_derivative"),
                    ("(W^[l+1])ᵀ δ^[l+1] ⊙ f′(A^[l])", "derivative_of_output"),
                    ("(W^[l+1])ᵀ δ^[l+1] ⊙ A^[l] ⊙ (1 + A^[l])", "sigma_plus_typo"),
                    ("(W^[l+1])ᵀ δ^[l+1] ⊙ (A^[l] − (1 − A^[l]))", "sigma_minus_typo")],
        "relu": [("(W^[l+1])ᵀ δ^[l+1]", "missing_activation_derivative")],
        "tanh": [("(W^[l+1])ᵀ δ^[l+1]", "missing_activation_derivative"),
                 ("(W^[l+1])ᵀ δ^[l+1] ⊙ f′(A^[l])", "derivative_of_output")],
        "linear": [],
    },
    "weight_gradient": {
        None: [("δ^[l] (A^[l−1])ᵀ", "missing_batch_mean"), ("dW1 = d1 @ X.T", "missing_batch_mean"),
               ("(1/m) δ^[l] (A^[l])ᵀ", "wrong_activation_in_weight_gradient")],
    },
}
"""question key -> activation or loss (None: any) -> [(answer, the slip it must be named)]."""

NOT_FORMULAS = {
    "python import": "__import__('os').system('touch pwned')",
    "class walk": "().__class__.__bases__[0].__subclasses__()",
    "attribute": "z.real",
    "lambda": "lambda z: z",
    "statement": "z; import os",
    "string literal": "open('/etc/passwd')",
    "latex input": r"\input{/etc/passwd}",
    "latex write18": r"\immediate\write18{ls}",
    "huge power": "9**9**9",
    "deep nesting": "(" * 200 + "z" + ")" * 200,
    "too long": "z + " * 400 + "z",
    "null byte": "z\x00",
    "terminal escape": "\x1b[2Kz",
    "right-to-left override": "z\u202e1",
    "fullwidth letter": "ｚ",
    "f′ itself": "σ′(z)",
    "unknown name": "x * w",
    "prose": "the derivative of sigma",
    "python ternary": "1 if z > 0 else 0",
    "unbalanced": "σ(z)(1 − σ(z)",
}
"""Typed answers that no question reads as a formula: each must be ``rejected`` with a
one-line reason (the f′ and unknown-name ones only for the scalar questions)."""


def _for(table, question):
    c = question.check
    entries = table[question.key]
    picked = list(entries.get(None, []))
    for name in (c.get("activation"), c.get("loss")):
        if name in entries:
            picked += entries[name]
    return picked


def careful_answers(question):
    """Every careful answer of ``question`` in the notations above."""
    return _for(CAREFUL, question)


def slip_answers(question):
    """[(answer, expected slip code)] for ``question``."""
    return _for(SLIPS, question)
