"""Read a submitted "New handoff" issue form (``.github/ISSUE_TEMPLATE/new-handoff.yml``).

GitHub renders each answer as ``### <field label>`` followed by the value, and
an empty optional answer as ``_No response_``.  Everything here is untrusted
text: it only ever becomes quoted YAML values and Markdown body text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from handoffs.errors import HandoffError

NO_RESPONSE = "_No response_"
# Form label -> ``handoff new`` option (the front matter).
FRONT_FIELDS = {
    "Customer": "customer",
    "Handoff type": "type",
    "Stage": "stage",
    "Sales owner": "sales_owner",
    "Sales team": "sales_team",
    "Receiving owner": "receiving_owner",
    "Receiving team": "receiving_team",
    "CRM system": "crm_system",
    "CRM deal id": "crm_id",
    "CRM deal URL": "crm_url",
    "Target kickoff date": "kickoff",
    "First milestone": "milestone_title",
    "First milestone owner": "milestone_owner",
    "First milestone due date": "milestone_due",
}
DATE_FIELDS = frozenset({"kickoff", "milestone_due"})
HANDLE_FIELDS = frozenset({"sales_owner", "receiving_owner", "milestone_owner"})
_HEADING = re.compile(r"(?m)^###[ \t]+(.+?)[ \t]*\r?$")


@dataclass(frozen=True)
class FormAnswers:
    front: dict[str, str | dt.date]  # ``NewOptions`` field -> value
    sections: tuple[tuple[str, str], ...]  # (heading, Markdown) in form order


def parse_sections(body: str) -> list[tuple[str, str]]:
    """``### label`` / value pairs, in order; ``_No response_`` becomes empty."""
    parts = _HEADING.split(body.replace("\r\n", "\n"))
    pairs: list[tuple[str, str]] = []
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        text = value.strip()
        pairs.append((label.strip(), "" if text == NO_RESPONSE else text))
    return pairs


def read_form(body: str) -> FormAnswers:
    front: dict[str, str | dt.date] = {}
    sections: list[tuple[str, str]] = []
    for label, value in parse_sections(body):
        name = FRONT_FIELDS.get(label)
        if name is None:
            if value:
                sections.append((label, value))
            continue
        if not value:
            continue
        front[name] = _convert(name, label, value)
    if "customer" not in front or "type" not in front:
        raise HandoffError("the issue is not a filled-in `New handoff` form (Customer and Handoff type are missing)")
    return FormAnswers(front, tuple(sections))


def _convert(name: str, label: str, value: str) -> str | dt.date:
    single = " ".join(value.split())
    if name in DATE_FIELDS:
        try:
            return dt.date.fromisoformat(single)
        except ValueError:
            raise HandoffError(f"{label}: `{single}` is not a date like 2026-12-01") from None
    if name in HANDLE_FIELDS:
        return "@" + single.lstrip("@")
    return single


def render_body(sections: tuple[tuple[str, str], ...]) -> str:
    """The handoff body: one ``## `` section per answered form field, in form order."""
    return "\n".join(f"## {heading}\n\n{text}\n" for heading, text in sections)
