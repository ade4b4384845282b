"""How much the library builds from a few bytes of input before it asks to be told twice.

The scalar engine keeps one Python object per number, so an option such as
``--hidden 1000000000`` or a 376-byte parameter file with ``"sizes": [2, 10000000, 1]``
asks for more memory than the machine has.  Every limit here is checked before any
work starts, and the error says which flag goes past it on purpose: ``--allow-large``
on the command line, ``allow_large=True`` in :func:`nn.serialize.load_mlp`.

The memory estimates are measured on this engine (``tracemalloc`` over an
MLP's construction, a forward pass and ``backward()``): about 300 bytes per
parameter for the model and its optimizer state, about 120 bytes per
parameter and sample of a mini-batch for the graph of one step, and about 100
bytes per parameter for each step ``backprop explain`` keeps (W, ∂L/∂W, W_new).
"""

MAX_JSON_BYTES = 64 * 2**20
"""Largest network, hand-derived or parameter file read without ``--allow-large`` (64 MiB)."""

MAX_JSON_DEPTH = 100
"""Deepest nesting of JSON arrays and objects read at all (the files need 4 levels)."""

MAX_PARAMETERS = 10**6
"""Most parameters (weights and biases) a saved model may have without ``allow_large``."""

MAX_EXPLAIN_STEPS = 1000
"""Most gradient-descent steps ``backprop explain`` (or a --check file's "step") runs."""

MEMORY_BUDGET = 2 * 2**30
"""Largest memory estimate (2 GiB) a command starts on without ``--allow-large``."""

BYTES_PER_PARAMETER = 300
BYTES_PER_PARAMETER_AND_SAMPLE = 120
BYTES_PER_SAMPLE = 250   # one row of a toy dataset, its label and its shuffled copies
BYTES_PER_EXPLAINED_PARAMETER = 100   # W, ∂L/∂W and W_new kept as floats for every step


class TooLargeError(ValueError):
    """An input asks for more than a documented limit; the message names the limit."""


def parameter_count(sizes):
    """Σ_l n_l·(n_{l−1} + 1): the weights and biases of an MLP with layer ``sizes`` [n_0, …, n_L]."""
    return sum(n * (n_prev + 1) for n_prev, n in zip(sizes, sizes[1:]))


def training_memory(sizes, batch_size, samples):
    """Estimated bytes to build and train an MLP of ``sizes`` on ``samples`` samples,
    ``batch_size`` at a time (see the module docstring for the constants)."""
    p = parameter_count(sizes)
    return (p * BYTES_PER_PARAMETER + p * min(batch_size, samples) * BYTES_PER_PARAMETER_AND_SAMPLE
            + samples * BYTES_PER_SAMPLE)


def explain_memory(sizes, samples, steps):
    """Estimated bytes for ``backprop explain`` to keep ``steps`` derivations of an MLP of
    ``sizes`` on ``samples`` samples (one graph at a time, every step's numbers kept)."""
    p = parameter_count(sizes)
    return (p * BYTES_PER_PARAMETER + p * samples * BYTES_PER_PARAMETER_AND_SAMPLE
            + steps * p * BYTES_PER_EXPLAINED_PARAMETER)


def check_memory(estimate, what, override):
    """TooLargeError unless ``estimate`` bytes fit :data:`MEMORY_BUDGET`; ``what`` says
    what needs them, ``override`` how to go past the limit."""
    if estimate > MEMORY_BUDGET:
        raise TooLargeError(f"{what} needs about {_bytes(estimate)} of memory, more than the "
                            f"{_bytes(MEMORY_BUDGET)} limit; {override} goes past it")


def check_at_most(value, limit, what, override):
    """TooLargeError unless ``value`` <= ``limit``."""
    if value > limit:
        raise TooLargeError(f"{what} is {value}, more than the limit of {limit}; "
                            f"{override} goes past it")


def _bytes(n):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
