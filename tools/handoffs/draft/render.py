"""Turn a CRM deal and verified candidates into a handoff file and a review summary.

The front matter is written by ``handoff new``'s own writer (one place knows the
format); the body lists, per section, the quoted sentences with their citations.
A section without evidence keeps an explicit ``<…>`` placeholder (``handoff check``
fails until a person fills it) or, with ``gaps="open"``, an open item owned by the
sales owner with a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handoffs.config import Config
from handoffs.draft.backends import Rejected
from handoffs.draft.crm import CrmDeal
from handoffs.draft.extract import (
    CUSTOM_TERMS,
    KEY_DATES,
    PROMISES,
    SECTIONS,
    STAKEHOLDERS,
    SUCCESS,
    Candidate,
)
from handoffs.reporters.markdown import cell
from handoffs.scaffold import NewOptions, create_handoff

EVIDENCE = "Evidence"
# Sections that a human must decide about even when evidence was found.
_DECISION_SECTIONS = (PROMISES, SUCCESS, CUSTOM_TERMS)


@dataclass(frozen=True)
class DraftOptions:
    handoff_type: str
    customer: str | None = None
    sales_owner: str | None = None
    sales_team: str | None = None
    receiving_owner: str | None = None
    receiving_team: str | None = None
    kickoff: dt.date | None = None
    milestone_title: str | None = None
    milestone_due: dt.date | None = None
    gaps: str = "placeholder"  # or "open"
    gap_due: dt.date | None = None
    stage_changed_at: str | None = None  # `handoff crm sync`: when the deal reached its trigger (ISO UTC)


@dataclass(frozen=True)
class Draft:
    path: Path
    deal: CrmDeal
    crm_name: str
    doc_names: tuple[str, ...]
    items: tuple[Candidate, ...]
    rejected: tuple[Rejected, ...] = ()
    gaps: tuple[str, ...] = field(default_factory=tuple)
    backend: str = "builtin"


def write_draft(
    root: Path,
    config: Config,
    *,
    deal: CrmDeal,
    crm_name: str,
    doc_names: Sequence[str],
    items: Sequence[Candidate],
    options: DraftOptions,
    opened: dt.date,
    out: Path | None = None,
) -> tuple[Path, tuple[str, ...]]:
    """Write the draft (never overwriting); return its path and the sections left as gaps."""
    new_options = NewOptions(
        customer=options.customer or deal.customer,
        type=options.handoff_type,
        title=deal.name,
        stage="closed-won" if deal.won else "advancing",
        sales_owner=options.sales_owner,
        sales_team=options.sales_team or _team_of(config, options.sales_owner),
        receiving_owner=options.receiving_owner,
        receiving_team=options.receiving_team or _team_of(config, options.receiving_owner),
        crm_system=deal.system,
        crm_id=deal.id,
        crm_url=deal.url,
        crm_stage_changed_at=options.stage_changed_at,
        kickoff=options.kickoff,
        milestone_title=options.milestone_title,
        milestone_due=options.milestone_due,
    )
    sections = [s for s in config.required_sections(options.handoff_type) if s != EVIDENCE]
    sections += [s for s in SECTIONS if s not in sections and any(i.section == s for i in items)]

    def gap_text(section: str) -> str:
        return _gap(section, options, opened)

    body, gaps = _body(sections, deal=deal, crm_name=crm_name, doc_names=doc_names, items=items, gap=gap_text)
    path = create_handoff(
        root,
        config,
        new_options,
        opened=opened,
        body=body,
        extra_front_matter=deal_block(deal),
        path=out,
    )
    return path, gaps


def _team_of(config: Config, handle: str | None) -> str | None:
    """The one team ``handle`` belongs to, from schema/teams.yaml (None if none or several)."""
    if not handle:
        return None
    teams = [name for name in config.teams if handle.casefold() in config.members(name)]
    return teams[0] if len(teams) == 1 else None


def deal_block(deal: CrmDeal) -> str:
    """The optional ``deal:`` front-matter block, with only what the CRM said."""
    values: list[tuple[str, str]] = []
    if deal.amount is not None:
        values.append(("amount", str(int(deal.amount)) if deal.amount.is_integer() else str(deal.amount)))
    if deal.currency:
        values.append(("currency", deal.currency))
    for key in ("close_date", "contract_start", "contract_end", "renewal_date"):
        value = getattr(deal, key)
        if value is not None:
            values.append((key, value.isoformat()))
    if not values:
        return ""
    return "deal:\n" + "".join(f"  {key}: {value}\n" for key, value in values)


# --- the body ---------------------------------------------------------------------------

HEADER = """<!-- Drafted by `handoff draft`: the tool prepares, people approve.
     Every item below is a sentence quoted as written, with the file and line it came from.
     Check each one against its source; reword it into a commitment only if it is one.
     Items marked "vague" or "custom term" need a human decision before approval.
     Fill every <…> placeholder: `handoff check` fails until they are all gone. -->
