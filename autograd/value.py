"""``Value``: one scalar node of a computation graph.

A node stores its number (``data``), the gradient of the last backward pass's
root with respect to it (``grad``), the primitive that made it (a record of
:mod:`autograd.ops`), its parents, and the local derivatives ∂node/∂parent
computed when the node was made.  Nodes hold no closures and no reference to
their children, so a graph is a plain DAG with no reference cycles: CPython
frees it by reference counting the moment the last name for its output goes
away (micrograd's closures put every node in a cycle, which is where most of
its time goes).

Where the parents live (the only two layouts):

=================================  =======================================
a node made from one or two inputs ``_first_parent``, ``_second_parent``
                                   (None for one input) and their local
                                   derivatives ``_first_local``,
                                   ``_second_local``
a node made from more inputs       ``_extras.parents``,
(``total``, ``dot``, softmax)      ``_extras.local_grads`` (tuples;
                                   ``_first_parent`` is None)
a leaf                             ``_primitive`` and ``_first_parent`` None
=================================  =======================================

Read them through :attr:`Value.parents` and :attr:`Value.local_grads`.  A node
has ten slots, 112 bytes: what only a few nodes need (more than two parents, a
constant such as the k of x**k, where a node was made) lives in an
:class:`_Extras` record, so the common node carries no room for it.

Fast path: the hot primitives (``+ − × ÷``, negation, tanh, ReLU, exp, σ)
compute their value and local derivatives inline instead of calling their rule
in :mod:`autograd.ops`; ``tests/engine/test_engine_properties.py`` holds each of them
equal to its rule on random inputs.  Every other node is made from its rule
by :func:`node_from_rule`, the reference way.
"""

import math
import numbers
import traceback

from . import modes as _modes
from . import ops
from .errors import AnomalyError, DivisionByZeroError, FloatOverflowError
from .modes import open_blocks as _MODE_BLOCKS_OPEN  # non-empty: some thread is in a mode block

_new = object.__new__
_NO_GRAPH = "made inside no_grad()"  # the origin of an op result that recorded no graph
_INT_EXACT = 2 ** 53  # ints smaller than this in size convert to float exactly


def as_float(x, context):
    """``x`` as a Python float, for any real number (int, bool, Fraction, NumPy scalar);
    a TypeError naming what was given otherwise."""
    if type(x) is float:
        return x
    if isinstance(x, Value):
        raise TypeError(f"{context} expects a real number, got a Value ({x!r}); "
                        f"use the Value itself, or its .data")
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:
            raise FloatOverflowError(f"{context}: {x!r} is beyond the float range "
                                     f"(about ±1.8e308)") from None
    raise TypeError(f"{context} expects a real number (int, float, Fraction or a NumPy "
                    f"scalar), got {type(x).__name__} {x!r}")


def _lift(x, symbol):
    """A number becomes a constant leaf; anything else is a TypeError naming ``symbol``."""
    if type(x) is float:  # the common cases first: the ABC test below is slow
        return _leaf(x)
    if type(x) is int and -_INT_EXACT < x < _INT_EXACT:
        return _leaf(float(x))
    if isinstance(x, numbers.Real):
        return _leaf(as_float(x, f"the operand of {symbol}"))
    raise TypeError(f"unsupported operand for {symbol}: Value and {type(x).__name__} {x!r}; "
                    f"expected a number (int or float) or a Value")


class _Extras:
    """What only some nodes have: ``parents`` and ``local_grads`` of a node made from more
    than two inputs; ``constant``, the number a primitive takes besides its inputs (the k
    of x**k); ``origin``, where detect_anomaly() saw the node made, or that no_grad()
    made it."""

    __slots__ = ("parents", "local_grads", "constant", "origin")

    def __init__(self, parents=None, local_grads=None, constant=None, origin=None):
        self.parents, self.local_grads = parents, local_grads
        self.constant, self.origin = constant, origin


def _extras(v):
    """v's :class:`_Extras` record, made on first use."""
    try:
        return v._extras
    except AttributeError:
        v._extras = record = _Extras()
        return record


