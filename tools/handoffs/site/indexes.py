"""The index pages: by status, type, customer, receiving team and owner, kickoff date;
the not-kickoff-ready view; a timeline per customer; and "needs attention".

Each grouped view chooses its own columns and leaves out the one it groups by; the
columns a phone cannot fit are marked optional (hidden on narrow screens by the
stylesheet) and dates never wrap.  "Needs attention" is built from the same
list as ``handoff alerts`` (``handoffs.attention``, from the definitions in
``handoffs.verdicts``), so the home page never says something the commands contradict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from handoffs import verdicts
from handoffs.attention import KINDS, Alert, needs_attention
from handoffs.model import STATUSES, FrontMatter
from handoffs.site import render as r
from handoffs.site.collect import Entry, Site
from handoffs.site.pages import CUSTOMERS, approval_badge, customer_anchor, customer_href, customer_slug, page_title
from handoffs.verdicts import ACTIVE_STATUSES, KICKOFF_HORIZON_DAYS, OPEN_STATUSES

HOME_LIMIT = 10  # items per list on the home page; the attention page has them all
NOT_READY = "indexes/not-ready.md"
ATTENTION = "indexes/attention.md"


@dataclass(frozen=True)
class IndexPage:
    src_uri: str
    title: str
    build: Callable[[r.Linker], r.Builder]


def _front(entry: Entry) -> FrontMatter:
    front = entry.handoff.front if entry.handoff else None
    if front is None:  # callers pass only site.valid() entries
        raise ValueError(f"{entry.handoff_id} has no readable front matter")
    return front


def _link(entry: Entry, linker: r.Linker) -> str:
    return r.link(linker.page(entry.src_uri), r.esc(page_title(entry)))


def date_html(day: dt.date) -> str:
    return f'<time datetime="{day.isoformat()}">{day.isoformat()}</time>'


@dataclass(frozen=True)
class _Field:
    """One column an index can show: its heading, cell class and value."""

    column: r.Column
    value: Callable[[Entry, r.Linker], str]


def _customer_cell(entry: Entry, linker: r.Linker) -> str:
    return r.link(customer_href(linker, customer_slug(entry)), r.esc(_front(entry).customer))


FIELDS: dict[str, _Field] = {
    "handoff": _Field(r.Column("Handoff", "ho-title"), _link),
    "customer": _Field(r.Column("Customer", "ho-optional"), _customer_cell),
    "type": _Field(r.Column("Type", "ho-optional ho-nowrap"), lambda e, _: r.esc(_front(e).type)),
    "status": _Field(r.Column("Status", "ho-nowrap"), lambda e, _: r.esc(_front(e).status)),
    "owner": _Field(
        r.Column("Receiving owner", "ho-optional"),
        lambda e, _: f"{r.esc(_front(e).to.owner)} <small>({r.esc(_front(e).to.team)})</small>",
    ),
    "kickoff": _Field(r.Column("Kickoff", "ho-date"), lambda e, _: date_html(_front(e).kickoff)),
    "approval": _Field(r.Column("Approval", "ho-nowrap"), lambda e, _: approval_badge(e)),
}
ALL_FIELDS = tuple(FIELDS)


def _table(entries: Iterable[Entry], linker: r.Linker, fields: Sequence[str]) -> str:
    chosen = [FIELDS[name] for name in fields]
    rows = [[f.value(entry, linker) for f in chosen] for entry in entries]
    return r.table([f.column for f in chosen], rows) if rows else "<p><em>None.</em></p>"


def _grouped(
    title: str,
    uri: str,
    entries: list[Entry],
    key: Callable[[Entry], str],
    *,
    grouped_by: str,
    order: tuple[str, ...] = (),
) -> IndexPage:
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (_front(e).kickoff, e.handoff_id)):
        groups.setdefault(key(entry), []).append(entry)
    names = [n for n in order if n in groups] if order else sorted(groups, key=str.casefold)
    fields = [name for name in ALL_FIELDS if name != grouped_by]  # the heading already says it

    def build(linker: r.Linker) -> r.Builder:
        out = r.Builder()
        out.heading(1, r.esc(title))
        out.add(f"<p>{r.plural(len(entries), 'handoff')}.</p>")
        for name in names:
            out.heading(2, f"{r.esc(name)} ({len(groups[name])})")
            out.add(_table(groups[name], linker, fields))
        return out

    return IndexPage(uri, title, build)


def index_pages(site: Site) -> list[IndexPage]:
    entries = site.valid()
    return [
        _grouped(
            "Handoffs by status",
            "indexes/status.md",
            entries,
            lambda e: _front(e).status,
            grouped_by="status",
            order=STATUSES,
        ),
        _grouped("Handoffs by type", "indexes/type.md", entries, lambda e: _front(e).type, grouped_by="type"),
        _grouped(
            "Handoffs by receiving team and owner",
            "indexes/owner.md",
            entries,
            lambda e: f"{_front(e).to.team}: {_front(e).to.owner}",
            grouped_by="owner",
        ),
        # Grouped by month, the day of the kickoff still tells rows apart: the column stays.
        _grouped(
            "Handoffs by kickoff month",
            "indexes/kickoff.md",
            entries,
            lambda e: _front(e).kickoff.strftime("%Y-%m"),
            grouped_by="",
        ),
        _customers(site),
        _not_ready(site),
        _attention_page(site),
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
                    date_html(max(f.kickoff for f in fronts)),
                ]
            )
        out = r.Builder()
        out.heading(1, "Handoffs by customer")
        columns = [
            r.Column("Customer", "ho-title"),
            r.Column("Handoffs", "ho-number"),
            r.Column("Repeated context", "ho-number"),
            r.Column("Latest kickoff", "ho-date"),
        ]
        out.add(r.table(columns, rows))
        for slug, group in groups.items():
            _timeline(out, slug, group, linker, site.today)
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
        columns = [r.Column("Handoff", "ho-title"), r.Column("Kickoff", "ho-date"), r.Column("Why not")]
        out.add(r.table(columns, rows) if rows else "<p>Every handoff is kickoff-ready.</p>")
        return out

    return IndexPage(NOT_READY, "Not kickoff-ready", build)


def _kickoff_text(entry: Entry) -> str:
    front = entry.handoff.front if entry.handoff else None
    return date_html(front.kickoff) if front else "unknown"


def _kickoff_or_max(entry: Entry) -> tuple[dt.date, str]:
    front = entry.handoff.front if entry.handoff else None
    return (front.kickoff if front else dt.date.max, entry.handoff_id)


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    order: int  # ties on the same day: the order things happen in
    html: str


@dataclass(frozen=True)
class Timeline:
    """A customer's dates, kept apart: what happened, what is planned, what is overdue."""

    happened: list[TimelineEvent]
    planned: list[TimelineEvent]
    overdue: list[TimelineEvent]


