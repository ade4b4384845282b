"""The derivation's JSON layout, stated once: the writer (:mod:`.derivation`), the renderer
(:mod:`.render`) and the grader (:mod:`.check`) all read it from here.

A derivation document (``backprop explain --format json``; a hand-derived file
gives any subset of it).  Matrices are lists of rows; sample matrices have one
column per sample i = 1 … m, weight matrices one per input k = 1 … n_{l−1}::

    {
      "format": "backproplab-derivation", "version": 1,
      "loss_function": "bce",  "lr": 0.1,  "m": 1,  "step": 1,
      "A0": n_0 × m,            "Y": the m targets (as given),
      "Y_hat": n_L × m          (A^[L]: logits for cross_entropy and bce_with_logits),
      "probabilities": n_L × m  (only for those two losses: softmax or σ of the logits,
                                 the ŷ a student writes),
      "losses": [L₁, …, L_m],   "loss": L,
      "layers": {
        "1": {"activation": "relu",
              "W": n_1 × n_0,   "b": [n_1 numbers],
              "Z": n_1 × m,     "A": n_1 × m,
              "dL_dA": n_1 × m (∂Lᵢ/∂A^[1], per sample),
              "f_prime_Z": n_1 × m (f'(Z^[1]); null for softmax, whose Jacobian is not
                                    element-wise),
              "delta": n_1 × m (∂Lᵢ/∂Z^[1], per sample),
              "dL_dW": n_1 × n_0 (batch average),  "dL_db": [n_1 numbers],
              "dL_dW_per_sample": [m matrices n_1 × n_0] (∂Lᵢ/∂W^[1]),
              "W_new": n_1 × n_0,  "b_new": [n_1 numbers]   (only with lr)},
        "2": {…}, …
      }
    }

(∂Lᵢ/∂b^[l] per sample is column i of ``delta``, so it is not repeated.)

A shape is a tuple: ``("text",)``, ``("scalar",)``, ``("vector", n, letter)``,
``("matrix", rows, columns, column_letter)``, ``("matrices", m, rows, columns)``
or ``("targets", m)``.  Matrix rows are always neurons j; a letter names what
an index counts: "i" samples, "j" neurons, "k" inputs.
"""

FORMAT = "backproplab-derivation"
VERSION = 1

TOP_KEYS = ("format", "version", "loss_function", "lr", "m", "step", "A0", "Y", "Y_hat",
            "probabilities", "losses", "loss", "layers")
"""Top-level keys, in display order."""

LAYER_KEYS = ("activation", "W", "b", "Z", "A", "dL_dA", "f_prime_Z", "delta",
              "dL_dW", "dL_db", "dL_dW_per_sample", "W_new", "b_new")
"""Keys of one layer's entry, in display order."""

OPTIONAL_TOP_KEYS = ("probabilities",)
"""Top-level keys a document has only for some losses."""

UPDATE_KEYS = ("W_new", "b_new")
"""Layer keys present only when the step has a learning rate."""

IGNORED_KEYS = ("description",)
"""Free-text keys a hand-derived file may add."""


def top_shapes(sizes, m):
    """Shape of each top-level entry for a network of ``sizes`` [n_0, …, n_L] on m samples."""
    return {"format": ("text",), "version": ("scalar",), "loss_function": ("text",),
            "lr": ("scalar",), "m": ("scalar",), "step": ("scalar",),
            "A0": ("matrix", sizes[0], m, "i"), "Y": ("targets", m),
            "Y_hat": ("matrix", sizes[-1], m, "i"),
            "probabilities": ("matrix", sizes[-1], m, "i"),
            "losses": ("vector", m, "i"), "loss": ("scalar",)}


def layer_shapes(n, n_prev, m):
    """Shape of each entry of a layer with n neurons and n_prev inputs, on m samples."""
    samples = ("matrix", n, m, "i")
    weights = ("matrix", n, n_prev, "k")
    neurons = ("vector", n, "j")
    return {"activation": ("text",), "W": weights, "b": neurons,
            "Z": samples, "A": samples, "dL_dA": samples, "f_prime_Z": samples,
            "delta": samples, "dL_dW": weights, "dL_db": neurons,
            "dL_dW_per_sample": ("matrices", m, n, n_prev),
            "W_new": weights, "b_new": neurons}


def column(key):
    """What the columns of entry ``key`` count when it is drawn as a table: "i" (samples)
    or "k" (inputs); None when it is drawn as one column (a vector over neurons j, or a
    single number).  A vector over samples (the losses Lᵢ) is drawn as one row."""
    shape = {**top_shapes([1, 1], 1), **layer_shapes(1, 1, 1)}[key]
    if shape[0] == "matrix":
        return shape[3]
    return "i" if shape[0] == "vector" and shape[2] == "i" else None


def describe(shape):
    """The shape in words, for error messages."""
    kind = shape[0]
    if kind == "matrix":
        rows, cols = shape[1], shape[2]
        return f"a {rows} × {cols} matrix (a list of {rows} rows of {cols} numbers)"
    if kind == "vector":
        return f"a list of {shape[1]} numbers"
    if kind == "matrices":
        return f"a list of {shape[1]} matrices of {shape[2]} × {shape[3]}"
    if kind == "targets":
        return f"a list of {shape[1]} targets"
    return "a string" if kind == "text" else "a number"


def position(shape, index):
    """A 0-based ``index`` inside an entry of ``shape`` as a person reads it, 1-based and
    named: "j=2,i=1" in a sample matrix, "i=2,j=1,k=3" in the per-sample matrices."""
    kind = shape[0]
    if kind == "matrix" and len(index) == 2:
        letters = ("j", shape[3])
    elif kind == "vector" and len(index) == 1:
        letters = (shape[2],)
    elif kind == "matrices" and len(index) == 3:
        letters = ("i", "j", "k")
    elif kind == "targets" and index:
        letters = ("i",) + ("output",) * (len(index) - 1)
    else:
        letters = ("index",) * len(index)
    return ",".join(f"{letter}={k + 1}" for letter, k in zip(letters, index))


def layer_entries(document, n_layers, error):
    """(l, entries) for each layer a hand-written document gives under "layers", in the
    document's order; ``error`` (an exception class) names a malformed "layers" object, a
    key that is not a layer number 1 … ``n_layers``, or entries that are not an object."""
    layers = document.get("layers", {})
    if not isinstance(layers, dict):
        raise error(f"'layers' must be an object mapping layer numbers (\"1\" … "
                    f"\"{n_layers}\") to entries, got {type(layers).__name__}")
    for key, entries in layers.items():
        try:
            l = int(key)
        except (TypeError, ValueError):
            l = None
        if l is None or not 1 <= l <= n_layers or str(l) != str(key).strip():
            raise error(f"'layers' key {key!r} is not a layer of this network; "
                        f"layers are \"1\" … \"{n_layers}\"")
        if not isinstance(entries, dict):
            raise error(f"layer {l}: entries must be an object such as "
                        f"{{\"delta\": …}}, got {type(entries).__name__}")
        yield l, entries
