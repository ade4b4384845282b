"""Activation functions a layer applies to its pre-activations: A^[l] = f(Z^[l]).

Each activation is ONE :class:`Activation` record in :data:`ACTIVATIONS`, and every
other part of ``nn`` reads it: both engines (``fn``, ``matrix``), init gains, PyTorch
module names, the ``explain`` tables' LaTeX, diagram symbols, worksheets and formula
questions (their f and f′, the f′ written out as a key's answer), the grader's f′ from
A^[l], plots (the hand-written f′, saturation), the live view (``on_float``), accuracy
and decision thresholds (``bounds``), exercise draws (``kink``) and the CLI's choices.
Adding an activation is one record here, its engine rule in :mod:`autograd.ops` if it
needs a new primitive, and one test case; ``tests/nn/test_registries.py`` drives
every consumer with every record and names any that cannot render a new one.

The derivatives are the engine's: ReLU'(0) = 0 (as PyTorch, JAX and micrograd),
σ'(z) = σ(z)σ(−z), tanh'(z) = 1 − tanh²z; composite activations (GELU, SiLU)
are built from primitives, so they need no derivative code.  Where an activation
is one primitive, its f′ is written by that primitive's record (the same text the
explorer and ``backward_steps`` print).

Softmax is the one activation that is not element-wise: it maps the whole
Z^[L] of an output layer to probabilities, A^[L]_j = e^{z_j} / Σ_k e^{z_k};
pair it with the loss ``categorical_cross_entropy`` (on probabilities), which
gives δ^[L] = A^[L] − onehot(y).  ``cross_entropy`` takes logits, i.e. a linear
output layer.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

from autograd import Value, numerics, ops, softmax as _softmax
from autograd.value import apply

LEAKY_SLOPE = 0.01
"""The negative slope of "leaky_relu" (PyTorch's and JAX's default)."""

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class Activation:
    """Everything ``nn`` knows about one activation (fields with a default may be None).

    - ``fn``: f on engine Values (one Value, or a list for a layer-wise one); a
      composite f takes floats too, with the same arithmetic (see :meth:`on_float`)
    - ``formula`` / ``formula_latex``: f(z) spelled out, the right side of f(z) = …
    - ``primitive``: the one :mod:`autograd.ops` record f is (its ``formulas`` write
      f′), with ``constant`` the number it takes besides z (leaky ReLU's slope); None
      for a composite, which gives ``derivative`` / ``derivative_latex`` instead
    - ``hand_derivative``: f′ as a float function written by hand (plots draw it over
      the engine's f′ and tests compare the two); None only when not element-wise
    - ``expression`` / ``derivative_answer``: f(z) and f′(z) in :mod:`autograd.formula`'s
      notation: what a formula question differentiates and its key's answer (tests
      check each against the engine); None for softmax
    - ``engine``: the engine primitives ``fn`` is built from (for readers and pictures)
    - ``gain``: the init gain (PyTorch's ``calculate_gain`` where it has one)
    - ``torch_module``: the ``torch.nn`` module, or None for the identity (no module)
    - ``latex``: the LaTeX function name, or None for the identity (A = Z)
    - ``symbol``: the short name a diagram and a sheet show (σ, ReLU)
    - ``saturation``: (rule text, predicate on a) for plots, or None when it has none
    - ``elementwise``: False for softmax, which acts on the whole layer
    - ``matrix``: (f, f′) for the matrix engine, each ``(np, Z) -> array`` on a whole
      n_l × m array Z^[l] with the engine's conventions; written against the NumPy
      namespace the matrix engine passes in, so ``nn`` never imports NumPy itself
      (for softmax f′ is the diagonal aⱼ(1 − aⱼ) its tables show; its backward pass
      uses the whole Jacobian)
    - ``bounds``: (low, high) that f's outputs lie between, or None when unbounded: an
      output in (0, 1) is a probability (:attr:`gives_probabilities`), and one output's
      two classes split at the middle (0.5 for σ, 0 for tanh and for a logit)
    - ``kink``: the z where f′ jumps and its value there is a convention (0 for ReLU),
      or None
    - ``output_derivative`` / ``output_derivative_text``: f′ written in terms of a = f(z)
      (σ: a(1 − a), tanh: 1 − a², ReLU: 1 if a > 0 else 0), a function and its text as
      advice prints it (``{a}`` for A^[l], ``{z}`` for Z^[l]); None where a hand derivation
      has no such form.  A grader accepts f′ computed either way from a student's numbers
    """

    name: str
    fn: Callable
    formula: str
    formula_latex: str
    primitive: Optional[ops.Primitive]
    derivative: Optional[str]
    derivative_latex: Optional[str]
    hand_derivative: Optional[Callable]
    expression: Optional[str]
    derivative_answer: Optional[str]
    engine: str
    gain: float
    torch_module: Optional[str]
    latex: Optional[str]
    symbol: str
    saturation: Optional[tuple]
    elementwise: bool
    matrix: tuple
    bounds: Optional[tuple] = None
    kink: Optional[float] = None
    output_derivative: Optional[Callable] = None
    output_derivative_text: Optional[str] = None
    constant: Optional[float] = None

    def __call__(self, z):
        """f(z): a Value for an element-wise activation, a list for softmax (z a list)."""
        return self.fn(z)

    def on_float(self, z):
        """f(z) on a float (a list of floats for softmax), with exactly the arithmetic of
        ``fn`` on a Value: the number the engine's node would hold, without making one."""
        if self.primitive is None:
            return self.fn(z)
        if self.constant is None:
            return self.primitive.rule(z)[0]
        return self.primitive.rule(z, self.constant)[0]

    @property
    def is_identity(self):
        """True for "linear": A = Z, no node, no function to write."""
        return self.fn is _identity

    @property
    def gives_probabilities(self):
        """True when an output layer of it gives probabilities (σ; softmax over classes)."""
        return self.bounds == (0.0, 1.0)

    @property
    def midpoint(self):
        """The output value between one output's two classes: the middle of ``bounds``, or
        0 for an unbounded output (a logit or a score)."""
        return 0.0 if self.bounds is None else (self.bounds[0] + self.bounds[1]) / 2

    def f_prime(self, latex=False):
        """f′(z), the right side, as text or LaTeX: the primitive's record writes it where f
        is one primitive (σ(z)·(1 − σ(z)); 1 − tanh(z)²), else the record's own."""
        if self.primitive is None:
            return self.derivative_latex if latex else self.derivative
        name = self.function_name(latex)
        return self.primitive.formulas(["z"], f"{name}(z)", self.constant, latex)[1]

    def function_name(self, latex=False):
        """f's name in a formula: σ (\\sigma), ReLU, tanh; f for the identity."""
        if self.latex is None:
            return "f"
        return self.latex if latex else self.symbol

    def written(self, latex=False):
        """(f's definition, its derivative) as a worksheet prints them, text or LaTeX:
        ("σ(z) = 1/(1 + e^−z)", "σ′(z) = σ(z)·(1 − σ(z))")."""
        f = self.function_name(latex)
        if self.elementwise:
            left, prime = f"{f}(z)", (f"{f}'(z)" if latex else f"{f}′(z)")
        else:
            left = rf"{f}(z)_j" if latex else f"{f}(z)_j"
            prime = r"\frac{\partial a_j}{\partial z_k}" if latex else "∂a_j/∂z_k"
        formula = self.formula_latex if latex else self.formula
        return f"{left} = {formula}", f"{prime} = {self.f_prime(latex)}"


def _of_primitive(primitive, constant=None):
    """f on Values: the primitive's node, made by the Value method of the same name (the
    engine's fast path, where it has one), else by :func:`autograd.value.apply`."""
    method = getattr(Value, primitive.name, None)
    if method is None:
        return lambda z: apply(primitive, z, constant=constant)
    return method if constant is None else (lambda z: method(z, constant))


def _sigmoid(z):
    return numerics.sigmoid(float(z))


def _identity(z):
    # The identity adds no node: a "linear" layer's output *is* Z^[l].
    return z


def _gelu(z):
    # Exact GELU, z·Φ(z) with Φ(z) = ½(1 + erf(z/√2)), as torch.nn.GELU() by default;
    # on a float or a Value alike (numerics.erf takes either).
    return z * (0.5 * (numerics.erf(z * _INV_SQRT2) + 1.0))


def _gelu_prime(z):
    return 0.5 * (1.0 + math.erf(z * _INV_SQRT2)) + z * _INV_SQRT_2PI * math.exp(-0.5 * z * z)


def _silu(z):
    return z * numerics.sigmoid(z)


def _silu_prime(z):
    s = _sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


def _layer_softmax(zs):
    if not any(isinstance(z, Value) for z in zs):   # numbers: what the engine's nodes hold
        zs = [float(z) for z in zs]
        return [numerics.exp(ops.log_softmax.rule(*zs, i)[0]) for i in range(len(zs))]
    return _softmax(zs)


# -- the matrix engine's forms, f(np, Z) on whole arrays ----------------------------------

def _np_sigmoid(np, Z):
    # σ from e^−|Z|, so no exponent overflows
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_sigmoid_prime(np, Z):
    return _np_sigmoid(np, Z) * _np_sigmoid(np, -Z)          # σ(z)σ(−z), as the engine


def _np_tanh_prime(np, Z):
    return 4.0 * _np_sigmoid(np, 2.0 * Z) * _np_sigmoid(np, -2.0 * Z)   # = 1 − tanh²z


def _np_phi(np, Z):
    # Φ(z) = ½(1 + erf(z/√2)), exactly: one math.erf per entry, no SciPy
    return 0.5 * (1.0 + np.frompyfunc(math.erf, 1, 1)(Z * _INV_SQRT2).astype(float))


def _np_softmax(np, Z):
    # each column: e^(Z − max)/Σ e^(Z − max), so no exponent overflows
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _np_softmax_diagonal(np, Z):
    A = _np_softmax(np, Z)
    return A * (1.0 - A)


def _outside(low, high):
    return lambda a: a < low or a > high


_PROBABILITY = (0.0, 1.0)

_RECORDS = (
    Activation(
        "relu", _of_primitive(ops.relu), "max(0, z)", r"\max(0, z)", ops.relu, None, None,
        lambda z: 1.0 if z > 0 else 0.0, "relu(z)", "z > 0", "relu", math.sqrt(2.0),
        "ReLU()", r"\mathrm{ReLU}", "ReLU", ("a = 0 (inactive)", lambda a: a == 0.0), True,
        matrix=(lambda np, Z: np.maximum(Z, 0.0), lambda np, Z: (Z > 0).astype(float)),
        kink=0.0, output_derivative=lambda a: 1.0 if a > 0 else 0.0,
        output_derivative_text="1 where {z} > 0 and 0 elsewhere"),
    Activation(
        "leaky_relu", _of_primitive(ops.leaky_relu, LEAKY_SLOPE),
        f"z if z > 0 else {LEAKY_SLOPE}·z",
        rf"\begin{{cases}} z & z > 0 \\ {LEAKY_SLOPE}\,z & z \le 0 \end{{cases}}",
        ops.leaky_relu, None, None, lambda z: 1.0 if z > 0 else LEAKY_SLOPE,
        "leaky_relu(z)", f"(z > 0) + {LEAKY_SLOPE}*(z <= 0)", "leaky_relu",
        math.sqrt(2.0 / (1.0 + LEAKY_SLOPE ** 2)), "LeakyReLU()", r"\mathrm{LeakyReLU}",
        "LeakyReLU", None, True,
        matrix=(lambda np, Z: np.where(Z > 0, Z, LEAKY_SLOPE * Z),
                lambda np, Z: np.where(Z > 0, 1.0, LEAKY_SLOPE)),
        kink=0.0, constant=LEAKY_SLOPE),
    Activation(
        "sigmoid", _of_primitive(ops.sigmoid), "1/(1 + e^−z)", r"\frac{1}{1 + e^{-z}}",
        ops.sigmoid, None, None, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)), "sigmoid(z)",
        "σ(z)(1 − σ(z))", "sigmoid", 1.0, "Sigmoid()", r"\sigma", "σ",
        ("a < 0.03 or a > 0.97", _outside(0.03, 0.97)), True,
        matrix=(_np_sigmoid, _np_sigmoid_prime), bounds=_PROBABILITY,
        output_derivative=lambda a: a * (1.0 - a), output_derivative_text="{a}(1 − {a})"),
    Activation(
        "tanh", _of_primitive(ops.tanh), "(e^z − e^−z)/(e^z + e^−z)",
        r"\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", ops.tanh, None, None,
        lambda z: 1.0 - math.tanh(z) ** 2, "tanh(z)", "1 − tanh(z)²", "tanh", 5.0 / 3.0,
        "Tanh()", r"\tanh", "tanh", ("|a| > 0.97", lambda a: abs(a) > 0.97), True,
        matrix=(lambda np, Z: np.tanh(Z), _np_tanh_prime), bounds=(-1.0, 1.0),
        output_derivative=lambda a: 1.0 - a * a, output_derivative_text="1 − ({a})²"),
    # PyTorch has no gain for softplus, GELU or SiLU: softplus is treated like linear,
    # GELU and SiLU like ReLU (they are ReLU-shaped for |z| ≫ 1).
    Activation(
        "softplus", _of_primitive(ops.softplus), "ln(1 + e^z)", r"\ln(1 + e^{z})",
        ops.softplus, None, None, _sigmoid, "softplus(z)", "sigmoid(z)", "softplus", 1.0,
        "Softplus()", r"\mathrm{softplus}", "softplus", None, True,
        matrix=(lambda np, Z: np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z))),
                _np_sigmoid)),
    Activation(
        "gelu", _gelu, "z·Φ(z), Φ(z) = ½(1 + erf(z/√2))",
        r"z\,\Phi(z),\ \Phi(z) = \tfrac12\left(1 + \operatorname{erf}(z/\sqrt{2})\right)",
        None, "Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π)",
        r"\Phi(z) + z\,\varphi(z),\ \varphi(z) = e^{-z^2/2}/\sqrt{2\pi}", _gelu_prime,
        "z*(1 + erf(z/sqrt(2)))/2", "(1 + erf(z/sqrt(2)))/2 + z*exp(-z^2/2)/sqrt(2*pi)",
        "erf, ×, +", math.sqrt(2.0), "GELU()", r"\mathrm{GELU}", "GELU", None, True,
        matrix=(lambda np, Z: Z * _np_phi(np, Z),
                lambda np, Z: _np_phi(np, Z) + Z * _INV_SQRT_2PI * np.exp(-0.5 * Z * Z))),
    Activation(
        "silu", _silu, "z·σ(z)", r"z\,\sigma(z)", None, "σ(z)(1 + z(1 − σ(z)))",
        r"\sigma(z)\,\left(1 + z\,(1 - \sigma(z))\right)", _silu_prime, "z*sigmoid(z)",
        "sigmoid(z)*(1 + z*(1 - sigmoid(z)))", "sigmoid, ×", math.sqrt(2.0), "SiLU()",
        r"\mathrm{SiLU}", "SiLU", None, True,
        matrix=(lambda np, Z: Z * _np_sigmoid(np, Z),
                lambda np, Z: _np_sigmoid(np, Z) * (1.0 + Z * _np_sigmoid(np, -Z)))),
    Activation(
        "linear", _identity, "z", "z", None, "1", "1", lambda z: 1.0, "z", "1",
        "(none: A = Z)", 1.0, None, None, "linear", None, True,
        matrix=(lambda np, Z: Z, lambda np, Z: np.ones_like(Z)),
        output_derivative=lambda a: 1.0, output_derivative_text="1"),
    Activation(
        "softmax", _layer_softmax, "e^{z_j} / Σ_k e^{z_k}", r"\frac{e^{z_j}}{\sum_k e^{z_k}}",
        None, "a_j(δ_jk − a_k)", r"a_j(\delta_{jk} - a_k)", None, None, None,
        "logsumexp, −, exp", 1.0, "Softmax(dim=-1)", r"\mathrm{softmax}", "softmax",
        ("a < 0.03 or a > 0.97", _outside(0.03, 0.97)), False,
        matrix=(_np_softmax, _np_softmax_diagonal), bounds=_PROBABILITY),
)

