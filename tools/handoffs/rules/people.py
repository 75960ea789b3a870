"""Owners, teams, the first milestone and the dates that must line up."""

from __future__ import annotations

from handoffs.config import did_you_mean
from handoffs.document.handoff import Handoff
from handoffs.model import FrontMatter, Party
from handoffs.rules.context import RuleContext
from handoffs.rules.sink import FindingSink


def check_people_and_dates(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    front = doc.front
    if front is None:
        return
    _check_type(doc, front, ctx, sink)
    _check_party(doc, "from", front.from_, ctx, sink)
    _check_party(doc, "to", front.to, ctx, sink)
    if front.from_.owner.casefold() == front.to.owner.casefold():
        sink.add(
            "HO402",
            doc.line_of("to", "owner"),
            f"{front.to.owner} is both the sales owner and the receiving owner; a handoff needs two people",
        )
    _check_milestone(doc, front, ctx, sink)


def _check_type(doc: Handoff, front: FrontMatter, ctx: RuleContext, sink: FindingSink) -> None:
    types = ctx.config.type_names
    if front.type not in types:
        sink.add(
            "HO118",
            doc.line_of("type"),
            f"unknown handoff type{did_you_mean(front.type, types)}; use one of: {', '.join(types)}",
        )


def _check_party(doc: Handoff, key: str, party: Party, ctx: RuleContext, sink: FindingSink) -> None:
    teams = list(ctx.config.teams)
    if party.team not in ctx.config.teams:
        sink.add(
            "HO400",
            doc.line_of(key, "team"),
            f"`{key}.team`: unknown team{did_you_mean(party.team, teams)}; teams are listed in schema/teams.yaml",
        )
        return
    if party.owner.casefold() not in ctx.config.members(party.team):
        sink.add(
            "HO401",
            doc.line_of(key, "owner"),
            f"{party.owner} is not a member of team `{party.team}` (schema/teams.yaml)",
        )


def _check_milestone(doc: Handoff, front: FrontMatter, ctx: RuleContext, sink: FindingSink) -> None:
    milestone = front.first_milestone
    receiving = {front.to.owner.casefold()} | ctx.config.members(front.to.team)
    if milestone.owner.casefold() not in receiving:
        sink.add(
            "HO403",
            doc.line_of("first_milestone", "owner"),
            f"the first milestone belongs to the receiving side: {milestone.owner} is neither "
            f"{front.to.owner} nor a member of `{front.to.team}`",
        )
    if milestone.due < front.kickoff:
        sink.add(
            "HO404",
            doc.line_of("first_milestone", "due"),
            f"the first milestone is due {milestone.due}, before the kickoff on {front.kickoff}",
        )
    close = front.deal.close_date if front.deal else None
    if front.stage == "closed-won" and close is not None and front.kickoff < close:
        sink.add(
            "HO405",
            doc.line_of("kickoff"),
            f"kickoff {front.kickoff} is before the deal closed ({close}); a closed-won deal kicks off after it closes",
        )
