"""Large trees are checked in worker processes; the result must not depend on that."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handoffs import engine
from handoffs.config import load_config
from tests.factories import BODY, FRONT_MATTER, handoff_text, make_repo, write_handoff


def _tree(root: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        body = BODY if n % 3 else BODY.replace("(source: order form §2.1)", "")  # every third: HO303
        paths.append(write_handoff(root, f"customer-{n}/2026-11-23-implementation", handoff_text(FRONT_MATTER, body)))
    return paths


def _summary(result: engine.CheckResult) -> list[tuple[str, str, int]]:
    return [(f.path, f.code, f.line) for f in result.findings]


def test_worker_processes_find_exactly_what_one_process_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "repo", git_init=False)
    files = _tree(root, 12)
    config = load_config(root)
    job = engine.Job(root, "main", dt.date(2026, 11, 23), strict=False)

    sequential = engine.check_files(files, job, config)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    parallel = engine.check_files(files, job, config)

    assert [r.path for r in parallel.files] == [str(f) for f in files], "results keep the order of the files"
    assert _summary(parallel) == _summary(sequential)
    assert sum(1 for r in parallel.files if r.has_errors) == 4
