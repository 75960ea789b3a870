"""Custom-term language: flagged for its category's reviewers, and never hidden behind `None.`

Which words are a custom term is the detector's decision (``handoffs.custom_terms``, the
one every consumer asks); this module places its detections in a document (line,
column, section) and adds the fallback that sends an unrecognised `## Custom terms`
entry to the `unmatched` reviewers rather than to no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from handoffs.config import Config
from handoffs.document.blocks import Item, Paragraph, Row, Section, section_key
from handoffs.document.handoff import Handoff
from handoffs.document.source import as_written
from handoffs.findings import FindingSink, TermHit
from handoffs.rules.context import RuleContext

_SHOWN = 80  # characters of an unrecognised entry quoted in its flag
# "(source: order form §5)" says where an entry comes from, not what it is.
_TRAILING_SOURCE = re.compile(r"\s*\(\s*source\s*:[^()]*\)\W*$", re.IGNORECASE)


def find_term_hits(doc: Handoff, config: Config) -> list[TermHit]:
    """One hit per (line, category): a line may hit several categories.

    Lines in `skip_sections` are not read.  An entry (list item, table row or paragraph)
    of an `unmatched.sections` section in which no category's words occur, and which does
    not just say there is nothing custom, is a hit of the fallback category.

    The engine calls this once per check and carries the hits in its ``FileResult``;
    only a document read as data, never checked (a pull request's head, by the approval
    command), is matched here directly.
    """
    skipped = {section_key(name) for name in config.terms.skip_sections}
    recognised: set[int] = set()  # lines where some category's words occur, flagged or not
    hits = list(_detected(doc, config, skipped, recognised))
    hits.extend(_unrecognised(doc, config, skipped, recognised))
    return hits


def _detected(doc: Handoff, config: Config, skipped: set[str], recognised: set[int]) -> Iterator[TermHit]:
    # The body's lines only: front-matter values are not terms (and a match there that ran on
    # into the body would hide one that starts in it).
    candidates = doc.lines_matching(config.any_term_pattern, from_line=doc.body_line)
    if not candidates:
        return
    explain = config.term_detector.explain
    sections, lines, matching = doc.body.sections, doc.source.lines, doc.matching_lines
    for number in candidates:
        section = _section_at(sections, number)
        if section is not None and (section.key in skipped or section.line == number):
            continue  # an excluded section, or a heading
        explained = explain(matching[number - 1])
        if not explained:
            continue
        recognised.add(number)
        title = section.title if section is not None else None
        for found in explained:
            if found.flagged:
                written = as_written(lines[number - 1], found.start, found.end, found.text)
                category = found.category
                yield TermHit(
                    number, found.start + 1, category.name, category.reviewers, written, title, found.not_custom
                )


def _section_at(sections: tuple[Section, ...], number: int) -> Section | None:
    """The first section whose lines include line ``number``."""
    for section in sections:
        if section.line <= number <= section.end:
            return section
    return None


def _unrecognised(doc: Handoff, config: Config, skipped: set[str], recognised: set[int]) -> Iterator[TermHit]:
    wanted = {section_key(name) for name in config.terms.unmatched.sections} - skipped
    detector = config.term_detector
    for section in doc.body.sections:
        if section.key not in wanted or section.is_none():
            continue
        for first, last, entry in _entries(section):
            if not recognised.isdisjoint(range(first, (last or first) + 1)):
                continue  # a category recognised it, custom or not (most entries: their words are not needed)
            text = _TRAILING_SOURCE.sub("", entry.full_text if isinstance(entry, Item) else entry.text)
            # Read line by line above; an entry over several lines (or of unknown length) is read whole.
            if (last != first and detector.explain(text)) or detector.is_nothing_custom(text):
                continue
            shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
            fallback = config.unmatched_category
            yield TermHit(first, 1, fallback.name, fallback.reviewers, shown, section.title)


def _entries(section: Section) -> Iterator[tuple[int, int | None, Item | Row | Paragraph]]:
    """Each entry with its first and last line (None: not known): items, table rows, paragraphs."""
    for item in section.items:
        yield item.line, item.end_line, item
    for row in section.rows:
        yield row.line, row.line, row
    for paragraph in section.paragraphs:
        yield paragraph.line, None, paragraph


def check_custom_terms(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> list[TermHit]:
    """Flag every hit (HO600) and each one a `None.` would hide (HO304); the hits are returned
    so that nobody has to match them again."""
    hits = find_term_hits(doc, ctx.config)
    for hit in hits:
        reviewers = hit.reviewers
        if hit.category == ctx.config.unmatched_category.name:
            message = (
                f"custom term no category recognises ({hit.category}): `{hit.text}` "
                f"needs review by {', '.join(reviewers)}"
            )
        else:
            why = f" (flagged although {hit.not_custom})" if hit.not_custom else ""
            message = f"custom term ({hit.category}): `{hit.text}` needs review by {', '.join(reviewers)}{why}"
        sink.add(
            "HO600",
            hit.line,
            message,
            column=hit.column,
            section=hit.section,
            category=hit.category,
            reviewers=reviewers,
        )
    custom = doc.body.section(ctx.config.sections.custom_terms)  # whose `None.` a term contradicts (HO304)
    if custom is None or not custom.is_none():
        return hits
    for hit in hits:
        if hit.not_custom is not None:
            continue  # flagged only because a team wants standard terms seen; `None.` still holds
        sink.add(
            "HO304",
            hit.line,
            f"`## {ctx.config.sections.custom_terms}` says None., but this line has {hit.category} language "
            f"(`{hit.text}`): list the term under {ctx.config.sections.custom_terms} with its source",
            column=hit.column,
            section=hit.section,
            category=hit.category,
            reviewers=hit.reviewers,
        )
    return hits
