"""The approval record of each handoff (who approved, when, from which source), read
from the base branch's history and, with a token, GitHub's reviews.

Every consumer (site, gate, alerts) reads the record here; what it *means* (approved?
custom terms reviewed?) is decided in ``handoffs.verdicts``.

Merging a handoff's pull request into the base branch *is* the joint approval, so the
record is the first-parent commit of the base branch that last changed the file:

* a merge commit ``Merge pull request #N from …`` → pull request N, merged then;
* a squash merge ``Title (#N)`` → pull request N;
* anything else is a direct commit: on the branch, but not through a pull request.

Git alone does not know who approved a pull request.  Offline, approvers come from
``Approved-by: @handle`` trailers in the merge or squash commit message (the
on-merge workflow or the person merging can add them).  With a GitHub token the
record is enriched with the pull request's approving reviews, cached per merge
commit so a rebuild never asks the API again about a handoff that did not change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from handoffs.git import MainlineCommit
from handoffs.model import HANDLE_PATTERN
from handoffs.verdicts import SOURCE_GITHUB, SOURCE_TRAILERS, Approvers, approving_logins

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo

REVIEW_CACHE_DIR = ".handoffs-cache/site"  # the site's default; the gate reads the same cache
REVIEW_CACHE_FILE = "reviews.json"

# "Merge pull request #12 from …" (merge commit) or "Title (#12)" (squash merge): what GitHub writes.
_PULL = re.compile(r"^Merge pull request #(\d+)\b|\(#(\d+)\)\s*$")
_HANDLE = re.compile(HANDLE_PATTERN)  # what the front matter accepts as a @handle

Kind = Literal["merge", "squash", "direct"]


@dataclass(frozen=True)
class Approval:
    """One merge of a handoff into the base branch."""

    commit: str
    approved_at: dt.datetime
    kind: Kind
    pr: int | None
    approvers: tuple[str, ...]  # @handles as written, in order of approval
    merged_by: str
    source: Literal["git", "github"] = "git"
    pr_url: str | None = None

    @property
    def short_commit(self) -> str:
        return self.commit[:7]


# What GitHub said about the approving pull request's reviews: the approving @handles, or
# why they could not be read (a str), or ``None`` when there is no token (offline).
ReviewsRead = tuple[str, ...] | str | None


def who_approved(trailers: Iterable[str], pr: int | None, reviews: ReviewsRead, commit: str = "") -> Approvers:
    """Who approved the version on the base branch, and from which source: the one place the source is chosen.

    Offline, the ``Approved-by:`` trailers stand in.  Online, the pull request's approving
    reviews alone, when the approving commit names a pull request and its reviews were
    read: a trailer is text whoever merged could type, so with the reviews at hand it
    adds nobody.  Otherwise the trailers, with why the reviews are missing, so the
    verdicts say "unknown" and why rather than taking the trailers as all there is.
    """
    if reviews is None:
        return Approvers.of(trailers, source=SOURCE_TRAILERS)
    if pr is None:  # a direct commit: no pull request, so no reviews
        named = f" {commit[:7]}" if commit else ""
        return Approvers.of(
            trailers, source=SOURCE_TRAILERS, problem=f"the approving commit{named} names no pull request"
        )
    if isinstance(reviews, str):
        return Approvers.of(trailers, source=SOURCE_TRAILERS, problem=reviews)
    return Approvers.of(reviews, source=SOURCE_GITHUB)


def pull_number(subject: str) -> int | None:
    """The pull request a base-branch commit's subject names, if any (the site, gate and metrics agree)."""
    match = _PULL.search(subject)
    return int(match[1] or match[2]) if match else None


def trailer_approvers(values: Iterable[str]) -> tuple[str, ...]:
    """The @handles ``Approved-by:`` trailers name (``git.APPROVED_BY_FORMAT`` values), once each, in order.

    A value that is not exactly one @handle names nobody.  The site, gate and metrics read
    the trailers through git's parser and this function, so they agree on who is named.
    """
    return tuple(dict.fromkeys(v.strip() for v in values if _HANDLE.fullmatch(v.strip())))


