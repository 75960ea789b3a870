"""``handoff codeowners [--check]``: the process files belong to the admin team; handoffs to nobody.

Issue 13: a new handoff's pull request must not have to touch CODEOWNERS (a shared
file that needs the admin team and collides with every other open handoff PR).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult
from tests.factories import FRONT_MATTER, handoff_text, write_handoff


def _rules(repo: Path) -> list[str]:
    text = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_generates_the_admin_paths_and_no_line_per_handoff(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo)
    result = run_cli("codeowners")
    assert result.exit_code == 0, result.err
    lines = _rules(repo)
    for path in ("/schema/", "/tools/", "/.github/", "/mkdocs.yml", "/CODEOWNERS"):
        assert f"{path} @rita-revops" in lines
    assert not [line for line in lines if "northwind" in line]
    assert "@dana-sales" not in "\n".join(lines)


def test_every_other_path_is_the_admin_teams_and_handoffs_have_no_code_owner(
    repo: Path, run_cli: Callable[..., CliResult]
) -> None:
    # GitHub applies the last matching line: the catch-all first, the owner-less handoff line last.
    assert run_cli("codeowners").exit_code == 0
    lines = _rules(repo)
    assert lines[0] == "* @rita-revops"  # pyproject.toml, site-src/…: revenue operations
    assert lines[-1] == "/handoffs/**/*.md"


def test_adding_or_changing_a_handoff_never_makes_it_stale(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("codeowners").exit_code == 0
    write_handoff(repo)
    other = FRONT_MATTER.replace("@raj-impl", "@sofia-impl")
    write_handoff(repo, "globex/2026-11-20-implementation", handoff_text(other))
    write_handoff(repo, "broken/2026-11-23-implementation", "---\ntitle: [unclosed\n---\n")
    result = run_cli("codeowners", "--check")
    assert result.exit_code == 0, result.out
    assert "CODEOWNERS is up to date" in result.out


def test_check_fails_with_a_diff_when_the_admin_team_changes(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("codeowners").exit_code == 0
    teams = repo / "schema" / "teams.yaml"
    teams.write_text(
        teams.read_text(encoding="utf-8").replace('"@rita-revops"', '"@rita-revops", "@omar-revops"'), encoding="utf-8"
    )
    stale = run_cli("codeowners", "--check")
    assert stale.exit_code == 1
    assert "CODEOWNERS is out of date" in stale.out
    assert "+* @omar-revops @rita-revops" in stale.out
    assert "@omar-revops" not in (repo / "CODEOWNERS").read_text(encoding="utf-8")  # --check wrote nothing


def test_check_fails_when_missing(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("codeowners", "--check")
    assert result.exit_code == 1
    assert "CODEOWNERS is missing" in result.out


def test_rerunning_is_stable(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    run_cli("codeowners")
    first = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert "already up to date" in run_cli("codeowners").out
    assert (repo / "CODEOWNERS").read_text(encoding="utf-8") == first
