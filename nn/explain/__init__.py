"""One gradient-descent step of an MLP, laid out as the tables a hand derivation writes.

- :mod:`nn.explain.derivation` computes them with the engine (Z^[l], A^[l], δ^[l],
  ∂L/∂W^[l], ∂L/∂b^[l], the update);
- :mod:`nn.explain.inputs` checks what it is given (samples, targets, loss, learning rate);
- :mod:`nn.schema` states the one document format (network files, saved models, these
  tables, answer files, keys and grade reports), for every writer and reader;
- :mod:`nn.explain.quantities` names each entry and reads a hand-derived one;
- :mod:`nn.explain.render` prints them as text, Markdown, LaTeX or JSON;
- :mod:`nn.explain.check` compares a hand derivation with them, entry by entry;
- :mod:`nn.explain.network_file` reads the network files the ``backprop`` command takes;
- grading a class: :mod:`.exercise` draws per-student exercises, :mod:`.class_files` writes
  a class's folder and :mod:`.manifest` its record, :mod:`.roster` reads rosters,
  :mod:`.grade` judges one answer file number by number (:mod:`.policy`, :mod:`.own_values`,
  :mod:`.mistakes`), :mod:`.formula_questions` and :mod:`.formula_grade` ask and judge its
  formulas, :mod:`.class_grade` gives every roster student a result, and
  :mod:`.grade_report` renders it;
- what the class and its students read: :mod:`.marks` (points out of a maximum, weighted
  per quantity), :mod:`.feedback` (per student), :mod:`.class_summary`, rendered through
  :mod:`.document`; :mod:`.answer_check` (``backprop check-answers``, no key needed) and
  :mod:`.typed_numbers`; the worksheet's answer form (:mod:`.answer_page`) and PDF
  (:mod:`.latex_pdf`).  Exports into Canvas, Moodle, nbgrader, Gradescope and
  PrairieLearn are in :mod:`nn.lms`.
"""

from ..schema import FORMAT, LAYER_KEYS, TOP_KEYS, VERSION
from .derivation import Derivation, LayerDerivation, as_batch, explain_step, explain_steps

__all__ = ["Derivation", "LayerDerivation", "explain_step", "explain_steps", "as_batch",
           "FORMAT", "VERSION", "LAYER_KEYS", "TOP_KEYS"]
