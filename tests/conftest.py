"""Shared fixtures: real temporary repositories and the CLI run in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from handoffs.cli import main
from tests.factories import make_repo

# The local GitHub double (real HTTP, checked against GitHub's OpenAPI description).
pytest_plugins = ["tests.github_double.fixtures", "tests.acceptance.pr_world", "tests.crm_doubles.fixtures"]


@dataclass
class CliResult:
    exit_code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on the same day, so dates in fixtures never go stale."""
    monkeypatch.setenv("HANDOFF_TODAY", "2026-11-23")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git-initialised handoffs repository (schema/ from this project), as the cwd."""
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``handoff ARGS`` in-process and capture what it printed."""

    def run(*args: str | Path) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
