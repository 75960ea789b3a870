"""Each fact the tools state is defined once (issue 10: "`git grep` finds no second definition").

The agreement tests (tests/acceptance/test_verdicts_agree.py) show the consumers agree
today; these scans keep a second definition from coming back: the literal that writes a
fact down may appear only in the module that owns it.  String and number literals are
read with ``tokenize``, so comments and docstrings that merely mention a fact do not count.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from handoffs.approval_record import approvals_by_path, who_approved
from handoffs.git import mainline_history
from handoffs.metrics.analysis import HandoffRecord
from handoffs.metrics.compute import readiness_at_kickoff
from handoffs.metrics.history import read_history
from handoffs.metrics.reviews import ReviewData, Unavailable
from handoffs.verdicts import (
    OFFLINE_STAND_IN,
    SOURCE_GITHUB,
    SOURCE_TRAILERS,
    Answer,
    Approvers,
    Verdict,
    approved_before_kickoff,
    approved_by_one_of,
    day_of,
    done_on_time,
    overdue,
)
from tests.factories import commit_all, make_repo, write_handoff

PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "handoffs"


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string (its value) and number literal of ``path``, docstrings left out."""
    found: list[tuple[int, str]] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.STRING and previous not in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            found.append((token.start[0], token.string))
        elif token.type == tokenize.NUMBER:
            found.append((token.start[0], token.string.replace("_", "")))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return found


def _where(matches: Callable[[list[str]], bool]) -> set[str]:
    """The modules with a line whose literals ``matches``."""
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        by_line: dict[int, list[str]] = {}
        for line, literal in _literals(path):
            by_line.setdefault(line, []).append(literal.strip("\"'"))
        if any(matches(literals) for literals in by_line.values()):
            found.add(path.relative_to(PACKAGE).as_posix())
    return found


def _any(test: Callable[[str], bool]) -> Callable[[list[str]], bool]:
    return lambda literals: any(test(literal) for literal in literals)


# fact -> (what writes it down, the one module allowed to)
SINGLE = {
    # the states that are a reviewer's decision, listed together
    "which review of each reviewer counts": (
        lambda literals: {"CHANGES_REQUESTED", "DISMISSED"} <= set(literals),
        {"verdicts.py"},
    ),
    "the first-milestone issue's marker": (_any(lambda s: "handoff-first-milestone" in s), {"milestone_issue.py"}),
    "the first-milestone issue's label": (_any(lambda s: s == "first-milestone"), {"milestone_issue.py"}),
    "GitHub's comment size limit": (_any(lambda s: s.isdigit() and 60_000 <= int(s) <= 70_000), {"github.py"}),
    "where the GitHub token is read from": (_any(lambda s: s in ("GH_TOKEN", "GH_ENTERPRISE_TOKEN")), {"github.py"}),
    "the approval trailer's key": (_any(lambda s: s == "Approved-by" or "key=Approved-by" in s), {"git.py"}),
    "an approval without a pull request has no reviews": (
        _any(lambda s: "names no pull request" in s),
        {"approval_record.py"},
    ),
}


@pytest.mark.parametrize("fact", SINGLE)
def test_written_down_in_one_module_only(fact: str) -> None:
    matches, owners = SINGLE[fact]
    assert _where(matches) == owners


# fact -> (a comparison that decides it, the one module allowed to write it)
DECIDED = {
    # today against a date, or a moment against a due date "on or before" (the complement of overdue)
    "a date has passed (overdue)": (
        re.compile(r"<\s*(?:ctx\.)?today\b|\btoday\s*>(?!=)|<=\s*[\w.]*\bdue\b|\bdue\s*>="),
        {"verdicts.py"},
    ),
    # the status or stage vocabulary written out as a type (crm/mapping.py lists the CRMs the sync
    # supports, a fact of its own)
    "the front matter's vocabularies": (
        re.compile(r"Literal\[\s*\"(?:proposed|kicked-off|closed-won|advancing)"),
        {"model.py"},
    ),
    # whether someone the approval record does not name approved: "no" only when that is known
    # (the gate also reads it, only to name the source its custom-term rule used)
    "someone not named did not approve": (re.compile(r"\.authoritative\b"), {"verdicts.py", "commands/gate.py"}),
    # who may approve for each custom-term category, the mapping every verdict is given
    "the reviewers of each category": (
        re.compile(r"reviewers_for\(\s*\w+\s*\)\s+for\s+\w+\s+in\s+[\w.]*categories"),
        {"config.py"},
    ),
    # an approval's moment set against a kickoff, either way round
    "approved before the kickoff": (
        re.compile(r"approved_at\S*\s*[<>]=?\s*\S*kickoff|kickoff\S*\s*[<>]=?\s*\S*approved_at"),
        {"verdicts.py"},
    ),
}


