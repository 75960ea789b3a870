"""First-milestone issues -> when each handoff's milestone was done (``milestone_closings``)."""

from __future__ import annotations

import datetime as dt

from handoffs.github import IssueInfo
from handoffs.metrics.reviews import milestone_closings

A = "acme-corp/2026-11-02-implementation"


def issue(number: int, body: str, state: str = "open", closed_at: str | None = None) -> IssueInfo:
    return IssueInfo(number, "First milestone", body, "", ("first-milestone",), (), state, closed_at)


def marker(handoff: str) -> str:
    return f"Do the thing.\n<!-- handoff-first-milestone: {handoff} -->\n"


def test_a_closed_issue_gives_its_closing_time_in_utc() -> None:
    closings = milestone_closings([issue(1, marker(A), "closed", "2026-11-19T23:30:00+00:00")])
    assert closings == {A: dt.datetime(2026, 11, 19, 23, 30, tzinfo=dt.UTC)}


def test_an_open_issue_means_not_done() -> None:
    assert milestone_closings([issue(1, marker(A))]) == {A: None}


def test_the_earliest_closing_of_several_issues_counts_once() -> None:
    closings = milestone_closings(
        [
            issue(1, marker(A), "closed", "2026-11-25T10:00:00Z"),
            issue(2, marker(A)),
            issue(3, marker(A), "closed", "2026-11-18T10:00:00Z"),
        ]
    )
    assert closings == {A: dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)}


def test_issues_without_the_marker_are_ignored() -> None:
    assert milestone_closings([issue(1, "no marker", "closed", "2026-11-18T10:00:00Z")]) == {}
