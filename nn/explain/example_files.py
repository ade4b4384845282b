"""The example files shipped in ``nn/examples``: the lecture notes' networks and the
hand-derived answers that go with them, named by their file name without ``.json``, and
``documents.json``, which says what the documents the examples come from are."""

import json
from importlib import resources

__all__ = ["DOCUMENTS", "example", "examples", "documents"]

DOCUMENTS = "documents.json"
"""The file in nn/examples that says what the documents the examples come from are."""


def _folder():
    return resources.files("nn").joinpath("examples")


def example(name):
    """The shipped example called ``name`` (a Traversable), or None."""
    entry = _folder().joinpath(f"{name}.json")
    return entry if name != DOCUMENTS[:-len(".json")] and entry.is_file() else None


def examples(kind):
    """{name: (Traversable, parsed JSON)} of the shipped examples of ``kind``: "network"
    files (they have "weights") or "hand-derived" ones, in name order."""
    found = {}
    for entry in _folder().iterdir():
        if entry.name.endswith(".json") and entry.name != DOCUMENTS:
            document = json.loads(entry.read_text(encoding="utf-8"))
            if ("weights" in document) == (kind == "network"):
                found[entry.name[:-len(".json")]] = (entry, document)
    return dict(sorted(found.items()))


def documents():
    """The documents the examples come from: a list of {"name", "title", "summary",
    "what", "examples"}."""
    entry = _folder().joinpath(DOCUMENTS)
    return json.loads(entry.read_text(encoding="utf-8"))["documents"]
