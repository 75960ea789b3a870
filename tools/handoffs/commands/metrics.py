"""``handoff metrics``: the measurement figures, recomputed from git history (and reviews)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, iso_date, resolve_root, today
from handoffs.errors import UsageError


@dataclass(frozen=True)
class MetricsOptions:
    root: Path
    since: dt.date | None
    until: dt.date | None
    team: str | None
    type: str | None
    output_format: str
    base: str | None
    today: dt.date


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="compute handoff metrics from git history",
        description="Compute every handoff metric for the handoffs opened in a period, from git history "
        "(and GitHub reviews when GITHUB_TOKEN is set). Definitions: the README, 'Measuring handoffs'.",
    )
    parser.add_argument("--since", type=iso_date, help="first opening date included (YYYY-MM-DD)")
    parser.add_argument("--until", type=iso_date, help="last opening date included (YYYY-MM-DD)")
    parser.add_argument("--team", help="only handoffs whose sending or receiving team is this")
    parser.add_argument("--type", dest="handoff_type", help="only handoffs of this type")
    parser.add_argument("--format", dest="output_format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--base", help="the branch that approves (default: schema/rules.yaml base_branch)")
    parser.add_argument("--today", type=iso_date, help="compute as if today were this date")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = MetricsOptions(
        root=resolve_root(args.root),
        since=args.since,
        until=args.until,
        team=args.team,
        type=args.handoff_type,
        output_format=args.output_format,
        base=args.base,
        today=today(args.today),
    )
    return execute(options)


def execute(options: MetricsOptions) -> int:
    from handoffs.config import did_you_mean, load_config
    from handoffs.metrics.compute import Selection
    from handoffs.metrics.render import RENDERERS
    from handoffs.metrics.reviews import load_review_data
    from handoffs.metrics.service import collect_records, metrics_for

    config = load_config(options.root)
    if options.since and options.until and options.since > options.until:
        raise UsageError(f"--since {options.since} is after --until {options.until}")
    if options.team is not None and options.team not in config.teams:
        raise UsageError(f"unknown team{did_you_mean(options.team, list(config.teams))}")
    if options.type is not None and options.type not in config.type_names:
        raise UsageError(f"unknown type{did_you_mean(options.type, config.type_names)}")
    records = collect_records(options.root, config, options.today, options.base)
    selection = Selection(options.since, options.until, options.team, options.type)
    metrics = metrics_for(records, load_review_data(options.root, records, config), selection, options.today, config)
    header = {
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "team": options.team,
        "type": options.type,
        "today": options.today.isoformat(),
    }
    RENDERERS[options.output_format](header, metrics, sys.stdout)
    return 0
