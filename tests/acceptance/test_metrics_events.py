"""`handoff check --events` and the merge-event hook append de-duplicated JSON Lines events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from handoffs.metrics.events import record_merge
from tests.conftest import CliResult
from tests.factories import BODY, commit_all, handoff_text, write_handoff


def test_check_appends_one_event_per_file_and_never_twice(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    good = write_handoff(repo)
    write_handoff(
        repo, "other-co/2026-11-23-implementation", handoff_text(body=BODY.replace("## Exclusions", "## Notes"))
    )
    commit_all(repo)
    log = repo / "events.jsonl"
    assert run_cli("check", "--events", log).exit_code == 1
    assert run_cli("check", "--events", log).exit_code == 1  # same commit, same content: nothing new
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(events) == 2
    by_id = {e["handoff"]: e for e in events}
    assert by_id["northwind-health/2026-11-23-implementation"]["complete"] is True
    broken = by_id["other-co/2026-11-23-implementation"]
    assert broken["complete"] is False
    assert broken["missing_exclusion_count"] == 1
    assert "HO300" in broken["rule_codes"]
    assert broken["flags"] == ["pricing"]
    assert all(e["type"] == "check" and len(e["commit"]) == 40 for e in events)
    good.write_text(good.read_text(encoding="utf-8") + "\nMore notes.\n", encoding="utf-8")
    run_cli("check", "--events", log, good)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 3  # new content: a new event


def test_merge_events_are_idempotent(repo: Path) -> None:
    path = write_handoff(repo)
    commit_all(repo)
    log = repo / "events.jsonl"
    assert record_merge(log, repo, [path], pr=12) == 1
    assert record_merge(log, repo, [path], pr=12) == 0
    event = json.loads(log.read_text(encoding="utf-8"))
    assert (event["type"], event["pr"], event["complete"]) == ("merge", 12, True)
