"""Where the file lives: ``handoffs/<customer-slug>/<YYYY-MM-DD>-<type>.md`` is its id."""

from __future__ import annotations

import datetime as dt

from handoffs.document.handoff import ID_PATTERN, Handoff
from handoffs.findings import FindingSink
from handoffs.rules.context import RuleContext


def expected_path(handoffs_dir: str) -> str:
    return (
        f"{handoffs_dir}/<customer-slug>/<YYYY-MM-DD>-<type>.md, "
        f"e.g. {handoffs_dir}/acme-corp/2026-11-23-implementation.md"
    )


def check_location(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    rel, folder = doc.relative_path, doc.handoffs_dir
    if rel is None or doc.under_handoffs is None:
        sink.add(
            "HO200",
            1,
            f"handoff files live under {folder}/ in the repository: expected {expected_path(folder)}",
        )
        return
    handoff_id = doc.handoff_id or ""
    match = ID_PATTERN.match(handoff_id) if rel.suffix == ".md" else None
    if match is None:
        sink.add(
            "HO201",
            1,
            f"`{rel}` is not a valid handoff path: expected {expected_path(folder)} (lowercase, hyphens)",
        )
        return
    try:
        dt.date.fromisoformat(match.group("date"))
    except ValueError:
        sink.add("HO201", 1, f"the date in the file name, {match.group('date')}, is not a real date")
    written = doc.fields.type  # valid by itself, whatever else is wrong
    if written is not None and match.group("type") != written:
        sink.add(
            "HO202",
            doc.line_of("type"),
            f"the file name says type `{match.group('type')}` but the front matter says `{written}`; make them match",
        )
