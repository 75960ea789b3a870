"""``handoff approvals``: the joint-approval matrix of issue 3, over real HTTP against the double."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, handoff_text
from tests.github_double.state import Issue

CONTEXT = "handoff/joint-approval"


def status_of(w: World, sha: str) -> tuple[str, str]:
    found = [s for s in w.gh.statuses_for(sha) if s.context == CONTEXT]
    assert found, f"no {CONTEXT} status on {sha}"
    return found[0].state, found[0].description or ""


def approvals(run_cli: Callable[..., CliResult], pull: Issue) -> tuple[int, str]:
    result = run_cli("approvals", "--pr", str(pull.number))
    return result.exit_code, result.out + result.err


def test_both_owners_approving_the_head_is_success(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    assert code == 0, out
    assert status_of(world, pull.head_sha)[0] == "success"


def test_one_owner_only_is_pending_and_names_who_is_missing(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "receiving owner @raj-impl" in description
    assert "@dana-sales" not in description


def test_the_authors_own_approval_never_counts(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN}, author="dana-sales")
    pull.add_review("dana-sales")  # GitHub refuses this; even if it got through, it must not count
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "sales owner @dana-sales" in description
    assert "the pull request's author" in out
    # Another member of the sales team (base roster) stands in for the author.
    pull.add_review("li-ae")
    assert approvals(run_cli, pull)[0] == 0


def test_an_approval_of_an_older_commit_does_not_count(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.push(pull, {HANDOFF: PLAIN.replace("Cut the time", "Reduce the time")})
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "sales owner @dana-sales" in description
    assert "receiving owner @raj-impl" in description
    assert "older commit" in out


def test_approved_then_changes_requested_is_failure(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    pull.add_review("raj-impl", "CHANGES_REQUESTED")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "changes requested by @raj-impl" in description


def test_comments_do_not_count_and_do_not_reset_an_approval(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl", "COMMENTED")
    assert approvals(run_cli, pull)[0] == 1
    pull.add_review("raj-impl")
    pull.add_review("raj-impl", "COMMENTED")
    assert approvals(run_cli, pull)[0] == 0


def test_an_approver_outside_the_roster_does_not_count(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: handoff_text()})  # flags pricing: finance must approve
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    pull.add_review("mallory")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "pricing reviewer (finance)" in description
    assert "@mallory approved — not in the base branch's schema/teams.yaml" in out


def test_changing_the_receiving_owner_still_needs_the_previous_owner(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    world.commit_base({HANDOFF: PLAIN})
    friendly = PLAIN.replace('owner: "@raj-impl"', 'owner: "@sofia-impl"')
    pull = world.open_pull({HANDOFF: friendly}, author="dana-sales")
    pull.add_review("li-ae")
    pull.add_review("sofia-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "previous receiving owner @raj-impl" in description
    pull.add_review("raj-impl")
    assert approvals(run_cli, pull)[0] == 0


def test_a_pr_adding_its_author_to_the_roster_is_judged_by_the_base_roster(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    teams = (world.root / "schema" / "teams.yaml").read_text(encoding="utf-8")
    new_teams = teams.replace('sales: ["@dana-sales"', 'sales: ["@mallory", "@dana-sales"')
    assert new_teams != teams
    mine = PLAIN.replace('owner: "@dana-sales"', 'owner: "@mallory"')
    pull = world.open_pull({"schema/teams.yaml": new_teams, HANDOFF: mine}, author="mallory")
    pull.add_review("raj-impl")
    pull.add_review("li-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "@mallory is not a member of team `sales`" in description
    assert not world.double.calls("GET", r"/contents/schema"), "the PR's roster must not even be read"


def test_a_pr_editing_tools_cannot_change_the_decision(world: World, run_cli: Callable[..., CliResult]) -> None:
    rigged = "def decide(*args, **kwargs):\n    return 'success'\n"
    pull = world.open_pull({"tools/handoffs/pr/approval.py": rigged, HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "pending"), out
    assert not world.double.calls("GET", r"/contents/tools"), "the PR's code must never be fetched"
    # Both owners are not enough: a change to the process needs its admin team as well.
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "revenue-operations reviewer (for tools/handoffs/pr/approval.py)" in description
    pull.add_review("rita-revops")
    assert approvals(run_cli, pull)[0] == 0


def test_a_new_handoffs_owners_must_be_in_their_teams_on_base(world: World, run_cli: Callable[..., CliResult]) -> None:
    wrong_team = PLAIN.replace("team: implementation", "team: onboarding")
    pull = world.open_pull({HANDOFF: wrong_team})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "@raj-impl is not a member of team `onboarding`" in description


def test_a_flagged_legal_term_needs_the_legal_reviewer(world: World, run_cli: Callable[..., CliResult]) -> None:
    legal = BODY.replace(
        "- 15% discount on year-one subscription fees (source: order form §5)",
        "- Liability cap of 2x annual fees (source: MSA §9)",
    )
    pull = world.open_pull({HANDOFF: handoff_text(FRONT_MATTER, legal)})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert "legal reviewer (legal)" in description
    pull.add_review("lena-legal")
    assert approvals(run_cli, pull)[0] == 0
    assert status_of(world, pull.head_sha)[0] == "success"


def test_every_page_of_reviews_is_read(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    for _ in range(120):
        pull.add_review("nora-support", "COMMENTED")
    pull.add_review("raj-impl", "CHANGES_REQUESTED")  # on the second page of 100
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "failure"), out
    pages = [e for e in world.double.calls("GET", r"/pulls/1/reviews$") if e.query.get("page") == ["2"]]
    assert pages, "the second page of reviews was never requested"


def test_a_502_is_retried(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.double.fail_next("GET", r"/pulls/1/reviews$", status=502, times=1)
    code, out = approvals(run_cli, pull)
    assert code == 0, out
    assert [e.status for e in world.double.calls("GET", r"/pulls/1/reviews$")] == [502, 200]


def test_a_rate_limit_is_retried(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.double.rate_limit_next("GET", r"/pulls/1$", retry_after=0)
    assert approvals(run_cli, pull)[0] == 0


def test_repeated_502_fails_loudly_and_never_reports_success(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_GITHUB_ATTEMPTS", "3")
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.double.fail_next("GET", r"/pulls/1/reviews$", status=502, times=10)
    code, out = approvals(run_cli, pull)
    assert code == 2, out
    assert "GitHub kept failing after 3 attempts" in out
    assert "HTTP 502" in out
    assert "Traceback" not in out
    assert not [s for s in world.gh.statuses_for(pull.head_sha) if s.state == "success"]
    assert len(world.double.calls("GET", r"/pulls/1/reviews$")) == 3


def test_the_summary_explains_the_decision(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    approvals(run_cli, pull)
    summary = (world.root.parent / "summary.md").read_text(encoding="utf-8")
    assert "Joint approval of #1: ⏳ pending" in summary
    assert "✅ sales owner @dana-sales: approved by @dana-sales" in summary
    assert "⏳ receiving owner @raj-impl: waiting" in summary


# --- the security review's findings: each a way to a green status without the approvals ---


@pytest.mark.parametrize("path", ["pyproject.toml", "site-src/overrides/main.html"])
def test_a_change_outside_the_handoffs_needs_the_admin_team(
    world: World, run_cli: Callable[..., CliResult], path: str
) -> None:
    # pyproject.toml is what the workflows `pip install .`; site-src/ is published raw.
    pull = world.open_pull({path: "[project]\nname = 'owned'\n"}, author="marco-ae")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "pending"), out
    assert f"revenue-operations reviewer (for {path})" in description
    pull.add_review("rita-revops")
    assert approvals(run_cli, pull)[0] == 0


def test_a_new_handoff_that_cannot_be_read_fails(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN + "\x00"})
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert f"{HANDOFF} must pass `handoff check` first" in description


def test_a_handoff_that_is_not_utf8_at_the_head_fails(world: World, run_cli: Callable[..., CliResult]) -> None:
    # "\udce9" is served as the single byte 0xE9 (Latin-1 "é"): not UTF-8, as `check` says (HO100).
    pull = world.open_pull({HANDOFF: PLAIN.replace("Northwind", "Northw\udce9nd", 1)})
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert f"{HANDOFF} must pass `handoff check` first" in description
    assert "HO100" in out


def test_an_unreadable_change_keeps_the_existing_owners_and_fails(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    world.commit_base({HANDOFF: handoff_text()})  # flags pricing: finance reviews it
    pull = world.open_pull({HANDOFF: handoff_text() + "\x00"})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    assert (code, status_of(world, pull.head_sha)[0]) == (1, "failure"), out
    assert "must pass `handoff check` first" in out
    assert "sales owner @dana-sales: approved" in out  # the base owners are still listed


def test_a_handoff_with_duplicate_yaml_keys_fails(world: World, run_cli: Callable[..., CliResult]) -> None:
    world.commit_base({HANDOFF: PLAIN})
    doubled = PLAIN.replace("title:", 'title: "Rollout"\ntitle:', 1)
    pull = world.open_pull({HANDOFF: doubled})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "must pass `handoff check` first" in description
    assert "HO112" in out


def test_a_file_list_cut_short_by_github_fails(world: World, run_cli: Callable[..., CliResult]) -> None:
    pull = world.open_pull({HANDOFF: PLAIN, "notes/junk.txt": "junk\n"})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    pull.add_review("rita-revops")
    assert approvals(run_cli, pull)[0] == 0  # complete: approved
    # GitHub lists at most 3000 files: the pull request counts more than the list holds.
    world.double.corrupt_next("GET", r"/pulls/1$", lambda body: {**body, "changed_files": 3002})
    code, out = approvals(run_cli, pull)
    state, description = status_of(world, pull.head_sha)
    assert (code, state) == (1, "failure"), out
    assert "GitHub listed 2 of the pull request's 3002 changed files" in description


def test_a_push_while_evaluating_sets_no_status_on_the_old_head(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    old_head = pull.head_sha

    def push_meanwhile(body: object) -> object:
        world.push(pull, {HANDOFF: handoff_text()})  # a pricing term: finance would be needed
        return body

    world.double.corrupt_next("GET", r"/pulls/1/files$", push_meanwhile)
    code, out = approvals(run_cli, pull)
    assert code == 1, out
    assert "the run for the newer push decides" in out
    assert pull.head_sha != old_head
    # The old head was set to pending before the evaluation began, and stays so: never success.
    assert [s.state for s in world.gh.statuses_for(old_head) if s.context == CONTEXT] == ["pending"]
    assert not [s for s in world.gh.statuses_for(pull.head_sha) if s.context == CONTEXT]
