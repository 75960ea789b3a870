"""Pure pieces of the metrics: business days, return reasons, the event log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.document.handoff import load_handoff
from handoffs.findings import FileResult, Finding, FindingSink, Severity
from handoffs.metrics.analysis import Repeat, unique_repeats
from handoffs.metrics.compute import business_days, rate
from handoffs.metrics.events import append_events, event_from_result, read_events
from handoffs.metrics.facts import facts_of_handoff, read_facts
from handoffs.metrics.reviews import classify_return, parse_repeat_issue
from tests.factories import BODY, FRONT_MATTER, PROJECT, handoff_text

SECTIONS = load_config(PROJECT).sections
SCOPE = SECTIONS.scope

NOW = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def test_business_days_skip_weekends() -> None:
    friday, monday, tuesday = dt.date(2026, 11, 20), dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    assert business_days(friday, monday) == 1  # Sat, Sun skipped
    assert business_days(friday, tuesday) == 2
    assert business_days(monday, monday) == 0
    assert business_days(tuesday, friday) == -2
    assert business_days(monday, dt.date(2026, 12, 7)) == 10  # two whole weeks


def test_rate_keeps_counts_and_has_no_value_without_cases() -> None:
    assert rate(9, 10) == {"value": 0.9, "numerator": 9, "denominator": 10}
    assert rate(0, 0)["value"] is None


def test_return_reasons() -> None:
    terms = load_config(PROJECT).any_term_pattern  # the custom-term language of schema/custom-terms.yaml
    assert classify_return("Missing context: who signs?", terms) == "missing-context"
    assert classify_return("The 15% discount was not reviewed by finance", terms) == "unreviewed-custom-term"
    assert classify_return("Who reviewed the custom terms?", terms) == "unreviewed-custom-term"
    assert classify_return("This is out of scope for us", terms) == "wrong-scope"
    assert classify_return("Looks odd", terms) == "other"
    assert classify_return("reason: wrong-scope — also missing context", terms) == "wrong-scope"
    # Without the team's term language only the words "custom term" say so.
    assert classify_return("The 15% discount was not reviewed by finance") == "other"


def _result(*findings: Finding) -> FileResult:
    return FileResult("handoffs/a/2026-11-23-implementation.md", findings, "a/2026-11-23-implementation")


def test_event_counts_missing_promises_exclusions_and_completeness() -> None:
    path = "handoffs/a/2026-11-23-implementation.md"
    result = _result(
        Finding(path, 3, "HO300", Severity.ERROR, "required section `## Exclusions` is missing", section="Exclusions"),
        Finding(path, 9, "HO303", Severity.ERROR, "no source", section="Promised Scope"),
        Finding(path, 10, "HO302", Severity.ERROR, "placeholder `TBD` in `## Promised scope`: replace it"),
        Finding(path, 12, "HO600", Severity.FLAG, "pricing", category="pricing"),
        Finding(path, 12, "HO500", Severity.WARNING, "vague"),
    )
    event = event_from_result("check", result, content=b"x", commit="abc", time=NOW, sections=SECTIONS)
    assert event.complete is False
    assert event.missing_promise_count == 2
    assert event.missing_exclusion_count == 1
    assert event.flags == ("pricing",)
    assert event.rule_codes == ("HO300", "HO302", "HO303", "HO500", "HO600")
    assert (event.errors, event.warnings) == (3, 1)


def test_appending_the_same_event_twice_writes_it_once(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    event = event_from_result("check", _result(), content=b"same", commit="abc", time=NOW, sections=SECTIONS)
    later = event_from_result(
        "check", _result(), content=b"same", commit="abc", time=NOW + dt.timedelta(hours=1), sections=SECTIONS
    )
    assert append_events(log, [event]) == 1
    assert append_events(log, [later]) == 0  # same content, same commit: same id
    changed = event_from_result("check", _result(), content=b"edited", commit="abc", time=NOW, sections=SECTIONS)
    assert append_events(log, [changed]) == 1
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    assert json.loads(log.read_text(encoding="utf-8").splitlines()[0])["schema"] == "handoff-event/1"


def test_reader_skips_bad_lines_and_duplicates(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    event = event_from_result("merge", _result(), content=b"x", commit="abc", time=NOW, pr=7, sections=SECTIONS)
    log.write_text(event.to_json() + "\nnot json\n" + event.to_json() + "\n", encoding="utf-8")
    read = read_events(log)
    assert read.events == (event,)
    assert read.skipped_lines == (2,)


def test_an_incident_logged_in_the_file_and_as_an_issue_counts_once() -> None:
    day = dt.date(2026, 11, 20)
    in_file = Repeat("a/2026-11-02-implementation", day, "Re-sent the contact list (see #42)")
    same_issue = Repeat("a/2026-11-02-implementation", day, "They had to send the list again", issue=42)
    same_words = Repeat("a/2026-11-02-implementation", day, "re-sent the  CONTACT list (see #42)", issue=43)
    other_handoff = Repeat("b/2026-11-02-implementation", day, "Re-sent the contact list", issue=42)
    assert unique_repeats([in_file, same_issue, same_words, other_handoff]) == [in_file, other_handoff]


def test_repeated_context_issue_form_is_parsed() -> None:
    body = (
        "### Handoff id\n\nhandoffs/a/2026-11-02-implementation.md\n\n### Date\n\n2026-11-20\n\n"
        "### What the customer had to repeat\n\nThe go-live date\n\n### Reported by\n\n_No response_\n"
    )
    assert parse_repeat_issue(7, body) == Repeat(
        "a/2026-11-02-implementation", dt.date(2026, 11, 20), "The go-live date", issue=7
    )
    assert parse_repeat_issue(8, body.replace("2026-11-20", "last week")) is None
    for written in ("a/2026-11-02-implementation", "`sales/handoffs/a/2026-11-02-implementation.md`"):
        monorepo = body.replace("handoffs/a/2026-11-02-implementation.md", written)
        assert parse_repeat_issue(9, monorepo) == Repeat(
            "a/2026-11-02-implementation", dt.date(2026, 11, 20), "The go-live date", issue=9
        )


@pytest.mark.parametrize(
    "text",
    [
        handoff_text(),
        handoff_text(FRONT_MATTER.replace("status: proposed", "status: unknown")),  # invalid front matter
        handoff_text(FRONT_MATTER + "title: twice\n"),  # a YAML problem
        BODY,  # no front matter at all
    ],
)
def test_facts_are_the_same_from_a_blob_or_a_checked_document(tmp_path: Path, text: str) -> None:
    path = tmp_path / "handoffs" / "a" / "2026-11-23-implementation.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    sink = FindingSink(str(path), lambda code: Severity.ERROR)
    doc = load_handoff(path, root=tmp_path, max_bytes=1_000_000, sink=sink)
    assert doc is not None
    assert facts_of_handoff(doc, SCOPE) == read_facts(text.encode(), SCOPE)
