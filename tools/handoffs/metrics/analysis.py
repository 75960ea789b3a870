"""From file versions to one ``HandoffRecord`` per handoff: the facts the metrics count.

Two versions of each handoff are checked with the full rule engine (the version first
put up for review, and the version that was approved); every other version is only
read far enough to see its front matter and the four scope sections, reparsing just
what changed since the version before it (``metrics.versions``).  Work is split by
handoff into small shares, taken by worker processes (one per core) as they come free, so
a version's predecessor is at hand and no worker sits idle while another still has a long
queue; each share reads its own blobs from git, so contents never travel between processes.
Versions are checked in memory, each as if at its path in a repository, so the
location rules see the real path.  What is learned is cached per blob (``metrics.cache``), so
only new versions are read on the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from handoffs.config import Config
from handoffs.document.handoff import ID_PATTERN, Handoff
from handoffs.engine import PARALLEL_THRESHOLD, Job, check_contents
from handoffs.findings import FileResult
from handoffs.git import read_blobs
from handoffs.metrics.cache import AnalysisCache, Verdict
from handoffs.metrics.events import is_complete
from handoffs.metrics.facts import Facts, facts_of_handoff
from handoffs.metrics.history import FileHistory, History
from handoffs.metrics.versions import Reading, read_version, reading_of_handoff
from handoffs.progress import ProgressBar
from handoffs.verdicts import ACTIVE_STATUSES, normalise, scope_changes

_VERSIONS_ROOT = Path("/handoff-history")  # nothing is written there: only the relative path counts
_ISSUE_REF = re.compile(r"(?<![\w/])#(\d+)\b")
# At most this many handoffs in one share of the work.  Workers take shares as they come free, so a worker
# that runs dry waits at most for the shares still running: at a few milliseconds a
# handoff, a share this size takes well under a second, while each share's own git
# process and checker setup (a few milliseconds) stays negligible.
_SHARE_SIZE = 200


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
    flagged_at_approval: tuple[str, ...]  # custom-term categories the approved version flags
    approvers: tuple[str, ...]  # the approving commit's `Approved-by:` trailers (the offline record)
    scope_changes: int  # base-branch commits after approval that changed a scope section
    added_promises: int  # Promised scope items added after approval
    added_exclusions: int  # Exclusions items added after approval
    kickoff: dt.date | None
    close_date: dt.date | None
    stage_changed_at: dt.datetime | None  # crm.stage_changed_at: the CRM stage change that started it
    milestone_due: dt.date | None
    completed_at: dt.datetime | None  # first base-branch version with status `completed`
    status: str | None
    repeats: tuple[Repeat, ...]


@dataclass(frozen=True)
class _Work:
    """What is not known yet about one handoff's versions."""

    handoff_id: str
    checks: tuple[str, ...]  # blobs to check with the full rule engine (first reviewed, approved)
    reads: tuple[str, ...]  # other blobs whose facts are needed, oldest first


@dataclass(frozen=True)
class _Setting:
    """What every share is analysed with: sent to each worker once, not with every share."""

    root: Path  # the repository the blobs are read from
    config: Config
    today: dt.date


@dataclass
class _Learned:
    verdicts: dict[tuple[str, str], Verdict]  # (handoff id, blob) -> verdict
    facts: dict[str, Facts]  # blob -> facts


_setting: _Setting | None = None  # a worker's, set once by _init_worker


def _init_worker(setting: _Setting) -> None:
    # The configuration arrives once per worker, so its patterns compile once, not per share.
    global _setting  # noqa: PLW0603 - one setting per worker process
    _setting = setting


def _analyse_share(works: tuple[_Work, ...]) -> _Learned:
    if _setting is None:
        raise RuntimeError("worker used before _init_worker ran")
    return _analyse(_setting, works)


