"""``Value``: one scalar node of a computation graph; how a node is made and how backward() runs.

Read the engine in this order (about 100 lines; README "Reading the engine"):

1. :class:`Value`: a node's number, its gradient, the primitive that made it, its
   parents and the local derivatives ∂node/∂parent.
2. ``a * b`` is :meth:`Value.__mul__`: it calls :func:`apply` with the record
   :data:`autograd.ops.mul`, whose rule returns the product and the two local
   derivatives (b, a); :func:`_node` stores them on a new node linked to a and b.
3. ``loss.backward()`` is :meth:`Value.backward`: :func:`topological_order` lists the
   graph parents first, and the loop walks it children first, applying the chain rule.

Nodes hold no closures and no reference to their children, so a graph is a plain DAG
with no reference cycles: CPython frees it by reference counting the moment the last
name for its output goes away (micrograd's closures put every node in a cycle, which
is where most of its time goes).

Where the parents live (two layouts, read through :attr:`Value.parents` and
:attr:`Value.local_grads`; besides them and :func:`_node`, only :mod:`autograd.fast`
reads the slots):

=================================  =======================================
up to two parents (none: a leaf)   ``_first_parent``, ``_second_parent``
                                   (None where there is none) and their local
                                   derivatives ``_first_local``, ``_second_local``
more parents (``total``, ``dot``,  ``_extras.parents``, ``_extras.local_grads``
``logsumexp``, ``log_softmax``)    (tuples; ``_first_parent`` is None)
=================================  =======================================

What only a few nodes need (more than two parents, a constant such as the k of x**k,
where a node was made) lives in an :class:`_Extras` record, so the common node carries
no room for it: ten slots, 112 bytes.

:mod:`autograd.fast` replaces ``+``, ``×``, ``tanh``, ``relu`` and ``backward`` below with
versions that compute the same numbers inline (property-tested bit for bit) where the
benchmarks show it pays (fast.py says how much); what they compute is what is written
here.
"""

import math
import numbers
import threading
import traceback

