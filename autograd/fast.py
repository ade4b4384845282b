"""Fast paths: ``+``, ``×``, ``tanh``, ``relu`` and ``backward()`` with the work done inline.

Importing this module (``autograd`` does) replaces these five methods of
:class:`~autograd.Value` with the versions below.  Each computes bit for bit what the
method of :mod:`autograd.value` it replaces computes (``tests/engine/test_fast_paths.py``
holds them to that on random inputs and random graphs, n-ary nodes included), so read
value.py for what happens and this file only for how it is made quick.  Measured on the
workloads of ``benchmarks/bench_engine.py`` and ``bench_nn.py`` (CPU time, each variant
in fresh processes, taking turns):

* the four methods compute the node's number and local derivatives here, without
  calling the primitive's rule through :func:`~autograd.value.apply`: without them
  micrograd's demo step takes 1.39× as long and the 30 000-op tanh chain 1.9× (one at a
  time: ``+`` 1.24× and ``×`` 1.23× on the demo step, ``tanh`` 1.2× on the chain,
  ``relu`` 1.1× on bench_nn's step);
* backward() marks visited nodes and adds up ∂root/∂node in a slot of each node
  instead of a set and a dictionary, and reads the parents from their slots: without
  it the tanh chain takes 2.8× as long, the demo step 1.22×.

Nothing else is fast-pathed: the other primitives are rarer, and a layer's weighted
sums made inline bought 1.1× on bench_nn's step (:func:`autograd.functional.
affine_unchecked` calls the ``dot`` rule, reading the layer's inputs once).  Inside a
``no_grad()`` or ``detect_anomaly()`` block (any thread's), for |x| ≥ 20 into tanh or a
nan into ReLU, these methods hand over to the reference ones.
"""

import math

from . import ops
from .modes import open_blocks as _MODE_BLOCKS_OPEN
from .value import Value, _as_value, anomaly_checked, graph_lock

_new = object.__new__

REFERENCE = {name: getattr(Value, name) for name in ("__add__", "__mul__", "tanh", "relu",
                                                     "backward")}
"""The methods of value.py that this module replaces; the fast ones fall back to them."""


def add(self, other):
    """The fast path of :mod:`autograd.fast` for ``Value.__add__``."""
    if _MODE_BLOCKS_OPEN:
        return REFERENCE["__add__"](self, other)
    if type(other) is not Value:
        other = _as_value(other, "+")
    v = _new(Value)
    v._data = self._data + other._data
    v.grad = v._pass_grad = 0.0
    v._primitive = ops.add
    v._first_parent = self
    v._second_parent = other
    v._first_local = v._second_local = 1.0
    return v


def mul(self, other):
    """The fast path of :mod:`autograd.fast` for ``Value.__mul__``."""
    if _MODE_BLOCKS_OPEN:
        return REFERENCE["__mul__"](self, other)
    if type(other) is not Value:
        other = _as_value(other, "*")
    a, b = self._data, other._data
    v = _new(Value)
    v._data = a * b
    v.grad = v._pass_grad = 0.0
    v._primitive = ops.mul
    v._first_parent = self
    v._second_parent = other
    v._first_local = b
    v._second_local = a
    return v


def tanh(self):
    """The fast path of :mod:`autograd.fast` for ``Value.tanh``, with
    numerics.tanh_derivative computed inline for |x| < 20."""
    x = self._data
    if _MODE_BLOCKS_OPEN or not -20.0 < x < 20.0:
        return REFERENCE["tanh"](self)
    t = math.tanh(x)
    if -0.75 < x < 0.75:
        d = 1.0 - t * t
    else:
        c = math.cosh(x)
        d = 1.0 / (c * c)
    v = _new(Value)
    v._data = t
    v.grad = v._pass_grad = 0.0
    v._primitive = ops.tanh
    v._first_parent = self
    v._second_parent = None
    v._first_local = d
    return v


def relu(self):
    """The fast path of :mod:`autograd.fast` for ``Value.relu``."""
    x = self._data
    if x != x or _MODE_BLOCKS_OPEN:
        return REFERENCE["relu"](self)
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


def backward(self, grad=1.0):
    """The fast path of :mod:`autograd.fast` for ``Value.backward``: the same order,
    the same sums."""
    if type(grad) is not float or anomaly_checked(self):  # errors and checks: the reference's
        return REFERENCE["backward"](self, grad)
    with graph_lock:
        order = _depth_first_order(self)
        self._pass_grad = grad
        for node in reversed(order):
            g = node._pass_grad
            node.grad += g
            if g:
                first = node._first_parent
                if first is not None:
                    first._pass_grad += node._first_local * g
                    second = node._second_parent
                    if second is not None:
                        second._pass_grad += node._second_local * g
                elif node._primitive is not None:
                    extras = node._extras
                    for parent, local in zip(extras.parents, extras.local_grads):
                        parent._pass_grad += local * g


def _depth_first_order(root):
    """:func:`~autograd.value.topological_order`, the same order, with each node marked
    visited by pointing its ``_pass_grad`` slot at this walk's own float 0.0 object
    (cheaper than a set; the caller holds ``graph_lock``): compared by identity it says
    "visited", and as a number it is where the backward pass starts adding up
    ∂root/∂node.  A visited parent is already in the order: in a DAG it cannot be on
    the path from the root."""
    visited = float("0")  # a new float object: no other walk's mark is this one
    order, path = [], []
    emit, push, pop = order.append, path.append, path.pop
    unseen = {}  # a node with more than two parents -> an iterator over those still to see
    node = root
    node._pass_grad = visited
    while True:
        parent = None
        first = node._first_parent
        if first is not None:  # one or two parents, in slots
            if first._pass_grad is not visited:
                parent = first
            else:
                second = node._second_parent
                if second is not None and second._pass_grad is not visited:
                    parent = second
        elif node._primitive is not None:
            parents = unseen.get(node)
            if parents is None:
                parents = unseen[node] = iter(node._extras.parents)
            for p in parents:
                if p._pass_grad is not visited:
                    parent = p
                    break
        if parent is None:  # every parent is in the order: so is the node
            emit(node)
            if not path:
                break
            node = pop()
        else:
            parent._pass_grad = visited
            push(node)
            node = parent
    return order


for _name, _fast in (("__add__", add), ("__mul__", mul), ("tanh", tanh), ("relu", relu),
                     ("backward", backward)):
    _fast.__doc__ = f"{REFERENCE[_name].__doc__}\n\n{_fast.__doc__}"  # what help() shows
    setattr(Value, _name, _fast)