def _code_lines(path: Path) -> list[str]:
    """The lines of ``path`` with comments and docstrings blanked (a mention is no definition)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
        if token.type == tokenize.COMMENT or (token.type == tokenize.STRING and token.line.strip() == token.string):
            for number in range(token.start[0], token.end[0] + 1):
                lines[number - 1] = ""
    return lines


@pytest.mark.parametrize("fact", DECIDED)
def test_decided_in_one_module_only(fact: str) -> None:
    pattern, owners = DECIDED[fact]
    found = {
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(pattern.search(line) for line in _code_lines(path))
    }
    assert found == owners


def _record(**changes: object) -> HandoffRecord:
    """A handoff approved on 2026-11-10 through pull request #7, kickoff 2026-11-20, `pricing` flagged."""
    approved = dt.datetime(2026, 11, 10, 10, tzinfo=dt.UTC)
    record = HandoffRecord(
        handoff_id="acme/2026-11-09-implementation",
        type="implementation",
        teams=("sales", "implementation"),
        opened_on=dt.date(2026, 11, 9),
        opened_at=approved - dt.timedelta(days=1),
        approved_at=approved,
        pull=7,
        complete_at_first_review=True,
        clean_at_approval=True,
        flagged_at_approval=("pricing",),
        approvers=("@dana-sales",),
        scope_changes=0,
        added_promises=0,
        added_exclusions=0,
        kickoff=dt.date(2026, 11, 20),
        close_date=None,
        stage_changed_at=None,
        milestone_due=None,
        completed_at=None,
        status="proposed",
        repeats=(),
    )
    return replace(record, **changes)  # type: ignore[arg-type]


REVIEWERS = {"pricing": frozenset({"@frank-finance"})}


@pytest.mark.parametrize(
    ("reviews", "pull", "commit", "cause"),
    [
        (Unavailable("no GITHUB_TOKEN"), 7, "", OFFLINE_STAND_IN),
        (Unavailable("GitHub review data could not be read: HTTP 502", failed=True), 7, "", "HTTP 502"),
        (ReviewData((), ()), None, "", "the approving commit names no pull request"),
    ],
    ids=["offline", "github-failed", "no-pull-request"],
)
def test_metrics_and_the_gate_choose_the_same_approval_source(
    reviews: ReviewData | Unavailable, pull: int | None, commit: str, cause: str
) -> None:
    """Who approved, and the reason it is unknown, come from ``approval_record.who_approved`` for both."""
    readiness = readiness_at_kickoff(_record(pull=pull), reviews, REVIEWERS)
    assert readiness.answer is Answer.UNKNOWN
    assert cause in readiness.unknowns[0]
    online = None if isinstance(reviews, Unavailable) and not reviews.failed else ()
    read = reviews.reason if isinstance(reviews, Unavailable) and reviews.failed else online
    gate = who_approved(("@dana-sales",), pull, read, commit)
    assert cause in gate.why_incomplete()


def test_a_recorded_moment_falls_on_its_utc_day_in_every_report() -> None:
    """The monthly review printed the committer's local day beside a UTC "late" verdict."""
    evening_in_new_york = dt.datetime(2026, 11, 19, 20, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert day_of(evening_in_new_york) == dt.date(2026, 11, 20)
    assert not approved_before_kickoff(evening_in_new_york, day_of(evening_in_new_york))


def test_approved_on_the_kickoff_day_is_not_in_time() -> None:
    kickoff = dt.date(2026, 11, 20)
    assert approved_before_kickoff(dt.datetime(2026, 11, 19, 23, 59, tzinfo=dt.UTC), kickoff)
    assert not approved_before_kickoff(dt.datetime(2026, 11, 20, 0, 1, tzinfo=dt.UTC), kickoff)
    # 2026-11-19 23:30 in New York is already the kickoff day in UTC: one calendar for every consumer
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert not approved_before_kickoff(dt.datetime(2026, 11, 19, 23, 30, tzinfo=new_york), kickoff)
    on_the_day = readiness_at_kickoff(
        _record(approved_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)), Unavailable("no GITHUB_TOKEN"), {}
    )
    assert "not approved before its kickoff date" in on_the_day.blockers


