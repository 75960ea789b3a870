"""One handoff's page, written as HTML from the document model.

The receiving team reads this page before kickoff, so it leads with what decides
whether work can start (errors, blockers, approval), puts promises next to
exclusions, and turns risks and open items into a checklist.  Handoff text goes
through ``render.inline``/``render.block`` (markdown-it, raw HTML off); every other
value is escaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handoffs.config import SectionRoles
from handoffs.document.body import Item, Section, section_key
from handoffs.document.handoff import Handoff
from handoffs.document.markup import source_of, strip_tags, validation_tag
from handoffs.model import FrontMatter
from handoffs.site import render as r
from handoffs.site.collect import Entry, Site
from handoffs.verdicts import Answer, approved_by_one_of


def _laid_out(sections: SectionRoles) -> frozenset[str]:
    """Sections with their own layout (by role, from schema/types.yaml); any other is shown as written."""
    roles = (
        sections.goal,
        sections.stakeholders,
        sections.success_criteria,
        sections.promised_scope,
        sections.exclusions,
        sections.custom_terms,
        sections.open_risks,
        sections.requirements,
        sections.evidence,
    )
    return frozenset(section_key(name) for name in roles)


_REVIEW_STATE = {Answer.YES: "reviewed", Answer.NO: "not reviewed", Answer.UNKNOWN: "unknown (not recorded)"}
_VALIDATION = re.compile(r"\s*\((?:customer-validated|sales-assumed)\)", re.IGNORECASE)
_TAG_SAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Links:
    """Where the repository lives, for history, edit, commit and PR links (mkdocs ``repo_url``)."""

    repo_url: str | None
    branch: str

    def _at(self, suffix: str) -> str | None:
        return f"{self.repo_url.rstrip('/')}/{suffix}" if self.repo_url else None

    def history(self, path: str) -> str | None:
        return self._at(f"commits/{self.branch}/{path}")

    def edit(self, path: str) -> str | None:
        return self._at(f"edit/{self.branch}/{path}")

    def blob(self, path: str) -> str | None:
        return self._at(f"blob/{self.branch}/{path}")

    def commit(self, sha: str) -> str | None:
        return self._at(f"commit/{sha}")

    def pull(self, number: int) -> str | None:
        return self._at(f"pull/{number}")


CUSTOMERS = "indexes/customer.md"  # every customer's timeline, one section each


def customer_anchor(slug: str) -> str:
    return f"customer-{slug}"


def customer_href(linker: r.Linker, slug: str) -> str:
    return f"{linker.page(CUSTOMERS)}#{customer_anchor(slug)}"


def customer_slug(entry: Entry) -> str:
    return entry.handoff_id.split("/", 1)[0]


def tag(value: str) -> str:
    return _TAG_SAFE.sub("-", value.casefold()).strip("-") or "unknown"


def page_title(entry: Entry) -> str:
    front = entry.handoff.front if entry.handoff else None
    return front.title if front else entry.handoff_id


def approval_badge(entry: Entry) -> str:
    if entry.errors:
        return '<span class="ho-badge ho-badge--error">Has errors</span>'
    verdict = entry.approval_verdict  # verdicts.approved: the same answer as the gate and alerts
    if verdict.unknown:
        return '<span class="ho-badge ho-badge--pending">Approval unknown</span>'
    if not verdict.yes:
        return '<span class="ho-badge ho-badge--pending">Not approved</span>'
    if entry.approval is None:  # on the base branch, but its merge is not in the history read
        return '<span class="ho-badge ho-badge--approved">Approved</span>'
    day = entry.approval.approved_at.date()
    return f'<span class="ho-badge ho-badge--approved">Approved <span class="ho-badge__date">{day}</span></span>'


def page_tags(entry: Entry) -> tuple[str, ...]:
    """The page's tags: type, status and every flagged custom-term category."""
    front = entry.handoff.front if entry.handoff else None
    tags = [tag(front.type), tag(front.status)] if front else ["unreadable"]
    tags += [tag(name) for name in entry.result.flagged]
    return tuple(dict.fromkeys(tags))


