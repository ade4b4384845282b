"""Checks on LaTeX text that the record tests share."""


def balanced(latex):
    """True when every brace group of ``latex`` closes, in order (escaped braces aside)."""
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0
