"""No traceback for a user's mistake, whatever the command and whatever was typed.

A hypothesis test drives every command in-process through ``main(argv)`` with its own
options given wrong values, stray words, missing files and impossible dates; each run
must end with exit 0, 1 or 2, never a traceback or an "internal error".  A second one
adds one certainly wrong word to such a line: then the exit is 1 or 2, with a sentence.
GitHub is out of reach on purpose (no token, the API pointed at a closed local port),
so nothing here can touch the network.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoffs.cli import COMMANDS, build_parser, main
from tests.conftest import CliResult
from tests.factories import commit_all, write_handoff

HID = "northwind-health/2026-11-23-implementation"
# Values a hurried person might type: wrong types, wrong handles, impossible dates,
# paths that do not exist, empty and odd strings, and some that are right.
VALUES = (
    "", " ", "-", "0", "-1", "99999999999999999999", "abc", "raj", "@", "@raj-impl", "@-x", "@dana-sales",
    "2026-02-30", "next week", "9999-12-31", "0001-01-01", "2026-11-23", "12/01/2026",
    "missing/x.md", "handoffs", "schema", f"handoffs/{HID}.md", HID, "nope/2026-11-23-x", "no/such/dir/out.txt",
    "é", "*", "%s", "{}", "[", "a:b", "x" * 300, "json", "text", "csv", "slack", "kickoff", "HEAD", "main",
    "owner/name", "not a repo", "http://127.0.0.1:9", "implementaton", "sales", "onboarding", "pricing",
)  # fmt: skip


def _parser(command: str) -> argparse.ArgumentParser:
    parser = build_parser([command])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = sub.choices[command]
    return chosen


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


@st.composite
def _arguments(draw: st.DrawFn, parser: argparse.ArgumentParser) -> list[str]:
    """A well-formed command line for ``parser`` (so it gets past argparse) with bad values."""
    words: list[str] = []
    value = st.sampled_from(VALUES)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            name = draw(st.sampled_from(sorted(action.choices)))
            words += [name, *draw(_arguments(action.choices[name]))]
        elif not action.option_strings:  # a positional
            count = draw(st.integers(0 if action.nargs in {"*", "?"} else 1, 2 if action.nargs in {"*", "+"} else 1))
            words += [draw(value) for _ in range(count)]
        elif action.required or draw(st.booleans()):
            words.append(draw(st.sampled_from(action.option_strings)))
            if _takes_value(action):
                choices = [str(c) for c in action.choices or ()]
                words.append(draw(st.sampled_from(choices) if choices and draw(st.booleans()) else value))
    return words


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(COMMANDS))
    return [command, *draw(_arguments(_parser(command)))]


@pytest.fixture
def offline(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    secrets = ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "HANDOFF_ALERTS_WEBHOOK")
    crm = ("SALESFORCE_ACCESS_TOKEN", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET", "SALESFORCE_INSTANCE_URL",
           "SALESFORCE_LOGIN_URL", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_API_URL")  # fmt: skip
    for name in (*secrets, *crm):  # no credentials: nothing can reach GitHub or a CRM
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # a closed port: nothing leaves this machine
    monkeypatch.setenv("GITHUB_REPOSITORY", "example-org/handoffs")
    write_handoff(repo, HID)
    commit_all(repo, "Add the Northwind handoff")
    return repo


def _no_traceback(result: CliResult) -> None:
    said = result.out + result.err
    assert "Traceback" not in said, said
    assert "internal error" not in said, said
    assert result.exit_code in {0, 1, 2}, said


@given(argv=command_lines())
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_command_shows_a_traceback_for_bad_arguments(
    offline: Path, run_cli: Callable[..., CliResult], argv: list[str]
) -> None:
    _no_traceback(run_cli(*argv))


# A word that makes any command line wrong when it comes last: an option no command
# has, a --root that does not exist (the last --root wins), or a file that is not there
# as one more positional (a path to check, or a word too many).
POISON = ("--no-such-option", "--root=no-such-folder", "missing/x.md")


@given(argv=command_lines(), poison=st.sampled_from(POISON))
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_wrong_command_line_always_fails_with_1_or_2_and_a_sentence(
    offline: Path, run_cli: Callable[..., CliResult], argv: list[str], poison: str
) -> None:
    result = run_cli(*argv, poison)
    _no_traceback(result)
    assert result.exit_code in {1, 2}, (argv, poison, result.out)
    assert result.err.strip(), (argv, poison)  # it says why


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_is_a_usage_error(offline: Path, run_cli: Callable[..., CliResult], command: str) -> None:
    result = run_cli(command, "--no-such-option")
    assert result.exit_code == 2
    _no_traceback(result)
    # One sentence naming the command and its help, not argparse's usage block.
    assert result.err.startswith(f"handoff {command}")
    assert result.err.count("\n") == 1
    assert "usage:" not in result.err
    assert result.err.endswith(" --help` lists what it takes\n")


# One clearly wrong invocation per command, and the sentence that must say so.
WRONG = {
    "check": (["missing/x.md"], "missing/x.md: no such file or directory"),
    "new": (["--customer", "Acme", "--type", "onbording", "--no-input"], "unknown type `onbording`"),
    "schema": (["--root", "missing"], "--root missing: no such directory"),
    "rules": (["--root", "missing"], "--root missing: no such directory"),
    "approvals": (["--pr", "1"], "no GitHub token"),
    "pr-check": (["--base", "no-such-branch"], "no-such-branch"),
    "codeowners": (["--root", "missing"], "--root missing: no such directory"),
    "on-merge": (["--before", "nope", "--after", "HEAD"], "nope"),
    "setup-github": ([], "no GitHub token"),  # --dry-run needs none: it plans offline
    "open-pr": ([f"handoffs/{HID}.md"], "no GitHub token"),
    "issue-to-pr": ([], "GITHUB_EVENT_PATH"),
    "draft": (["--crm", "missing/deal.json"], "missing/deal.json"),
    "metrics": (["--team", "implementaton"], "unknown team `implementaton` (did you mean `implementation`?)"),
    "log-repeat": ([HID, "--note", "x", "--by", "raj"], "--by raj: not a GitHub handle like @dana-sales"),
    "gate": (["kickoff", "nope/2026-11-23-x"], "no handoff `nope/2026-11-23-x`"),
    "alerts": (["--post"], "HANDOFF_ALERTS_WEBHOOK"),
    "pages-guard": ([], "no GitHub token"),
    "adopt": (["--release", "missing", "--source", "example-org/handoffs"], "missing"),
    "merge": (["--pr", "1"], "no GitHub token"),
    "crm": (["sync", "--dry-run"], "no Salesforce credentials"),
}


def test_every_command_has_a_wrong_invocation_below() -> None:
    assert set(WRONG) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_invocation_is_one_plain_sentence(
    offline: Path, run_cli: Callable[..., CliResult], command: str
) -> None:
    args, expected = WRONG[command]
    result = run_cli(command, *args)
    _no_traceback(result)
    assert result.exit_code in {1, 2}
    assert expected in result.err, result.err
    assert "String should match" not in result.err  # never a library's own message
    assert "validation error" not in result.err


def test_a_misspelt_command_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chek", "handoffs/"]) == 2
    assert (
        capsys.readouterr().err
        == "handoff: unknown command `chek` (did you mean `check`?); `handoff --help` lists them all\n"
    )
    assert main(["frobnicate"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_a_future_incident_date_is_refused(offline: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(
        "log-repeat", HID, "--note", "Resent the SSO metadata", "--by", "@raj-impl", "--date", "2026-11-24"
    )
    assert result.exit_code == 2
    assert result.err == (
        "handoff log-repeat: --date 2026-11-24 is in the future (today is 2026-11-23): "
        "record an incident once it happened\n"
    )
