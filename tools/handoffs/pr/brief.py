"""The brief: the one pull-request comment a reviewer reads before approving.

It is rebuilt from scratch on every run and found again by its hidden marker,
so the pull request keeps exactly one, always current.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from handoffs import github
from handoffs.config import SectionRoles
from handoffs.document.body import Item
from handoffs.document.handoff import Handoff
from handoffs.findings import CheckResult, FileResult, Severity
from handoffs.reporters import markdown
from handoffs.reporters.markdown import cell

MARKER = "<!-- handoff-brief -->"
HANDOFF_LABEL = "handoff"
SCOPE_LABEL = "scope-change"
BLOCKED_LABEL = "blocked"
TERMS_PREFIX = "custom-terms:"
CUT_NOTE = "\n…the brief is too long for one comment; the full version is in the PR check's job summary.\n"


@dataclass(frozen=True)
class BriefEntry:
    """One changed handoff: its document (if readable), its result, and what changed in scope."""

    path: str
    doc: Handoff | None
    result: FileResult
    scope_changes: tuple[str, ...]
    removed: bool = False


def wanted_labels(entries: Sequence[BriefEntry], blocked: bool) -> set[str]:
    """The labels the pull request should carry now."""
    if not entries:
        return {BLOCKED_LABEL} if blocked else set()
    labels = {HANDOFF_LABEL}
    labels |= {
        f"{TERMS_PREFIX}{f.category}" for e in entries for f in e.result.findings if f.category and f.code == "HO600"
    }
    if any(e.scope_changes for e in entries):
        labels.add(SCOPE_LABEL)
    if blocked:
        labels.add(BLOCKED_LABEL)
    return labels


def is_managed(label: str) -> bool:
    """Labels this tool owns (and may remove when they stop applying)."""
    return label in (HANDOFF_LABEL, SCOPE_LABEL, BLOCKED_LABEL) or label.startswith(TERMS_PREFIX)


def render(
    entries: Sequence[BriefEntry],
    codeowners_problem: str | None,
    preview_url: str | None = None,
    earlier_approvals: Sequence[str] = (),
    *,
    sections: SectionRoles,
    mapping_problem: str | None = None,
) -> str:
    out = [MARKER, "# Handoff brief", ""]
    if preview_url:
        # The preview job of the same workflow run uploads the built site as an artifact.
        out += [f"🔎 **Site preview:** the `site-preview` artifact of [this run]({preview_url}#artifacts).", ""]
    if not entries:
        out += ["This pull request changes no handoff file.", ""]
    for entry in entries:
        out += _entry(entry, sections)
    if earlier_approvals:
        # What the joint approval counts of approvals given before the latest push (same change: they carry over).
        out += ["## Approvals of earlier commits", "", *(f"- {cell(line)}" for line in earlier_approvals), ""]
    if codeowners_problem:
        first = codeowners_problem.splitlines()[0]
        out += ["## ❌ CODEOWNERS", "", first, ""]
    if mapping_problem:  # schema/crm.yaml, as `handoff crm` would load it
        out += ["## ❌ CRM mapping", "", cell(mapping_problem), ""]
    result = CheckResult(tuple(e.result for e in entries if not e.removed))
    if result.files:
        buffer = io.StringIO()
        markdown.render(result, buffer)
        out += [buffer.getvalue().replace("## Handoff check", "## Check results", 1)]
    out += ["<sub>Kept up to date by `handoff pr-check` on every push; do not edit.</sub>"]
    return "\n".join(out).rstrip() + "\n"


def fit_comment(text: str) -> str:
    """The brief as one comment (``github.COMMENT_LIMIT``), whole lines kept; the job summary keeps the full brief."""
    return github.fit_comment(text.removesuffix("\n").split("\n"), lambda _: CUT_NOTE)


def _entry(entry: BriefEntry, sections: SectionRoles) -> list[str]:
    if entry.removed:
        return [f"## `{cell(entry.path)}` (removed)", "", "This pull request deletes the handoff.", ""]
    doc = entry.doc
    front = doc.front if doc else None
    title = f"{front.customer} — {front.type}" if front else entry.path
    out = [f"## {cell(title)}", "", f"`{cell(entry.path)}`", ""]
    if front is not None:
        out += [
            f"**Sales owner** `{front.from_.owner}` ({cell(front.from_.team)}) → "
            f"**receiving owner** `{front.to.owner}` ({cell(front.to.team)}) · "
            f"kickoff {front.kickoff} · status `{front.status}`",
            "",
        ]
    if entry.scope_changes:
        out += [f"**🔁 Scope change** to an approved handoff: {', '.join(entry.scope_changes)}.", ""]
    if doc is not None:
        out += _paragraphs(doc, sections.goal)
        out += _promises(doc, sections)
        out += _flags(entry.result, sections.custom_terms)
        out += _bullets(doc, sections.open_risks)
    if front is not None:
        fm = front.first_milestone
        out += ["### First milestone", "", f"{cell(fm.title)} — `{fm.owner}`, due {fm.due}", ""]
    return out


def _texts(doc: Handoff, name: str) -> list[str]:
    section = doc.body.section(name)
    if section is None:
        return []
    entries = [e.full_text if isinstance(e, Item) else e.text for e in section.entries]
    return entries or [p.text for p in section.paragraphs]


def _paragraphs(doc: Handoff, name: str) -> list[str]:
    texts = _texts(doc, name)
    return [f"### {name}", "", *(cell(t) for t in texts), ""] if texts else [f"### {name}", "", "_missing_", ""]


def _bullets(doc: Handoff, name: str) -> list[str]:
    texts = _texts(doc, name)
    return [f"### {name}", "", *(f"- {cell(t)}" for t in texts or ["_missing_"]), ""]


def _promises(doc: Handoff, sections: SectionRoles) -> list[str]:
    """Promises next to exclusions, so the boundary is visible in one table."""
    promises, excluded = _texts(doc, sections.promised_scope), _texts(doc, sections.exclusions)
    rows = max(len(promises), len(excluded))
    exclusions = sections.exclusions[:1].lower() + sections.exclusions[1:]
    out = [f"### {sections.promised_scope} and {exclusions}", "", "| Promised | Excluded |", "|---|---|"]
    for i in range(rows):
        left = cell(promises[i]) if i < len(promises) else ""
        right = cell(excluded[i]) if i < len(excluded) else ""
        out.append(f"| {left} | {right} |")
    if rows == 0:
        out.append("| _none_ | _none_ |")
    return [*out, ""]


def _flags(result: FileResult, custom_terms: str) -> list[str]:
    """Which categories need a reviewer (their lines are in the check results below)."""
    flags = [f for f in result.findings if f.severity is Severity.FLAG and f.category]
    if not flags:
        return [f"### {custom_terms}", "", "No custom-term language flagged.", ""]
    reviewers = {f.category: ", ".join(f.reviewers) for f in flags if f.category}
    lines = [f"- **{cell(c)}** → review by {cell(r)}" for c, r in sorted(reviewers.items())]
    return [
        "### Custom-term reviewers needed",
        "",
        *lines,
        "",
        "Each flagged line is listed under *Check results*.",
        "",
    ]