def customer_timeline(group: Sequence[Entry], linker: r.Linker, today: dt.date) -> Timeline:
    """Only facts go under "happened": a target kickoff is a plan until the handoff is kicked off."""
    happened: list[TimelineEvent] = []
    planned: list[TimelineEvent] = []
    overdue: list[TimelineEvent] = []
    for entry in group:
        front = _front(entry)
        link = _link(entry, linker)
        opened = _opened_on(entry)
        if opened is not None:
            happened.append(TimelineEvent(opened, 0, f"handoff opened: {link} ({r.esc(front.type)})"))
        if entry.approval:
            happened.append(TimelineEvent(entry.approval.approved_at.date(), 1, f"merged (approved): {link}"))
        if front.status in ACTIVE_STATUSES:
            happened.append(TimelineEvent(front.kickoff, 2, f"kicked off: {link}"))
        if front.status == "completed":
            happened.append(TimelineEvent(_completed_on(entry, front), 4, f"completed: {link}"))
        for repeat in front.context_repeats:
            note = f"{r.inline(repeat.note, linker)} (reported by {r.esc(repeat.reported_by)})"
            happened.append(TimelineEvent(repeat.date, 3, f"customer repeated context: {note}"))
        if front.status not in OPEN_STATUSES:
            continue  # completed or cancelled: nothing is planned or overdue
        milestone = f"first milestone due: {r.esc(front.first_milestone.title)}, {link}"
        if front.status == "proposed" and verdicts.overdue(front.kickoff, today):
            overdue.append(TimelineEvent(front.kickoff, 2, f"target kickoff passed, still proposed: {link}"))
        elif front.status == "proposed":
            planned.append(TimelineEvent(front.kickoff, 2, f"target kickoff: {link}"))
        if verdicts.milestone_overdue(front.first_milestone.due, front.status, today):
            overdue.append(TimelineEvent(front.first_milestone.due, 5, milestone))
        else:
            planned.append(TimelineEvent(front.first_milestone.due, 5, milestone))
    return Timeline(sorted(happened, key=_when), sorted(planned, key=_when), sorted(overdue, key=_when))


