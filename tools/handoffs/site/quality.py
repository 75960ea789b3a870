"""The monthly review revenue operations holds: handoff quality per sales team and per
sales owner, each figure beside the previous months, and the month's exceptions.

Figures come from the metric calculations (``metrics.compute``) applied to the
handoffs opened in each month, so they match ``handoff metrics --since/--until``.
Exceptions come from the same definitions as the rest of the site:

* **kicked off while not ready**: status ``kicked-off``/``completed`` with a kickoff in
  the month, and the handoff was not kickoff-ready (the gate's blockers today, or not
  merged clean before the kickoff date);
* **gate overridden**: merged into the base branch without a pull request, so the
  joint-approval check never ran;
* **custom terms approved late**: custom-term language whose approval (the merge)
  was not before the kickoff date (``verdicts.approved_before_kickoff``, as the metrics judge it);
* **reopened**: the base branch once said ``completed`` and no longer does.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from handoffs.metrics.analysis import HandoffRecord
from handoffs.metrics.compute import Metric, compute_metrics, site_label
from handoffs.metrics.reviews import RETURN_REASONS, ReviewData, Unavailable
from handoffs.model import FrontMatter
from handoffs.site import render as r
from handoffs.site.charts import Chart
from handoffs.site.collect import Entry, Site
from handoffs.site.pages import page_title
from handoffs.verdicts import ACTIVE_STATUSES, approved_before_kickoff, day_of

REPORTS = "reports/index.md"
COMPARED_MONTHS = 3  # the month under review and the two before it
KEPT_MONTHS = 12  # report pages built: the latest twelve months with handoffs


def report_uri(month: str) -> str:
    return f"reports/{month}.md"


@dataclass(frozen=True)
class Measure:
    """One figure of the report: its label (the metric registry's, where the figure is a
    registered metric) and how to read it from the metrics of a group's records."""

    key: str
    label: str
    read: Callable[[Mapping[str, Metric], Sequence[HandoffRecord]], str]
    chart: Callable[[Mapping[str, Metric], Sequence[HandoffRecord]], float | None]
    percent: bool = False
    integer: bool = False


def _rate_text(metric: Metric) -> str:
    if metric.get("value") is None:
        return "-"
    return f"{metric['value'] * 100:.0f} % ({metric['numerator']}/{metric['denominator']})"


def _returns_text(metric: Metric) -> str:
    value = metric.get("value")
    if value is None:
        return "unavailable"
    if not isinstance(value, dict) or not any(value.values()):
        return "none"
    return ", ".join(f"{reason}: {value[reason]}" for reason in RETURN_REASONS if value.get(reason))


def _count_text(metric: Metric) -> str:
    value = metric.get("value")
    return "unavailable" if value is None else str(value)


def _hours_text(metric: Metric) -> str:
    value = metric.get("value")
    return "-" if value is None else f"{value:.0f} h (median of {metric.get('count', 0)})"


def _numeric(metric: Metric, scale: float = 1.0) -> float | None:
    value = metric.get("value")
    return float(value) * scale if isinstance(value, int | float) and not isinstance(value, bool) else None


def _returns_total(metric: Metric) -> float | None:
    value = metric.get("value")
    return float(sum(value.values())) if isinstance(value, dict) else None


MEASURES = (
    Measure(
        "completeness",
        site_label("completeness_rate"),
        lambda m, _: _rate_text(m["completeness_rate"]),
        lambda m, _: _numeric(m["completeness_rate"], 100),
        percent=True,
    ),
    Measure(
        "returns",
        site_label("returns_by_reason"),
        lambda m, _: _returns_text(m["returns_by_reason"]),
        lambda m, _: _returns_total(m["returns_by_reason"]),
        integer=True,
    ),
    Measure(
        "scope",
        "Scope changes after approval",
        lambda _, rs: str(sum(x.scope_changes for x in rs)),
        lambda _, rs: float(sum(x.scope_changes for x in rs)),
        integer=True,
    ),
    Measure(
        "repeats",
        site_label("repeated_context_incidents"),
        lambda m, _: _count_text(m["repeated_context_incidents"]),
        lambda m, _: _numeric(m["repeated_context_incidents"]),
        integer=True,
    ),
    Measure(
        "close",
        site_label("median_hours_close_to_handoff"),
        lambda m, _: _hours_text(m["median_hours_close_to_handoff"]),
        lambda m, _: _numeric(m["median_hours_close_to_handoff"]),
    ),
)


@dataclass(frozen=True)
class Owner:
    team: str
    owner: str


