"""The installed `handoff` console script, run as a user runs it: a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.factories import BODY, handoff_text, make_repo, write_handoff

HANDOFF = Path(sys.executable).parent / "handoff"


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDOFF_TODAY": "2026-11-23", "NO_COLOR": "1"}
    return subprocess.run([str(HANDOFF), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_console_script_checks_a_repository(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write_handoff(root)
    ok = _run(root, "check")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.endswith("1 handoff file checked: 0 error(s), 0 warning(s), 1 custom-term flag(s); all pass.\n")

    write_handoff(
        root, "acme-corp/2026-11-20-implementation", handoff_text(body=BODY.replace("## Evidence", "## Proof"))
    )
    failing = _run(root, "check")
    assert failing.returncode == 1
    assert (
        "handoffs/acme-corp/2026-11-20-implementation.md:27:1: HO300 error: required section `## Evidence`"
        in failing.stdout
    )
    assert failing.stderr == ""


def test_console_script_usage_errors_exit_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    result = _run(root, "check", "nowhere.md")
    assert result.returncode == 2
    assert result.stderr == "handoff check: nowhere.md: no such file or directory\n"
    assert _run(root, "no-such-command").returncode == 2
    assert _run(root, "--version").stdout.startswith("handoff ")
