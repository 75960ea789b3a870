"""What every command and page says about a handoff, each fact defined once, here.

``handoff check`` (HO406), ``handoff gate kickoff``, ``handoff alerts``, ``handoff
metrics``, the site (home page, not-kickoff-ready view, handoff pages) and the pull
request brief all state these facts; they ask this module instead of deciding for
themselves, so no two of them can disagree.  The README's "What the tools mean by…"
section describes the same definitions in words.

A fact that needs data which is not at hand (no git repository, no GitHub token, an
API failure) is ``unknown``, with the reason: never "yes" in one place and "no" in
another.  Anything that decides on an unknown fails closed (the gate blocks).

Nothing here reads files, git or GitHub: callers gather the data (the base branch's
files, the approval record, the findings) and these functions decide.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:  # only annotated: the CLI imports this module for its constants
    from handoffs.document.body import Body

# --- three-valued answers -----------------------------------------------------------


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Verdict:
    """One answer and the sentence that explains it (for NO and UNKNOWN, the reason)."""

    answer: Answer
    reason: str

    @property
    def yes(self) -> bool:
        return self.answer is Answer.YES

    @property
    def unknown(self) -> bool:
        return self.answer is Answer.UNKNOWN


# --- approved -----------------------------------------------------------------------


def approved(base_paths: frozenset[str] | None, ref: str, relative: str | None, problem: str | None = None) -> Verdict:
    """A handoff is approved when its file is on the base branch: merging is the joint approval.

    ``base_paths`` are the files on the base branch (``None`` when they cannot be
    listed, e.g. outside a git repository: then the answer is unknown, ``problem`` says why).
    """
    if base_paths is None:
        return Verdict(Answer.UNKNOWN, f"approval cannot be verified: {problem or 'the base branch cannot be read'}")
    if relative is not None and relative in base_paths:
        return Verdict(Answer.YES, f"approved (merged into {ref})")
    return Verdict(Answer.NO, f"not approved (never merged into {ref})")


# --- who approved, from which source --------------------------------------------------

SOURCE_GITHUB = "GitHub reviews"
SOURCE_TRAILERS = "Approved-by trailers"
OFFLINE_STAND_IN = (
    "offline (no GITHUB_TOKEN): the approving commit's `Approved-by:` trailers stand in for the pull request's reviews"
)


@dataclass(frozen=True, slots=True)
class Approvers:
    """Who approved the version on the base branch, and how we know.

    ``authoritative`` is True when GitHub's reviews were read: someone they do not name
    did not approve.  Offline only the commit trailers are known, so someone they do not
    name may still have approved: that is unknown, not "no".  ``problem`` says why the
    reviews could not be read (then nothing beyond the trailers is known).
    """

    handles: frozenset[str]  # casefolded @handles
    source: str  # SOURCE_GITHUB or SOURCE_TRAILERS
    authoritative: bool
    problem: str | None = None

    @classmethod
    def of(cls, handles: Iterable[str], *, source: str, problem: str | None = None) -> Approvers:
        return cls(
            frozenset(h.casefold() for h in handles), source, source == SOURCE_GITHUB and problem is None, problem
        )

    def why_incomplete(self) -> str:
        if self.problem:
            return f"the reviews could not be read ({self.problem})"
        return OFFLINE_STAND_IN


def approved_by_one_of(handles: frozenset[str], approval: Verdict, approvers: Approvers | None) -> Answer:
    """Whether one of ``handles`` (casefolded) approved the version on the base branch.

    Yes when the approval record names one of them.  Someone it does not name did not
    approve only when that is known: the handoff is not approved at all, or GitHub's
    reviews were read.  Otherwise (offline trailers, reviews unreadable, approval
    unknown) it is unknown, never "no".
    """
    if approvers is not None and handles & approvers.handles:
        return Answer.YES
    if approval.answer is Answer.NO or (approvers is not None and approvers.authoritative):
        return Answer.NO
    return Answer.UNKNOWN


# --- which review of each reviewer counts -------------------------------------------------

# An approval, a change request or a dismissal is a reviewer's decision; a comment changes none.
DECISIVE_REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})


class ReviewLike(Protocol):
    """A pull-request review as every consumer holds it: who, and what they decided."""

    @property
    def user(self) -> str: ...  # the login, without @ ("" when the account is gone)

    @property
    def state(self) -> str: ...  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING


ReviewT = TypeVar("ReviewT", bound=ReviewLike)


def handle(login: str) -> str:
    """A GitHub login as the roster writes it: ``@login``, casefolded."""
    return "@" + login.lstrip("@").casefold()


def latest_decisions(reviews: Iterable[ReviewT]) -> dict[str, ReviewT]:
    """Each reviewer's latest decision, by ``handle``, as GitHub counts them.

    ``reviews`` come oldest first (GitHub's order): a later decision replaces an earlier
    one, a comment replaces nothing.  A review whose author's account no longer exists
    names nobody, so it is no one's decision.  The joint approval, the approval record
    (site, gate, alerts) and the metrics all ask this function.
    """
    latest: dict[str, ReviewT] = {}
    for review in reviews:
        if review.user and review.state in DECISIVE_REVIEW_STATES:
            latest[handle(review.user)] = review
    return latest


def approving_logins(reviews: Iterable[ReviewLike]) -> tuple[str, ...]:
    """The logins (as GitHub spells them) whose latest decision is an approval, in order of first decision."""
    return tuple(review.user for review in latest_decisions(reviews).values() if review.state == "APPROVED")


# --- custom terms reviewed -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermsReview:
    """Whether each flagged custom-term category was reviewed by one of its reviewers."""

    reviewed: tuple[str, ...]
    not_reviewed: tuple[str, ...]
    unknown: tuple[str, ...]
    reason: str  # why the not-reviewed or unknown ones are so ("" when all are reviewed)

    @property
    def verdict(self) -> Verdict:
        if self.not_reviewed:
            return Verdict(Answer.NO, f"custom terms not reviewed: {', '.join(self.not_reviewed)} ({self.reason})")
        if self.unknown:
            return Verdict(Answer.UNKNOWN, f"custom-term review unknown: {', '.join(self.unknown)} ({self.reason})")
        if self.reviewed:
            return Verdict(Answer.YES, f"custom terms reviewed: {', '.join(self.reviewed)}")
        return Verdict(Answer.YES, "no custom terms flagged")

    def state_of(self, category: str) -> Answer:
        if category in self.reviewed:
            return Answer.YES
        return Answer.UNKNOWN if category in self.unknown else Answer.NO


def terms_reviewed(
    flagged: Sequence[str],
    approval: Verdict,
    approvers: Approvers | None,
    reviewers: Mapping[str, frozenset[str]],
) -> TermsReview:
    """Custom terms are reviewed when, for each flagged category, one of its reviewers
    approved the version that was merged.

    ``reviewers`` maps each category to the casefolded handles who may approve for it
    (``Config.reviewers_for``).  Before approval nobody has reviewed anything yet; with
    GitHub's reviews the answer is yes or no; offline the trailers can only say yes.
    """
    flagged = tuple(dict.fromkeys(flagged))
    if not flagged:
        return TermsReview((), (), (), "")
    if approval.answer is Answer.NO:
        return TermsReview((), flagged, (), "the handoff is not approved yet")
    if approval.unknown or approvers is None:
        why = approval.reason if approval.unknown else "no approval record"
        return TermsReview((), (), flagged, why)
    done = tuple(c for c in flagged if reviewers.get(c, frozenset()) & approvers.handles)
    rest = tuple(c for c in flagged if c not in done)
    if not rest:
        return TermsReview(done, (), (), "")
    if approvers.authoritative:
        return TermsReview(done, rest, (), f"no reviewer of the category approved ({approvers.source})")
    return TermsReview(done, (), rest, f"{approvers.why_incomplete()}, and they name no reviewer of it")


# --- kickoff-ready -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Readiness:
    """Kickoff-ready, or the reasons it is not (``blockers``) or cannot be known (``unknowns``)."""

    blockers: tuple[str, ...]
    unknowns: tuple[str, ...]

    @property
    def answer(self) -> Answer:
        if self.blockers:
            return Answer.NO
        return Answer.UNKNOWN if self.unknowns else Answer.YES

    @property
    def ready(self) -> bool:
        return self.answer is Answer.YES

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason it is not known to be ready: blockers first, then the unknowns."""
        return (*self.blockers, *self.unknowns)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


STATUS_NOT_READY_CODE = "HO406"  # the rule that applies `status_earned`: its own finding is no further reason


def status_earned(*, errors: int, open_items: int, approval: Verdict) -> Readiness:
    """What `kicked-off` and `completed` need (rule HO406): approved, no errors, no open items.

    The part of kickoff-ready that ``handoff check`` can know from the file and git alone;
    ``kickoff_readiness`` adds the custom-term review and the first milestone.
    """
    blockers: list[str] = []
    unknowns: list[str] = []
    if errors:
        blockers.append(f"{plural(errors, 'error')} in the file")
    if open_items:
        blockers.append(f"{plural(open_items, 'open item')} unresolved")
    if approval.answer is Answer.NO:
        blockers.append(approval.reason)
    elif approval.unknown:
        unknowns.append(approval.reason)
    return Readiness(tuple(blockers), tuple(unknowns))


def kickoff_readiness(
    *, errors: int, open_items: int, approval: Verdict, terms: TermsReview, milestone: bool = True
) -> Readiness:
    """A handoff is kickoff-ready when it is approved, has no errors, no open items, a
    readable first milestone, and every flagged custom-term category was reviewed.

    ``errors`` leaves out HO406 (``STATUS_NOT_READY_CODE``): that finding restates these blockers.
    """
    earned = status_earned(errors=errors, open_items=open_items, approval=approval)
    blockers = list(earned.blockers)
    unknowns = list(earned.unknowns)
    if not milestone:
        blockers.append("no readable first milestone (the front matter is invalid)")
    terms_verdict = terms.verdict
    if terms_verdict.answer is Answer.NO and approval.answer is not Answer.NO:
        blockers.append(terms_verdict.reason)  # before approval, "not approved" already says it
    elif terms_verdict.unknown and not approval.unknown:
        unknowns.append(terms_verdict.reason)
    return Readiness(tuple(blockers), tuple(unknowns))


def approved_before_kickoff(approved_at: dt.datetime, kickoff: dt.date) -> bool:
    """Approved in time for the kickoff: on a day (in UTC) strictly before the kickoff date.

    Kickoff readiness "before the kickoff" (``handoff metrics``) and the monthly review's
    "not merged before the kickoff date" and "custom terms approved late" all ask this.
    """
    return day_of(approved_at) < kickoff


def day_of(moment: dt.datetime) -> dt.date:
    """The calendar day of a recorded moment (an approval, a completion): in UTC, whatever the
    committer's time zone, so a report's dates, months and "before the kickoff" agree."""
    return moment.astimezone(dt.UTC).date()


# --- overdue ------------------------------------------------------------------------------

ACTIVE_STATUSES = ("kicked-off", "completed")  # statuses that must be earned (rule HO406)
OPEN_STATUSES = ("proposed", "kicked-off")  # work still ahead: dates can be missed
KICKOFF_HORIZON_DAYS = 14  # "kickoff soon": the home page's and `handoff alerts`' default horizon


def overdue(due: dt.date, today: dt.date) -> bool:
    """A date is overdue once it has passed: due yesterday or earlier."""
    return due < today


def done_on_time(due: dt.date, done_at: dt.datetime) -> bool:
    """Done in time: the due date had not passed (``overdue``) on the day it was done, in UTC.

    Done on the due date itself is on time.  The metrics' first-milestone completion rate asks this.
    """
    return not overdue(due, day_of(done_at))


def milestone_overdue(due: dt.date, status: str, today: dt.date) -> bool:
    """The first milestone is overdue when its date has passed and the handoff is not done."""
    return status in OPEN_STATUSES and overdue(due, today)


def kickoff_at_risk(kickoff: dt.date, status: str, readiness: Readiness, today: dt.date, horizon_days: int) -> bool:
    """Kickoff has passed or is within ``horizon_days``, the handoff is still `proposed`,
    and it is not known to be kickoff-ready."""
    return status == "proposed" and not readiness.ready and (kickoff - today).days <= horizon_days


def kickoff_when(kickoff: dt.date, today: dt.date) -> str:
    """ "kickoff was on …, 3 days ago" / "kickoff is today" / "kickoff on …, in 5 days"."""
    days = (kickoff - today).days
    if days < 0:
        return f"kickoff was on {kickoff}, {plural(-days, 'day')} ago"
    if days == 0:
        return f"kickoff is today ({kickoff})"
    return f"kickoff on {kickoff}, in {plural(days, 'day')}"


# --- scope change ----------------------------------------------------------------------

# Changing a scope section (``SectionRoles.scope`` in schema/types.yaml: promised scope,
# exclusions, success criteria, custom terms) of an approved handoff is a scope change (SPEC §5).
_SPACE = re.compile(r"\s+")

Scope = tuple[tuple[str, tuple[str, ...]], ...]  # (section, normalised entries), sections present only


def normalise(text: str) -> str:
    """Text as compared for a scope change: spacing and case do not count."""
    return _SPACE.sub(" ", text).strip().casefold()


def scope_of(body: Body, names: Sequence[str]) -> Scope:
    """What a version promises: the entries (items, else table rows; then paragraphs) of
    each scope section (``names``: ``config.sections.scope``), normalised."""
    scope: list[tuple[str, tuple[str, ...]]] = []
    for name in names:
        section = body.section(name)
        if section is not None:
            texts = [i.full_text for i in section.items] or [r.text for r in section.rows]
            texts += [p.text for p in section.paragraphs]
            scope.append((name, tuple(normalise(t) for t in texts)))
    return tuple(scope)


def scope_changes(before: Scope, after: Scope) -> tuple[str, ...]:
    """The scope sections whose entries differ between two versions (a section added or removed counts)."""
    old, new = dict(before), dict(after)
    return tuple(name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name))
