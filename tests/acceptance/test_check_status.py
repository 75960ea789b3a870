"""`kicked-off`/`completed` are earned: asked of real git repositories."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.factories import BODY, FRONT_MATTER, commit_all, git, handoff_text, make_repo, write_handoff

HANDOFF_ID = "northwind-health/2026-11-23-implementation"
STATUS_LINE = 21


def _kicked_off(body: str = BODY, status: str = "kicked-off") -> str:
    return handoff_text(FRONT_MATTER.replace("status: proposed", f"status: {status}"), body)


def _findings(result: Any) -> list[tuple[str, int, str]]:
    return sorted((f["code"], f["line"], f["severity"]) for f in json.loads(result.out)["findings"])


def _status_messages(result: Any) -> list[str]:
    return [f["message"] for f in json.loads(result.out)["findings"] if f["code"] in ("HO406", "HO407")]


@pytest.mark.parametrize("status", ["kicked-off", "completed"])
def test_merged_clean_handoff_may_be_kicked_off(status: str, repo: Path, run_cli: Callable[..., Any]) -> None:
    write_handoff(repo, HANDOFF_ID, _kicked_off(status=status))
    commit_all(repo, "approve northwind")

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO600", 57, "flag")]
    assert result.exit_code == 0


def test_kicked_off_on_a_branch_never_merged(repo: Path, run_cli: Callable[..., Any]) -> None:
    (repo / "README.md").write_text("handoffs\n")
    commit_all(repo, "start")
    git(repo, "checkout", "-q", "-b", "handoff/northwind")
    write_handoff(repo, HANDOFF_ID, _kicked_off())
    commit_all(repo, "northwind handoff")

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO406", STATUS_LINE, "error"), ("HO600", 57, "flag")]
    assert "not approved (never merged into main)" in _status_messages(result)[0]
    assert result.exit_code == 1


def test_base_option_names_the_approving_branch(repo: Path, run_cli: Callable[..., Any]) -> None:
    (repo / "README.md").write_text("handoffs\n")
    commit_all(repo, "start")
    git(repo, "checkout", "-q", "-b", "production")
    write_handoff(repo, HANDOFF_ID, _kicked_off())
    commit_all(repo, "approved on production")

    on_production = run_cli("check", "--format", "json", "--base", "production")
    on_main = run_cli("check", "--format", "json")

    assert _findings(on_production) == [("HO600", 57, "flag")]
    assert on_production.exit_code == 0
    assert ("HO406", STATUS_LINE, "error") in _findings(on_main)


def test_origin_base_counts_in_a_ci_checkout_without_a_local_main(
    tmp_path: Path, repo: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_handoff(repo, HANDOFF_ID, _kicked_off())
    commit_all(repo, "approved")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    git(clone, "checkout", "-q", "-b", "pr-branch")
    git(clone, "branch", "-q", "-D", "main")
    monkeypatch.chdir(clone)

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO600", 57, "flag")]


def test_open_items_block_kickoff_even_when_merged(repo: Path, run_cli: Callable[..., Any]) -> None:
    body = BODY.replace(
        "- Sandbox access to the EHR FHIR endpoint",
        "- Production credentials (open: @raj-impl by 2026-12-10)\n- Sandbox access to the EHR FHIR endpoint",
    )
    write_handoff(repo, HANDOFF_ID, _kicked_off(body))
    commit_all(repo, "approved")

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO406", STATUS_LINE, "error"), ("HO600", 57, "flag")]
    assert "1 open item unresolved" in _status_messages(result)[0]
    assert "never approved" not in _status_messages(result)[0]
    report = json.loads(result.out)
    assert report["open_items"] == [
        {
            "path": str(repo / "handoffs" / f"{HANDOFF_ID}.md"),
            "line": 65,
            "owner": "@raj-impl",
            "due": "2026-12-10",
            "text": "Production credentials",
            "section": "Implementation requirements",
            "overdue": False,
        }
    ]


def test_errors_block_kickoff_even_when_merged(repo: Path, run_cli: Callable[..., Any]) -> None:
    write_handoff(repo, HANDOFF_ID, _kicked_off(BODY.replace("(source: proposal p. 6)", "")))
    commit_all(repo, "approved")

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO303", 49, "error"), ("HO406", STATUS_LINE, "error"), ("HO600", 57, "flag")]
    assert "1 error in the file" in _status_messages(result)[0]


def test_proposed_handoff_never_asks_git(
    tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "plain", git_init=False)
    write_handoff(root, HANDOFF_ID)
    monkeypatch.chdir(root)

    result = run_cli("check", "--format", "json")

    assert _findings(result) == [("HO600", 57, "flag")]


def test_outside_git_approval_cannot_be_known_and_is_a_warning(
    tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "plain", git_init=False)
    write_handoff(root, HANDOFF_ID, _kicked_off())
    monkeypatch.chdir(root)

    result = run_cli("check", "--format", "json")
    strict = run_cli("check", "--format", "json", "--strict")

    assert _findings(result) == [("HO407", STATUS_LINE, "warning"), ("HO600", 57, "flag")]
    assert "is not inside a git repository" in _status_messages(result)[0]
    assert result.exit_code == 0
    assert ("HO407", STATUS_LINE, "error") in _findings(strict)
    assert strict.exit_code == 1
