"""``schema/crm.yaml``: which deals start which handoff, what evidence is copied, what may be written.

Team-editable data, validated on load like the other schema files (file, line, key path,
"did you mean").  The write-back section is refused on load when it names a field that
holds pricing, scope or amounts, or a field the sync itself reads: the tool writes only
to fields that exist for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from handoffs.config import SCHEMA_DIR, Config, _config_error, _read_yaml, _Strict, did_you_mean
from handoffs.errors import ConfigError
from handoffs.model import HANDLE_PATTERN

CRM_FILE = "crm.yaml"
_HANDLE = re.compile(HANDLE_PATTERN)
FieldName = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]

# A write-back field whose name says it carries money, quantities or scope is refused:
# these words, anywhere in the name, and the standard fields of both CRMs below.
_FORBIDDEN_WORDS = re.compile(
    r"amount|price|pricing|discount|revenue|quantity|total|cost|fee|scope|acv|arr|mrr|tcv|margin|currency",
    re.IGNORECASE,
)
_FORBIDDEN_FIELDS = frozenset(
    name.casefold()
    for name in (
        "Amount",
        "ExpectedRevenue",
        "TotalOpportunityQuantity",
        "StageName",
        "CloseDate",
        "OwnerId",
        "Probability",
        "IsWon",
        "IsClosed",
        "Name",
        "amount",
        "dealstage",
        "closedate",
        "dealname",
        "hubspot_owner_id",
        "pipeline",
        "hs_acv",
        "hs_arr",
        "hs_mrr",
        "hs_tcv",
    )
)


class Route(_Strict):
    """A CRM field whose value picks the receiving team (segment, product line…)."""

    field: FieldName
    teams: dict[str, str] = Field(min_length=1)


class Trigger(_Strict):
    stage: str | None = None
    owner: list[str] | None = None
    type: str
    team: str
    route: Route | None = None
    assign: str = "round-robin"

    @field_validator("assign")
    @classmethod
    def _assign(cls, value: str) -> str:
        if value != "round-robin" and not _HANDLE.match(value):
            raise ValueError("expected `round-robin` or a GitHub handle like @raj-impl")
        return value

    @model_validator(mode="after")
    def _one_condition(self) -> Trigger:
        if (self.stage is None) == (self.owner is None):
            raise ValueError("give exactly one of `stage` (a stage label or id) or `owner` (CRM owner e-mails)")
        return self


class Milestone(_Strict):
    title: Annotated[str, Field(min_length=1)]
    due_business_days: int = Field(10, ge=0)


class Evidence(_Strict):
    fields: dict[FieldName, Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    sensitive: list[FieldName] = Field(default_factory=list)
    notes: bool = True
    line_items: bool = True


class WriteBack(_Strict):
    status: FieldName | None = None
    link: FieldName | None = None

    @field_validator("status", "link")
    @classmethod
    def _dedicated(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value.casefold() in _FORBIDDEN_FIELDS or _FORBIDDEN_WORDS.search(value):
            raise ValueError(
                f"`{value}` looks like a pricing, scope, amount or sales field; the tool writes only to "
                "fields dedicated to the handoff (e.g. Handoff_Status__c), never to deal terms"
            )
        return value


class CrmFile(_Strict):
    system: Literal["salesforce", "hubspot"]
    sales_team: str
    owners: dict[str, str] = Field(default_factory=dict)
    triggers: list[Trigger] = Field(min_length=1)
    kickoff_business_days: int = Field(5, ge=0)
    first_milestone: Milestone
    evidence: Evidence = Evidence()
    write_back: WriteBack | None = None
    site_url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None

    @field_validator("owners")
    @classmethod
    def _handles(cls, owners: dict[str, str]) -> dict[str, str]:
        for email, handle in owners.items():
            if not _HANDLE.match(handle):
                raise ValueError(f"owners.{email}: `{handle}` is not a GitHub handle like @dana-sales")
        return owners


@dataclass(frozen=True)
class CrmMapping:
    """The validated file plus the path it came from (for messages)."""

    path: Path
    spec: CrmFile

    @property
    def system(self) -> str:
        return self.spec.system

    def sales_owner(self, crm_owner: str | None) -> str | None:
        if not crm_owner:
            return None
        folded = {k.casefold(): v for k, v in self.spec.owners.items()}
        return folded.get(crm_owner.casefold())

    def write_fields(self) -> dict[str, str]:
        """``{"status": field, "link": field}`` for the fields the team named; empty: write nothing."""
        wb = self.spec.write_back
        if wb is None:
            return {}
        return {role: name for role, name in (("status", wb.status), ("link", wb.link)) if name}

    def evidence_fields(self) -> dict[str, str]:
        """Mapped custom fields minus the sensitive ones (which are never copied)."""
        sensitive = {s.casefold() for s in self.spec.evidence.sensitive}
        return {k: v for k, v in self.spec.evidence.fields.items() if k.casefold() not in sensitive}

    def read_fields(self) -> list[str]:
        """Every custom field the sync reads: evidence fields and routing fields."""
        names = list(self.evidence_fields())
        names += [t.route.field for t in self.spec.triggers if t.route and t.route.field not in names]
        return names


def load_mapping(config: Config) -> CrmMapping:
    path = config.root / SCHEMA_DIR / CRM_FILE
    if not path.is_file():
        raise ConfigError(
            "file is missing: `handoff crm` needs the mapping of stages to handoff types "
            "(see the README, 'Drafting from the CRM')",
            path=path,
        )
    doc = _read_yaml(path)
    try:
        spec = CrmFile.model_validate(doc.data)
    except ValidationError as exc:
        raise _config_error(path, doc, exc, CrmFile) from None
    _cross_check(config, path, doc, spec)
    return CrmMapping(path, spec)


def _cross_check(config: Config, path: Path, doc: object, spec: CrmFile) -> None:
    """Teams and types named here exist in teams.yaml / types.yaml; handles belong to their teams."""
    line_of = getattr(doc, "line_of", lambda _loc: None)
    teams = list(config.teams)

    def fail(loc: tuple[str | int, ...], message: str) -> ConfigError:
        where = ".".join(str(p) for p in loc)
        return ConfigError(f"{where}: {message}", path=path, line=line_of(loc))

    if spec.sales_team not in config.teams:
        raise fail(("sales_team",), f"unknown team{did_you_mean(spec.sales_team, teams)}")
    for email, handle in spec.owners.items():
        if handle.casefold() not in config.members(spec.sales_team):
            raise fail(("owners", email), f"{handle} is not a member of the sales team `{spec.sales_team}`")
    for index, trigger in enumerate(spec.triggers):
        loc: tuple[str | int, ...] = ("triggers", index)
        if trigger.type not in config.type_names:
            raise fail((*loc, "type"), f"unknown handoff type{did_you_mean(trigger.type, config.type_names)}")
        named: list[tuple[tuple[str, ...], str]] = [(("team",), trigger.team)]
        if trigger.route:
            named += [(("route", "teams", value), team) for value, team in trigger.route.teams.items()]
        for sub, team in named:
            if team not in config.teams:
                raise fail((*loc, *sub), f"unknown team{did_you_mean(team, teams)}")
        if trigger.assign != "round-robin":
            receiving = {trigger.team, *(trigger.route.teams.values() if trigger.route else ())}
            if not any(trigger.assign.casefold() in config.members(t) for t in receiving):
                raise fail((*loc, "assign"), f"{trigger.assign} is not a member of {', '.join(sorted(receiving))}")
    _write_back_is_dedicated(spec, fail)


def _write_back_is_dedicated(spec: CrmFile, fail: Callable[[tuple[str | int, ...], str], ConfigError]) -> None:
    """A write-back field the sync also reads (evidence, routing) is not dedicated to the handoff."""
    if spec.write_back is None:
        return
    read = {f.casefold() for f in spec.evidence.fields} | {
        t.route.field.casefold() for t in spec.triggers if t.route is not None
    }
    for role in ("status", "link"):
        name = getattr(spec.write_back, role)
        if name and name.casefold() in read:
            raise fail(("write_back", role), f"`{name}` is also read as evidence or routing; name a dedicated field")
    if spec.write_back.status and spec.write_back.status == spec.write_back.link:
        raise fail(("write_back", "link"), "status and link must be two different fields")