def _sales_side(site: Site) -> dict[str, Owner]:
    """Handoff id -> its sales team and owner, as the file says today."""
    owners = {}
    for entry in site.valid():
        front = entry.handoff.front if entry.handoff else None
        if front is not None:
            owners[entry.handoff_id] = Owner(front.from_.team, front.from_.owner)
    return owners


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _previous(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, oldest first."""
    year, number = int(month[:4]), int(month[5:])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return months[::-1]


@dataclass(frozen=True)
class ReportData:  # frozen, but cached_property needs a __dict__: no slots
    site: Site
    records: Sequence[HandoffRecord]
    reviews: ReviewData | Unavailable

    @functools.cached_property
    def reviewers(self) -> dict[str, frozenset[str]]:
        return self.site.config.reviewers_by_category()

    def metrics(self, records: Sequence[HandoffRecord]) -> dict[str, Metric]:
        return compute_metrics(records, self.reviews, self.site.today, self.reviewers)

    def months(self) -> list[str]:
        """Months that have handoffs opened in them, latest twelve, plus the current month."""
        months = sorted({_month(r.opened_on) for r in self.records} | {_month(self.site.today)})
        return months[-KEPT_MONTHS:]


def _records_by(
    records: Sequence[HandoffRecord], owners: Mapping[str, Owner], key: Callable[[Owner], str]
) -> dict[str, dict[str, list[HandoffRecord]]]:
    """group -> month -> records."""
    grouped: dict[str, dict[str, list[HandoffRecord]]] = {}
    for record in records:
        owner = owners.get(record.handoff_id)
        if owner is None:
            continue
        grouped.setdefault(key(owner), {}).setdefault(_month(record.opened_on), []).append(record)
    return dict(sorted(grouped.items(), key=lambda item: item[0].casefold()))


def _comparison(
    out: r.Builder,
    data: ReportData,
    months: list[str],
    groups: Mapping[str, Mapping[str, list[HandoffRecord]]],
    by: str,
) -> None:
    """One table per measure: a row per group, a column per month (the reviewed month last)."""
    computed = {
        (group, month): (data.metrics(rs), rs)
        for group, per_month in groups.items()
        for month, rs in per_month.items()
        if month in months
    }
    for measure in MEASURES:
        out.heading(3, f"{r.esc(measure.label)} by {r.esc(by)}")
        rows = []
        for group in groups:
            cells = [r.esc(group)]
            for month in months:
                found = computed.get((group, month))
                cells.append(r.esc(measure.read(*found)) if found else '<span class="ho-muted">no handoffs</span>')
            rows.append(cells)
        columns = [r.Column(by.capitalize(), "ho-title")]
        columns += [r.Column(month, "ho-optional" if month != months[-1] else "") for month in months]
        out.add(r.table(columns, rows) if rows else "<p><em>No handoffs.</em></p>")


def _trend(out: r.Builder, data: ReportData, months: list[str]) -> None:
    """Every measure over the compared months, all teams together."""
    by_month = {m: [x for x in data.records if _month(x.opened_on) == m] for m in months}
    metrics = {m: data.metrics(rs) for m, rs in by_month.items()}
    out.add('<div class="ho-charts">')
    for measure in MEASURES:
        points = [(m, measure.chart(metrics[m], by_month[m]) if by_month[m] else None) for m in months]
        chart = Chart(f"{measure.label}, all teams", points, percent=measure.percent, integer=measure.integer, unit="")
        out.add(f'<figure class="ho-figure"><figcaption>{r.esc(measure.label)}</figcaption>')
        out.add_chart(chart)
        out.add("</figure>")
    out.add("</div>")


@dataclass(frozen=True)
class ReviewException:
    kind: str
    entry: Entry
    day: dt.date
    why: str


EXCEPTION_KINDS = (
    ("not-ready", "Kickoffs started while not ready"),
    ("override", "Gates overridden (merged without a pull request)"),
    ("late-terms", "Custom terms approved late"),
    ("reopened", "Handoffs reopened"),
)


def _front(entry: Entry) -> FrontMatter | None:
    return entry.handoff.front if entry.handoff else None


def exceptions(data: ReportData, month: str) -> list[ReviewException]:
    """The month's exceptions, by the definitions in this module's docstring."""
    records = {x.handoff_id: x for x in data.records}
    found: list[ReviewException] = []
    for entry in data.site.valid():
        front = _front(entry)
        if front is None:
            continue
        record = records.get(entry.handoff_id)
        first = entry.approvals[-1] if entry.approvals else None  # approvals are newest first
        if front.status in ACTIVE_STATUSES and _month(front.kickoff) == month:
            reasons = list(entry.readiness.blockers)
            if first is None or not approved_before_kickoff(first.approved_at, front.kickoff):
                reasons.append("not merged before the kickoff date")
            elif record is not None and not record.clean_at_approval:
                reasons.append("the approved version had errors or open items")
            if reasons:
                found.append(ReviewException("not-ready", entry, front.kickoff, "; ".join(dict.fromkeys(reasons))))
        for approval in entry.approvals:
            if approval.kind == "direct" and _month(day_of(approval.approved_at)) == month:
                found.append(
                    ReviewException(
                        "override",
                        entry,
                        day_of(approval.approved_at),
                        f"commit {approval.short_commit} by {approval.merged_by} went straight to the base branch",
                    )
                )
        if entry.hits and first is not None and not approved_before_kickoff(first.approved_at, front.kickoff):
            approved = day_of(first.approved_at)
            if _month(approved) == month:
                names = ", ".join(dict.fromkeys(hit.category for hit in entry.hits))
                found.append(
                    ReviewException(
                        "late-terms", entry, approved, f"{names} approved {approved}, kickoff {front.kickoff}"
                    )
                )
        if record is not None and record.completed_at is not None and front.status != "completed":
            latest = day_of(entry.approval.approved_at if entry.approval else record.completed_at)
            if _month(latest) == month:
                found.append(
                    ReviewException(
                        "reopened",
                        entry,
                        latest,
                        f"completed on {day_of(record.completed_at)}, now {front.status}",
                    )
                )
    return sorted(found, key=lambda x: (x.day, x.entry.handoff_id))


def _exceptions_html(out: r.Builder, data: ReportData, month: str, linker: r.Linker) -> None:
    listed = exceptions(data, month)
    out.heading(2, f"Exceptions in {month} ({len(listed)})")
    for kind, heading in EXCEPTION_KINDS:
        rows = [
            [
                f'<time datetime="{x.day.isoformat()}">{x.day.isoformat()}</time>',
                r.link(linker.page(x.entry.src_uri), r.esc(page_title(x.entry))),
                r.esc(x.why),
            ]
            for x in listed
            if x.kind == kind
        ]
        out.heading(3, f"{r.esc(heading)} ({len(rows)})")
        columns = [r.Column("Date", "ho-date"), r.Column("Handoff", "ho-title"), r.Column("What happened")]
        out.add(r.table(columns, rows) if rows else "<p>None.</p>")


@dataclass(frozen=True)
class ReportPage:
    src_uri: str
    title: str
    build: Callable[[r.Linker], r.Builder]


def report_pages(data: ReportData) -> list[ReportPage]:
    months = data.months()
    owners = _sales_side(data.site)
    by_team = _records_by(data.records, owners, lambda o: o.team)
    by_owner = _records_by(data.records, owners, lambda o: o.owner)
    pages = [ReportPage(REPORTS, "Monthly review", lambda linker: _index(months, linker))]
    for month in months:

        def build(linker: r.Linker, month: str = month) -> r.Builder:
            compared = _previous(month, COMPARED_MONTHS)
            out = r.Builder()
            out.heading(1, f"Handoff quality, {month}")
            out.add(
                f"<p>Handoffs opened in {month}, beside the two months before. Teams and owners are the "
                "sales side (<code>from</code>). Definitions: README, 'Measuring handoffs'.</p>"
            )
            if isinstance(data.reviews, Unavailable):
                out.add(f'<p class="ho-note">Review figures unavailable: {r.esc(data.reviews.reason)}</p>')
            _trend(out, data, compared)
            out.heading(2, "By sales team")
            _comparison(out, data, compared, by_team, "team")
            out.heading(2, "By sales owner")
            _comparison(out, data, compared, by_owner, "owner")
            _exceptions_html(out, data, month, linker)
            return out

        pages.append(ReportPage(report_uri(month), f"Handoff quality, {month}", build))
    return pages


def no_reports_page(reason: str) -> r.Builder:
    out = r.Builder()
    out.heading(1, "Monthly review")
    out.add(f"<p>No monthly review in this build: {r.esc(reason)}.</p>")
    return out


def _index(months: list[str], linker: r.Linker) -> r.Builder:
    out = r.Builder()
    out.heading(1, "Monthly review")
    out.add(
        "<p>Each month's handoff quality per sales team and owner, against the months before, "
        "and that month's exceptions.</p>"
    )
    out.add(r.bullets([r.link(linker.page(report_uri(m)), r.esc(m)) for m in reversed(months)]))
    return out
