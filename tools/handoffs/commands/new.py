"""``handoff new``: scaffold a handoff at its id path from its type's template.

Never overwrites.  Whatever is not given on the command line is asked for on a
terminal, or left as a ``<placeholder>`` so that ``handoff check`` fails until a
person fills it in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import fields, replace

from handoffs.commands._common import Subparsers, add_root_argument, is_handle, iso_date, resolve_root, today
from handoffs.config import Config, did_you_mean, load_config
from handoffs.document import yamlsafe
from handoffs.errors import UsageError
from handoffs.model import CRM_SYSTEMS, STAGES, URL_PATTERN
from handoffs.scaffold import NewOptions, create_handoff, slugify

# What a person is asked for on a terminal, in order: (field, question). Teams are
# filled from schema/teams.yaml when the owner belongs to exactly one.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("customer", "Customer name"),
    ("type", "Handoff type"),
    ("stage", "Stage"),
    ("sales_owner", "Sales owner (@handle)"),
    ("sales_team", "Sales team"),
    ("receiving_owner", "Receiving owner (@handle)"),
    ("receiving_team", "Receiving team"),
    ("crm_system", "CRM"),
    ("crm_id", "CRM deal id"),
    ("kickoff", "Target kickoff date (YYYY-MM-DD)"),
    ("milestone_title", "First milestone: the receiving owner's first task"),
    ("milestone_owner", "First milestone owner (@handle)"),
    ("milestone_due", "First milestone due date (YYYY-MM-DD)"),
)
REQUIRED = frozenset({"customer", "type"})  # no file name without them
MAX_ATTEMPTS = 5  # a script piping the same wrong answer must end, not loop
TEAM_OF = {"sales_team": "sales_owner", "receiving_team": "receiving_owner"}


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
    # Fields without a flag (crm_stage_changed_at: only `handoff crm sync` knows it) stay unset.
    options = NewOptions(**{f.name: getattr(args, f.name, None) for f in fields(NewOptions)})
    interactive = sys.stdin.isatty() and not args.no_input
    options = validate_options(options, config, interactive=interactive)
    if interactive:
        options = prompt_missing(options, config, ask=input)
    path = create_handoff(root, config, options, opened=options.opened or today(None))
    print(f"created {path.relative_to(root)}")
    print("next: fill in every <…> placeholder, then run `handoff check` on it")
    return 0


def prompt_missing(
    options: NewOptions, config: Config, ask: Callable[[str], str], tell: Callable[[str], None] | None = None
) -> NewOptions:
    """Ask for each missing value, checking each answer at once and asking again when it is wrong.

    An empty answer takes the default shown in brackets, or leaves a placeholder that
    ``handoff check`` refuses until it is filled (only customer and type are needed now).
    """
    say = tell or _to_stderr
    for name, question in QUESTIONS:
        if getattr(options, name) is not None:
            continue
        if name in TEAM_OF:
            options = _look_up_team(options, config, name, interactive=True)
            if getattr(options, name) is not None:
                say(f"{question}: {getattr(options, name)} (from {TEAMS_FILE_NAME})")
                continue
        options = _with(options, name, _ask_until_valid(name, question, options, config, ask=ask, say=say))
    return options


def _with(options: NewOptions, name: str, value: object) -> NewOptions:
    return replace(options, **{name: value})  # type: ignore[arg-type]  # value was parsed for this field


TEAMS_FILE_NAME = "schema/teams.yaml"


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _ask_until_valid(
    name: str,
    question: str,
    options: NewOptions,
    config: Config,
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
) -> object:
    default = _default(name, options)
    prompt = f"{question}{_choices(name, options, config)}{f' [{default}]' if default else ''}: "
    problem = ""
    for _ in range(MAX_ATTEMPTS):
        try:
            answer = ask(prompt).strip() or default
        except EOFError:
            raise UsageError(f"the input ended before `{question}` was answered") from None
        if not answer:
            if name not in REQUIRED:
                return None
            problem = f"{question} is required"
        else:
            try:
                return parse_value(name, answer, options, config)
            except ValueError as exc:
                problem = str(exc)
        say(f"{problem}; please try again")
    raise UsageError(f"{problem} (gave up after {MAX_ATTEMPTS} attempts)")


def _default(name: str, options: NewOptions) -> str:
    if name == "milestone_owner":
        return options.receiving_owner or ""
    return ""


def _choices(name: str, options: NewOptions, config: Config) -> str:
    listed: tuple[str, ...] | list[str] = ()
    if name == "type":
        listed = config.type_names
    elif name == "stage":
        listed = STAGES
    elif name == "crm_system":
        listed = CRM_SYSTEMS
    elif name in TEAM_OF:
        owner = getattr(options, TEAM_OF[name])
        listed = (teams_of(owner, config) if owner else []) or list(config.teams)
    return f" [{' / '.join(listed)}]" if listed else ""


def parse_value(name: str, text: str, options: NewOptions, config: Config) -> object:
    """The answer for ``name`` as ``NewOptions`` holds it; ``ValueError`` says, in a sentence, what is wrong."""
    text = text.strip()
    if name == "type":
        if text not in config.type_names:
            raise ValueError(
                f"unknown type{did_you_mean(text, config.type_names)}: use one of {', '.join(config.type_names)}"
            )
    elif name == "stage":
        if text not in STAGES:
            raise ValueError(f"unknown stage{did_you_mean(text, STAGES)}: use {' or '.join(STAGES)}")
    elif name == "crm_system":
        if text not in CRM_SYSTEMS:
            raise ValueError(f"unknown CRM{did_you_mean(text, CRM_SYSTEMS)}: use one of {', '.join(CRM_SYSTEMS)}")
    elif name in {"sales_owner", "receiving_owner", "milestone_owner"}:
        return _handle(text)
    elif name in TEAM_OF:
        _check_team(text, getattr(options, TEAM_OF[name]), config)
    elif name in {"kickoff", "milestone_due"}:
        return _date(name, text, options)
    elif name == "crm_url" and not re.match(URL_PATTERN, text):
        raise ValueError(f"`{text}` is not a link starting with https://")
    elif name == "customer" and not slugify(text):
        raise ValueError(f"cannot make a file name from the customer name {text!r}: use letters or digits")
    _check_text(text)
    return text


def _handle(text: str) -> str:
    handle = text if text.startswith("@") else f"@{text}"
    if not is_handle(handle):
        raise ValueError(f"`{text}` is not a GitHub handle like @dana-sales")
    return handle


def _check_team(team: str, owner: str | None, config: Config) -> None:
    if team not in config.teams:
        raise ValueError(f"unknown team{did_you_mean(team, list(config.teams))}; teams are listed in {TEAMS_FILE_NAME}")
    if owner and owner.casefold() not in config.members(team):
        raise ValueError(f"{owner} is not a member of team `{team}` in {TEAMS_FILE_NAME}")


def _date(name: str, text: str, options: NewOptions) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{text}` is not a date like 2026-12-01") from None
    if name == "milestone_due" and options.kickoff is not None and day < options.kickoff:
        raise ValueError(f"the first milestone cannot be due before the kickoff ({options.kickoff})")
    return day


def _check_text(text: str) -> None:
    try:
        yamlsafe.quoted(text)
    except ValueError as exc:
        raise ValueError(f"the answer {exc}") from None


def teams_of(owner: str, config: Config) -> list[str]:
    """Every team of ``schema/teams.yaml`` that lists ``owner``."""
    return [name for name in config.teams if owner.casefold() in config.members(name)]


def _look_up_team(options: NewOptions, config: Config, name: str, *, interactive: bool) -> NewOptions:
    """Fill the team of an owner who belongs to exactly one; refuse to guess between several."""
    owner = getattr(options, TEAM_OF[name])
    if getattr(options, name) is not None or not owner:
        return options
    teams = teams_of(owner, config)
    if len(teams) == 1:
        return _with(options, name, teams[0])
    if len(teams) > 1 and not interactive:
        flag = "--from-team" if name == "sales_team" else "--to-team"
        raise UsageError(f"{owner} is in several teams ({', '.join(teams)}): say which with {flag}")
    return options


def validate_options(options: NewOptions, config: Config, *, interactive: bool = False) -> NewOptions:
    """What was given on the command line, checked as the prompts check it; teams looked up."""
    flags = {
        "customer": "--customer",
        "type": "--type",
        "stage": "--stage",
        "sales_owner": "--from",
        "sales_team": "--from-team",
        "receiving_owner": "--to",
        "receiving_team": "--to-team",
        "crm_system": "--crm-system",
        "crm_id": "--crm-id",
        "crm_url": "--crm-url",
        "title": "--title",
        "milestone_title": "--milestone-title",
        "milestone_owner": "--milestone-owner",
    }
    for name, flag in flags.items():
        value = getattr(options, name)
        if isinstance(value, str):
            try:
                options = _with(options, name, parse_value(name, value, options, config))
            except ValueError as exc:
                raise UsageError(f"{flag} {value}: {exc}") from None
    due, kickoff = options.milestone_due, options.kickoff
    if due is not None and kickoff is not None and due < kickoff:
        raise UsageError(f"--milestone-due {due}: the first milestone cannot be due before the kickoff ({kickoff})")
    for name in TEAM_OF:
        options = _look_up_team(options, config, name, interactive=interactive)
    return options
