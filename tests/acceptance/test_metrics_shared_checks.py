"""The site build hands its checks to metrics: versions with the same content are not checked
again, and every record comes out exactly as if metrics had checked them all themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from handoffs.assess import assess
from handoffs.config import load_config
from handoffs.engine import Job
from handoffs.metrics.analysis import CheckedFile, build_records, git_blob_id, share_checked
from handoffs.metrics.cache import AnalysisCache
from handoffs.metrics.history import read_history
from tests.factories import commit_all, git, handoff_text, make_repo, write_handoff

TODAY = dt.date(2026, 11, 23)
BASE = handoff_text()


def _repository(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo")
    write_handoff(root, "northwind-health/2026-11-20-implementation")
    write_handoff(root, "acme/2026-11-21-implementation", BASE.replace("## Exclusions\n", "Exclusions\n"))
    # An earned status makes the status rule ask git, which a history check cannot: not shared.
    write_handoff(root, "globex/2026-11-22-implementation", BASE.replace("status: proposed", "status: kicked-off"))
    write_handoff(root, "initech/2026-11-19-implementation")
    commit_all(root, "Open four handoffs")
    # Edited after its last commit: the checked file is no version in history.
    write_handoff(root, "initech/2026-11-19-implementation", BASE + "\nUncommitted notes.\n")
    return root


def _checked_by_site(root: Path) -> list[CheckedFile]:
    config = load_config(root)
    files = sorted((root / "handoffs").rglob("*.md"))
    entries = assess(files, Job(root, "main", TODAY, False), config)
    return [CheckedFile(e.path.read_bytes(), e.handoff, e.result) for e in entries if e.handoff is not None]


def test_shared_checks_give_the_same_records_and_skip_only_what_is_safe(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    config = load_config(root)
    history = read_history(root, "main", None, config.handoffs_dir)
    checked = _checked_by_site(root)

    alone = build_records(root, history, config, TODAY, AnalysisCache(None))
    seeded = AnalysisCache(None)
    share_checked(checked, seeded, config)
    shared = build_records(root, history, config, TODAY, AnalysisCache(None), checked=checked)

    assert shared == alone
    shared_ids = {handoff_id for handoff_id, _ in seeded.verdicts}
    assert shared_ids == {
        "northwind-health/2026-11-20-implementation",
        "acme/2026-11-21-implementation",
        "initech/2026-11-19-implementation",  # recorded under the uncommitted content's id, which history lacks
    }
    committed = git(root, "rev-parse", "HEAD:handoffs/initech/2026-11-19-implementation.md").strip()
    initech = next(c for c in checked if c.doc.handoff_id == "initech/2026-11-19-implementation")
    assert git_blob_id(initech.raw) != committed
    assert ("initech/2026-11-19-implementation", committed) not in seeded.verdicts


def test_the_blob_id_is_gits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    path = write_handoff(root, "northwind-health/2026-11-20-implementation")
    commit_all(root)
    expected = git(root, "rev-parse", "HEAD:handoffs/northwind-health/2026-11-20-implementation.md").strip()
    assert git_blob_id(path.read_bytes()) == expected
