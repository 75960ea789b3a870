"""Owners, teams, the first milestone and the dates that must line up.

Each check runs on the fields it needs (``Handoff.fields``), valid or not the rest of
the front matter: a misspelt key elsewhere must not hide that both owners are one person.
"""

from __future__ import annotations

from handoffs.config import did_you_mean
from handoffs.document.fields import Fields
from handoffs.document.handoff import Handoff
from handoffs.findings import FindingSink
from handoffs.rules.context import RuleContext


def check_people_and_dates(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    fields = doc.fields
    _check_type(doc, fields, ctx, sink)
    _check_party(doc, "from", (fields.from_owner, fields.from_team), ctx, sink)
    _check_party(doc, "to", (fields.to_owner, fields.to_team), ctx, sink)
    if fields.from_owner and fields.to_owner and fields.from_owner.casefold() == fields.to_owner.casefold():
        sink.add(
            "HO402",
            doc.line_of("to", "owner"),
            f"{fields.to_owner} is both the sales owner and the receiving owner; a handoff needs two people",
        )
    _check_milestone(doc, fields, ctx, sink)


def _check_type(doc: Handoff, fields: Fields, ctx: RuleContext, sink: FindingSink) -> None:
    types = ctx.config.type_names
    if fields.type is not None and fields.type not in types:
        sink.add(
            "HO118",
            doc.line_of("type"),
            f"unknown handoff type{did_you_mean(fields.type, types)}; use one of: {', '.join(types)}",
        )


def _check_party(
    doc: Handoff, key: str, party: tuple[str | None, str | None], ctx: RuleContext, sink: FindingSink
) -> None:
    owner, team = party
    if team is None:
        return
    if team not in ctx.config.teams:
        sink.add(
            "HO400",
            doc.line_of(key, "team"),
            f"`{key}.team`: unknown team{did_you_mean(team, list(ctx.config.teams))}; teams are listed in "
            "schema/teams.yaml",
        )
        return
    if owner is not None and owner.casefold() not in ctx.config.members(team):
        sink.add(
            "HO401",
            doc.line_of(key, "owner"),
            f"{owner} is not a member of team `{team}` (schema/teams.yaml)",
        )


def _check_milestone(doc: Handoff, fields: Fields, ctx: RuleContext, sink: FindingSink) -> None:
    owner, to_owner, to_team = fields.milestone_owner, fields.to_owner, fields.to_team
    if owner is not None and to_owner is not None and to_team is not None:
        receiving = {to_owner.casefold()} | ctx.config.members(to_team)
        if owner.casefold() not in receiving:
            sink.add(
                "HO403",
                doc.line_of("first_milestone", "owner"),
                f"the first milestone belongs to the receiving side: {owner} is neither "
                f"{to_owner} nor a member of `{to_team}`",
            )
    due, kickoff = fields.milestone_due, fields.kickoff
    if due is not None and kickoff is not None and due < kickoff:
        sink.add(
            "HO404",
            doc.line_of("first_milestone", "due"),
            f"the first milestone is due {due}, before the kickoff on {kickoff}",
        )
    close = fields.close_date
    if fields.stage == "closed-won" and close is not None and kickoff is not None and kickoff < close:
        sink.add(
            "HO405",
            doc.line_of("kickoff"),
            f"kickoff {kickoff} is before the deal closed ({close}); a closed-won deal kicks off after it closes",
        )