from . import modes as _modes
from . import ops
from .errors import AnomalyError, FloatOverflowError
from .modes import open_blocks as _MODE_BLOCKS_OPEN  # non-empty: some thread is in a mode block


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
    # _pass_grad: ∂root/∂node during one backward pass of autograd.fast (there also the
    # mark "visited"); _extras: an _Extras record, only on the few nodes that need one.

    def __init__(self, data, label=""):
        self._data = data if type(data) is float else as_float(data, "Value()")
        self.grad = self._pass_grad = 0.0
        if label:
            self.label = label
        elif not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__} {label!r}")
        self._primitive = None
        self._first_parent = None

    def __mul__(self, other):
        """a·b: the node the record :data:`autograd.ops.mul` makes."""
        return apply(ops.mul, self, _as_value(other, "*"))

    def backward(self, grad=1.0):
        """Add ∂self/∂v to ``v.grad`` for every node v of this node's graph.

        For every node v, children before parents, the chain rule::

            ∂root/∂parent  +=  ∂v/∂parent · ∂root/∂v

        where ∂v/∂parent is the local derivative stored on v when it was made, and
        ∂root/∂v is complete by the time v's turn comes, because every node that uses v
        came before it.  A node used twice (``a + a``, diamonds) gets one term per use.
        In the lecture notes' notation the pass computes δ^[l] = ∂L/∂Z^[l] layer by layer
        and ∂L/∂W^[l] from it, one scalar node at a time.

        ``grad`` seeds ∂root/∂root (1.0 by default).  Every node's gradient, leaves and
        intermediates alike, is *added to*, the way PyTorch accumulates into ``.grad``:
        calling ``backward()`` twice without zeroing doubles every gradient, and
        gradients of several losses that share parameters add up (also from several
        threads at once).  Zero them first (``Module.zero_grad()`` or
        :func:`autograd.zero_grad`) to get one pass's gradient.

        A zero gradient arriving at a node contributes nothing to its parents (so 0·∞
        counts as 0).  Under :func:`autograd.detect_anomaly` every term is checked and
        the first nan or inf raises.  A result made inside ``no_grad()`` has no graph,
        and backward() on it raises.
        """
        seed = backward_seed(self, grad)
        checking = anomaly_checked(self)
        pass_grads = {self: seed}  # ∂root/∂node, complete when the node's turn comes
        with graph_lock:
            for node in reversed(topological_order(self)):
                g = pass_grads.get(node, 0.0)
                node.grad += g
                if g:
                    for parent, local in zip(node.parents, node.local_grads):
                        added = local * g
                        if checking and not math.isfinite(added):
                            raise backward_anomaly(node, parent, local, g, added)
                        pass_grads[parent] = pass_grads.get(parent, 0.0) + added

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

    # -- what the node is ----------------------------------------------------------
    @property
    def primitive(self):
        """The record of :mod:`autograd.ops` that made this node (None for a leaf): its
        ``name``, rule, formulas and symbol."""
        return self._primitive

    @property
    def op(self):
        """The operator as pictures draw it ('×', 'σ', '**2'; '' for a leaf)."""
        primitive = self._primitive
        return "" if primitive is None else primitive.drawn(constant_of(self))

    @property
    def _op(self):
        """micrograd's name for :attr:`op`, spelled as micrograd spells it
        ('+', '*', '**2', 'tanh', 'ReLU'; '' for a leaf)."""
        primitive = self._primitive
        return "" if primitive is None else primitive.micrograd_op.format(constant_of(self))

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

    # -- the graph -----------------------------------------------------------------
    def _backward(self):
        """micrograd's chain-rule step for this node alone: every parent's ``.grad``
        += ∂self/∂parent · ``self.grad`` (nothing for a leaf)."""
        g = self.grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * g

    def detach(self):
        """A new leaf with the same data and label and no history."""
        return Value(self._data, self.label)

    # -- arithmetic: each operator applies its record of autograd.ops ----------------
    def __add__(self, other):
        """z = a + b (:data:`autograd.ops.add`)."""
        return apply(ops.add, self, _as_value(other, "+"))

    def __radd__(self, other):
        return apply(ops.add, _as_value(other, "+"), self)

    def __sub__(self, other):
        """z = a − b (:data:`autograd.ops.sub`)."""
        return apply(ops.sub, self, _as_value(other, "-"))

    def __rsub__(self, other):
        return apply(ops.sub, _as_value(other, "-"), self)

    def __rmul__(self, other):
        return apply(ops.mul, _as_value(other, "*"), self)

    def __truediv__(self, other):
        """z = a / b (:data:`autograd.ops.div`); DivisionByZeroError for b = 0."""
        return apply(ops.div, self, _as_value(other, "/"))

    def __rtruediv__(self, other):
        return apply(ops.div, _as_value(other, "/"), self)

    def __pow__(self, exponent):
        """a**k for a number k (:data:`autograd.ops.pow_const`), a**b for a Value b
        (:data:`autograd.ops.pow_`)."""
        if type(exponent) is Value:
            return apply(ops.pow_, self, exponent)
        if not isinstance(exponent, numbers.Real):
            _as_value(exponent, "**")  # raises the TypeError
        k = exponent if isinstance(exponent, int) else as_float(exponent, "the exponent of **")
        return apply(ops.pow_const, self, constant=k)

    def __rpow__(self, base):
        return apply(ops.pow_, _as_value(base, "**"), self)

    def __neg__(self):
        return apply(ops.neg, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return apply(ops.abs_, self)

    # -- functions: each applies its record of autograd.ops ---------------------------
    def exp(self):
        """e^x (:data:`autograd.ops.exp`); inf past x ≈ 709.78, as IEEE."""
        return apply(ops.exp, self)

    def log(self):
        """ln x (:data:`autograd.ops.log`); DomainError for x ≤ 0."""
        return apply(ops.log, self)

    def sqrt(self):
        """√x (:data:`autograd.ops.sqrt`); DomainError for x < 0."""
        return apply(ops.sqrt, self)

    def tanh(self):
        """tanh z (:data:`autograd.ops.tanh`)."""
        return apply(ops.tanh, self)

    def sigmoid(self):
        """σ(z) = 1/(1 + e^−z) (:data:`autograd.ops.sigmoid`), without overflow for any z."""
        return apply(ops.sigmoid, self)

    def relu(self):
        """max(0, z) (:data:`autograd.ops.relu`); ReLU'(0) = 0, nan stays nan."""
        return apply(ops.relu, self)

    def leaky_relu(self, negative_slope=0.01):
        """z for z > 0, else s·z with s = negative_slope (:data:`autograd.ops.leaky_relu`)."""
        s = as_float(negative_slope, "leaky_relu() negative_slope")
        return apply(ops.leaky_relu, self, constant=s)

    def erf(self):
        """erf x (:data:`autograd.ops.erf`)."""
        return apply(ops.erf, self)

    def silu(self):
        """SiLU (swish) x·σ(x): two nodes, ``x * x.sigmoid()``."""
        return self * self.sigmoid()

    def softplus(self):
        """ln(1 + e^z) (:data:`autograd.ops.softplus`), computed stably."""
        return apply(ops.softplus, self)

    def log_sigmoid(self):
        """ln σ(z) (:data:`autograd.ops.log_sigmoid`), stable for any z."""
        return apply(ops.log_sigmoid, self)


# -- making a node ---------------------------------------------------------------------

def apply(primitive, *parents, constant=None):
    """The node ``primitive(*parents[, constant])``: its number and local derivatives
    from the primitive's rule, linked to its parents as the calling thread's modes say."""
    numbers_in = [p._data for p in parents]
    if constant is not None:
        numbers_in.append(constant)
    out = primitive.rule(*numbers_in)  # (z, ∂z/∂parent₁, ∂z/∂parent₂, …)
    if _MODE_BLOCKS_OPEN:  # some thread is inside no_grad() or detect_anomaly()
        return _node_in_mode(primitive, out[0], parents, out[1:], constant)
    return _node(primitive, out[0], parents, out[1:], constant)


def _node(primitive, data, parents, local, constant=None):
    """A new node holding ``data``, made by ``primitive`` from the tuple ``parents``, with
    the tuple ``local`` the derivatives ∂node/∂parent, one per parent (the layouts: see the
    module docs)."""
    v = object.__new__(Value)  # not Value(): data is a float already, and there is no label
    v._data = data
    v.grad = v._pass_grad = 0.0
    v._primitive = primitive
    n = len(parents)
    if n > 2:
        v._first_parent = None
        v._extras = _Extras(parents, local)
    else:
        v._first_parent, v._first_local = parents[0], local[0]
        if n == 2:
            v._second_parent, v._second_local = parents[1], local[1]
        else:
            v._second_parent = None
    if constant is not None:
        _extras(v).constant = constant
    return v


def topological_order(root):
    """Every node ``root`` depends on, each once, parents before children, ``root`` last.

    A depth-first search without recursion (a graph a million nodes deep works): a node
    joins the order once all its parents have, first parent first; ``stack`` holds the
    path from the root to the node being looked at, each with the parents still to see.
    """
    order, seen = [], {root}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # every parent is in the order: so is the node
            stack.pop()
            order.append(node)
    return order


# Passes over a graph add into shared .grad slots (and autograd.fast marks nodes in their
# _pass_grad slot), so they take turns: threads calling backward() on losses that share
# parameters get exactly the sequential sums.
graph_lock = threading.Lock()


def backward_seed(root, grad):
    """∂root/∂root for a backward pass from ``root`` (the ``grad`` given, as a float), or
    the error saying why there can be no such pass."""
    if not isinstance(root, Value):
        raise TypeError(f"backward() needs a Value, got {type(root).__name__} {root!r}")
    if origin_of(root) is _NO_GRAPH:
        raise RuntimeError(
            f"backward() on {root!r}: it was computed inside no_grad(), so it recorded no "
            f"graph and no gradient can reach its inputs; compute it outside no_grad()")
    return grad if type(grad) is float else as_float(grad, "backward(grad=...)")


def anomaly_checked(root):
    """True when a backward pass from ``root`` checks every term for nan/inf: inside
    detect_anomaly(), or on a graph built inside it."""
    return _modes.anomaly() or origin_of(root) is not None


def backward_anomaly(node, parent, local, g, added):
    """The AnomalyError for a nan or inf term ``added`` = ``local`` · ``g`` of the chain rule."""
    where = origin_of(node) or "  (created outside detect_anomaly())\n"
    return AnomalyError(
        f"{node.primitive.name} returned {added!r} in the backward pass: local derivative "
        f"∂z/∂input = {local!r} at input {parent.data!r}, times incoming gradient {g!r}; "
        f"the node was created at:\n{where}")


# -- numbers, modes and what only some nodes have ------------------------------------------

_NO_GRAPH = "made inside no_grad()"  # the origin of an op result that recorded no graph


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


def _as_value(x, symbol):
    """``x`` if it is a Value; a number becomes a constant leaf; anything else is a
    TypeError naming the operator ``symbol``."""
    if type(x) is Value:
        return x
    if type(x) is float or isinstance(x, numbers.Real):
        return Value(as_float(x, f"the operand of {symbol}"))
    raise TypeError(f"unsupported operand for {symbol}: Value and {type(x).__name__} {x!r}; "
                    f"expected a number (int or float) or a Value")


def _node_in_mode(primitive, data, parents, local, constant):
    """:func:`_node`, as the calling thread's modes say: checked and located inside
    detect_anomaly(), a leaf marked as such inside no_grad()."""
    origin = None
    if _modes.anomaly():
        # Remember where the user built this node, for forward and backward reports.
        origin = "".join(traceback.format_list(_user_frames()))
        if not math.isfinite(data):
            inputs = ", ".join(repr(p._data) for p in parents)
            raise AnomalyError(f"{primitive.name}({inputs}) returned {data!r} in the forward "
                               f"pass; the node was created at:\n{origin}")
    if not _modes.recording():
        v = Value(data)
        origin = _NO_GRAPH
    else:
        v = _node(primitive, data, parents, local, constant)
    if origin is not None:
        _extras(v).origin = origin
    return v


def _user_frames():
    """The creation stack without the engine's own frames."""
    frames = traceback.extract_stack()[:-1]
    outside = [f for f in frames if "/autograd/" not in f.filename.replace("\\", "/")]
    return outside[-3:] or frames[-1:]


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


_GRAPH_DROPPED = ("{what} of a Value would give a plain number with no graph, so no gradient "
                  "would reach the Value (math.exp(v), math.tanh(v), ... convert it this way "
                  "too). Use the Value's own methods to stay in the graph (v.exp(), v.tanh(), "
                  "v.log(), v.sqrt(), ...), or v.data / v.item() for the number.")