UNSOURCED = "unsourced"
OTHER_SOURCE = "other source"


@functools.cache
def _kind_patterns(kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (kind, re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words), re.IGNORECASE))
        for kind, words in kinds
        if words
    )


def source_kind(source: str | None, kinds: Mapping[str, Sequence[str]]) -> str:
    """What an item's ``(source: …)`` is: a kind from ``rules.source_kinds``, "other source" or "unsourced"."""
    if not source or not source.strip():
        return UNSOURCED
    frozen = tuple((kind, tuple(words)) for kind, words in kinds.items())
    for kind, pattern in _kind_patterns(frozen):
        if pattern.search(source):
            return kind
    return OTHER_SOURCE


def source_badge(kind: str) -> str:
    return f'<span class="ho-src ho-src--{tag(kind)}">{r.esc(kind)}</span>'


@dataclass(frozen=True)
class _Page:
    entry: Entry
    site: Site
    links: Links
    linker: r.Linker

    @property
    def sections(self) -> SectionRoles:
        """The sections' names, by role (schema/types.yaml)."""
        return self.site.config.sections

    @property
    def handoff(self) -> Handoff:
        if self.entry.handoff is None:
            raise ValueError("only readable handoffs have sections")
        return self.entry.handoff

    def inline(self, text: str) -> str:
        return r.inline(text, self.linker)

    def lines(self, section: Section) -> str:
        return "\n".join(self.handoff.source.lines[section.start - 1 : section.end])

    def block(self, section: Section) -> str:
        return r.block(self.lines(section), self.linker)


def render_page(entry: Entry, site: Site, links: Links, linker: r.Linker) -> r.Builder:
    """The HTML body and table of contents of ``entry``'s page."""
    page = _Page(entry, site, links, linker)
    out = r.Builder()
    front = entry.handoff.front if entry.handoff else None
    out.heading(1, r.esc(page_title(entry)))
    if front is not None:
        out.add(_header(page, front))
    out.add(_problems(entry))
    if entry.handoff is not None:
        _body(page, out, front)
    _approval(page, out, front)
    out.add(_other_findings(entry), _repository_links(entry, links))
    return out


def _body(page: _Page, out: r.Builder, front: FrontMatter | None) -> None:
    _section_text(page, out, page.sections.goal)
    _stakeholders(page, out)
    _success_criteria(page, out)
    _boundaries(page, out)
    _custom_terms(page, out)
    _checklist(page, out)
    _section_text(page, out, page.sections.requirements)
    if front is not None:
        _milestone(page, out, front)
    _section_text(page, out, page.sections.evidence)
    for section in page.handoff.body.sections:
        if section.key not in _laid_out(page.sections):
            out.heading(2, page.inline(section.title))
            out.add(page.block(section))
    if front is not None and front.context_repeats:
        out.heading(2, "Context the customer had to repeat")
        out.add(
            r.bullets(
                [
                    f"{x.date.isoformat()}: {page.inline(x.note)} (reported by {r.esc(x.reported_by)})"
                    for x in front.context_repeats
                ]
            )
        )


