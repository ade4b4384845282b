"""Functions over several ``Value`` s, and gradients as return values.

``grad`` is the functional counterpart of ``backward()``: it returns
∂output/∂input for the inputs you name and leaves every ``.grad`` alone.  With
``create_graph=True`` the gradients are themselves ``Value`` s whose graph
goes back to the inputs, so they can be differentiated again (second
derivatives, mixed partials, Hessians).
"""

from . import ops
from .modes import enable_grad
from .modes import open_blocks as _MODE_BLOCKS_OPEN
from .value import Value, _as_value, _node, apply, constant_of, topological_order


def _values(xs, context):
    if isinstance(xs, Value) or isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(f"{context} expects a list of Values or numbers, "
                        f"got {type(xs).__name__} {xs!r}")
    vs = [_as_value(x, context) for x in xs]
    if not vs:
        raise ValueError(f"{context} needs at least one value, got an empty list")
    return vs


def total(values):
    """z = Σᵢ xᵢ as a single node (∂z/∂xᵢ = 1); correctly rounded (fsum), inf/nan as IEEE."""
    return apply(ops.total, *_values(values, "total()"))


def dot(weights, inputs, bias=0.0):
    """z_j^[l] = Σₖ W^[l]_jk·A^[l−1]_k + b^[l]_j as a single node: a neuron's pre-activation.

    ∂z/∂wₖ = xₖ,  ∂z/∂xₖ = wₖ,  ∂z/∂b = 1.  One node instead of 2n, which makes graphs
    smaller to draw and faster to differentiate; summed left to right.  Checks its
    arguments (numbers become constants); code that already holds lists of Values of
    equal length calls :func:`affine_unchecked` instead.
    """
    ws, xs = _values(weights, "dot() weights"), _values(inputs, "dot() inputs")
    if len(ws) != len(xs):
        raise ValueError(f"dot() needs as many weights as inputs: got {len(ws)} weights "
                         f"and {len(xs)} inputs")
    return apply(ops.dot, *ws, *xs, _as_value(bias, "dot() bias"))


def affine_unchecked(rows, inputs, biases):
    """A layer's Z = W x + b: the :func:`dot` node z_j = Σₖ W_jk·x_k + b_j for each row j of
    ``rows`` (and the matching bias), all reading the same ``inputs``.  No argument
    checks, for ``nn``'s forward pass: ``rows`` holds lists of Values as long as
    ``inputs`` (Values), ``biases`` one Value per row; anything else gives wrong results
    or an AttributeError."""
    inputs = tuple(inputs)
    if _MODE_BLOCKS_OPEN:  # apply() does what no_grad() and detect_anomaly() ask for
        return [apply(ops.dot, *weights, *inputs, bias) for weights, bias in zip(rows, biases)]
    xs = [x._data for x in inputs]  # the inputs' numbers, read once for the whole layer
    nodes = []
    for weights, bias in zip(rows, biases):
        out = ops.dot.rule(*[w._data for w in weights], *xs, bias._data)
        nodes.append(_node(ops.dot, out[0], (*weights, *inputs, bias), out[1:]))
    return nodes


def logsumexp(values):
    """ln Σᵢ e^xᵢ, computed as m + ln Σᵢ e^(xᵢ−m) with m = max xᵢ (never overflows).

    ∂/∂xᵢ = softmax(x)ᵢ."""
    return apply(ops.logsumexp, *_values(values, "logsumexp()"))


def log_softmax(values, index=None):
    """zᵢ = ln softmaxᵢ(x) = (xᵢ − m) − ln Σⱼ e^(xⱼ − m), m = max x; one node per i.

    ∂zᵢ/∂xⱼ = δᵢⱼ − softmaxⱼ.  Returns the list of all zᵢ, or only z_index when
    ``index`` is given (cross-entropy is −z_c).  Exact at any magnitude: for
    logits [c] * n every zᵢ is −ln n, for any finite c."""
    xs = _values(values, "log_softmax()")
    if index is None:
        return [apply(ops.log_softmax, *xs, constant=i) for i in range(len(xs))]
    if not isinstance(index, int) or not -len(xs) <= index < len(xs):
        raise IndexError(f"log_softmax() index must be an int in 0..{len(xs) - 1}, "
                         f"got {index!r}")
    return apply(ops.log_softmax, *xs, constant=index % len(xs))


def softmax(values):
    """softmaxᵢ(x) = e^xᵢ / Σⱼ e^xⱼ = e^(log_softmaxᵢ(x)), stable for any x.

    Returns a list of Values summing to 1 (within 1e-15) for logits up to ±1e308;
    ∂softmaxᵢ/∂xⱼ = softmaxᵢ(δᵢⱼ − softmaxⱼ)."""
    return [z.exp() for z in log_softmax(values)]


def grad(output, inputs, create_graph=False):
    """∂output/∂x for each x in ``inputs``, without touching any ``.grad``.

    ``inputs`` is one Value (one gradient is returned) or a list of Values (a
    list is returned, in the same order).  An input the output does not depend
    on gets 0.  With ``create_graph=False`` the gradients are floats; with
    ``create_graph=True`` they are Values recorded as a graph, so::

        x = Value(3.0)
        y = x ** 3
        (dy,) = grad(y, [x], create_graph=True)   # 3x² = 27
        (d2y,) = grad(dy, [x])                     # 6x  = 18
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() output must be a Value, got {type(output).__name__} {output!r}")
    single = isinstance(inputs, Value)
    xs = [inputs] if single else list(inputs)
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values; input {i} is "
                            f"{type(x).__name__} {x!r}")
    grads = {output: Value(1.0) if create_graph else 1.0}
    with enable_grad():
        for node in reversed(topological_order(output)):
            g = grads.get(node)
            if g is None or node.is_leaf:
                continue
            local = _local_as_values(node) if create_graph else node.local_grads
            for parent, d in zip(node.parents, local):
                term = d * g
                grads[parent] = grads[parent] + term if parent in grads else term
    zero = 0.0
    result = [grads.get(x, zero) for x in xs]
    if create_graph:
        result = [g if isinstance(g, Value) else Value(g) for g in result]
    return result[0] if single else result


def _local_as_values(node):
    # Re-run the primitive's rule on the parent Values: the derivatives it
    # returns are then Values with graphs of their own (see autograd.ops).
    primitive = node.primitive
    if primitive.constant is not None:
        return primitive.rule(*node.parents, constant_of(node))[1:]
    return primitive.rule(*node.parents)[1:]


def hessian(output, inputs):
    """The matrix H[i][j] = ∂²output/∂xᵢ∂xⱼ as a list of lists of floats."""
    first = grad(output, inputs, create_graph=True)
    return [grad(g, inputs) for g in first]