def constant_of(v):
    """The constant ``v``'s primitive took besides its inputs (the k of x**k), or None."""
    record = getattr(v, "_extras", None)
    return None if record is None else record.constant


def origin_of(v):
    """Where detect_anomaly() saw ``v`` made, :data:`_NO_GRAPH` if no_grad() made it, or None."""
    record = getattr(v, "_extras", None)
    return None if record is None else record.origin


def _leaf(number):
    v = _new(Value)
    v._data = number
    v.grad = v._pass_grad = 0.0
    v._primitive = None
    v._first_parent = None
    return v


# Node construction.  The caller has computed the value and the local
# derivatives; these link the node to its parents as the modes say.
def _unary_node(primitive, a, data, local):
    v = _new(Value)
    v._data = data
    v.grad = v._pass_grad = 0.0
    if not _MODE_BLOCKS_OPEN:
        v._primitive = primitive
        v._first_parent = a
        v._second_parent = None
        v._first_local = local
    else:
        _link_in_mode(v, primitive, (a,), (local,))
    return v


def _binary_node(primitive, a, b, data, local_a, local_b):
    v = _new(Value)
    v._data = data
    v.grad = v._pass_grad = 0.0
    if not _MODE_BLOCKS_OPEN:
        v._primitive = primitive
        v._first_parent = a
        v._second_parent = b
        v._first_local = local_a
        v._second_local = local_b
    else:
        _link_in_mode(v, primitive, (a, b), (local_a, local_b))
    return v


def _many_node(primitive, parents, data, local):
    v = _new(Value)
    v._data = data
    v.grad = v._pass_grad = 0.0
    if not _MODE_BLOCKS_OPEN:
        v._primitive = primitive
        v._first_parent = None
        v._extras = _Extras(parents, local)
    else:
        _link_in_mode(v, primitive, parents, local)
    return v


def node_from_rule(primitive, parents, constant=None):
    """The node ``primitive(*parents[, constant])``, value and local derivatives from its rule:
    the reference way to make a node, for any number of parents."""
    parents = tuple(parents)
    inputs = [p._data for p in parents]
    if constant is not None:
        inputs.append(constant)
    data, *local = primitive.rule(*inputs)
    if len(parents) == 1:
        v = _unary_node(primitive, parents[0], data, local[0])
    elif len(parents) == 2:
        v = _binary_node(primitive, parents[0], parents[1], data, local[0], local[1])
    else:
        v = _many_node(primitive, parents, data, tuple(local))
    if constant is not None:
        _extras(v).constant = constant
    return v


def _link(v, primitive, parents, local):
    v._primitive = primitive
    if len(parents) <= 2:
        v._first_parent = parents[0]
        v._first_local = local[0]
        v._second_parent = parents[1] if len(parents) == 2 else None
        if len(parents) == 2:
            v._second_local = local[1]
    else:
        v._first_parent = None
        record = _extras(v)
        record.parents, record.local_grads = tuple(parents), tuple(local)


def _link_in_mode(v, primitive, parents, local):
    """Link ``v`` as the calling thread's modes say: checked and located inside
    detect_anomaly(), a leaf marked as such inside no_grad()."""
    if _modes.anomaly():
        _check_forward(v, primitive, parents)
    if _modes.recording():
        _link(v, primitive, parents, local)
    else:
        v._primitive = None
        v._first_parent = None
        _extras(v).origin = _NO_GRAPH


def _check_forward(v, primitive, parents):
    # Remember where the user built this node, for forward and backward reports.
    origin = _extras(v).origin = "".join(traceback.format_list(_user_frames()))
    if not math.isfinite(v._data):
        inputs = ", ".join(repr(p._data) for p in parents)
        raise AnomalyError(f"{primitive.name}({inputs}) returned {v._data!r} in the forward "
                           f"pass; the node was created at:\n{origin}")


def _user_frames():
    """The creation stack without the engine's own frames."""
    frames = traceback.extract_stack()[:-1]
    outside = [f for f in frames if "/autograd/" not in f.filename.replace("\\", "/")]
    return outside[-3:] or frames[-1:]


