"""Issue 11: ways to a green ``handoff/joint-approval`` without the approvals, each closed.

Every test plays one attack (or one gap) from the security review against the real
command, over real HTTP to the OpenAPI-checked GitHub double, with a real git checkout
of the base branch as the code and roster that decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import handoff_text
from tests.github_double.state import Issue

CONTEXT = "handoff/joint-approval"
OTHER = "handoffs/acme/2026-10-01-onboarding.md"


def states(w: World, sha: str) -> list[str]:
    """The joint-approval states set on ``sha``, oldest first."""
    return [s.state for s in reversed(w.gh.statuses_for(sha)) if s.context == CONTEXT]


def status_of(w: World, sha: str) -> tuple[str, str]:
    found = [s for s in w.gh.statuses_for(sha) if s.context == CONTEXT]
    assert found, f"no {CONTEXT} status on {sha}"
    return found[0].state, found[0].description or ""


def approvals(run_cli: Callable[..., CliResult], pull: Issue, *extra: str) -> tuple[int, str]:
    result = run_cli("approvals", "--pr", str(pull.number), *extra)
    return result.exit_code, result.out + result.err


# --- 1. a forged status: a pull request into another branch, whose roster and code the author wrote ---


def test_a_pull_request_into_another_branch_is_refused_and_sets_no_status(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    # PR #1 deal-x → main is pending; the author opens deal-x → evil, a branch whose roster
    # names them finance. The protected evaluator refuses to judge it at all.
    pull = world.open_pull({HANDOFF: handoff_text()})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.gh.add_branch("evil", world.gh.resolve_ref("main"))
    evil = world.gh.add_pull("Same head, other base", user="mallory", head=pull.pull.head_ref, base="evil")  # type: ignore[union-attr]
    evil.pull.head_sha = pull.head_sha  # type: ignore[union-attr]
    code, out = approvals(run_cli, evil)
    assert code == 1, out
    assert "targets 'evil'" in out
    assert "refused" in out
    assert states(world, pull.head_sha) == [], "nothing may be posted on the shared head commit"


# --- 2. a replayed run: old code and roster judging today's reviews ----------------------------


def test_a_replayed_run_from_an_old_workflow_sha_is_refused(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = world.sync_main()
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0
    # Main moves on (say, raj-impl leaves the roster); someone re-runs the old run:
    # GitHub replays its original GITHUB_WORKFLOW_SHA.
    world.commit_base({"notes/roster-change.txt": "raj-impl left\n"})
    monkeypatch.setenv("GITHUB_WORKFLOW_SHA", old)
    pull.add_review("raj-impl", "CHANGES_REQUESTED")
    before = states(world, pull.head_sha)
    code, out = approvals(run_cli, pull)
    assert code == 1, out
    assert f"workflow (GITHUB_WORKFLOW_SHA) is {old[:12]}" in out
    assert "re-run of an old run" in out
    assert states(world, pull.head_sha) == before, "a refused run sets no status"


def test_a_checkout_that_is_not_the_branch_tip_is_refused(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    # GitHub's main moves past the checkout (a run that checked out an old github.sha).
    world.gh.add_commit("Newer rules", parents=[world.gh.resolve_ref("main")], branch="main")
    code, out = approvals(run_cli, pull)
    assert code == 1, out
    assert "this run's checkout is" in out
    assert states(world, pull.head_sha) == []


# --- 3. owners skipped ------------------------------------------------------------------------


def _unloadable(text: str) -> str:
    """The handoff with front matter that fails validation (an unknown key), owners still readable."""
    return text.replace("title:", "surprise: true\ntitle:", 1)


def test_an_unloadable_base_version_still_needs_its_previous_owner(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    world.commit_base({HANDOFF: _unloadable(PLAIN)})
    friendly = PLAIN.replace('owner: "@raj-impl"', 'owner: "@sofia-impl"')
    pull = world.open_pull({HANDOFF: friendly}, author="dana-sales")
    pull.add_review("li-ae")
    pull.add_review("sofia-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "previous receiving owner @raj-impl" in description
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0, "the base owners were read: the admin team is not needed"


def test_a_base_version_too_large_to_load_still_needs_its_owners(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    huge = PLAIN + ("\\n" + "x" * 1000) * 1100  # over max_file_bytes (1 MB): refused unread by the model
    world.commit_base({HANDOFF: huge})
    friendly = PLAIN.replace('owner: "@raj-impl"', 'owner: "@sofia-impl"')
    pull = world.open_pull({HANDOFF: friendly}, author="dana-sales")
    pull.add_review("li-ae")
    pull.add_review("sofia-impl")
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "pending"), out
    assert "previous receiving owner @raj-impl" in status_of(world, pull.head_sha)[1]


def test_deleting_an_unloadable_handoff_needs_its_owners(world: World, run_cli: Callable[..., CliResult]) -> None:
    world.commit_base({HANDOFF: _unloadable(PLAIN)})
    pull = world.open_pull({HANDOFF: None}, author="marco-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "sales owner @dana-sales" in description
    assert "receiving owner @raj-impl" in description
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0


def test_a_base_version_whose_owners_cannot_be_read_needs_the_admin_team(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    broken = PLAIN.replace('owner: "@raj-impl"', "owner: [unclosed", 1)
    world.commit_base({HANDOFF: broken})
    pull = world.open_pull({HANDOFF: None}, author="marco-ae")
    pull.add_review("dana-sales")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert description.startswith("Waiting for: revenue-operations reviewer"), description
    assert f"revenue-operations reviewer (for {HANDOFF}, whose base version cannot be read" in out
    pull.add_review("rita-revops")
    assert approvals(run_cli, pull)[0] == 0


def test_one_person_as_both_owners_of_a_new_handoff_fails(world: World, run_cli: Callable[..., CliResult]) -> None:
    solo = (
        PLAIN.replace('owner: "@dana-sales"', 'owner: "@li-ae"')
        .replace('owner: "@raj-impl"', 'owner: "@li-ae"')
        .replace("team: implementation", "team: sales")
    )
    pull = world.open_pull({HANDOFF: solo}, author="marco-ae")
    pull.add_review("li-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "both the sales owner and the receiving owner" in description


def test_one_approval_never_answers_for_both_sides(world: World, run_cli: Callable[..., CliResult]) -> None:
    # The author is the sales owner; li-ae, a sales stand-in, is also the receiving owner.
    mixed = PLAIN.replace('owner: "@raj-impl"', 'owner: "@li-ae"').replace("team: implementation", "team: sales")
    pull = world.open_pull({HANDOFF: mixed}, author="dana-sales")
    pull.add_review("li-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "a second person (@li-ae approved for both sides)" in description
    pull.add_review("marco-ae")  # another sales member stands in for the author
    assert approvals(run_cli, pull)[0] == 0


# --- 4. a green status that outlives the facts ----------------------------------------------------


def test_an_api_failure_after_a_green_status_leaves_no_success(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_GITHUB_ATTEMPTS", "2")
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0
    assert status_of(world, pull.head_sha)[0] == "success"
    pull.add_review("raj-impl", "CHANGES_REQUESTED")  # the re-evaluation then fails half-way
    world.double.fail_next("GET", r"/pulls/1/reviews$", status=502, times=10)
    code, out = approvals(run_cli, pull)
    assert code == 2, out
    assert "Traceback" not in out
    state, description = status_of(world, pull.head_sha)
    assert state == "error", description
    assert "Could not evaluate: GitHub failed" in description
    assert states(world, pull.head_sha)[-3:] == ["success", "pending", "error"]


def test_when_even_the_error_status_fails_pending_stands(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_GITHUB_ATTEMPTS", "1")
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0

    def fail_from_now_on(body: object) -> object:
        # Pending is set by now; then reading the reviews fails, and so does writing `error`.
        world.double.fail_next("GET", r"/pulls/1/reviews$", status=502, times=1)
        world.double.fail_next("POST", r"/statuses/", status=502, times=1)
        return body

    world.double.corrupt_next("GET", r"/pulls/1/files$", fail_from_now_on)
    code, out = approvals(run_cli, pull)
    assert code == 2, out
    assert status_of(world, pull.head_sha)[0] == "pending"


# --- 5. commits that cancel out ----------------------------------------------------------------


def test_a_pull_request_with_no_net_change_is_not_green_on_its_own(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    pull = world.open_pull({}, author="marco-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "revenue-operations reviewer (for a pull request with no net change)" in description
    pull.add_review("rita-revops")
    assert approvals(run_cli, pull)[0] == 0


# --- 6. category reviewers named by @handle ------------------------------------------------------


def test_a_category_reviewer_named_by_handle_counts_as_written(world: World, run_cli: Callable[..., CliResult]) -> None:
    terms = (world.root / "schema" / "custom-terms.yaml").read_text(encoding="utf-8")
    outside = terms.replace("reviewers: [finance]", 'reviewers: ["@outside-cfo"]', 1)
    assert outside != terms
    world.commit_base({"schema/custom-terms.yaml": outside})
    pull = world.open_pull({HANDOFF: handoff_text()})  # flags pricing
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "pending"), out
    pull.add_review("outside-cfo")
    code, out = approvals(run_cli, pull)
    assert code == 0, out
    assert "not in the base branch's schema/teams.yaml" not in out


# --- 7. approvals bound to the change, not the commit id ------------------------------------------


def test_update_branch_from_main_carries_the_approvals_over(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    approved_on = pull.head_sha
    assert approvals(run_cli, pull)[0] == 0
    world.commit_base({OTHER: "another team's handoff\n"})  # main moves on
    merged = pull.update_branch()  # "Update branch": main merged into the pull request
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, merged)
    assert (code, state) == (0, "success"), out
    assert "@dana-sales, @raj-impl on an earlier commit with the same change" in description
    assert f"carried over: @dana-sales approved {approved_on[:12]}" in out
    assert "the same change as the head" in out


def test_a_content_change_after_update_branch_needs_fresh_approvals(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.commit_base({OTHER: "another team's handoff\n"})
    pull.update_branch()
    world.push(pull, {HANDOFF: PLAIN.replace("Cut the time", "Reduce the time")})
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "sales owner @dana-sales" in description
    assert "whose change differs from the head's" in out


def test_a_merge_of_another_branch_is_a_content_change(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.push(pull, {"tools/handoffs/pr/approval.py": "rigged\n"})  # smuggled in beside the approved change
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "pending"), out


# --- 8. merge queues --------------------------------------------------------------------------


def test_a_merge_group_gets_the_pull_requests_decision(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    group = world.gh.add_commit("Merge queue entry", parents=[world.gh.resolve_ref("main"), pull.head_sha])
    ref = f"gh-readonly-queue/main/pr-{pull.number}-{pull.head_sha}"
    result = run_cli("approvals", "--merge-group-ref", ref, "--merge-group-sha", group.sha)
    assert result.exit_code == 1, result.out
    assert status_of(world, group.sha)[0] == "pending"
    pull.add_review("raj-impl")
    result = run_cli("approvals", "--merge-group-ref", ref, "--merge-group-sha", group.sha)
    assert result.exit_code == 0, result.out + result.err
    assert status_of(world, group.sha)[0] == "success"
    assert "Merge-queue entry" in result.out
    assert states(world, pull.head_sha) == [], "the pull request's own status is not touched"


def test_a_merge_group_relayed_by_workflow_run_is_decided(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    group = world.gh.add_commit("Merge queue entry", parents=[world.gh.resolve_ref("main"), pull.head_sha])
    event = {
        "action": "completed",
        "workflow_run": {
            "event": "merge_group",
            "head_sha": group.sha,
            "head_branch": f"gh-readonly-queue/main/pr-{pull.number}-{pull.head_sha}",
        },
    }
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))
    result = run_cli("approvals")
    assert result.exit_code == 0, result.out + result.err
    assert status_of(world, group.sha)[0] == "success"


def test_a_merge_group_for_an_outdated_head_is_refused(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    queued = pull.head_sha
    world.push(pull, {HANDOFF: handoff_text()})
    group = world.gh.add_commit("Merge queue entry", parents=[world.gh.resolve_ref("main"), queued])
    ref = f"gh-readonly-queue/main/pr-{pull.number}-{queued}"
    result = run_cli("approvals", "--merge-group-ref", ref, "--merge-group-sha", group.sha)
    assert result.exit_code == 1
    assert "refused" in result.out
    assert states(world, group.sha) == []


def test_a_relayed_review_decides_the_pull_request_into_the_protected_branch(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world.gh.add_branch("evil", world.gh.resolve_ref("main"))
    decoy = world.gh.add_pull("Same head, other base", user="mallory", head="deal-x", base="evil")
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.pull.head_ref = "deal-x"  # type: ignore[union-attr]
    decoy.pull.head_sha = pull.head_sha  # type: ignore[union-attr]
    world.gh.add_branch("deal-x", pull.head_sha)
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    event = {
        "action": "completed",
        "workflow_run": {
            "event": "pull_request_review",
            "head_sha": pull.head_sha,
            "head_branch": "deal-x",
            "head_repository": {"owner": {"login": "acme"}},
        },
    }
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(tmp_path / "event.json"))
    result = run_cli("approvals")
    assert result.exit_code == 0, result.out + result.err
    assert f"Joint approval of #{pull.number}" in result.out
    assert status_of(world, pull.head_sha)[0] == "success"
