"""Runs every rule over every file and gathers one ``CheckResult``.

Files are independent, so large trees are checked in worker processes (one per
core); each worker loads the configuration once.  A file that crashes a rule is
reported as an internal error *for that file* and the others are still checked.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.config import Config, load_config
from handoffs.document.handoff import Handoff, load_handoff, parse_handoff
from handoffs.errors import UsageError
from handoffs.findings import CheckResult, FileResult, FindingSink, OpenItem, Severity, TermHit
from handoffs.rules.context import RuleContext
from handoffs.rules.location import check_location
from handoffs.rules.people import check_people_and_dates
from handoffs.rules.safety import check_safety
from handoffs.rules.sections import check_sections
from handoffs.rules.status import check_status
from handoffs.rules.terms import check_custom_terms

if TYPE_CHECKING:
    from handoffs.git import BaseTree

PARALLEL_THRESHOLD = 200  # below this, starting workers costs more than it saves
INTERNAL_ERROR_CODE = "HO000"


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
            below = sorted(_markdown_below(str(path)), key=lambda name: name.split(os.sep))  # noqa: PTH206 - as Path sorts, without a Path per file
            if not below:
                raise UsageError(f"no handoff files (*.md) found under {path}")
            found.extend(map(Path, below))
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    # The same file named twice (`handoffs/` and `handoffs/acme/…md`, relative and
    # absolute) is checked once, under the first name it was given.
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.abspath(path), path)  # noqa: PTH100 - no file-system call per file
    return list(unique.values())


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
    if len(files) < PARALLEL_THRESHOLD or workers < 2:
        checker = _Checker(job, config)
        return CheckResult(tuple(checker.check(path) for path in files))
    from concurrent.futures import ProcessPoolExecutor  # only large trees pay for multiprocessing

    chunks = [files[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(job, config)) as pool:
        results = {r.path: r for chunk in pool.map(_check_chunk, chunks) for r in chunk}
    return CheckResult(tuple(results[str(f)] for f in files if str(f) in results))


_worker: _Checker | None = None


def _init_worker(job: Job, config: Config) -> None:
    global _worker  # noqa: PLW0603 - one checker per worker process, built once
    _worker = _Checker(job, config)


def _check_chunk(files: list[Path]) -> list[FileResult]:
    if _worker is None:
        raise RuntimeError("worker used before _init_worker ran")
    return [_worker.check(path) for path in files]


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
