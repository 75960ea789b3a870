"""The index pages: by status, type, customer, receiving team and owner, kickoff date;
the not-kickoff-ready view; a timeline per customer; and the home page's
"needs attention today"."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from handoffs.attention import KINDS, needs_attention
from handoffs.model import STATUSES, FrontMatter
from handoffs.site import render as r
from handoffs.site.collect import Entry, Site
from handoffs.site.pages import CUSTOMERS, approval_badge, customer_anchor, customer_href, customer_slug, page_title
from handoffs.verdicts import KICKOFF_HORIZON_DAYS

NOT_READY = "indexes/not-ready.md"


@dataclass(frozen=True)
class IndexPage:
    src_uri: str
    title: str
    build: Callable[[r.Linker], r.Builder]

    @property
    def meta(self) -> str:
        # Indexes are lists of links to handoff pages: search finds the handoffs themselves.
        return f"---\ntitle: {json.dumps(r.esc(self.title))}\nsearch:\n  exclude: true\n---\n"


def _front(entry: Entry) -> FrontMatter:
    front = entry.handoff.front if entry.handoff else None
    if front is None:  # callers pass only site.valid() entries
        raise ValueError(f"{entry.handoff_id} has no readable front matter")
    return front


def _link(entry: Entry, linker: r.Linker) -> str:
    return r.link(linker.page(entry.src_uri), r.esc(page_title(entry)))


def _table(entries: Iterable[Entry], linker: r.Linker) -> str:
    rows = []
    for entry in entries:
        front = _front(entry)
        customer = r.link(customer_href(linker, customer_slug(entry)), r.esc(front.customer))
        rows.append(
            [
                _link(entry, linker),
                customer,
                r.esc(front.type),
                r.esc(front.status),
                f"{r.esc(front.to.owner)} ({r.esc(front.to.team)})",
                front.kickoff.isoformat(),
                approval_badge(entry),
            ]
        )
    header = ["Handoff", "Customer", "Type", "Status", "Receiving owner", "Kickoff", "Approval"]
    return r.table(header, rows) if rows else "<p><em>None.</em></p>"


def _grouped(
    title: str, uri: str, entries: list[Entry], key: Callable[[Entry], str], order: tuple[str, ...] = ()
) -> IndexPage:
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (_front(e).kickoff, e.handoff_id)):
        groups.setdefault(key(entry), []).append(entry)
    names = [n for n in order if n in groups] if order else sorted(groups, key=str.casefold)

    def build(linker: r.Linker) -> r.Builder:
        out = r.Builder()
        out.heading(1, r.esc(title))
        out.add(f"<p>{r.plural(len(entries), 'handoff')}.</p>")
        for name in names:
            out.heading(2, f"{r.esc(name)} ({len(groups[name])})")
            out.add(_table(groups[name], linker))
        return out

    return IndexPage(uri, title, build)


def index_pages(site: Site) -> list[IndexPage]:
    entries = site.valid()
    return [
        _grouped("Handoffs by status", "indexes/status.md", entries, lambda e: _front(e).status, STATUSES),
        _grouped("Handoffs by type", "indexes/type.md", entries, lambda e: _front(e).type),
        _grouped(
            "Handoffs by receiving team and owner",
            "indexes/owner.md",
            entries,
            lambda e: f"{_front(e).to.team}: {_front(e).to.owner}",
        ),
        _grouped(
            "Handoffs by kickoff month", "indexes/kickoff.md", entries, lambda e: _front(e).kickoff.strftime("%Y-%m")
        ),
        _customers(site),
        _not_ready(site),
    ]


def _by_customer(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(customer_slug(entry), []).append(entry)
    return dict(sorted(groups.items()))


def _customers(site: Site) -> IndexPage:
    """One page: a table of customers, then each customer's timeline (one section each).

    One page rather than one per customer keeps the build cheap for hundreds of
    customers, and every handoff page links straight to its customer's section.
    """
    groups = _by_customer(site.valid())

    def build(linker: r.Linker) -> r.Builder:
        rows = []
        for slug, group in groups.items():
            fronts = [_front(e) for e in group]
            rows.append(
                [
                    r.link(f"#{customer_anchor(slug)}", r.esc(fronts[0].customer)),
                    str(len(group)),
                    str(sum(len(f.context_repeats) for f in fronts)),
                    max(f.kickoff for f in fronts).isoformat(),
                ]
            )
        out = r.Builder()
        out.heading(1, "Handoffs by customer")
        out.add(r.table(["Customer", "Handoffs", "Repeated-context incidents", "Latest kickoff"], rows))
        for slug, group in groups.items():
            _timeline(out, slug, group, linker)
        return out

    return IndexPage(CUSTOMERS, "Handoffs by customer", build)


def _not_ready(site: Site) -> IndexPage:
    blocked = sorted((e for e in site.entries if not e.readiness.ready), key=_kickoff_or_max)

    def build(linker: r.Linker) -> r.Builder:
        out = r.Builder()
        out.heading(1, "Not kickoff-ready")
        out.add(
            "<p>A handoff is kickoff-ready when it is approved (merged), has no errors, no open items and a "
            "first milestone, and every flagged custom-term category was reviewed by one of its reviewers. "
            "Where that cannot be known (no GitHub token, no <code>Approved-by:</code> trailer naming a "
            "reviewer) it is not counted as ready, and the reason says so.</p>"
        )
        rows = [[_link(e, linker), _kickoff_text(e), r.esc("; ".join(e.readiness.reasons))] for e in blocked]
        out.add(r.table(["Handoff", "Kickoff", "Why not"], rows) if rows else "<p>Every handoff is kickoff-ready.</p>")
        return out

    return IndexPage(NOT_READY, "Not kickoff-ready", build)


def _kickoff_text(entry: Entry) -> str:
    front = entry.handoff.front if entry.handoff else None
    return front.kickoff.isoformat() if front else "unknown"


def _kickoff_or_max(entry: Entry) -> tuple[dt.date, str]:
    front = entry.handoff.front if entry.handoff else None
    return (front.kickoff if front else dt.date.max, entry.handoff_id)


def _timeline(out: r.Builder, slug: str, group: list[Entry], linker: r.Linker) -> None:
    """A customer's handoffs (opened, approved, kickoff) and repeated-context incidents, by date."""
    events: list[tuple[dt.date, int, str]] = []
    for entry in group:
        front = _front(entry)
        opened = dt.date.fromisoformat(entry.handoff_id.split("/", 1)[1][:10])
        link = _link(entry, linker)
        events.append((opened, 0, f"handoff opened: {link} ({r.esc(front.type)}, {r.esc(front.status)})"))
        if entry.approval:
            events.append((entry.approval.approved_at.date(), 1, f"approved: {link}"))
        events.append((front.kickoff, 2, f"kickoff: {link}"))
        for repeat in front.context_repeats:
            note = f"{r.inline(repeat.note, linker)} (reported by {r.esc(repeat.reported_by)})"
            events.append((repeat.date, 3, f'<span class="ho-overdue">customer repeated context</span>: {note}'))
    incidents = sum(len(_front(e).context_repeats) for e in group)
    out.heading(2, r.esc(_front(group[0]).customer), anchor=customer_anchor(slug))
    out.add(f"<p>{r.plural(len(group), 'handoff')}, {r.plural(incidents, 'repeated-context incident')}.</p>")
    out.add(r.bullets([f"<strong>{day.isoformat()}</strong> {text}" for day, _, text in sorted(events)]))


