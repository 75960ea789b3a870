"""From file versions to one ``HandoffRecord`` per handoff: the facts the metrics count.

Two versions of each handoff are checked with the full rule engine (the version first
put up for review, and the version that was approved), in worker processes; every
other version is only read far enough to see its front matter and the four scope
sections.  Versions are checked in a scratch copy laid out like a repository so the
location rules see the real path.  What is learned is cached per blob
(``metrics.cache``), so only new versions are read on the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from handoffs.config import Config
from handoffs.engine import PARALLEL_THRESHOLD, Job, iter_handoffs
from handoffs.metrics.cache import AnalysisCache, Verdict
from handoffs.metrics.events import EXCLUSIONS, PROMISED_SCOPE, is_complete
from handoffs.metrics.facts import Facts, facts_of_handoff, normalise, read_facts
from handoffs.metrics.history import FileHistory, History, read_blobs

_ISSUE_REF = re.compile(r"(?<![\w/])#(\d+)\b")


@dataclass(frozen=True)
class Repeat:
    """One repeated-context incident, keyed so the same incident logged twice counts once."""

    handoff_id: str
    date: dt.date
    note: str
    issue: int | None = None  # the `repeated-context` issue it came from, if any

    @property
    def key(self) -> tuple[str, dt.date, str]:
        return (self.handoff_id, self.date, normalise(self.note))

    def issue_refs(self) -> set[int]:
        """Issues a file entry's note points at (``#42``): the same incident, logged both ways."""
        return {int(n) for n in _ISSUE_REF.findall(self.note)}


@dataclass(frozen=True)
class HandoffRecord:
    handoff_id: str
    type: str
    teams: tuple[str, ...]  # from.team and to.team (either side matches --team)
    opened_on: dt.date  # the file name's date: the day the handoff was opened
    opened_at: dt.datetime | None  # the commit of the first version (any branch)
    approved_at: dt.datetime | None  # the first commit on the base branch that has it
    pull: int | None  # the pull request that approved it (from the approving commit's subject)
    complete_at_first_review: bool
    clean_at_approval: bool  # the approved version had no errors and no open items
    scope_changes: int  # base-branch commits after approval that changed a scope section
    added_promises: int  # Promised scope items added after approval
    added_exclusions: int  # Exclusions items added after approval
    kickoff: dt.date | None
    close_date: dt.date | None
    milestone_due: dt.date | None
    completed_at: dt.datetime | None  # first base-branch version with status `completed`
    status: str | None
    repeats: tuple[Repeat, ...]


def _facts_chunk(contents: list[tuple[str, bytes]]) -> list[tuple[str, Facts]]:
    return [(sha, read_facts(raw)) for sha, raw in contents]


