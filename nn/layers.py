"""Neuron, Layer, MLP and Dropout, built only from autograd's public API.

Notation (the lecture notes'): layer l has n_l neurons; W^[l] is n_l × n_{l−1} (row j
holds neuron j's incoming weights, the layout of PyTorch's ``nn.Linear``);
for one sample

    Z^[l] = W^[l] A^[l−1] + b^[l],    A^[l] = f^[l](Z^[l]),    A^[0] = x.

Each neuron's z_j^[l] = Σₖ W_jk^[l] a_k^[l−1] + b_j^[l] is ONE ``autograd.dot``
node.  The structure and the forward pass read the micrograd way: ``MLP`` calls
each ``Layer`` in turn, a ``Layer`` calls each of its ``Neuron`` s, a neuron is
``mlp.layers[l].neurons[j]`` with weights ``.w[k]`` and bias ``.b``.  The input
is checked once, where it enters (``MLP.__call__``, ``Layer.__call__`` or
``Neuron.__call__``); below that each level's ``forward`` takes Values as they
are.  ``parameters()`` lists layer by layer, neuron by neuron, the weights then
the bias.  Parameters are labelled in the lecture notes' notation, 1-based:
``W^[1]_2,1`` is W_21^[1], ``b^[1]_2`` is b_2^[1]; every forward pass labels its
nodes ``z^[l]_j`` and ``a^[l]_j`` the same way, so after ``loss.backward()``
the δ_j^[l] = ∂L/∂z_j^[l] of a hand derivation is the ``grad`` of the node
labelled ``z^[l]_j`` (see :meth:`MLP.forward_trace`).
"""

from autograd import Value
from autograd.functional import affine_unchecked

from ._checks import is_number, positive_int, rng
from .activations import activation as activation_record, check_activation
from .init import layer_parameters
from .module import Module


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check_numbers(values, describe):
    """TypeError naming ``describe(k)`` (k 1-based) for the first entry that is not a number."""
    for k, v in enumerate(values, 1):
        if not is_number(v):
            raise TypeError(f"{describe(k)} is {type(v).__name__} {v!r}; expected a number")


def _as_inputs(x, n, who):
    """The input x as a list of n Values (numbers become leaves), or a clear error."""
    if isinstance(x, Value) or is_number(x):
        if n == 1:
            x = [x]
        else:
            raise ValueError(f"{who} expects {n} inputs, got the single number {x!r}")
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{who} expects a list of {n} numbers or Values, "
                        f"got {type(x).__name__} {x!r}")
    xs = list(x)
    if len(xs) != n:
        raise ValueError(f"{who} expects {n} inputs (one per input neuron), "
                         f"got {len(xs)}: {xs!r}")
    for k, v in enumerate(xs):
        if type(v) is not Value:
            if not is_number(v):
                raise TypeError(f"{who} input x_{k + 1} is {type(v).__name__} {v!r}; "
                                f"expected a number or a Value")
            xs[k] = Value(float(v))
    return xs


