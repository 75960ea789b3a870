"""GitHub enrichment of the site, used only when a token is available.

Two questions, each asked once per build: the approving reviews of the pull request
that merged each handoff (cached per merge commit by ``approvals.ReviewCache``), and
the first-milestone issue of each handoff, found by the hidden marker the on-merge
command writes into the issue body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from handoffs.github import GitHubRepo, connect, settings_from_env
from handoffs.site.approvals import FetchReviews, PullReviews

# Written by ``handoff on-merge`` (commands/on_merge.py: ``marker``) into the issue body.
MILESTONE_MARKER = re.compile(r"<!--\s*handoff-(?:first-)?milestone:\s*(?P<id>[a-z0-9][a-z0-9/-]*?)\s*-->")


def connect_from_env(environ: Mapping[str, str]) -> GitHubRepo | None:
    """The repository named by ``GITHUB_REPOSITORY``, if ``GITHUB_TOKEN`` is set; else offline."""
    if not (environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN")) or not environ.get("GITHUB_REPOSITORY"):
        return None
    return connect(settings_from_env(environ=environ))


def review_fetcher(repo: GitHubRepo) -> FetchReviews:
    def fetch(number: int) -> PullReviews:
        latest: dict[str, str] = {}
        for review in repo.reviews(number):  # oldest first: the last word of each reviewer wins
            if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED") and review.user:
                latest[review.user] = review.state
        approvers = tuple(f"@{user}" for user, state in latest.items() if state == "APPROVED")
        return PullReviews(approvers, repo.pull(number).html_url)

    return fetch


def milestone_issues(repo: GitHubRepo, label: str) -> dict[str, str]:
    """Handoff id → URL of its first-milestone issue (issues carrying ``label`` and the marker)."""
    found: dict[str, str] = {}
    for issue in repo.issues_labelled(label):
        match = MILESTONE_MARKER.search(issue.body)
        if match:
            found.setdefault(match.group("id"), issue.html_url)
    return found
