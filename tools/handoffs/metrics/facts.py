"""What one version of a handoff says, reduced to the facts the metrics need (cached per blob)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from handoffs.document import yamlsafe
from handoffs.document.body import Body, parse_body
from handoffs.document.frontmatter_split import SplitProblem, split
from handoffs.document.handoff import Handoff
from handoffs.document.source import decode
from handoffs.model import FrontMatter
from handoffs.verdicts import Scope, scope_of


@dataclass(frozen=True)
class Facts:
    """What one version of a file says, in plain JSON-friendly values (cached per blob)."""

    valid: bool  # the front matter was valid; the other front-matter fields are empty otherwise
    type: str | None = None
    teams: tuple[str, ...] = ()
    kickoff: str | None = None  # ISO dates as text, so the cache stays plain JSON
    close_date: str | None = None
    milestone_due: str | None = None
    status: str | None = None
    repeats: tuple[tuple[str, str], ...] = ()  # (date, note)
    scope: Scope = ()  # (section, normalised entries): ``verdicts.scope_of``
    stage_changed_at: str | None = None  # crm.stage_changed_at (ISO UTC), written by `handoff crm sync`

    def to_json(self) -> list[Any]:
        # The json module writes tuples as arrays, so the nested tuples go in as they are:
        # copying them into lists would cost more than writing them (a cold run saves every version).
        return [
            self.valid,
            self.type,
            self.teams,
            self.kickoff,
            self.close_date,
            self.milestone_due,
            self.status,
            self.repeats,
            self.scope,
            self.stage_changed_at,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Facts:
        valid, kind, teams, kickoff, close, due, status, repeats, scope, stage_changed = data
        return cls(
            valid=bool(valid),
            type=kind,
            teams=tuple(teams),
            kickoff=kickoff,
            close_date=close,
            milestone_due=due,
            status=status,
            repeats=tuple((d, n) for d, n in repeats),
            scope=tuple((name, tuple(texts)) for name, texts in scope),
            stage_changed_at=stage_changed,
        )


def read_facts(raw: bytes, scope: Sequence[str]) -> Facts:
    """Front matter and the four scope sections of one version, read as the checker reads them."""
    source, _ = decode(raw)
    if source is None:
        return Facts(valid=False)
    parts = split(source.lines)
    if isinstance(parts, SplitProblem):  # as the checker does: the whole file is body
        return facts_of(None, parse_body(source.text, 1, len(source.lines)), scope)
    body = parse_body(parts.body, parts.body_line, len(source.lines))
    return facts_of(front_matter(yamlsafe.load(parts.yaml, first_line=parts.yaml_line)), body, scope)


def facts_of_handoff(doc: Handoff, scope: Sequence[str]) -> Facts:
    """The same facts from a document the checker already loaded (no second parse)."""
    front = doc.front if not doc.yaml.problems else None
    return facts_of(front, doc.body, scope)


def facts_of(front: FrontMatter | None, body: Body, scope_sections: Sequence[str]) -> Facts:
    """``scope_sections``: the scope sections' names, ``config.sections.scope``."""
    scope = scope_of(body, scope_sections)
    if front is None:
        return Facts(valid=False, scope=scope)
    return Facts(
        valid=True,
        type=front.type,
        teams=(front.from_.team, front.to.team),
        kickoff=front.kickoff.isoformat(),
        close_date=front.deal.close_date.isoformat() if front.deal and front.deal.close_date else None,
        milestone_due=front.first_milestone.due.isoformat(),
        status=front.status,
        repeats=tuple((r.date.isoformat(), r.note) for r in front.context_repeats),
        scope=scope,
        stage_changed_at=front.crm.stage_changed_at,
    )


def front_matter(doc: yamlsafe.YamlDocument) -> FrontMatter | None:
    if not isinstance(doc.data, dict) or doc.problems:
        return None
    try:
        return FrontMatter.model_validate(doc.data)
    except ValidationError:
        return None
