"""``handoff merge``: the merge writes the Approved-by trailers the joint approval verified.

Against the GitHub double with a real git repository behind it: the merge commit
GitHub makes carries one trailer per approval that counted, and none for an
approval that did not (someone outside the roster, the author, an older commit).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import git
from tests.github_double.state import Issue


@pytest.fixture
def pull(world: World, origin: Path, run_cli: Callable[..., CliResult]) -> Issue:
    """A rep's handoff pull request, opened with `handoff open-pr` by the bot, base checkout back on main."""
    (world.root / HANDOFF).parent.mkdir(parents=True)
    (world.root / HANDOFF).write_text(PLAIN, encoding="utf-8")
    assert run_cli("open-pr", HANDOFF).exit_code == 0
    git(world.root, "checkout", "-q", "main")
    (world.root / HANDOFF).unlink(missing_ok=True)
    [opened] = world.gh.pulls()
    return opened


def main_message(origin: Path) -> tuple[str, list[str]]:
    return git(origin, "log", "-1", "--format=%B", "main"), git(origin, "log", "-1", "--format=%P", "main").split()


def test_an_unapproved_pull_request_is_not_merged(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    before = git(origin, "rev-parse", "main")
    pull.add_review("dana-sales")
    result = run_cli("merge", "--pr", str(pull.number))
    assert result.exit_code == 1
    assert "is not jointly approved, nothing merged: Waiting for: receiving owner @raj-impl" in result.out
    assert git(origin, "rev-parse", "main") == before
    assert pull.pull is not None
    assert not pull.pull.merged


def test_the_merge_commit_names_exactly_the_approvals_that_counted(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    pull.add_review("raj-impl")
    pull.add_review("mallory")  # not in the roster
    pull.add_review("li-ae")  # in the roster, but nobody needed her
    pull.add_review("dana-sales")
    result = run_cli("merge", "--pr", str(pull.number))
    assert result.exit_code == 0, result.out + result.err
    assert "approved by @dana-sales, @raj-impl" in result.out
    message, parents = main_message(origin)
    assert len(parents) == 2
    assert message.splitlines()[0] == (
        f"Merge pull request #{pull.number} from acme/handoff/northwind-health/2026-11-23-implementation"
    )
    trailers = [line for line in message.splitlines() if line.startswith("Approved-by:")]
    assert trailers == ["Approved-by: @dana-sales", "Approved-by: @raj-impl"]
    assert "Approvals-verified-by: handoff merge (handoff/joint-approval on " in message
    assert git(origin, "show", f"main:{HANDOFF}") == PLAIN
    assert pull.pull is not None
    assert pull.pull.merged


def test_a_squash_merge_keeps_the_title_and_the_trailers(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    result = run_cli("merge", "--pr", str(pull.number), "--method", "squash")
    assert result.exit_code == 0, result.out + result.err
    message, parents = main_message(origin)
    assert len(parents) == 1
    assert message.splitlines()[0] == f"{pull.title} (#{pull.number})"
    assert "Approved-by: @dana-sales\nApproved-by: @raj-impl\n" in message


def test_a_changes_request_blocks_the_merge(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    pull.add_review("raj-impl", "CHANGES_REQUESTED")
    result = run_cli("merge", "--pr", str(pull.number))
    assert result.exit_code == 1
    assert "changes requested by @raj-impl" in result.out


def test_a_push_between_the_decision_and_the_merge_is_refused_by_github(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    # The merge is pinned to the judged head: GitHub answers 409 when the branch moved.
    before = git(origin, "rev-parse", "main")
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    world.double.fail_next("PUT", rf"/pulls/{pull.number}/merge$", status=409, times=1)
    result = run_cli("merge", "--pr", str(pull.number))
    assert result.exit_code == 2
    assert f"GitHub refused to merge pull request #{pull.number}: HTTP 409" in result.err
    assert "Traceback" not in result.err
    assert git(origin, "rev-parse", "main") == before


def test_a_pull_request_into_another_branch_is_not_merged(
    world: World, origin: Path, pull: Issue, run_cli: Callable[..., CliResult]
) -> None:
    assert pull.pull is not None
    pull.pull.base_ref = "release"
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    result = run_cli("merge", "--pr", str(pull.number))
    assert result.exit_code == 1
    assert "targets 'release', not 'main'" in result.out
