"""``handoff open-pr FILE``: branch, commit, push to origin (a local bare repository), open the PR."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import git

BRANCH = "handoff/northwind-health/2026-11-23-implementation"


def test_open_pr_pushes_a_branch_and_opens_a_pr_with_the_template(
    world: World, origin: Path, run_cli: Callable[..., CliResult]
) -> None:
    (world.root / HANDOFF).parent.mkdir(parents=True)
    (world.root / HANDOFF).write_text(PLAIN, encoding="utf-8")
    result = run_cli("open-pr", HANDOFF)
    assert result.exit_code == 0, result.err
    assert "opened pull request #1" in result.out
    assert git(origin, "show", f"{BRANCH}:{HANDOFF}") == PLAIN
    [pull] = world.gh.pulls()
    assert pull.pull is not None
    assert (pull.pull.head_ref, pull.pull.base_ref) == (BRANCH, "main")
    assert pull.title == "Handoff: Northwind Health: EHR integration and go-live"
    assert f"- Handoff file: `{HANDOFF}`" in (pull.body or "")
    assert "- Sales owner: @dana-sales" in (pull.body or "")


def test_running_it_again_updates_the_same_pr(world: World, origin: Path, run_cli: Callable[..., CliResult]) -> None:
    (world.root / HANDOFF).parent.mkdir(parents=True)
    (world.root / HANDOFF).write_text(PLAIN, encoding="utf-8")
    assert run_cli("open-pr", HANDOFF).exit_code == 0
    edited = PLAIN.replace("Cut the time", "Reduce the time")
    (world.root / HANDOFF).write_text(edited, encoding="utf-8")
    again = run_cli("open-pr", HANDOFF)
    assert again.exit_code == 0, again.err
    assert "updated pull request #1" in again.out
    assert len(world.gh.pulls()) == 1
    assert git(origin, "show", f"{BRANCH}:{HANDOFF}") == edited


def test_a_file_outside_handoffs_is_refused(world: World, origin: Path, run_cli: Callable[..., CliResult]) -> None:
    (world.root / "notes.md").write_text("hi\n", encoding="utf-8")
    result = run_cli("open-pr", "notes.md")
    assert result.exit_code == 2
    assert "not a handoff file under handoffs/" in result.err
    assert not world.gh.pulls()


def test_a_rejected_push_is_a_clear_error(world: World, origin: Path, run_cli: Callable[..., CliResult]) -> None:
    git(world.root, "remote", "set-url", "origin", str(origin.parent / "missing.git"))
    (world.root / HANDOFF).parent.mkdir(parents=True)
    (world.root / HANDOFF).write_text(PLAIN, encoding="utf-8")
    result = run_cli("open-pr", HANDOFF)
    assert result.exit_code == 1
    assert "git failed while preparing branch" in result.err
    assert "Traceback" not in result.err
    assert not world.gh.pulls()
