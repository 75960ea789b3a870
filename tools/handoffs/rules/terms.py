"""Custom-term language: flagged for its category's reviewers, and never hidden behind `None.`"""

from __future__ import annotations

from handoffs.config import Config
from handoffs.document.body import section_key
from handoffs.document.handoff import Handoff
from handoffs.document.source import as_written
from handoffs.findings import TermHit
from handoffs.rules.context import RuleContext
from handoffs.rules.sink import FindingSink


def find_term_hits(doc: Handoff, config: Config) -> list[TermHit]:
    """One hit per (line, category): a line may hit several categories.

    The engine calls this once per check and carries the hits in its ``FileResult``;
    only a document read as data, never checked (a pull request's head, by the approval
    command), is matched here directly.
    """
    hits: list[TermHit] = []
    candidates = doc.lines_matching(config.any_term_pattern)
    if not candidates:
        return hits
    skipped = {section_key(name) for name in config.terms.skip_sections}
    skipped_lines = {n for s in doc.body.sections if s.key in skipped for n in range(s.line, s.end + 1)}
    headings = {s.line: s.title for s in doc.body.sections}
    for number in candidates:
        if number < doc.body_line or number in skipped_lines or number in headings:
            continue
        text = doc.matching_lines[number - 1]
        current = _section_title_at(doc, number)
        for category in config.categories:
            match = category.pattern.search(text)
            if match:
                written = as_written(doc.source.lines[number - 1], match.start(), match.end(), match.group(0))
                hits.append(TermHit(number, match.start() + 1, category.name, category.reviewers, written, current))
    return hits


def _section_title_at(doc: Handoff, line: int) -> str | None:
    return next((s.title for s in doc.body.sections if s.line <= line <= s.end), None)


def check_custom_terms(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> list[TermHit]:
    """Flag every hit (HO600) and each one a `None.` would hide (HO304); the hits are returned
    so that nobody has to match them again."""
    hits = find_term_hits(doc, ctx.config)
    for hit in hits:
        sink.add(
            "HO600",
            hit.line,
            f"custom term ({hit.category}): `{hit.text}` needs review by {', '.join(hit.reviewers)}",
            column=hit.column,
            section=hit.section,
            category=hit.category,
            reviewers=hit.reviewers,
        )
    custom = doc.body.section("Custom terms")
    if custom is None or not custom.is_none():
        return hits
    for hit in hits:
        sink.add(
            "HO304",
            hit.line,
            f"`## Custom terms` says None., but this line has {hit.category} language (`{hit.text}`): "
            "list the term under Custom terms with its source",
            column=hit.column,
            section=hit.section,
            category=hit.category,
            reviewers=hit.reviewers,
        )
    return hits
