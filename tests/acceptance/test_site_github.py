"""With a token, the site enriches approvals and milestones through the API (the GitHub double)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handoffs.milestone_issue import marker
from tests.browser.sitebuild import Markup, add_site_config, article, mkdocs_build, page
from tests.factories import commit_all, git, write_handoff
from tests.github_double.fixtures import github_double, github_openapi  # noqa: F401 - fixtures used below
from tests.github_double.server import GitHubDouble

REPOSITORY = "example-org/handoffs"
NORTHWIND = "northwind-health/2026-11-23-implementation"


def test_reviews_and_the_milestone_issue_come_from_github_and_reviews_are_cached(
    repo: Path,
    github_double: GitHubDouble,  # noqa: F811 - the imported fixture
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gh = github_double.state.add_repo(REPOSITORY)
    pull = gh.add_pull("Add Northwind handoff", user="dana-sales", files=[f"handoffs/{NORTHWIND}.md"])
    pull.add_review("raj-impl", "CHANGES_REQUESTED")
    pull.add_review("raj-impl")
    pull.add_review("dana-sales", "COMMENTED")
    pull.add_review("frank-finance")
    issue = gh.add_issue(
        "First milestone: Technical kickoff",
        body=f"Owner @raj-impl\n\n{marker(NORTHWIND)}\n",
        labels=["first-milestone"],
    )
    add_site_config(repo)
    commit_all(repo, "Repository setup")
    git(repo, "checkout", "-q", "-b", "handoff/northwind")
    write_handoff(repo, NORTHWIND)
    commit_all(repo, "Add Northwind handoff")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{pull.number} from x/y", "handoff/northwind")
    for name, value in {**github_double.environ(REPOSITORY), "HANDOFF_GITHUB_BACKOFF": "0"}.items():
        monkeypatch.setenv(name, value)
    assert os.environ["GITHUB_TOKEN"]

    first = mkdocs_build(repo, strict=True)
    assert first.returncode == 0, first.stderr
    content = article(page(repo / "site", f"handoffs/{NORTHWIND}"))
    text = Markup(content).plain_text()
    assert "Record from: GitHub reviews" in text
    assert "@raj-impl (receiving owner): yes (@raj-impl)" in text
    assert "finance (pricing reviewer): yes (@frank-finance)" in text
    assert "@dana-sales (sales owner): no" in text  # a comment is not an approval, and GitHub was read
    assert f'href="https://github.com/{REPOSITORY}/issues/{issue.number}"' in content
    reviews = len(github_double.calls("GET", rf"/pulls/{pull.number}/reviews"))
    assert reviews >= 1

    second = mkdocs_build(repo, strict=True)
    assert second.returncode == 0, second.stderr
    assert len(github_double.calls("GET", rf"/pulls/{pull.number}/reviews")) == reviews
    assert (repo / ".handoffs-cache" / "site" / "reviews.json").is_file()
