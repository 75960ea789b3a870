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
    EXCLUSIONS,
    KEY_DATES,
    PROMISES,
    SECTIONS,
    STAKEHOLDERS,
    SUCCESS,
    Candidate,
)
from handoffs.draft.people import decision_role, name_key, roles_from_sentences
from handoffs.reporters.markdown import cell
from handoffs.scaffold import NewOptions, create_handoff

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

    def gap_text(section: str) -> str:
        return _gap(section, options, opened)

    body, gaps = _body(
        draft_sections(config, options.handoff_type, items),
        deal=deal,
        crm_name=crm_name,
        doc_names=doc_names,
        items=items,
        gap=gap_text,
        accepted=config.rules.decision_roles,
        evidence_section=config.sections.evidence,
    )
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


def draft_sections(config: Config, handoff_type: str, items: Sequence[Candidate]) -> list[tuple[str, str | None]]:
    """The draft's sections in order, as (name, role): the type's required sections as
    schema/types.yaml names them (a team's own section has no role and stays a gap), then
    any other drafting section that found something (e.g. key dates).  The evidence
    section is written last, from the sources."""
    names = [s for s in config.required_sections(handoff_type) if s != config.sections.evidence]
    out = [(name, config.sections.role_of(name)) for name in names]
    roles = {role for _, role in out}
    out += [(config.sections.name(r), r) for r in SECTIONS if r not in roles and any(i.section == r for i in items)]
    return out


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
    sections: Sequence[tuple[str, str | None]],
    *,
    deal: CrmDeal,
    crm_name: str,
    doc_names: Sequence[str],
    items: Sequence[Candidate],
    gap: Callable[[str], str],
    accepted: Sequence[str],
    evidence_section: str,
) -> tuple[str, tuple[str, ...]]:
    parts = [HEADER]
    gaps: list[str] = []
    for name, role in sections:
        found = [i for i in items if i.section == role]
        lines = _section_lines(role, found, deal, crm_name, accepted) if role else []
        if not lines:
            gaps.append(name)
            lines = [gap(name)]
        parts.append(f"## {name}\n\n" + "\n".join(lines) + "\n")
    parts.append(f"## {evidence_section}\n\n" + "\n".join(_evidence(deal, crm_name, doc_names)) + "\n")
    return "\n".join(parts), tuple(gaps)


def _section_lines(
    role: str, found: Sequence[Candidate], deal: CrmDeal, crm_name: str, accepted: Sequence[str]
) -> list[str]:
    if role == STAKEHOLDERS:
        return stakeholder_lines(found, deal, crm_name, accepted)
    lines: list[str] = []
    if role == KEY_DATES:
        lines += _crm_dates(deal, crm_name)
    lines += [item_line(item) for item in found]
    return lines


NOT_STATED = "not stated"


def stakeholder_lines(found: Sequence[Candidate], deal: CrmDeal, crm_name: str, accepted: Sequence[str]) -> list[str]:
    """One table row per person (CRM contact roles and people named in the documents,
    merged by name), decision roles in the words of `schema/rules.yaml`; then the
    sentences about people, quoted."""
    rows: dict[str, list[str]] = {}
    for contact in deal.contacts:
        role = decision_role(contact.role, accepted) if contact.role else ""
        rows.setdefault(name_key(contact.name), [contact.name, contact.title, role, f"CRM: {crm_name}"])
    for item in found:
        person = item.person
        if person is None:
            continue
        row = rows.get(name_key(person.name))
        if row is None:
            rows[name_key(person.name)] = [person.name, person.title, person.role, item.citation]
            continue
        row[1] = row[1] or person.title
        if row[2] not in accepted and person.role:
            row[2] = person.role
        row[3] += f"; {item.citation}"
    prose = [item for item in found if item.person is None]
    stated = roles_from_sentences([row[0] for row in rows.values()], prose, accepted)
    for index, row in enumerate(rows.values()):
        if index in stated and row[2] not in accepted:
            row[2] = stated[index]  # the CRM said "Business User"; the notes say she is the champion
    lines: list[str] = []
    if rows:
        lines += ["| Name | Title / role | Decision role | Source |", "|---|---|---|---|"]
        for name, title, role, source in rows.values():
            lines.append(
                f"| {cell(name)} | {cell(title or NOT_STATED)} | {cell(role or NOT_STATED)} | {cell(source)} |"
            )
    sentences = [item_line(item) for item in found if item.person is None]
    if lines and sentences:
        lines.append("")
    return lines + sentences


