"""`handoff new`: the right path, never an overwrite, placeholders that fail check, prompts on a TTY."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handoffs.commands.new import prompt_missing
from handoffs.config import load_config
from handoffs.document.handoff import load_handoff
from handoffs.document.yamlsafe import load
from handoffs.errors import UsageError
from handoffs.findings import FindingSink, Severity
from handoffs.scaffold import NewOptions, create_handoff, slugify

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


def _asker(answers: list[str]) -> tuple[Callable[[str], str], list[str], list[str]]:
    """An ``ask`` that replies in order, with the questions asked and what was said back."""
    replies = iter(answers)
    asked: list[str] = []
    told: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(replies)

    return ask, asked, told


def test_prompt_missing_asks_only_for_what_is_missing(repo: Path) -> None:
    config = load_config(repo)
    answers = ["onboarding", "", "@dana-sales", "hubspot", "12345", "2026-12-07", "Kickoff call", "", "2026-12-10"]
    ask, asked, told = _asker(answers)
    options = prompt_missing(NewOptions(customer="Acme Corp", receiving_owner="@tom-onboard"), config, ask, told.append)
    assert asked == [
        f"Handoff type [{' / '.join(config.type_names)}]: ",
        "Stage [closed-won / advancing]: ",
        "Sales owner (@handle): ",
        "CRM [salesforce / hubspot / other]: ",
        "CRM deal id: ",
        "Target kickoff date (YYYY-MM-DD): ",
        "First milestone: the receiving owner's first task: ",
        "First milestone owner (@handle) [@tom-onboard]: ",
        "First milestone due date (YYYY-MM-DD): ",
    ]
    # Each owner belongs to one team in schema/teams.yaml: the team is looked up, not asked.
    assert told == ["Sales team: sales (from schema/teams.yaml)", "Receiving team: onboarding (from schema/teams.yaml)"]
    assert options.customer == "Acme Corp"  # given, not asked
    assert (options.type, options.stage, options.sales_owner, options.sales_team) == (
        "onboarding",
        None,  # empty answer: left for later
        "@dana-sales",
        "sales",
    )
    assert (options.receiving_team, options.crm_system) == ("onboarding", "hubspot")
    assert (options.crm_id, options.kickoff) == ("12345", dt.date(2026, 12, 7))
    assert (options.milestone_title, options.milestone_owner, options.milestone_due) == (
        "Kickoff call",
        "@tom-onboard",  # the default in brackets
        dt.date(2026, 12, 10),
    )


def test_every_prompt_refuses_a_bad_answer_and_asks_again_at_once(repo: Path) -> None:
    config = load_config(repo)
    ask, asked, told = _asker([
        "", "Acme Corp",                       # customer is required
        "onbording", "onboarding",             # did you mean
        "won", "closed-won",                   # stage is validated
        "dana sales", "dana-sales",            # a handle, @ optional
        "onboarding",                          # in two teams: asked, and checked
        "sales",
        "@nobody",                             # receiving owner in no team
        "implemntation", "implementation",     # unknown team, then a team @nobody is not in
        "",                                    # left for later
        "sap", "other", "42",
        "next week", "2026-12-01",             # a bad date re-asks at once
        "Kickoff call", "raj impl", "@raj-impl",
        "2026-11-30", "2026-12-03",            # due before kickoff is refused
    ])  # fmt: skip
    options = prompt_missing(NewOptions(sales_team=None), replace_team_lookup(config), ask, told.append)
    assert options.customer == "Acme Corp"
    assert (options.type, options.stage, options.sales_owner, options.sales_team) == (
        "onboarding", "closed-won", "@dana-sales", "sales",
    )  # fmt: skip
    assert (options.receiving_owner, options.receiving_team) == ("@nobody", None)
    assert (options.crm_system, options.crm_id, options.kickoff) == ("other", "42", dt.date(2026, 12, 1))
    assert (options.milestone_owner, options.milestone_due) == ("@raj-impl", dt.date(2026, 12, 3))
    assert told[0] == "Customer name is required; please try again"
    assert "unknown type `onbording` (did you mean `onboarding`?)" in told[1]
    assert "unknown stage `won`" in told[2]
    assert told[3] == "`dana sales` is not a GitHub handle like @dana-sales; please try again"
    assert "Sales team [sales / implementation]: " in asked
    assert told.pop(4) == "@dana-sales is not a member of team `onboarding` in schema/teams.yaml; please try again"
    assert "unknown team `implemntation` (did you mean `implementation`?)" in told[4]
    assert told[5] == "@nobody is not a member of team `implementation` in schema/teams.yaml; please try again"
    assert "unknown CRM `sap`" in told[6]
    assert told[7] == "`next week` is not a date like 2026-12-01; please try again"
    assert asked[asked.index("Target kickoff date (YYYY-MM-DD): ") + 1] == "Target kickoff date (YYYY-MM-DD): "
    assert told[-1] == "the first milestone cannot be due before the kickoff (2026-12-01); please try again"


def replace_team_lookup(config: Any) -> Any:
    """The project's teams, with @dana-sales in two of them, so her team has to be asked."""
    from dataclasses import replace

    from handoffs.config import TeamSpec

    teams = dict(config.teams)
    teams["implementation"] = TeamSpec(members=[*teams["implementation"].members, "@dana-sales"])
    return replace(config, teams=teams)


