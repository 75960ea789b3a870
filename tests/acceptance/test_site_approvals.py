"""Approval records from real git histories: merge commits, squash merges, direct commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.approval_record import PullReviews, ReviewCache, approvals_by_path, enrich
from handoffs.git import mainline_history
from tests.browser.sitebuild import Markup, add_site_config, article, built, page
from tests.factories import BODY, commit_all, git, handoff_text, write_handoff

NORTHWIND = "northwind-health/2026-11-23-implementation"
ACME = "acme-corp/2026-11-23-implementation"
DIRECT = "direct-co/2026-11-23-implementation"
MERGE_MESSAGE = (
    "Merge pull request #7 from example-org/handoff/northwind\n\n"
    "Northwind handoff\n\n"
    "Approved-by: @dana-sales\nApproved-by: @raj-impl\nApproved-by: @frank-finance\n"
)


@pytest.fixture
def history(repo: Path) -> Path:
    """main: a merged PR (#7), a squash merge (#8), a direct commit, then a scope change (#9)."""
    add_site_config(repo)
    commit_all(repo, "Repository setup")
    git(repo, "checkout", "-q", "-b", "handoff/northwind")
    write_handoff(repo, NORTHWIND)
    commit_all(repo, "Add Northwind handoff")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", MERGE_MESSAGE, "handoff/northwind")
    write_handoff(repo, ACME, handoff_text(body=BODY.replace("15% discount on", "Standard pricing for")))
    commit_all(repo, "Add Acme handoff (#8)\n\nApproved-by: @dana-sales\nApproved-by: @raj-impl")
    write_handoff(repo, DIRECT)
    commit_all(repo, "Quick fix straight on main")
    return repo


def test_merge_and_squash_commits_become_approval_records(history: Path) -> None:
    commits = mainline_history(history, "main")
    assert commits is not None
    records = approvals_by_path(commits)
    merged = records[f"handoffs/{NORTHWIND}.md"][0]
    assert (merged.kind, merged.pr, merged.approvers) == ("merge", 7, ("@dana-sales", "@raj-impl", "@frank-finance"))
    assert merged.commit == git(history, "rev-parse", "HEAD~2").strip()
    squashed = records[f"handoffs/{ACME}.md"][0]
    assert (squashed.kind, squashed.pr, squashed.approvers) == ("squash", 8, ("@dana-sales", "@raj-impl"))
    direct = records[f"handoffs/{DIRECT}.md"][0]
    assert (direct.kind, direct.pr, direct.approvers) == ("direct", None, ())


def test_a_later_merge_is_the_current_approval_and_the_first_is_kept(history: Path) -> None:
    git(history, "checkout", "-q", "-b", "handoff/northwind-scope")
    path = history / "handoffs" / f"{NORTHWIND}.md"
    path.write_text(path.read_text().replace("Two remote admin", "Three remote admin"))
    commit_all(history, "Scope change")
    git(history, "checkout", "-q", "main")
    git(
        history,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #9 from example-org/scope",
        "handoff/northwind-scope",
    )
    content = article(page(built(history), f"handoffs/{NORTHWIND}"))
    text = Markup(content).plain_text()
    assert 'href="https://github.com/example-org/handoffs/pull/9"' in content
    assert "Earlier approvals of this file: 2026-11-23" in text
    assert "(pull request #7)" in text


def test_the_page_shows_who_approved_when_and_the_pr_and_commit(history: Path) -> None:
    site = built(history)
    sha = git(history, "rev-parse", "HEAD~2").strip()
    content = article(page(site, f"handoffs/{NORTHWIND}"))
    text = Markup(content).plain_text()
    assert 'href="https://github.com/example-org/handoffs/pull/7"' in content
    assert f'href="https://github.com/example-org/handoffs/commit/{sha}"' in content
    assert f"{sha[:7]} (merge commit, by Test Committer)" in text
    assert "Approved: 2026-11-23 10:00+00:00" in text
    assert "@dana-sales (sales owner): yes (@dana-sales)" in text
    assert "finance (pricing reviewer): yes (@frank-finance)" in text
    assert "Kickoff-ready" in text  # approved, reviewed by finance, no open items
    squash = Markup(article(page(site, f"handoffs/{ACME}"))).plain_text()
    assert "(squash merge, by Test Committer)" in squash
    assert "Pull request: #8" in squash
    direct = Markup(article(page(site, f"handoffs/{DIRECT}"))).plain_text()
    assert "no pull request (committed directly)" in direct
    # Offline, nobody recorded as approving is unknown, never "reviewed" and never a false "not reviewed".
    assert "Kickoff readiness unknown" in direct
    assert "custom-term review unknown: pricing" in direct


def test_a_handoff_only_on_a_branch_is_not_approved(history: Path) -> None:
    git(history, "checkout", "-q", "-b", "handoff/new")
    write_handoff(history, "newco/2026-11-23-implementation")
    commit_all(history, "New handoff, not merged")
    content = article(page(built(history), "handoffs/newco/2026-11-23-implementation"))
    assert 'ho-badge--pending">Not approved' in content
    assert "not approved (never merged into main)" in Markup(content).plain_text()


def test_reviews_are_fetched_once_per_merge_commit_and_then_cached(history: Path, tmp_path: Path) -> None:
    commits = mainline_history(history, "main")
    assert commits is not None
    approval = approvals_by_path(commits)[f"handoffs/{NORTHWIND}.md"][0]
    asked: list[int] = []

    def fetch(number: int) -> PullReviews:
        asked.append(number)
        return PullReviews(("@lena-legal",), f"https://github.example/pull/{number}")

    cache_file = tmp_path / "cache" / "reviews.json"
    cache = ReviewCache(cache_file)
    first = enrich(approval, fetch, cache)
    cache.save()
    again = enrich(approval, fetch, ReviewCache(cache_file))
    assert asked == [7]
    assert first == again
    assert first.source == "github"
    assert first.pr_url == "https://github.example/pull/7"
    assert first.approvers == ("@lena-legal",), "the reviews alone: the commit's typed trailers add nobody"
