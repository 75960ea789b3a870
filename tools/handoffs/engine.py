"""Runs every rule over every file and gathers one ``CheckResult``.

Files are independent, so a large tree is shared out in chunks between this process
and one worker process per further core; each worker builds its checker once.  A file
that crashes a rule is reported as an internal error *for that file* and the others
are still checked.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.config import Config, load_config
from handoffs.document.handoff import Handoff, load_handoff, parse_handoff
from handoffs.errors import UsageError
from handoffs.findings import (
    CheckResult,
    FileResult,
    FindingSink,
    OpenItem,
    PackedResult,
    Severity,
    TermHit,
    pack_results,
    unpack_results,
)
from handoffs.rules.context import RuleContext
from handoffs.rules.location import check_location
from handoffs.rules.people import check_people_and_dates
from handoffs.rules.safety import check_safety
from handoffs.rules.sections import check_sections
from handoffs.rules.status import check_status
from handoffs.rules.terms import check_custom_terms

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from handoffs.git import BaseTree

PARALLEL_THRESHOLD = 200  # below this, starting workers costs more than it saves
# The smallest piece of work handed out: the last pieces are this small, so every process
# finishes within a few milliseconds of the others.
MIN_CHUNK_FILES = 32
INTERNAL_ERROR_CODE = "HO000"
# Allocations between two runs of the cyclic garbage collector while files are checked (the
# default is 700).  Checking a file leaves next to no reference cycles: its objects are
# freed by reference counting when it is done.  The results kept for the report are
# tens of thousands of objects, which every run walks again; over 10,000 files the
# default cost this process 0.2-0.3 s and found nothing.  Garbage in cycles still goes,
# at worst this many allocations later.
GC_THRESHOLD = 100_000


@dataclass(frozen=True)
class Job:
    """What a worker needs to check files: picklable, small."""

    root: Path
    base: str
    today: dt.date
    strict: bool


def discover(paths: Sequence[Path]) -> list[Path]:
    """Expand directories to the ``*.md`` files below them; refuse paths that do not exist."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            below = sorted(_markdown_below(str(path)), key=_part_by_part)
            if not below:
                raise UsageError(f"no handoff files (*.md) found under {path}")
            found.extend(map(Path, below))
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    if len(paths) == 1:  # one walk lists each file once: no name to compare
        return found
    # The same file named twice (`handoffs/` and `handoffs/acme/…md`, relative and
    # absolute) is checked once, under the first name it was given.
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.abspath(path), path)  # noqa: PTH100 - no file-system call per file
    return list(unique.values())


def _part_by_part(name: str) -> str:
    """A sort key that orders paths as ``Path`` does, part by part, without a ``Path`` per file.

    Comparing the parts in turn is comparing the names with the separator as the lowest
    character, and NUL, which no path holds, is lower than any.
    """
    return name.replace(os.sep, "\0")


def _markdown_below(top: str) -> Iterator[str]:
    """``*.md`` files below ``top``, skipping hidden files and folders and symlinked folders.

    ``os.scandir`` rather than ``Path.rglob``: a tree of 10,000 handoffs is listed
    in a tenth of the time, with no ``stat`` per file beyond what the listing gives.
    """
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _markdown_below(entry.path)
            elif entry.name.endswith(".md") and entry.is_file():
                yield entry.path