"""


def _body(
    sections: Sequence[str],
    *,
    deal: CrmDeal,
    crm_name: str,
    doc_names: Sequence[str],
    items: Sequence[Candidate],
    gap: Callable[[str], str],
) -> tuple[str, tuple[str, ...]]:
    parts = [HEADER]
    gaps: list[str] = []
    for section in sections:
        found = [i for i in items if i.section == section]
        lines = _section_lines(section, found, deal, crm_name)
        if not lines:
            gaps.append(section)
            lines = [gap(section)]
        parts.append(f"## {section}\n\n" + "\n".join(lines) + "\n")
    parts.append(f"## {EVIDENCE}\n\n" + "\n".join(_evidence(deal, crm_name, doc_names)) + "\n")
    return "\n".join(parts), tuple(gaps)


def _section_lines(section: str, found: Sequence[Candidate], deal: CrmDeal, crm_name: str) -> list[str]:
    lines: list[str] = []
    if section == STAKEHOLDERS and deal.contacts:
        lines += ["| Name | Title / role | Decision role | Source |", "|---|---|---|---|"]
        for contact in deal.contacts:
            role = contact.role.lower() if contact.role else "<decision role>"
            title = contact.title or "<job title>"
            lines.append(f"| {cell(contact.name)} | {cell(title)} | {cell(role)} | {cell(f'CRM: {crm_name}')} |")
        if found:
            lines.append("")
    if section == KEY_DATES:
        lines += _crm_dates(deal, crm_name)
    lines += [item_line(item) for item in found]
    return lines


def item_line(item: Candidate) -> str:
    """One bullet: the quote as written, its marks, then the citation (which must come last)."""
    marks = []
    if item.vague:
        marks.append("vague: needs a human decision")
    if item.categories:
        marks.append(f"custom term: {', '.join(item.categories)}")
    marked = f" [{'; '.join(marks)}]" if marks else ""
    return f"- {_quoted(item.quote)}{marked} (source: {item.citation})"


def _quoted(text: str) -> str:
    return f"“{text}”"


def _crm_dates(deal: CrmDeal, crm_name: str) -> list[str]:
    named = (
        ("Close date", deal.close_date),
        ("Contract start", deal.contract_start),
        ("Contract end", deal.contract_end),
        ("Renewal date", deal.renewal_date),
    )
    return [f"- {label}: {value.isoformat()} (source: CRM {crm_name})" for label, value in named if value]


def _gap(section: str, options: DraftOptions, opened: dt.date) -> str:
    if options.gaps == "open" and options.sales_owner:
        due = options.gap_due or opened + dt.timedelta(days=3)
        return (
            f"- Nothing found in the sources for {section.lower()} (open: {options.sales_owner} by {due.isoformat()})"
        )
    return (
        f"<Nothing found in the sources for {section.lower()}: "
        "write it from what you know, or mark it as an open item.>"
    )


def _evidence(deal: CrmDeal, crm_name: str, doc_names: Sequence[str]) -> list[str]:
    what = "opportunity" if deal.system == "salesforce" else "deal"
    link = f" {deal.url}" if deal.url else ""
    lines = [f"- CRM deal: {deal.system} {what} {deal.id}{link} (export: {crm_name})"]
    lines += [f"- Source document: {name}" for name in doc_names]
    return lines


# --- the review summary -------------------------------------------------------------------


def summary(draft: Draft, config: Config, root: Path) -> str:
    shown = draft.path.relative_to(root) if draft.path.is_relative_to(root) else draft.path
    out = [
        f"drafted {shown} from {draft.deal.shape} {draft.deal.id} and {len(draft.doc_names)} document(s) "
        f"(backend: {draft.backend})",
        "",
        "found per section:",
    ]
    for section in SECTIONS:
        count = sum(1 for i in draft.items if i.section == section)
        extra = (
            f" + {len(draft.deal.contacts)} CRM contact(s)" if section == STAKEHOLDERS and draft.deal.contacts else ""
        )
        state = "MISSING (placeholder left)" if section in draft.gaps else f"{count} item(s){extra}"
        out.append(f"  {section:<28} {state}")
    decisions = [i for i in draft.items if i.categories or (i.vague and i.section in _DECISION_SECTIONS)]
    if decisions:
        out += ["", "needs a human decision:"]
        for item in decisions:
            out.append(f"  {item.citation}  {item.section}: {_why(item, config)}")
            out.append(f"      {_quoted(item.quote)}")
    if draft.rejected:
        out += ["", "dropped (not found verbatim at the cited line, so not written):"]
        for rejected in draft.rejected:
            out.append(f"  {rejected.citation}  {rejected.section}: {rejected.reason}: {_quoted(rejected.quote)}")
    out += [
        "",
        "next: check every quote against its source, fill every <…> placeholder (front matter too),",
        f"      then run `handoff check {shown}`",
    ]
    return "\n".join(out)


def _why(item: Candidate, config: Config) -> str:
    reasons = []
    for name in item.categories:
        category = next(c for c in config.categories if c.name == name)
        reasons.append(f"custom term ({name}; reviewers: {', '.join(category.reviewers)})")
    if item.vague:
        reasons.append(f"vague ({', '.join(item.vague)}): not a commitment until a person makes it one")
    return "; ".join(reasons)
