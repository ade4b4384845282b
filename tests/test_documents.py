"""The two documents the project cites, for a reader who has never seen them: the README
says what each is where it first names it, ``backprop examples`` prints the same with the
examples taken from each, and nothing a user reads calls them by the project's internal
name for them.  The README's `backprop explain` excerpt is what the command prints."""

import json
import re
from pathlib import Path

import pytest

from nn.cli.main import build_parser, documents, main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = REPO / "nn" / "examples"

NAMES = {"the lecture notes": "lecture notes",
         "the saturated 1-1-1 sigmoid question": "saturated 1-1-1 sigmoid question"}
# What a reader needs to follow every later reference: the notes' notation and their two
# networks; the question's network, its z = 50 and what it asks; the answer's slips.
FACTS = {
    "the lecture notes": ["Z^[l] = W^[l] A^[l−1] + b^[l]", "A^[l] = f(Z^[l])",
                          "δ^[l] = (W^[l+1])ᵀ δ^[l+1] ⊙ f′(Z^[l])", "n_l × n_{l−1}",
                          "2-1-1", "2-2-2-1", "x = (0.5, 1.0), y = 1", "α = 0.1",
                          "second iteration"],
    "the saturated 1-1-1 sigmoid question": ["C = (a − y)²", "w = 0.8", "62.5", "z = 50",
                                             "y = 0", "why ∂C/∂w", "saturated", "x = 2",
                                             "θ + η∇C"],
}
# The project's internal word for the two documents, which no user should meet.
INTERNAL_NAME = re.compile(r"\b(?:the|two|both|these|our) seeds?\b(?!\s*[=(])|\bseeds\b"
                           r"|\bseed (?:documents?|texts?|files?|says)\b", re.I)


def flat(text):
    return " ".join(text.split())


@pytest.mark.parametrize("name", NAMES)
def test_the_readme_says_what_each_document_is_where_it_first_names_it(name):
    first = README.lower().index(NAMES[name].lower())
    # The first mention is the bold start of the bullet that describes the document.
    bullet_start = README.rindex("\n- **", 0, first) + 1
    assert README[bullet_start:first + len(NAMES[name])].lower() == f"- **{name}".lower()
    bullet = flat(README[bullet_start:README.index("\n\n", bullet_start)])
    for fact in FACTS[name]:
        assert fact in bullet, fact
    assert "neither ships with the library" in README[:first]
    assert first < README.index("## Quick start")


@pytest.mark.parametrize("name", NAMES)
def test_the_shipped_description_of_each_document_holds_the_same_facts(name):
    (document,) = [d for d in documents() if d["name"] == name]
    for fact in FACTS[name]:
        assert fact in document["what"], fact
    assert document["title"] and document["summary"]
    assert len(re.findall(r"[.!?](?:\s|$)", document["what"])) <= 2   # one or two sentences


def test_backprop_examples_shows_what_the_documents_are_and_which_examples_they_gave(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The examples come from two documents, which do not ship with "
                          "backproplab:")
    shipped = {p.stem for p in EXAMPLES.glob("*.json")} - {"documents"}
    listed = []
    for document in documents():
        assert f"  {document['name']} (“{document['title']}”)" in out
        assert flat(document["what"]) in flat(out)
        assert f"examples: {', '.join(document['examples'])}" in flat(out)
        listed += document["examples"]
    assert sorted(listed) == sorted(shipped)                  # each example, exactly once
    assert out.index("examples: saturated_111") < out.index("Example networks")


def test_explain_help_says_where_the_examples_come_from(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    out = flat(capsys.readouterr().out)
    for document in documents():
        assert f"{document['name']}: {document['summary']}." in out
    assert "optionally lr" in out and "a class index counts from 0" in out


def user_facing_texts():
    """(where, text) for everything a user reads: the README, the shipped examples, the
    command's help, the notebooks' prose."""
    yield "README.md", README
    for path in sorted(EXAMPLES.glob("*.json")):
        yield path.name, path.read_text(encoding="utf-8")
    parser = build_parser()
    yield "backprop --help", parser.format_help()
    for action in parser._actions:
        for name, sub in (getattr(action, "choices", None) or {}).items():
            if hasattr(sub, "format_help"):
                yield f"backprop {name} --help", sub.format_help()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path.name, "\n".join("".join(c["source"]) for c in cells
                                   if c["cell_type"] == "markdown")


def test_nothing_a_user_reads_calls_the_documents_by_an_internal_name():
    for where, text in user_facing_texts():
        found = INTERNAL_NAME.findall(text)
        assert not found, (where, found)
    assert INTERNAL_NAME.search("the seed only says η ∈ [0, 1]")      # the pattern bites
    assert not INTERNAL_NAME.search("random.seed(1337); fit(..., seed=0); the course seed")


def test_the_readme_explain_excerpt_is_what_the_command_prints(capsys):
    section = README[README.index("### The lecture notes' walkthrough, every number"):]
    start = section.index("```text\n") + len("```text\n")
    excerpt = section[start:section.index("\n```", start)]
    assert main(["explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    position = 0
    for line in excerpt.splitlines():
        if line == "…":
            continue
        position = out.index(line, position) + 1   # in the command's order
    assert "Y (targets)" in excerpt


def test_the_readme_states_the_contracts_a_newcomer_guesses_at():
    text = flat(README)
    assert "called on each mini-batch as `loss(predictions, targets)`" in text
    assert "returns one `Value`, the batch mean" in text
    assert "a class index counted from 0" in text and "a class index counts from 0" in text
    assert "optionally, `lr`: without a learning rate there is no update" in text