def _header(page: _Page, front: FrontMatter) -> str:
    entry = page.entry
    customer = r.link(customer_href(page.linker, customer_slug(entry)), r.esc(front.customer))
    deal = r.esc(f"{front.crm.system} {front.crm.id}")
    facts = [
        ("Customer", customer),
        ("Type", r.esc(front.type)),
        ("Status", f'<span class="ho-status ho-status--{tag(front.status)}">{r.esc(front.status)}</span>'),
        ("Sales owner", f"{r.esc(front.from_.owner)} ({r.esc(front.from_.team)})"),
        ("Receiving owner", f"{r.esc(front.to.owner)} ({r.esc(front.to.team)})"),
        ("Kickoff", front.kickoff.isoformat()),
        ("Approval", approval_badge(entry)),
        ("CRM deal", r.link(front.crm.url, deal)),
    ]
    if front.deal and front.deal.amount is not None:
        facts.append(("Deal", r.esc(f"{front.deal.amount:,} {front.deal.currency or ''}".strip())))
    # Block elements: search indexes "Customer. Acme Corp", not "CustomerAcme Corp".
    cells = "".join(f'<div class="ho-fact"><div class="ho-label">{k}</div><div>{v}</div></div>' for k, v in facts)
    return f'<div class="ho-header">{cells}</div>'


def _problems(entry: Entry) -> str:
    parts = []
    if entry.errors:
        findings = r.bullets([f"line {f.line}: <code>{f.code}</code> {r.esc(f.message)}" for f in entry.errors])
        parts.append(
            r.admonition(
                "danger",
                f"This handoff has {r.plural(len(entry.errors), 'error')}",
                "<p>It should not have reached the base branch; the site build reports it. "
                "Fix the file before anyone works from this page.</p>" + findings,
            )
        )
    readiness = entry.readiness
    if readiness.answer is Answer.NO:
        parts.append(r.admonition("warning", "Not kickoff-ready", r.bullets([r.esc(b) for b in readiness.reasons])))
    elif readiness.answer is Answer.UNKNOWN:
        reasons = r.bullets([r.esc(b) for b in readiness.unknowns])
        parts.append(r.admonition("warning", "Kickoff readiness unknown", reasons))
    else:
        parts.append(
            r.admonition(
                "success",
                "Kickoff-ready",
                "<p>Approved, complete, custom terms reviewed, no open items, first milestone set.</p>",
            )
        )
    return "\n".join(parts)


def _section_text(page: _Page, out: r.Builder, name: str) -> None:
    out.heading(2, r.esc(name))
    section = page.handoff.body.section(name)
    out.add(page.block(section) if section else "<p><em>Missing.</em></p>")


def _item(page: _Page, item: Item, text: str | None = None, extra: str = "") -> str:
    children = "".join(f"<li>{_item(page, child)}</li>" for child in item.children)
    nested = f"<ul>{children}</ul>" if children else ""
    return f"{page.inline(item.text if text is None else text)}{extra}{nested}"


def _stakeholders(page: _Page, out: r.Builder) -> None:
    section = page.handoff.body.section(page.sections.stakeholders)
    if section is None or not section.rows:
        _section_text(page, out, page.sections.stakeholders)
        return
    out.heading(2, r.esc(page.sections.stakeholders))
    width = max(len(row.cells) for row in section.rows)
    header = ["Name", "Title / role", "Decision role", *(f"Column {n}" for n in range(4, width + 1))][:width]
    rows = [[page.inline(c) for c in (*row.cells, *[""] * (width - len(row.cells)))] for row in section.rows]
    out.add(r.table(header, rows))


_VALIDATION_LABELS = {
    "customer-validated": "customer-validated",
    "sales-assumed": "sales-assumed",
    None: "not marked: treat as sales-assumed",
}


def _success_criteria(page: _Page, out: r.Builder) -> None:
    section = page.handoff.body.section(page.sections.success_criteria)
    if section is None or not section.items:
        _section_text(page, out, page.sections.success_criteria)
        return
    out.heading(2, r.esc(page.sections.success_criteria))
    kinds = page.site.config.rules.source_kinds
    lines = []
    firm = 0
    for item in section.items:
        found = validation_tag(item.text)
        firm += found == "customer-validated"
        kind = found or "none"
        badge = f' <span class="ho-tag ho-tag--{kind}">{_VALIDATION_LABELS.get(found, found)}</span>'
        source = source_of(item.text)
        if source:
            badge += f" {source_badge(source_kind(source, kinds))}"
        text = _VALIDATION.sub("", strip_tags(item.text) if source else item.text)
        lines.append(_item(page, item, text, badge))
    total, assumed = len(section.items), len(section.items) - firm
    verb = "is a sales assumption" if assumed == 1 else "are sales assumptions"
    rest = f"; {assumed} {verb} until the customer confirms" if assumed else ""
    out.add(f'<p class="ho-note">{firm} of {total} confirmed by the customer (customer-validated){rest}.</p>')
    out.add(r.bullets(lines))


