"""The front matter field by field: each value that is valid on its own, even when others are not.

The whole front matter is validated at once (``model.FrontMatter``), and one wrong field
makes it invalid.  The cross-field rules (same owner on both sides, owner not in team,
milestone owner and date, kickoff against the close date, status against approval, file
name against type) must still run on the fields they need, or a rep fixes one error and
is shown the next batch.  So each field those rules read is validated here by itself,
with the same types as the model; a field that is missing or wrong is ``None`` and only
the checks that need it are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError

from handoffs.model import FrontMatter, Handle, IsoDate, Stage, Status, Text

_STRICT = ConfigDict(strict=True)


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields the cross-field rules read; ``None`` where missing or invalid."""

    type: str | None = None
    stage: str | None = None
    status: str | None = None
    kickoff: dt.date | None = None
    from_owner: str | None = None
    from_team: str | None = None
    to_owner: str | None = None
    to_team: str | None = None
    milestone_owner: str | None = None
    milestone_due: dt.date | None = None
    close_date: dt.date | None = None


def fields_of(front: FrontMatter) -> Fields:
    """Every field, from a front matter that is valid as a whole."""
    return Fields(
        type=front.type,
        stage=front.stage,
        status=front.status,
        kickoff=front.kickoff,
        from_owner=front.from_.owner,
        from_team=front.from_.team,
        to_owner=front.to.owner,
        to_team=front.to.team,
        milestone_owner=front.first_milestone.owner,
        milestone_due=front.first_milestone.due,
        close_date=front.deal.close_date if front.deal else None,
    )


def read_fields(data: Mapping[str, Any]) -> Fields:
    """Each field of raw (invalid as a whole) front matter that is valid by itself."""
    return Fields(
        type=_valid(data, ("type",), Text),
        stage=_valid(data, ("stage",), Stage),
        status=_valid(data, ("status",), Status),
        kickoff=_valid(data, ("kickoff",), IsoDate),
        from_owner=_valid(data, ("from", "owner"), Handle),
        from_team=_valid(data, ("from", "team"), Text),
        to_owner=_valid(data, ("to", "owner"), Handle),
        to_team=_valid(data, ("to", "team"), Text),
        milestone_owner=_valid(data, ("first_milestone", "owner"), Handle),
        milestone_due=_valid(data, ("first_milestone", "due"), IsoDate),
        close_date=_valid(data, ("deal", "close_date"), IsoDate),
    )


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind, config=_STRICT)


def _valid(data: Mapping[str, Any], path: tuple[str, ...], kind: Any) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return None
