"""`handoff check` as a user runs it: paths, formats, exit codes, --strict, overrides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handoffs import engine
from handoffs.catalog import RULES
from tests.factories import BODY, handoff_text, write_handoff

GOOD = "northwind-health/2026-11-23-implementation"
VAGUE_BODY = BODY.replace("Two remote admin training sessions", "Two remote admin training sessions, more as needed")
VAGUE_LINE = 49

Run = Callable[..., Any]


def _codes(result: Any) -> list[tuple[str, int, str]]:
    return [(f["code"], f["line"], f["severity"]) for f in json.loads(result.out)["findings"]]


def test_clean_handoff_exits_0_with_a_summary(repo: Path, run_cli: Run) -> None:
    path = write_handoff(repo, GOOD)
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.out.splitlines() == [
        f"{path}:57:3: HO600 flag: custom term (pricing): `15% discount` needs review by finance",
        "1 handoff file checked: 0 error(s), 0 warning(s), 1 custom-term flag(s); all pass.",
    ]
    assert result.err == ""


def test_an_error_exits_1(repo: Path, run_cli: Run) -> None:
    path = write_handoff(repo, GOOD, handoff_text(body=BODY.replace(" (source: proposal p. 6)", "")))
    result = run_cli("check", path)
    assert result.exit_code == 1
    assert f"{path}:49:1: HO303 error: " in result.out
    assert result.out.rstrip().endswith("1 file(s) fail.")


def test_warnings_pass_unless_strict(repo: Path, run_cli: Run) -> None:
    write_handoff(repo, GOOD, handoff_text(body=VAGUE_BODY))
    relaxed = run_cli("check", "--format", "json")
    strict = run_cli("check", "--format", "json", "--strict")
    assert relaxed.exit_code == 0
    assert ("HO500", VAGUE_LINE, "warning") in _codes(relaxed)
    assert strict.exit_code == 1
    assert ("HO500", VAGUE_LINE, "error") in _codes(strict)
    assert ("HO600", 57, "flag") in _codes(strict)  # flags stay flags


def test_severity_overrides_in_schema(repo: Path, run_cli: Run) -> None:
    write_handoff(repo, GOOD, handoff_text(body=VAGUE_BODY))
    rules = repo / "schema" / "rules.yaml"
    rules.write_text(rules.read_text().replace("severity: {}", "severity:\n  HO500: error\n  HO600: off\n"))
    result = run_cli("check", "--format", "json")
    assert _codes(result) == [("HO500", VAGUE_LINE, "error")]
    assert result.exit_code == 1

    rules.write_text(rules.read_text().replace("HO500: error", "HO500: off"))
    result = run_cli("check", "--format", "json")
    assert _codes(result) == []
    assert result.exit_code == 0


def test_a_broken_schema_is_a_usage_failure_exit_2(repo: Path, run_cli: Run) -> None:
    write_handoff(repo, GOOD)
    (repo / "schema" / "teams.yaml").write_text("sales: [@dana-sales\n")
    result = run_cli("check")
    assert result.exit_code == 2
    assert result.err.startswith(f"handoff check: {repo / 'schema' / 'teams.yaml'}:")
    assert "Traceback" not in result.err


def test_outside_a_handoffs_repository_is_a_usage_failure(tmp_path: Path, run_cli: Run, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 2
    assert "no schema/types.yaml found" in result.err


def test_files_and_directories_mix_and_each_file_is_checked_once(repo: Path, run_cli: Run) -> None:
    first = write_handoff(repo, GOOD)
    write_handoff(repo, "acme-corp/2026-11-20-implementation")
    (repo / "handoffs" / ".drafts").mkdir()
    (repo / "handoffs" / ".drafts" / "scratch.md").write_text("not checked\n")
    result = run_cli("check", "--format", "json", "handoffs", first, "handoffs/northwind-health")
    report = json.loads(result.out)
    assert [f["path"] for f in report["files"]] == [
        "handoffs/acme-corp/2026-11-20-implementation.md",
        "handoffs/northwind-health/2026-11-23-implementation.md",
    ]
    assert report["summary"]["flags"] == 2  # one discount each, not three


def test_root_option_and_default_paths(tmp_path: Path, repo: Path, run_cli: Run, monkeypatch: Any) -> None:
    write_handoff(repo, GOOD)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--root", repo, "--format", "json")
    assert result.exit_code == 0
    assert [f["id"] for f in json.loads(result.out)["files"]] == [GOOD]
    missing = run_cli("check", "--root", tmp_path / "nope")
    assert missing.exit_code == 2
    assert "--root" in missing.err


def test_output_file_gets_the_same_report(repo: Path, run_cli: Run) -> None:
    write_handoff(repo, GOOD)
    target = repo / "report.md"
    result = run_cli("check", "--format", "markdown", "--output", target)
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == result.out
    assert result.out.startswith("## Handoff check\n")


def test_today_option_makes_open_items_overdue(repo: Path, run_cli: Run) -> None:
    body = BODY.replace("- Sandbox access", "- Credentials (open: @raj-impl by 2026-12-10)\n- Sandbox access")
    write_handoff(repo, GOOD, handoff_text(body=body))
    assert ("HO306", 65, "warning") not in _codes(run_cli("check", "--format", "json"))
    assert ("HO306", 65, "warning") in _codes(run_cli("check", "--format", "json", "--today", "2026-12-11"))
    bad_date = run_cli("check", "--today", "11/12/2026")
    assert bad_date.exit_code == 2
    assert "not a date like 2026-12-01" in bad_date.err


def test_github_format_prints_annotations(repo: Path, run_cli: Run) -> None:
    path = write_handoff(repo, GOOD)
    result = run_cli("check", "--format", "github")
    assert result.out.splitlines()[0].startswith(f"::notice file={path},line=57,col=3,title=HO600 flag::")


def test_rules_command_lists_every_code_with_configured_severity(repo: Path, run_cli: Run) -> None:
    rules = repo / "schema" / "rules.yaml"
    rules.write_text(rules.read_text().replace("severity: {}", "severity: {HO502: off, HO503: error}"))
    result = run_cli("rules")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1] for line in result.out.splitlines()}
    assert (lines["HO502"], lines["HO503"], lines["HO500"], lines["HO600"]) == ("off", "error", "warning", "flag")
    assert list(lines) == [rule.code for rule in RULES]


def test_handoff_today_environment_sets_the_day(repo: Path, run_cli: Run, monkeypatch: Any) -> None:
    body = BODY.replace("- Sandbox access", "- Credentials (open: @raj-impl by 2026-12-10)\n- Sandbox access")
    write_handoff(repo, GOOD, handoff_text(body=body))
    monkeypatch.setenv("HANDOFF_TODAY", "2026-12-11")
    assert ("HO306", 65, "warning") in _codes(run_cli("check", "--format", "json"))
    monkeypatch.setenv("HANDOFF_TODAY", "soon")
    result = run_cli("check")
    assert result.exit_code == 2
    assert "HANDOFF_TODAY=soon is not a date like 2026-12-01" in result.err


def test_a_checker_bug_on_one_file_is_reported_and_the_others_still_checked(
    repo: Path, run_cli: Run, monkeypatch: Any
) -> None:
    good = write_handoff(repo, GOOD)
    cursed = write_handoff(repo, "acme-corp/2026-11-20-implementation")
    real = engine.check_safety

    def flaky(doc: Any, ctx: Any, sink: Any) -> None:
        if "acme-corp" in str(doc.path):
            raise RuntimeError("simulated bug in a rule")
        real(doc, ctx, sink)

    monkeypatch.setattr(engine, "check_safety", flaky)
    result = run_cli("check", "--format", "json", good, cursed)

    assert result.exit_code == 2  # internal failure, not the author's mistake
    findings = json.loads(result.out)["findings"]
    internal = [f for f in findings if f["code"] == "HO000"]
    assert [(f["path"], f["line"], f["severity"]) for f in internal] == [(str(cursed), 1, "error")]
    assert "RuntimeError: simulated bug in a rule" in internal[0]["message"]
    assert ("HO600", 57) in [(f["code"], f["line"]) for f in findings if f["path"] == str(good)]


RENAMED_SECTIONS = {"Exclusions": "Not in the deal", "Custom terms": "Special terms"}


def test_messages_and_rule_summaries_name_sections_as_the_team_renamed_them(repo: Path, run_cli: Run) -> None:
    """Section names come from schema/types.yaml `sections:`, in findings and in `handoff rules`."""
    for path in (repo / "schema").rglob("*"):  # renamed the way the schema says to: in every schema file
        if path.suffix in (".yaml", ".md"):
            text = path.read_text(encoding="utf-8")
            for old, new in RENAMED_SECTIONS.items():
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    body = (
        BODY.replace(
            "## Exclusions\n\n- No migration of historical discharge summaries before 2026 (source: order form §2.4)",
            "## Not in the deal\n\nNone.",
        )
        .replace(
            "## Custom terms\n\n- 15% discount on year-one subscription fees (source: order form §5)",
            "## Special terms\n\nNone.",
        )
        .replace(
            "- The customer's EHR upgrade window",
            "- Legal agreed to uncapped liability for data loss; the customer's EHR upgrade window",
        )
    )
    write_handoff(repo, GOOD, handoff_text(body=body))

    report = json.loads(run_cli("check", "--format", "json").out)
    messages = {f["code"]: f["message"] for f in report["findings"]}
    assert messages["HO502"].startswith("Not in the deal says None.: a deal with no boundaries is rare")
    assert messages["HO304"].startswith("`## Special terms` says None., but this line has legal language")
    assert messages["HO304"].endswith("list the term under Special terms with its source")
    rules = run_cli("rules").out + run_cli("rules", "--format", "markdown").out
    assert "Not in the deal says None. (a handoff with no boundaries is rare)" in rules
    assert "Special terms says None. but the body has custom-term language" in rules
    assert not any(old in text for old in RENAMED_SECTIONS for text in [*messages.values(), rules])


def test_rules_outside_a_repository_name_sections_by_their_role(tmp_path: Path, run_cli: Run, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    table = run_cli("rules", "--format", "markdown")
    assert table.exit_code == 0, table.err
    assert "| the exclusions section says None. (a handoff with no boundaries is rare) |" in table.out