def _sourced(page: _Page, name: str) -> str:
    section = page.handoff.body.section(name)
    if section is None:
        return "<p><em>Missing.</em></p>"
    if not section.items:
        return page.block(section)
    kinds = page.site.config.rules.source_kinds
    lines = []
    for item in section.items:
        source = source_of(item.text)
        said = strip_tags(item.text) if source else item.text
        badge = source_badge(source_kind(source, kinds))
        cite = f'<br>{badge} <span class="ho-source">{page.inline(source)}</span>' if source else f"<br>{badge}"
        lines.append(_item(page, item, said, cite))
    return r.bullets(lines)


def _boundaries(page: _Page, out: r.Builder) -> None:
    out.heading(2, "Promises and exclusions")
    out.add('<div class="ho-grid">')
    for name in (page.sections.promised_scope, page.sections.exclusions):
        out.add(f'<div class="ho-col ho-col--{tag(name)}">')
        out.heading(3, r.esc(name))
        out.add(_sourced(page, name), "</div>")
    out.add("</div>")


def _custom_terms(page: _Page, out: r.Builder) -> None:
    entry = page.entry
    out.heading(2, r.esc(page.sections.custom_terms))
    out.add(_sourced(page, page.sections.custom_terms))
    if not entry.hits:
        return
    flags = []
    for hit in entry.hits:
        done = _REVIEW_STATE[entry.terms.state_of(hit.category)]
        flags.append(
            f"line {hit.line}, {r.esc(hit.category)}: <code>{r.esc(hit.text)}</code>, "
            f"reviewers {r.esc(', '.join(hit.reviewers))}: {done}"
        )
    out.add("<p>Custom-term language found in this handoff, and who must review it:</p>", r.bullets(flags))


def _checklist(page: _Page, out: r.Builder) -> None:
    out.heading(2, "Risks and open items")
    risks = page.handoff.body.section(page.sections.open_risks)
    if risks is None:
        out.add(f"<p><em><code>## {r.esc(page.sections.open_risks)}</code> is missing.</em></p>")
    elif risks.is_none() or not risks.items:
        out.add(page.block(risks) or "<p>None.</p>")
    else:
        out.add(r.checklist([page.inline(item.full_text) for item in risks.items]))
    open_items = page.entry.result.open_items
    if open_items:
        rows = []
        for item in open_items:
            late = ' <span class="ho-overdue">overdue</span>' if item.overdue else ""
            where = f" ({r.esc(item.section)})" if item.section else ""
            said = page.inline(strip_tags(item.text) or item.text)
            rows.append(f"<strong>{r.esc(item.owner)}</strong> by {r.esc(item.due)}{late}{where}: {said}")
        out.add("<p><strong>Open items</strong> (known gaps, each with an owner and a date):</p>", r.checklist(rows))


def _milestone(page: _Page, out: r.Builder, front: FrontMatter) -> None:
    milestone = front.first_milestone
    late = page.entry.milestone_overdue(page.site.today)  # verdicts.milestone_overdue
    state = ' <span class="ho-overdue">overdue</span>' if late else ""
    issue = page.entry.milestone_issue
    where = r.link(issue, "milestone issue") if issue else "no issue yet (opened when the handoff is merged)"
    out.heading(2, "First milestone")
    out.add(
        f'<div class="ho-milestone"><strong>{r.esc(milestone.title)}</strong><br>'
        f"Owner {r.esc(milestone.owner)}, due {milestone.due.isoformat()}{state} · {where}</div>"
    )