def _analyse(setting: _Setting, works: tuple[_Work, ...]) -> _Learned:
    """Check the versions that need the full rules, then read the others' facts."""
    contents = read_blobs(setting.root, {sha for work in works for sha in (*work.checks, *work.reads)})
    learned = _Learned({}, {})
    readings: dict[str, Reading] = {}
    # Versions are checked in memory as if they lived in a repository at _VERSIONS_ROOT.
    # That is no git repository: the status rule only warns there, and approval is
    # taken from history instead.
    job = Job(_VERSIONS_ROOT, setting.config.rules.base_branch, setting.today, False)
    rounds = max((len(work.checks) for work in works), default=0)
    # One version per handoff id per round, oldest first: a later version's reading
    # builds on the one before.
    for index in range(rounds):
        batch = [(w.handoff_id, w.checks[index]) for w in works if index < len(w.checks)]
        _check_round(batch, job, setting.config, contents, learned=learned, readings=readings)
    for work in works:
        previous = readings.get(work.handoff_id)
        for sha in work.reads:
            facts, reading = read_version(contents[sha], previous, setting.config.sections.scope)
            learned.facts.setdefault(sha, facts)
            previous = reading or previous
    return learned


def _check_round(
    batch: list[tuple[str, str]],
    job: Job,
    config: Config,
    contents: Mapping[str, bytes],
    *,
    learned: _Learned,
    readings: dict[str, Reading],
) -> None:
    located = [(contents[sha], job.root / config.handoffs_dir / f"{handoff_id}.md") for handoff_id, sha in batch]
    # Each loaded document also yields its facts and the reading later versions build on.
    for (handoff_id, sha), (doc, result) in zip(batch, check_contents(located, job, config), strict=True):
        learned.verdicts[(handoff_id, sha)] = verdict_of(result)
        learned.facts.setdefault(sha, _facts_of_checked(doc, config))
        reading = reading_of_handoff(doc) if doc is not None else None
        if reading is not None:
            readings[handoff_id] = reading


def verdict_of(result: FileResult) -> Verdict:
    """What metrics keep of a full check of one version."""
    return Verdict(is_complete(result.findings), not result.has_errors and not result.open_items, result.flagged)


def _facts_of_checked(doc: Handoff | None, config: Config) -> Facts:
    return facts_of_handoff(doc, config.sections.scope) if doc is not None else Facts(valid=False)


@dataclass(frozen=True)
class CheckedFile:
    """A working-tree file some other step (the site) already checked, with the bytes it checked."""

    raw: bytes
    doc: Handoff
    result: FileResult


