"""Every metric, as pure functions of handoff records and review data.

A metric is a dict with at least ``value``; rates carry ``numerator`` and
``denominator``; timings carry ``count``, ``target`` and ``within_target``; a figure
that needs review data it does not have says ``unavailable`` with the reason and a
``value`` of ``None``.  Definitions are in the README, "Measuring handoffs".
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handoffs.approval_record import ReviewsRead, who_approved
from handoffs.metrics.analysis import HandoffRecord, unique_repeats
from handoffs.metrics.reviews import RETURN_REASONS, ReviewData, Unavailable, approvers_of
from handoffs.verdicts import (
    Answer,
    Readiness,
    Verdict,
    approved_before_kickoff,
    day_of,
    done_on_time,
    kickoff_readiness,
    overdue,
    terms_reviewed,
)

ACCEPTANCE_TARGET = 0.9
HANDOFF_TARGET_BUSINESS_DAYS = 1
KICKOFF_TARGET_BUSINESS_DAYS = 10

Metric = dict[str, Any]


@dataclass(frozen=True)
class Selection:
    since: dt.date | None = None
    until: dt.date | None = None
    team: str | None = None
    type: str | None = None

    def matches(self, record: HandoffRecord) -> bool:
        if self.since is not None and record.opened_on < self.since:
            return False
        if self.until is not None and record.opened_on > self.until:
            return False
        if self.team is not None and self.team not in record.teams:
            return False
        return self.type is None or record.type == self.type


def business_days(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -business_days(end, start)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def rate(numerator: int, denominator: int, **extra: Any) -> Metric:
    value = round(numerator / denominator, 4) if denominator else None
    return {"value": value, "numerator": numerator, "denominator": denominator, **extra}


def _timing(samples: Sequence[tuple[float, bool]], unit: str, target: str | None) -> Metric:
    values = [s for s, _ in samples]
    metric: Metric = {
        "value": round(statistics.median(values), 2) if values else None,
        "count": len(values),
        "unit": unit,
    }
    if target is not None:
        metric["target"] = target
        metric["within_target"] = sum(1 for _, ok in samples if ok)
    return metric


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def completeness_rate(records: Sequence[HandoffRecord]) -> Metric:
    return rate(sum(r.complete_at_first_review for r in records), len(records))


def readiness_at_kickoff(
    record: HandoffRecord, reviews: ReviewData | Unavailable, reviewers: Mapping[str, frozenset[str]]
) -> Readiness:
    """Was the handoff kickoff-ready (``verdicts.kickoff_readiness``) before its kickoff date?

    Judged on the approved version: approved strictly before the kickoff date, no errors
    and no open items then, and its flagged custom terms approved by their reviewers on
    the approving pull request (GitHub), or named in the commit's trailers (offline).
    """
    in_time = (
        record.approved_at is not None
        and record.kickoff is not None
        and approved_before_kickoff(record.approved_at, record.kickoff)
    )
    approval = (
        Verdict(Answer.YES, "approved before its kickoff")
        if in_time
        else Verdict(Answer.NO, "not approved before its kickoff date")
    )
    read: ReviewsRead
    if isinstance(reviews, Unavailable):
        read = reviews.reason if reviews.failed else None
    else:
        read = tuple(approvers_of(reviews, record.handoff_id)) if record.pull is not None else ()
    approvers = who_approved(record.approvers, record.pull, read)
    terms = terms_reviewed(record.flagged_at_approval, approval, approvers, reviewers)
    errors = 0 if record.clean_at_approval else 1  # errors or open items: either blocks, the count does not matter here
    return kickoff_readiness(errors=errors, open_items=0, approval=approval, terms=terms)


def kickoff_readiness_rate(
    records: Sequence[HandoffRecord],
    reviews: ReviewData | Unavailable,
    today: dt.date,
    reviewers: Mapping[str, frozenset[str]],
) -> Metric:
    """Of the handoffs whose kickoff date has arrived, those kickoff-ready before it.

    A handoff whose readiness cannot be known (custom terms offline, no trailer naming a
    reviewer) is left out of both counts and counted as ``unknown``, with the reason.
    """
    due = [r for r in records if r.kickoff is not None and r.kickoff <= today]
    verdicts = [readiness_at_kickoff(r, reviews, reviewers) for r in due]
    unknown = [v for v in verdicts if v.answer is Answer.UNKNOWN]
    ready = sum(1 for v in verdicts if v.ready)
    if not unknown:
        return rate(ready, len(due))
    # "custom-term review unknown: <categories> (<cause>)": the cause is what the reader needs, once.
    causes = sorted({reason.partition(" (")[2].removesuffix(")") or reason for v in unknown for reason in v.unknowns})
    return rate(
        ready,
        len(due) - len(unknown),
        unknown=len(unknown),
        partial=True,
        unavailable=f"readiness unknown for {len(unknown)} of {len(due)}: custom-term review " + "; ".join(causes),
    )


MILESTONE_BASIS_ISSUES = "first-milestone issue closed on or before first_milestone.due"
MILESTONE_BASIS_OFFLINE = "offline stand-in: first commit on main setting `status: completed` on or before the due date"


def first_milestone_completion_rate(
    records: Sequence[HandoffRecord], reviews: ReviewData | Unavailable, today: dt.date
) -> Metric:
    """Of the handoffs whose milestone is due (or done), those done by the due date.

    "Done" is the closing of the first-milestone issue (SPEC §7) when GitHub can be read;
    without it, the first `status: completed` on main stands in, and ``basis`` says so.
    """
    closings = None if isinstance(reviews, Unavailable) else reviews.milestones
    if closings is None:
        done = {r.handoff_id: r.completed_at for r in records}
        why = reviews.reason if isinstance(reviews, Unavailable) else "first-milestone issues were not read"
        extra: dict[str, Any] = {
            "basis": MILESTONE_BASIS_OFFLINE,
            "partial": True,
            "unavailable": f"{MILESTONE_BASIS_OFFLINE} ({why})",
        }
    else:
        done = {r.handoff_id: closings.get(r.handoff_id) for r in records}
        extra = {"basis": MILESTONE_BASIS_ISSUES}
    decided = [
        r
        for r in records
        if r.milestone_due is not None and (overdue(r.milestone_due, today) or done[r.handoff_id] is not None)
    ]
    on_time = sum(1 for r in decided if _on_time(done[r.handoff_id], r.milestone_due))
    return rate(on_time, len(decided), **extra)


def _on_time(done_at: dt.datetime | None, due: dt.date | None) -> bool:
    return done_at is not None and due is not None and done_on_time(due, done_at)


def rework_count(records: Sequence[HandoffRecord], reviews: ReviewData | Unavailable) -> Metric:
    scope_changes = sum(r.scope_changes for r in records)
    if isinstance(reviews, Unavailable):
        return {
            "value": scope_changes,
            "scope_changes": scope_changes,
            "changes_requested": None,
            "partial": True,
            "unavailable": reviews.reason,
        }
    ids = {r.handoff_id for r in records}
    requested = sum(1 for v in reviews.reviews if v.handoff_id in ids and v.state == "CHANGES_REQUESTED")
    return {"value": scope_changes + requested, "scope_changes": scope_changes, "changes_requested": requested}


def repeated_context_incidents(records: Sequence[HandoffRecord], reviews: ReviewData | Unavailable) -> Metric:
    from_files = unique_repeats(rep for r in records for rep in r.repeats)
    if isinstance(reviews, Unavailable):
        return {
            "value": len(from_files),
            "from_files": len(from_files),
            "from_issues": None,
            "partial": True,
            "unavailable": reviews.reason,
        }
    ids = {r.handoff_id for r in records}
    from_issues = [rep for rep in reviews.issue_repeats if rep.handoff_id in ids]
    merged = unique_repeats([*from_files, *from_issues])
    return {"value": len(merged), "from_files": len(from_files), "from_issues": len(unique_repeats(from_issues))}


def acceptance_rate(records: Sequence[HandoffRecord], reviews: ReviewData | Unavailable) -> Metric:
    approved = [r for r in records if r.approved_at is not None]
    if isinstance(reviews, Unavailable):
        return {
            "value": None,
            "numerator": None,
            "denominator": len(approved),
            "target": ACCEPTANCE_TARGET,
            "unavailable": reviews.reason,
        }
    returned = {
        v.handoff_id for v in reviews.reviews if v.state == "CHANGES_REQUESTED" and v.reason == "missing-context"
    }
    accepted = sum(1 for r in approved if r.handoff_id not in returned)
    return rate(accepted, len(approved), target=ACCEPTANCE_TARGET)


def returns_by_reason(records: Sequence[HandoffRecord], reviews: ReviewData | Unavailable) -> Metric:
    if isinstance(reviews, Unavailable):
        return {"value": None, "unavailable": reviews.reason}
    ids = {r.handoff_id for r in records}
    counts = Counter(v.reason for v in reviews.reviews if v.handoff_id in ids and v.state == "CHANGES_REQUESTED")
    return {"value": {reason: counts.get(reason, 0) for reason in RETURN_REASONS}}


def close_to_handoff(records: Sequence[HandoffRecord]) -> Metric:
    samples = [
        (
            _hours(r.opened_at - _midnight(r.close_date)),
            business_days(r.close_date, r.opened_at.date()) <= HANDOFF_TARGET_BUSINESS_DAYS,
        )
        for r in records
        if r.close_date is not None and r.opened_at is not None
    ]
    return _timing(samples, "hours", f"<= {HANDOFF_TARGET_BUSINESS_DAYS} business day after close")


def stage_change_to_handoff(records: Sequence[HandoffRecord]) -> Metric:
    """From the CRM stage change (``crm.stage_changed_at``, written by ``handoff crm sync``) to the
    handoff PR's first commit, against the same 1-business-day target as close -> handoff."""
    samples = [
        (
            _hours(r.opened_at - r.stage_changed_at),
            business_days(day_of(r.stage_changed_at), day_of(r.opened_at)) <= HANDOFF_TARGET_BUSINESS_DAYS,
        )
        for r in records
        if r.stage_changed_at is not None and r.opened_at is not None
    ]
    return _timing(samples, "hours", f"<= {HANDOFF_TARGET_BUSINESS_DAYS} business day after the CRM stage change")