def item_line(item: Candidate) -> str:
    """One bullet: the quote as written, its marks, then the citation (which must come last)."""
    marks = []
    if item.vague:
        marks.append("vague: needs a human decision")
    if item.categories:
        marks.append(f"custom term: {', '.join(item.categories)}")
    if item.declined:
        marks.append("declined ask: confirm with the customer it stays out")
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
    """What the rep reads first: the decisions only a person can make, most important first,
    then what was found, merged and dropped."""
    shown = draft.path.relative_to(root) if draft.path.is_relative_to(root) else draft.path
    out = [
        f"drafted {shown} from {draft.deal.shape} {draft.deal.id} and {len(draft.doc_names)} document(s) "
        f"(backend: {draft.backend})",
    ]
    groups = decisions(draft, config)
    if groups:
        out += ["", "needs a human decision, most important first:"]
        for number, (title, entries) in enumerate(groups, start=1):
            out.append(f"  {number}. {title}")
            out += [f"     {entry}" for entry in entries]
    out += ["", "found per section:"]
    for role in SECTIONS:
        out.append(f"  {config.sections.name(role):<28} {_found(draft, config, role)}")
    merged = [i for i in draft.items if i.also and i.person is None]
    if merged:
        out += ["", f"merged: {len(merged)} item(s) stated in more than one place are drafted once, citing each place"]
    if draft.rejected:
        out += ["", "dropped (not found verbatim at the cited line, so not written):"]
        for rejected in draft.rejected:
            section = _name(config, rejected.section)
            out.append(f"  {rejected.citation}  {section}: {rejected.reason}: {_quoted(rejected.quote)}")
    out += [
        "",
        "next: check every quote against its source, fill every <…> placeholder (front matter too),",
        f"      then run `handoff check {shown}`",
    ]
    return "\n".join(out)


def decisions(draft: Draft, config: Config) -> list[tuple[str, list[str]]]:
    """The review queue: custom terms, vague promises, declined asks, missing sections, roles."""
    names = config.sections
    listed: set[tuple[str, int, str]] = set()

    def entries(items: Sequence[Candidate], why: Callable[[Candidate], str]) -> list[str]:
        lines = []
        for item in items:
            key = (item.doc, item.line, item.quote)
            if key in listed:
                continue
            listed.add(key)
            lines += [f"{item.citation}  {why(item)}", f"    {_quoted(item.quote)}"]
        return lines

    terms = [i for i in draft.items if i.section == CUSTOM_TERMS]
    vague = [i for i in draft.items if i.vague and i.section in _DECISION_SECTIONS and i.section != CUSTOM_TERMS]
    declined = [i for i in draft.items if i.declined and i.section == EXCLUSIONS]
    groups = [
        (
            "custom terms: each needs its reviewers before approval",
            entries(terms, lambda i: _term_reviewers(i, config)),
        ),
        (
            f"vague promises: not a commitment until a person rewords it or moves it to {names.open_risks}",
            entries(vague, lambda i: f"{names.name(i.section)}: vague ({', '.join(i.vague)})"),
        ),
        (
            "declined or deferred asks: drafted as exclusions; confirm each stays out",
            entries(declined, lambda i: names.exclusions),
        ),
        (
            "missing sections: placeholders left, `handoff check` fails until a person fills them",
            list(draft.gaps),
        ),
    ]
    if names.stakeholders not in draft.gaps and not _has_decision_role(draft, config):
        roles = ", ".join(config.rules.decision_roles)
        groups.append(("no stakeholder has a decision role: say who decides", [f"one of: {roles}"]))
    return [(title, lines) for title, lines in groups if lines]


def _has_decision_role(draft: Draft, config: Config) -> bool:
    accepted = config.rules.decision_roles
    roles = [decision_role(c.role, accepted) for c in draft.deal.contacts if c.role]
    roles += [i.person.role for i in draft.items if i.person is not None]
    return any(role in accepted for role in roles)


def _name(config: Config, section: str) -> str:
    """The name of a drafting role; anything else (a model's unknown section) as written."""
    return config.sections.name(section) if section in SECTIONS else section


def _found(draft: Draft, config: Config, role: str) -> str:
    if config.sections.name(role) in draft.gaps:
        return "MISSING (placeholder left)"
    found = [i for i in draft.items if i.section == role]
    if role != STAKEHOLDERS:
        return f"{len(found)} item(s)"
    people = {name_key(c.name) for c in draft.deal.contacts}
    people |= {name_key(i.person.name) for i in found if i.person is not None}
    sentences = sum(1 for i in found if i.person is None)
    return f"{len(people)} people (CRM roles and documents) + {sentences} sentence(s)"


def _term_reviewers(item: Candidate, config: Config) -> str:
    if not item.categories:
        return f"{config.sections.custom_terms}: under a terms heading; no category recognised it, so say which it is"
    reviewers = []
    for name in item.categories:
        category = next(c for c in config.categories if c.name == name)
        reviewers.append(f"{name} -> {', '.join(category.reviewers)}")
    vague = f"; vague ({', '.join(item.vague)})" if item.vague else ""
    return f"{config.sections.custom_terms}: {'; '.join(reviewers)}{vague}"
