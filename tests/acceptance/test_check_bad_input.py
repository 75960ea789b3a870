"""Bad input (issue 2): a clear message with file and line, exit 1, no traceback,
and every other file in the same run still checked."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.factories import BODY, FRONT_MATTER, handoff_text, write_handoff

BAD_ID = "bad-input-customer/2026-11-23-implementation"
GOOD_ID = "northwind-health/2026-11-23-implementation"


def _text(front: str = FRONT_MATTER, body: str = BODY) -> bytes:
    return handoff_text(front, body).encode()


def _front(old: str, new: str) -> bytes:
    assert old in FRONT_MATTER
    return _text(front=FRONT_MATTER.replace(old, new, 1))


def _body(old: str, new: str) -> bytes:
    assert old in BODY
    return _text(body=BODY.replace(old, new, 1))


@dataclass(frozen=True)
class Case:
    content: bytes
    code: str
    line: int
    says: str  # a fragment of the message a rep needs to see


# The factory handoff: front matter on lines 2-25, closing `---` on 26, body from 27.
UNCLOSED = _text().replace(b"  close_date: 2026-11-20\n---\n", b"  close_date: 2026-11-20\n")
PYTHON_TAG = "customer: !!python/object/apply:os.system ['id']"
CASES = {
    "empty file": Case(b"", "HO110", 1, "front matter missing"),
    "binary with NUL bytes": Case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "HO100", 3, "not a text file"),
    "not UTF-8": Case(_text().replace(b"nurses spend", b"nurses sp\xe9nd"), "HO100", 30, "UTF-8"),
    "front matter never closed": Case(UNCLOSED, "HO110", 1, "never closed"),
    "a list instead of a mapping": Case(
        b"---\n- title: x\n- customer: y\n---\n\n" + BODY.encode(), "HO111", 2, "a list"
    ),
    "duplicate keys": Case(
        _front("status: proposed\n", "status: proposed\nstatus: completed\n"), "HO112", 22, "`status` appears twice"
    ),
    "a python tag": Case(
        _front('customer: "Northwind Health"', PYTHON_TAG),
        "HO112",
        3,
        "`!!python/object/apply:os.system` are not allowed",
    ),
    "unquoted NO": Case(_front('customer: "Northwind Health"', "customer: NO"), "HO115", 3, 'write it in quotes: "NO"'),
    "unquoted 0123": Case(
        _front('id: "006Hs00001NWHEAL"', "id: 0123"), "HO115", 14, "`0123` would be read as a number"
    ),
    "2026-02-30": Case(
        _front("kickoff: 2026-12-01", "kickoff: 2026-02-30"), "HO116", 16, "`2026-02-30` is not a real date"
    ),
    "a misspelt key": Case(_front("from:\n", "frm:\n"), "HO113", 6, "`frm` (did you mean `from`?)"),
    "a bidi control character": Case(
        _body("Two remote admin", "Two \u202eremote\u202c admin"), "HO102", 49, "RIGHT-TO-LEFT OVERRIDE"
    ),
    "a YAML line separator that would shift line numbers": Case(
        _front('title: "Northwind Health: EHR', 'title: "Northwind\u2028Health: EHR'), "HO102", 2, "LINE SEPARATOR"
    ),
    "a float lookalike that is no number": Case(
        _front('customer: "Northwind Health"', "customer: ._"), "HO115", 3, "`._` looks like a number but is none"
    ),
    "values nested absurdly deep": Case(
        _front("status: proposed\n", "status: proposed\nnotes: " + "[" * 3000 + "]" * 3000 + "\n"),
        "HO111",
        22,
        "nested more than",
    ),
    "a required heading only inside a code fence": Case(
        _body("## Open risks\n", "```\n## Open risks\n```\n"), "HO300", 27, "`## Open risks` is missing"
    ),
}


def _checked_together(repo: Path, run_cli: Callable[..., Any], content: bytes) -> tuple[Path, Path, Any, Any]:
    good = write_handoff(repo, GOOD_ID)
    bad = repo / "handoffs" / f"{BAD_ID}.md"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(content)
    text = run_cli("check", bad, good)
    as_json = run_cli("check", "--format", "json", bad, good)
    return bad, good, text, as_json


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_bad_file_is_reported_clearly_and_the_good_one_still_checked(
    case: Case, repo: Path, run_cli: Callable[..., Any]
) -> None:
    bad, good, text, as_json = _checked_together(repo, run_cli, case.content)

    assert text.exit_code == 1
    assert as_json.exit_code == 1
    assert "Traceback" not in text.out + text.err + as_json.err
    lines = [line for line in text.out.splitlines() if line.startswith(f"{bad}:{case.line}:")]
    assert any(f" {case.code} error: " in line and case.says in line for line in lines), text.out
    report = json.loads(as_json.out)
    assert report["summary"]["files"] == 2
    assert report["summary"]["failing_files"] == 1
    assert {f["path"] for f in report["files"]} == {str(bad), str(good)}
    good_findings = [f for f in report["findings"] if f["path"] == str(good)]
    assert [(f["code"], f["line"]) for f in good_findings] == [("HO600", 57)]  # its discount, flagged
    assert not any(f["code"] == "HO000" for f in report["findings"])


def test_zero_width_characters_do_not_hide_a_custom_term(repo: Path, run_cli: Callable[..., Any]) -> None:
    content = _body(
        "## Custom terms\n\n- 15% discount on year-one subscription fees (source: order form §5)\n",
        "## Custom terms\n\nNone.\n",
    ).replace(
        b"- The customer's EHR upgrade window",
        "- Legal agreed to un\u200bcapped liab\u200cility for data loss; the customer's EHR upgrade window".encode(),
    )
    bad, good, text, as_json = _checked_together(repo, run_cli, content)

    report = json.loads(as_json.out)
    bad_findings = [(f["code"], f["line"], f["category"]) for f in report["findings"] if f["path"] == str(bad)]
    assert sorted(bad_findings) == [("HO304", 61, "legal"), ("HO600", 61, "legal")]
    assert as_json.exit_code == 1
    assert any(line.startswith(f"{bad}:61:") and "HO304 error" in line for line in text.out.splitlines())
    assert [f["code"] for f in report["findings"] if f["path"] == str(good)] == ["HO600"]


def test_alias_bomb_is_refused_without_expanding_it(repo: Path, run_cli: Callable[..., Any]) -> None:
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = ("---\n" + "\n".join(levels) + "\n---\n\n" + BODY).encode()  # 9**9 strings if expanded

    run_cli("check", write_handoff(repo, "warm-up/2026-11-23-implementation"))  # one-time set-up is not measured
    tracemalloc.start()
    try:
        bad, good, text, as_json = _checked_together(repo, run_cli, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # Expanded, the bomb is 9**9 strings (gigabytes); checking the two files takes a few MB.
    assert peak < 16 * 1024 * 1024, f"peak {peak:,} bytes: the aliases were expanded"
    report = json.loads(as_json.out)
    bad_codes = [(f["code"], f["line"]) for f in report["findings"] if f["path"] == str(bad)]
    assert ("HO112", 2) in bad_codes  # the first anchor
    assert ("HO112", 3) in bad_codes  # the first alias
    assert as_json.exit_code == 1
    assert "Traceback" not in text.out + text.err
    assert [f["code"] for f in report["findings"] if f["path"] == str(good)] == ["HO600"]


def test_huge_file_is_refused_by_its_size_without_being_read(repo: Path, run_cli: Callable[..., Any]) -> None:
    good = write_handoff(repo, GOOD_ID)
    huge = repo / "handoffs" / f"{BAD_ID}.md"
    huge.parent.mkdir(parents=True)
    with huge.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # 20 MB of NUL bytes: reading it would say "binary"

    run_cli("check", good)  # warm up: one-time parser and schema set-up is not what is measured
    tracemalloc.start()
    try:
        result = run_cli("check", "--format", "json", huge, good)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 16 * 1024 * 1024  # reading the file alone would take 20 MB
    report = json.loads(result.out)
    bad = [f for f in report["findings"] if f["path"] == str(huge)]
    assert [(f["code"], f["line"]) for f in bad] == [("HO101", 1)]
    assert "20,971,520 bytes" in bad[0]["message"]
    assert "1,000,000" in bad[0]["message"]
    assert result.exit_code == 1
    assert [f["code"] for f in report["findings"] if f["path"] == str(good)] == ["HO600"]


def test_a_missing_path_is_a_usage_error(repo: Path, run_cli: Callable[..., Any]) -> None:
    write_handoff(repo, GOOD_ID)
    result = run_cli("check", "handoffs/nobody/2026-11-23-onboarding.md")
    assert result.exit_code == 2
    assert "handoffs/nobody/2026-11-23-onboarding.md: no such file or directory" in result.err
    assert "Traceback" not in result.out + result.err


def test_a_directory_without_handoffs_is_a_usage_error(repo: Path, run_cli: Callable[..., Any]) -> None:
    (repo / "handoffs" / "empty-customer").mkdir()
    (repo / "handoffs" / "empty-customer" / "notes.txt").write_text("not a handoff\n")
    result = run_cli("check", "handoffs/empty-customer")
    assert result.exit_code == 2
    assert "no handoff files (*.md) found under handoffs/empty-customer" in result.err
    assert "Traceback" not in result.out + result.err


def test_an_unknown_option_is_a_usage_error(repo: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", "--format", "yaml")
    assert result.exit_code == 2
    assert "invalid choice: 'yaml'" in result.err


@pytest.mark.parametrize("nesting", ["> " * 100_000, "- " * 60_000 + "x", "> - 1. " * 30_000])
def test_absurdly_deep_nesting_neither_crashes_nor_hides_the_rest(
    nesting: str, repo: Path, run_cli: Callable[..., Any]
) -> None:
    # The parser's tree for tens of thousands of nested quotes or lists overflows the
    # stack when freed; such a line is read as blank, and the sections around it count.
    content = _body("## Open risks\n", f"{nesting}\n\n## Open risks\n")
    bad, good, text, as_json = _checked_together(repo, run_cli, content)

    assert "Traceback" not in text.out + text.err + as_json.err
    report = json.loads(as_json.out)
    assert {f["path"] for f in report["files"]} == {str(bad), str(good)}
    assert not any(f["code"] == "HO000" for f in report["findings"])
    assert [f["code"] for f in report["findings"] if f["path"] == str(bad)] == ["HO600"]
    assert [f["code"] for f in report["findings"] if f["path"] == str(good)] == ["HO600"]
