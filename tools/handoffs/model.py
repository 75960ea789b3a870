"""The handoff front matter as pydantic models: the single source of its shape.

Strict on purpose: extra keys are refused (a typo must not silently drop data), and
nothing is coerced (an id written as a number is an error, not a string).  Dates
accept a real YAML date or an ISO ``YYYY-MM-DD`` string, never a date-time.
``schema/handoff.schema.json`` is generated from these classes by ``handoff schema``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

HANDLE_PATTERN = r"^@[A-Za-z0-9](?:-?[A-Za-z0-9])*$"
HANDLE_MAX_LENGTH = 40
URL_PATTERN = r"^https?://\S+$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Each vocabulary written once: the type the model validates with, and its values for
# the commands' choices (``get_args``) and the front-matter reader (document/fields.py).
Stage = Literal["closed-won", "advancing"]
Status = Literal["proposed", "kicked-off", "completed", "cancelled"]
CrmSystem = Literal["salesforce", "hubspot", "other"]
STAGES: tuple[str, ...] = get_args(Stage)
STATUSES: tuple[str, ...] = get_args(Status)
CRM_SYSTEMS: tuple[str, ...] = get_args(CrmSystem)


def _to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date like 2026-12-01, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"`{value}` is not a real date") from None
    raise ValueError("expected a date like 2026-12-01")


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a finite amount")
    return value


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_to_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
Handle = Annotated[
    str, Field(pattern=HANDLE_PATTERN, max_length=HANDLE_MAX_LENGTH, description="A GitHub handle: @name")
]
Text = Annotated[str, Field(min_length=1)]
Amount = Annotated[int | float, BeforeValidator(_finite), Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Party(_Strict):
    """One side of the handoff: a person and the team they belong to."""

    owner: Handle
    team: Text = Field(description="A team name from schema/teams.yaml")


class Crm(_Strict):
    system: CrmSystem
    id: Text = Field(description="The deal id, as a string (quote numeric ids)")
    url: Annotated[str, Field(pattern=URL_PATTERN)] | None = None
    stage_changed_at: (
        Annotated[
            str,
            Field(
                pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
                description="When the deal reached the stage that started this handoff (UTC, written by "
                '`handoff crm sync`; quoted, e.g. "2026-11-20T15:04:00Z")',
            ),
        ]
        | None
    ) = None


class FirstMilestone(_Strict):
    """The receiving owner's first task after kickoff."""

    title: Text
    owner: Handle
    due: IsoDate


class Deal(_Strict):
    amount: Amount | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")] | None = None
    close_date: IsoDate | None = None
    contract_start: IsoDate | None = None
    contract_end: IsoDate | None = None
    renewal_date: IsoDate | None = None


class ContextRepeat(_Strict):
    """A time the customer had to re-explain something they had already told us."""

    date: IsoDate
    note: Text
    reported_by: Handle


def _no_repeats() -> list[ContextRepeat]:
    # A function of ours, not `list`: pydantic reads a default factory's signature, and
    # for a builtin that compiles the tokenizer's regexes (~10 ms of every check's start).
    return []


class FrontMatter(_Strict):
    """Everything above the body of a handoff file."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        populate_by_name=True,
        title="Handoff front matter",
    )

    title: Text
    customer: Text
    type: Text = Field(description="A handoff type from schema/types.yaml")
    stage: Stage
    from_: Party = Field(alias="from", description="The sales owner")
    to: Party = Field(description="The receiving owner")
    crm: Crm
    kickoff: IsoDate
    first_milestone: FirstMilestone
    status: Status
    deal: Deal | None = None
    context_repeats: list[ContextRepeat] = Field(default_factory=_no_repeats)


def json_schema(types: list[str]) -> dict[str, Any]:
    """The JSON Schema of the front matter, with ``type`` limited to the configured types."""
    schema = FrontMatter.model_json_schema(by_alias=True, mode="validation")
    schema["properties"]["type"]["enum"] = sorted(types)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://handoffs.example/schema/handoff.schema.json",
        **schema,
    }
