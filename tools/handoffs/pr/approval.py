"""The joint approval: who must approve a pull request, and whether they have.

Everything that decides comes from the **base** branch (the roster, the rules,
the owners of handoffs that already exist there); the pull request's own
version of a handoff is data that can only *add* people who must approve
(new owners, flagged categories), never remove one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from handoffs.config import Category, Config
from handoffs.document.handoff import below_handoffs_dir
from handoffs.model import FrontMatter

CONTEXT = "handoff/joint-approval"
COUNTED_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})  # comments never count


class State(enum.StrEnum):
    SUCCESS = "success"
    PENDING = "pending"
    FAILURE = "failure"


def handle(login: str) -> str:
    """A GitHub login as the roster writes it: ``@login``, casefolded."""
    return "@" + login.lstrip("@").casefold()


@dataclass(frozen=True)
class Requirement:
    """One approval that is needed: any one of ``candidates`` approving satisfies it."""

    role: str  # what a person reads: "receiving owner @raj-impl"
    candidates: frozenset[str]  # casefolded @handles


@dataclass(frozen=True)
class HandoffChange:
    """One handoff the pull request adds, changes or removes."""

    path: str
    base: FrontMatter | None  # None: new in this PR (or its base front matter is invalid)
    head: FrontMatter | None  # None: removed by this PR, or its version cannot be read
    categories: tuple[Category, ...]  # flagged in the PR's version, by the base rules
    removed: bool = False  # the PR deletes the file: only then may ``head`` be None
    head_problems: tuple[str, ...] = ()  # why the PR's version cannot be read (YAML, encoding…)

    @property
    def unreadable(self) -> bool:
        """The PR's version exists but cannot be trusted to name its owners and terms.

        A document that fails to load must never look like "no handoff" (that would
        drop its owners and its category reviewers), so anything short of a clean
        load blocks the approval until the file passes `handoff check`.
        """
        return not self.removed and (self.head is None or bool(self.head_problems))


@dataclass(frozen=True)
class Review:
    user: str
    state: str
    commit_id: str | None


@dataclass(frozen=True)
class Decision:
    state: State
    description: str  # the commit status text (GitHub keeps 140 characters)
    lines: tuple[str, ...]  # the job summary: why

    @property
    def satisfied(self) -> bool:
        return self.state is State.SUCCESS


# GitHub lists at most this many files of a pull request; beyond it the list is cut short.
MAX_LISTED_FILES = 3000


def is_handoff_path(path: str, handoffs_dir: str) -> bool:
    """A handoff file (``<handoffs_dir>/**/*.md``): approved by its owners, not by the admin team.

    ``handoffs_dir`` comes from the base branch's schema/rules.yaml, like every other rule:
    a pull request cannot move the folder to make its own process files count as handoffs.
    """
    return path.endswith(".md") and below_handoffs_dir(PurePosixPath(path), handoffs_dir) is not None


def admin_files(paths: Iterable[str], handoffs_dir: str) -> list[str]:
    """The changed files the admin team must approve: every one that is not a handoff.

    An allow-list of "process" paths would let anything it forgets (``pyproject.toml``,
    the site's templates…) merge with no review at all, so the rule is inverted.
    """
    return [p for p in paths if not is_handoff_path(p, handoffs_dir)]


def listing_problem(listed: int, changed: int) -> str | None:
    """Why the list of changed files cannot be trusted to be complete, if it cannot."""
    if listed != changed:
        return f"GitHub listed {listed} of the pull request's {changed} changed files; split it into smaller ones"
    if listed >= MAX_LISTED_FILES:
        return f"GitHub lists at most {MAX_LISTED_FILES} changed files; split the pull request into smaller ones"
    return None


def requirements(
    changes: Sequence[HandoffChange], config: Config, author: str, others: Sequence[str] = ()
) -> tuple[list[Requirement], list[str]]:
    """Who must approve, and the problems that make approval impossible.

    ``others`` lists the changed files that are not handoffs (see ``admin_files``):
    the admin team must approve those (a change to schema/ or tools/ only takes
    effect after the merge, so it never decides its own approval, but nothing may
    slip in unreviewed).
    """
    needed: list[Requirement] = []
    problems: list[str] = []
    if others:
        admin = config.rules.admin_team
        shown = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
        needed.append(Requirement(f"{admin} reviewer (for {shown})", config.members(admin) - {handle(author)}))
    for change in changes:
        needed += _owner_requirements(change, config, author, problems)
        for category in change.categories:
            candidates = config.reviewers_for(category) - {handle(author)}
            role = f"{category.name} reviewer ({', '.join(category.reviewers)})"
            needed.append(Requirement(role, candidates))
    unique = list(dict.fromkeys(needed))
    problems += [f"nobody in the base roster can approve as {r.role}" for r in unique if not r.candidates]
    return unique, problems


def _owner_requirements(change: HandoffChange, config: Config, author: str, problems: list[str]) -> list[Requirement]:
    if change.unreadable:
        why = "; ".join(change.head_problems[:2]) or "it cannot be read"
        problems.append(f"{change.path} must pass `handoff check` first ({why})")
    parties: list[tuple[str, str, str]] = []  # (role, @owner, team)
    if change.base is not None:
        parties += [
            ("sales owner", change.base.from_.owner, change.base.from_.team),
            ("receiving owner", change.base.to.owner, change.base.to.team),
        ]
    if change.head is not None:
        for role, party in (("sales owner", change.head.from_), ("receiving owner", change.head.to)):
            if any(handle(p[1]) == handle(party.owner) for p in parties):
                continue
            if party.owner.casefold() not in config.members(party.team):
                problems.append(
                    f"{change.path}: {role} {party.owner} is not a member of team `{party.team}` "
                    "in the base branch's schema/teams.yaml"
                )
            new_role = role if change.base is None else f"new {role}"
            parties.append((new_role, party.owner, party.team))
    if change.base is not None and change.head is not None:
        parties = [
            (("previous " + role) if _replaced(role, owner, change) else role, owner, team)
            for role, owner, team in parties
        ]
    return [_owner_requirement(role, owner, team, config, author) for role, owner, team in parties]


def _replaced(role: str, owner: str, change: HandoffChange) -> bool:
    """A base owner the pull request replaces (they must still approve)."""
    if role.startswith("new ") or change.head is None:
        return False
    current = change.head.from_.owner if role == "sales owner" else change.head.to.owner
    return handle(current) != handle(owner)


def _owner_requirement(role: str, owner: str, team: str, config: Config, author: str) -> Requirement:
    if handle(owner) != handle(author):
        return Requirement(f"{role} {owner}", frozenset({handle(owner)}))
    # The author's approval never counts; GitHub does not even let them approve.
    # Another member of their team (base roster) approves in their place.
    stand_ins = config.members(team) - {handle(author)}
    return Requirement(f"{role} {owner} (the author; another member of `{team}`)", stand_ins)


def roster(config: Config) -> frozenset[str]:
    """Everyone in the base branch's schema/teams.yaml."""
    return frozenset(m for team in config.teams for m in config.members(team))


def latest_reviews(reviews: Iterable[Review]) -> dict[str, Review]:
    """Each reviewer's latest review that counts (approvals, change requests, dismissals)."""
    latest: dict[str, Review] = {}
    for review in reviews:  # GitHub lists reviews oldest first
        if review.state in COUNTED_STATES:
            latest[handle(review.user)] = review
    return latest


def decide(
    needed: Sequence[Requirement],
    problems: Sequence[str],
    reviews: Sequence[Review],
    *,
    author: str,
    head_sha: str,
    people: frozenset[str],
) -> Decision:
    """Success only when every requirement has a counted approval on ``head_sha`` and nobody blocks."""
    lines: list[str] = []
    latest = latest_reviews(reviews)
    approved: set[str] = set()
    blocking: set[str] = set()
    for who, review in sorted(latest.items()):
        ignored = _ignored(who, review, author=author, head_sha=head_sha, people=people)
        if ignored:
            lines.append(f"- not counted: {who} {review.state.lower().replace('_', ' ')} — {ignored}")
        elif review.state == "APPROVED":
            approved.add(who)
        elif review.state == "CHANGES_REQUESTED":
            blocking.add(who)
    waiting: list[str] = []
    blocked: list[str] = []
    for req in needed:
        blockers = sorted(req.candidates & blocking)
        approvers = sorted(req.candidates & approved)
        if blockers:
            blocked.append(f"{req.role}: changes requested by {', '.join(blockers)}")
            lines.append(f"- ❌ {req.role}: changes requested by {', '.join(blockers)}")
        elif approvers:
            lines.append(f"- ✅ {req.role}: approved by {', '.join(approvers)}")
        else:
            waiting.append(req.role)
            lines.append(f"- ⏳ {req.role}: waiting (any of {', '.join(sorted(req.candidates)) or 'nobody'})")
    lines = [f"- ❌ {p}" for p in problems] + lines
    if problems or blocked:
        reasons = list(problems) + blocked
        return Decision(State.FAILURE, _short("Blocked: " + "; ".join(reasons)), tuple(lines))
    if waiting:
        return Decision(State.PENDING, _short("Waiting for: " + ", ".join(waiting)), tuple(lines))
    if not needed:
        return Decision(State.SUCCESS, "No changed files: nothing to approve jointly", tuple(lines))
    return Decision(State.SUCCESS, _short("Approved by every required reviewer"), tuple(lines))


def _ignored(who: str, review: Review, *, author: str, head_sha: str, people: frozenset[str]) -> str | None:
    """Why this reviewer's latest review does not count, if it does not."""
    if who == handle(author):
        return "the pull request's author"
    if who not in people:
        return "not in the base branch's schema/teams.yaml"
    if review.state == "APPROVED" and review.commit_id != head_sha:
        return f"approved an older commit ({(review.commit_id or '?')[:12]}), not the head"
    if review.state == "DISMISSED":
        return "the review was dismissed"
    return None


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
