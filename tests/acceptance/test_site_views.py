"""Truthful views: timelines keep facts apart from plans and overdue dates, and the home
page's "needs attention" says what `handoff alerts` says, from a real build."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.sitebuild import Markup, add_site_config, article, built, page
from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, commit_all, handoff_text, write_handoff

NORTHWIND = "northwind-health/2026-11-23-implementation"  # approved, kickoff 2026-12-01 (planned)
LATE = "late-co/2026-11-16-implementation"  # not approved, kickoff 2026-11-20 (passed)
SOON = "soon-co/2026-11-17-implementation"  # not approved, kickoff 2026-11-30 (within 14 days)
STARTED = "started-co/2026-11-02-implementation"  # approved, kicked off 2026-11-20, milestone overdue


def _front(customer: str, kickoff: str, status: str = "proposed", due: str = "2026-12-15") -> str:
    return (
        FRONT_MATTER.replace('"Northwind Health: EHR integration and go-live"', f'"{customer}: rollout"')
        .replace('"Northwind Health"', f'"{customer}"')
        .replace("kickoff: 2026-12-01", f"kickoff: {kickoff}")
        .replace("status: proposed", f"status: {status}")
        .replace("due: 2026-12-15", f"due: {due}")
        .replace("close_date: 2026-11-20", "close_date: 2026-11-01")
    )


@pytest.fixture
def views(repo: Path) -> Path:
    add_site_config(repo)
    write_handoff(repo, NORTHWIND)
    write_handoff(repo, STARTED, handoff_text(_front("Started Co", "2026-11-20", "kicked-off", "2026-11-21"), BODY))
    commit_all(repo, "Approved handoffs")
    # Not merged into main: proposed, not approved.
    write_handoff(repo, LATE, handoff_text(_front("Late Co", "2026-11-20"), BODY))
    write_handoff(repo, SOON, handoff_text(_front("Soon Co", "2026-11-30"), BODY))
    return repo


def _timeline(html: str, anchor: str) -> dict[str, str]:
    """A customer's section of the timeline page, split into its three parts."""
    start = html.index(f'id="customer-{anchor}"')
    end = html.find("<h2", start + 1)
    section = html[start : end if end != -1 else len(html)]
    parts = {}
    for name in ("Happened", "Planned", "Overdue"):
        begin = section.index(f"<strong>{name}</strong>")
        stop = section.find('<div class="ho-timeline-part">', begin)
        parts[name] = Markup(section[begin : stop if stop != -1 else len(section)]).plain_text()
    return parts


def test_the_timeline_separates_what_happened_from_plans_and_overdue_dates(views: Path) -> None:
    html = article(page(built(views), "indexes/customer"))
    late = _timeline(html, "late-co")
    assert "kick" not in late["Happened"]  # a missed target is not an event that happened
    assert "2026-11-20 target kickoff passed, still proposed" in late["Overdue"]
    assert "first milestone due" in late["Planned"]
    soon = _timeline(html, "soon-co")
    assert "2026-11-30 target kickoff" in soon["Planned"]
    assert "kick" not in soon["Happened"]
    started = _timeline(html, "started-co")
    assert "2026-11-20 kicked off" in started["Happened"]
    assert "merged (approved)" in started["Happened"]
    assert "2026-11-21 first milestone due" in started["Overdue"]
    northwind = _timeline(html, "northwind-health")
    assert "2026-12-01 target kickoff" in northwind["Planned"]
    assert northwind["Overdue"] == "Overdue Nothing."


def test_needs_attention_agrees_with_handoff_alerts(views: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("alerts", "--days", "14", "--format", "json", "--root", views)
    assert result.exit_code == 0, result.err
    alerts = {(a["kind"], a["handoff"]) for a in json.loads(result.out)}
    assert alerts == {
        ("kickoff-not-ready", LATE),
        ("kickoff-not-ready", SOON),
        # Approved, but offline nothing names a pricing reviewer: readiness unknown, so at risk.
        ("kickoff-not-ready", NORTHWIND),
        ("milestone-overdue", STARTED),
    }
    site = built(views)
    home = article(page(site, ""))
    everything = article(page(site, "indexes/attention"))
    for html in (home, everything):
        text = Markup(html).plain_text()
        assert "Kickoff passed or within 14 days, not kickoff-ready (3)" in text
        assert "kickoff was on 2026-11-20, 3 days ago" in text  # past: said so, never "within 14 days"
        assert "kickoff on 2026-11-30, in 7 days" in text
        assert "First milestones past their due date (1)" in text
        assert "Started Co: rollout: kickoff" not in text  # kicked off: its kickoff is no longer at risk
