"""``--format markdown``: the pull-request summary (job summary and PR comment)."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from handoffs.findings import CheckResult, Finding, Severity
from handoffs.reporters.text import summary_line

_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.FLAG: "🏷️"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no live HTML."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render(result: CheckResult, out: TextIO) -> None:
    out.write("## Handoff check\n\n")
    out.write(f"{summary_line(result)}\n\n")
    flags = [f for f in result.findings if f.severity is Severity.FLAG]
    problems = [f for f in result.findings if f.severity is not Severity.FLAG]
    if flags:
        out.write("### Custom terms to review\n\n| File | Line | Category | Reviewers | Term |\n")
        out.write("|---|---|---|---|---|\n")
        out.writelines(_flag_row(f) for f in flags)
        out.write("\n")
    if problems:
        out.write("### Findings\n\n")
        for path, findings in groupby(problems, key=lambda f: f.path):
            out.write(f"**`{cell(path)}`**\n\n| | Line | Code | Message |\n|---|---|---|---|\n")
            out.writelines(_row(f) for f in findings)
            out.write("\n")
    items = result.open_items()
    if items:
        out.write("### Open items\n\n| File | Line | Owner | Due | Item |\n|---|---|---|---|---|\n")
        for i in items:
            due = f"**{i.due} (overdue)**" if i.overdue else i.due
            out.write(f"| `{cell(i.path)}` | {i.line} | {i.owner} | {due} | {cell(i.text)} |\n")
        out.write("\n")


def _flag_row(f: Finding) -> str:
    reviewers = cell(", ".join(f.reviewers))
    return f"| `{cell(f.path)}` | {f.line} | {cell(f.category or '')} | {reviewers} | {cell(f.message)} |\n"


def _row(f: Finding) -> str:
    return f"| {_ICON[f.severity]} | {f.line} | `{f.code}` | {cell(f.message)} |\n"
