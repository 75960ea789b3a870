"""The monthly review revenue operations holds: quality per sales team and owner against
the months before, and the month's exceptions, from a real build of a real history."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import DEFAULT_SOURCE_KINDS
from handoffs.site.pages import source_kind
from tests.browser.sitebuild import Markup, add_site_config, article, built, page
from tests.factories import BODY, FRONT_MATTER, commit_all, handoff_text, write_handoff

LATE = "late-co/2026-11-02-implementation"  # kicked off on 2026-11-05, merged on 2026-11-23
REOPENED = "reopen-co/2026-11-03-implementation"  # completed, then back to kicked-off
ON_TIME = "northwind-health/2026-11-23-implementation"  # proposed, kickoff 2026-12-01


def _front(customer: str, kickoff: str, status: str) -> str:
    return (
        FRONT_MATTER.replace('"Northwind Health: EHR integration and go-live"', f'"{customer}: rollout"')
        .replace('"Northwind Health"', f'"{customer}"')
        .replace("kickoff: 2026-12-01", f"kickoff: {kickoff}")
        .replace("status: proposed", f"status: {status}")
        .replace("close_date: 2026-11-20", "close_date: 2026-11-01")
    )


@pytest.fixture
def review_site(repo: Path) -> Path:
    add_site_config(repo)
    write_handoff(repo, ON_TIME)
    write_handoff(repo, LATE, handoff_text(_front("Late Co", "2026-11-05", "kicked-off"), BODY))
    write_handoff(repo, REOPENED, handoff_text(_front("Reopen Co", "2026-11-10", "kicked-off"), BODY))
    commit_all(repo, "Handoffs, committed straight to main")
    write_handoff(repo, REOPENED, handoff_text(_front("Reopen Co", "2026-11-10", "completed"), BODY))
    commit_all(repo, "Reopen Co completed")
    write_handoff(repo, REOPENED, handoff_text(_front("Reopen Co", "2026-11-10", "kicked-off"), BODY))
    commit_all(repo, "Reopen Co reopened")
    return built(repo)


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find("<h3", start + 1)
    return Markup(html[start : end if end != -1 else len(html)]).plain_text()


def test_the_month_lists_its_exceptions(review_site: Path) -> None:
    html = article(page(review_site, "reports/2026-11"))
    not_ready = _section(html, "Kickoffs started while not ready")
    assert "Late Co: rollout" in not_ready
    assert "not merged before the kickoff date" in not_ready
    assert "Northwind" not in not_ready  # proposed: not kicked off at all
    overridden = _section(html, "Gates overridden")
    assert "went straight to the base branch" in overridden  # every commit here was direct
    late_terms = _section(html, "Custom terms approved late")
    assert "Late Co: rollout" in late_terms
    assert "pricing approved 2026-11-23, kickoff 2026-11-05" in late_terms
    reopened = _section(html, "Handoffs reopened (1)")
    assert "Reopen Co: rollout" in reopened
    assert "completed on 2026-11-23, now kicked-off" in reopened


def test_quality_per_team_and_owner_against_the_months_before(review_site: Path) -> None:
    html = article(page(review_site, "reports/2026-11"))
    text = Markup(html).plain_text()
    for heading in ("By sales team", "By sales owner"):
        assert heading in text
    completeness = _section(html, "Completeness at first review by team")
    assert "Team 2026-09 2026-10 2026-11" in completeness  # the month beside the two before
    assert "sales no handoffs no handoffs" in completeness
    owners = _section(html, "Scope changes after approval by owner")
    assert "@dana-sales" in owners
    assert html.count('class="ho-chart"') == 5  # a chart per figure, over the three months
    index = Markup(article(page(review_site, "reports"))).plain_text()
    assert "2026-11" in index


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("order form §2.1", "order form or contract"),
        ("MSA clause 4", "order form or contract"),
        ("proposal p. 6", "proposal"),
        ("discovery call 2026-10-02", "call notes"),
        ("e-mail from the CFO", "call notes"),
        ("Salesforce opportunity", "CRM"),
        ("the customer's website", "other source"),
        (None, "unsourced"),
        ("  ", "unsourced"),
        ("recall of the sales rep", "other source"),  # whole words only: "recall" is not a call
    ],
)
def test_each_source_is_labelled_with_its_kind(source: str | None, kind: str) -> None:
    assert source_kind(source, DEFAULT_SOURCE_KINDS) == kind
