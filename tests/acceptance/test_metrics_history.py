"""`handoff metrics` over a real git history whose every figure is worked out by hand below.

Today is pinned to Monday 2026-11-23.  The history:

A  acme-corp/2026-11-02-implementation   deal closed Fri 2026-10-30
   2026-11-02 09:00  first version on branch pr-a (complete)
   2026-11-03 15:00  merge commit into main (approval)       kickoff 2026-11-10, milestone due 2026-11-20
   2026-11-05 11:00  on main: a promise added (post-approval scope change)
   2026-11-18 16:00  on main: status completed (milestone done on time), no scope change
   one context_repeats entry
B  beta-labs/2026-11-09-onboarding       deal closed Fri 2026-11-06
   2026-11-10 12:00  first version on branch pr-b: `## Exclusions` missing (incomplete)
   2026-11-11 09:00  fixed on the branch
   2026-11-12 10:00  squash commit on main (approval)       kickoff 2026-11-12, milestone due 2026-11-19
   2026-11-13 10:00  on main: an exclusion added (post-approval scope change)
   two context_repeats entries that are the same incident (case and spacing differ)
C  gamma-inc/2026-11-16-implementation   deal closed Fri 2026-11-13
   2026-11-16 08:00  first version on branch pr-c, never merged   kickoff 2026-11-30, due 2026-12-10

A and C were drafted by `handoff crm sync` (crm.stage_changed_at): A's stage changed Fri 2026-10-30
16:00 UTC, C's Wed 2026-11-11 08:00 UTC.  B was written by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, handoff_text
from tests.github_double.server import GitHubDouble

A = "acme-corp/2026-11-02-implementation"
B = "beta-labs/2026-11-09-onboarding"
C = "gamma-inc/2026-11-16-implementation"
NEW_PROMISE = "- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)\n"
EXCLUSIONS = (
    "## Exclusions\n\n- No migration of historical discharge summaries before 2026 (source: order form §2.4)\n\n"
)


def front(
    *,
    kickoff: str,
    due: str,
    close: str,
    status: str = "proposed",
    receiving: tuple[str, str] = ("@raj-impl", "implementation"),
    handoff_type: str = "implementation",
    repeats: str = "",
    stage_changed: str | None = None,
) -> str:
    owner, team = receiving
    text = (
        FRONT_MATTER.replace("kickoff: 2026-12-01", f"kickoff: {kickoff}")
        .replace("  due: 2026-12-15", f"  due: {due}")
        .replace("close_date: 2026-11-20", f"close_date: {close}")
        .replace("status: proposed", f"status: {status}")
        .replace("type: implementation", f"type: {handoff_type}")
        .replace('owner: "@raj-impl"\n  team: implementation', f'owner: "{owner}"\n  team: {team}')
        .replace('  owner: "@raj-impl"\n  due', f'  owner: "{owner}"\n  due')
    )
    if stage_changed is not None:
        crm_url = '  url: "https://example.my.salesforce.com/006Hs00001NWHEAL"\n'
        text = text.replace(crm_url, f'{crm_url}  stage_changed_at: "{stage_changed}"\n')
        assert stage_changed in text
    return text + repeats


def git_at(root: Path, when: str, *args: str) -> None:
    stamp = f"{when}+00:00"
    env = {
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
        "PATH": os.environ["PATH"],
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def put(root: Path, handoff_id: str, text: str) -> None:
    path = root / "handoffs" / f"{handoff_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(root: Path, when: str, message: str) -> None:
    git_at(root, when, "add", "-A")
    git_at(root, when, "commit", "-q", "-m", message)


def build_history(root: Path) -> None:
    (root / "README.md").write_text("handoffs\n", encoding="utf-8")
    commit(root, "2026-10-01T09:00:00", "start")
    a_front = front(kickoff="2026-11-10", due="2026-11-20", close="2026-10-30", stage_changed="2026-10-30T16:00:00Z")
    a_repeat = '  - date: 2026-11-04\n    note: "Had to re-send the EHR contact list"\n    reported_by: "@raj-impl"\n'
    # A: branch, merge commit, then two changes on main.
    git_at(root, "2026-11-02T09:00:00", "checkout", "-q", "-b", "pr-a")
    put(root, A, handoff_text(a_front))
    commit(root, "2026-11-02T09:00:00", "A: handoff")
    git_at(root, "2026-11-03T15:00:00", "checkout", "-q", "main")
    # The trailer records the finance reviewer's approval of the `pricing` term (the offline stand-in).
    merge_message = "Merge pull request #1\n\nApproved-by: @frank-finance"
    git_at(root, "2026-11-03T15:00:00", "merge", "-q", "--no-ff", "pr-a", "-m", merge_message)
    a_body_more = BODY.replace(NEW_PROMISE, NEW_PROMISE + "- Weekly status call during rollout (source: call notes)\n")
    a_with_repeat = a_front + "context_repeats:\n" + a_repeat
    put(root, A, handoff_text(a_with_repeat, a_body_more))
    commit(root, "2026-11-05T11:00:00", "A: add a promise after approval")
    put(root, A, handoff_text(a_with_repeat.replace("status: proposed", "status: completed"), a_body_more))
    commit(root, "2026-11-18T16:00:00", "A: completed")
    # B: incomplete first version, fixed on the branch, squash-merged, then an exclusion added.
    b_front = front(
        kickoff="2026-11-12",
        due="2026-11-19",
        close="2026-11-06",
        receiving=("@tom-onboard", "onboarding"),
        handoff_type="onboarding",
        repeats=(
            "context_repeats:\n"
            '  - date: 2026-11-13\n    note: "Asked again for the go-live date"\n    reported_by: "@tom-onboard"\n'
            '  - date: 2026-11-13\n    note: "asked  again for the GO-LIVE date"\n    reported_by: "@tom-onboard"\n'
        ),
    )
    git_at(root, "2026-11-10T12:00:00", "checkout", "-q", "-b", "pr-b")
    put(root, B, handoff_text(b_front, BODY.replace(EXCLUSIONS, "")))
    commit(root, "2026-11-10T12:00:00", "B: first draft")
    put(root, B, handoff_text(b_front))
    commit(root, "2026-11-11T09:00:00", "B: add exclusions")
    git_at(root, "2026-11-12T10:00:00", "checkout", "-q", "main")
    git_at(root, "2026-11-12T10:00:00", "merge", "-q", "--squash", "pr-b")
    commit(root, "2026-11-12T10:00:00", "B: handoff (#2)")
    b_more = BODY.replace(EXCLUSIONS, EXCLUSIONS.rstrip("\n") + "\n- No custom reports (source: order form §2.5)\n\n")
    put(root, B, handoff_text(b_front, b_more))
    commit(root, "2026-11-13T10:00:00", "B: add an exclusion after approval")
    # C: open pull request only.
    git_at(root, "2026-11-16T08:00:00", "checkout", "-q", "-b", "pr-c")
    c_front = front(kickoff="2026-11-30", due="2026-12-10", close="2026-11-13", stage_changed="2026-11-11T08:00:00Z")
    put(root, C, handoff_text(c_front))
    commit(root, "2026-11-16T08:00:00", "C: handoff")
    git_at(root, "2026-11-16T08:00:00", "checkout", "-q", "main")


@pytest.fixture
def history(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    build_history(repo)
    return repo


def metrics(run_cli: Callable[..., CliResult], *args: str) -> dict[str, dict[str, object]]:
    result = run_cli("metrics", "--format", "json", *args)
    assert result.exit_code == 0, result.err
    data: dict[str, dict[str, object]] = json.loads(result.out)["metrics"]
    return data


def test_every_metric_matches_the_hand_computed_value(history: Path, run_cli: Callable[..., CliResult]) -> None:
    m = metrics(run_cli)
    assert m["handoffs"] == {"value": 3}  # A, B, C
    # First versions: A complete, B missing Exclusions, C complete -> 2/3.
    assert m["completeness_rate"] == {"value": 0.6667, "numerator": 2, "denominator": 3}
    # Items added on main after approval: A one promise; B one exclusion.
    assert m["missing_promise_count"] == {"value": 1}
    assert m["missing_exclusion_count"] == {"value": 1}
    # Scope-changing commits after approval: A 2026-11-05, B 2026-11-13 (A's status change is not one).
    assert m["rework_count"]["value"] == 2
    assert m["rework_count"]["scope_changes"] == 2
    assert m["rework_count"]["changes_requested"] is None
    # Kickoff already reached: A (11-10) and B (11-12); C (11-30) not yet.  A approved 11-03 < 11-10,
    # clean, and its `pricing` term approved by finance (trailer); B approved on its kickoff day, not before -> 1/2.
    assert m["kickoff_readiness_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2}
    # A one entry; B's two entries are one incident after normalising -> 2.
    assert m["repeated_context_incidents"]["value"] == 2
    # Due dates passed: A (11-20, completed 11-18: on time) and B (11-19, not completed); C due 12-10 -> 1/2.
    # Offline, "done" is the first `status: completed` on main, and the figure says so.
    milestone = m["first_milestone_completion_rate"]
    assert {k: milestone[k] for k in ("value", "numerator", "denominator")} == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
    }
    assert milestone["partial"] is True
    assert "status: completed" in str(milestone["basis"])
    assert "GITHUB_TOKEN" in str(milestone["unavailable"])
    # No token: acceptance unavailable, over the two approved handoffs.
    assert m["acceptance_rate"]["value"] is None
    assert m["acceptance_rate"]["denominator"] == 2
    assert "GITHUB_TOKEN" in str(m["acceptance_rate"]["unavailable"])
    # Close -> first version: A 10-30 00:00 -> 11-02 09:00 = 81 h (1 business day, within);
    # B 11-06 -> 11-10 12:00 = 108 h (2 business days, late); C 11-13 -> 11-16 08:00 = 80 h (within).
    # Median of 80, 81, 108 = 81.
    assert m["median_hours_close_to_handoff"]["value"] == 81.0
    assert m["median_hours_close_to_handoff"]["count"] == 3
    assert m["median_hours_close_to_handoff"]["within_target"] == 2
    # CRM stage change -> first version (A and C only, drafted from the CRM): A Fri 10-30 16:00 ->
    # Mon 11-02 09:00 = 65 h (1 business day, within); C Wed 11-11 08:00 -> Mon 11-16 08:00 = 120 h
    # (3 business days, late). Median 92.5.
    assert m["median_hours_stage_change_to_handoff"] == {
        "value": 92.5,
        "count": 2,
        "unit": "hours",
        "target": "<= 1 business day after the CRM stage change",
        "within_target": 1,
    }
    # First version -> approval: A 30 h, B 11-10 12:00 -> 11-12 10:00 = 46 h; median 38.
    assert m["median_hours_handoff_to_approval"]["value"] == 38.0
    assert m["median_hours_handoff_to_approval"]["count"] == 2
    # Approval -> kickoff: A 7 days (5 business days), B 0 days; median 3.5, both within 10 business days.
    assert m["median_days_approval_to_kickoff"]["value"] == 3.5
    assert m["median_days_approval_to_kickoff"]["within_target"] == 2
    assert m["returns_by_reason"]["value"] is None


def test_filters_select_by_opening_date_team_and_type(history: Path, run_cli: Callable[..., CliResult]) -> None:
    assert metrics(run_cli, "--since", "2026-11-09")["handoffs"]["value"] == 2  # B, C
    assert metrics(run_cli, "--until", "2026-11-08")["handoffs"]["value"] == 1  # A
    only_b = metrics(run_cli, "--team", "onboarding")
    assert only_b["handoffs"]["value"] == 1
    assert only_b["completeness_rate"] == {"value": 0.0, "numerator": 0, "denominator": 1}
    assert metrics(run_cli, "--type", "implementation")["handoffs"]["value"] == 2  # A, C


def _form(handoff: str, date: str, note: str) -> str:
    """The body GitHub writes for the `repeated-context` issue form."""
    return (
        f"### Handoff id\n\n{handoff}\n\n### Date\n\n{date}\n\n"
        f"### What the customer had to repeat\n\n{note}\n\n### Reported by\n\n@raj-impl\n"
    )


def test_review_data_fills_acceptance_and_returns(
    history: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh = github_double.state.add_repo("acme/handoffs")
    for name, value in github_double.environ("acme/handoffs").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    # A was approved by "Merge pull request #1", B by the squash commit "B: handoff (#2)".
    pr_a = gh.add_pull("A", files=[f"handoffs/{A}.md"])
    pr_b = gh.add_pull("B", head="b-branch", files=[f"handoffs/{B}.md"])
    assert (pr_a.number, pr_b.number) == (1, 2)
    pr_a.add_review("raj-impl", "APPROVED")
    pr_b.add_review("tom-onboard", "CHANGES_REQUESTED", body="Missing context: what did they exclude?")
    pr_b.add_review("tom-onboard", "CHANGES_REQUESTED", body="reason: wrong-scope")
    pr_b.add_review("tom-onboard", "APPROVED")
    gh.add_issue(
        "Repeated context: A",
        labels=["repeated-context"],
        body=_form(A, "2026-11-04", "had to re-send the EHR  contact list"),
    )  # same as the file entry
    gh.add_issue(
        "Repeated context: C", labels=["repeated-context"], body=_form(C, "2026-11-17", "Customer re-explained SSO")
    )
    m = metrics(run_cli)
    # Approved: A and B; B was returned for missing context -> 1/2.
    assert m["acceptance_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2, "target": 0.9}
    assert m["returns_by_reason"]["value"] == {
        "missing-context": 1,
        "wrong-scope": 1,
        "unreviewed-custom-term": 0,
        "other": 0,
    }
    # 2 scope changes + 2 changes-requested reviews.
    assert m["rework_count"] == {"value": 4, "scope_changes": 2, "changes_requested": 2}
    # 2 from files, plus C's issue; A's issue duplicates the file entry -> 3.
    assert m["repeated_context_incidents"] == {"value": 3, "from_files": 2, "from_issues": 2}
    # Merged pull requests' reviews are cached: a review added later does not change the figures.
    pr_a.add_review("dana-sales", "CHANGES_REQUESTED", body="missing context")
    assert metrics(run_cli) == m


def _milestone_issue(gh: Any, handoff: str, *, closed_at: str | None) -> None:
    """A first-milestone issue as `handoff on-merge` opens it, closed at ``closed_at`` if given."""
    issue = gh.add_issue(
        f"First milestone: {handoff}",
        labels=["first-milestone"],
        body=f"<!-- handoff-first-milestone: {handoff} -->\nKick off the rollout.",
        state="closed" if closed_at else "open",
    )
    issue.closed_at = closed_at


def test_first_milestone_is_done_when_its_issue_closes_by_the_due_date(
    history: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh = github_double.state.add_repo("acme/handoffs")
    for name, value in github_double.environ("acme/handoffs").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    gh.add_pull("A", files=[f"handoffs/{A}.md"])  # #1 and #2, the pull requests that approved A and B
    gh.add_pull("B", head="b-branch", files=[f"handoffs/{B}.md"])
    # A (due 11-20) marked completed on main 11-18, but its issue closed late, 11-21.
    _milestone_issue(gh, A, closed_at="2026-11-21T09:00:00Z")
    # B (due 11-19) never marked completed, but its issue closed on the due day (late evening UTC);
    # a second, still open issue for B with the same marker does not count twice.
    _milestone_issue(gh, B, closed_at="2026-11-19T23:30:00Z")
    _milestone_issue(gh, B, closed_at=None)
    # A labelled issue without the marker names no handoff and is ignored.
    gh.add_issue("Unrelated", labels=["first-milestone"], body="no marker", state="closed")
    m = metrics(run_cli)
    # Due: A and B (C is due 12-10 and has no issue).  On time: B only -> 1/2, the opposite of offline.
    assert m["first_milestone_completion_rate"] == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
        "basis": "first-milestone issue closed on or before first_milestone.due",
    }
    assert metrics(run_cli) == m  # recomputing counts nothing twice
    # C's milestone closed early (before its due date passed): decided, on time -> 2/3.
    _milestone_issue(gh, C, closed_at="2026-11-20T12:00:00Z")
    assert metrics(run_cli)["first_milestone_completion_rate"]["numerator"] == 2
    assert metrics(run_cli)["first_milestone_completion_rate"]["denominator"] == 3


def test_recomputing_gives_identical_output(history: Path, run_cli: Callable[..., CliResult]) -> None:
    first = run_cli("metrics", "--format", "json").out
    caches = list((history / ".git" / "handoff-metrics").glob("analysis-*.json"))
    assert len(caches) == 1  # the per-version analysis was cached
    assert run_cli("metrics", "--format", "json").out == first  # computed from the cache
    caches[0].write_text("{damaged", encoding="utf-8")
    assert run_cli("metrics", "--format", "json").out == first  # a damaged cache is ignored


def test_table_shows_threshold_and_targets(history: Path, run_cli: Callable[..., CliResult]) -> None:
    out = run_cli("metrics").out
    assert "Acceptance (target 90 %)" in out
    assert "target <= 1 business day after close: 2/3 within" in out
    assert "target <= 10 business days after approval: 2/2 within" in out
    assert "66.7 % (2/3)" in out


def test_table_states_the_missing_token_once(history: Path, run_cli: Callable[..., CliResult]) -> None:
    out = run_cli("metrics").out
    assert out.count("GITHUB_TOKEN") == 1
    assert out.rstrip().endswith("Note 1: no GITHUB_TOKEN: review data (acceptance, returns) needs the GitHub API.")
    assert out.count("see note 1") == 5  # rework, repeats, milestones, acceptance, returns


def test_the_table_shows_stage_change_to_handoff_against_its_target(
    history: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = run_cli("metrics").out
    line = next(row for row in out.splitlines() if "Median CRM stage change -> handoff PR" in row)
    assert "92.5 hours (n=2)" in line
    assert "target <= 1 business day after the CRM stage change: 1/2 within" in line


def test_csv_has_one_row_per_metric(history: Path, run_cli: Callable[..., CliResult]) -> None:
    lines = run_cli("metrics", "--format", "csv").out.splitlines()
    assert lines[0].startswith("metric,value,numerator,denominator")
    assert len(lines) == 15  # a header and one row per metric key
    assert lines[2] == "completeness_rate,0.6667,2,3,,,,"


def test_unknown_team_is_a_usage_error(history: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("metrics", "--team", "implementaton")
    assert result.exit_code == 2
    assert "did you mean `implementation`" in result.err


def test_outside_git_is_a_clear_error(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    from tests.factories import make_repo

    root = make_repo(tmp_path / "plain", git_init=False)
    result = run_cli("metrics", "--root", root)
    assert result.exit_code == 1
    assert "not a git repository" in result.err


def test_worker_processes_give_the_same_figures(
    history: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from handoffs.metrics import analysis

    sequential = metrics(run_cli)
    for cache in (history / ".git" / "handoff-metrics").glob("analysis-*.json"):
        cache.unlink()
    monkeypatch.setattr(analysis, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert metrics(run_cli) == sequential


def test_commits_made_after_a_run_are_counted(history: Path, run_cli: Callable[..., CliResult]) -> None:
    assert metrics(run_cli)["rework_count"]["value"] == 2  # fills the per-commit cache
    path = history / "handoffs" / f"{A}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(NEW_PROMISE, NEW_PROMISE + "- On-site launch day (source: email)\n"), "utf-8")
    commit(history, "2026-11-20T09:00:00", "A: another promise after approval")
    again = metrics(run_cli)
    assert again["rework_count"]["value"] == 3  # one more scope change on main
    assert again["missing_promise_count"] == {"value": 2}
