"""The joint approval: who must approve a pull request, and whether they have.

Everything that decides comes from the **base** branch (the roster, the rules,
the owners of handoffs that already exist there); the pull request's own
version of a handoff is data that can only *add* people who must approve
(new owners, flagged categories), never remove one.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from handoffs.config import Category, Config
from handoffs.document.handoff import below_handoffs_dir
from handoffs.model import FrontMatter
from handoffs.pr.documents import LenientOwners
from handoffs.verdicts import handle, latest_decisions

CONTEXT = "handoff/joint-approval"


class State(enum.StrEnum):
    SUCCESS = "success"
    PENDING = "pending"
    FAILURE = "failure"


SALES, RECEIVING = "sales", "receiving"  # the two sides a joint approval joins


@dataclass(frozen=True)
class Requirement:
    """One approval that is needed: any one of ``candidates`` approving satisfies it."""

    role: str  # what a person reads: "receiving owner @raj-impl"
    candidates: frozenset[str]  # casefolded @handles
    side: str | None = None  # SALES or RECEIVING for owners: one person never answers for both


@dataclass(frozen=True)
class HandoffChange:
    """One handoff the pull request adds, changes or removes."""

    path: str
    base: FrontMatter | None  # None: new in this PR, or its base version does not load (see below)
    head: FrontMatter | None  # None: removed by this PR, or its version cannot be read
    categories: tuple[Category, ...]  # flagged in the PR's version, by the base rules
    removed: bool = False  # the PR deletes the file: only then may ``head`` be None
    head_problems: tuple[str, ...] = ()  # why the PR's version cannot be read (YAML, encoding…)
    # The file exists on base but does not load there (too large, invalid front matter):
    # never "new". Its owners as far as they can be read, and whether that is all of them.
    base_fallback: LenientOwners | None = None

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
    admin = config.rules.admin_team
    if others:
        shown = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
        needed.append(Requirement(f"{admin} reviewer (for {shown})", config.members(admin) - {handle(author)}))
    if not changes and not others:
        # Commits that cancel out change nothing, so nobody's approval is asked for; a check
        # that turned green on that alone would be a green merge nobody approved.
        needed.append(_admin(config, author, "a pull request with no net change"))
    for change in changes:
        needed += _owner_requirements(change, config, author, problems)
        for category in change.categories:
            candidates = config.reviewers_for(category) - {handle(author)}
            role = f"{category.name} reviewer ({', '.join(category.reviewers)})"
            needed.append(Requirement(role, candidates))
    unique = list(dict.fromkeys(needed))
    problems += [f"nobody in the base roster can approve as {r.role}" for r in unique if not r.candidates]
    return unique, problems


def _admin(config: Config, author: str, why: str) -> Requirement:
    admin = config.rules.admin_team
    return Requirement(f"{admin} reviewer (for {why})", config.members(admin) - {handle(author)})


def _owner_requirements(change: HandoffChange, config: Config, author: str, problems: list[str]) -> list[Requirement]:
    if change.unreadable:
        why = "; ".join(change.head_problems[:2]) or "it cannot be read"
        problems.append(f"{change.path} must pass `handoff check` first ({why})")
    for version, front in (("base", change.base), ("pull request's", change.head)):
        if front is not None and handle(front.from_.owner) == handle(front.to.owner):
            problems.append(
                f"{change.path}: {front.from_.owner} is both the sales owner and the receiving owner in the "
                f"{version} version; a joint approval needs two different people"
            )
    parties: list[tuple[str, str, str]] = []  # (role, @owner, team)
    extra: list[Requirement] = []
    if change.base is not None:
        parties += [
            ("sales owner", change.base.from_.owner, change.base.from_.team),
            ("receiving owner", change.base.to.owner, change.base.to.team),
        ]
    elif change.base_fallback is not None:
        # The base version exists but does not load: it is not new. Whoever it names
        # still approves, and if not both owners could be read, the admin team does too.
        fallback = change.base_fallback
        admin = config.rules.admin_team
        parties += [(role, owner, team or admin) for role, owner, team in fallback.parties]
        if not fallback.complete:
            extra.append(_admin(config, author, f"{change.path}, whose base version cannot be read: {fallback.why}"))
    known = parties[:]
    parties += _head_parties(change, config, known, problems)
    if known and change.head is not None:
        parties = [
            (("previous " + role) if _replaced(role, owner, change) else role, owner, team)
            for role, owner, team in parties
        ]
    return [_owner_requirement(role, owner, team, config, author) for role, owner, team in parties] + extra


def _head_parties(
    change: HandoffChange, config: Config, known: list[tuple[str, str, str]], problems: list[str]
) -> list[tuple[str, str, str]]:
    """The pull request's owners that the base version does not already name for the same role."""
    if change.head is None:
        return []
    added: list[tuple[str, str, str]] = []
    for role, party in (("sales owner", change.head.from_), ("receiving owner", change.head.to)):
        if party.owner.casefold() not in config.members(party.team):
            problems.append(
                f"{change.path}: {role} {party.owner} is not a member of team `{party.team}` "
                "in the base branch's schema/teams.yaml"
            )
        if any(r == role and handle(o) == handle(party.owner) for r, o, _ in known):
            continue
        added.append((role if not known else f"new {role}", party.owner, party.team))
    return added


