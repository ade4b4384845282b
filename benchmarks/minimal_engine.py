"""The least a scalar reverse-mode engine can do in CPython: the floor the benchmarks measure.

``bench_engine.py`` runs its workloads with this ``Value`` too, in the same run as ours,
so a target can be read against what *any* engine of this design reaches on this
interpreter: one Python object per node holding its parents and local derivatives,
an iterative depth-first order, ∂root/∂node kept in a slot.  It has nothing else: no
modes, no checks, no labels, no pickling, no nan rules, only ``+ * relu tanh`` and
``backward()``, 7 slots a node.  Never used by the library.
"""

import math

_new = object.__new__


class Value:
    """A node: ``data``, ``grad`` and up to two parents with their local derivatives."""

    __slots__ = ("data", "grad", "_pass", "_a", "_b", "_da", "_db")

    def __init__(self, data):
        self.data = float(data)
        self.grad = self._pass = 0.0
        self._a = self._b = None

    # Each op builds its node inline: a helper call would cost ~10 % of a step.
    def __add__(self, other):
        if type(other) is not Value:
            other = Value(other)
        v = _new(Value)
        v.data = self.data + other.data
        v.grad = v._pass = 0.0
        v._a = self
        v._b = other
        v._da = v._db = 1.0
        return v

    __radd__ = __add__

    def __mul__(self, other):
        if type(other) is not Value:
            other = Value(other)
        v = _new(Value)
        v.data = self.data * other.data
        v.grad = v._pass = 0.0
        v._a = self
        v._b = other
        v._da = other.data
        v._db = self.data
        return v

    __rmul__ = __mul__

    def relu(self):
        v = _new(Value)
        v.grad = v._pass = 0.0
        v._a = self
        v._b = None
        if self.data > 0.0:
            v.data = self.data
            v._da = 1.0
        else:
            v.data = v._da = 0.0
        return v

    def tanh(self):
        v = _new(Value)
        v.data = t = math.tanh(self.data)
        v.grad = v._pass = 0.0
        v._a = self
        v._b = None
        v._da = 1.0 - t * t
        return v

    def backward(self):
        """grad += ∂self/∂node for every node: depth-first post-order, then one sweep back."""
        seen = float("0")  # a fresh object: `is seen` marks a node visited by this walk
        order, path, node = [], [], self
        node._pass = seen
        while True:
            parent, a = None, node._a
            if a is not None:
                if a._pass is not seen:
                    parent = a
                else:
                    b = node._b
                    if b is not None and b._pass is not seen:
                        parent = b
            if parent is None:
                order.append(node)
                if not path:
                    break
                node = path.pop()
            else:
                parent._pass = seen
                path.append(node)
                node = parent
        self._pass = 1.0
        for node in reversed(order):
            g = node._pass
            node.grad += g
            a = node._a
            if g and a is not None:
                a._pass += node._da * g
                b = node._b
                if b is not None:
                    b._pass += node._db * g
