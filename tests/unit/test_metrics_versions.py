"""Reading a version by reparsing only what changed gives exactly the facts of a full read."""

from __future__ import annotations

import pytest

from handoffs.config import load_config
from handoffs.document.body import Body, parse_body
from handoffs.metrics import versions
from handoffs.metrics.facts import read_facts
from handoffs.metrics.versions import Reading, read_version
from tests.factories import BODY, FRONT_MATTER, PROJECT, handoff_text

SCOPE = load_config(PROJECT).sections.scope

BASE = handoff_text()
PROMISE = "- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)\n"
EXCLUSION = "- No migration of historical discharge summaries before 2026 (source: order form §2.4)\n"
REPEAT = 'context_repeats:\n  - date: 2026-11-02\n    note: asked again\n    reported_by: "@raj-impl"\n'

# Each edit turns the base text into a later version; several change what the Markdown
# around the edit means, which a reparse that started too late would get wrong.
EDITS = {
    "notes appended": BASE + "\nMore notes.\n",
    "promise added": BASE.replace(PROMISE, PROMISE + "- Weekly status call (source: call notes)\n"),
    "promise reworded": BASE.replace("Two remote", "Three remote"),
    "exclusion removed": BASE.replace(EXCLUSION, ""),
    "fence swallows later sections": BASE.replace("## Exclusions\n", "```\n## Exclusions\n"),
    "fence opened right after a heading": BASE.replace("## Promised scope\n", "## Promised scope\n```\n"),
    "heading turned into a table": BASE.replace("## Promised scope\n\n", "## Promised scope | x\n--- | ---\n"),
    "heading renamed": BASE.replace("## Exclusions", "## Out of scope"),
    "heading removed": BASE.replace("## Custom terms\n", "Custom terms\n"),
    "section added": BASE.replace("## Custom terms", "## Exclusions\n\n- Second list (source: x)\n\n## Custom terms"),
    "h1 inserted": BASE.replace("## Custom terms", "# Appendix\n\n- loose item\n\n## Custom terms"),
    "list continued into a section": BASE.replace("\n## Exclusions", "    continued line\n## Exclusions"),
    "setext heading": BASE.replace("## Open risks\n", "Open risks\n---\n"),
    "html block opened": BASE.replace("## Exclusions\n", "<div>\n## Exclusions\n"),
    "status completed": BASE.replace("status: proposed", "status: completed"),
    "front matter grows": BASE.replace("status: proposed\n", "status: proposed\n" + REPEAT),
    "front matter broken": BASE.replace("kickoff: 2026-12-01", "kickoff: [2026"),
    "front matter removed": BODY,
    "carriage returns": BASE.replace("\n", "\r\n"),
    "lone carriage return": BASE.replace("## Exclusions\n", "## Exclusions\r"),
    "identical": BASE,
    "emptied": "",
}


def _reading(text: str) -> Reading | None:
    return read_version(text.encode("utf-8"), None, SCOPE)[1]


@pytest.mark.parametrize("name", sorted(EDITS))
def test_reparse_of_a_later_version_equals_a_full_read(name: str) -> None:
    new = EDITS[name].encode("utf-8")
    facts, _ = read_version(new, _reading(BASE), SCOPE)
    assert facts == read_facts(new, SCOPE)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_chain_of_versions_reads_like_each_version_alone(name: str) -> None:
    """Edit after edit, each version built on the previous reading (as history is read)."""
    reading = _reading(BASE)
    for text in (EDITS[name], EDITS["promise added"], EDITS[name], BASE):
        facts, next_reading = read_version(text.encode("utf-8"), reading, SCOPE)
        assert facts == read_facts(text.encode("utf-8"), SCOPE)
        reading = next_reading or reading


def test_the_reparse_sees_the_change() -> None:
    """Not vacuous: the edits change the facts the metrics count."""
    facts, _ = read_version(EDITS["promise added"].encode("utf-8"), _reading(BASE), SCOPE)
    assert dict(facts.scope)["Promised scope"] != dict(read_facts(BASE.encode("utf-8"), SCOPE).scope)["Promised scope"]
    assert (
        dict(read_version(EDITS["fence swallows later sections"].encode(), _reading(BASE), SCOPE)[0].scope).get(
            "Exclusions"
        )
        is None
    )
    assert FRONT_MATTER in BASE


def test_only_the_text_from_the_changed_section_on_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the reader: a note appended at the end reparses the last section only."""
    parsed: list[str] = []
    real = parse_body

    def recording(text: str, first_line: int, last_line: int) -> Body:
        parsed.append(text)
        return real(text, first_line, last_line)

    reading = _reading(BASE)
    monkeypatch.setattr(versions, "parse_body", recording)
    facts, _ = read_version(EDITS["notes appended"].encode("utf-8"), reading, SCOPE)
    assert parsed == [
        "## Evidence\n\n- CRM deal: https://example.my.salesforce.com/006Hs00001NWHEAL\n"
        "- Order form: evidence/northwind/order-form.pdf\n\nMore notes.\n"
    ]
    assert facts == read_facts(EDITS["notes appended"].encode("utf-8"), SCOPE)
