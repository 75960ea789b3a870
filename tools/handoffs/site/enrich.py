"""GitHub enrichment of the site, used only when a token is available.

Two questions, each asked once per build: the approving reviews of the pull request
that merged each handoff (``approval_record.review_fetcher``, cached per merge commit),
and the first-milestone issue of each handoff, found by the hidden marker the on-merge
command writes into the issue body.
"""

from __future__ import annotations

from handoffs import milestone_issue
from handoffs.github import GitHubRepo


def milestone_issues(repo: GitHubRepo, label: str) -> dict[str, str]:
    """Handoff id → URL of its first-milestone issue (issues carrying ``label`` and the marker)."""
    found: dict[str, str] = {}
    for issue in repo.issues_labelled(label):
        handoff = milestone_issue.handoff_of(issue.body)  # the marker ``handoff on-merge`` writes
        if handoff is not None:
            found.setdefault(handoff, issue.html_url)
    return found
