"""One gradient-descent step of an MLP, laid out as the tables a hand derivation writes.

- :mod:`nn.explain.derivation` computes them with the engine (Z^[l], A^[l], δ^[l],
  ∂L/∂W^[l], ∂L/∂b^[l], the update);
- :mod:`nn.explain.inputs` checks what it is given (samples, targets, loss, learning rate);
- :mod:`nn.explain.schema` states their JSON layout once, for the writer, renderer and grader;
- :mod:`nn.explain.render` prints them as text, Markdown, LaTeX or JSON;
- :mod:`nn.explain.check` compares a hand derivation with them, entry by entry;
- :mod:`nn.explain.network_file` reads the network files the ``backprop`` command takes.
"""

from .derivation import (FORMAT, LAYER_KEYS, TOP_KEYS, VERSION, Derivation, LayerDerivation,
                         as_batch, explain_step, explain_steps)

__all__ = ["Derivation", "LayerDerivation", "explain_step", "explain_steps", "as_batch",
           "FORMAT", "VERSION", "LAYER_KEYS", "TOP_KEYS"]
