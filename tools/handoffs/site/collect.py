"""Everything the site shows, gathered once per build: each handoff assessed
(``handoffs.assess``: findings, custom-term hits, approval record, kickoff readiness),
with its first-milestone issue when GitHub can be asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from handoffs.approval_record import FetchReviews, ReviewCache
from handoffs.assess import Entry, assess
from handoffs.config import Config
from handoffs.engine import Job

__all__ = ["Entry", "FindMilestoneIssue", "Site", "collect"]

# Given a handoff id, the URL of its first-milestone issue (injected; ``None`` offline).
FindMilestoneIssue = Callable[[str], str | None]


@dataclass(frozen=True)
class Site:
    root: Path
    config: Config
    today: dt.date
    entries: tuple[Entry, ...]
    base: str = "main"  # the branch whose merges approve

    def valid(self) -> list[Entry]:
        """Entries whose front matter could be read (the ones indexes can sort)."""
        return [e for e in self.entries if e.handoff is not None and e.handoff.front is not None]


def collect(
    files: Sequence[Path],
    job: Job,
    config: Config,
    *,
    find_issue: FindMilestoneIssue | None = None,
    fetch_reviews: FetchReviews | None = None,
    review_cache: ReviewCache | None = None,
) -> Site:
    """Load, check and assess every handoff file in ``files``."""
    entries = assess(files, job, config, fetch_reviews=fetch_reviews, review_cache=review_cache)
    if find_issue is not None:
        entries = [
            replace(entry, milestone_issue=find_issue(entry.result.handoff_id)) if entry.result.handoff_id else entry
            for entry in entries
        ]
    return Site(job.root, config, job.today, tuple(entries), job.base)