def check_files(files: Sequence[Path], job: Job, config: Config) -> CheckResult:
    workers = min(os.cpu_count() or 1, 8)
    checker = _Checker(job, config)
    with collecting_rarely():
        if len(files) < PARALLEL_THRESHOLD or workers < 2:
            return CheckResult(tuple(checker.check(path) for path in files))
        try:
            return CheckResult(tuple(_check_shared(files, checker, helpers=workers - 1)))
        except OSError as error:
            # The pool could not start: no /dev/shm for its locks, or fork refused (EAGAIN).
            # That says nothing about the files, so they are checked here, one after another.
            print(f"handoff: could not start worker processes ({error}); checking in one process", file=sys.stderr)
            return CheckResult(tuple(checker.check(path) for path in files))


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """Run the cyclic garbage collector every ``GC_THRESHOLD`` allocations, then as before.

    Set before the pool starts, so forked workers inherit it (spawned ones set it themselves).
    A caller that goes on to walk the results (a report) may hold it for that too.
    """
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _check_shared(files: Sequence[Path], checker: _Checker, *, helpers: int) -> list[FileResult]:
    """Check ``files`` here and in ``helpers`` worker processes, chunk by chunk, in file order.

    This process takes a share of the chunks itself rather than wait for the workers:
    on two cores that is one worker fewer to start, half the results to send between
    processes, and no idle core at the end.  Results that arrive are unpacked while
    work goes on.
    """
    from concurrent.futures import ProcessPoolExecutor  # only large trees

    # The first file is checked before any worker starts: what the rules compile on first use
    # (the term detector's patterns, some 40 ms) is then compiled once and inherited by every
    # worker forked from this process, not compiled again in each.
    first = checker.check(files[0])
    chunks = _chunks(files[1:], processes=helpers + 1)
    results: dict[int, list[FileResult]] = {}
    initargs = (checker.job, checker.config)
    with ProcessPoolExecutor(max_workers=helpers, initializer=_init_worker, initargs=initargs) as pool:
        dealer = _Dealer(chunks, pool)
        try:
            for _ in range(helpers):
                dealer.send()
            while (index := dealer.take()) is not None:
                results[index] = [checker.check(path) for path in chunks[index]]
                dealer.unpack_returned(results)
            dealer.wait_for_the_rest(results)
        finally:
            dealer.stop()  # on an error, no chunk is sent to a pool that is shutting down
    return [first, *(result for index in range(len(chunks)) for result in results[index])]


class _Dealer:
    """Deals the chunks out in order, one at a time, to this process and to the pool's workers.

    A worker is sent its next chunk the moment it returns one (from the pool's thread that
    receives results), not when this process is next between two chunks of its own.  So no
    chunk waits in a worker's queue while it still works on another: a chunk queued there
    was dealt when the chunks were larger, and when this process took the last chunk
    the worker still had all of it to do (0.1-0.6 s on 10,000 files, this process idle).
    Dealt one at a time, every process ends on one of the small last chunks; a worker
    waits a few milliseconds for each next chunk instead.
    """

    def __init__(self, chunks: Sequence[Sequence[Path]], pool: ProcessPoolExecutor) -> None:
        self._chunks = chunks
        self._pool = pool
        self._undealt = iter(range(len(chunks)))
        self._lock = threading.Lock()  # a chunk is taken and sent in one step, in either thread
        # What each sent chunk returned: its future, or the error that kept it from being sent.
        self._returned: queue.SimpleQueue[tuple[int, Future[list[PackedResult]] | Exception]] = queue.SimpleQueue()

    def take(self) -> int | None:
        """The next chunk for this process to check; ``None`` once every chunk is dealt."""
        with self._lock:
            return next(self._undealt, None)

    def send(self) -> None:
        """Send the next chunk, if one is left, to the pool.

        Should the pool refuse it, the refusal is also what that chunk returns, so the
        thread waiting for every chunk raises it rather than wait for one never sent.
        """
        with self._lock:
            index = next(self._undealt, None)
            if index is None:
                return
            try:
                future = self._pool.submit(_check_chunk, list(self._chunks[index]))
            except Exception as error:
                self._returned.put((index, error))
                raise
        # Outside the lock: a chunk already back runs its callback here and now, and that sends the next.
        future.add_done_callback(partial(self._back, index))

    def stop(self) -> None:
        """Deal no more chunks: taken under the lock, so no send can race the pool's shutdown."""
        with self._lock:
            self._undealt = iter(())

    def _back(self, index: int, future: Future[list[PackedResult]]) -> None:
        self._returned.put((index, future))
        if future.exception() is None:  # a failed pool is sent no more; unpacking raises its error
            # A callback's exception would only be logged; send() has handed it on already.
            with suppress(Exception):
                self.send()

    def unpack_returned(self, results: dict[int, list[FileResult]]) -> None:
        """Unpack into ``results`` what the workers have returned so far."""
        while True:
            try:
                index, returned = self._returned.get(block=False)
            except queue.Empty:
                return
            results[index] = _unpack(returned)

    def wait_for_the_rest(self, results: dict[int, list[FileResult]]) -> None:
        """Unpack into ``results`` every chunk still to come back from the workers."""
        while len(results) < len(self._chunks):
            index, returned = self._returned.get()
            results[index] = _unpack(returned)


def _unpack(returned: Future[list[PackedResult]] | Exception) -> list[FileResult]:
    if isinstance(returned, Exception):
        raise returned
    return unpack_results(returned.result())


