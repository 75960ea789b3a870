"""The built-in extractor: exact lines, verbatim quotes, transparent cues, vague marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import Config, load_config
from handoffs.draft.backends import verify
from handoffs.draft.extract import (
    CUSTOM_TERMS,
    EXCLUSIONS,
    PROMISES,
    RISKS,
    Candidate,
    SourceDoc,
    extract,
    locate,
    sentences,
)

PROJECT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(PROJECT)


def doc(text: str, name: str = "notes.md") -> SourceDoc:
    return SourceDoc(name, tuple(text.splitlines()))


def test_sentences_keep_their_exact_lines_across_wrapping_and_lists() -> None:
    source = doc(
        "# Title line is ignored as a topic\n"
        "\n"
        "First sentence here. Second one wraps\n"
        "onto the next line. Third is short.\n"
        "- A list item with enough words.\n"
        "- Another list item, e.g. with an abbreviation.\n"
        "```\n"
        "We will not be read inside code.\n"
        "```\n"
    )
    found = [(s.line, s.end_line, s.text) for s in sentences(source)]
    assert all(line != 1 for line, _, _ in found)  # a heading is context, not a sentence
    texts = [t for _, _, t in found]
    assert "Second one wraps onto the next line." in texts
    assert (3, 4, "Second one wraps onto the next line.") in found
    assert (6, 6, "Another list item, e.g. with an abbreviation.") in found
    assert not any("inside code" in t for t in texts)


def test_every_candidate_is_verbatim_at_its_line(config: Config) -> None:
    source = doc(
        "Out of scope:\n"
        "- Data migration is not included.\n"
        "\n"
        "We will deliver two training sessions. The customer gets a 10% discount\n"
        "on year one.\n"
    )
    items = extract([source], config)
    assert items
    for item in items:
        assert locate(source.lines, item.line, item.quote) == item.end_line


def test_heading_context_and_cues_classify(config: Config) -> None:
    source = doc(
        "## Out of scope\n"
        "\n"
        "- We will not build a mobile app.\n"
        "\n"
        "## Risks\n"
        "\n"
        "- Their IT team might not approve API access in time.\n"
        "\n"
        "## Scope\n"
        "\n"
        "- We will configure three workflows.\n"
        "- Payment terms are Net 60 from invoice.\n"
    )
    by_line: dict[int, set[str]] = {}
    for item in extract([source], config):
        by_line.setdefault(item.line, set()).add(item.section)
    assert EXCLUSIONS in by_line[3]
    assert PROMISES not in by_line[3]
    assert RISKS in by_line[7]
    assert PROMISES in by_line[11]
    assert CUSTOM_TERMS in by_line[12]


def test_custom_terms_carry_config_categories_but_boundaries_do_not(config: Config) -> None:
    source = doc("A 15% discount applies in year one.\n\nCustom development is out of scope.\n")
    items = extract([source], config)
    terms = [i for i in items if i.section == CUSTOM_TERMS]
    assert [(t.line, t.categories) for t in terms] == [(1, ("pricing",))]
    assert any(i.section == EXCLUSIONS and i.line == 3 for i in items)


def test_vague_sentences_are_marked_with_the_config_pattern(config: Config) -> None:
    source = doc("We will try to go live ASAP with best effort support.\n")
    promise = next(i for i in extract([source], config) if i.section == PROMISES)
    assert set(promise.vague) == {"try to", "asap", "best effort"}


def test_locate_rejects_paraphrase_wrong_line_and_cross_paragraph() -> None:
    lines = ("We will deliver two sessions.", "", "Another paragraph starts here.")
    assert locate(lines, 1, "We will deliver two sessions.") == 1
    assert locate(lines, 1, "We will deliver 2 sessions.") is None
    assert locate(lines, 3, "We will deliver two sessions.") is None
    assert locate(lines, 1, "sessions. Another paragraph") is None
    assert locate(lines, 99, "anything") is None
    assert locate(("a b", "c d"), 2, "b c") is None  # starts on line 1, not 2


def test_verify_drops_invented_quotes_and_unknown_files() -> None:
    source = doc("We will deliver two sessions.\n")
    good = Candidate(PROMISES, "We will deliver two sessions.", "notes.md", 1, 1)
    invented = Candidate(PROMISES, "We will deliver ten sessions.", "notes.md", 1, 1)
    elsewhere = Candidate(PROMISES, "We will deliver two sessions.", "other.md", 1, 1)
    result = verify([good, invented, elsewhere, good], [source])
    assert result.items == [good]
    assert [r.reason for r in result.rejected] == [
        "quote not found verbatim at that line",
        "cites a file that was not given",
    ]