def _replaced(role: str, owner: str, change: HandoffChange) -> bool:
    """A base owner the pull request replaces (they must still approve)."""
    if role.startswith("new ") or change.head is None:
        return False
    current = change.head.from_.owner if role == "sales owner" else change.head.to.owner
    return handle(current) != handle(owner)


def _owner_requirement(role: str, owner: str, team: str, config: Config, author: str) -> Requirement:
    side = SALES if role.endswith("sales owner") else RECEIVING
    if handle(owner) != handle(author):
        return Requirement(f"{role} {owner}", frozenset({handle(owner)}), side)
    # The author's approval never counts; GitHub does not even let them approve.
    # Another member of their team (base roster) approves in their place.
    stand_ins = config.members(team) - {handle(author)}
    return Requirement(f"{role} {owner} (the author; another member of `{team}`)", stand_ins, side)


def roster(config: Config) -> frozenset[str]:
    """Everyone whose review can count: the base branch's teams, and reviewers named by @handle.

    A custom-terms category may name a person (``reviewers: ["@lena-legal"]``) rather
    than a team; that person counts as written, team or not.
    """
    members = {m for team in config.teams for m in config.members(team)}
    named = {r.casefold() for c in config.categories for r in c.reviewers if r.startswith("@")}
    return frozenset(members | named)


def decide(
    needed: Sequence[Requirement],
    problems: Sequence[str],
    reviews: Sequence[Review],
    *,
    author: str,
    head_sha: str,
    people: frozenset[str],
    same_change: Mapping[str, str] | None = None,
) -> Decision:
    """Success only when every requirement has a counted approval of the head's change and nobody blocks.

    An approval counts when it was given on ``head_sha`` or on a commit in ``same_change``:
    commits whose own change (their diff against their merge base) was proven identical
    to the head's, mapped to how it was proven. What was approved is the change, not the
    commit id, so an "Update branch" merge from the base costs nobody a fresh approval.
    """
    lines: list[str] = []
    carried: list[str] = []
    approved: set[str] = set()
    blocking: set[str] = set()
    equal = same_change or {}
    for who, review in sorted(latest_decisions(reviews).items()):
        ignored = _ignored(who, review, author=author, head_sha=head_sha, people=people, same_change=equal)
        if ignored:
            lines.append(f"- not counted: {who} {review.state.lower().replace('_', ' ')} — {ignored}")
        elif review.state == "CHANGES_REQUESTED":
            blocking.add(who)
        elif review.state == "APPROVED":
            approved.add(who)
            if review.commit_id is not None and review.commit_id != head_sha:
                carried.append(who)
                lines.append(f"- carried over: {who} approved {review.commit_id[:12]}, {equal[review.commit_id]}")
    return _verdict(needed, problems, approved, blocking, carried, lines)


