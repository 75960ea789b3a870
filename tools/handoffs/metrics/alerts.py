"""What `handoff alerts` prints, posts and tracks: the list ``handoffs.attention`` makes,
the same one the site's home page shows under "needs attention"."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from handoffs.approval_record import online_reviews
from handoffs.assess import assess
from handoffs.attention import Alert, needs_attention
from handoffs.config import Config
from handoffs.engine import Job, discover
from handoffs.errors import HandoffError
from handoffs.github import COMMENT_LIMIT, fit_comment

TRACKING_LABEL = "handoff-alerts"
TRACKING_TITLE = "Handoff alerts"
MARKER = "<!-- handoff-alerts -->"
WEBHOOK_ENV = "HANDOFF_ALERTS_WEBHOOK"


def find_alerts(root: Path, config: Config, today: dt.date, within_days: int, base: str | None = None) -> list[Alert]:
    """What needs attention (``handoffs.attention``), the same list the site's home page shows."""
    folder = config.handoffs_path
    if not folder.is_dir():
        return []
    files = discover([folder]) if any(folder.rglob("*.md")) else []
    fetch, cache = online_reviews(root, os.environ)
    entries = assess(
        files,
        Job(root, base or config.rules.base_branch, today, False),
        config,
        fetch_reviews=fetch,
        review_cache=cache,
    )
    if cache is not None:
        cache.save()
    return needs_attention(entries, today, within_days)


def summary(alerts: Iterable[Alert], today: dt.date) -> str:
    return "\n".join(_summary_lines(list(alerts), today, lambda a: f"- {a.handoff}: {a.message}{a.who()}"))


def _summary_lines(alerts: list[Alert], today: dt.date, line: Callable[[Alert], str]) -> list[str]:
    if not alerts:
        return [f"Handoff alerts for {today}: none."]
    return [f"Handoff alerts for {today}: {len(alerts)}", *(line(a) for a in alerts)]


def slack_text(alerts: list[Alert], today: dt.date, config: Config) -> str:
    """The summary in Slack's markup: owners mentioned by their Slack id (schema/slack-users.yaml).

    Handoff text is escaped, so a message can never turn into a mention of its own
    (``<!channel>``) or a disguised link: only the mentions made here are markup.
    """

    def line(alert: Alert) -> str:
        member = config.slack_id(alert.owner) if alert.owner else None
        owner = f"<@{member}>" if member else _slack_escape(alert.owner)
        known = ", ".join(part for part in (owner, _slack_escape(alert.date)) if part)
        who = f" ({known})" if known else ""
        return f"- {_slack_escape(alert.handoff)}: {_slack_escape(alert.message)}{who}"

    return "\n".join(_summary_lines(alerts, today, line))


def _slack_escape(text: str) -> str:
    """Slack's three control characters, as its message formatting asks them to be written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tracking_comment(alerts: list[Alert], today: dt.date) -> str:
    """The tracking issue's comment, within GitHub's size limit.

    Whole alert lines are kept until the next one would not fit; the comment then says
    how many were left out and where to see them all, rather than being refused.
    """
    return fit_comment([MARKER, *summary(alerts, today).split("\n")], _left_out_note)


def _left_out_note(count: int) -> str:
    return (
        f"\n… and {count} more alert(s) not shown: GitHub keeps at most {COMMENT_LIMIT:,} characters "
        "in a comment. Run `handoff alerts` for the full list.\n"
    )


def payload(alerts: list[Alert], today: dt.date, style: str, config: Config | None = None) -> dict[str, Any]:
    text = summary(alerts, today)
    if style == "slack":
        # Slack (and compatible) incoming webhooks read `text`.
        return {"text": slack_text(alerts, today, config) if config is not None else _slack_escape(text)}
    return {
        "source": "handoff alerts",
        "date": today.isoformat(),
        "count": len(alerts),
        "alerts": [asdict(a) for a in alerts],
        "text": text,
    }


def post_webhook(url: str, body: dict[str, Any], timeout: float = 10.0) -> int:
    """POST ``body`` as JSON; returns the HTTP status or raises a clear error."""
    if not url.startswith(("https://", "http://")):
        raise HandoffError(f"{WEBHOOK_ENV} must be an http(s) URL")
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        # The scheme is checked above: no file:// or custom schemes reach urlopen.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise HandoffError(f"the alerts webhook answered HTTP {exc.code}; nothing was posted") from None
    except (urllib.error.URLError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HandoffError(f"could not reach the alerts webhook ({reason}); nothing was posted") from None


def update_tracking_issue(alerts: list[Alert], today: dt.date) -> str:
    """Open the one tracking issue, or update the alerts comment on it; returns its URL."""
    from handoffs import github

    repo = github.connect(github.settings_from_env())
    text = tracking_comment(alerts, today)
    issue = next((i for i in repo.issues_labelled(TRACKING_LABEL) if i.title == TRACKING_TITLE), None)
    if issue is None:
        issue = repo.create_issue(
            title=TRACKING_TITLE,
            body="Handoffs with errors, open items, kickoffs and first milestones that need attention. "
            "The comment below is kept up to date by `handoff alerts --issue`.",
            labels=[TRACKING_LABEL],
            assignees=[],
        )
    mine = next((c for c in repo.comments(issue.number) if c.body.startswith(MARKER)), None)
    if mine is None:
        repo.create_comment(issue.number, text)
    elif mine.body != text:
        repo.edit_comment(mine.id, text)
    return issue.html_url
