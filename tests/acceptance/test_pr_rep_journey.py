"""A rep's pull request, end to end: it touches only its handoff and passes every required check.

Issue 13: the paths meant for people who never use git (`handoff issue-to-pr`, the
issue form; `handoff open-pr`) must produce pull requests that pass both required
checks — `Check handoffs and CODEOWNERS` (`handoff pr-check` + `handoff codeowners
--check`, run in a checkout of the pull request) and `handoff/joint-approval`
(`handoff approvals`, run from the base branch) — with the approvals of the
handoff's owners only: no admin, no shared file regenerated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.acceptance.test_pr_issue_to_pr import ANSWERS, issue_event
from tests.conftest import CliResult
from tests.factories import git
from tests.github_double.state import Issue

CONTEXT = "handoff/joint-approval"


@pytest.fixture
def adopted(world: World, origin: Path, run_cli: Callable[..., CliResult]) -> World:
    """main as an adopted repository has it: schema/ and the generated CODEOWNERS, pushed."""
    assert run_cli("codeowners").exit_code == 0
    world.commit_base({})
    git(world.root, "push", "-q", "origin", "main")
    world.gh.branch_from_git("main")  # the double learns the pushed main, as GitHub would
    return world


def checkout_of_the_pull(w: World, origin: Path, tmp_path: Path, pull: Issue) -> Path:
    """What actions/checkout gives the PR check: a clone at the pull request's head."""
    assert pull.pull is not None
    clone = tmp_path / "pr-checkout"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "checkout", "-q", pull.pull.head_ref)
    return clone


def required_pr_check(
    clone: Path, pull: Issue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> list[CliResult]:
    """The two steps of the required job, as pr-check.yml runs them."""
    base = git(clone, "rev-parse", "origin/main").strip()
    head = git(clone, "rev-parse", "HEAD").strip()
    event = tmp_path / "pull_request.json"
    pr = {"number": pull.number, "base": {"sha": base}, "head": {"sha": head}}
    event.write_text(json.dumps({"number": pull.number, "pull_request": pr}), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.chdir(clone)
    return [run_cli("pr-check"), run_cli("codeowners", "--check")]


def joint_approval(
    w: World, pull: Issue, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> tuple[str, str]:
    """`handoff approvals` from a checkout of the base branch, as joint-approval.yml runs it."""
    git(w.root, "checkout", "-q", "main")
    monkeypatch.chdir(w.root)
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    result = run_cli("approvals", "--pr", str(pull.number))
    [status] = [s for s in w.gh.statuses_for(pull.head_sha) if s.context == CONTEXT][:1]
    return status.state, result.out + result.err


def test_an_issue_form_pr_passes_the_required_checks_with_only_its_owners_approvals(
    adopted: World,
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    issue_event(adopted, tmp_path, monkeypatch, ANSWERS)
    opened = run_cli("issue-to-pr")
    assert opened.exit_code == 0, opened.err
    [pull] = adopted.gh.pulls()
    assert pull.pull is not None

    # The pull request changes the handoff and nothing else: no shared file.
    changed = git(origin, "diff", "--name-only", f"main...{pull.pull.head_ref}").split()
    assert changed == [HANDOFF]

    clone = checkout_of_the_pull(adopted, origin, tmp_path, pull)
    pr_check, codeowners = required_pr_check(clone, pull, tmp_path, monkeypatch, run_cli)
    assert pr_check.exit_code == 0, pr_check.out + pr_check.err
    assert codeowners.exit_code == 0, codeowners.out
    assert "blocked" not in adopted.gh.issues[pull.number].labels
    # The PR check asked exactly the two owners (no category is flagged, no admin).
    assert set(pull.pull.requested_reviewers) == {"dana-sales", "raj-impl"}

    pull.add_review("dana-sales")
    state, out = joint_approval(adopted, pull, monkeypatch, run_cli)
    assert state == "pending", out
    pull.add_review("raj-impl")
    state, out = joint_approval(adopted, pull, monkeypatch, run_cli)
    assert state == "success", out


def test_an_open_pr_by_the_rep_passes_the_required_checks(
    adopted: World,
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    # Dana runs open-pr with her own token: she is the pull request's author.
    adopted.double.state.add_token("dana-token", "dana-sales")
    monkeypatch.setenv("GITHUB_TOKEN", "dana-token")
    (adopted.root / HANDOFF).parent.mkdir(parents=True)
    (adopted.root / HANDOFF).write_text(PLAIN, encoding="utf-8")
    opened = run_cli("open-pr", HANDOFF)
    assert opened.exit_code == 0, opened.err
    [pull] = adopted.gh.pulls()
    assert pull.user == "dana-sales"
    assert pull.pull is not None
    assert git(origin, "diff", "--name-only", f"main...{pull.pull.head_ref}").split() == [HANDOFF]

    monkeypatch.setenv("GITHUB_TOKEN", "test-token")  # the workflow's token
    clone = checkout_of_the_pull(adopted, origin, tmp_path, pull)
    pr_check, codeowners = required_pr_check(clone, pull, tmp_path, monkeypatch, run_cli)
    assert pr_check.exit_code == 0, pr_check.out + pr_check.err
    assert codeowners.exit_code == 0, codeowners.out
    assert set(pull.pull.requested_reviewers) == {"raj-impl"}  # never the author

    # The author's own approval never counts: a sales teammate stands in for Dana.
    pull.add_review("raj-impl")
    pull.add_review("li-ae")
    state, out = joint_approval(adopted, pull, monkeypatch, run_cli)
    assert state == "success", out