def _approval(page: _Page, out: r.Builder, front: FrontMatter | None) -> None:
    entry, links = page.entry, page.links
    out.heading(2, "Approval record")
    approval = entry.approval
    verdict = entry.approval_verdict  # verdicts.approved, as the gate states it
    if approval is None and verdict.answer is not Answer.NO:  # unknown, or merged but not in the history read
        out.add(f"<p>{r.esc(verdict.reason[:1].upper() + verdict.reason[1:])}.</p>")
    elif approval is None:
        out.add("<p>Not approved yet: this version was never merged into the base branch.</p>")
    else:
        pr = "no pull request (committed directly)"
        if approval.pr is not None:
            pr = r.link(approval.pr_url or links.pull(approval.pr), f"#{approval.pr}")
        commit = r.link(links.commit(approval.commit), f"<code>{approval.short_commit}</code>")
        how = {"merge": "merge commit", "squash": "squash merge", "direct": "direct commit"}[approval.kind]
        source = "GitHub reviews" if approval.source == "github" else "git history"
        out.add(
            r.bullets(
                [
                    f"Approved: {approval.approved_at.isoformat(sep=' ', timespec='minutes')}",
                    f"Pull request: {pr}",
                    f"Commit: {commit} ({how}, by {r.esc(approval.merged_by)})",
                    f"Record from: {source}",
                ]
            )
        )
    if front is not None:
        out.add(_approvers(entry, front))
    if len(entry.approvals) > 1:
        earlier = [
            f"{a.approved_at.date()} <code>{a.short_commit}</code>" + (f" (pull request #{a.pr})" if a.pr else "")
            for a in entry.approvals[1:]
        ]
        out.add("<p>Earlier approvals of this file:</p>", r.bullets(earlier))


def _approvers(entry: Entry, front: FrontMatter) -> str:
    approvers = entry.approved_by()
    needed = [
        (front.from_.owner, "sales owner", frozenset({front.from_.owner.casefold()})),
        (front.to.owner, "receiving owner", frozenset({front.to.owner.casefold()})),
    ]
    answers = [approved_by_one_of(handles, entry.approval_verdict, entry.approvers) for _, _, handles in needed]
    categories = {hit.category: hit.reviewers for hit in entry.hits}
    for name, reviewers in categories.items():
        needed.append((", ".join(reviewers), f"{name} reviewer", entry.reviewers_by_category.get(name, frozenset())))
        answers.append(entry.terms.state_of(name))  # verdicts.terms_reviewed: what the banner and the gate say
    lines = []
    for (who, role, handles), answer in zip(needed, answers, strict=True):
        matched = ", ".join(sorted(handles & approvers))
        state = {Answer.YES: f"yes ({matched})", Answer.NO: "no", Answer.UNKNOWN: "not recorded"}[answer]
        lines.append(f"{r.esc(who)} ({r.esc(role)}): {r.esc(state)}")
    return "<p>Approvals needed:</p>" + r.bullets(lines)


def _other_findings(entry: Entry) -> str:
    rest = [f for f in entry.result.findings if f.severity.value == "warning"]
    if not rest:
        return ""
    items = r.bullets([f"line {f.line}: <code>{f.code}</code> {r.esc(f.message)}" for f in rest])
    return r.admonition(
        "note", f"{r.plural(len(rest), 'warning')} from <code>handoff check</code>", items, collapsible=True
    )


def _repository_links(entry: Entry, links: Links) -> str:
    path = entry.handoff.relative_path.as_posix() if entry.handoff and entry.handoff.relative_path else None
    if path is None:
        return ""
    history, edit = links.history(path), links.edit(path)
    extra = f" · {r.link(history, 'History')} · {r.link(edit, 'Edit')}" if history and edit else ""
    return f"<p>Source file: <code>{r.esc(path)}</code>{extra}</p>"
