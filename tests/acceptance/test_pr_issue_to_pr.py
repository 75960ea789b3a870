"""``handoff issue-to-pr``: a submitted "New handoff" form becomes a handoff pull request."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from handoffs.cli import main
from tests.acceptance.pr_world import World
from tests.conftest import CliResult
from tests.factories import git

ANSWERS = {
    "Customer": "Northwind Health",
    "Handoff type": "implementation",
    "Stage": "closed-won",
    "Sales owner": "@dana-sales",
    "Sales team": "sales",
    "Receiving owner": "raj-impl",
    "Receiving team": "implementation",
    "CRM system": "salesforce",
    "CRM deal id": "006Hs00001NWHEAL",
    "CRM deal URL": "_No response_",
    "Target kickoff date": "2026-12-01",
    "First milestone": "Technical kickoff and integration plan signed off",
    "First milestone owner": "@raj-impl",
    "First milestone due date": "2026-12-15",
    "Customer goal": "Cut discharge paperwork time so patients leave with one consistent summary.",
    "Stakeholders": (
        "- Maria Lopez, VP Clinical Operations, economic buyer\n- Ken Ito, nursing informatics lead, champion"
    ),
    "Success criteria": "- 80% of discharge summaries created in the EHR within 60 days of go-live",
    "Promised scope": "- HL7 FHIR integration for discharge summaries (source: order form §2.1)",
    "Exclusions": "- No migration of historical summaries (source: order form §2.4)",
    "Custom terms": "None.",
    "Open risks": "None.",
    "Implementation requirements": "- Sandbox access to the EHR FHIR endpoint.",
    "Evidence": "- CRM deal 006Hs00001NWHEAL\n- Order form: evidence/northwind/order-form.pdf",
    "Context already given": "_No response_",
}
HANDOFF = "handoffs/northwind-health/2026-11-23-implementation.md"


def form_body(answers: dict[str, str]) -> str:
    return "\n\n".join(f"### {label}\n\n{value}" for label, value in answers.items()) + "\n"


def issue_event(w: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> int:
    body = form_body(answers)
    issue = w.gh.add_issue("New handoff: Northwind Health", user="dana-sales", body=body, labels=["new-handoff"])
    event = {"action": "opened", "issue": {"number": issue.number, "body": body, "created_at": "2026-11-23T09:00:00Z"}}
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    return issue.number


def test_a_submitted_form_becomes_a_checked_handoff_pr(
    world: World,
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    number = issue_event(world, tmp_path, monkeypatch, ANSWERS)
    result = run_cli("issue-to-pr")
    assert result.exit_code == 0, result.err
    [pull] = world.gh.pulls()
    assert pull.pull is not None
    assert pull.pull.head_ref == "handoff/northwind-health/2026-11-23-implementation"
    text = git(origin, "show", f"{pull.pull.head_ref}:{HANDOFF}")
    assert 'title: "Technical kickoff and integration plan signed off"' in text
    assert "due: 2026-12-15" in text
    assert 'owner: "@raj-impl"' in text
    assert "## Context already given" not in text  # unanswered optional field
    comments = world.gh.comments_on(number)
    assert len(comments) == 1
    assert f"#{pull.number}" in comments[0].body
    # The file the form produced passes `handoff check` as it stands.
    assert main(["check", str(world.root / HANDOFF)]) == 0


def test_a_bad_answer_is_explained_on_the_issue(
    world: World,
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    number = issue_event(world, tmp_path, monkeypatch, {**ANSWERS, "Target kickoff date": "next week"})
    result = run_cli("issue-to-pr")
    assert result.exit_code == 1
    assert "Target kickoff date: `next week` is not a date" in result.err
    assert not world.gh.pulls()
    [comment] = world.gh.comments_on(number)
    assert "next week" in comment.body


def test_an_unknown_type_is_refused_before_anything_is_written(
    world: World,
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    issue_event(world, tmp_path, monkeypatch, {**ANSWERS, "Handoff type": "implementaton\nstatus: completed"})
    result = run_cli("issue-to-pr")
    assert result.exit_code == 1
    assert "unknown type" in result.err
    assert not (world.root / "handoffs" / "northwind-health").exists()