def git_blob_id(raw: bytes) -> str:
    """The id git gives this content (``git hash-object``), so a checked file can be matched to its version."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def share_checked(checked: Iterable[CheckedFile], cache: AnalysisCache, config: Config) -> None:
    """Record what was learned by checking working-tree files, for the versions with the same content.

    Same content, same path, same configuration and day: the same findings, so a version
    need not be checked again.  Except where the rules consulted git (the status rule for an
    earned status asks for the base branch's tree): in a history check there is no repository,
    so those findings differ, and those versions are still checked on their own.
    """
    for item in checked:
        handoff_id = item.doc.handoff_id
        if handoff_id is None or item.doc.fields.status in ACTIVE_STATUSES:
            continue
        sha = git_blob_id(item.raw)
        cache.verdicts.setdefault((handoff_id, sha), verdict_of(item.result))
        cache.facts.setdefault(sha, _facts_of_checked(item.doc, config))


def _run(root: Path, works: list[_Work], config: Config, today: dt.date) -> _Learned:
    """Every work item, in worker processes (one per core) when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    versions = sum(len(w.checks) + len(w.reads) for w in works)
    setting = _Setting(root, config, today)
    if versions < PARALLEL_THRESHOLD or workers < 2:
        return _analyse(setting, tuple(works))
    # The same number of shares for every worker, so that none is left running the last one alone.
    shares = workers * -(-len(works) // (workers * _SHARE_SIZE))
    learned = _Learned({}, {})
    parts = [tuple(works[i::shares]) for i in range(shares)]
    with (
        ProgressBar("Checking handoff versions", versions) as bar,
        ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(setting,)) as pool,
    ):
        for share, part in zip(parts, pool.map(_analyse_share, parts), strict=True):
            learned.verdicts.update(part.verdicts)
            for sha, facts in part.facts.items():
                learned.facts.setdefault(sha, facts)
            bar.advance(sum(len(w.checks) + len(w.reads) for w in share))
    return learned


def _work_for(fh: FileHistory, cache: AnalysisCache) -> _Work:
    # The first-reviewed and the approved version get the full check.
    checks = [v.blob for v in (fh.first, fh.approval) if v is not None and v.blob]
    checks = [sha for sha in dict.fromkeys(checks) if (fh.handoff_id, sha) not in cache.verdicts]
    # Every version on the base branch (oldest first), and the newest anywhere, are read for facts.
    wanted = [v.blob for v in (*fh.main, fh.first, fh.latest) if v is not None and v.blob]
    reads = [sha for sha in dict.fromkeys(wanted) if sha not in cache.facts and sha not in checks]
    return _Work(fh.handoff_id, tuple(checks), tuple(reads))


def build_records(
    root: Path,
    history: History,
    config: Config,
    today: dt.date,
    cache: AnalysisCache | None = None,
    *,
    checked: Iterable[CheckedFile] = (),
) -> list[HandoffRecord]:
    files = history.files
    cache = cache or AnalysisCache(None)
    share_checked(checked, cache, config)
    works = [work for _, fh in sorted(files.items()) if (work := _work_for(fh, cache)).checks or work.reads]
    learned = _run(root, works, config, today)
    cache.verdicts.update(learned.verdicts)
    for sha, facts in learned.facts.items():
        cache.facts.setdefault(sha, facts)
    cache.save()
    records = []
    for _, fh in sorted(files.items()):
        record = _record(fh, cache, config)
        if record is not None:
            records.append(record)
    return records


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _record(fh: FileHistory, cache: AnalysisCache, config: Config) -> HandoffRecord | None:
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
    scope_change_count, added_promises, added_exclusions = _post_approval(fh, cache.facts, config)
    return HandoffRecord(
        handoff_id=fh.handoff_id,
        type=facts.type or _id_type(fh.handoff_id),
        teams=facts.teams,
        opened_on=opened_on,
        opened_at=fh.first.time if fh.first else None,
        approved_at=approval.time if approval else None,
        pull=approval.pull if approval else None,
        complete_at_first_review=first_verdict is not None and first_verdict.complete,
        clean_at_approval=approved is not None and approved.clean,
        flagged_at_approval=approved.flagged if approved is not None else (),
        approvers=approval.approvers if approval else (),
        scope_changes=scope_change_count,
        added_promises=added_promises,
        added_exclusions=added_exclusions,
        kickoff=_date(facts.kickoff),
        close_date=_date(facts.close_date),
        stage_changed_at=_moment(facts.stage_changed_at),
        milestone_due=_date(facts.milestone_due),
        completed_at=_completed_at(fh, cache.facts),
        status=facts.status,
        repeats=tuple(Repeat(fh.handoff_id, dt.date.fromisoformat(d), note) for d, note in facts.repeats),
    )


def _id_type(handoff_id: str) -> str:
    match = ID_PATTERN.match(handoff_id)
    return match["type"] if match else ""


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _id_date(handoff_id: str) -> dt.date | None:
    """The day the handoff was opened, from its id (``document.handoff.ID_PATTERN``, as the location rule reads it)."""
    match = ID_PATTERN.match(handoff_id)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match["date"])
    except ValueError:
        return None


def _post_approval(fh: FileHistory, facts: Mapping[str, Facts], config: Config) -> tuple[int, int, int]:
    """(scope-changing commits after approval, promises added, exclusions added)."""
    approval = fh.approval
    if approval is None or approval.blob is None:
        return 0, 0, 0
    later = fh.main[fh.main.index(approval) + 1 :]
    approved_scope = dict(facts[approval.blob].scope)
    previous = facts[approval.blob].scope
    changes = 0
    promises, exclusions = config.sections.promised_scope, config.sections.exclusions
    added: dict[str, set[str]] = {promises: set(), exclusions: set()}
    for version in later:
        if version.blob is None:
            break
        current = facts[version.blob].scope
        if scope_changes(previous, current):  # the PR brief's definition of a scope change
            changes += 1
        scope = dict(current)
        for name, seen in added.items():
            seen.update(set(scope.get(name, ())) - set(approved_scope.get(name, ())))
        previous = current
    return changes, len(added[promises]), len(added[exclusions])


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
