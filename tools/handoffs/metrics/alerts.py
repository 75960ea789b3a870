"""Overdue and at-risk handoffs: what `handoff alerts` prints, posts and tracks.

Three kinds of alert, all decided from the files and the base branch (no GitHub needed):
open items past their date; kickoffs within N days (or past) of a handoff that is not
approved yet; first milestones past their due date on a handoff not marked completed.
Cancelled handoffs raise nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from handoffs.config import Config
from handoffs.engine import Job, discover, iter_handoffs
from handoffs.errors import HandoffError
from handoffs.git import base_tree

TRACKING_LABEL = "handoff-alerts"
TRACKING_TITLE = "Handoff alerts"
MARKER = "<!-- handoff-alerts -->"
WEBHOOK_ENV = "HANDOFF_ALERTS_WEBHOOK"


@dataclass(frozen=True)
class Alert:
    kind: str  # open-item-overdue | kickoff-unapproved | milestone-overdue
    handoff: str
    path: str
    line: int
    owner: str
    date: str
    message: str

    def line_text(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message} ({self.owner}, {self.date})"


def find_alerts(root: Path, config: Config, today: dt.date, within_days: int, base: str | None = None) -> list[Alert]:
    folder = config.handoffs_path
    if not folder.is_dir():
        return []
    files = discover([folder]) if any(folder.rglob("*.md")) else []
    branch = base or config.rules.base_branch
    tree = base_tree(root, branch, under=config.handoffs_dir)
    alerts: list[Alert] = []
    for doc, result in iter_handoffs(files, Job(root, branch, today, False), config):
        if doc is None or doc.front is None or doc.front.status == "cancelled":
            continue
        front = doc.front
        handoff = doc.handoff_id or result.path
        for item in result.open_items:
            if item.overdue:
                message = f"open item past its date: {item.text}"
                alerts.append(
                    Alert("open-item-overdue", handoff, result.path, item.line, item.owner, item.due, message)
                )
        approved = tree.paths is not None and str(doc.relative_path) in tree.paths
        if not approved and front.status == "proposed" and (front.kickoff - today).days <= within_days:
            when = "was" if front.kickoff < today else "is"
            alerts.append(
                Alert(
                    "kickoff-unapproved",
                    handoff,
                    result.path,
                    doc.line_of("kickoff"),
                    front.to.owner,
                    front.kickoff.isoformat(),
                    f"kickoff {when} on {front.kickoff} but the handoff is not approved (not merged into {tree.ref})",
                )
            )
        milestone = front.first_milestone
        if milestone.due < today and front.status != "completed":
            alerts.append(
                Alert(
                    "milestone-overdue",
                    handoff,
                    result.path,
                    doc.line_of("first_milestone", "due"),
                    milestone.owner,
                    milestone.due.isoformat(),
                    f"first milestone overdue: {milestone.title}",
                )
            )
    return sorted(alerts, key=lambda a: (a.date, a.path, a.line, a.kind))


def summary(alerts: Iterable[Alert], today: dt.date) -> str:
    listed = list(alerts)
    if not listed:
        return f"Handoff alerts for {today}: none."
    lines = [f"Handoff alerts for {today}: {len(listed)}"]
    lines += [f"- {a.handoff}: {a.message} ({a.owner}, {a.date})" for a in listed]
    return "\n".join(lines)


def payload(alerts: list[Alert], today: dt.date, style: str) -> dict[str, Any]:
    text = summary(alerts, today)
    if style == "slack":
        return {"text": text}  # Slack (and compatible) incoming webhooks read `text`
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
    text = f"{MARKER}\n{summary(alerts, today)}\n"
    issue = next((i for i in repo.issues_labelled(TRACKING_LABEL) if i.title == TRACKING_TITLE), None)
    if issue is None:
        issue = repo.create_issue(
            title=TRACKING_TITLE,
            body="Open items, kickoffs and first milestones that need attention. The comment below is "
            "kept up to date by `handoff alerts --issue`.",
            labels=[TRACKING_LABEL],
            assignees=[],
        )
    mine = next((c for c in repo.comments(issue.number) if c.body.startswith(MARKER)), None)
    if mine is None:
        repo.create_comment(issue.number, text)
    elif mine.body != text:
        repo.edit_comment(mine.id, text)
    return issue.html_url
