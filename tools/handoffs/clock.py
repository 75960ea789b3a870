"""Today, as every command sees it: ``--today``, else ``HANDOFF_TODAY``, else the calendar.

Pinning the date makes every verdict that depends on it (overdue, kickoff soon) reproducible.
"""

from __future__ import annotations

import datetime as dt
import os

from handoffs.errors import UsageError


def today(override: dt.date | None) -> dt.date:
    """Today, or ``--today`` / ``HANDOFF_TODAY`` so results are reproducible."""
    if override is not None:
        return override
    env = os.environ.get("HANDOFF_TODAY")
    if env:
        try:
            return dt.date.fromisoformat(env)
        except ValueError:
            raise UsageError(f"HANDOFF_TODAY={env} is not a date like 2026-12-01") from None
    return dt.date.today()
