"""A monorepo: the handoffs live in `sales/handoffs/`, named by `handoffs_dir` in schema/rules.yaml.

Every command, the site plugin, CODEOWNERS and the joint approval's notion of "a handoff
file" read the one setting; a top-level `handoffs/` folder (another team's) is then
nothing of ours.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.errors import ConfigError
from handoffs.pr.approval import admin_files
from tests.browser.sitebuild import add_site_config, mkdocs_build, page
from tests.conftest import CliResult
from tests.factories import commit_all, handoff_text

FOLDER = "sales/handoffs"
HID = "northwind-health/2026-11-23-implementation"


@pytest.fixture
def monorepo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    rules = repo / "schema" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("\nhandoffs_dir: handoffs\n", f"\nhandoffs_dir: {FOLDER}\n"), encoding="utf-8")
    shutil.rmtree(repo / "handoffs")
    path = repo / FOLDER / f"{HID}.md"
    path.parent.mkdir(parents=True)
    path.write_text(handoff_text(), encoding="utf-8")
    (repo / "services" / "billing").mkdir(parents=True)
    (repo / "services" / "billing" / "README.md").write_text("# Another team's code\n", encoding="utf-8")
    # The trailers name the finance reviewer of the `pricing` term the handoff flags (offline stand-in).
    commit_all(repo, "Add the Northwind handoff\n\nApproved-by: @frank-finance")
    return repo


def test_check_without_paths_checks_the_configured_folder(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("check", "--format", "json")
    assert result.exit_code == 0, result.out + result.err
    files = json.loads(result.out)["files"]
    assert [f["id"] for f in files] == [HID]


def test_a_file_in_a_top_level_handoffs_folder_is_outside_the_configured_one(
    monorepo: Path, run_cli: Callable[..., CliResult]
) -> None:
    stray = monorepo / "handoffs" / f"{HID}.md"
    stray.parent.mkdir(parents=True)
    stray.write_text(handoff_text(), encoding="utf-8")
    result = run_cli("check", stray)
    assert result.exit_code == 1
    assert "HO200" in result.out
    assert "live under sales/handoffs/" in result.out


def test_the_root_is_found_from_the_path_given_not_the_current_directory(
    monorepo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("check", monorepo / FOLDER)
    assert result.exit_code == 0, result.out + result.err
    assert "1 handoff file checked: 0 error(s)" in result.out
    # Commands naming one handoff by its path find the repository from it too.
    path = monorepo / FOLDER / f"{HID}.md"
    gate = run_cli("gate", "kickoff", path, "--format", "json")
    assert json.loads(gate.out)["handoff"] == HID, gate.err
    logged = run_cli("log-repeat", path, "--note", "Resent the SSO metadata", "--by", "@raj-impl")
    assert logged.exit_code == 0, logged.err
    assert "Resent the SSO metadata" in path.read_text(encoding="utf-8")


def test_codeowners_names_the_configured_folder(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("codeowners").exit_code == 0
    codeowners = (monorepo / "CODEOWNERS").read_text(encoding="utf-8")
    assert f"\n/{FOLDER}/**/*.md\n" in codeowners  # no code owner: the joint approval asks the owners
    assert "\n/handoffs/" not in codeowners


def test_gate_and_log_repeat_find_the_handoff_by_id_or_path(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    gate = run_cli("gate", "kickoff", HID)
    assert gate.exit_code == 0, gate.out + gate.err
    assert "PASSED" in gate.out  # approved: on main under the configured folder
    assert run_cli("gate", "kickoff", f"{FOLDER}/{HID}.md").exit_code == 0
    logged = run_cli("log-repeat", HID, "--note", "Resent the SSO metadata", "--by", "@raj-impl")
    assert logged.exit_code == 0, logged.err
    assert "Resent the SSO metadata" in (monorepo / FOLDER / f"{HID}.md").read_text(encoding="utf-8")


def test_new_writes_into_the_configured_folder(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--no-input", "--date", "2026-11-23")
    assert result.exit_code == 0, result.err
    assert (monorepo / FOLDER / "acme-corp" / "2026-11-23-onboarding.md").is_file()


def test_metrics_read_the_history_of_the_configured_folder(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("metrics", "--format", "json")
    assert result.exit_code == 0, result.err
    assert json.loads(result.out)["metrics"]["handoffs"] == {"value": 1}


def test_alerts_read_the_configured_folder(monorepo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = monorepo / FOLDER / f"{HID}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("- The customer's", "- Renewal date (open: @dana-sales by 2026-11-01)\n- The customer's")
    )
    result = run_cli("alerts", "--format", "json")
    assert HID in result.out, result.out + result.err


def test_the_joint_approval_treats_only_the_configured_folder_as_handoffs() -> None:
    changed = [f"{FOLDER}/{HID}.md", f"handoffs/{HID}.md", "sales/README.md", f"{FOLDER}/../x.md"]
    assert admin_files(changed, FOLDER) == changed[1:]


def test_the_site_is_built_from_the_configured_folder(monorepo: Path) -> None:
    add_site_config(monorepo)
    result = mkdocs_build(monorepo, strict=True)
    assert result.returncode == 0, result.stderr
    assert "Northwind Health" in page(monorepo / "site", f"handoffs/{HID}")


@pytest.mark.parametrize("folder", ["../handoffs", "/abs/handoffs", "sales//handoffs", "sales\\handoffs", "."])
def test_a_folder_outside_the_repository_is_refused_with_file_and_line(repo: Path, folder: str) -> None:
    rules = repo / "schema" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("\nhandoffs_dir: handoffs\n", f"\nhandoffs_dir: '{folder}'\n"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    line = text.splitlines().index("handoffs_dir: handoffs") + 1
    assert str(caught.value).startswith(f"{rules}:{line}: handoffs_dir: must be a folder inside the repository")
