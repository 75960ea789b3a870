"""`handoff draft --open-pr`: from evidence to a pull request in one command (GitHub double + real git)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tests.acceptance.pr_world import World
from tests.conftest import CliResult
from tests.factories import git

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "draft"
DRAFTED = "handoffs/harbor-logistics/2026-11-23-implementation.md"


def test_draft_open_pr_pushes_the_branch_and_opens_one_pull_request(
    world: World, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    remote = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(world.root, "remote", "add", "origin", str(remote))
    git(world.root, "push", "-q", "origin", "main")
    world.gh.attach_git(remote)  # the double serves what git pushed
    shutil.copytree(CORPUS / "harbor-logistics", world.root / "evidence")

    result = run_cli(
        "draft",
        "--crm",
        "evidence/crm.json",
        "--notes",
        "evidence/discovery-call.md",
        "evidence/order-form.txt",
        "--from",
        "@dana-sales",
        "--to",
        "@raj-impl",
        "--kickoff",
        "2026-12-07",
        "--milestone-title",
        "Integration plan signed off",
        "--milestone-due",
        "2026-12-18",
        "--open-pr",
    )

    assert result.exit_code == 0, result.err
    assert "opened pull request #" in result.out
    pulls = world.gh.pulls()
    assert len(pulls) == 1
    assert pulls[0].title == "Handoff: Harbor Logistics - Dock Scheduling Platform"
    branch = "handoff/harbor-logistics/2026-11-23-implementation"
    pushed = git(remote, "show", f"refs/heads/{branch}:{DRAFTED}")
    assert pushed == (world.root / DRAFTED).read_text(encoding="utf-8")


def test_open_pr_without_a_complete_front_matter_writes_nothing(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    shutil.copytree(CORPUS / "harbor-logistics", world.root / "evidence")
    result = run_cli("draft", "--crm", "evidence/crm.json", "--to", "@raj-impl", "--open-pr")
    assert result.exit_code == 2
    assert "--open-pr needs --from, --kickoff, --milestone-title, --milestone-due" in result.err
    assert not (world.root / DRAFTED).exists()
    assert world.gh.pulls() == []