def _verdict(  # noqa: PLR0917 - private; one caller passes its working sets in one order
    needed: Sequence[Requirement],
    problems: Sequence[str],
    approved: set[str],
    blocking: set[str],
    carried: list[str],
    lines: list[str],
) -> Decision:
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
    if not waiting:
        waiting += _one_person_both_sides(needed, approved, lines)
    if waiting:
        return Decision(State.PENDING, _short("Waiting for: " + ", ".join(waiting)), tuple(lines))
    if not needed:  # requirements() always asks someone; an empty list is a caller's bug, never a pass
        return Decision(State.FAILURE, "Blocked: nobody was asked to approve this change", tuple(lines))
    text = "Approved by every required reviewer"
    if carried:
        text += f" ({', '.join(carried)} on an earlier commit with the same change)"
    return Decision(State.SUCCESS, _short(text), tuple(lines))


def _one_person_both_sides(needed: Sequence[Requirement], approved: set[str], lines: list[str]) -> list[str]:
    """A joint approval joins two people: the sales side and the receiving side never rest on one."""
    sides = {
        side: {who for r in needed if r.side == side for who in r.candidates & approved} for side in (SALES, RECEIVING)
    }
    if not sides[SALES] or not sides[RECEIVING]:
        return []
    if any(s != r for s in sides[SALES] for r in sides[RECEIVING]):
        return []
    [only] = sides[SALES]
    lines.append(f"- ⏳ {only} approved for both sides; a second person must approve for one of them")
    return [f"a second person ({only} approved for both sides)"]


def _ignored(
    who: str, review: Review, *, author: str, head_sha: str, people: frozenset[str], same_change: Mapping[str, str]
) -> str | None:
    """Why this reviewer's latest review does not count, if it does not."""
    if who == handle(author):
        return "the pull request's author"
    if who not in people:
        return "not in the base branch's schema/teams.yaml"
    if review.state == "APPROVED" and review.commit_id != head_sha and review.commit_id not in same_change:
        return f"approved an older commit ({(review.commit_id or '?')[:12]}) whose change differs from the head's"
    if review.state == "DISMISSED":
        return "the review was dismissed"
    return None


# --- what was approved: the change, not the commit id --------------------------------------

# A hunk header's line numbers say where a change sits, not what it is (as `git patch-id`).
_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@.*$", re.MULTILINE)


@dataclass(frozen=True)
class ChangedPatch:
    """One file of a pull request's own change (its diff against its merge base)."""

    filename: str
    status: str
    previous_filename: str | None
    patch: str | None  # None: GitHub shows no patch (binary, too large)


def change_identity(files: Sequence[ChangedPatch], complete: bool) -> tuple[str | None, str]:
    """A digest of a change that is equal exactly when two changes are the same, or why there is none.

    Like ``git patch-id`` it ignores where the hunks sit (line numbers), so the same edit
    on a newer base has the same identity; unlike it, whitespace counts (YAML indentation
    is meaning). Every file counts, not only the handoffs: "no other difference". A file
    without a patch, or a list GitHub cut short, cannot be proven equal, so nothing carries over.
    """
    if not complete:
        return None, "GitHub's comparison lists only part of the change"
    digest = hashlib.sha256()
    for change in sorted(files, key=lambda f: (f.filename, f.previous_filename or "")):
        if change.patch is None and change.status not in {"removed", "renamed"}:
            return None, f"{change.filename} has no patch to compare (binary or too large)"
        body = _HUNK_HEADER.sub("@@", change.patch or "")
        for part in (change.filename, change.previous_filename or "", change.status, body):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    return digest.hexdigest(), "same change"


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
