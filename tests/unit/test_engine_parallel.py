"""Large trees are checked in worker processes; the result must not depend on that."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import gc
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, cast

import pytest

from handoffs import engine
from handoffs.config import Config, load_config
from handoffs.document.handoff import Handoff
from handoffs.findings import (
    CheckResult,
    FileResult,
    Finding,
    FindingSink,
    OpenItem,
    Severity,
    TermHit,
    pack_results,
    unpack_results,
)
from handoffs.rules.context import RuleContext
from tests.factories import BODY, FRONT_MATTER, handoff_text, make_repo, write_handoff


def _tree(root: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        body = BODY if n % 3 else BODY.replace("(source: order form §2.1)", "")  # every third: HO303
        paths.append(write_handoff(root, f"customer-{n}/2026-11-23-implementation", handoff_text(FRONT_MATTER, body)))
    return paths


def _checked_in_one_process(tmp_path: Path, count: int) -> tuple[list[Path], engine.Job, Config, CheckResult]:
    """A tree of ``count`` handoffs, what checking it needs, and the result of one process."""
    root = make_repo(tmp_path / "repo", git_init=False)
    files = _tree(root, count)
    config = load_config(root)
    job = engine.Job(root, "main", dt.date(2026, 11, 23), strict=False)
    return files, job, config, engine.check_files(files, job, config)


def _in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share even a small tree between this process and one worker, as on two cores."""
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)


def _summary(result: CheckResult) -> list[tuple[str, str, int]]:
    return [(f.path, f.code, f.line) for f in result.findings]


def test_worker_processes_find_exactly_what_one_process_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, job, config, sequential = _checked_in_one_process(tmp_path, 12)
    _in_parallel(monkeypatch)
    parallel = engine.check_files(files, job, config)

    assert [r.path for r in parallel.files] == [str(f) for f in files], "results keep the order of the files"
    assert _summary(parallel) == _summary(sequential)
    assert sum(1 for r in parallel.files if r.has_errors) == 4


def test_this_process_and_a_worker_share_the_chunks_and_keep_the_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, job, config, sequential = _checked_in_one_process(tmp_path, 24)
    checked_here: list[Path] = []
    check = engine._Checker.check

    def counted(self: engine._Checker, path: Path) -> FileResult:
        checked_here.append(path)  # only this process's calls reach this list
        return check(self, path)

    _in_parallel(monkeypatch)
    monkeypatch.setattr(engine, "MIN_CHUNK_FILES", 2)
    monkeypatch.setattr(engine._Checker, "check", counted)
    parallel = engine.check_files(files, job, config)

    assert parallel == sequential, "every result, field by field, in the order of the files"
    assert 0 < len(checked_here) < len(files), "both processes took a share"


def test_chunks_shrink_to_the_minimum_and_cover_every_file_once() -> None:
    files = [Path(f"{n}.md") for n in range(1000)]
    chunks = engine._chunks(files, processes=2)
    assert [path for chunk in chunks for path in chunk] == files
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == 250, "a quarter of the files: half of them, shared by two processes"
    assert sizes[:-1] == sorted(sizes[:-1], reverse=True), "shrinking (the last one holds what is left)"
    assert min(sizes[:-1]) == engine.MIN_CHUNK_FILES


def test_a_worker_that_fails_fails_the_run_with_its_error_and_nothing_hangs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, job, config, _ = _checked_in_one_process(tmp_path, 24)
    check = engine._Checker.check
    here = os.getpid()

    def failing_in_the_worker(self: engine._Checker, path: Path) -> FileResult:
        if os.getpid() != here:
            raise RuntimeError("the worker broke")
        return check(self, path)

    _in_parallel(monkeypatch)
    monkeypatch.setattr(engine, "MIN_CHUNK_FILES", 2)
    monkeypatch.setattr(engine._Checker, "check", failing_in_the_worker)

    with pytest.raises(RuntimeError, match="the worker broke"):
        _within_a_minute(lambda: engine.check_files(files, job, config))


def test_a_chunk_the_pool_refuses_fails_the_run_instead_of_being_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second chunk is sent from the pool's thread, when the first comes back: there an
    # exception would only be logged, and the run would wait for that chunk forever.
    files, job, config, _ = _checked_in_one_process(tmp_path, 24)
    submit = concurrent.futures.ProcessPoolExecutor.submit
    calls = []
    check = engine._Checker.check
    here = os.getpid()

    def slowly_here(self: engine._Checker, path: Path) -> FileResult:
        if os.getpid() == here:
            time.sleep(0.05)  # chunks are still left to deal when the worker's first comes back
        return check(self, path)

    def refusing_the_second(pool: Any, *args: Any) -> Any:
        calls.append(threading.current_thread())
        if len(calls) == 2:
            raise RuntimeError("the pool refused a chunk")
        return submit(pool, *args)

    _in_parallel(monkeypatch)
    monkeypatch.setattr(engine, "MIN_CHUNK_FILES", 2)
    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", refusing_the_second)
    monkeypatch.setattr(engine._Checker, "check", slowly_here)

    with pytest.raises(RuntimeError, match="the pool refused a chunk"):
        _within_a_minute(lambda: engine.check_files(files, job, config))
    assert calls[1] is not calls[0], "the refused chunk was sent from the pool's thread"


