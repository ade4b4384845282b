"""``Value``: one scalar node of a computation graph.

A node stores its number (``data``), the gradient of the last backward pass's
root with respect to it (``grad``), the primitive that made it, its parents,
and the local derivatives ∂node/∂parent computed when the node was made (see
:mod:`autograd.ops`).  Nodes hold no closures and no reference to their
children, so a graph is a plain DAG with no reference cycles: CPython frees it
by reference counting the moment the last name for its output goes away, and
the cyclic garbage collector never has to traverse it (micrograd's closures
make every node part of a cycle, which is where most of its time goes).
"""

import itertools
import math
import numbers
import traceback

from . import ops
from .errors import AnomalyError

_new = object.__new__
_next_id = itertools.count().__next__

# Switched by autograd.modes through set_modes(); read on every op.
_recording = True   # False inside no_grad(): results are leaves.
_anomaly = False    # True inside detect_anomaly(): check every result.
_plain = True       # recording and not anomaly: the fast path.


def _as_float(x, context):
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return float(x)
    if isinstance(x, Value):
        raise TypeError(f"{context} expects a real number, got a Value ({x!r}); "
                        f"use the Value itself, or its .data")
    raise TypeError(f"{context} expects a real number (int or float), "
                    f"got {type(x).__name__} {x!r}")


def _lift(x, symbol):
    """A number becomes a constant leaf; anything else is a TypeError naming ``symbol``."""
    if type(x) is int or type(x) is float or isinstance(x, numbers.Real):
        return Value(x)
    raise TypeError(f"unsupported operand for {symbol}: Value and {type(x).__name__} {x!r}; "
                    f"expected a number (int or float) or a Value")


# _unary and _binary spell out node construction instead of calling a shared
# helper: they run once per operation, and a call there costs ~10 % of a step.
def _unary(rule, a, *const):
    """The node ``rule(a, *const)``: the hot path for one-input primitives."""
    data, da = rule(a.data, *const)
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._id = _next_id()
    if _plain:
        v._op = rule
        v._a = a
        v._b = None
        v._da = da
    else:
        _attach(v, rule, (a,), (da,))
    return v


def _binary(rule, a, b):
    """The node ``rule(a, b)``: the hot path for two-input primitives."""
    data, da, db = rule(a.data, b.data)
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._id = _next_id()
    if _plain:
        v._op = rule
        v._a = a
        v._b = b
        v._da = da
        v._db = db
    else:
        _attach(v, rule, (a, b), (da, db))
    return v


def make_node(rule, parents):
    """The node ``rule(*parents)`` for a primitive of :mod:`autograd.ops` with any arity."""
    parents = tuple(parents)
    out = rule(*[p.data for p in parents])
    data, local = out[0], out[1:]
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._id = _next_id()
    _attach(v, rule, parents, local)
    return v


def _link(v, rule, parents, local):
    # One or two parents live in slots, more in tuples: a node then costs the
    # cyclic garbage collector one object to track instead of three.
    v._op = rule
    if len(parents) == 1:
        v._a, v._b, v._da = parents[0], None, local[0]
    elif len(parents) == 2:
        v._a, v._b, v._da, v._db = parents[0], parents[1], local[0], local[1]
    else:
        v._a, v._ps, v._ls = None, parents, local


def _attach(v, rule, parents, local):
    """Link ``v`` to its parents as the current modes say: as a leaf inside
    no_grad(), checked and located inside detect_anomaly()."""
    if _recording:
        _link(v, rule, parents, local)
    else:
        v._op = None
        v._a = None
    if _anomaly:
        _check_forward(v, rule, parents)


def set_modes(recording, anomaly):
    """Called by :mod:`autograd.modes`; keeps the hot path to one flag test."""
    global _recording, _anomaly, _plain
    _recording, _anomaly = recording, anomaly
    _plain = recording and not anomaly


def _check_forward(v, op, parents):
    # Remember where the user built this node, for forward and backward reports.
    v._where = "".join(traceback.format_list(_user_frames()))
    if not math.isfinite(v.data):
        inputs = ", ".join(repr(p.data) for p in parents)
        raise AnomalyError(f"{op.op_name}({inputs}) returned {v.data!r} in the forward pass; "
                           f"the node was created at:\n{v._where}")