def _when(event: TimelineEvent) -> tuple[dt.date, int, str]:
    return (event.day, event.order, event.html)


def _opened_on(entry: Entry) -> dt.date | None:
    try:
        return dt.date.fromisoformat(entry.handoff_id.split("/", 1)[1][:10])
    except (IndexError, ValueError):
        return None


def _completed_on(entry: Entry, front: FrontMatter) -> dt.date:
    # The file does not record the day; the latest merge is when `completed` was approved.
    return entry.approval.approved_at.date() if entry.approval else front.kickoff


def _events(events: list[TimelineEvent], css: str) -> str:
    items = [f"{date_html(e.day)} {e.html}" for e in events]
    return r.bullets(items, css=f"ho-timeline {css}")


def _timeline(out: r.Builder, slug: str, group: list[Entry], linker: r.Linker, today: dt.date) -> None:
    timeline = customer_timeline(group, linker, today)
    incidents = sum(len(_front(e).context_repeats) for e in group)
    out.heading(2, r.esc(_front(group[0]).customer), anchor=customer_anchor(slug))
    out.add(f"<p>{r.plural(len(group), 'handoff')}, {r.plural(incidents, 'repeated-context incident')}.</p>")
    out.add('<div class="ho-timelines">')
    for title, events, css in (
        ("Happened", timeline.happened, "ho-timeline--happened"),
        ("Planned", timeline.planned, "ho-timeline--planned"),
        ("Overdue", timeline.overdue, "ho-timeline--overdue"),
    ):
        body = _events(events, css) if events else "<p><em>Nothing.</em></p>"
        out.add(f'<div class="ho-timeline-part"><p class="ho-timeline-title"><strong>{title}</strong></p>{body}</div>')
    out.add("</div>")


ATTENTION_HEADINGS = {
    "errors": "Handoffs with errors (fix them; the site build fails in strict mode)",
    "open-item-overdue": "Overdue open items",
    "kickoff-not-ready": f"Kickoff passed or within {KICKOFF_HORIZON_DAYS} days, not kickoff-ready",
    "milestone-overdue": "First milestones past their due date",
}


def _capped(lines: list[str], limit: int | None, more: str) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"… and {len(lines) - limit} more: {more}"]


def attention_html(site: Site, linker: r.Linker, out: r.Builder, limit: int | None) -> None:
    """The list ``handoff alerts`` prints, by kind; ``limit`` caps each kind (the home page)."""
    by_id = {e.handoff_id: e for e in site.entries}
    grouped: dict[str, list[Alert]] = {kind: [] for kind in KINDS}
    for alert in needs_attention(site.entries, site.today, KICKOFF_HORIZON_DAYS):
        grouped[alert.kind].append(alert)
    more = r.link(linker.page(ATTENTION), "see them all")
    shown = []
    for kind in KINDS:
        lines = [
            f"{_link(by_id[a.handoff], linker)}: {r.esc(a.message)}{f' ({r.esc(a.owner)})' if a.owner else ''}"
            for a in grouped[kind]
        ]
        if lines:
            heading = f"<p><strong>{r.esc(ATTENTION_HEADINGS[kind])} ({len(lines)}):</strong></p>"
            shown.append(heading + r.bullets(_capped(lines, limit, more)))
    out.add(*(shown or ["<p>Nothing: every handoff is in order.</p>"]))


def attention(site: Site, linker: r.Linker, out: r.Builder) -> None:
    """The home page's "needs attention today": the list ``handoff alerts`` prints, 10 of each kind."""
    out.heading(2, f"Needs attention today ({site.today.isoformat()})")
    attention_html(site, linker, out, HOME_LIMIT)
    ready = sum(1 for e in site.entries if e.readiness.ready)
    see = r.link(linker.page(NOT_READY), "not kickoff-ready")
    out.add(f"<p>{r.plural(len(site.entries), 'handoff')} published; {ready} kickoff-ready. See {see}.</p>")


def _attention_page(site: Site) -> IndexPage:
    def build(linker: r.Linker) -> r.Builder:
        out = r.Builder()
        out.heading(1, "Needs attention")
        out.add(
            f"<p>As of {site.today.isoformat()}: what <code>handoff alerts --days {KICKOFF_HORIZON_DAYS}</code> "
            "lists, with the definitions <code>handoff gate kickoff</code> uses.</p>"
        )
        attention_html(site, linker, out, None)
        return out

    return IndexPage(ATTENTION, "Needs attention", build)