def approval_of(commit: MainlineCommit) -> Approval:
    """What one mainline commit says about the approval of the files it changed."""
    subject = commit.message.splitlines()[0] if commit.message else ""
    pr = pull_number(subject)
    kind: Kind = "direct" if pr is None else "merge" if commit.parents > 1 else "squash"
    approvers = trailer_approvers(commit.approved_by)
    return Approval(
        commit=commit.sha,
        approved_at=dt.datetime.fromisoformat(commit.committed_at),
        kind=kind,
        pr=pr,
        approvers=approvers,
        merged_by=commit.committer,
    )


def approvals_by_path(history: Iterable[MainlineCommit]) -> dict[str, list[Approval]]:
    """For every file path, its approvals on the base branch, newest first."""
    found: dict[str, list[Approval]] = {}
    for commit in history:
        approval = approval_of(commit)
        for path in commit.paths:
            found.setdefault(path, []).append(approval)
    return found


@dataclass(frozen=True)
class PullReviews:
    """What the GitHub API says about a merged pull request."""

    approvers: tuple[str, ...]
    url: str


# Given a pull-request number, the approving reviews (injected: PyGithub in
# production, the GitHub double in tests).
FetchReviews = Callable[[int], PullReviews]


class ReviewCache:
    """Approving reviews per merge commit, in one JSON file under the cache directory.

    A merge commit never changes, so neither do the reviews that led to it: an entry
    is valid for ever, and a handoff that did not change is never looked up again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, object]] = {}
        if path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}  # a damaged cache is only a slower build
            self.entries = loaded if isinstance(loaded, dict) else {}
        self.dirty = False

    def get(self, commit: str) -> PullReviews | None:
        entry = self.entries.get(commit)
        if not isinstance(entry, dict):
            return None
        approvers, url = entry.get("approvers"), entry.get("url")
        if not isinstance(approvers, list) or not isinstance(url, str):
            return None
        return PullReviews(tuple(str(a) for a in approvers), url)

    def put(self, commit: str, reviews: PullReviews) -> None:
        self.entries[commit] = {"approvers": list(reviews.approvers), "url": reviews.url}
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")
            self.dirty = False


def enrich(approval: Approval, fetch: FetchReviews, cache: ReviewCache) -> Approval:
    """``approval`` with its pull request's approving reviewers, from the cache or the API."""
    if approval.pr is None:
        return approval
    reviews = cache.get(approval.commit)
    if reviews is None:
        reviews = fetch(approval.pr)
        cache.put(approval.commit, reviews)
    # The reviews replace the trailers: a trailer is text whoever merged could type.
    return replace(approval, approvers=reviews.approvers, source="github", pr_url=reviews.url)


def connect_from_env(environ: Mapping[str, str]) -> GitHubRepo | None:
    """The repository named by ``GITHUB_REPOSITORY`` if a token is set (``github.token_from_env``), else
    ``None``: offline.  A token without a usable repository name is a HandoffError saying so, not "offline"."""
    from handoffs.github import connect, settings_from_env, token_from_env

    if token_from_env(environ) is None:
        return None
    return connect(settings_from_env(environ=environ))


def review_fetcher(repo: GitHubRepo) -> FetchReviews:
    """Approving reviewers of a pull request: each reviewer's last decision counts, as on GitHub."""

    def fetch(number: int) -> PullReviews:
        approvers = tuple(f"@{login}" for login in approving_logins(repo.reviews(number)))
        return PullReviews(approvers, repo.pull(number).html_url)

    return fetch


def online_reviews(root: Path, environ: Mapping[str, str]) -> tuple[FetchReviews | None, ReviewCache | None]:
    """GitHub's reviews when a token and repository are set (``None, None`` offline).

    If GitHub cannot even be connected to, every question fails with the reason, so
    each verdict that needed the reviews says "unknown" and why, rather than guessing.
    """
    from handoffs.errors import HandoffError

    cache = ReviewCache(root / REVIEW_CACHE_DIR / REVIEW_CACHE_FILE)
    try:
        repo = connect_from_env(environ)
    except HandoffError as exc:
        return unreachable(str(exc)), cache
    if repo is None:
        return None, None
    return review_fetcher(repo), cache


def unreachable(reason: str) -> FetchReviews:
    """A fetcher for when GitHub cannot be asked although a token is set: each question fails
    with ``reason`` (reviews already in the cache still count), so the verdicts say why."""
    from handoffs.errors import HandoffError

    def fetch(number: int) -> PullReviews:
        raise HandoffError(f"the reviews of pull request #{number} could not be read: {reason}")

    return fetch