def _user_frames():
    """The creation stack without the engine's own frames."""
    frames = traceback.extract_stack()[:-1]
    outside = [f for f in frames if "/autograd/" not in f.filename.replace("\\", "/")]
    return outside[-3:] or frames[-1:]


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x          # y = x² + 3x
    >>> y.backward()               # dy/dx = 2x + 3
    >>> x.grad
    7.0

    Operators ``+ - * / **`` (numbers or ``Value`` s on either side), unary
    ``-`` and ``abs()`` work as on floats; methods give the primitives of
    :mod:`autograd.ops`.  ``grad`` starts at 0.0 and is *added to* by each
    :meth:`backward` (see there).
    """

    # _a/_b: first/second parent, _da/_db: the local derivatives ∂self/∂_a,
    # ∂self/∂_b; nodes with more parents use the tuples _ps/_ls instead (_a is None).
    __slots__ = ("data", "grad", "label", "_id", "_op", "_a", "_b", "_da", "_db",
                 "_ps", "_ls", "_const", "_g", "_where", "__weakref__")

    def __init__(self, data, label=""):
        self.data = data if type(data) is float else (
            float(data) if type(data) is int else _as_float(data, "Value()"))
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self.grad = 0.0
        self.label = label
        self._id = _next_id()
        self._op = None
        self._a = None

    # -- what the node is, for people and pictures ---------------------------
    @property
    def op(self):
        """The primitive that produced this node, as shown in graphs ('' for a leaf)."""
        op = self._op
        if op is None:
            return ""
        if op is ops.pow_const:
            return f"**{_fmt(self._const)}"
        return op.symbol

    @property
    def op_name(self):
        """The primitive's name in :data:`autograd.ops.PRIMITIVES` ('' for a leaf)."""
        return "" if self._op is None else self._op.op_name

    @property
    def parents(self):
        """The nodes this one was computed from (empty for a leaf)."""
        if self._a is not None:
            return (self._a,) if self._b is None else (self._a, self._b)
        return () if self._op is None else self._ps

    @property
    def local_grads(self):
        """∂self/∂parent for each parent, as computed in the forward pass."""
        if self._a is not None:
            return (self._da,) if self._b is None else (self._da, self._db)
        return () if self._op is None else self._ls

    @property
    def is_leaf(self):
        """True for a node not computed from other nodes (inputs, parameters, constants)."""
        return self._op is None

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        return self.data

    def __format__(self, spec):
        # f"{loss:.4f}" formats the number; a bare f"{v}" shows the repr.
        return format(self.data, spec) if spec else repr(self)

    # -- graph-level operations ----------------------------------------------
    def backward(self, grad=1.0):
        """Backpropagate from this node; see :func:`autograd.backward.backward`."""
        from .backward import backward

        backward(self, grad)

    def detach(self):
        """A new leaf with the same data and label and no history."""
        return Value(self.data, self.label)

    # -- binary arithmetic ---------------------------------------------------
    def __add__(self, other):
        if type(other) is not Value:
            other = _lift(other, "+")
        return _binary(ops.add, self, other)

    def __radd__(self, other):
        return _lift(other, "+") + self

    def __sub__(self, other):
        if type(other) is not Value:
            other = _lift(other, "-")
        return _binary(ops.sub, self, other)

    def __rsub__(self, other):
        return _lift(other, "-") - self

    def __mul__(self, other):
        if type(other) is not Value:
            other = _lift(other, "*")
        return _binary(ops.mul, self, other)

    def __rmul__(self, other):
        return _lift(other, "*") * self

    def __truediv__(self, other):
        if type(other) is not Value:
            other = _lift(other, "/")
        return _binary(ops.div, self, other)

    def __rtruediv__(self, other):
        return _lift(other, "/") / self

    def __pow__(self, exponent):
        if type(exponent) is Value:
            return _binary(ops.pow_, self, exponent)
        if not isinstance(exponent, numbers.Real):
            _lift(exponent, "**")  # raises the TypeError
        k = exponent if isinstance(exponent, int) else float(exponent)
        out = _unary(ops.pow_const, self, k)
        out._const = k
        return out

    def __rpow__(self, base):
        return _lift(base, "**") ** self

    # -- unary primitives ----------------------------------------------------
    def __neg__(self):
        return _unary(ops.neg, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary(ops.abs_, self)

    def exp(self):
        """e^x; derivative e^x.  Raises FloatOverflowError past x ≈ 709.78."""
        return _unary(ops.exp_, self)

    def log(self):
        """ln x for x > 0; derivative 1/x.  Raises DomainError for x ≤ 0."""
        return _unary(ops.log_, self)

    def sqrt(self):
        """√x for x ≥ 0; derivative 1/(2√x).  Raises DomainError for x < 0."""
        return _unary(ops.sqrt_, self)

    def tanh(self):
        """a = tanh z; derivative 1 − a²."""
        return _unary(ops.tanh_, self)

    def sigmoid(self):
        """a = σ(z) = 1/(1 + e^−z); derivative σ(z)(1 − σ(z)), stable for any z."""
        return _unary(ops.sigmoid_, self)

    def relu(self):
        """a = max(0, z); derivative 1 for z > 0, else 0 (ReLU'(0) = 0)."""
        return _unary(ops.relu, self)

    def softplus(self):
        """ln(1 + e^z), computed stably; derivative σ(z)."""
        return _unary(ops.softplus_, self)

    def log_sigmoid(self):
        """ln σ(z) = −softplus(−z), stable for any z; derivative σ(−z)."""
        return _unary(ops.log_sigmoid, self)

    # Stub for the nn branch (the engine branch's erf and leaky_relu replace it at merge).
    def erf(self):
        """erf z = (2/√π) ∫₀^z e^(−t²) dt; derivative (2/√π)·e^(−z²)."""
        return _unary(ops.erf, self)

    def leaky_relu(self, negative_slope=0.01):
        """a = z for z > 0, else negative_slope·z; derivative 1 or negative_slope."""
        out = _unary(ops.leaky_relu, self, float(negative_slope))
        out._const = float(negative_slope)
        return out


def _fmt(k):
    return repr(int(k)) if float(k).is_integer() else repr(k)