def _read_all_facts(contents: Mapping[str, bytes]) -> dict[str, Facts]:
    """Facts of every blob; large batches are parsed in worker processes."""
    items = sorted(contents.items())
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_THRESHOLD or workers < 2:
        return dict(_facts_chunk(items))
    chunks = [items[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return {sha: facts for chunk in pool.map(_facts_chunk, chunks) for sha, facts in chunk}


def _check_chunk(work: tuple[Job, Config, list[tuple[Path, str]]]) -> list[tuple[str, Verdict, Facts]]:
    """Check files in a worker; each loaded document also yields its facts (one parse, not two)."""
    job, config, chunk = work
    results = []
    checked = iter_handoffs([path for path, _ in chunk], job, config)
    for (_, handoff_id), (doc, result) in zip(chunk, checked, strict=True):
        verdict = Verdict(is_complete(result.findings), not result.has_errors and not result.open_items)
        facts = facts_of_handoff(doc) if doc is not None else Facts(valid=False)
        results.append((handoff_id, verdict, facts))
    return results


def _check_versions(versions: Mapping[str, bytes], config: Config, today: dt.date) -> dict[str, tuple[Verdict, Facts]]:
    """Check one version per handoff id (id -> content) with the full rule engine."""
    if not versions:
        return {}
    with tempfile.TemporaryDirectory(prefix="handoff-metrics-") as scratch:
        root = Path(scratch)
        files: list[tuple[Path, str]] = []
        for handoff_id, content in sorted(versions.items()):
            path = root / "handoffs" / f"{handoff_id}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            files.append((path, handoff_id))
        # The scratch copy is not a git repository: the status rule only warns there,
        # and approval is taken from history instead.
        job = Job(root, config.rules.base_branch, today, False)
        workers = min(os.cpu_count() or 1, 8)
        if len(files) < PARALLEL_THRESHOLD or workers < 2:
            done = _check_chunk((job, config, files))
        else:
            chunks = [(job, config, files[i::workers]) for i in range(workers)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                done = [row for rows in pool.map(_check_chunk, chunks) for row in rows]
        return {handoff_id: (verdict, facts) for handoff_id, verdict, facts in done}


def build_records(
    root: Path, history: History, config: Config, today: dt.date, cache: AnalysisCache | None = None
) -> list[HandoffRecord]:
    files = history.files
    cache = cache or AnalysisCache(None)
    needed: set[str] = set()
    for fh in files.values():
        needed.update(v.blob for v in fh.main if v.blob)
        for version in (fh.first, fh.latest):
            if version is not None and version.blob:
                needed.add(version.blob)
    # The first-reviewed and the approved version of each file get the full check.
    to_check = {
        (fh.handoff_id, version.blob)
        for fh in files.values()
        for version in (fh.first, fh.approval)
        if version is not None and version.blob
    }
    missing_checks = {key for key in to_check if key not in cache.verdicts}
    blobs = read_blobs(root, {sha for sha in needed if sha not in cache.facts} | {sha for _, sha in missing_checks})
    # One handoff id per check run (the rules see the real path); a second run for the
    # files whose approved version differs from the first-reviewed one.
    rounds: list[dict[str, str]] = [{}, {}]
    for handoff_id, sha in sorted(missing_checks):
        rounds[0 if handoff_id not in rounds[0] else 1][handoff_id] = sha
    for batch in rounds:
        checked = _check_versions({i: blobs[sha] for i, sha in batch.items()}, config, today)
        for handoff_id, (verdict, facts) in checked.items():
            cache.verdicts[(handoff_id, batch[handoff_id])] = verdict
            cache.facts.setdefault(batch[handoff_id], facts)
    missing_facts = {sha for sha in needed if sha not in cache.facts}
    cache.facts.update(_read_all_facts({sha: blobs[sha] for sha in missing_facts}))
    cache.save()
    records = []
    for _, fh in sorted(files.items()):
        record = _record(fh, cache)
        if record is not None:
            records.append(record)
    return records


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _record(fh: FileHistory, cache: AnalysisCache) -> HandoffRecord | None:
    current = fh.current
    if current is None or current.blob is None:
        return None  # deleted from the base branch: withdrawn, not measured
    opened_on = _id_date(fh.handoff_id)
    if opened_on is None:
        return None  # not a handoff file name; `handoff check` reports it
    facts = cache.facts[current.blob]
    approval = fh.approval
    first_verdict = cache.verdicts.get((fh.handoff_id, fh.first.blob)) if fh.first and fh.first.blob else None
    approved = cache.verdicts.get((fh.handoff_id, approval.blob)) if approval and approval.blob else None
    scope_changes, added_promises, added_exclusions = _post_approval(fh, cache.facts)
    return HandoffRecord(
        handoff_id=fh.handoff_id,
        type=facts.type or fh.handoff_id.rsplit("/", 1)[-1][11:],
        teams=facts.teams,
        opened_on=opened_on,
        opened_at=fh.first.time if fh.first else None,
        approved_at=approval.time if approval else None,
        pull=approval.pull if approval else None,
        complete_at_first_review=first_verdict is not None and first_verdict.complete,
        clean_at_approval=approved is not None and approved.clean,
        scope_changes=scope_changes,
        added_promises=added_promises,
        added_exclusions=added_exclusions,
        kickoff=_date(facts.kickoff),
        close_date=_date(facts.close_date),
        milestone_due=_date(facts.milestone_due),
        completed_at=_completed_at(fh, cache.facts),
        status=facts.status,
        repeats=tuple(Repeat(fh.handoff_id, dt.date.fromisoformat(d), note) for d, note in facts.repeats),
    )


def _id_date(handoff_id: str) -> dt.date | None:
    match = re.match(r"^[^/]+/(\d{4}-\d{2}-\d{2})-", handoff_id)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def _post_approval(fh: FileHistory, facts: Mapping[str, Facts]) -> tuple[int, int, int]:
    """(scope-changing commits after approval, promises added, exclusions added)."""
    approval = fh.approval
    if approval is None or approval.blob is None:
        return 0, 0, 0
    later = fh.main[fh.main.index(approval) + 1 :]
    approved_scope = dict(facts[approval.blob].scope)
    previous = approved_scope
    changes = 0
    added: dict[str, set[str]] = {PROMISED_SCOPE: set(), EXCLUSIONS: set()}
    for version in later:
        if version.blob is None:
            break
        scope = dict(facts[version.blob].scope)
        if scope != previous:
            changes += 1
        for name, seen in added.items():
            seen.update(set(scope.get(name, ())) - set(approved_scope.get(name, ())))
        previous = scope
    return changes, len(added[PROMISED_SCOPE]), len(added[EXCLUSIONS])


def _completed_at(fh: FileHistory, facts: Mapping[str, Facts]) -> dt.datetime | None:
    for version in fh.main:
        if version.blob is not None and facts[version.blob].status == "completed":
            return version.time
    return None


def unique_repeats(repeats: Iterable[Repeat]) -> list[Repeat]:
    """One per incident: same handoff, date and note (case and spacing aside), or an issue
    that a file entry of the same handoff refers to as ``#N``."""
    listed = list(repeats)
    referenced = {(r.handoff_id, n) for r in listed if r.issue is None for n in r.issue_refs()}
    seen: dict[tuple[str, dt.date, str], Repeat] = {}
    for repeat in listed:
        if repeat.issue is not None and (repeat.handoff_id, repeat.issue) in referenced:
            continue
        seen.setdefault(repeat.key, repeat)
    return list(seen.values())
