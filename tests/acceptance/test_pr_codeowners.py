"""``handoff codeowners [--check]``: generated from the front matter and the roster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult
from tests.factories import FRONT_MATTER, handoff_text, write_handoff


def test_generates_owners_per_handoff_and_the_admin_paths(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo)
    other = FRONT_MATTER.replace("@raj-impl", "@sofia-impl")
    write_handoff(repo, "globex/2026-11-20-implementation", handoff_text(other))
    result = run_cli("codeowners")
    assert result.exit_code == 0, result.err
    lines = (repo / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert "/handoffs/northwind-health/2026-11-23-implementation.md @dana-sales @raj-impl" in lines
    assert "/handoffs/globex/2026-11-20-implementation.md @dana-sales @sofia-impl" in lines
    for path in ("/schema/", "/tools/", "/.github/", "/mkdocs.yml", "/CODEOWNERS"):
        assert f"{path} @rita-revops" in lines


def test_every_other_path_is_the_admin_teams_and_the_handoffs_win(
    repo: Path, run_cli: Callable[..., CliResult]
) -> None:
    # GitHub applies the last matching line: the catch-all first, the handoffs after it.
    write_handoff(repo)
    assert run_cli("codeowners").exit_code == 0
    lines = [
        line
        for line in (repo / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "* @rita-revops"  # pyproject.toml, site-src/…: revenue operations
    assert lines.index("/handoffs/**/*.md") < lines.index(
        "/handoffs/northwind-health/2026-11-23-implementation.md @dana-sales @raj-impl"
    )


def test_check_passes_when_current_and_fails_with_a_diff_when_stale(
    repo: Path, run_cli: Callable[..., CliResult]
) -> None:
    write_handoff(repo)
    assert run_cli("codeowners").exit_code == 0
    assert run_cli("codeowners", "--check").exit_code == 0
    changed = FRONT_MATTER.replace('owner: "@raj-impl"', 'owner: "@sofia-impl"')
    write_handoff(repo, text=handoff_text(changed))
    stale = run_cli("codeowners", "--check")
    assert stale.exit_code == 1
    assert "CODEOWNERS is out of date" in stale.out
    assert "+/handoffs/northwind-health/2026-11-23-implementation.md @dana-sales @sofia-impl" in stale.out
    assert "@raj-impl" in (repo / "CODEOWNERS").read_text(encoding="utf-8")  # --check wrote nothing


def test_check_fails_when_missing(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo)
    result = run_cli("codeowners", "--check")
    assert result.exit_code == 1
    assert "CODEOWNERS is missing" in result.out


def test_a_handoff_with_broken_front_matter_is_skipped_not_fatal(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo, "broken/2026-11-23-implementation", "---\ntitle: [unclosed\n---\n\n## Customer goal\n")
    write_handoff(repo)
    assert run_cli("codeowners").exit_code == 0
    text = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert "broken" not in text
    assert "northwind-health" in text


def test_rerunning_is_stable(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo)
    run_cli("codeowners")
    first = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert "already up to date" in run_cli("codeowners").out
    assert (repo / "CODEOWNERS").read_text(encoding="utf-8") == first
