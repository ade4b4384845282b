"""Splitting a formula into tokens, whichever of three notations it is typed in.

* plain ASCII: ``sigmoid(z)*(1-sigmoid(z))``, powers as ``**`` or ``^``,
  ``W2.T @ d2 * (z1 > 0)``;
* Unicode as learners type it: ``σ(z)(1−σ(z))``, ``·`` ``×`` ``−`` ``⊙``, ``ŷ``,
  superscripts ``z²`` ``Wᵀ``, subscripts ``z₁``, primes ``σ′(z)``, ``𝟙[z > 0]``;
* the LaTeX a worksheet uses: ``\\sigma(z)\\left(1-\\sigma(z)\\right)``,
  ``\\frac{a}{b}``, ``\\hat{y}``, ``\\mathbb{1}[z>0]``, ``(W^{[2]})^\\top``,
  ``\\mathbf{W}``, ``\\cdot`` ``\\odot``; surrounding ``$`` are dropped.

Every character is either one of these or an error naming it and its column:
there is no string literal, no attribute access other than ``.T`` (a transpose),
no name that starts with ``_``.  A token is (kind, value, column):

=========  ==============================================================
kind       value
=========  ==============================================================
``num``    the number (a float)
``name``   a name: ASCII letters and digits (``W2``, ``yhat``), or one
           Greek letter with digits (``δ2``), with an optional subscript
           (``z_1``); a hat makes ``yhat``; Greek letters spelled in ASCII
           (``delta``) become the letter
``op``     ``+ - * · / ^ @ > < >= <= = ∂``: ``*`` is element-wise (NumPy's,
           ⊙), ``·`` the product of mathematics (``×``, ``\\cdot``, and
           writing two factors side by side), ``@`` a matrix product
``sup``    a superscript integer (``²`` gives 2, ``⁻¹`` gives −1)
``T``      a transpose (``ᵀ``, ``.T``, ``^T``, ``^\\top``)
``'``      a prime (``'`` ``′`` ``’`` ``^\\prime``)
``one``    the indicator 𝟙 (``\\mathbb{1}``)
``frac``   ``\\frac``
other      the punctuation itself: ``( ) [ ] { } , |``
=========  ==============================================================
"""

import unicodedata
from dataclasses import dataclass

from .limits import MAX_LENGTH, MAX_NUMBER_DIGITS, MAX_TOKENS, FormulaError, FormulaTooLarge


@dataclass(frozen=True)
class Token:
    """One token (see the module docstring for the kinds)."""

    kind: str
    value: object
    column: int
    """1-based position in the formula as typed."""


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+"))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789"))
_PRIMES = {"'": 1, "′": 1, "’": 1, "″": 2}
_OPERATORS = {
    "+": "+", "-": "-", "−": "-", "–": "-",
    "*": "*", "∗": "*", "⊙": "*", "∘": "*",
    "·": "·", "⋅": "·", "∙": "·", "×": "·",
    "/": "/", "÷": "/", "∕": "/",
    "^": "^", "@": "@", "=": "=", "∂": "∂",
    ">": ">", "<": "<", "≥": ">=", "≤": "<=",
}
_PUNCTUATION = "()[]{},|"
_SPACE_COMMANDS = {",", ";", ":", "!", " "}
_SKIPPED_COMMANDS = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
                     "Bigr", "displaystyle", "textstyle", "limits", "quad", "qquad"}
_COMMAND_OPERATORS = {"cdot": "·", "times": "·", "odot": "*", "circ": "*", "ast": "*",
                      "div": "/", "geq": ">=", "ge": ">=", "leq": "<=", "le": "<=", "gt": ">",
                      "lt": "<", "partial": "∂"}
_COMMAND_NAMES = {"exp", "log", "ln", "tanh", "sinh", "cosh", "sech", "max", "min", "sqrt"}
_FONT_COMMANDS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "text",
                  "textrm", "textbf", "operatorname", "mathbb"}
_HAT_COMMANDS = {"hat", "widehat"}
_GREEK_SPELLINGS = {
    name: unicodedata.lookup(f"GREEK SMALL LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")
    for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
                 "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau",
                 "upsilon", "phi", "chi", "psi", "omega")
}
_GREEK_SPELLINGS.update({
    name: unicodedata.lookup(f"GREEK CAPITAL LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")
    for name in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                 "Psi", "Omega")
})
_GREEK_SPELLINGS.update({"varepsilon": "ε", "varphi": "φ", "varsigma": "σ", "vartheta": "θ"})
_FINAL_SIGMA = "ς"


