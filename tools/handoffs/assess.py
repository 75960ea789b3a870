"""Each handoff beside everything the verdicts need: its findings, term hits, approval
record and who approved it.  The site, ``handoff gate kickoff`` and ``handoff alerts``
all assess handoffs here, so they state the same facts (``handoffs.verdicts``) from the
same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from handoffs.approval_record import Approval, FetchReviews, ReviewCache, approvals_by_path, enrich, who_approved
from handoffs.config import Config
from handoffs.document.handoff import Handoff
from handoffs.engine import Job, iter_handoffs
from handoffs.errors import HandoffError
from handoffs.findings import FileResult, Finding, Severity, TermHit
from handoffs.git import base_tree, mainline_history
from handoffs.progress import ProgressBar
from handoffs.verdicts import (
    STATUS_NOT_READY_CODE,
    Approvers,
    Readiness,
    TermsReview,
    Verdict,
    approved,
    kickoff_at_risk,
    kickoff_readiness,
    milestone_overdue,
    terms_reviewed,
)


@dataclass(frozen=True)
class Entry:
    """One handoff file, assessed."""

    path: Path
    handoff: Handoff | None
    result: FileResult
    approval_verdict: Verdict
    approvals: tuple[Approval, ...] = ()  # newest first
    approvers: Approvers | None = None  # of the newest approval
    reviewers_by_category: dict[str, frozenset[str]] = field(default_factory=dict)
    milestone_issue: str | None = None

    @property
    def handoff_id(self) -> str:
        return self.result.handoff_id or self.path.stem

    @property
    def src_uri(self) -> str:
        return f"handoffs/{self.handoff_id}.md"

    @property
    def hits(self) -> tuple[TermHit, ...]:
        return self.result.term_hits

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.result.findings if f.severity is Severity.ERROR]

    @property
    def approval(self) -> Approval | None:
        return self.approvals[0] if self.approvals else None

    def approved_by(self) -> frozenset[str]:
        return self.approvers.handles if self.approvers else frozenset()

    @cached_property
    def terms(self) -> TermsReview:
        return terms_reviewed(self.result.flagged, self.approval_verdict, self.approvers, self.reviewers_by_category)

    @cached_property
    def readiness(self) -> Readiness:
        front = self.handoff.front if self.handoff else None
        return kickoff_readiness(
            errors=sum(1 for f in self.errors if f.code != STATUS_NOT_READY_CODE),
            open_items=len(self.result.open_items),
            approval=self.approval_verdict,
            terms=self.terms,
            milestone=front is not None,
        )

    def kickoff_at_risk(self, today: dt.date, horizon_days: int) -> bool:
        front = self.handoff.front if self.handoff else None
        return front is not None and kickoff_at_risk(front.kickoff, front.status, self.readiness, today, horizon_days)

    def milestone_overdue(self, today: dt.date) -> bool:
        front = self.handoff.front if self.handoff else None
        return front is not None and milestone_overdue(front.first_milestone.due, front.status, today)


def assess(
    files: Sequence[Path],
    job: Job,
    config: Config,
    *,
    fetch_reviews: FetchReviews | None = None,
    review_cache: ReviewCache | None = None,
) -> list[Entry]:
    """Load, check and assess every handoff in ``files`` (one git history read for all)."""
    tree = base_tree(job.root, job.base, under=config.handoffs_dir)
    history = mainline_history(job.root, job.base, under=config.handoffs_dir) if tree.paths is not None else None
    approvals = approvals_by_path(history or [])
    reviewers = config.reviewers_by_category()
    entries = []
    with ProgressBar("Checking handoffs", len(files)) as bar:  # a large site build or alert run
        for handoff, result in iter_handoffs(files, job, config):
            rel = handoff.relative_path.as_posix() if handoff and handoff.relative_path else None
            verdict = approved(tree.paths, tree.ref, rel, tree.problem)
            records = tuple(approvals.get(rel, ())) if rel and verdict.yes else ()
            records, approvers = _approvers(records, fetch_reviews, review_cache)
            entries.append(
                Entry(
                    path=Path(result.path),
                    handoff=handoff,
                    result=result,
                    approval_verdict=verdict,
                    approvals=records,
                    approvers=approvers,
                    reviewers_by_category=reviewers,
                )
            )
            bar.advance()
    return entries


def _approvers(
    records: tuple[Approval, ...], fetch: FetchReviews | None, cache: ReviewCache | None
) -> tuple[tuple[Approval, ...], Approvers | None]:
    """The newest approval, with its GitHub reviews when a fetcher is given (earlier ones from git only)."""
    if not records:
        return records, None
    latest = records[0]
    if fetch is None or cache is None:
        return records, who_approved(latest.approvers, latest.pr, None)
    if latest.pr is None:
        return records, who_approved(latest.approvers, None, (), latest.commit)
    try:
        enriched = enrich(latest, fetch, cache)
    except HandoffError as exc:
        return records, who_approved(latest.approvers, latest.pr, str(exc))
    return (enriched, *records[1:]), who_approved(enriched.approvers, enriched.pr, enriched.approvers)
