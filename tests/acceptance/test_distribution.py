"""The package as a versioned, reusable release (issue 13).

* it builds as a wheel named and stamped with ``handoffs.__version__`` — the one
  definition of the version — carrying the CLI, the mkdocs plugin and py.typed;
* CHANGELOG.md's newest entry is that version, so a release never ships without
  its notes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from handoffs import __version__

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the sources, as `pip wheel` does for a release."""
    work = tmp_path_factory.mktemp("release")
    source = work / "handoffs-release"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "tools", source / "tools", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = work / "dist"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-cache-dir",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = list(out.glob("*.whl"))
    return built


def test_the_wheel_carries_the_version(wheel: Path) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert wheel.name == f"handoffs-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"handoffs-{__version__}.dist-info/METADATA").decode()
        assert f"\nVersion: {__version__}\n" in metadata
        entry_points = archive.read(f"handoffs-{__version__}.dist-info/entry_points.txt").decode()
        names = set(archive.namelist())
    assert "handoff = handoffs.cli:main" in entry_points
    assert "handoffs = handoffs.site.plugin:HandoffsPlugin" in entry_points
    assert {"handoffs/cli.py", "handoffs/py.typed", "handoffs/site/plugin.py", "handoffs/publishing.py"} <= names


def test_the_built_cli_reports_its_version(wheel: Path) -> None:
    # A wheel is importable as it is: run the CLI from it, not from the source tree.
    code = f"import sys; sys.path.insert(0, {str(wheel)!r}); from handoffs.cli import main; main(['--version'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == f"handoff {__version__}"


def test_the_changelog_opens_with_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", text, flags=re.MULTILINE)
    assert releases, "CHANGELOG.md lists no release"
    assert releases[0][0] == __version__
    assert len({version for version, _ in releases}) == len(releases)
