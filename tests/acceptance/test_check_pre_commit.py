"""pre-commit: the hook others install (.pre-commit-hooks.yaml) and the one this repository
runs on itself (.pre-commit-config.yaml), validated and run offline by real pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.factories import BODY, GIT_ENV, commit_all, git, handoff_text, make_repo

PROJECT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"


def _pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **GIT_ENV,
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "HANDOFF_TODAY": "2026-11-23",
        "NO_COLOR": "1",
    }
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_the_hook_manifest_is_valid(tmp_path: Path) -> None:
    result = _pre_commit(PROJECT, tmp_path, "validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["files"]) == (
        "handoff-check",
        "handoff check",
        "python",
        r"^handoffs/.*\.md$",
    )


def test_the_validator_would_catch_a_broken_manifest(tmp_path: Path) -> None:
    broken = tmp_path / "hooks.yaml"
    broken.write_text("- id: handoff-check\n  name: handoff check\n  language: python\n")  # no entry
    assert _pre_commit(tmp_path, tmp_path, "validate-manifest", str(broken)).returncode != 0


def test_this_repository_runs_the_hook_on_itself(tmp_path: Path) -> None:
    result = _pre_commit(PROJECT, tmp_path, "validate-config", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((PROJECT / ".pre-commit-config.yaml").read_text())
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert [h["id"] for h in hooks] == ["handoff-check"]
    assert hooks[0]["files"] == r"^handoffs/.*\.md$"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A temporary copy of this repository's handoffs, schema and pre-commit config, committed."""
    root = make_repo(tmp_path / "copy")
    shutil.rmtree(root / "handoffs")
    shutil.copytree(PROJECT / "handoffs", root / "handoffs")
    shutil.copy(PROJECT / ".pre-commit-config.yaml", root)
    (root / ".venv").symlink_to(PROJECT / ".venv")
    (root / ".gitignore").write_text(".venv\n")
    commit_all(root, "handoffs")
    return root


def test_pre_commit_run_all_files_passes_on_the_examples(copy: Path, tmp_path: Path) -> None:
    result = _pre_commit(copy, tmp_path, "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "handoff check" in result.stdout
    assert "Passed" in result.stdout


def test_pre_commit_blocks_a_broken_handoff(copy: Path, tmp_path: Path) -> None:
    broken = copy / "handoffs" / "acme-corp" / "2026-11-23-implementation.md"
    broken.parent.mkdir()
    broken.write_text(handoff_text(body=BODY.replace(" (source: proposal p. 6)", "")), encoding="utf-8")
    git(copy, "add", "-A")

    result = _pre_commit(copy, tmp_path, "run")

    assert result.returncode == 1
    assert "Failed" in result.stdout
    assert "handoffs/acme-corp/2026-11-23-implementation.md:49:1: HO303 error:" in result.stdout


def test_the_published_hook_definition_works_as_written(copy: Path, tmp_path: Path) -> None:
    """The manifest's entry and file pattern, run as a local hook (installing it as
    `language: python` would need the network)."""
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    local = {**hook, "language": "system"}
    local.pop("minimum_pre_commit_version", None)
    (copy / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    (copy / "notes.md").write_text("## Not a handoff: outside handoffs/, so never passed to the hook\n")
    git(copy, "add", "-A")

    result = _pre_commit(copy, tmp_path, "run", "--all-files", "--verbose")

    assert result.returncode == 0, result.stdout + result.stderr
    checked = len(list((copy / "handoffs").rglob("*.md")))
    assert f"{checked} handoff files checked" in result.stdout
