"""``handoff alerts``: what needs attention (``handoffs.attention``), as the site's home page lists it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, iso_date, resolve_root, today
from handoffs.errors import UsageError
from handoffs.verdicts import KICKOFF_HORIZON_DAYS


@dataclass(frozen=True)
class AlertsOptions:
    root: Path
    today: dt.date
    within_days: int
    output_format: str
    post: bool
    payload: str
    issue: bool
    base: str | None


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "alerts",
        help="list handoffs with errors, overdue open items, kickoffs not ready and overdue first milestones",
        description="List what needs attention; optionally post it to a webhook ($HANDOFF_ALERTS_WEBHOOK) "
        "and keep one GitHub tracking issue up to date.",
    )
    parser.add_argument(
        "--days",
        dest="within_days",
        type=int,
        default=KICKOFF_HORIZON_DAYS,
        help=f"kickoff horizon in days ({KICKOFF_HORIZON_DAYS}, as on the site's home page)",
    )
    parser.add_argument("--format", dest="output_format", choices=("text", "json"), default="text")
    parser.add_argument("--post", action="store_true", help="POST the alerts to $HANDOFF_ALERTS_WEBHOOK")
    parser.add_argument(
        "--payload", choices=("generic", "slack"), default="generic", help="webhook body: generic JSON or {text}"
    )
    parser.add_argument("--issue", action="store_true", help="open or update the one tracking issue on GitHub")
    parser.add_argument("--base", help="the branch that approves (default: schema/rules.yaml base_branch)")
    parser.add_argument("--today", type=iso_date, help="evaluate as if today were this date")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.within_days < 0:
        raise UsageError("--days must be 0 or more")
    options = AlertsOptions(
        root=resolve_root(args.root),
        today=today(args.today),
        within_days=args.within_days,
        output_format=args.output_format,
        post=args.post,
        payload=args.payload,
        issue=args.issue,
        base=args.base,
    )
    return execute(options)


def execute(options: AlertsOptions) -> int:
    from handoffs.config import load_config
    from handoffs.metrics import alerts as found

    webhook = os.environ.get(found.WEBHOOK_ENV, "")
    if options.post and not webhook:
        raise UsageError(f"--post needs the webhook URL in ${found.WEBHOOK_ENV}")
    config = load_config(options.root)
    alerts = found.find_alerts(options.root, config, options.today, options.within_days, options.base)
    if options.output_format == "json":
        json.dump([asdict(a) for a in alerts], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print("\n".join(a.line_text() for a in alerts) if alerts else "no alerts")
    if options.post:
        if alerts:
            status = found.post_webhook(webhook, found.payload(alerts, options.today, options.payload, config))
            print(f"posted {len(alerts)} alert(s) to the webhook (HTTP {status})", file=sys.stderr)
        else:
            print("nothing to post", file=sys.stderr)
    if options.issue:
        url = found.update_tracking_issue(alerts, options.today)
        print(f"tracking issue: {url}", file=sys.stderr)
    return 0
