"""`handoff check` stays light: PyGithub, GitPython, mkdocs and rich are never imported on its path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.factories import make_repo, write_handoff

HEAVY = ("github", "git", "mkdocs", "material", "requests", "jinja2", "rich")
REPORT = f"import sys, json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"


def _heavy_modules(code: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT}"], cwd=cwd, capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_check_path_imports_nothing_heavy(tmp_path: Path) -> None:
    assert _heavy_modules("import handoffs.cli, handoffs.engine, handoffs.commands.check", tmp_path) == []


def test_running_check_imports_nothing_heavy(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_handoff(root)
    code = "from handoffs.cli import main\nassert main(['check', '--format', 'json', '--strict']) == 0"
    assert _heavy_modules(code, root) == []


def test_the_guard_sees_heavy_imports(tmp_path: Path) -> None:
    assert "git" in _heavy_modules("import git", tmp_path)
