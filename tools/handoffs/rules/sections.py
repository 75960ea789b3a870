"""The body's sections: presence, content, placeholders, sources, open items, quality."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set

from handoffs import verdicts
from handoffs.document.body import Item, Row, Section, section_key
from handoffs.document.handoff import Handoff
from handoffs.document.markup import OpenTag, open_tags, placeholders_in_angles, source_of, strip_tags
from handoffs.document.source import as_written, for_matching
from handoffs.findings import FindingSink, OpenItem
from handoffs.matching import Pattern, bounded
from handoffs.rules.context import RuleContext

_SOURCE_SPAN = re.compile(r"\(\s*source\s*:[^)]*\)", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_DIGIT = re.compile(r"\d")


def check_sections(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> list[OpenItem]:
    config = ctx.config
    required = config.required_sections(doc.fields.type or "")
    _check_duplicates(doc, sink)
    # Where neither a placeholder nor vague wording occurs (most documents), one scan of the
    # document says so and neither needs a scan of its own.
    wording = doc.matches_anywhere(config.placeholder_or_vague_pattern)
    candidates = _placeholder_candidates(doc, ctx, scan=wording)
    for name in required:
        section = doc.body.section(name)
        if section is None:
            sink.add("HO300", doc.body_line, f"required section `## {name}` is missing", section=name)
        elif not section.has_content:
            sink.add("HO301", section.line, f"section `## {name}` is empty", section=name)
        elif candidates:  # most documents have no line worth a closer look
            _check_placeholders(doc, section, ctx, sink, candidates)
    _check_front_matter_placeholders(doc, ctx, sink, candidates)
    _check_sources(doc, ctx, sink)
    _check_quality(doc, ctx, sink, vague=wording)
    return _check_open_items(doc, ctx, sink)


def _check_duplicates(doc: Handoff, sink: FindingSink) -> None:
    seen: set[str] = set()
    for section in doc.body.sections:
        if section.key in seen:  # a second (third, …) section of that name
            sink.add(
                "HO307",
                section.line,
                f"`## {section.title}` appears more than once; only the first is checked and published",
                section=section.title,
            )
        seen.add(section.key)


def _candidates_in(doc: Handoff, section: Section, candidates: Set[int]) -> list[int]:
    """The candidate lines within ``section``, in order: the few lines worth a closer look."""
    last = min(section.end, len(doc.source.lines))
    return sorted(n for n in candidates if section.start <= n <= last)


def _placeholder_candidates(doc: Handoff, ctx: RuleContext, *, scan: bool) -> frozenset[int]:
    """Lines that may hold a placeholder: one scan of the document instead of one per line.

    ``scan`` is False when the document is known to have no placeholder word at all.
    """
    lines = set(doc.lines_matching(ctx.config.placeholder_pattern)) if scan else set()
    if ctx.config.rules.placeholders.angle_brackets and "<" in doc.source.text:
        lines.update(n for n, line in enumerate(doc.source.lines, start=1) if "<" in line)
    return frozenset(lines - doc.body.comment_lines)


def _check_placeholders(
    doc: Handoff, section: Section, ctx: RuleContext, sink: FindingSink, candidates: frozenset[int]
) -> None:
    pattern = ctx.config.placeholder_pattern
    angles = ctx.config.rules.placeholders.angle_brackets
    for number in _candidates_in(doc, section, candidates):
        line = doc.source.lines[number - 1]
        text = doc.matching_lines[number - 1]
        hits = [
            (m.start() + 1, as_written(line, m.start(), m.end(), m.group(0)))
            for m in bounded(pattern.finditer(text), text)
        ]
        if angles and "<" in line:
            hits += placeholders_in_angles(line)
        for column, text in sorted(hits):
            sink.add(
                "HO302",
                number,
                f"placeholder `{text}` in `## {section.title}`: replace it with the real content, or "
                "mark a known gap as (open: @owner by YYYY-MM-DD)",
                column=column,
                section=section.title,
            )


def _check_front_matter_placeholders(
    doc: Handoff, ctx: RuleContext, sink: FindingSink, candidates: frozenset[int]
) -> None:
    if not candidates:  # no line with a placeholder, so no value holds one
        return
    pattern = ctx.config.placeholder_pattern
    # A value already reported as invalid on its line needs no second message.
    reported = {f.line for f in sink.findings if f.code in ("HO115", "HO116", "HO117")}
    for loc, scalar in doc.yaml.scalars.items():
        line = doc.yaml.line_of(loc)
        if line in reported or line not in candidates:
            continue
        text = for_matching(scalar.text)
        hit = any(True for _ in bounded(pattern.finditer(text), text)) or (
            placeholders_in_angles(scalar.text) if ctx.config.rules.placeholders.angle_brackets else None
        )
        if hit:
            name = ".".join(str(p) for p in loc)
            sink.add("HO302", doc.yaml.line_of(loc), f"`{name}` is still a placeholder (`{scalar.text}`)")


def _check_sources(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    for name in ctx.config.rules.sourced_sections:
        section = doc.body.section(name)
        if section is None or section.is_none():
            continue
        for item in section.items:
            if source_of(item.text) is None and not open_tags(item.text):
                sink.add(
                    "HO303",
                    item.line,
                    f"this item in `## {section.title}` does not say where it comes from: end it with "
                    "(source: order form §4) or a link; without a source it is interpretation, not fact",
                    section=section.title,
                )


def _check_quality(doc: Handoff, ctx: RuleContext, sink: FindingSink, *, vague: bool) -> None:
    """``vague`` is False when the document is known to have no vague wording at all."""
    if vague:
        _check_vague_language(doc, ctx, sink)
    _check_success_criteria(doc, ctx, sink)
    exclusions = doc.body.section(ctx.config.sections.exclusions)
    if exclusions is not None and exclusions.is_none():
        sink.add(
            "HO502",
            exclusions.line,
            f"{ctx.config.sections.exclusions} says None.: a deal with no boundaries is rare; "
            "list what was explicitly not sold",
            section=exclusions.title,
        )
    stakeholders = doc.body.section(ctx.config.sections.stakeholders)
    if stakeholders is not None and stakeholders.has_content:
        # A table row and a list item are each one stakeholder: a table of people followed
        # by notes about them (as `handoff draft` writes it) is read whole.
        entries = [i.full_text for i in stakeholders.items] + [r.text for r in stakeholders.rows]
        entries += [p.text for p in stakeholders.paragraphs] if not entries else []
        if not any(_mentions(ctx.config.decision_role_pattern, text.casefold()) for text in entries):
            roles = ", ".join(ctx.config.rules.decision_roles)
            sink.add(
                "HO503",
                stakeholders.line,
                f"no stakeholder has a decision role; name who decides ({roles})",
                section=stakeholders.title,
            )


def _check_vague_language(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    candidates = set(doc.lines_matching(ctx.config.vague_pattern)) - doc.body.code_lines - doc.body.comment_lines
    if not candidates:
        return
    for name in ctx.config.vague.sections:
        section = doc.body.section(name)
        if section is None:
            continue
        for number in _candidates_in(doc, section, candidates):
            text = _SOURCE_SPAN.sub(lambda m: " " * len(m.group(0)), doc.matching_lines[number - 1])
            for match in bounded(ctx.config.vague_pattern.finditer(text), text):
                sink.add(
                    "HO500",
                    number,
                    f"vague wording `{match.group(0)}` in `## {section.title}`: say exactly what is "
                    "committed (a number, a date, a deliverable) or move it to Open risks; do not turn "
                    "vague sales notes into commitments",
                    column=match.start() + 1,
                    section=section.title,
                )


def _check_success_criteria(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    section = doc.body.section(ctx.config.sections.success_criteria)
    if section is None or section.is_none():
        return
    for entry in section.entries:
        text = entry.full_text if isinstance(entry, Item) else entry.text
        if open_tags(text):
            continue  # an honest, owned gap: reported as an open item instead
        missing = _unmeasurable(strip_tags(text), ctx)
        if missing:
            sink.add(
                "HO501",
                entry.line,
                f"this success criterion has no {missing}; make it measurable, e.g. "
                '"90% of agents active within 30 days of go-live"',
                section=section.title,
            )


def _mentions(pattern: Pattern, text: str) -> bool:
    return any(True for _ in bounded(pattern.finditer(text), text))


def _unmeasurable(text: str, ctx: RuleContext) -> str | None:
    timeframe = ctx.config.timeframe_pattern
    spans = list(timeframe.finditer(text))
    has_timeframe = bool(spans)
    # The target may itself look like a duration ("below 12 minutes by 2027-04-30"):
    # a number counts when it is left over after setting aside any *one* timeframe.
    remainders = [text[: m.start()] + " " + text[m.end() :] for m in spans] or [text]
    has_number = any(_DIGIT.search(_ISO_DATE.sub(" ", rest)) for rest in remainders)
    if not has_number and not has_timeframe:
        return "target number and no date or timeframe"
    if not has_number:
        return "target number"
    if not has_timeframe:
        return "date or timeframe"
    return None


def _check_open_items(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> list[OpenItem]:
    items: list[OpenItem] = []
    # The lines whose case-folded text has "open:".  Of the other characters only U+0149 folds
    # to one of o, p, e, n (to U+02BC U+006E, never after an e), so ASCII letters alone say which.
    lines = doc.lines_with_word("open:")
    if not lines:
        return items
    skipped = doc.body.code_lines | doc.body.comment_lines
    for number in lines:
        if number < doc.body_line or number in skipped:
            continue
        line = doc.source.lines[number - 1]
        for tag in open_tags(line):
            section = _section_at(doc, number)
            if not tag.valid:
                sink.add(
                    "HO305",
                    number,
                    f"`{tag.raw}` is not a valid open item: write (open: @owner by YYYY-MM-DD)",
                    column=tag.column,
                    section=section,
                )
                continue
            items.append(_open_item(ctx, sink, tag, number, section=section, line=line))
    return items


def _open_item(
    ctx: RuleContext, sink: FindingSink, tag: OpenTag, number: int, *, section: str | None, line: str
) -> OpenItem:
    owner, due = tag.owner or "", tag.due or ""
    try:
        overdue = verdicts.overdue(dt.date.fromisoformat(due), ctx.today)
    except ValueError:
        sink.add("HO305", number, f"the open item's date {due} is not a real date", section=section)
        overdue = False
    if overdue:
        sink.add(
            "HO306",
            number,
            f"open item owned by {owner} was due {due} and is still open: resolve it or agree a new date",
            section=section,
        )
    text = strip_tags(line.strip().lstrip("-*+0123456789.) ").strip())
    return OpenItem(sink.path, number, owner, due, text, section, overdue)


def _section_at(doc: Handoff, line: int) -> str | None:
    for section in doc.body.sections:
        if section.line <= line <= section.end:
            return section.title
    return None


def entry_text(entry: Item | Row) -> str:
    return entry.full_text if isinstance(entry, Item) else entry.text


__all__ = ["check_sections", "entry_text", "section_key"]
