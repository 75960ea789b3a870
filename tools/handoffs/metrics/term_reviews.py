"""Were a merged handoff's custom terms approved by their category reviewers? (kickoff gate, online)

The pull request that merged the handoff is named in the approving commit's subject, the
same way the metrics find it: the first commit on the base branch's first-parent line
that contains the file.  The categories are those flagged in that merged version (what
the reviewers were asked to approve), and each needs an APPROVED review from one of
``config.reviewers_for(category)`` — each reviewer's latest approving or
changes-requested review counts, as on GitHub.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from handoffs.config import Config
from handoffs.errors import GitHubError, HandoffError, UsageError
from handoffs.metrics.history import git_output, pull_number

_DECISIVE = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


@dataclass(frozen=True)
class TermReview:
    pull: int | None
    flagged: tuple[str, ...]  # categories flagged in the merged version
    missing: tuple[str, ...]  # of those, the ones no category reviewer approved
    problem: str | None = None  # why the reviews could not be read (then nothing counts as reviewed)


def token_present() -> bool:
    return bool(os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"))


def review_custom_terms(root: Path, config: Config, base_ref: str, relative: str, today: dt.date) -> TermReview:
    """Read the merging pull request's reviews and say which flagged categories lack approval."""
    try:
        sha, subject = _approving_commit(root, base_ref, relative)
        flagged = _flagged_in(git_output(root, "show", f"{sha}:{relative}"), relative, config, today)
    except HandoffError as exc:
        return TermReview(None, (), (), f"the merged version could not be read: {exc}")
    pull = pull_number(subject)
    if not flagged:
        return TermReview(pull, (), ())
    if pull is None:
        problem = f"the approving commit {sha[:12]} ({subject!r}) names no pull request"
        return TermReview(None, flagged, flagged, problem)
    from handoffs import github

    try:
        reviews = github.connect(github.settings_from_env()).reviews(pull)
    except (GitHubError, UsageError) as exc:
        return TermReview(pull, flagged, flagged, f"the reviews of pull request #{pull} could not be read: {exc}")
    latest: dict[str, str] = {}
    for review in reviews:  # oldest first: later decisions replace earlier ones
        if review.state in _DECISIVE:
            latest[f"@{review.user}".casefold()] = review.state
    approvers = {user for user, state in latest.items() if state == "APPROVED"}
    categories = {c.name: c for c in config.categories}
    missing = tuple(
        name for name in flagged if name not in categories or not approvers & config.reviewers_for(categories[name])
    )
    return TermReview(pull, flagged, missing)


def _approving_commit(root: Path, base_ref: str, relative: str) -> tuple[str, str]:
    log = git_output(root, "log", "--first-parent", "--reverse", "--format=%H%x00%s", base_ref, "--", relative)
    first = log.decode("utf-8", "replace").split("\n", 1)[0]
    sha, _, subject = first.partition("\0")
    if not sha:
        raise HandoffError(f"{relative} has no commit on {base_ref}")
    return sha, subject


def _flagged_in(raw: bytes, relative: str, config: Config, today: dt.date) -> tuple[str, ...]:
    """The custom-term categories the rules flag in one version of the file."""
    from handoffs.engine import Job, iter_handoffs
    from handoffs.findings import Severity

    with tempfile.TemporaryDirectory(prefix="handoff-gate-") as scratch:
        # A scratch copy outside git: the status rule only warns there; flags are what matter.
        path = Path(scratch) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        scratch_job = Job(Path(scratch), config.rules.base_branch, today, False)
        _, result = next(iter_handoffs([path], scratch_job, config))
    return tuple(sorted({f.category for f in result.findings if f.severity is Severity.FLAG and f.category}))