def greek(name):
    """The Greek letter an ASCII spelling names (``delta`` → δ), or None."""
    return _GREEK_SPELLINGS.get(name)


def _is_greek(ch):
    return "\u0391" <= ch <= "\u03c9" and ch not in "\u03a2"


def _hatted(ch):
    """The base letter of a letter with a circumflex (ŷ → y), or None."""
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 2 and decomposed[1] == "\u0302" and decomposed[0].isascii():
        return decomposed[0]
    return None


def _describe(ch):
    name = unicodedata.name(ch, "")
    shown = repr(ch) if ch.isprintable() else ""
    return f"{shown} (U+{ord(ch):04X}{' ' + name if name else ''})".strip()


class _Reader:
    """One pass over the text, appending tokens."""

    def __init__(self, text, what, offset=0, depth=0):
        self.text, self.what, self.offset, self.depth = text, what, offset, depth
        self.i = 0
        self.tokens = []

    # -- helpers --------------------------------------------------------------
    def column(self, i=None):
        return self.offset + (self.i if i is None else i) + 1

    def fail(self, message, i=None):
        raise FormulaError(message, self.what, self.column(i))

    def emit(self, kind, value, start):
        if len(self.tokens) >= MAX_TOKENS:
            raise FormulaTooLarge(f"more than {MAX_TOKENS} tokens", self.what)
        self.tokens.append(Token(kind, value, self.column(start)))

    def peek(self, k=0):
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    # -- the loop -------------------------------------------------------------
    def read(self):
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            start = self.i
            if ch.isspace() or unicodedata.category(ch) == "Zs" or ch == "~":
                self.i += 1
            elif ch == "\\":
                self.command()
            elif ch.isascii() and ch.isdigit() or (ch == "." and self.peek(1).isdigit()):
                self.number()
            elif ch == ".":
                self.dot()
            elif ch == "_":
                self.fail("a name cannot start with '_' (names are letters and digits, "
                          "e.g. z or W2)")
            elif ch == "√":
                self.i += 1
                self.emit("name", "sqrt", start)
            elif ch == "Σ" or ch == "∑":
                self.i += 1
                self.emit("name", "sum", start)
                self.skip_limits()
            elif (ch.isascii() and ch.isalpha()) or _is_greek(ch) or ch == _FINAL_SIGMA \
                    or _hatted(ch):
                self.name()
            elif ch in _SUPERSCRIPTS:
                self.superscript()
            elif ch == "ᵀ":
                self.i += 1
                self.emit("T", None, start)
            elif ch in _SUBSCRIPTS:
                self.fail(f"subscript {ch!r} must follow a name, as in z₁")
            elif ch in _PRIMES:
                self.i += 1
                for _ in range(_PRIMES[ch]):
                    self.emit("'", None, start)
            elif ch == "𝟙":
                self.i += 1
                self.emit("one", None, start)
            elif ch == "*" and self.peek(1) == "*":
                self.i += 2
                self.emit("op", "^", start)
            elif ch in "<>" and self.peek(1) == "=":
                self.i += 2
                self.emit("op", ch + "=", start)
            elif ch == "=" and self.peek(1) == "=":
                self.fail("'==' is not supported; write a comparison such as z > 0, or one "
                          "'=' after the quantity's name")
            elif ch in _OPERATORS:
                self.i += 1
                self.emit("op", _OPERATORS[ch], start)
            elif ch in _PUNCTUATION:
                self.i += 1
                self.emit(ch, None, start)
            elif ch in "'\"" or ch == "`":
                self.fail("quotes are not part of a formula")
            else:
                self.fail(f"unexpected character {_describe(ch)}")
        return self.tokens

    # -- pieces ---------------------------------------------------------------
    def number(self):
        text, start = self.text, self.i
        j = start
        while j < len(text) and text[j].isascii() and text[j].isdigit():
            j += 1
        if j < len(text) and text[j] == "." and not text[j + 1:j + 2].isalpha():
            j += 1
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
        if j < len(text) and text[j] in "eE":
            k = j + 1
            if k < len(text) and text[k] in "+-":
                k += 1
            if k < len(text) and text[k].isascii() and text[k].isdigit():
                while k < len(text) and text[k].isascii() and text[k].isdigit():
                    k += 1
                j = k
        literal = text[start:j]
        if len(literal) > MAX_NUMBER_DIGITS:
            raise FormulaTooLarge(f"the number {literal[:12]}… has more than "
                                  f"{MAX_NUMBER_DIGITS} characters", self.what,
                                  self.column(start))
        value = float(literal)
        if value == float("inf"):
            self.fail(f"the number {literal} is beyond the float range (about 1.8e308)", start)
        self.i = j
        self.emit("num", value, start)

    def dot(self):
        start = self.i
        after = self.text[self.i + 1:self.i + 3]
        if after[:1] == "T" and not (after[1:2].isalnum() or after[1:2] == "_"):
            self.i += 2
            self.emit("T", None, start)
            return
        j = self.i + 1
        while j < len(self.text) and (self.text[j].isalnum() or self.text[j] == "_"):
            j += 1
        word = self.text[self.i + 1:j]
        if word:
            self.fail(f"attribute access ('.{word[:20]}') is not allowed; the only '.' after a "
                      f"name is .T, a transpose")
        self.fail("a '.' must be part of a number (0.5) or a transpose (.T)")

    def name(self):
        text, start = self.text, self.i
        if text.startswith(("np.", "numpy."), start):   # NumPy's spelling: np.sum, np.maximum
            self.i = text.index(".", start) + 1
            if not text[self.i:self.i + 1].isascii() or not text[self.i:self.i + 1].isalpha():
                self.fail("np. must be followed by a function name", start)
        begin = self.i
        ch = text[begin]
        hat = _hatted(ch)
        if hat:
            word, j = hat, begin + 1
        elif ch.isascii():
            j = begin
            while j < len(text) and text[j].isascii() and text[j].isalnum():
                j += 1
            word = text[begin:j]
        else:
            j = begin + 1
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            word = ("σ" if ch == _FINAL_SIGMA else ch) + text[begin + 1:j]
        if j < len(text) and text[j] == "\u0302":   # a combining circumflex: a hat
            if len(word) != 1:
                self.fail("a hat (\u0302) goes on one letter, as in ŷ", j)
            hat, j = word, j + 1
        self.i = j
        subscript = self.subscript()
        if hat or subscript == "hat" and len(word) == 1:   # ŷ, \hat{y}, y_hat
            word, subscript = word + "hat", ("" if subscript == "hat" else subscript)
        else:
            letters = word.rstrip("0123456789")
            spelled = greek(letters)
            if spelled and letters not in ("sigma", "pi"):   # σ is a function, π a constant
                word = spelled + word[len(letters):]
        self.emit("name", word + (f"_{subscript}" if subscript else ""), start)

    def subscript(self):
        """The subscript after a name (``_1``, ``_{jk}``, ``₁``), or ''."""
        text = self.text
        digits = ""
        while self.i < len(text) and text[self.i] in _SUBSCRIPTS:
            digits += _SUBSCRIPTS[text[self.i]]
            self.i += 1
        if digits:
            return digits
        if self.peek() != "_":
            return ""
        j = self.i + 1
        if text[j:j + 1] == "{":
            end = text.find("}", j)
            if end < 0:
                self.fail("a subscript _{ … } is not closed", j)
            inner = text[j + 1:end].replace(" ", "")
            j = end + 1
        else:
            k = j
            while k < len(text) and text[k].isascii() and text[k].isalnum():
                k += 1
            inner, j = text[j:k], k
        if not inner or not all(c.isascii() and (c.isalnum() or c == ",") for c in inner):
            self.fail("a subscript holds letters and digits (z_1, W_{jk}); a name cannot "
                      "contain '__' or other characters", self.i)
        self.i = j
        return inner

    def superscript(self):
        start = self.i
        digits = ""
        while self.i < len(self.text) and self.text[self.i] in _SUPERSCRIPTS:
            digits += _SUPERSCRIPTS[self.text[self.i]]
            self.i += 1
        try:
            value = int(digits)
        except ValueError:
            self.fail(f"superscript {digits!r} is not a whole number", start)
        self.emit("sup", value, start)

    def skip_limits(self):
        """Drop the limits of a sum (Σᵢ, \\sum_{i=1}^{m}): every sum runs over the samples."""
        text = self.text
        while True:
            while self.i < len(text) and text[self.i] == " ":
                self.i += 1
            if self.i < len(text) and text[self.i] in "ᵢ":
                self.i += 1
            elif self.peek() in ("_", "^") and self.peek(1) == "{":
                end = self._matching_brace(self.i + 1)
                self.i = end + 1
            elif self.peek() in ("_", "^") and self.peek(1).isalnum():
                self.i += 2
            else:
                return

    def _matching_brace(self, j):
        depth = 0
        for k in range(j, len(self.text)):
            if self.text[k] == "{":
                depth += 1
            elif self.text[k] == "}":
                depth -= 1
                if depth == 0:
                    return k
        self.fail("a '{' is not closed", j)

    def group(self):
        """The text inside the ``{…}`` that follows (spaces allowed before it), and the
        index after its ``}``; a single character without braces also counts."""
        j = self.i
        while j < len(self.text) and self.text[j] == " ":
            j += 1
        if j >= len(self.text):
            self.fail("a LaTeX command is missing its argument")
        if self.text[j] == "{":
            end = self._matching_brace(j)
            return self.text[j + 1:end], j + 1, end + 1
        if self.text[j] == "\\":
            k = j + 1
            while k < len(self.text) and self.text[k].isalpha():
                k += 1
            return self.text[j:k], j, k
        return self.text[j], j, j + 1

    def inner_tokens(self, inner, at):
        if self.depth >= 3:
            self.fail("LaTeX commands nested too deeply")
        reader = _Reader(inner, self.what, self.offset + at, self.depth + 1)
        reader.tokens = self.tokens   # shares the token count limit
        reader.read()

    def command(self):
        text, start = self.text, self.i
        j = start + 1
        if j < len(text) and not text[j].isalpha():
            ch = text[j]
            self.i = j + 1
            if ch in _SPACE_COMMANDS:
                return
            if ch in "{}":
                self.emit("(" if ch == "{" else ")", None, start)
                return
            if ch in "()[]":  # \( \) \[ \]: math delimiters
                return
            self.fail(f"unknown LaTeX command \\{ch}", start)
        while j < len(text) and text[j].isalpha():
            j += 1
        name = text[start + 1:j]
        self.i = j
        if name in _SKIPPED_COMMANDS:
            if name in ("left", "right") and self.peek() == ".":
                self.i += 1
            return
        if name in _COMMAND_OPERATORS:
            self.emit("op", _COMMAND_OPERATORS[name], start)
        elif name in ("top", "intercal"):
            self.emit("T", None, start)
        elif name == "prime":
            self.emit("'", None, start)
        elif name in ("frac", "dfrac", "tfrac"):
            self.emit("frac", None, start)
        elif name == "sum":
            self.emit("name", "sum", start)
            self.skip_limits()
        elif name == "mathbb":
            inner, _, end = self.group()
            if inner.strip() != "1":
                self.fail(f"\\mathbb{{{inner}}} is not supported; \\mathbb{{1}} is the indicator",
                          start)
            self.i = end
            self.emit("one", None, start)
        elif name in _FONT_COMMANDS:
            inner, at, end = self.group()
            self.inner_tokens(inner, at)
            self.i = end
            last = self.tokens[-1] if self.tokens else None
            if last is not None and last.kind == "name" and self.peek() in ("_", *_SUBSCRIPTS):
                sub = self.subscript()   # \mathbf{W}_{jk}: the subscript is the name's
                self.tokens[-1] = Token("name", f"{last.value}_{sub}", last.column)
        elif name in _HAT_COMMANDS:
            inner, at, end = self.group()
            letter = inner.strip()
            if len(letter) != 1 or not letter.isascii() or not letter.isalpha():
                self.fail(f"\\{name}{{…}} takes one letter, as in \\hat{{y}}", start)
            self.i = end
            subscript = self.subscript()
            self.emit("name", letter + "hat" + (f"_{subscript}" if subscript else ""), start)
        elif name in _COMMAND_NAMES:
            self.emit("name", name, start)
        elif greek(name):
            self.emit("name", greek(name), start)
        else:
            self.fail(f"unknown LaTeX command \\{name}", start)


def _strip_math_delimiters(text):
    stripped = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if stripped.startswith(left) and stripped.endswith(right) and len(stripped) >= len(left) + len(right):
            inner = stripped[len(left):len(stripped) - len(right)]
            return inner, text.find(left) + len(left)
    return text, 0


def tokenize(text, what="formula"):
    """The tokens of ``text`` (see the module docstring); :class:`FormulaError` naming the
    first character that is not part of the notation, or a limit passed."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula is text, got {type(text).__name__}", what)
    if len(text) > MAX_LENGTH:
        raise FormulaTooLarge(f"{len(text)} characters, more than the {MAX_LENGTH} a formula "
                              f"may have", what)
    inner, offset = _strip_math_delimiters(text)
    if "$" in inner:
        raise FormulaError("'$' may only surround the whole formula", what,
                           offset + inner.index("$") + 1)
    tokens = _Reader(inner, what, offset).read()
    if not tokens:
        raise FormulaError("the formula is empty", what)
    return tokens
