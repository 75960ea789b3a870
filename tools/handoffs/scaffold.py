"""A new handoff file from a type's template: what ``handoff new``, ``handoff draft``,
``handoff crm sync`` and the issue form all write.

Below the commands: it knows the front matter and ``schema/``, nothing about prompts or flags.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from handoffs.config import Config, did_you_mean
from handoffs.document import yamlsafe
from handoffs.errors import HandoffError, UsageError
from handoffs.model import CRM_SYSTEMS, STAGES


@dataclass(frozen=True)
class NewOptions:
    customer: str | None = None
    type: str | None = None
    title: str | None = None
    stage: str | None = None
    sales_owner: str | None = None
    sales_team: str | None = None
    receiving_owner: str | None = None
    receiving_team: str | None = None
    crm_system: str | None = None
    crm_id: str | None = None
    crm_url: str | None = None
    crm_stage_changed_at: str | None = None  # ISO UTC, from `handoff crm sync`
    kickoff: dt.date | None = None
    opened: dt.date | None = None
    milestone_title: str | None = None
    milestone_owner: str | None = None
    milestone_due: dt.date | None = None


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def create_handoff(
    root: Path,
    config: Config,
    options: NewOptions,
    *,
    opened: dt.date,
    body: str | None = None,
    extra_front_matter: str = "",
    path: Path | None = None,
) -> Path:
    """Write the new file; ``handoff draft`` passes its own body, deal block and path."""
    if not options.customer:
        raise UsageError("--customer is required (the customer's name)")
    if not options.type:
        raise UsageError(f"--type is required: one of {', '.join(config.type_names)}")
    if options.type not in config.type_names:
        raise UsageError(
            f"unknown type{did_you_mean(options.type, config.type_names)}; use one of {', '.join(config.type_names)}"
        )
    slug = slugify(options.customer)
    if not slug:
        raise UsageError(f"cannot make a file name from the customer name {options.customer!r}")
    if path is None:
        path = config.handoffs_path / slug / f"{opened.isoformat()}-{options.type}.md"
    if body is None:
        body = config.template_path(options.type).read_text(encoding="utf-8")
    content = f"---\n{front_matter(options)}{extra_front_matter}---\n\n{body.lstrip()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(content)
    except FileExistsError:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        raise HandoffError(f"{shown} already exists; edit it instead (nothing was overwritten)") from None
    return path


def _choices(values: tuple[str, ...]) -> str:
    """The placeholder listing a vocabulary of model.py: ``<salesforce, hubspot or other>``."""
    return f"<{', '.join(values[:-1])} or {values[-1]}>"


def _q(value: str) -> str:
    """A YAML double-quoted scalar: whatever was typed reads back as that string."""
    try:
        return yamlsafe.quoted(value)
    except ValueError as exc:
        raise UsageError(f"{value!r} {exc}") from None


def front_matter(o: NewOptions) -> str:
    title = o.title or f"{o.customer} {o.type} handoff"
    kickoff = o.kickoff.isoformat() if o.kickoff else _q("<YYYY-MM-DD>")
    lines = [
        f"title: {_q(title)}",
        f"customer: {_q(o.customer or '')}",
        f"type: {_q(o.type or '<type>')}",
        f"stage: {_q(o.stage or _choices(STAGES))}",
        "from:",
        f"  owner: {_q(o.sales_owner or '<@sales-owner>')}",
        f"  team: {_q(o.sales_team or '<sales team>')}",
        "to:",
        f"  owner: {_q(o.receiving_owner or '<@receiving-owner>')}",
        f"  team: {_q(o.receiving_team or '<receiving team>')}",
        "crm:",
        f"  system: {_q(o.crm_system or _choices(CRM_SYSTEMS))}",
        f"  id: {_q(o.crm_id or '<deal id>')}",
    ]
    if o.crm_url:
        lines.append(f"  url: {_q(o.crm_url)}")
    if o.crm_stage_changed_at:
        lines.append(f"  stage_changed_at: {_q(o.crm_stage_changed_at)}")
    lines += [
        f"kickoff: {kickoff}",
        "first_milestone:",
        f"  title: {_q(o.milestone_title or '<first task of the receiving owner>')}",
        f"  owner: {_q(o.milestone_owner or o.receiving_owner or '<@receiving-owner>')}",
        f"  due: {o.milestone_due.isoformat() if o.milestone_due else _q('<YYYY-MM-DD>')}",
        "status: proposed",
    ]
    return "\n".join(lines) + "\n"
