"""Custom-term language: flagged for its category's reviewers, and never hidden behind `None.`"""

from __future__ import annotations

from dataclasses import dataclass

from handoffs.config import Category
from handoffs.document.body import section_key
from handoffs.document.handoff import Handoff
from handoffs.document.source import as_written
from handoffs.rules.context import RuleContext
from handoffs.rules.sink import FindingSink


@dataclass(frozen=True, slots=True)
class TermHit:
    line: int
    column: int
    category: Category
    text: str
    section: str | None


def find_term_hits(doc: Handoff, ctx: RuleContext) -> list[TermHit]:
    """One hit per (line, category): a line may hit several categories."""
    hits: list[TermHit] = []
    candidates = doc.lines_matching(ctx.config.any_term_pattern)
    if not candidates:
        return hits
    skipped = {section_key(name) for name in ctx.config.terms.skip_sections}
    skipped_lines = {n for s in doc.body.sections if s.key in skipped for n in range(s.line, s.end + 1)}
    headings = {s.line: s.title for s in doc.body.sections}
    for number in candidates:
        if number < doc.body_line or number in skipped_lines or number in headings:
            continue
        text = doc.matching_lines[number - 1]
        current = _section_title_at(doc, number)
        for category in ctx.config.categories:
            match = category.pattern.search(text)
            if match:
                written = as_written(doc.source.lines[number - 1], match.start(), match.end(), match.group(0))
                hits.append(TermHit(number, match.start() + 1, category, written, current))
    return hits


def _section_title_at(doc: Handoff, line: int) -> str | None:
    return next((s.title for s in doc.body.sections if s.line <= line <= s.end), None)


def check_custom_terms(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    hits = find_term_hits(doc, ctx)
    for hit in hits:
        reviewers = hit.category.reviewers
        sink.add(
            "HO600",
            hit.line,
            f"custom term ({hit.category.name}): `{hit.text}` needs review by {', '.join(reviewers)}",
            column=hit.column,
            section=hit.section,
            category=hit.category.name,
            reviewers=reviewers,
        )
    custom = doc.body.section("Custom terms")
    if custom is None or not custom.is_none():
        return
    for hit in hits:
        sink.add(
            "HO304",
            hit.line,
            f"`## Custom terms` says None., but this line has {hit.category.name} language (`{hit.text}`): "
            "list the term under Custom terms with its source",
            column=hit.column,
            section=hit.section,
            category=hit.category.name,
            reviewers=hit.category.reviewers,
        )