class Neuron(Module):
    """One neuron: a = f(z), z = Σₖ wₖxₖ + b.

    ``weights`` (nin numbers) and ``bias`` set the parameters; otherwise they are
    drawn by ``init`` (see :mod:`nn.init`; micrograd's U(−1, 1) and b = 0 by
    default) from ``seed`` (None: Python's global ``random``, as micrograd).
    ``activation`` is an element-wise one; softmax acts on a whole :class:`Layer`.
    """

    def __init__(self, nin, activation="relu", *, weights=None, bias=None,
                 init="uniform", seed=None):
        positive_int(nin, "Neuron nin")
        record = activation_record(activation)
        if not record.elementwise:
            raise ValueError(f"activation {activation!r} acts on a whole layer, not on one "
                             f"neuron; use Layer(nin, nout, {activation!r})")
        self.activation = activation
        self._f = record.fn
        if weights is None:
            rows, biases = layer_parameters(init, nin, 1, activation, seed)
            weights = rows[0]
            bias = biases[0] if bias is None else bias
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__iter__"):
            raise TypeError(f"Neuron weights must be a list of {nin} numbers, got {weights!r}")
        weights = list(weights)
        if len(weights) != nin:
            raise ValueError(f"Neuron has {nin} inputs but got {len(weights)} weights: {weights!r}")
        _check_numbers(weights, lambda k: f"Neuron weight w_{k}")
        bias = 0.0 if bias is None else bias
        _check_numbers([bias], lambda k: "Neuron bias")
        self.w = [Value(float(w), f"w_{k}") for k, w in enumerate(weights, 1)]
        self.b = Value(float(bias), "b")
        self.z_label, self.a_label = "z", "a"

    def name_nodes(self, tag, j):
        """Label this neuron as neuron ``j`` of a layer tagged ``tag``: weights W{tag}_j,k,
        bias b{tag}_j, and on every forward pass z{tag}_j and a{tag}_j."""
        for k, w in enumerate(self.w, 1):
            w.label = f"W{tag}_{j},{k}"
        self.b.label = f"b{tag}_{j}"
        # Made once here, so each forward pass only assigns them.
        self.z_label, self.a_label = f"z{tag}_{j}", f"a{tag}_{j}"

    def forward(self, xs):
        """(z, a) for ``xs``, a list of nin Values the caller has already checked.

        z = Σₖ wₖxₖ + b is ONE ``autograd.dot`` node; a = f(z) (for "linear", a is z).
        The inputs were checked once per call of the network, so the node is made
        without checking them again (``affine_unchecked``: a fifth of a step otherwise)."""
        z = affine_unchecked((self.w,), xs, (self.b,))[0]
        return z, self.activate(z)

    def activate(self, z):
        """a = f(z) for this neuron's pre-activation node z, both labelled."""
        z.label = self.z_label
        a = self._f(z)
        if a is not z:
            a.label = self.a_label
        return a

    def preactivation(self, x):
        """z = Σₖ wₖxₖ + b for input x (nin numbers or Values), as one ``autograd.dot`` node."""
        return self.forward(_as_inputs(x, len(self.w), "Neuron"))[0]

    def __call__(self, x):
        """a = f(z) for input x (nin numbers or Values)."""
        return self.forward(_as_inputs(x, len(self.w), "Neuron"))[1]

    def named_tensors(self):
        """``weight`` (1 row of nin Values, as ``nn.Linear(nin, 1)``) and ``bias`` ([b])."""
        return [("weight", [self.w]), ("bias", [self.b])]

    def architecture(self):
        """Type, number of inputs and activation."""
        return {"type": "Neuron", "nin": len(self.w), "activation": self.activation}

    def __repr__(self):
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """n_out neurons sharing the inputs and one activation: A = f(W x + b).

    Calling it always returns a list of n_out Values.  ``init``, ``seed``,
    ``gain`` and ``init_value`` choose the initial parameters (see :mod:`nn.init`).
    With ``activation="softmax"`` each neuron computes its z_j and the layer
    returns A = softmax(Z), the probabilities of n_out classes.
    """

    def __init__(self, nin, nout, activation="relu", init="uniform", seed=None, *,
                 gain=None, init_value=None):
        self.nin = positive_int(nin, "Layer nin")
        self.nout = positive_int(nout, "Layer nout")
        record = activation_record(activation)
        self.activation = activation
        # A layer-wise activation (softmax) is applied by the layer to all z_j at once.
        self._layer_f = None if record.elementwise else record.fn
        neuron_activation = activation if record.elementwise else "linear"
        rows, biases = layer_parameters(init, nin, nout, activation, seed,
                                        gain=gain, value=init_value)
        self.neurons = [Neuron(nin, neuron_activation, weights=r, bias=b)
                        for r, b in zip(rows, biases)]
        self.name_nodes("")

    def name_nodes(self, tag):
        """Label parameters W{tag}_j,k and b{tag}_j, and each forward pass's z{tag}_j and
        a{tag}_j (1-based; ``tag`` is "^[l]" inside an MLP, "" for a lone layer)."""
        for j, neuron in enumerate(self.neurons, 1):
            neuron.name_nodes(tag, j)

    def forward(self, xs):
        """(Z, A) for ``xs``, a list of nin Values the caller has already checked:
        Z = W x + b (each z_j one node, as :meth:`Neuron.forward` makes it, the inputs'
        numbers read once for the layer), then each neuron's a_j = f(z_j), or for
        softmax A = softmax(Z)."""
        neurons = self.neurons
        zs = affine_unchecked([n.w for n in neurons], xs, [n.b for n in neurons])
        if self._layer_f is None:
            return zs, [neuron.activate(z) for neuron, z in zip(neurons, zs)]
        for neuron, z in zip(neurons, zs):
            neuron.activate(z)  # labels z_j (the neuron's own f is linear here)
        activations = self._layer_f(zs)
        for a, neuron in zip(activations, neurons):
            a.label = neuron.a_label
        return zs, activations

    def __call__(self, x):
        """A = f(W x + b): a list of nout Values for input x (nin numbers or Values)."""
        return self.forward(_as_inputs(x, self.nin, "Layer"))[1]

    def named_tensors(self):
        """``weight`` (nout rows of nin Values) and ``bias`` (nout Values), as ``nn.Linear``."""
        return [("weight", [n.w for n in self.neurons]), ("bias", [n.b for n in self.neurons])]

    def named_parameters(self):
        """Neuron by neuron, weights then bias (micrograd's order): ``weight[j][k]``, ``bias[j]``."""
        named = []
        for j, neuron in enumerate(self.neurons):
            named.extend((f"weight[{j}][{k}]", w) for k, w in enumerate(neuron.w))
            named.append((f"bias[{j}]", neuron.b))
        return named

    def parameters(self):
        """Neuron by neuron, weights then bias."""
        return [p for n in self.neurons for p in (*n.w, n.b)]

    def architecture(self):
        """Type, sizes and activation."""
        return {"type": "Layer", "nin": self.nin, "nout": self.nout,
                "activation": self.activation}

    def __repr__(self):
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class Dropout(Module):
    """Inverted dropout: in training mode each value is zeroed with probability p and
    the kept ones are scaled by 1/(1−p), so E[output] = input; in evaluation mode
    (``eval()``) it is the identity.  Masks come from ``random.Random(seed)``, or
    from Python's global ``random`` with ``seed=None``.
    """

    def __init__(self, p=0.5, seed=None):
        if not is_number(p) or not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout probability p must be a number in [0, 1), got {p!r}")
        self.p = float(p)
        self._rng = rng(seed)

    def __call__(self, x):
        """The values x (a Value or a list of Values) with dropout applied in training mode."""
        if not self.training or self.p == 0.0:
            return x
        if isinstance(x, Value):
            return self([x])[0]
        scale = 1.0 / (1.0 - self.p)
        draw, p = self._rng.random, self.p
        # Dropped values are multiplied by 0 rather than replaced, so they stay in
        # the graph (with zero gradient) as in PyTorch.
        return [v * (scale if draw() >= p else 0.0) for v in x]

    def __repr__(self):
        return f"Dropout(p={self.p})"


