"""The first-milestone issue: the label and hidden marker by which every consumer finds it.

``handoff on-merge`` opens one issue per merged handoff, carrying ``marker(handoff_id)``;
a re-run finds it by that marker and opens no second one.  The site links each handoff
to its issue, and the metrics read when it was closed ("first milestone on time"), by the
same marker, never by the title (people edit titles).  Written and read only here, so a
change to the marker cannot leave one reader behind.
"""

from __future__ import annotations

import re

LABEL = "first-milestone"
_MARKER = re.compile(r"<!--\s*handoff-first-milestone:\s*(\S+?)\s*-->")


def marker(handoff_id: str) -> str:
    """The hidden line that names the issue's handoff (HTML comments do not show on GitHub)."""
    return f"<!-- handoff-first-milestone: {handoff_id} -->"


def handoff_of(body: str) -> str | None:
    """The handoff id an issue body's marker names (the first marker), or ``None`` without one."""
    found = _MARKER.search(body)
    return found[1] if found else None