def _within_a_minute(run: Callable[[], object]) -> object:
    """``run()``'s result or exception; a run that hangs fails the test instead of the suite."""
    outcome: list[tuple[bool, object]] = []

    def keep() -> None:
        try:
            outcome.append((True, run()))
        except BaseException as error:  # re-raised in the test's thread
            outcome.append((False, error))

    thread = threading.Thread(target=keep, daemon=True)
    thread.start()
    thread.join(60)
    assert outcome, "still running after a minute: the run hangs"
    finished, value = outcome[0]
    if not finished:
        raise cast("BaseException", value)
    return value


def test_files_are_checked_with_rare_garbage_collections_in_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, job, config, _ = _checked_in_one_process(tmp_path, 12)
    check_location = engine.check_location

    def noting_the_threshold(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
        check_location(doc, ctx, sink)
        sink.add("HO201", 1, f"collector threshold {gc.get_threshold()[0]} in process {os.getpid()}")

    _in_parallel(monkeypatch)
    monkeypatch.setattr(engine, "MIN_CHUNK_FILES", 2)
    monkeypatch.setattr(engine, "check_location", noting_the_threshold)
    before = gc.get_threshold()
    notes = [f.message.split() for f in engine.check_files(files, job, config).findings if f.code == "HO201"]

    assert len(notes) == len(files)
    assert {note[2] for note in notes} == {str(engine.GC_THRESHOLD)}
    assert len({note[-1] for note in notes}) == 2, "this process and the worker"
    assert gc.get_threshold() == before, "as it was once the check is done"


def test_results_travel_between_processes_with_every_field() -> None:
    finding = Finding("a.md", 3, "HO600", Severity.FLAG, "m", 4, "Custom terms", "legal", ("legal", "@x"))
    hit = TermHit(3, 4, "legal", ("legal",), "capped", "Custom terms", "negated by `no`")
    item = OpenItem("a.md", 5, "@x", "2026-11-01", "t", "Open risks", True)
    results = [
        FileResult("a.md", (finding,), "acme/2026-11-23-implementation", (item,), (hit,)),
        FileResult("b.md", (Finding("b.md", 1, "HO200", Severity.ERROR, "outside"),), None),
    ]
    packed = pack_results(results)
    assert unpack_results(pickle.loads(pickle.dumps(packed))) == results  # noqa: S301 - our own bytes
    (_, [finding_values], _, [item_values], [hit_values]) = packed[0]
    assert len(finding_values) == len(fields(Finding)) - 1, "every field but the path, which the file carries"
    assert len(item_values) == len(fields(OpenItem)) - 1
    assert len(hit_values) == len(fields(TermHit))


def test_a_finding_that_does_not_carry_its_files_path_is_refused_not_moved() -> None:
    stray = Finding("elsewhere.md", 1, "HO200", Severity.ERROR, "outside")
    with pytest.raises(ValueError, match="does not carry the path"):
        pack_results([FileResult("a.md", (stray,), None)])


def test_a_string_repeated_in_results_is_sent_once() -> None:
    results = [
        FileResult(f"{n}.md", (Finding(f"{n}.md", 1, "HO303", Severity.ERROR, "".join(["no ", "source"])),))
        for n in range(2)
    ]
    first, second = (packed[1][0][3] for packed in pack_results(results))
    assert first == second == "no source"
    assert first is second


def test_workers_that_are_spawned_not_forked_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS, and Linux from Python 3.14, start workers without fork: the config travels by pickle."""
    import concurrent.futures
    import functools
    import multiprocessing

    files, job, config, sequential = _checked_in_one_process(tmp_path, 12)
    spawned = functools.partial(concurrent.futures.ProcessPoolExecutor, mp_context=multiprocessing.get_context("spawn"))
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", spawned)
    _in_parallel(monkeypatch)
    monkeypatch.setattr(engine, "MIN_CHUNK_FILES", 2)

    assert engine.check_files(files, job, config) == sequential


def test_a_pool_that_cannot_start_falls_back_to_one_process_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import concurrent.futures

    def no_shared_memory(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")  # what SemLock raises without /dev/shm

    files, job, config, sequential = _checked_in_one_process(tmp_path, 12)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_shared_memory)
    _in_parallel(monkeypatch)

    assert engine.check_files(files, job, config) == sequential
    assert "could not start worker processes ([Errno 28] No space left on device); checking in one process" in (
        capsys.readouterr().err
    )


def test_a_pattern_set_survives_pickling() -> None:
    from handoffs.matching import PatternSet

    patterns = PatternSet(["net \\d+", "cap(?:ped)?"])
    copy = pickle.loads(pickle.dumps(patterns))  # noqa: S301 - our own bytes
    assert copy.which("net 60, capped at 4%") == patterns.which("net 60, capped at 4%") == [0, 1]