def handoff_to_approval(records: Sequence[HandoffRecord]) -> Metric:
    samples = [
        (_hours(r.approved_at - r.opened_at), True)
        for r in records
        if r.approved_at is not None and r.opened_at is not None
    ]
    return _timing(samples, "hours", None)


def approval_to_kickoff(records: Sequence[HandoffRecord]) -> Metric:
    samples = [
        (
            float((r.kickoff - r.approved_at.date()).days),
            0 <= business_days(r.approved_at.date(), r.kickoff) <= KICKOFF_TARGET_BUSINESS_DAYS,
        )
        for r in records
        if r.approved_at is not None and r.kickoff is not None
    ]
    return _timing(samples, "days", f"<= {KICKOFF_TARGET_BUSINESS_DAYS} business days after approval")


@dataclass(frozen=True)
class Inputs:
    """What every metric is computed from: the selected records and what GitHub could say."""

    records: Sequence[HandoffRecord]
    reviews: ReviewData | Unavailable
    today: dt.date
    reviewers: Mapping[str, frozenset[str]]  # custom-term category -> who may review it


@dataclass(frozen=True)
class MetricSpec:
    """One metric, the single entry every output (table, JSON, CSV, dashboard) derives from.

    Adding a metric is one entry in ``METRICS`` (and its test).
    """

    key: str  # the JSON/CSV key
    cli_label: str  # the row of `handoff metrics`
    site_label: str  # the dashboard's heading and table row
    calculate: Callable[[Inputs], Metric]
    chart: int | None  # where it is drawn per month on the dashboard (None: not charted)
    by_group: bool = False  # also drawn per team and per type
    target: float | None = None  # a rate's target, drawn as a dashed line


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("handoffs", "Handoffs", "Handoffs opened", lambda i: {"value": len(i.records)}, chart=0, by_group=True),
    MetricSpec(
        "completeness_rate",
        "Completeness at first review",
        "Completeness at first review",
        lambda i: completeness_rate(i.records),
        chart=1,
        by_group=True,
    ),
    MetricSpec(
        "missing_promise_count",
        "Promises added after approval",
        "Promises added after approval",
        lambda i: {"value": sum(r.added_promises for r in i.records)},
        chart=6,
    ),
    MetricSpec(
        "missing_exclusion_count",
        "Exclusions added after approval",
        "Exclusions added after approval",
        lambda i: {"value": sum(r.added_exclusions for r in i.records)},
        chart=7,
    ),
    MetricSpec(
        "rework_count",
        "Rework (scope changes + changes requested)",
        "Rework",
        lambda i: rework_count(i.records, i.reviews),
        chart=5,
    ),
    MetricSpec(
        "kickoff_readiness_rate",
        "Kickoff readiness",
        "Kickoff readiness",
        lambda i: kickoff_readiness_rate(i.records, i.reviews, i.today, i.reviewers),
        chart=3,
        by_group=True,
    ),
    MetricSpec(
        "repeated_context_incidents",
        "Repeated-context incidents",
        "Repeated-context incidents",
        lambda i: repeated_context_incidents(i.records, i.reviews),
        chart=8,
    ),
    MetricSpec(
        "first_milestone_completion_rate",
        "First milestone on time",
        "First milestone on time",
        lambda i: first_milestone_completion_rate(i.records, i.reviews, i.today),
        chart=4,
    ),
    MetricSpec(
        "acceptance_rate",
        f"Acceptance (target {ACCEPTANCE_TARGET * 100:.0f} %)",
        "Acceptance by the receiving owner",
        lambda i: acceptance_rate(i.records, i.reviews),
        chart=2,
        by_group=True,
        target=ACCEPTANCE_TARGET,
    ),
    MetricSpec(
        "median_hours_close_to_handoff",
        "Median close -> handoff",
        "Median hours, deal close to handoff",
        lambda i: close_to_handoff(i.records),
        chart=9,
    ),
    MetricSpec(
        "median_hours_stage_change_to_handoff",
        "Median CRM stage change -> handoff PR",
        "Median hours, CRM stage change to handoff PR",
        lambda i: stage_change_to_handoff(i.records),
        chart=10,
    ),
    MetricSpec(
        "median_hours_handoff_to_approval",
        "Median handoff -> approval",
        "Median hours, handoff to approval",
        lambda i: handoff_to_approval(i.records),
        chart=11,
    ),
    MetricSpec(
        "median_days_approval_to_kickoff",
        "Median approval -> kickoff",
        "Median days, approval to kickoff",
        lambda i: approval_to_kickoff(i.records),
        chart=12,
    ),
    MetricSpec(
        "returns_by_reason",
        "Returns by reason",
        "Returns by reason",
        lambda i: returns_by_reason(i.records, i.reviews),
        chart=None,
    ),
)
BY_KEY: dict[str, MetricSpec] = {spec.key: spec for spec in METRICS}
METRIC_KEYS = tuple(BY_KEY)


def cli_label(key: str) -> str:
    """The table's label; a key no spec knows (an older cache, a newer metric) shows as itself."""
    spec = BY_KEY.get(key)
    return spec.cli_label if spec else key


def site_label(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.site_label if spec else key


def compute_metrics(
    records: Sequence[HandoffRecord],
    reviews: ReviewData | Unavailable,
    today: dt.date,
    reviewers: Mapping[str, frozenset[str]],
) -> dict[str, Metric]:
    """Every metric of ``METRICS``, computed over ``records`` (already filtered to one selection)."""
    inputs = Inputs(records, reviews, today, reviewers)
    return {spec.key: spec.calculate(inputs) for spec in METRICS}
