"""Reporters render one CheckResult four ways; each format is pinned down here."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest

from handoffs.findings import CheckResult, FileResult, Finding, OpenItem, Severity
from handoffs.reporters import REPORTERS
from handoffs.reporters.markdown import cell

A = "handoffs/acme-corp/2026-11-23-onboarding.md"
B = "handoffs/zeta/2026-11-20-delivery.md"

RESULT = CheckResult(
    (
        FileResult(
            A,
            (
                Finding(
                    A, 12, "HO303", Severity.ERROR, "this item does not say where it comes from", 1, "Promised scope"
                ),
                Finding(A, 3, "HO115", Severity.ERROR, "`customer`: expected text", 1),
                Finding(
                    A,
                    40,
                    "HO600",
                    Severity.FLAG,
                    "custom term (pricing): `15% discount` needs review by finance",
                    3,
                    "Custom terms",
                    "pricing",
                    ("finance",),
                ),
                Finding(A, 20, "HO500", Severity.WARNING, "vague wording `should`", 14, "Success criteria"),
            ),
            "acme-corp/2026-11-23-onboarding",
            (OpenItem(A, 30, "@dana-sales", "2026-11-01", "renewal date | unknown", "Open risks", overdue=True),),
        ),
        FileResult(B, (), "zeta/2026-11-20-delivery"),
    )
)
CLEAN = CheckResult((FileResult(B, (), "zeta/2026-11-20-delivery"),))


def _render(fmt: str, result: CheckResult = RESULT) -> str:
    out = io.StringIO()
    REPORTERS[fmt](result, out)
    return out.getvalue()


# --- text -------------------------------------------------------------------------------


def test_text_lists_findings_sorted_as_path_line_col_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert _render("text").splitlines() == [
        f"{A}:3:1: HO115 error: `customer`: expected text",
        f"{A}:12:1: HO303 error: this item does not say where it comes from",
        f"{A}:20:14: HO500 warning: vague wording `should`",
        f"{A}:40:3: HO600 flag: custom term (pricing): `15% discount` needs review by finance",
        "2 handoff files checked: 2 error(s), 1 warning(s), 1 custom-term flag(s); 1 file(s) fail.",
    ]


def test_findings_of_many_files_come_in_sort_key_order_ties_as_found() -> None:
    def finding(path: str, line: int, code: str, column: int = 1, message: str = "m") -> Finding:
        return Finding(path, line, code, Severity.ERROR, message, column)

    # Files in the order discover gives them (part by part: `a/` before `a-b/`), which is
    # not the order of their paths as strings; a path checked twice; equal keys.
    a, ab, b = "handoffs/a/x.md", "handoffs/a-b/x.md", "handoffs/b.md"
    results = (
        FileResult(a, (finding(a, 9, "HO303"), finding(a, 2, "HO500", 5), finding(a, 2, "HO500", 1))),
        FileResult(ab, (finding(ab, 1, "HO201", message="first"), finding(ab, 1, "HO201", message="second"))),
        FileResult(b, (finding(b, 4, "HO115"),)),
        FileResult(a, (finding(a, 2, "HO200"), finding(a, 1, "HO999"))),
    )
    every = [f for r in results for f in r.findings]

    ordered = CheckResult(results).findings

    assert ordered == sorted(every, key=lambda f: f.sort_key)
    assert [(f.path, f.line, f.column, f.code) for f in ordered][:3] == [(ab, 1, 1, "HO201")] * 2 + [(a, 1, 1, "HO999")]
    assert [f.message for f in ordered[:2]] == ["first", "second"], "equal keys keep the order they were found in"


def test_text_summary_when_all_pass() -> None:
    assert (
        _render("text", CLEAN) == "1 handoff file checked: 0 error(s), 0 warning(s), 0 custom-term flag(s); all pass.\n"
    )


def test_text_has_no_colour_on_a_pipe_or_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\033[" not in _render("text")


def test_text_colour_when_forced_but_no_color_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = _render("text")
    assert f"\033[1m{A}\033[0m" in coloured
    assert f"{A}:3:1: \033[31mHO115 error\033[0m: " in coloured
    assert "\033[33mHO500 warning\033[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in _render("text")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = _Terminal()
    REPORTERS["text"](RESULT, out)
    assert "\033[31mHO115 error\033[0m" in out.getvalue()


# --- json -------------------------------------------------------------------------------

_NULLABLE_TEXT = {"type": ["string", "null"]}
JSON_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "summary", "files", "findings", "open_items"],
    "properties": {
        "version": {"const": 1},
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["files", "failing_files", "errors", "warnings", "flags"],
            "properties": {
                k: {"type": "integer", "minimum": 0} for k in ("files", "failing_files", "errors", "warnings", "flags")
            },
        },
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "id", "ok"],
                "properties": {"path": {"type": "string"}, "id": _NULLABLE_TEXT, "ok": {"type": "boolean"}},
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "path",
                    "line",
                    "column",
                    "code",
                    "severity",
                    "message",
                    "section",
                    "category",
                    "reviewers",
                ],
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                    "column": {"type": "integer", "minimum": 1},
                    "code": {"type": "string", "pattern": "^HO[0-9]{3}$"},
                    "severity": {"enum": ["error", "warning", "flag"]},
                    "message": {"type": "string", "minLength": 1},
                    "section": _NULLABLE_TEXT,
                    "category": _NULLABLE_TEXT,
                    "reviewers": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "open_items": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "line", "owner", "due", "text", "section", "overdue"],
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": "integer"},
                    "owner": {"type": "string", "pattern": "^@"},
                    "due": {"type": "string", "format": "date"},
                    "text": {"type": "string"},
                    "section": _NULLABLE_TEXT,
                    "overdue": {"type": "boolean"},
                },
            },
        },
    },
}


def test_json_matches_the_documented_schema() -> None:
    report = json.loads(_render("json"))
    jsonschema.validate(report, JSON_SCHEMA)
    assert report["summary"] == {"files": 2, "failing_files": 1, "errors": 2, "warnings": 1, "flags": 1}
    assert report["files"] == [
        {"path": A, "id": "acme-corp/2026-11-23-onboarding", "ok": False},
        {"path": B, "id": "zeta/2026-11-20-delivery", "ok": True},
    ]
    assert [(f["code"], f["line"]) for f in report["findings"]] == [
        ("HO115", 3),
        ("HO303", 12),
        ("HO500", 20),
        ("HO600", 40),
    ]
    flag = report["findings"][3]
    assert (flag["severity"], flag["section"], flag["category"], flag["reviewers"]) == (
        "flag",
        "Custom terms",
        "pricing",
        ["finance"],
    )
    assert report["findings"][0]["section"] is None
    assert report["open_items"][0]["overdue"] is True


def test_json_of_a_clean_run() -> None:
    report = json.loads(_render("json", CLEAN))
    jsonschema.validate(report, JSON_SCHEMA)
    assert report["findings"] == []


# --- github -----------------------------------------------------------------------------


def test_github_annotations_one_per_finding_then_the_summary() -> None:
    lines = _render("github").splitlines()
    assert lines[0] == f"::error file={A},line=3,col=1,title=HO115 error::`customer`: expected text"
    assert lines[2].startswith(f"::warning file={A},line=20,col=14,title=HO500 warning::")
    assert lines[3].startswith(f"::notice file={A},line=40,col=3,title=HO600 flag::custom term (pricing)")
    assert lines[4].startswith("2 handoff files checked:")
    assert len(lines) == 5


def test_github_escapes_data_and_properties() -> None:
    path = "handoffs/a,b:c%d/2026-11-23-x.md"
    finding = Finding(path, 7, "HO000", Severity.ERROR, "100% broken\nTraceback line\r\nmore", 2)
    out = _render("github", CheckResult((FileResult(path, (finding,)),))).splitlines()[0]
    assert out == (
        "::error file=handoffs/a%2Cb%3Ac%25d/2026-11-23-x.md,line=7,col=2,title=HO000 error"
        "::100%25 broken%0ATraceback line%0D%0Amore"
    )


# --- markdown ---------------------------------------------------------------------------


def test_markdown_summary_has_terms_findings_and_open_items() -> None:
    text = _render("markdown")
    assert text.startswith("## Handoff check\n\n2 handoff files checked:")
    assert "### Custom terms to review\n\n| File | Line | Category | Reviewers | Term |\n" in text
    assert f"| `{A}` | 40 | pricing | finance | custom term (pricing): `15% discount` needs review by finance |" in text
    assert f"### Findings\n\n**`{A}`**\n\n| | Line | Code | Message |\n|---|---|---|---|\n| ❌ | 3 | `HO115` |" in text
    assert "| ⚠️ | 20 | `HO500` | vague wording `should` |" in text
    assert f"| `{A}` | 30 | @dana-sales | **2026-11-01 (overdue)** | renewal date \\| unknown |" in text


def test_markdown_of_a_clean_run_is_just_the_summary() -> None:
    assert _render("markdown", CLEAN) == (
        "## Handoff check\n\n1 handoff file checked: 0 error(s), 0 warning(s), 0 custom-term flag(s); all pass.\n\n"
    )


def test_markdown_cells_cannot_break_the_table_or_inject_html() -> None:
    assert cell("a | b\nc <script>x</script>") == "a \\| b c &lt;script&gt;x&lt;/script&gt;"
