"""``handoff adopt``: a team's repository on a pinned release, and moving it to the next one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.factories import PROJECT, git

ACTION = "example-org/handoffs/.github/actions/setup-handoff@"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A clone of this project as a release checkout."""
    path = tmp_path / "release"
    git(tmp_path, "clone", "--quiet", str(PROJECT), str(path))
    git(path, "config", "user.name", "Release")
    git(path, "config", "user.email", "release@example.com")
    git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team"
    path.mkdir()
    return path


def adopt(run_cli: Callable[..., CliResult], release: Path, team: Path, *extra: str) -> CliResult:
    return run_cli("adopt", "--release", release, "--source", "example-org/handoffs", "--into", team, *extra)


def test_adopting_writes_pinned_workflows_and_starter_files(
    release: Path, team: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = adopt(run_cli, release, team, "--repo", "acme/handoffs")
    assert result.exit_code == 0, result.err
    sha = git(release, "rev-parse", "HEAD").strip()
    pr_check = (team / ".github/workflows/pr-check.yml").read_text(encoding="utf-8")
    assert f"uses: {ACTION}{sha} # v" in pr_check
    assert not (team / ".github/workflows/self-check.yml").exists()
    assert (team / "schema/teams.yaml").read_bytes() == (release / "schema/teams.yaml").read_bytes()
    assert "repository_url: https://github.com/acme/handoffs" in (team / "mkdocs.yml").read_text(encoding="utf-8")
    assert (team / "handoffs/.gitkeep").exists()
    assert not (team / "tools").exists()


def test_existing_files_are_never_overwritten(release: Path, team: Path, run_cli: Callable[..., CliResult]) -> None:
    (team / "schema").mkdir()
    (team / "schema/teams.yaml").write_text("sales: ['@ours']\n", encoding="utf-8")
    result = adopt(run_cli, release, team)
    assert result.exit_code == 0, result.err
    assert (team / "schema/teams.yaml").read_text(encoding="utf-8") == "sales: ['@ours']\n"
    assert "kept  schema/teams.yaml (already there)" in result.out


def test_upgrading_moves_only_the_workflow_pins(release: Path, team: Path, run_cli: Callable[..., CliResult]) -> None:
    assert adopt(run_cli, release, team).exit_code == 0
    old = git(release, "rev-parse", "HEAD").strip()
    (team / "schema/teams.yaml").write_text("sales: ['@ours']\n", encoding="utf-8")  # the team's own rules
    (release / "schema/teams.yaml").write_text("sales: ['@theirs']\n", encoding="utf-8")
    git(release, "commit", "--quiet", "-am", "A newer release")
    new = git(release, "rev-parse", "HEAD").strip()
    result = adopt(run_cli, release, team, "--upgrade")
    assert result.exit_code == 0, result.err
    pr_check = (team / ".github/workflows/pr-check.yml").read_text(encoding="utf-8")
    assert f"{ACTION}{new}" in pr_check
    assert old not in pr_check
    assert "wrote .github/workflows/pr-check.yml" in result.out
    from handoffs import __version__

    assert f"What v{__version__} changes (CHANGELOG.md)" in result.out
    assert f"## {__version__} — " in result.out
    assert "### Upgrading" in result.out
    assert (team / "schema/teams.yaml").read_text(encoding="utf-8") == "sales: ['@ours']\n"
    again = adopt(run_cli, release, team, "--upgrade")
    assert "wrote" not in again.out  # already on this release


def test_files_come_from_the_pinned_commit_not_the_working_tree(
    release: Path, team: Path, run_cli: Callable[..., CliResult]
) -> None:
    (release / "mkdocs.yml").write_text("site_name: uncommitted\n", encoding="utf-8")
    assert adopt(run_cli, release, team).exit_code == 0
    assert "uncommitted" not in (team / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--source", "not a slug"], 1, "expected the release's GitHub repository as owner/name"),
        (["--source", "example-org/handoffs", "--ref", "v9.9.9"], 2, "no commit named 'v9.9.9'"),
    ],
)
def test_bad_arguments_are_plain_errors(
    release: Path, team: Path, *, run_cli: Callable[..., CliResult], args: list[str], code: int, message: str
) -> None:
    result = run_cli("adopt", "--release", release, "--into", team, *args)
    assert result.exit_code == code
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_release_that_is_not_a_git_checkout_is_refused(
    tmp_path: Path, team: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = adopt(run_cli, tmp_path / "nowhere", team)
    assert result.exit_code == 2
    assert "--release" in result.err


def test_a_workflow_that_installs_the_tool_another_way_is_refused_not_shipped_broken() -> None:
    from handoffs.adoption import Release, thin_workflow
    from handoffs.errors import HandoffError

    workflow = "jobs:\n  a:\n    steps:\n      - name: Install\n        run: pip install -e .\n"
    with pytest.raises(HandoffError, match=r"x.yml: cannot adapt it .*pip install"):
        thin_workflow("x.yml", workflow, Release("example-org/handoffs", "a" * 40, "0.2.0"))


def test_a_self_installing_job_gets_the_pinned_action_wherever_its_steps_sit() -> None:
    from handoffs.adoption import Release, thin_workflow

    workflow = (
        "jobs:\n  a:\n    steps:\n"
        "      - name: Install the tool\n"
        "        run: |\n"
        "          python -m pip install --require-hashes --no-deps -r requirements/site.txt\n"
        "          python -m pip install --no-deps --no-build-isolation .\n"
        "\n"
        "      - name: Check out\n"
        "        uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n"
        "\n"
        "      - name: Python\n"
        "        uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0\n"
        "\n"
        "      - run: handoff approvals\n"
    )
    release = Release("example-org/handoffs", "b" * 40, "0.2.0")
    assert thin_workflow("x.yml", workflow, release) == (
        "jobs:\n  a:\n    steps:\n"
        "      - name: Set up the handoff CLI\n"
        f"        uses: example-org/handoffs/.github/actions/setup-handoff@{'b' * 40} # v0.2.0\n"
        "\n"
        "      - name: Check out\n"
        "        uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n"
        "\n"
        "      - run: handoff approvals\n"
    )
