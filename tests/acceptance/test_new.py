"""`handoff new`: the right path, never an overwrite, placeholders that fail check, prompts on a TTY."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handoffs.commands.new import NewOptions, create_handoff, prompt_missing, slugify
from handoffs.config import load_config
from handoffs.document.yamlsafe import load
from handoffs.errors import UsageError

Run = Callable[..., Any]
FULL = (
    "--customer", "Acme Corp", "--type", "implementation", "--stage", "closed-won",
    "--from", "@dana-sales", "--from-team", "sales", "--to", "@raj-impl", "--to-team", "implementation",
    "--crm-system", "salesforce", "--crm-id", "0061234", "--crm-url", "https://example.my.salesforce.com/0061234",
    "--kickoff", "2026-12-01", "--title", "Acme Corp: ERP integration", "--no-input",
)  # fmt: skip
ACME = "handoffs/acme-corp/2026-11-23-implementation.md"


def _front(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    doc = load(text.split("---\n")[1], first_line=2)
    assert doc.problems == []
    assert isinstance(doc.data, dict)
    return doc.data


def test_new_creates_the_file_at_its_id_path(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", *FULL)
    assert result.exit_code == 0
    assert result.out.splitlines()[0] == f"created {ACME}"
    front = _front(repo / ACME)
    assert front["title"] == "Acme Corp: ERP integration"
    assert front["customer"] == "Acme Corp"
    assert (front["type"], front["stage"], front["status"]) == ("implementation", "closed-won", "proposed")
    assert front["from"] == {"owner": "@dana-sales", "team": "sales"}
    assert front["to"] == {"owner": "@raj-impl", "team": "implementation"}
    assert front["crm"] == {"system": "salesforce", "id": "0061234", "url": "https://example.my.salesforce.com/0061234"}
    assert front["kickoff"] == dt.date(2026, 12, 1)
    assert front["first_milestone"]["owner"] == "@raj-impl"
    # The implementation type has its own template.
    assert "- Data migration: <sources, volumes, owners>" in (repo / ACME).read_text()


def test_date_option_names_the_file(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--date", "2026-12-24", "--no-input")
    assert result.exit_code == 0
    assert (repo / "handoffs" / "acme-corp" / "2026-12-24-onboarding.md").is_file()


def test_new_never_overwrites(repo: Path, run_cli: Run) -> None:
    target = repo / ACME
    target.parent.mkdir(parents=True)
    target.write_bytes(b"---\r\nmy work\r\n")
    result = run_cli("new", *FULL)
    assert result.exit_code == 1
    assert f"{ACME} already exists; edit it instead (nothing was overwritten)" in result.err
    assert target.read_bytes() == b"---\r\nmy work\r\n"
    assert "Traceback" not in result.err


def test_the_scaffold_fails_check_until_placeholders_are_filled(repo: Path, run_cli: Run) -> None:
    run_cli("new", *FULL)
    result = run_cli("check", "--format", "json", ACME)
    assert result.exit_code == 1
    findings = json.loads(result.out)["findings"]
    assert not any(f["code"] == "HO000" for f in findings)
    sections = {f["section"] for f in findings if f["code"] == "HO302"}
    assert sections >= {"Customer goal", "Stakeholders", "Promised scope", "Exclusions", "Evidence"}
    # The options given on the command line are not placeholders any more.
    assert not [f for f in findings if f["line"] <= 16 and f["code"] != "HO302"]


def test_a_bare_scaffold_fails_on_its_front_matter_too(repo: Path, run_cli: Run) -> None:
    run_cli("new", "--customer", "Acme Corp", "--type", "implementation", "--no-input")
    findings = json.loads(run_cli("check", "--format", "json", ACME).out)["findings"]
    front_lines = {f["line"] for f in findings if f["line"] < 21}
    assert front_lines == {5, 7, 8, 10, 11, 13, 14, 15, 17, 18, 19}  # every placeholder value, nothing else


@pytest.mark.parametrize(
    ("customer", "slug"),
    [
        ("Acme Corp", "acme-corp"),
        ("  ACME, Inc. ", "acme-inc"),
        ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
        ("Crème Brûlée Co.", "creme-brulee-co"),
        ("O'Brien — Logistics", "o-brien-logistics"),
        ("3M", "3m"),
    ],
)
def test_customer_names_become_slugs(customer: str, slug: str) -> None:
    assert slugify(customer) == slug


def test_a_name_without_letters_is_refused(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", "--customer", "株式会社", "--type", "onboarding", "--no-input")
    assert result.exit_code == 2
    assert "cannot make a file name from the customer name '株式会社'" in result.err


def test_unknown_type_gets_a_did_you_mean(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", "--customer", "Acme", "--type", "implementaton", "--no-input")
    assert result.exit_code == 2
    assert "unknown type `implementaton` (did you mean `implementation`?)" in result.err
    assert not (repo / "handoffs" / "acme").exists()


def test_missing_customer_without_a_terminal(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", "--type", "onboarding", "--no-input")
    assert result.exit_code == 2
    assert "--customer is required" in result.err


def test_prompt_missing_asks_only_for_what_is_missing(repo: Path) -> None:
    config = load_config(repo)
    answers = iter(["onboarding", "", "@dana-sales", "sales", "", "hubspot", "12345", "2026-12-07"])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    options = prompt_missing(NewOptions(customer="Acme Corp", receiving_owner="@tom-onboard"), config, ask)
    assert asked == [
        f"Handoff type [{', '.join(config.type_names)}]: ",
        "Stage (closed-won / advancing): ",
        "Sales owner (@handle): ",
        "Sales team: ",
        "Receiving team: ",
        "CRM (salesforce / hubspot / other): ",
        "CRM deal id: ",
        "Target kickoff date (YYYY-MM-DD): ",
    ]
    assert options.customer == "Acme Corp"  # given, not asked
    assert options.receiving_owner == "@tom-onboard"
    assert (options.type, options.stage, options.sales_owner, options.sales_team) == (
        "onboarding",
        None,
        "@dana-sales",
        "sales",
    )
    assert (options.receiving_team, options.crm_system) == (None, "hubspot")  # empty answer: left for later
    assert (options.crm_id, options.kickoff) == ("12345", dt.date(2026, 12, 7))


def test_prompt_refuses_a_bad_date(repo: Path) -> None:
    config = load_config(repo)
    with pytest.raises(UsageError, match="is not a date like 2026-12-01"):
        prompt_missing(NewOptions(customer="A", type="onboarding", stage="advancing", sales_owner="@a", sales_team="s",
                                  receiving_owner="@b", receiving_team="t", crm_system="other", crm_id="1"),
                       config, lambda _: "next week")  # fmt: skip


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_prompts_on_a_terminal(repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Tty())
    replies = iter(["Zeta Bank", "delivery", "advancing", "", "", "", "", "", "", ""])
    monkeypatch.setattr("builtins.input", lambda _question: next(replies))
    result = run_cli("new")
    assert result.exit_code == 0
    front = _front(repo / "handoffs" / "zeta-bank" / "2026-11-23-delivery.md")
    assert (front["customer"], front["type"], front["stage"]) == ("Zeta Bank", "delivery", "advancing")
    assert front["from"]["owner"] == "<@sales-owner>"  # left empty: stays a placeholder


def test_no_input_never_prompts_even_on_a_terminal(repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Tty())

    def no_questions(_question: str) -> str:
        raise AssertionError("prompted despite --no-input")

    monkeypatch.setattr("builtins.input", no_questions)
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--no-input")
    assert result.exit_code == 0


def test_create_handoff_quotes_whatever_was_typed(repo: Path) -> None:
    config = load_config(repo)
    options = NewOptions(customer='Acme "Quotes": NO', type="onboarding", crm_id="0123", title="NO")
    path = create_handoff(repo, config, options, opened=dt.date(2026, 11, 23))
    front = _front(path)
    assert (front["customer"], front["crm"]["id"], front["title"]) == ('Acme "Quotes": NO', "0123", "NO")
