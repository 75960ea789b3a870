"""The corpus: one broken handoff per rule, and tricky files that must pass.

Each negative file is ``positive/baseline-onboarding.md`` with one thing wrong; the
sidecar ``expected.yaml`` says exactly which findings (code and line) it produces.
The files go through the real CLI in a fresh repository, so this is what a rep sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from handoffs.catalog import RULES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NEGATIVE = CORPUS / "negative"
POSITIVE = CORPUS / "positive"
DEFAULT_PATH = "handoffs/blue-harbor-logistics/2026-11-23-onboarding.md"

# Rules no single file in a fresh repository can show; each has its own tests.
COVERED_ELSEWHERE = {
    "HO000": "a checker bug: never produced (test_properties.py), reported when injected (test_check_cli.py)",
    "HO407": "needs a directory outside git: tests/acceptance/test_check_status.py",
}


@dataclass(frozen=True)
class Expectation:
    name: str
    path: str
    max_file_bytes: int | None
    findings: list[tuple[str, int]]


def _expectations() -> dict[str, Expectation]:
    raw: dict[str, Any] = yaml.safe_load((NEGATIVE / "expected.yaml").read_text(encoding="utf-8"))
    result = {}
    for name, entry in raw.items():
        spec = entry if isinstance(entry, dict) else {"findings": entry}
        findings = sorted((f["code"], f["line"]) for f in spec["findings"])
        result[name] = Expectation(name, spec.get("path", DEFAULT_PATH), spec.get("max_file_bytes"), findings)
    return result


EXPECTED = _expectations()


def _place(repo: Path, source: Path, relative: str) -> Path:
    target = repo / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def test_every_corpus_file_has_an_expectation_and_back() -> None:
    on_disk = {p.name for p in NEGATIVE.glob("*.md")}
    assert on_disk == set(EXPECTED)


def test_every_rule_is_demonstrated_by_a_file_named_after_it() -> None:
    demonstrated = {name.split("-", 1)[0] for name in EXPECTED}
    codes = {rule.code for rule in RULES}
    assert codes - demonstrated == set(COVERED_ELSEWHERE)
    assert demonstrated <= codes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_negative_file_gives_exactly_its_findings(name: str, repo: Path, run_cli: Callable[..., Any]) -> None:
    expected = EXPECTED[name]
    if expected.max_file_bytes is not None:
        rules = repo / "schema" / "rules.yaml"
        text = rules.read_text(encoding="utf-8")
        rules.write_text(
            re.sub(r"(?m)^max_file_bytes: \d+$", f"max_file_bytes: {expected.max_file_bytes}", text), encoding="utf-8"
        )
    target = _place(repo, NEGATIVE / name, expected.path)

    result = run_cli("check", "--format", "json", target)

    report = json.loads(result.out)
    found = sorted((f["code"], f["line"]) for f in report["findings"])
    assert found == expected.findings, "\n".join(f"{f['code']} {f['line']}: {f['message']}" for f in report["findings"])
    # The file's own rule is among them, and the exit code follows the severities.
    assert name.split("-", 1)[0] in {code for code, _ in found}
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert result.exit_code == (1 if errors else 0)
    assert all(f["path"] == str(target) for f in report["findings"])
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("name", sorted(p.name for p in POSITIVE.glob("*.md")))
def test_tricky_but_valid_file_passes_cleanly(name: str, repo: Path, run_cli: Callable[..., Any]) -> None:
    source = POSITIVE / name
    handoff_type = re.search(rb"(?m)^type: ([a-z-]+)\r?$", source.read_bytes())
    assert handoff_type is not None
    target = _place(repo, source, f"handoffs/corpus-customer/2026-11-23-{handoff_type.group(1).decode()}.md")

    result = run_cli("check", "--format", "json", "--strict", target)

    report = json.loads(result.out)
    assert [f for f in report["findings"] if f["severity"] != "flag"] == []
    assert result.exit_code == 0


def test_positive_corpus_is_really_tricky() -> None:
    """Guard against the tricky files being 'fixed' into plain ones."""
    raw = {p.name: p.read_bytes() for p in POSITIVE.glob("*.md")}
    assert raw["bom-and-crlf.md"].startswith(b"\xef\xbb\xbf---\r\n")
    variants = raw["heading-variants.md"].decode()
    assert "Customer goal\n-------------\n" in variants
    assert "## STAKEHOLDERS ##\n" in variants
    assert "##   Success   criteria   \n" in variants
    wrapped = raw["wrapped-items-links-and-numbers.md"].decode()
    assert "(source: [statement of work](https://docs.example.com/kestrel/sow_(v2)))" in wrapped
    assert "\n  (source: order form §4)\n  - each review" in wrapped
    assert "\n1. " in wrapped
    assert "(open: @marco-ae by 2026-12-05)" in wrapped
    zero_width = raw["zero-width-and-none.md"].decode()
    assert "## Open\u200b risks\n" in zero_width
    assert "word\u200bfor" in zero_width
