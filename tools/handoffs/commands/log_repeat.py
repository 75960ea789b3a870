"""``handoff log-repeat``: record that a customer had to repeat context they had already given."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, is_handle, iso_date, resolve_root, today
from handoffs.config import load_config
from handoffs.errors import HandoffError, UsageError


@dataclass(frozen=True)
class LogRepeatOptions:
    root: Path
    handoff_id: str
    note: str
    by: str
    date: dt.date


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "log-repeat",
        help="record a repeated-customer-context incident",
        description="Append a `context_repeats` entry to a handoff's front matter, changing no other byte.",
    )
    parser.add_argument("handoff_id", metavar="ID", help="the handoff id, e.g. acme-corp/2026-11-23-implementation")
    parser.add_argument("--note", required=True, help="what the customer had to explain again")
    parser.add_argument("--by", required=True, help="who noticed it (@github-handle)")
    parser.add_argument("--date", type=iso_date, help="when it happened (default: today)")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = LogRepeatOptions(
        root=resolve_root(args.root, [Path(args.handoff_id)]),  # an id, or a path into the repository
        handoff_id=args.handoff_id,
        note=args.note,
        by=args.by,
        date=args.date or today(None),
    )
    return execute(options)


FLAGS = {"reported_by": "--by", "note": "--note", "date": "--date"}


def execute(options: LogRepeatOptions) -> int:
    from pydantic import ValidationError

    from handoffs.metrics.repeats import Entry, log_repeat
    from handoffs.model import ContextRepeat

    if not is_handle(options.by):
        raise UsageError(f"--by {options.by}: not a GitHub handle like @dana-sales")
    if not options.note.strip():
        raise UsageError("--note is empty: say what the customer had to explain again")
    now = today(None)
    if options.date > now:
        raise UsageError(
            f"--date {options.date} is in the future (today is {now}): record an incident once it happened"
        )
    try:  # the front-matter model has the last word; the checks above explain its refusals in plain words
        ContextRepeat(date=options.date, note=options.note, reported_by=options.by)
    except ValidationError as exc:
        fields = sorted({FLAGS.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors()})
        raise UsageError(f"{', '.join(fields)}: not a value a handoff's context_repeats accepts") from None
    handoff_id, path = load_config(options.root).handoff_file(options.handoff_id)
    if not path.is_file():
        raise HandoffError(f"no handoff `{handoff_id}` (looked for {path})")
    outcome = log_repeat(path, Entry(options.date, options.note, options.by))
    print(outcome.message)
    return 0