ACTIVATIONS = {record.name: record for record in _RECORDS}
"""Activation name -> :class:`Activation` (callable: ``ACTIVATIONS["relu"](z)``)."""

ELEMENTWISE = tuple(name for name, record in ACTIVATIONS.items() if record.elementwise)
"""The activations a hidden layer may have (softmax is for an output layer only)."""


def check_activation(name, where="activation"):
    """Return ``name`` if it is a known activation, else raise ValueError listing the known names.

    ``where`` names the offending setting in the message (e.g. "layer 2 activation")."""
    if isinstance(name, str) and name in ACTIVATIONS:
        return name
    raise ValueError(f"unknown {where} {name!r}; known activations: "
                     f"{', '.join(sorted(ACTIVATIONS))}")


def activation(name):
    """The :class:`Activation` record called ``name``, or ValueError listing the names."""
    return ACTIVATIONS[check_activation(name)]


def activate(name, z):
    """a = f(z) for the activation called ``name``: z a Value, or for softmax a list of
    Values (the whole layer's Z)."""
    record = activation(name)
    values = [z] if record.elementwise else z
    if not isinstance(values, (list, tuple)) or not all(type(v) is Value for v in values):
        raise TypeError(f"activate({name!r}, z) needs z to be a Value"
                        f"{'' if record.elementwise else ' list'}, got {z!r}")
    return record(z if record.elementwise else list(z))
