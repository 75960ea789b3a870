"""`handoff gate kickoff`: every blocking reason, and agreement with the HO406 status rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, commit_all, git, handoff_text, make_repo, write_handoff
from tests.github_double.server import GitHubDouble

HID = "northwind-health/2026-11-23-implementation"
OPEN_ITEM = "- Renewal date unknown (open: @dana-sales by 2026-12-20)\n"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline unless a test points the gate at the GitHub double."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)


# The finance team reviews `pricing`, the category the default handoff flags.
REVIEWED = "approved handoff\n\nApproved-by: @raj-impl\nApproved-by: @frank-finance"


def _approve(repo: Path, text: str, subject: str = REVIEWED) -> Path:
    path = write_handoff(repo, HID, text)
    commit_all(repo, subject)
    return path


def _gate(run_cli: Callable[..., CliResult], *extra: str | Path) -> CliResult:
    return run_cli("gate", "kickoff", HID, *extra)


def _ho406(run_cli: Callable[..., CliResult], path: Path) -> bool:
    """Does `check` refuse `status: kicked-off` on this file (its text otherwise unchanged)?"""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: proposed", "status: kicked-off"), encoding="utf-8")
    report = json.loads(run_cli("check", "--format", "json", path).out)
    path.write_text(text, encoding="utf-8")
    return any(f["code"] == "HO406" for f in report["findings"])


def test_an_approved_clean_handoff_passes(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = _approve(repo, handoff_text())
    result = _gate(run_cli)
    assert result.exit_code == 0, result.out
    assert "PASSED" in result.out
    assert "custom terms reviewed: pricing" in result.out
    assert "custom-term rule applied: offline (no GITHUB_TOKEN)" in result.out
    assert _ho406(run_cli, path) is False


def test_offline_without_a_trailer_naming_a_reviewer_the_review_is_unknown_and_blocks(
    repo: Path, run_cli: Callable[..., CliResult]
) -> None:
    path = _approve(repo, handoff_text(), "approved handoff")
    result = _gate(run_cli, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.out)
    assert data["blockers"] == [
        "custom-term review unknown: pricing (offline (no GITHUB_TOKEN): the approving commit's `Approved-by:` "
        "trailers stand in for the pull request's reviews, and they name no reviewer of it)"
    ]
    assert _ho406(run_cli, path) is False  # the status rule asks only what the file and git can tell


def test_unapproved_handoff_is_blocked(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    (repo / "README.md").write_text("x", encoding="utf-8")
    commit_all(repo, "start")
    git(repo, "checkout", "-q", "-b", "pr")
    path = _approve(repo, handoff_text())  # committed on the PR branch only
    result = _gate(run_cli)
    assert result.exit_code == 1
    assert "not approved (never merged into main)" in result.out
    assert _ho406(run_cli, path) is True


def test_errors_block_with_their_lines(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = _approve(repo, handoff_text(body=BODY.replace("- Sandbox access", "- TBD sandbox access")))
    result = _gate(run_cli)
    assert result.exit_code == 1
    assert "in the file: line" in result.out
    assert "HO302" in result.out
    assert _ho406(run_cli, path) is True


def test_open_items_block(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = _approve(repo, handoff_text(body=BODY.replace("## Open risks\n\n", "## Open risks\n\n" + OPEN_ITEM)))
    result = _gate(run_cli, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.out)
    assert data["passed"] is False
    assert data["blockers"] == [
        "1 open item unresolved: line 61 (open: @dana-sales by 2026-12-20) Renewal date unknown"
    ]
    assert _ho406(run_cli, path) is True


def test_invalid_front_matter_has_no_first_milestone(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    broken = FRONT_MATTER.replace("first_milestone:\n", "first_milestones:\n")
    _approve(repo, handoff_text(broken))
    result = _gate(run_cli)
    assert result.exit_code == 1
    assert "no readable first milestone" in result.out
    assert "in the file: line" in result.out


def test_outside_git_approval_cannot_be_verified(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    root = make_repo(tmp_path / "plain", git_init=False)
    write_handoff(root, HID)
    result = _gate(run_cli, "--root", root)
    assert result.exit_code == 1
    assert "approval cannot be verified" in result.out


@pytest.mark.parametrize("handoff_id", ["nobody/2026-11-23-implementation"])
def test_unknown_handoff(repo: Path, run_cli: Callable[..., CliResult], handoff_id: str) -> None:
    result = run_cli("gate", "kickoff", handoff_id)
    assert result.exit_code == 1
    assert f"no handoff `{handoff_id}`" in result.err


def _online(github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch, *reviews: tuple[str, str]) -> None:
    """Point the gate at the double, where pull request #1 (the one that merged the handoff) has ``reviews``."""
    gh = github_double.state.add_repo("acme/handoffs")
    for name, value in github_double.environ("acme/handoffs").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    pull = gh.add_pull("Add handoff", files=[f"handoffs/{HID}.md"])
    assert pull.number == 1
    for user, state in reviews:
        pull.add_review(user, state)


def test_online_custom_terms_need_an_approval_from_their_category_reviewers(
    repo: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handoff flags `pricing` (reviewers: the finance team, @frank-finance).
    _online(github_double, monkeypatch, ("raj-impl", "APPROVED"), ("frank-finance", "APPROVED"))
    _approve(repo, handoff_text(), "Add handoff (#1)")
    result = _gate(run_cli)
    assert result.exit_code == 0, result.out
    assert "custom-term rule applied: GitHub reviews of pull request #1" in result.out
    assert "custom terms reviewed: pricing" in result.out


def test_online_approval_by_someone_else_does_not_review_the_terms(
    repo: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The receiving owner approved; finance approved, then asked for changes (the later review counts).
    _online(
        github_double,
        monkeypatch,
        ("raj-impl", "APPROVED"),
        ("frank-finance", "APPROVED"),
        ("frank-finance", "CHANGES_REQUESTED"),
    )
    _approve(repo, handoff_text(), "Merge pull request #1 from acme/handoff")
    result = _gate(run_cli, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.out)
    assert data["blockers"] == [
        "custom terms not reviewed: pricing (no reviewer of the category approved (GitHub reviews))"
    ]
    assert "custom-term rule applied: GitHub reviews of pull request #1 by each category's reviewers" in data["notes"]


def test_online_a_typed_trailer_names_nobody_the_reviews_do_not(
    repo: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack: whoever merges (an admin's bypass) types `Approved-by: @frank-finance`; Frank never approved."""
    _online(github_double, monkeypatch, ("raj-impl", "APPROVED"))
    _approve(repo, handoff_text(), "Add handoff (#1)\n\nApproved-by: @raj-impl\nApproved-by: @frank-finance")
    result = _gate(run_cli, "--format", "json")
    assert result.exit_code == 1, result.out
    assert json.loads(result.out)["blockers"] == [
        "custom terms not reviewed: pricing (no reviewer of the category approved (GitHub reviews))"
    ]


def test_online_unknown_pull_request_blocks(
    repo: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    _online(github_double, monkeypatch, ("frank-finance", "APPROVED"))
    _approve(repo, handoff_text(), "approved handoff")  # a direct commit: its subject names no pull request
    result = _gate(run_cli)
    assert result.exit_code == 1
    assert "custom-term review unknown: pricing (the reviews could not be read (the approving commit" in result.out
    assert "names no pull request" in result.out
