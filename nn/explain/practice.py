"""Practice grading: hand-derived files graded against the network each one holds or
names, with no teacher's key — what ``backprop grade FILE`` does without ``--keys``.

A practice file is any step document (:mod:`nn.schema`): ``explain --format json``
output, a hand-written subset, a version 1 file.  Its network is the one it holds
(``"network": {…}``, or the given tables of a complete version 1 file), a file or
example it names (``"network": "FILE"``, relative to the file's folder), or the one
the caller passes.  An exercise's answer file is refused here: it is graded against the
teacher's key (:mod:`nn.explain.class_grade`), never against a network it holds itself.
"""

import json
from pathlib import Path

from ..divergence import TrainingDiverged
from ..jsonfile import read_json
from ..limits import TooLargeError
from .class_grade import ClassResult, StudentResult
from .example_files import example
from .grade import grade
from .network_file import NetworkFileError, network_from_dict
from .policy import Policy
from .quantities import SubmissionError, current
from .steps import ExplainError, derive_steps

__all__ = ["PracticeError", "load_submission", "grade_practice"]


class PracticeError(ValueError):
    """A practice file that cannot be graded; the message is one line naming it."""


def _network_document(reference, base, shown):
    """(network dict, display name) of a string reference: a file relative to ``base``,
    or an example name."""
    path = Path(reference)
    candidate = path if path.is_absolute() else Path(base) / path
    if candidate.is_file():
        return read_json(candidate, "network file", PracticeError), str(candidate)
    stem = path.name[:-len(".json")] if path.name.endswith(".json") else path.name
    found = example(stem) if path.parent == Path(".") else None
    if found is None:
        raise PracticeError(f"{shown}: its network {reference!r} is neither a file next to it "
                            f"nor an example name (see `backprop examples`)")
    return json.loads(found.read_text(encoding="utf-8")), f"example {stem}"


def load_submission(path, network=None):
    """(submission dict with Decimal numbers, derivation) for the hand-derived file
    ``path``, graded against the network it holds or names, else ``network`` (a file or
    an example name); PracticeError names what is missing."""
    try:
        submission = current(read_json(path, "answer file", PracticeError, decimals=True))
    except SubmissionError as e:
        raise PracticeError(f"{path}: {e}") from None
    if "exercise" in submission:
        raise PracticeError(f"{path}: an answer file of an exercise is graded against the "
                            f"teacher's keys: backprop grade --keys CLASS_FOLDER {path}")
    named = submission.get("network", network)
    if named is None:
        raise PracticeError(f"{path}: the answer file names no network; add \"network\": "
                            f"\"FILE\" (or the network itself) or pass --network FILE")
    if isinstance(named, dict):
        spec, shown = named, f"{path}: network"
    elif isinstance(named, str):
        spec, shown = _network_document(named, Path(path).parent, path)
    else:
        raise PracticeError(f"{path}: \"network\" must be a file name or a network object, "
                            f"got {type(named).__name__}")
    try:
        model, X, Y, loss, lr = network_from_dict(json.loads(json.dumps(spec, default=float)),
                                                  source=shown)
    except NetworkFileError as e:
        raise PracticeError(str(e)) from None
    step = submission.get("step", 1)
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        step = 1   # the header check names the bad 'step'
    # The network a step document holds is the one its step starts from; a network it
    # names (or --network) is where step 1 starts.
    steps = 1 if isinstance(named, dict) else step
    try:
        d = derive_steps(model, X, Y, loss, lr, steps)[-1]
    except (ExplainError, TooLargeError, TrainingDiverged) as e:
        raise PracticeError(f"{path}: {e}") from None
    d.step = step
    return submission, d


def grade_practice(paths, network=None, policy=None, policy_source=None):
    """(:class:`~nn.explain.class_grade.ClassResult` of every file that could be graded,
    [(path, one-line reason)] of those that could not)."""
    policy = policy or Policy()
    results, failed = [], []
    for path in paths:
        try:
            submission, derivation = load_submission(path, network)
            found = grade(derivation, submission, policy=policy, source=str(path))
        except SubmissionError as e:
            failed.append((path, f"{path}: {e}"))
            continue
        except PracticeError as e:
            failed.append((path, str(e)))
            continue
        results.append(StudentResult(None, status="graded", total=found.total, grade=found,
                                     source=str(path)))
    return ClassResult(policy, results, policy_source=policy_source or "default",
                       checked_against_keys=False), failed
