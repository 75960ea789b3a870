"""Review data (pull-request reviews, repeated-context issues) for the review-based metrics.

Git cannot say whether a receiving owner asked for missing context, so acceptance and
returns by reason need the GitHub API.  Without a token (or a repository name, or when
GitHub cannot be reached) the answer is an explicit ``Unavailable`` with the reason:
those figures are then shown as unavailable, never estimated.

The pull request behind each approval is named in the approving commit's subject
(``Merge pull request #12 …`` or ``… (#12)``).  A merged pull request's reviews no
longer change, so they are cached on disk by pull-request number; the
``repeated-context`` and ``first-milestone`` issues are read afresh each time (one
paginated call each: an issue can be closed or reopened at any time).  A first-milestone
issue names its handoff in the hidden marker ``handoff on-merge`` writes; one handoff
counts once however many issues carry its marker.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs import milestone_issue
from handoffs.config import Config
from handoffs.document.source import for_matching
from handoffs.errors import GitHubError, UsageError
from handoffs.matching import Pattern
from handoffs.metrics.analysis import HandoffRecord, Repeat
from handoffs.verdicts import approving_logins, handle

if TYPE_CHECKING:
    from handoffs import github as github_types

RETURN_REASONS = ("missing-context", "wrong-scope", "unreviewed-custom-term", "other")
REPEAT_LABEL = "repeated-context"
_MISSING_CONTEXT = re.compile(r"missing[- ]context|missing|not (?:in|stated|said)|what about|unclear", re.I)
# A return is about a custom term when it says so, or uses custom-term language itself: the
# categories and their patterns come from schema/custom-terms.yaml, never from this file.
_CUSTOM_TERM = re.compile(r"custom[- ]terms?", re.I)
_WRONG_SCOPE = re.compile(r"scope|not promised|cannot deliver", re.I)
_EXPLICIT_REASON = re.compile(rf"\breason:\s*({'|'.join(map(re.escape, RETURN_REASONS))})\b", re.I)
_FORM_HEADING = re.compile(r"^###\s+(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Review:
    handoff_id: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED
    body: str
    submitted_at: str | None = None
    user: str = ""  # the reviewer's login (without @)
    reason: str = "other"  # ``classify_return`` of the body, for a changes-requested review


@dataclass(frozen=True)
class ReviewData:
    reviews: tuple[Review, ...]
    issue_repeats: tuple[Repeat, ...]  # from issues labelled `repeated-context`
    # handoff id -> when its first-milestone issue was closed (None while open); `None` if not read
    milestones: Mapping[str, dt.datetime | None] | None = None


@dataclass(frozen=True)
class Unavailable:
    reason: str
    failed: bool = False  # a token was given but GitHub could not be read (else: offline, no token)


def classify_return(body: str, terms: Pattern | None = None) -> str:
    """The reason a changes-requested review gives; `reason: …` in the review wins.

    ``terms`` is the custom-term language of ``schema/custom-terms.yaml``
    (``Config.any_term_pattern``): a review quoting a term is about that term.
    """
    explicit = _EXPLICIT_REASON.search(body)
    if explicit:
        return explicit[1].lower()
    if _MISSING_CONTEXT.search(body):
        return "missing-context"
    if _CUSTOM_TERM.search(body) or (terms is not None and terms.search(for_matching(body)) is not None):
        return "unreviewed-custom-term"
    if _WRONG_SCOPE.search(body):
        return "wrong-scope"
    return "other"


def parse_repeat_issue(number: int, body: str) -> Repeat | None:
    """A `repeated-context` issue form (Handoff id / Date / What the customer had to repeat)."""
    fields: dict[str, str] = {}
    headings = list(_FORM_HEADING.finditer(body))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        value = body[heading.end() : end].strip()
        fields[heading[1].casefold()] = "" if value == "_No response_" else value
    # An id is `customer/date-type`; people also paste the file's path, whatever folder
    # the handoffs live in (handoffs/, or a monorepo's sales/handoffs/): keep its last two parts.
    written = fields.get("handoff id", "").strip("` ").removesuffix(".md")
    handoff = "/".join(written.split("/")[-2:])
    note = next((v for k, v in fields.items() if k.startswith("what the customer")), "")
    try:
        date = dt.date.fromisoformat(fields.get("date", ""))
    except ValueError:
        return None
    if not handoff or not note:
        return None
    return Repeat(handoff, date, note, issue=number)


def milestone_closings(issues: Iterable[github_types.IssueInfo]) -> dict[str, dt.datetime | None]:
    """Handoff id -> closing time of its first-milestone issue (``None`` while open).

    Issues are found by the marker, not the title (people edit titles).  When several
    issues carry one handoff's marker, the earliest closing counts: the milestone was done then.
    """
    closings: dict[str, dt.datetime | None] = {}
    for issue in issues:
        handoff = milestone_issue.handoff_of(issue.body)
        if handoff is None:
            continue
        closed = _closed_at(issue) if issue.state == "closed" else None
        earlier = closings.get(handoff)
        closings[handoff] = min(d for d in (closed, earlier) if d is not None) if closed or earlier else None
    return closings


def _closed_at(issue: github_types.IssueInfo) -> dt.datetime | None:
    if issue.closed_at is None:
        return None
    moment = dt.datetime.fromisoformat(issue.closed_at.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def cache_path(root: Path) -> Path:
    return root / ".git" / "handoff-metrics" / "reviews.json"


def _read_cache(path: Path) -> dict[str, list[list[Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pulls = data["pulls"]
        if isinstance(pulls, dict):
            return {str(k): [list(r) for r in v] for k, v in pulls.items()}
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or damaged: fetch again
    return {}


def _write_cache(path: Path, pulls: dict[str, list[list[Any]]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"pulls": pulls}, sort_keys=True), encoding="utf-8")
    except OSError:
        return  # the cache saves requests; failing to write it changes no figure


def load_review_data(root: Path, records: Sequence[HandoffRecord], config: Config) -> ReviewData | Unavailable:
    from handoffs import github

    if github.token_from_env(os.environ) is None:
        return Unavailable("no GITHUB_TOKEN: review data (acceptance, returns) needs the GitHub API")

    try:
        repo = github.connect(github.settings_from_env())
        path = cache_path(root)
        pulls = _read_cache(path)
        fetched = False
        reviews: list[Review] = []
        for record in records:
            if record.pull is None:
                continue
            key = str(record.pull)
            if key not in pulls or any(len(entry) != 4 for entry in pulls[key]):  # older cache: no reviewer
                pulls[key] = [[r.state, r.body, r.submitted_at, r.user] for r in repo.reviews(record.pull)]
                fetched = True
            reviews += [
                Review(record.handoff_id, state, body, at, user, classify_return(body, config.any_term_pattern))
                for state, body, at, user in pulls[key]
            ]
        issues = repo.issues_labelled(REPEAT_LABEL)
        milestones = milestone_closings(repo.issues_labelled(milestone_issue.LABEL))
    except (GitHubError, UsageError) as exc:
        return Unavailable(f"GitHub review data could not be read: {exc}", failed=True)
    if fetched:
        _write_cache(path, pulls)
    repeats = tuple(r for i in issues if (r := parse_repeat_issue(i.number, i.body)) is not None)
    return ReviewData(tuple(reviews), repeats, milestones)


def approvers_of(reviews: ReviewData, handoff_id: str) -> frozenset[str]:
    """Who approved the pull request behind ``handoff_id``'s approval (``verdicts.latest_decisions``)."""
    return frozenset(
        handle(login) for login in approving_logins(r for r in reviews.reviews if r.handoff_id == handoff_id)
    )