def _chunks(files: Sequence[Path], *, processes: int) -> list[Sequence[Path]]:
    """Consecutive chunks that shrink as the work runs out (a share of what remains each).

    Large chunks first keep hand-overs few: each one wakes threads in this process that
    wait their turn for the interpreter while it is checking files.  Small ones last
    even out the processes' finishing times, whatever share of the cores each gets.
    """
    chunks = []
    start = 0
    while start < len(files):
        size = max(MIN_CHUNK_FILES, (len(files) - start) // (2 * processes))
        chunks.append(files[start : start + size])
        start += size
    return chunks


_worker: _Checker | None = None


def _init_worker(job: Job, config: Config) -> None:
    global _worker  # noqa: PLW0603 - one checker per worker process, built once
    _worker = _Checker(job, config)
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])  # the worker only checks files


def _check_chunk(files: list[Path]) -> list[PackedResult]:
    if _worker is None:
        raise RuntimeError("worker used before _init_worker ran")
    return pack_results(_worker.check(path) for path in files)


class _Checker:
    def __init__(self, job: Job, config: Config) -> None:
        self.job = job
        self.config = config
        self.context = RuleContext(config, job.today, self._base_tree)

    @cache  # noqa: B019 - one checker per run; the git answer is the same for every file
    def _base_tree(self) -> BaseTree:
        from handoffs.git import base_tree  # only kicked-off/completed handoffs ask git anything

        return base_tree(self.job.root, self.job.base, under=self.config.handoffs_dir)

    def check(self, path: Path) -> FileResult:
        return self.check_document(path)[1]

    def check_document(self, path: Path) -> tuple[Handoff | None, FileResult]:
        """The loaded document (``None`` if unreadable) and everything found in it."""
        max_bytes = self.config.rules.max_file_bytes
        folder = self.config.handoffs_dir
        return self._check(
            path,
            lambda sink: load_handoff(path, root=self.job.root, max_bytes=max_bytes, sink=sink, handoffs_dir=folder),
        )

    def check_content(self, raw: bytes, path: Path) -> tuple[Handoff | None, FileResult]:
        """``check_document`` for content in memory that lives at ``path`` (a git blob)."""
        max_bytes = self.config.rules.max_file_bytes
        folder = self.config.handoffs_dir
        return self._check(
            path,
            lambda sink: parse_handoff(
                raw, path=path, root=self.job.root, max_bytes=max_bytes, sink=sink, handoffs_dir=folder
            ),
        )

    def _check(self, path: Path, load: Callable[[FindingSink], Handoff | None]) -> tuple[Handoff | None, FileResult]:
        sink = FindingSink(str(path), self._severity)
        handoff: Handoff | None = None
        open_items: list[OpenItem] = []
        hits: list[TermHit] = []
        try:
            handoff = load(sink)
            if handoff is not None:
                open_items, hits = self._run_rules(handoff, sink)
        except Exception:
            sink.add(
                INTERNAL_ERROR_CODE,
                1,
                "internal error while checking this file (please report it):\n" + traceback.format_exc(),
            )
        handoff_id = handoff.handoff_id if handoff else None
        return handoff, FileResult(str(path), tuple(sink.findings), handoff_id, tuple(open_items), tuple(hits))

    def _run_rules(self, handoff: Handoff, sink: FindingSink) -> tuple[list[OpenItem], list[TermHit]]:
        ctx = self.context
        check_location(handoff, ctx, sink)
        check_people_and_dates(handoff, ctx, sink)
        open_items = check_sections(handoff, ctx, sink)
        hits = check_custom_terms(handoff, ctx, sink)
        check_safety(handoff, ctx, sink)
        check_status(handoff, ctx, sink, open_items)
        return open_items, hits

    def _severity(self, code: str) -> Severity | None:
        if code == INTERNAL_ERROR_CODE:
            return Severity.ERROR
        severity = self.config.severity_of(code)
        if self.job.strict and severity is Severity.WARNING:
            return Severity.ERROR
        return severity


def check_paths(paths: Iterable[Path], job: Job) -> CheckResult:
    config = load_config(job.root)
    return check_files(discover(list(paths)), job, config)


def check_contents(
    contents: Iterable[tuple[bytes, Path]], job: Job, config: Config
) -> Iterator[tuple[Handoff | None, FileResult]]:
    """Check content held in memory (e.g. historical versions from git), each as if at its path."""
    checker = _Checker(job, config)
    for raw, path in contents:
        yield checker.check_content(raw, path)


def iter_handoffs(files: Iterable[Path], job: Job, config: Config) -> Iterator[tuple[Handoff | None, FileResult]]:
    """Load and check each file, yielding the document beside its result (for the site and metrics)."""
    checker = _Checker(job, config)
    for path in files:
        yield checker.check_document(path)
