"""What needs attention today: the one list behind ``handoff alerts`` and the site's home page.

Four kinds, each from the definitions in ``handoffs.verdicts``:

* ``errors``: the file has errors (it should never have reached the base branch);
* ``open-item-overdue``: an open item past its date;
* ``kickoff-not-ready``: kickoff has passed or is within the horizon, the handoff is
  still `proposed`, and it is not known to be kickoff-ready (blockers or unknowns);
* ``milestone-overdue``: the first milestone is past its due date and the handoff is
  not completed.

Cancelled handoffs raise nothing but their errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from handoffs.assess import Entry
from handoffs.verdicts import kickoff_when, plural

KINDS = ("errors", "open-item-overdue", "kickoff-not-ready", "milestone-overdue")


@dataclass(frozen=True)
class Alert:
    kind: str  # one of KINDS
    handoff: str
    path: str
    line: int
    owner: str
    date: str
    message: str

    def who(self) -> str:
        """`` (@owner, date)``, or as much of it as there is."""
        known = ", ".join(part for part in (self.owner, self.date) if part)
        return f" ({known})" if known else ""

    def line_text(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message}{self.who()}"


def needs_attention(entries: Iterable[Entry], today: dt.date, horizon_days: int) -> list[Alert]:
    """Every alert for ``entries``, by date (errors first), file, line and kind."""
    alerts: list[Alert] = []
    for entry in entries:
        alerts += _alerts_of(entry, today, horizon_days)
    return sorted(alerts, key=lambda a: (a.date, a.path, a.line, a.kind))


def _alerts_of(entry: Entry, today: dt.date, horizon_days: int) -> list[Alert]:
    front = entry.handoff.front if entry.handoff else None
    handoff, path = entry.handoff_id, entry.result.path
    found: list[Alert] = []
    if entry.errors:
        first = min(entry.errors, key=lambda f: f.line)
        message = (
            f"{plural(len(entry.errors), 'error')} in the file, first: line {first.line} {first.code} {first.message}"
        )
        found.append(Alert("errors", handoff, path, first.line, front.to.owner if front else "", "", message))
    if front is None or front.status == "cancelled":
        return found
    for item in entry.result.open_items:
        if item.overdue:
            message = f"open item past its date: {item.text}"
            found.append(Alert("open-item-overdue", handoff, path, item.line, item.owner, item.due, message))
    if entry.kickoff_at_risk(today, horizon_days):
        when = kickoff_when(front.kickoff, today)
        message = f"{when}, but the handoff is not kickoff-ready: {'; '.join(entry.readiness.reasons)}"
        line = entry.handoff.line_of("kickoff") if entry.handoff else 1
        found.append(
            Alert("kickoff-not-ready", handoff, path, line, front.to.owner, front.kickoff.isoformat(), message)
        )
    if entry.milestone_overdue(today):
        milestone = front.first_milestone
        line = entry.handoff.line_of("first_milestone", "due") if entry.handoff else 1
        message = f"first milestone overdue: {milestone.title}"
        found.append(
            Alert("milestone-overdue", handoff, path, line, milestone.owner, milestone.due.isoformat(), message)
        )
    return found
