"""Everything the site shows, gathered once per build: each handoff beside its findings,
custom-term hits, approval record and kickoff readiness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from handoffs.config import Config
from handoffs.document.handoff import Handoff
from handoffs.engine import Job, iter_handoffs
from handoffs.findings import FileResult, Finding, Severity
from handoffs.git import base_tree, mainline_history
from handoffs.rules.context import RuleContext
from handoffs.rules.terms import TermHit, find_term_hits
from handoffs.site.approvals import Approval, FetchReviews, ReviewCache, approvals_by_path, enrich

# Given a handoff id, the URL of its first-milestone issue (injected; ``None`` offline).
FindMilestoneIssue = Callable[[str], str | None]


@dataclass(frozen=True)
class Entry:
    """One handoff file as the site sees it."""

    path: Path
    handoff: Handoff | None
    result: FileResult
    hits: tuple[TermHit, ...] = ()
    approvals: tuple[Approval, ...] = ()  # newest first
    reviewers_by_category: dict[str, frozenset[str]] = field(default_factory=dict)
    milestone_issue: str | None = None

    @property
    def handoff_id(self) -> str:
        return self.result.handoff_id or self.path.stem

    @property
    def src_uri(self) -> str:
        return f"handoffs/{self.handoff_id}.md"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.result.findings if f.severity is Severity.ERROR]

    @property
    def approval(self) -> Approval | None:
        return self.approvals[0] if self.approvals else None

    def approved_by(self) -> frozenset[str]:
        approval = self.approval
        return frozenset(a.casefold() for a in approval.approvers) if approval else frozenset()

    def unreviewed_categories(self) -> list[str]:
        """Flagged custom-term categories none of whose reviewers is among the approvers."""
        approvers = self.approved_by()
        flagged = dict.fromkeys(hit.category.name for hit in self.hits)
        return [name for name in flagged if not (self.reviewers_by_category.get(name, frozenset()) & approvers)]

    def blockers(self) -> list[str]:
        """Why this handoff is not kickoff-ready (empty when it is)."""
        reasons = []
        if self.errors:
            reasons.append(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''} in the file")
        if self.result.open_items:
            count = len(self.result.open_items)
            reasons.append(f"{count} open item{'s' if count != 1 else ''}")
        unreviewed = self.unreviewed_categories()
        if unreviewed:
            reasons.append("custom terms not reviewed: " + ", ".join(unreviewed))
        if self.approval is None:
            reasons.append("not approved (never merged into the base branch)")
        return reasons


@dataclass(frozen=True)
class Site:
    root: Path
    config: Config
    today: dt.date
    entries: tuple[Entry, ...]

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
    """Load, check and annotate every handoff file in ``files``."""
    history = mainline_history(job.root, job.base, under=config.handoffs_dir)
    approvals = approvals_by_path(history or [])
    reviewers = {category.name: config.reviewers_for(category) for category in config.categories}
    entries = []
    for handoff, result, hits in _check(files, job, config):
        rel = handoff.relative_path.as_posix() if handoff and handoff.relative_path else None
        entry = Entry(
            path=Path(result.path),
            handoff=handoff,
            result=result,
            hits=hits,
            approvals=_enriched(tuple(approvals.get(rel, ())) if rel else (), fetch_reviews, review_cache),
            reviewers_by_category=reviewers,
        )
        if find_issue is not None and result.handoff_id:
            entry = replace(entry, milestone_issue=find_issue(result.handoff_id))
        entries.append(entry)
    return Site(job.root, config, job.today, tuple(entries))


Checked = tuple[Handoff | None, FileResult, tuple[TermHit, ...]]


def _check(files: Sequence[Path], job: Job, config: Config) -> list[Checked]:
    # Term hits never ask git; the lazy question is only there to satisfy the context.
    context = RuleContext(config, job.today, lambda: base_tree(job.root, job.base, under=config.handoffs_dir))
    return [
        (handoff, result, tuple(find_term_hits(handoff, context)) if handoff else ())
        for handoff, result in iter_handoffs(files, job, config)
    ]


def _enriched(
    approvals: tuple[Approval, ...], fetch: FetchReviews | None, cache: ReviewCache | None
) -> tuple[Approval, ...]:
    """The latest approval with its GitHub reviews (earlier ones are shown from git only)."""
    if not approvals or fetch is None or cache is None:
        return approvals
    return (enrich(approvals[0], fetch, cache), *approvals[1:])
