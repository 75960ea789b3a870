"""``handoff on-merge``: one first-milestone issue per merged handoff, never two."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import git
from tests.github_double.state import Issue


def push_event(w: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str) -> None:
    after = git(w.root, "rev-parse", "HEAD").strip()
    path = tmp_path / "push.json"
    path.write_text(json.dumps({"before": before, "after": after, "ref": "refs/heads/main"}), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    monkeypatch.setenv("GITHUB_SHA", after)


def merge(w: World, files: dict[str, str]) -> str:
    before = git(w.root, "rev-parse", "HEAD").strip()
    w.commit_base(files)
    return before


def milestone_issues(w: World) -> list[Issue]:
    return [i for i in w.gh.issues.values() if i.pull is None and "first-milestone" in i.labels]


def test_a_merged_handoff_gets_one_assigned_labelled_issue(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    result = run_cli("on-merge")
    assert result.exit_code == 0, result.err
    [issue] = milestone_issues(world)
    assert issue.assignees == ["raj-impl"]
    assert "due 2026-12-15" in issue.title
    assert "Technical kickoff and integration plan signed off" in issue.title
    assert f"/blob/{git(world.root, 'rev-parse', 'HEAD').strip()}/{HANDOFF}" in (issue.body or "")
    assert set(issue.labels) == {"first-milestone", "handoff"}


def test_a_rerun_never_opens_a_second_issue(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    assert run_cli("on-merge").exit_code == 0
    again = run_cli("on-merge")
    assert again.exit_code == 0
    assert "already exists" in again.out
    assert len(milestone_issues(world)) == 1
    assert len(world.double.calls("POST", r"/issues$")) == 1


def test_a_push_without_handoffs_opens_nothing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {"docs/readme.md": "hello\n"}))
    result = run_cli("on-merge")
    assert result.exit_code == 0
    assert "no handoff" in result.out
    assert not world.double.requests


def test_a_502_when_opening_the_issue_is_retried(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    world.double.fail_next("POST", r"/issues$", status=502, times=1)
    assert run_cli("on-merge").exit_code == 0
    assert len(milestone_issues(world)) == 1


def test_repeated_502_fails_loudly(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.setenv("HANDOFF_GITHUB_ATTEMPTS", "2")
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    world.double.fail_next("POST", r"/issues$", status=502, times=5)
    result = run_cli("on-merge")
    assert result.exit_code == 2
    assert "GitHub kept failing after 2 attempts" in result.err
    assert not milestone_issues(world)


def test_a_modified_handoff_with_an_issue_is_left_alone(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    assert run_cli("on-merge").exit_code == 0
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN.replace("Cut the", "Reduce the")}))
    assert run_cli("on-merge").exit_code == 0
    assert len(milestone_issues(world)) == 1


def test_the_first_push_of_a_branch_treats_every_handoff_as_merged(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    merge(world, {HANDOFF: PLAIN})
    push_event(world, tmp_path, monkeypatch, "0" * 40)  # GitHub's `before` for a new branch
    assert run_cli("on-merge").exit_code == 0
    assert len(milestone_issues(world)) == 1


def test_merge_events_are_recorded_once(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    push_event(world, tmp_path, monkeypatch, merge(world, {HANDOFF: PLAIN}))
    events = tmp_path / "events.jsonl"

    first = run_cli("on-merge", "--events", events)
    again = run_cli("on-merge", "--events", events)

    assert first.exit_code == again.exit_code == 0
    assert "recorded 1 merge event(s)" in first.out
    assert "recorded 0 merge event(s)" in again.out
    [event] = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert event["type"] == "merge"
    assert event["handoff"] == HANDOFF.removeprefix("handoffs/").removesuffix(".md")
