"""The example handoffs shipped with the template must keep passing as rules change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from handoffs.config import load_config
from tests.factories import PROJECT, make_repo


def test_every_example_passes_strict_with_flags_only(tmp_path: Path, monkeypatch, run_cli) -> None:
    root = make_repo(tmp_path / "repo")
    shutil.rmtree(root / "handoffs")
    shutil.copytree(PROJECT / "handoffs", root / "handoffs")
    monkeypatch.chdir(root)

    result = run_cli("check", "--strict", "--format", "json", "handoffs")

    report = json.loads(result.out)
    assert result.exit_code == 0, [f for f in report["findings"] if f["severity"] != "flag"]
    assert report["summary"]["files"] >= 6
    assert {f["severity"] for f in report["findings"]} == {"flag"}
    # An id is customer/YYYY-MM-DD-type: the type follows the 11 characters of the date.
    types = {f["id"].split("/")[1][11:] for f in report["files"]}
    assert types >= {"onboarding", "customer-success", "implementation", "delivery", "account-management", "internal"}


def test_examples_cover_every_category_of_custom_terms(tmp_path: Path, monkeypatch, run_cli) -> None:
    root = make_repo(tmp_path / "repo")
    shutil.rmtree(root / "handoffs")
    shutil.copytree(PROJECT / "handoffs", root / "handoffs")
    monkeypatch.chdir(root)

    report = json.loads(run_cli("check", "--format", "json", "handoffs").out)

    categories = {f["category"] for f in report["findings"] if f["code"] == "HO600"}
    assert categories == {c.name for c in load_config(PROJECT).named_categories}
