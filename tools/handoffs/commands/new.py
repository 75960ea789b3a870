"""``handoff new``: scaffold a handoff at its id path from its type's template.

Never overwrites.  Whatever is not given on the command line is asked for on a
terminal, or left as a ``<placeholder>`` so that ``handoff check`` fails until a
person fills it in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, iso_date, resolve_root, today
from handoffs.config import Config, did_you_mean, load_config
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
    kickoff: dt.date | None = None
    opened: dt.date | None = None
    milestone_title: str | None = None
    milestone_owner: str | None = None
    milestone_due: dt.date | None = None


# What a person is asked for on a terminal, in order: (field, question).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("customer", "Customer name"),
    ("type", "Handoff type"),
    ("stage", "Stage (closed-won / advancing)"),
    ("sales_owner", "Sales owner (@handle)"),
    ("sales_team", "Sales team"),
    ("receiving_owner", "Receiving owner (@handle)"),
    ("receiving_team", "Receiving team"),
    ("crm_system", "CRM (salesforce / hubspot / other)"),
    ("crm_id", "CRM deal id"),
    ("kickoff", "Target kickoff date (YYYY-MM-DD)"),
)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "new",
        help="scaffold a new handoff file from its type's template",
        description="Create handoffs/<customer>/<date>-<type>.md. Never overwrites an existing file.",
    )
    parser.add_argument("--customer", help="customer display name, e.g. 'Acme Corp'")
    parser.add_argument("--type", help="handoff type (see schema/types.yaml)")
    parser.add_argument("--title", help="one-line title (default: '<customer> <type> handoff')")
    parser.add_argument("--stage", choices=STAGES)
    parser.add_argument("--from", dest="sales_owner", metavar="@HANDLE", help="sales owner")
    parser.add_argument("--from-team", dest="sales_team", metavar="TEAM")
    parser.add_argument("--to", dest="receiving_owner", metavar="@HANDLE", help="receiving owner")
    parser.add_argument("--to-team", dest="receiving_team", metavar="TEAM")
    parser.add_argument("--crm-system", choices=CRM_SYSTEMS)
    parser.add_argument("--crm-id")
    parser.add_argument("--crm-url")
    parser.add_argument("--kickoff", type=iso_date, help="target kickoff date")
    parser.add_argument(
        "--date",
        dest="opened",
        type=iso_date,
        help="the day the handoff is opened (default: today)",
    )
    parser.add_argument("--milestone-title", help="the receiving owner's first task")
    parser.add_argument("--milestone-owner", metavar="@HANDLE", help="its owner (default: the receiving owner)")
    parser.add_argument("--milestone-due", type=iso_date, help="its due date")
    parser.add_argument("--no-input", action="store_true", help="never prompt, even on a terminal")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    config = load_config(root)
    options = NewOptions(**{f.name: getattr(args, f.name) for f in fields(NewOptions)})
    if sys.stdin.isatty() and not args.no_input:
        options = prompt_missing(options, config, ask=input)
    path = create_handoff(root, config, options, opened=options.opened or today(None))
    print(f"created {path.relative_to(root)}")
    print("next: fill in every <…> placeholder, then run `handoff check` on it")
    return 0


def prompt_missing(options: NewOptions, config: Config, ask: Callable[[str], str]) -> NewOptions:
    """Ask for each missing value; an empty answer leaves a placeholder."""
    answers: dict[str, object] = {}
    for name, question in QUESTIONS:
        if getattr(options, name) is not None:
            continue
        hint = f" [{', '.join(config.type_names)}]" if name == "type" else ""
        answer = ask(f"{question}{hint}: ").strip()
        if answer:
            answers[name] = _parse_answer(name, answer)
    return replace(options, **answers)  # type: ignore[arg-type]


def _parse_answer(name: str, answer: str) -> object:
    if name == "kickoff":
        try:
            return dt.date.fromisoformat(answer)
        except ValueError:
            raise UsageError(f"`{answer}` is not a date like 2026-12-01") from None
    return answer


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


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def front_matter(o: NewOptions) -> str:
    title = o.title or f"{o.customer} {o.type} handoff"
    kickoff = o.kickoff.isoformat() if o.kickoff else _q("<YYYY-MM-DD>")
    lines = [
        f"title: {_q(title)}",
        f"customer: {_q(o.customer or '')}",
        f"type: {o.type}",
        f"stage: {o.stage or _q('<closed-won or advancing>')}",
        "from:",
        f"  owner: {_q(o.sales_owner or '<@sales-owner>')}",
        f"  team: {_q(o.sales_team or '<sales team>')}",
        "to:",
        f"  owner: {_q(o.receiving_owner or '<@receiving-owner>')}",
        f"  team: {_q(o.receiving_team or '<receiving team>')}",
        "crm:",
        f"  system: {o.crm_system or _q('<salesforce, hubspot or other>')}",
        f"  id: {_q(o.crm_id or '<deal id>')}",
    ]
    if o.crm_url:
        lines.append(f"  url: {_q(o.crm_url)}")
    lines += [
        f"kickoff: {kickoff}",
        "first_milestone:",
        f"  title: {_q(o.milestone_title or '<first task of the receiving owner>')}",
        f"  owner: {_q(o.milestone_owner or o.receiving_owner or '<@receiving-owner>')}",
        f"  due: {o.milestone_due.isoformat() if o.milestone_due else _q('<YYYY-MM-DD>')}",
        "status: proposed",
    ]
    return "\n".join(lines) + "\n"