_GRAPH_DROPPED = ("{what} of a Value would give a plain number with no graph, so no gradient "
                  "would reach the Value (math.exp(v), math.tanh(v), ... convert it this way "
                  "too). Use the Value's own methods to stay in the graph (v.exp(), v.tanh(), "
                  "v.log(), v.sqrt(), ...), or v.data / v.item() for the number.")


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
    :meth:`backward` (see there).  ``data`` is always a Python float.

    Conversions are deliberate: ``float(v)``, ``int(v)``, ``round(v)`` and
    ``math.exp(v)`` raise TypeError, because the number they return has no
    graph and gradients would silently stop there; use ``v.data`` or
    ``v.item()`` for the number.  ``bool(v)`` is ``v.data != 0``, as in PyTorch.

    For readers coming from micrograd: ``v._prev`` (the parents), ``v._op``
    (the operator as a string, ``'+'``, ``'*'``, ``'**2'``, ``'tanh'``, …) and
    ``v._backward()`` (this node's chain-rule step) work as in the lecture.
    """

    __slots__ = ("_data", "grad", "_pass_grad", "_label", "_primitive", "_first_parent",
                 "_second_parent", "_first_local", "_second_local", "_extras")
    # _pass_grad: ∂root/∂node during one backward pass (see autograd.backward);
    # _extras: an _Extras record, only on the few nodes that need one.

    def __init__(self, data, label=""):
        self._data = data if type(data) is float else as_float(data, "Value()")
        self.grad = self._pass_grad = 0.0
        if label:
            self.label = label
        elif not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self._primitive = None
        self._first_parent = None

    # -- the number ------------------------------------------------------------
    @property
    def data(self):
        """The node's number, always a Python float (assigning converts any real number)."""
        return self._data

    @data.setter
    def data(self, number):
        self._data = number if type(number) is float else as_float(number, "Value.data")

    def item(self):
        """The node's number as a plain float (as PyTorch's ``tensor.item()``)."""
        return self._data

    @property
    def label(self):
        """A name for pictures and tables ('' if none), e.g. ``W^[1]_2,1``."""
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, text):
        if not isinstance(text, str):
            raise TypeError(f"a Value's label must be a str, got {type(text).__name__} {text!r}")
        self._label = text

    # -- what the node is, for people and pictures -----------------------------
    @property
    def op(self):
        """The primitive that produced this node, as drawn in graphs ('' for a leaf)."""
        primitive = self._primitive
        if primitive is None:
            return ""
        if primitive is ops.pow_const:
            return f"**{_fmt(self._extras.constant)}"
        return primitive.symbol

    @property
    def op_name(self):
        """The primitive's name in :data:`autograd.ops.PRIMITIVES` ('' for a leaf)."""
        return "" if self._primitive is None else self._primitive.name

    @property
    def _op(self):
        """micrograd's name: the operator as a string ('+', '*', '**2', 'tanh', 'ReLU'; '' for a leaf)."""
        primitive = self._primitive
        if primitive is None:
            return ""
        if primitive is ops.pow_const:
            return f"**{self._extras.constant}"
        return primitive.text

    @property
    def parents(self):
        """The nodes this one was computed from (empty for a leaf)."""
        a = self._first_parent
        if a is not None:
            b = self._second_parent
            return (a,) if b is None else (a, b)
        return () if self._primitive is None else self._extras.parents

    _prev = parents
    """micrograd's name for :attr:`parents` (a tuple here, a set there)."""

    @property
    def local_grads(self):
        """∂self/∂parent for each parent, as computed in the forward pass."""
        if self._first_parent is not None:
            if self._second_parent is None:
                return (self._first_local,)
            return (self._first_local, self._second_local)
        return () if self._primitive is None else self._extras.local_grads

    @property
    def is_leaf(self):
        """True for a node not computed from other nodes (inputs, parameters, constants)."""
        return self._primitive is None

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={self.grad!r}{label})"

    def __format__(self, spec):
        # f"{loss:.4f}" formats the number; a bare f"{v}" shows the repr.
        return format(self._data, spec) if spec else repr(self)

    # -- conversions that would drop the graph -----------------------------------
    def __float__(self):
        raise TypeError(_GRAPH_DROPPED.format(what="float()"))

    def __int__(self):
        raise TypeError(_GRAPH_DROPPED.format(what="int()"))

    def __round__(self, ndigits=None):
        raise TypeError(_GRAPH_DROPPED.format(what="round()"))

    def __bool__(self):
        return self._data != 0.0

    # -- graph-level operations ------------------------------------------------
    def backward(self, grad=1.0):
        """Backpropagate from this node; see :func:`autograd.backward.backward`."""
        from .backward import backward

        backward(self, grad)

    def _backward(self):
        """micrograd's chain-rule step for this node alone: every parent's ``.grad``
        += ∂self/∂parent · ``self.grad`` (nothing for a leaf)."""
        g = self.grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * g

    def detach(self):
        """A new leaf with the same data and label and no history."""
        return Value(self._data, self.label)

    # Pickling and copying go through a flat list of the graph's nodes, parents
    # first, so a graph of any depth needs no recursion (see autograd.graph_copy).
    def __reduce_ex__(self, protocol):
        from . import graph_copy

        return graph_copy.reduce(self)

    def __deepcopy__(self, memo):
        from . import graph_copy

        return graph_copy.deepcopy_graph(self, memo)

    def __copy__(self):
        from . import graph_copy

        return graph_copy.copy_node(self, {})

    # -- binary arithmetic (fast path: values and local derivatives inline) ------
    def __add__(self, other):
        if type(other) is not Value:
            other = _lift(other, "+")
        if _MODE_BLOCKS_OPEN:
            return _binary_node(ops.add, self, other, self._data + other._data, 1.0, 1.0)
        # The hottest ops (+ × tanh ReLU) build their node inline, as _binary_node
        # and _unary_node do: a call there would cost ~10 % of a training step.
        v = _new(Value)
        v._data = self._data + other._data
        v.grad = v._pass_grad = 0.0
        v._primitive = ops.add
        v._first_parent = self
        v._second_parent = other
        v._first_local = v._second_local = 1.0
        return v

    def __radd__(self, other):
        return _lift(other, "+") + self

    def __sub__(self, other):
        if type(other) is not Value:
            other = _lift(other, "-")
        return _binary_node(ops.sub, self, other, self._data - other._data, 1.0, -1.0)

    def __rsub__(self, other):
        return _lift(other, "-") - self

    def __mul__(self, other):
        if type(other) is not Value:
            other = _lift(other, "*")
        a, b = self._data, other._data
        if _MODE_BLOCKS_OPEN:
            return _binary_node(ops.mul, self, other, a * b, b, a)
        v = _new(Value)
        v._data = a * b
        v.grad = v._pass_grad = 0.0
        v._primitive = ops.mul
        v._first_parent = self
        v._second_parent = other
        v._first_local = b
        v._second_local = a
        return v

    def __rmul__(self, other):
        return _lift(other, "*") * self

    def __truediv__(self, other):
        if type(other) is not Value:
            other = _lift(other, "/")
        a, b = self._data, other._data
        if b == 0.0:
            raise DivisionByZeroError(f"division by zero: {a!r} / 0.0")
        z = a / b
        return _binary_node(ops.div, self, other, z, 1.0 / b, -z / b)

    def __rtruediv__(self, other):
        return _lift(other, "/") / self

    def __pow__(self, exponent):
        if type(exponent) is Value:
            return node_from_rule(ops.pow_, (self, exponent))
        if not isinstance(exponent, numbers.Real):
            _lift(exponent, "**")  # raises the TypeError
        k = exponent if isinstance(exponent, int) else as_float(exponent, "the exponent of **")
        return node_from_rule(ops.pow_const, (self,), k)

    def __rpow__(self, base):
        return _lift(base, "**") ** self

    # -- unary primitives ---------------------------------------------------------
    def __neg__(self):
        return _unary_node(ops.neg, self, -self._data, -1.0)

    def __pos__(self):
        return self

    def __abs__(self):
        return node_from_rule(ops.abs_, (self,))

    def exp(self):
        """e^x; derivative e^x (inf past x ≈ 709.78, as IEEE)."""
        try:
            z = math.exp(self._data)
        except OverflowError:  # past the float range: inf, as the policy in errors.py says
            z = math.inf
        return _unary_node(ops.exp_, self, z, z)

    def log(self):
        """ln x for x > 0; derivative 1/x.  Raises DomainError for x ≤ 0."""
        return node_from_rule(ops.log_, (self,))

    def sqrt(self):
        """√x for x ≥ 0; derivative 1/(2√x).  Raises DomainError for x < 0."""
        return node_from_rule(ops.sqrt_, (self,))

    def tanh(self):
        """A = tanh Z; derivative 1 − A²."""
        x = self._data
        t = math.tanh(x)
        # ops.tanh_derivative_float inlined for |x| < 20: 1 − t² where it is as accurate
        # as 1/cosh²x (|x| < 0.75), 1/cosh²x where t is too close to ±1 for that.
        if -0.75 < x < 0.75:
            d = 1.0 - t * t
        elif -20.0 < x < 20.0:
            c = math.cosh(x)
            d = 1.0 / (c * c)
        else:
            d = ops.tanh_derivative_float(x)
        if _MODE_BLOCKS_OPEN:
            return _unary_node(ops.tanh_, self, t, d)
        v = _new(Value)
        v._data = t
        v.grad = v._pass_grad = 0.0
        v._primitive = ops.tanh_
        v._first_parent = self
        v._second_parent = None
        v._first_local = d
        return v

    def sigmoid(self):
        """A = σ(Z) = 1/(1 + e^−Z); derivative σ(Z)(1 − σ(Z)), stable for any Z."""
        # σ(x) and σ(−x) from one e^−|x| (never overflows): ops.sigmoid_float, inlined.
        x = self._data
        if x >= 0.0:
            e = math.exp(-x)
            s, s_minus = 1.0 / (1.0 + e), e / (1.0 + e)
        else:
            e = math.exp(x)
            s, s_minus = e / (1.0 + e), 1.0 / (1.0 + e)
        return _unary_node(ops.sigmoid_, self, s, s * s_minus)

    def relu(self):
        """A = max(0, Z); derivative 1 for Z > 0, else 0 (ReLU'(0) = 0); nan stays nan."""
        x = self._data
        if x != x or _MODE_BLOCKS_OPEN:
            return node_from_rule(ops.relu, (self,))
        v = _new(Value)
        v.grad = v._pass_grad = 0.0
        v._primitive = ops.relu
        v._first_parent = self
        v._second_parent = None
        if x > 0.0:
            v._data, v._first_local = x, 1.0
        else:
            v._data = v._first_local = 0.0
        return v

    def leaky_relu(self, negative_slope=0.01):
        """A = Z for Z > 0, else s·Z (s = negative_slope); derivative 1 or s (s at Z = 0)."""
        s = as_float(negative_slope, "leaky_relu() negative_slope")
        return node_from_rule(ops.leaky_relu, (self,), s)

    def erf(self):
        """erf x; derivative (2/√π)·e^(−x²)."""
        return node_from_rule(ops.erf_, (self,))

    def silu(self):
        """SiLU (swish) x·σ(x), a composition of two nodes; derivative σ(x)(1 + x·σ(−x))."""
        return self * self.sigmoid()

    def softplus(self):
        """ln(1 + e^z), computed stably; derivative σ(z)."""
        return node_from_rule(ops.softplus_, (self,))

    def log_sigmoid(self):
        """ln σ(z) = −softplus(−z), stable for any z; derivative σ(−z)."""
        return node_from_rule(ops.log_sigmoid, (self,))


def _fmt(k):
    k = ops.exponent_as_float(k)
    return repr(int(k)) if k.is_integer() else repr(k)
