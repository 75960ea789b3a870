"""`handoff log-repeat` appends one entry and changes no other byte of the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, handoff_text, write_handoff

HID = "northwind-health/2026-11-23-implementation"
ENTRY = '  - date: 2026-11-20\n    note: "Re-explained the \\"EHR\\" sandbox: again"\n    reported_by: "@raj-impl"\n'
TRICKY_FRONT = FRONT_MATTER.replace(
    'title: "Northwind Health: EHR integration and go-live"',
    "# the title is quoted on purpose\ntitle:   'Northwind Health: EHR integration and go-live'   # odd spacing",
)


def _log(run_cli: Callable[..., CliResult], *extra: str) -> CliResult:
    return run_cli(
        "log-repeat",
        HID,
        "--note",
        'Re-explained the "EHR" sandbox: again',
        "--by",
        "@raj-impl",
        "--date",
        "2026-11-20",
        *extra,
    )


def _roundtrip(repo: Path, run_cli: Callable[..., CliResult], raw: bytes) -> bytes:
    path = write_handoff(repo, HID)
    path.write_bytes(raw)
    result = _log(run_cli)
    assert result.exit_code == 0, result.err
    after = path.read_bytes()
    assert run_cli("check", path).exit_code == 0  # still a valid handoff
    return after


CASES = {
    "absent key, comments and odd quoting": (
        handoff_text(TRICKY_FRONT),
        handoff_text(TRICKY_FRONT + "context_repeats:\n" + ENTRY),
    ),
    "empty flow list with a comment": (
        handoff_text(FRONT_MATTER + "context_repeats: []  # none yet\n"),
        handoff_text(FRONT_MATTER + "context_repeats:  # none yet\n" + ENTRY),
    ),
    "block list, then a comment before the closing line": (
        handoff_text(
            FRONT_MATTER
            + 'context_repeats:\n  - date: 2026-11-01\n    note: "first"\n    reported_by: "@raj-impl"\n# end\n'
        ),
        handoff_text(
            FRONT_MATTER
            + 'context_repeats:\n  - date: 2026-11-01\n    note: "first"\n    reported_by: "@raj-impl"\n'
            + ENTRY
            + "# end\n"
        ),
    ),
    "unindented block list followed by another key": (
        handoff_text(
            FRONT_MATTER.replace("status: proposed\n", "")
            + "context_repeats:\n- date: 2026-11-01\n  note: first\n  reported_by: '@raj-impl'\n\nstatus: proposed\n"
        ),
        handoff_text(
            FRONT_MATTER.replace("status: proposed\n", "")
            + "context_repeats:\n- date: 2026-11-01\n  note: first\n  reported_by: '@raj-impl'\n"
            + ENTRY.replace("  - ", "- ").replace("    ", "  ")
            + "\nstatus: proposed\n"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_the_entry_is_added(repo: Path, run_cli: Callable[..., CliResult], case: str) -> None:
    before, expected = CASES[case]
    assert _roundtrip(repo, run_cli, before.encode()) == expected.encode()


def test_crlf_and_bom_are_preserved(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    before = b"\xef\xbb\xbf" + handoff_text().replace("\n", "\r\n").encode()
    expected = (
        b"\xef\xbb\xbf" + handoff_text(FRONT_MATTER + "context_repeats:\n" + ENTRY).replace("\n", "\r\n").encode()
    )
    assert _roundtrip(repo, run_cli, before) == expected


def test_the_same_incident_twice_is_recorded_once(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = write_handoff(repo, HID)
    assert _log(run_cli).exit_code == 0
    once = path.read_bytes()
    again = run_cli(
        "log-repeat",
        HID,
        "--note",
        're-explained the  "ehr" sandbox: AGAIN',
        "--by",
        "@raj-impl",
        "--date",
        "2026-11-20",
    )
    assert again.exit_code == 0
    assert "already recorded" in again.out
    assert path.read_bytes() == once


def test_date_defaults_to_today(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    path = write_handoff(repo, HID)
    assert run_cli("log-repeat", HID, "--note", "again", "--by", "@raj-impl").exit_code == 0
    assert "  - date: 2026-11-23\n" in path.read_text(encoding="utf-8")


def test_bad_handle_and_unknown_handoff_are_clear_errors(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    write_handoff(repo, HID)
    bad = run_cli("log-repeat", HID, "--note", "x", "--by", "raj")
    assert bad.exit_code == 2
    assert "--by" in bad.err
    missing = run_cli("log-repeat", "nobody/2026-11-23-implementation", "--note", "x", "--by", "@raj-impl")
    assert missing.exit_code == 1
    assert "no handoff `nobody/2026-11-23-implementation`" in missing.err


def test_a_flow_list_with_entries_is_refused_untouched(repo: Path, run_cli: Callable[..., CliResult]) -> None:
    text = handoff_text(FRONT_MATTER + "context_repeats: [{date: 2026-11-01, note: x, reported_by: '@raj-impl'}]\n")
    path = write_handoff(repo, HID, text)
    result = _log(run_cli)
    assert result.exit_code == 1
    assert "block list" in result.err
    assert path.read_text(encoding="utf-8") == text
    assert BODY in text
