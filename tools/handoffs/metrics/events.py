"""The event log: one JSON object per line, one line per check of a file or merge of a handoff.

Schema (version 1, ``"schema": "handoff-event/1"``):

``id``            stable id: sha256 of (type, handoff id, commit, content digest); the
                  same check of the same content at the same commit always gets the
                  same id, which is what makes appending idempotent
``type``          ``check`` or ``merge``
``handoff``       the handoff id (``customer-slug/YYYY-MM-DD-type``) or ``null`` for a
                  file outside handoffs/
``path``          the file as given on the command line
``time``          when the event was recorded (ISO 8601, UTC)
``commit``        the commit checked or merged (``null`` outside git)
``content``       sha256 of the file's bytes
``complete``      true when the required context is present (see ``COMPLETENESS``)
``missing_promise_count`` / ``missing_exclusion_count``
                  error findings about Promised scope / Exclusions (missing, empty,
                  placeholder, unsourced item)
``flags``         custom-term categories flagged, sorted, unique
``rule_codes``    every finding code, sorted, unique
``errors`` / ``warnings``  counts
``pr``            pull-request number (merge events, when known)

Readers skip lines they cannot parse (reporting how many) and de-duplicate by ``id``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from handoffs.config import SectionRoles, load_config
from handoffs.errors import HandoffError
from handoffs.findings import FileResult, Finding, Severity
from handoffs.git import head_commit

SCHEMA = "handoff-event/1"
EVENT_TYPES = ("check", "merge")
# "Required context present": the front matter is readable and has every required
# key (HO11x) and every required section is there, filled in and sourced (HO30x).
COMPLETENESS_PREFIXES = ("HO11", "HO30")


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    handoff: str | None
    path: str
    time: str
    commit: str | None
    content: str
    complete: bool
    missing_promise_count: int
    missing_exclusion_count: int
    flags: tuple[str, ...]
    rule_codes: tuple[str, ...]
    errors: int
    warnings: int
    pr: int | None = None
    schema: str = SCHEMA

    def to_json(self) -> str:
        data = asdict(self)
        data["flags"] = list(self.flags)
        data["rule_codes"] = list(self.rule_codes)
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


def is_complete(findings: Iterable[Finding]) -> bool:
    return not any(f.severity is Severity.ERROR and f.code.startswith(COMPLETENESS_PREFIXES) for f in findings)


def missing_in_section(findings: Iterable[Finding], section: str) -> int:
    """Error findings about one section: missing (reported without a section), empty, unsourced…"""
    count = 0
    for finding in findings:
        if finding.severity is not Severity.ERROR or not finding.code.startswith("HO30"):
            continue
        # Placeholders are reported without a section, naming it in the message instead.
        named = finding.section or (section if f"## {section}".casefold() in finding.message.casefold() else "")
        if named.casefold() == section.casefold():
            count += 1
    return count


def event_id(event_type: str, handoff: str | None, commit: str | None, content: str) -> str:
    key = "\0".join((event_type, handoff or "", commit or "", content))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def event_from_result(
    event_type: str,
    result: FileResult,
    *,
    content: bytes,
    commit: str | None,
    time: dt.datetime,
    pr: int | None = None,
    sections: SectionRoles,
) -> Event:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    digest = hashlib.sha256(content).hexdigest()
    findings = result.findings
    return Event(
        id=event_id(event_type, result.handoff_id, commit, digest),
        type=event_type,
        handoff=result.handoff_id,
        path=result.path,
        time=time.astimezone(dt.UTC).isoformat(timespec="seconds"),
        commit=commit,
        content=digest,
        complete=is_complete(findings),
        missing_promise_count=missing_in_section(findings, sections.promised_scope),
        missing_exclusion_count=missing_in_section(findings, sections.exclusions),
        flags=tuple(sorted({f.category for f in findings if f.category and f.severity is Severity.FLAG})),
        rule_codes=tuple(sorted({f.code for f in findings})),
        errors=sum(1 for f in findings if f.severity is Severity.ERROR),
        warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
        pr=pr,
    )


@dataclass(frozen=True)
class EventLog:
    events: tuple[Event, ...]
    skipped_lines: tuple[int, ...]  # lines that were not valid events


def read_events(path: Path) -> EventLog:
    """Every distinct event in ``path`` (first occurrence of each id wins)."""
    if not path.exists():
        return EventLog((), ())
    seen: dict[str, Event] = {}
    skipped: list[int] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            event = _parse(line)
            if event is None:
                skipped.append(number)
            elif event.id not in seen:
                seen[event.id] = event
    return EventLog(tuple(seen.values()), tuple(skipped))


def _parse(line: str) -> Event | None:
    try:
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            return None
        data["flags"] = tuple(data["flags"])
        data["rule_codes"] = tuple(data["rule_codes"])
        return Event(**data)
    except (ValueError, TypeError, KeyError):
        return None


def append_events(path: Path, events: Sequence[Event]) -> int:
    """Append the events whose id is not in ``path`` yet; return how many were written."""
    known = {event.id for event in read_events(path).events}
    fresh: list[Event] = []
    for event in events:
        if event.id not in known:
            known.add(event.id)
            fresh.append(event)
    if not fresh:
        return 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(event.to_json() + "\n" for event in fresh)
    except OSError as exc:
        raise HandoffError(f"cannot write events to {path}: {exc.strerror}") from None
    return len(fresh)


def _events_for(
    event_type: str,
    results: Iterable[FileResult],
    commit: str | None,
    pr: int | None,
    now: dt.datetime | None,
    *,
    sections: SectionRoles,
) -> list[Event]:
    time = now or dt.datetime.now(dt.UTC)
    events = []
    for result in results:
        try:
            content = Path(result.path).read_bytes()
        except OSError:
            content = b""
        event = event_from_result(
            event_type, result, content=content, commit=commit, time=time, pr=pr, sections=sections
        )
        events.append(event)
    return events


def record_checks(events_file: Path, root: Path, results: Iterable[FileResult], now: dt.datetime | None = None) -> int:
    """Append one ``check`` event per checked file; returns how many were new."""
    sections = load_config(root).sections
    return append_events(events_file, _events_for("check", results, head_commit(root), None, now, sections=sections))


def record_merge(
    events_file: Path,
    root: Path,
    paths: Sequence[Path],
    *,
    commit: str | None = None,
    pr: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Append one ``merge`` event per merged handoff file (for the on-merge command).

    The files are checked as they are on the merge commit (``commit``, default HEAD);
    calling it twice for the same merge writes nothing the second time.
    """
    from handoffs.clock import today
    from handoffs.engine import Job, check_files

    config = load_config(root)
    job = Job(root, config.rules.base_branch, today(None), False)
    result = check_files(list(paths), job, config)
    return append_events(
        events_file, _events_for("merge", result.files, commit or head_commit(root), pr, now, sections=config.sections)
    )