def _list(heading: str, lines: list[str]) -> list[str]:
    return [f"<p><strong>{heading}</strong></p>" + r.bullets(lines)] if lines else []


_ATTENTION_HEADINGS = {
    "errors": "Handoffs with errors (fix them; the site build fails in strict mode):",
    "open-item-overdue": "Overdue open items:",
    "kickoff-not-ready": f"Kickoff passed or within {KICKOFF_HORIZON_DAYS} days, not kickoff-ready:",
    "milestone-overdue": "First milestones past their due date:",
}


def attention(site: Site, linker: r.Linker, out: r.Builder) -> None:
    """The home page's "needs attention today": the list ``handoff alerts`` prints (``handoffs.attention``)."""
    today = site.today
    by_id = {e.handoff_id: e for e in site.entries}
    grouped: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for alert in needs_attention(site.entries, today, KICKOFF_HORIZON_DAYS):
        who = f" ({r.esc(alert.owner)})" if alert.owner else ""
        grouped[alert.kind].append(f"{_link(by_id[alert.handoff], linker)}: {r.esc(alert.message)}{who}")
    out.heading(2, f"Needs attention today ({today.isoformat()})")
    found = [line for kind in KINDS for line in _list(_ATTENTION_HEADINGS[kind], grouped[kind])]
    out.add(*(found or ["<p>Nothing: every handoff is in order.</p>"]))
    ready = sum(1 for e in site.entries if e.readiness.ready)
    see = r.link(linker.page(NOT_READY), "not kickoff-ready")
    out.add(f"<p>{r.plural(len(site.entries), 'handoff')} published; {ready} kickoff-ready. See {see}.</p>")
