"""GitHub enrichment of the site, used only when a token is available.

Two questions, each asked once per build: the approving reviews of the pull request
that merged each handoff (``approval_record.review_fetcher``, cached per merge commit),
and the first-milestone issue of each handoff, found by the hidden marker the on-merge
command writes into the issue body.
"""

from __future__ import annotations

import re

from handoffs.github import GitHubRepo

# Written by ``handoff on-merge`` (commands/on_merge.py: ``marker``) into the issue body.
MILESTONE_MARKER = re.compile(r"<!--\s*handoff-(?:first-)?milestone:\s*(?P<id>[a-z0-9][a-z0-9/-]*?)\s*-->")


def milestone_issues(repo: GitHubRepo, label: str) -> dict[str, str]:
    """Handoff id → URL of its first-milestone issue (issues carrying ``label`` and the marker)."""
    found: dict[str, str] = {}
    for issue in repo.issues_labelled(label):
        match = MILESTONE_MARKER.search(issue.body)
        if match:
            found.setdefault(match.group("id"), issue.html_url)
    return found
