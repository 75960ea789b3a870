"""The README's drafting walkthrough runs as written, on the sample deal in evidence/acme-corp/.

The command is taken from the README block, run in a copy of the repository's
schema/ and evidence/, and its output must be exactly what the README shows.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.factories import PROJECT

MARKER = "<!-- draft-walkthrough:"
FILE_MARKER = "<!-- draft-walkthrough-file:"


def walkthrough() -> tuple[list[str], str]:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = re.compile(r"```console\n(?P<body>.*?)```", re.DOTALL).search(readme, readme.index(MARKER))
    assert block, "the walkthrough's ```console block follows its marker"
    lines = block["body"].splitlines(keepends=True)
    command = ""
    while lines:
        line = lines.pop(0)
        command += line.removeprefix("$ ").rstrip("\n").removesuffix("\\")
        if not line.rstrip("\n").endswith("\\"):
            break
    return shlex.split(command), "".join(lines)


def shown_file() -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = re.compile(r"```markdown\n(?P<body>.*?)^```\n", re.DOTALL | re.MULTILINE).search(
        readme, readme.index(FILE_MARKER)
    )
    assert block, "the drafted file's ```markdown block follows its marker"
    return block["body"]


def test_the_sample_deal_is_drafted_exactly_as_the_readme_shows(tmp_path: Path) -> None:
    args, shown = walkthrough()
    assert args[:2] == ["handoff", "draft"]
    for folder in ("schema", "evidence"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    (tmp_path / "handoffs").mkdir()
    env = {**os.environ, "NO_COLOR": "1", "HANDOFF_TODAY": "2026-11-23"}
    handoff = str(Path(sys.executable).parent / "handoff")
    result = subprocess.run(
        [handoff, *args[1:]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown
    drafted = (tmp_path / "handoffs/acme-corp/2026-11-23-implementation.md").read_text(encoding="utf-8")
    assert drafted[drafted.index("## Customer goal") :] == shown_file()
    # what the walkthrough's prose promises about that file
    assert "(source: evidence/acme-corp/order-form.txt:7; evidence/acme-corp/discovery-call.md:19)" in drafted
    assert "| Jo Alvarez | Dispatch Manager | champion |" in drafted
    assert str(tmp_path) not in drafted  # repository-relative paths only


def test_the_drafted_sample_has_a_decision_role_and_fails_only_on_what_a_person_must_fill(tmp_path: Path) -> None:
    args, _ = walkthrough()
    for folder in ("schema", "evidence"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    (tmp_path / "handoffs").mkdir()
    env = {**os.environ, "NO_COLOR": "1", "HANDOFF_TODAY": "2026-11-23"}
    handoff = str(Path(sys.executable).parent / "handoff")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [handoff, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert run(*args[1:]).returncode == 0
    checked = run("check", "handoffs/acme-corp/2026-11-23-implementation.md", "--format", "json")
    codes = {f["code"] for f in json.loads(checked.stdout)["findings"]}
    assert "HO503" not in codes  # "Economic Buyer" in the CRM is a decision role on the draft
    assert "HO302" in codes  # the first milestone is left for a person


def test_the_sample_export_and_notes_are_where_the_readme_says() -> None:
    for name in ("opportunity.json", "discovery-call.md", "order-form.txt"):
        assert (PROJECT / "evidence" / "acme-corp" / name).is_file(), name
