"""`handoff alerts`: each kind of alert, the webhook (a real local HTTP server) and the tracking issue."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, commit_all, handoff_text, write_handoff
from tests.github_double.server import GitHubDouble

OVERDUE_ITEM = "- Renewal date unknown (open: @dana-sales by 2026-11-20)\n"
LATE_MILESTONE = (
    FRONT_MATTER.replace("kickoff: 2026-12-01", "kickoff: 2026-11-10")
    .replace("  due: 2026-12-15", "  due: 2026-11-20")
    .replace("close_date: 2026-11-20", "close_date: 2026-11-05")
)


@pytest.fixture
def world(repo: Path) -> Path:
    # Approved (committed on main): one with an overdue open item, one with a late milestone,
    # one cancelled with everything late (it must raise nothing).
    write_handoff(
        repo,
        "one-co/2026-11-23-implementation",
        handoff_text(body=BODY.replace("## Open risks\n\n", "## Open risks\n\n" + OVERDUE_ITEM)),
    )
    write_handoff(
        repo,
        "two-co/2026-11-02-implementation",
        handoff_text(LATE_MILESTONE.replace("status: proposed", "status: kicked-off")),
    )
    write_handoff(
        repo,
        "gone-co/2026-11-02-implementation",
        handoff_text(LATE_MILESTONE.replace("status: proposed", "status: cancelled")),
    )
    commit_all(repo, "approved handoffs")
    # Not approved: kickoff in 3 days (alert) and in 27 days (beyond the 14-day horizon).
    soon = FRONT_MATTER.replace("kickoff: 2026-12-01", "kickoff: 2026-11-26")
    write_handoff(repo, "soon-co/2026-11-23-implementation", handoff_text(soon))
    later = FRONT_MATTER.replace("kickoff: 2026-12-01", "kickoff: 2026-12-20").replace(
        "  due: 2026-12-15", "  due: 2026-12-30"
    )
    write_handoff(repo, "later-co/2026-11-23-implementation", handoff_text(later))
    return repo


def test_every_kind_of_alert_and_nothing_else(world: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("alerts", "--format", "json", "--days", "5")
    assert result.exit_code == 0, result.err
    found = {(a["kind"], a["handoff"], a["owner"], a["date"]) for a in json.loads(result.out)}
    assert found == {
        ("open-item-overdue", "one-co/2026-11-23-implementation", "@dana-sales", "2026-11-20"),
        ("milestone-overdue", "two-co/2026-11-02-implementation", "@raj-impl", "2026-11-20"),
        ("kickoff-not-ready", "soon-co/2026-11-23-implementation", "@raj-impl", "2026-11-26"),
    }
    # one-co is approved but not kickoff-ready (its open item): its kickoff, 8 days away, is inside 14 days.
    default = json.loads(run_cli("alerts", "--format", "json").out)
    assert {a["handoff"] for a in default if a["kind"] == "kickoff-not-ready"} == {
        "soon-co/2026-11-23-implementation",
        "one-co/2026-11-23-implementation",
    }
    wider = json.loads(run_cli("alerts", "--format", "json", "--days", "30").out)
    assert {a["handoff"] for a in wider if a["kind"] == "kickoff-not-ready"} == {
        "soon-co/2026-11-23-implementation",
        "later-co/2026-11-23-implementation",
        "one-co/2026-11-23-implementation",
    }


def test_text_output_names_file_and_line(world: Path, run_cli: Callable[..., CliResult]) -> None:
    out = run_cli("alerts").out
    assert "one-co/2026-11-23-implementation.md:" in out
    assert "milestone-overdue: first milestone overdue: Technical kickoff" in out


class _Hook:
    def __init__(self, status: int) -> None:
        self.status = status
        self.bodies: list[Any] = []


@pytest.fixture
def hook() -> Iterator[tuple[str, _Hook]]:
    state = _Hook(200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", state
    finally:
        server.shutdown()
        server.server_close()


def test_post_generic_and_slack_payloads(
    world: Path, run_cli: Callable[..., CliResult], hook: tuple[str, _Hook], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = hook
    monkeypatch.setenv("HANDOFF_ALERTS_WEBHOOK", url)
    assert run_cli("alerts", "--post").exit_code == 0
    assert run_cli("alerts", "--post", "--payload", "slack").exit_code == 0
    generic, slack = state.bodies
    assert generic["count"] == 4
    assert {a["kind"] for a in generic["alerts"]} == {"open-item-overdue", "milestone-overdue", "kickoff-not-ready"}
    assert list(slack) == ["text"]
    assert slack["text"].startswith("Handoff alerts for 2026-11-23: 4")


def test_webhook_failure_is_reported(
    world: Path, run_cli: Callable[..., CliResult], hook: tuple[str, _Hook], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = hook
    state.status = 500
    monkeypatch.setenv("HANDOFF_ALERTS_WEBHOOK", url)
    result = run_cli("alerts", "--post")
    assert result.exit_code == 1
    assert "webhook answered HTTP 500; nothing was posted" in result.err


def test_post_without_webhook_is_a_usage_error(
    world: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HANDOFF_ALERTS_WEBHOOK", raising=False)
    result = run_cli("alerts", "--post")
    assert result.exit_code == 2
    assert "HANDOFF_ALERTS_WEBHOOK" in result.err


def test_one_tracking_issue_is_opened_then_updated(
    world: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh_repo = github_double.state.add_repo("acme/handoffs")
    for name, value in github_double.environ("acme/handoffs").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    assert run_cli("alerts", "--issue", "--days", "5").exit_code == 0
    (world / "handoffs" / "soon-co" / "2026-11-23-implementation.md").unlink()
    assert run_cli("alerts", "--issue", "--days", "5").exit_code == 0
    issues = [i for i in gh_repo.issues.values() if i.pull is None]
    assert [i.title for i in issues] == ["Handoff alerts"]
    comments = gh_repo.comments_on(issues[0].number)
    assert len(comments) == 1
    assert "Handoff alerts for 2026-11-23: 2" in comments[0].body
    assert "soon-co" not in comments[0].body


SLACK_USERS = '# GitHub handle -> Slack member id\n"@dana-sales": U024BE7LH\n"@raj-impl": W012A3CDE\n'


def test_slack_payload_mentions_owners_by_their_slack_id_and_escapes_handoff_text(
    world: Path, run_cli: Callable[..., CliResult], hook: tuple[str, _Hook], monkeypatch: pytest.MonkeyPatch
) -> None:
    (world / "schema" / "slack-users.yaml").write_text(SLACK_USERS, encoding="utf-8")
    sneaky = "- Ping <!channel> & <https://evil.example|the contract> (open: @dana-sales by 2026-11-20)\n"
    write_handoff(
        world,
        "one-co/2026-11-23-implementation",
        handoff_text(body=BODY.replace("## Open risks\n\n", "## Open risks\n\n" + sneaky)),
    )
    url, state = hook
    monkeypatch.setenv("HANDOFF_ALERTS_WEBHOOK", url)
    assert run_cli("alerts", "--post", "--payload", "slack").exit_code == 0
    text = state.bodies[0]["text"]
    assert "(<@U024BE7LH>, 2026-11-20)" in text  # @dana-sales, mapped in schema/slack-users.yaml
    assert "<@W012A3CDE>" in text  # @raj-impl owns the late first milestone
    assert "@dana-sales" not in text
    assert "Ping &lt;!channel&gt; &amp; &lt;https://evil.example|the contract&gt;" in text
    assert "<!channel>" not in text
    # Unmapped owners stay handles; the generic payload keeps handles for scripts.
    assert run_cli("alerts", "--post").exit_code == 0
    assert {a["owner"] for a in state.bodies[1]["alerts"]} >= {"@dana-sales"}


def test_the_tracking_comment_stays_within_githubs_limit(
    world: Path, run_cli: Callable[..., CliResult], github_double: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh_repo = github_double.state.add_repo("acme/handoffs")
    for name, value in github_double.environ("acme/handoffs").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    words = "the customer asked again about the data migration plan " * 60
    long_items = "".join(f"- Item {n}: {words}(open: @dana-sales by 2026-11-20)\n" for n in range(30))
    write_handoff(
        world,
        "one-co/2026-11-23-implementation",
        handoff_text(body=BODY.replace("## Open risks\n\n", "## Open risks\n\n" + long_items)),
    )
    total = len(json.loads(run_cli("alerts", "--format", "json", "--days", "5").out))
    assert total == 32  # 30 long open items and two others
    result = run_cli("alerts", "--issue", "--days", "5")
    assert result.exit_code == 0, result.err
    issue = next(i for i in gh_repo.issues.values() if i.pull is None)
    body = gh_repo.comments_on(issue.number)[0].body
    assert len(body) <= 65_536
    shown = body.count("\n- ")
    assert 0 < shown < total
    assert body.endswith(
        f"… and {total - shown} more alert(s) not shown: GitHub keeps at most 65,536 characters in a comment. "
        "Run `handoff alerts` for the full list.\n"
    )
    assert body.splitlines()[shown + 1].startswith("- ")  # whole lines only: the last shown one is complete