def test_a_milestone_done_on_its_due_day_is_on_time_and_agrees_with_overdue() -> None:
    """ "On time" is the complement of ``verdicts.overdue`` on the (UTC) day it was done, in the metrics too."""
    due = dt.date(2026, 11, 20)
    assert done_on_time(due, dt.datetime(2026, 11, 20, 23, 59, tzinfo=dt.UTC))
    assert not done_on_time(due, dt.datetime(2026, 11, 21, 0, 1, tzinfo=dt.UTC))
    # 2026-11-20 20:00 in New York is already 2026-11-21 in UTC: one calendar for every consumer
    assert not done_on_time(due, dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))))
    for day in (dt.date(2026, 11, 19), due, dt.date(2026, 11, 21)):
        done_at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        assert done_on_time(due, done_at) is not overdue(due, day)


@pytest.mark.parametrize(
    ("approval", "approvers", "named", "not_named"),
    [
        (Verdict(Answer.NO, "not approved"), None, Answer.NO, Answer.NO),
        (Verdict(Answer.UNKNOWN, "no git"), None, Answer.UNKNOWN, Answer.UNKNOWN),
        (Verdict(Answer.YES, "merged"), None, Answer.UNKNOWN, Answer.UNKNOWN),
        (
            Verdict(Answer.YES, "merged"),
            Approvers.of(["@dana-sales"], source=SOURCE_TRAILERS),
            Answer.YES,
            Answer.UNKNOWN,
        ),
        (
            Verdict(Answer.YES, "merged"),
            Approvers.of(["@Dana-Sales"], source=SOURCE_GITHUB, problem="HTTP 502"),
            Answer.YES,
            Answer.UNKNOWN,
        ),
        (Verdict(Answer.YES, "merged"), Approvers.of(["@dana-sales"], source=SOURCE_GITHUB), Answer.YES, Answer.NO),
    ],
    ids=["not-approved", "approval-unknown", "no-record", "offline-trailers", "github-failed", "github-read"],
)
def test_whether_a_person_approved_is_no_only_when_that_is_known(
    approval: Verdict, approvers: Approvers | None, named: Answer, not_named: Answer
) -> None:
    """The handoff page's "who approved" list asks ``verdicts.approved_by_one_of``, like the gate's term review."""
    assert approved_by_one_of(frozenset({"@dana-sales"}), approval, approvers) is named
    assert approved_by_one_of(frozenset({"@raj-impl"}), approval, approvers) is not_named


# message -> who its `Approved-by:` trailers name
TRAILER_CASES = {
    "Title (#4)\n\nApproved-by: @dana-sales\napproved-by: @raj-impl\nApproved-by: @dana-sales": (
        "@dana-sales",
        "@raj-impl",
    ),
    "Title (#4)\n\nApproved-by: @dana-sales\n\nThe deal closed on Friday.": (),  # not the trailer paragraph
    "Title (#4)\n\nApproved-by: @dana-sales (Dana)\nApproved-by: raj-impl\nApproved-by: @raj-impl": ("@raj-impl",),
}


@pytest.mark.parametrize("message", TRAILER_CASES, ids=["named", "not-trailers", "not-handles"])
def test_the_site_gate_and_metrics_read_the_same_trailers(tmp_path: Path, message: str) -> None:
    """The approval record (site, gate, alerts) and the metrics' history name the same approvers."""
    root = make_repo(tmp_path / "repo")
    write_handoff(root, "acme/2026-11-09-implementation")
    commit_all(root, message)
    record = approvals_by_path(mainline_history(root, "main") or [])["handoffs/acme/2026-11-09-implementation.md"]
    history = read_history(root, "main").files["acme/2026-11-09-implementation"]
    assert record[0].approvers == TRAILER_CASES[message]
    assert history.approval is not None
    assert history.approval.approvers == TRAILER_CASES[message]