def test_prompt_gives_up_after_repeated_bad_answers(repo: Path) -> None:
    config = load_config(repo)
    with pytest.raises(UsageError, match="is not a date like 2026-12-01"):
        prompt_missing(NewOptions(customer="A", type="onboarding", stage="advancing", sales_owner="@a", sales_team="s",
                                  receiving_owner="@b", receiving_team="t", crm_system="other", crm_id="1"),
                       config, lambda _: "next week", lambda _: None)  # fmt: skip


def test_prompt_ends_cleanly_when_the_input_ends(repo: Path) -> None:
    def ask(_question: str) -> str:
        raise EOFError

    with pytest.raises(UsageError, match="the input ended before `Customer name` was answered"):
        prompt_missing(NewOptions(), load_config(repo), ask, lambda _: None)


def test_from_without_team_uses_the_team_teams_yaml_knows(repo: Path, run_cli: Run) -> None:
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--from", "@li-ae", "--to",
                     "@tom-onboard", "--no-input")  # fmt: skip
    assert result.exit_code == 0, result.err
    front = _front(repo / "handoffs" / "acme-corp" / "2026-11-23-onboarding.md")
    assert (front["from"], front["to"]) == (
        {"owner": "@li-ae", "team": "sales"},
        {"owner": "@tom-onboard", "team": "onboarding"},
    )


def test_an_owner_in_several_teams_must_be_told_which(repo: Path, run_cli: Run) -> None:
    teams = repo / "schema" / "teams.yaml"
    teams.write_text(teams.read_text(encoding="utf-8").replace('"@priya-am"]', '"@priya-am", "@li-ae"]'))
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--from", "@li-ae", "--no-input")
    assert result.exit_code == 2
    assert result.err == (
        "handoff new: @li-ae is in several teams (sales, account-management): say which with --from-team\n"
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--from", "raj impl"), "--from raj impl: `raj impl` is not a GitHub handle like @dana-sales"),
        (("--to-team", "implemntation"), "--to-team implemntation: unknown team `implemntation` (did you mean"),
        (("--from", "@raj-impl", "--from-team", "sales"), "--from-team sales: @raj-impl is not a member of team"),
        (("--kickoff", "2026-12-10", "--milestone-due", "2026-12-01"), "--milestone-due 2026-12-01: the first"),
    ],
)
def test_flags_are_checked_like_answers(repo: Path, run_cli: Run, flags: tuple[str, ...], message: str) -> None:
    result = run_cli("new", "--customer", "Acme Corp", "--type", "onboarding", "--no-input", *flags)
    assert result.exit_code == 2
    assert result.err.startswith(f"handoff new: {message}")
    assert "Traceback" not in result.err
    assert not (repo / "handoffs" / "acme-corp").exists()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_prompts_on_a_terminal(repo: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Tty())
    replies = iter(["Zeta Bank", "delivery", "advancing", "", "", "", "", "", "", "", "", "", ""])
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


# Whatever a person may type: YAML indicators, look-alikes of other types, quotes,
# backslashes, line and paragraph separators, control and bidi characters, emoji.
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "@dana-sales",
            "NO",
            "0123",
            "1:30",
            "2026-12-01",
            "~",
            "a: b # c",
            "- x",
            "[x]",
            "{x: 1}",
            "!!python/object",
            "&a *a",
            "'",
            '"',
            "\\",
            "|",
            ">",
            "%YAML",
            "---",
            "...",
            "\u2028",
            "\x85",
            "\ufeff",
            "\u202e",
            "é\u0301",
            "😀",
            "\t",
            "\r\n",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
)


@given(typed=st.tuples(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE))
@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_whatever_is_typed_reads_back_unchanged_through_the_strict_reader(
    repo: Path, typed: tuple[str, str, str, str, str]
) -> None:
    customer, title, crm_id, path_part, milestone = typed
    assume(slugify(customer))
    url = "https://crm.example/" + "".join(path_part.split())  # a link: anything but spaces may follow
    options = NewOptions(
        customer=customer, type="onboarding", title=title, stage="advancing", crm_id=crm_id, crm_url=url,
        sales_owner="@dana-sales", sales_team="sales", receiving_owner="@tom-onboard", receiving_team="onboarding",
        crm_system="other", milestone_title=milestone,
        kickoff=dt.date(2026, 12, 1), milestone_due=dt.date(2026, 12, 8),
    )  # fmt: skip
    path = create_handoff(repo, _CONFIG.setdefault(repo, load_config(repo)), options, opened=dt.date(2026, 11, 23))
    try:
        front = _front(path)  # no problem at all from the strict reader
        sink = FindingSink(str(path), lambda _code: Severity.ERROR)
        load_handoff(path, root=repo, max_bytes=1_000_000, sink=sink)
    finally:
        path.unlink()
    assert (front["customer"], front["title"], front["crm"]["id"], front["crm"]["url"]) == (
        customer,
        title,
        crm_id,
        url,
    )
    assert (front["first_milestone"]["title"], front["stage"], front["type"]) == (milestone, "advancing", "onboarding")
    assert front["from"] == {"owner": "@dana-sales", "team": "sales"}
    unsafe = {"HO100", "HO102", "HO110", "HO111", "HO112", "HO115", "HO116", "HO119"}
    assert [f for f in sink.findings if f.code in unsafe] == []  # readable, and read alike by checker and site


_CONFIG: dict[Path, Any] = {}