def _layer_activations(activations, n_layers):
    if activations is None:
        return ["relu"] * (n_layers - 1) + ["linear"]  # micrograd's choice
    if isinstance(activations, str):
        return [check_activation(activations)] * n_layers
    if not isinstance(activations, (list, tuple)):
        raise TypeError(f"activations must be a name or a list of names, one per layer; "
                        f"got {type(activations).__name__} {activations!r}")
    if len(activations) != n_layers:
        raise ValueError(f"got {len(activations)} activations {list(activations)!r} for "
                         f"{n_layers} layers; give one per layer or a single name")
    return [check_activation(a, f"layer {l} activation") for l, a in enumerate(activations, 1)]


def _check_weights(weights, biases):
    """Check W^[1..L] and b^[1..L] against each other; return the sizes [n_0, …, n_L]."""
    if not isinstance(weights, (list, tuple)) or not weights:
        raise ValueError(f"weights must be a non-empty list of matrices W^[1], W^[2], …; "
                         f"got {weights!r}")
    sizes = []
    for l, W in enumerate(weights, 1):
        if not isinstance(W, (list, tuple)) or not W:
            raise ValueError(f"W^[{l}] must be a non-empty list of rows, one per neuron of "
                             f"layer {l}; got {W!r}")
        for j, row in enumerate(W, 1):
            if not isinstance(row, (list, tuple)) or not row:
                raise ValueError(f"W^[{l}] row {j} must be a non-empty list of numbers "
                                 f"(neuron {j}'s incoming weights); got {row!r}")
            if l == 1 and len(row) != len(W[0]):
                raise ValueError(f"W^[1] row {j} has {_count(len(row), 'number')} but "
                                 f"row 1 has {len(W[0])}")
            if l > 1 and len(row) != sizes[-1]:
                raise ValueError(f"W^[{l}] row {j} has {_count(len(row), 'number')} but "
                                 f"layer {l - 1} has {_count(sizes[-1], 'neuron')}")
            _check_numbers(row, lambda k: f"W^[{l}] row {j} entry {k}")
        if l == 1:
            sizes.append(len(W[0]))
        sizes.append(len(W))
    if biases is None:
        return sizes
    if not isinstance(biases, (list, tuple)) or len(biases) != len(weights):
        raise ValueError(f"biases must be a list of {len(weights)} vectors b^[1], …, "
                         f"b^[{len(weights)}], one per weight matrix; got {biases!r}")
    for l, b in enumerate(biases, 1):
        if not isinstance(b, (list, tuple)) or len(b) != sizes[l]:
            raise ValueError(f"b^[{l}] must be a list of {_count(sizes[l], 'number')} "
                             f"(W^[{l}] has {_count(sizes[l], 'row')}); got {b!r}")
        _check_numbers(b, lambda j: f"b^[{l}] entry {j}")
    return sizes


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` has W^[1] 16×2, W^[2] 16×16, W^[3] 1×16.

    ``activations``: one name for every layer or a list with one per layer
    (names of :data:`nn.activations.ACTIVATIONS`); default micrograd's ReLU on
    hidden layers and a linear output.  Following Karpathy's micrograd lecture,
    whose hand-written ``Neuron`` is tanh throughout?  Pass ``activations="tanh"``:
    that is the one keyword the lecture's networks need.
    ``init``/``gain``/``init_value``: the initial parameters (:mod:`nn.init`;
    default micrograd's W ~ U(−1, 1), b = 0), drawn from ``random.Random(seed)``,
    or with ``seed=None`` from Python's global ``random`` in micrograd's order, so
    ``random.seed(1337); MLP(2, [16, 16, 1])`` has micrograd's demo weights.
    ``dropout``: rate of a :class:`Dropout` after each hidden layer's activation
    (training mode only).

    Calling it on one sample x (n_0 numbers or Values) returns ŷ = A^[L]: a Value
    when the output layer has one neuron, else a list of Values.

    ``state_dict()`` keys follow a PyTorch ``nn.Sequential`` of ``nn.Linear``
    and activation modules interleaved (:meth:`torch_modules`): every layer adds
    a Linear, then its activation module unless the activation is "linear",
    then a Dropout if it is a hidden layer and ``dropout`` > 0.  So
    ``MLP(2, [16, 16, 1])`` has keys "0.weight", "0.bias", "2.weight", "2.bias",
    "4.weight", "4.bias", and ``torch.nn.Sequential`` built from
    :meth:`torch_modules` accepts the state dict as is.
    """

    def __init__(self, nin, nouts, activations=None, init="uniform", seed=None, *,
                 gain=None, init_value=None, dropout=0.0):
        positive_int(nin, "MLP nin (the number of inputs)")
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise ValueError(f"MLP nouts must be a non-empty list of layer sizes "
                             f"[n_1, …, n_L], got {nouts!r}")
        for l, n in enumerate(nouts, 1):
            positive_int(n, f"MLP layer {l} size")
        self.sizes = [nin, *nouts]
        self.activations = _layer_activations(activations, len(nouts))
        for l, act in enumerate(self.activations[:-1], 1):
            if not activation_record(act).elementwise:
                raise ValueError(f"layer {l} activation {act!r} is for the output layer only "
                                 f"(it turns the last layer's Z into probabilities)")
        source = rng(seed)
        self.layers = [Layer(n_prev, n, act, init, source, gain=gain, init_value=init_value)
                       for n_prev, n, act in zip(self.sizes, nouts, self.activations)]
        for l, layer in enumerate(self.layers, 1):
            layer.name_nodes(f"^[{l}]")
        dropout_layer = Dropout(dropout, seed=source.getrandbits(64) if dropout else None)
        self.dropout = dropout_layer.p
        self._dropout = dropout_layer if dropout else None

    @classmethod
    def from_weights(cls, weights, biases=None, activations=None):
        """An MLP with the given W^[l] (n_l rows of n_{l−1} numbers each) and b^[l]
        (n_l numbers each; zeros if omitted), in the lecture notes' convention::

            MLP.from_weights(weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]],
                                      [[0.9, 1.0]]],
                             biases=[[0.05, 0.05], [0.1, 0.1], [0.15]],
                             activations=["relu", "relu", "sigmoid"])

        Mismatched shapes or unknown activations raise an error naming the layer
        (1-based, W^[1] is the first).
        """
        sizes = _check_weights(weights, biases)
        mlp = cls(sizes[0], sizes[1:], activations, init="zeros")
        for l, (layer, W) in enumerate(zip(mlp.layers, weights)):
            for j, neuron in enumerate(layer.neurons):
                for w, number in zip(neuron.w, W[j]):
                    w.data = float(number)
                if biases is not None:
                    neuron.b.data = float(biases[l][j])
        return mlp

    def children(self):
        """The layers, and the Dropout module if there is one."""
        return self.layers + ([self._dropout] if self._dropout else [])

    def forward_trace(self, x):
        """[(Z^[1], A^[1]), …, (Z^[L], A^[L])] for one sample x, as lists of Values:
        THE forward pass (``__call__``, explain and plots all read it).

        x is checked once here; each layer l then computes Z^[l] = W^[l] A^[l−1] + b^[l]
        and A^[l] = f(Z^[l]) by calling its neurons.  After ``loss.backward()``,
        ``Z^[l][j].grad`` is δ_j^[l] = ∂L/∂z_j^[l].  With dropout in training mode,
        A^[l] is the output after dropout.
        """
        xs = _as_inputs(x, self.sizes[0], "MLP")
        trace = []
        last = self.layers[-1]
        for layer in self.layers:
            zs, xs = layer.forward(xs)
            if self._dropout is not None and layer is not last:
                xs = self._dropout(xs)
            trace.append((zs, xs))
        return trace

    def __call__(self, x):
        """ŷ = A^[L] for one sample, the last entry of :meth:`forward_trace`: a Value if the
        output layer has one neuron, else a list."""
        outputs = self.forward_trace(x)[-1][1]
        return outputs[0] if len(outputs) == 1 else outputs

    def weights(self):
        """[W^[1], …, W^[L]] as nested lists of floats (W^[l]: n_l rows of n_{l−1})."""
        return [[[w.data for w in n.w] for n in layer.neurons] for layer in self.layers]

    def biases(self):
        """[b^[1], …, b^[L]] as lists of floats."""
        return [[n.b.data for n in layer.neurons] for layer in self.layers]

    def torch_modules(self):
        """The ``torch.nn.Sequential`` this MLP corresponds to, as constructor strings,
        e.g. ``["Linear(2, 16)", "ReLU()", "Linear(16, 1)"]``.  PyTorch's Softplus
        switches to the identity for z > 20 (a difference below 2.1e-9)."""
        modules = []
        last = len(self.layers) - 1
        for l, layer in enumerate(self.layers):
            modules.append(f"Linear({layer.nin}, {layer.nout})")
            module = activation_record(layer.activation).torch_module
            if module:
                modules.append(module)
            if self._dropout is not None and l < last:
                modules.append(f"Dropout(p={self.dropout})")
        return modules

    def _linear_indices(self):
        """Each layer's index in the nn.Sequential of :meth:`torch_modules`."""
        return [i for i, m in enumerate(self.torch_modules()) if m.startswith("Linear(")]

    def named_tensors(self):
        """``"<i>.weight"`` (W^[l] rows) and ``"<i>.bias"`` (b^[l]), i = the Sequential index."""
        return [(f"{i}.{key}", tensor)
                for i, layer in zip(self._linear_indices(), self.layers)
                for key, tensor in layer.named_tensors()]

    def named_parameters(self):
        """Layer by layer, neuron by neuron, weights then bias: ``"0.weight[j][k]"``, ``"0.bias[j]"``."""
        return [(f"{i}.{name}", p)
                for i, layer in zip(self._linear_indices(), self.layers)
                for name, p in layer.named_parameters()]

    def parameters(self):
        """Layer by layer, neuron by neuron, weights then bias (micrograd's order)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def architecture(self):
        """What a saved file must match: sizes, activations and dropout rate."""
        return {"type": "MLP", "sizes": list(self.sizes), "activations": list(self.activations),
                "dropout": self.dropout}

    def __repr__(self):
        extra = f", dropout={self.dropout}" if self._dropout else ""
        return f"MLP({self.sizes[0]}, {self.sizes[1:]}, activations={self.activations}{extra})"
