"""Content from git or the API is parsed in memory exactly as the same file on disk."""

from __future__ import annotations

from pathlib import Path

from handoffs.config import load_config
from handoffs.document.handoff import load_handoff, parse_handoff
from handoffs.findings import FindingSink, Severity
from tests.factories import BODY, FRONT_MATTER, PROJECT, handoff_text

HANDOFF_ID = "northwind-health/2026-11-23-implementation"


def _sink(path: Path) -> FindingSink:
    return FindingSink(str(path), lambda _code: Severity.ERROR)


def test_in_memory_content_reads_like_the_file_on_disk(tmp_path: Path) -> None:
    raw = handoff_text(FRONT_MATTER.replace("kickoff: 2026-12-01", "kickoff: 2026-02-30"), BODY).encode()
    on_disk = tmp_path / "handoffs" / f"{HANDOFF_ID}.md"
    on_disk.parent.mkdir(parents=True)
    on_disk.write_bytes(raw)
    virtual_root = tmp_path / "never-created"
    config = load_config(PROJECT)

    disk_sink, memory_sink = _sink(on_disk), _sink(virtual_root / "x")
    from_disk = load_handoff(on_disk, root=tmp_path, max_bytes=10_000, sink=disk_sink)
    in_memory = parse_handoff(
        raw, path=virtual_root / "handoffs" / f"{HANDOFF_ID}.md", root=virtual_root, max_bytes=10_000, sink=memory_sink
    )

    assert from_disk is not None
    assert in_memory is not None
    assert in_memory.handoff_id == from_disk.handoff_id == HANDOFF_ID
    assert in_memory.body.sections == from_disk.body.sections
    assert [(f.code, f.line) for f in memory_sink.findings] == [(f.code, f.line) for f in disk_sink.findings]
    assert [f.code for f in memory_sink.findings] == ["HO116"]
    assert not virtual_root.exists(), "nothing is written for content parsed in memory"
    assert config.rules.max_file_bytes > 10_000


def test_oversized_content_in_memory_is_refused_like_a_large_file(tmp_path: Path) -> None:
    sink = _sink(tmp_path / "x.md")
    assert parse_handoff(b"x" * 101, path=tmp_path / "x.md", root=tmp_path, max_bytes=100, sink=sink) is None
    assert [f.code for f in sink.findings] == ["HO101"]


def test_checking_content_in_memory_finds_what_checking_the_file_finds(tmp_path: Path) -> None:
    import datetime as dt

    from handoffs.engine import Job, check_contents, check_files

    raw = handoff_text(FRONT_MATTER, BODY.replace("(source: order form §2.1)", "")).encode()
    on_disk = tmp_path / "handoffs" / f"{HANDOFF_ID}.md"
    on_disk.parent.mkdir(parents=True)
    on_disk.write_bytes(raw)
    config = load_config(PROJECT)
    job = Job(tmp_path, "main", dt.date(2026, 11, 23), strict=False)

    [from_disk] = check_files([on_disk], job, config).files
    [(doc, in_memory)] = check_contents([(raw, on_disk)], job, config)

    assert doc is not None
    assert [(f.code, f.line) for f in in_memory.findings] == [(f.code, f.line) for f in from_disk.findings]
    assert "HO303" in {f.code for f in in_memory.findings}
