"""``handoff crm sync`` and ``handoff crm write-back``: the CRM starts the handoff, and hears back.

``sync`` reads the CRM named in ``schema/crm.yaml`` live and opens one drafted handoff
pull request per deal that reached a trigger, never twice.  ``write-back`` writes each
approved handoff's status and link to the CRM fields ``schema/crm.yaml`` names, and
nothing else.  The vendors' clients are imported only here, only when a subcommand runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, load_config
from handoffs.errors import UsageError

if TYPE_CHECKING:
    from handoffs.crm.mapping import CrmMapping
    from handoffs.crm.records import CrmSource
    from handoffs.crm.sync import Outcome


def register(subparsers: Subparsers) -> None:
    from handoffs.draft import BACKENDS
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "crm",
        help="draft handoff PRs from CRM deals (sync) and write their status back (write-back)",
        description="Read Salesforce or HubSpot live, as configured in schema/crm.yaml.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sync = actions.add_parser(
        "sync",
        help="open one drafted handoff PR per deal that reached a trigger (never twice)",
        description=(
            "Read the deals whose stage (or owner) changed since the last sync, and open a drafted handoff pull "
            "request for each one that reached a trigger in schema/crm.yaml. A deal that already has a handoff "
            "of that type (on the base branch or a handoff/* branch) is skipped."
        ),
    )
    sync.add_argument("--deal", action="append", default=[], metavar="ID", help="only this deal (repeatable)")
    sync.add_argument("--since", type=_moment, metavar="DATE", help="read changes since then (default: the watermark)")
    sync.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="keep the watermark in this file (default: the ref refs/handoff-state/crm-sync, pushed to --remote)",
    )
    sync.add_argument("--dry-run", action="store_true", help="say what would be drafted; write and open nothing")
    sync.add_argument("--backend", choices=BACKENDS, default="builtin", help="extractor (default: builtin)")
    sync.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    add_github_arguments(sync)
    add_root_argument(sync)
    sync.set_defaults(run=run_sync)
    back = actions.add_parser(
        "write-back",
        help="write each approved handoff's status and link to the CRM fields schema/crm.yaml names",
        description=(
            "For every handoff on the base branch: write its status (approved, kicked-off, completed, cancelled) "
            "and its link to the write_back fields of schema/crm.yaml, where they differ. Nothing else is written."
        ),
    )
    back.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    add_root_argument(back)
    back.set_defaults(run=run_write_back)


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date like 2026-11-20 or 2026-11-20T09:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _source(mapping: CrmMapping) -> CrmSource:
    fields = mapping.read_fields()
    if mapping.system == "salesforce":
        from handoffs.crm import salesforce

        return salesforce.connect(fields)
    from handoffs.crm import hubspot

    stages = [t.stage for t in mapping.spec.triggers if t.stage]
    return hubspot.connect(fields, stages)


def run_sync(args: argparse.Namespace) -> int:
    from handoffs.crm.mapping import load_mapping
    from handoffs.crm.sync import SyncOptions, github_annotations, run_sync

    root = resolve_root(args.root)
    config = load_config(root)
    mapping = load_mapping(config)
    from handoffs.crm.state import FileWatermark, RefWatermark

    state = FileWatermark(args.state.resolve()) if args.state else RefWatermark(root, args.remote)
    options = SyncOptions(
        root=root,
        base=config.rules.base_branch,
        remote=args.remote,
        opened=today(None),
        state=state,
        dry_run=args.dry_run,
        deal_ids=tuple(args.deal),
        since=args.since,
        backend=args.backend,
    )
    for deal_id in args.deal:
        # A dispatch payload is data from outside: an id, nothing else, before it reaches a query.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", deal_id):
            raise UsageError(f"--deal {deal_id!r}: not a CRM deal id (letters, digits, - and _ only)")
    if args.deal and args.since:
        raise UsageError("--deal reads the named deals whatever their date; drop --since")
    source = _source(mapping)
    opener = (lambda _path, _files: "") if args.dry_run else _pr_opener(args, root, config)
    outcome = run_sync(options, config, mapping=mapping, source=source, open_pr=opener)
    for alert in outcome.alerts:
        prefix = "::warning title=Deal changed after approval::" if github_annotations() else "alert: "
        print(f"{prefix}{alert}")
    _summary(outcome, args.dry_run)
    return 1 if outcome.problems else 0


def _pr_opener(args: argparse.Namespace, root: Path, config: Config) -> Callable[[Path, tuple[Path, ...]], str]:
    """Commit the draft and its evidence on the handoff's branch, push, open the PR; back to the base."""
    from handoffs.commands.open_pr import OpenPrOptions, open_pull_request
    from handoffs.git import run
    from handoffs.github import connect_from_args

    gh = connect_from_args(args)

    def open_one(path: Path, evidence: tuple[Path, ...]) -> str:
        start = run(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
        options = OpenPrOptions(root, path, config.rules.base_branch, args.remote, evidence)
        try:
            pull, _created = open_pull_request(options, config, gh)
        finally:
            run(root, "checkout", "-q", start)
        return pull.html_url

    return open_one


def _summary(outcome: Outcome, dry_run: bool) -> None:
    from handoffs.github import append_step_summary

    verb = "would open" if dry_run else "opened"
    count = len(outcome.planned) if dry_run else len(outcome.opened)
    line = (
        f"crm sync: {verb} {count} handoff pull request(s); {len(outcome.skipped)} deal(s) skipped; "
        f"{len(outcome.alerts)} alert(s); {len(outcome.problems)} deal(s) need a person"
    )
    print(line)
    lines = [f"### CRM sync\n\n{line}\n"]
    lines += [f"- opened {url}" for url in outcome.opened]
    lines += [f"- :warning: {alert}" for alert in outcome.alerts]
    lines += [f"- needs a person: {problem}" for problem in outcome.problems]
    append_step_summary("\n".join(lines) + "\n")


def run_write_back(args: argparse.Namespace) -> int:
    from handoffs.crm.mapping import load_mapping
    from handoffs.crm.writeback import plan_writes

    root = resolve_root(args.root)
    config = load_config(root)
    mapping = load_mapping(config)
    if not mapping.write_fields():
        print("write-back: schema/crm.yaml names no write_back fields, so nothing is written to the CRM")
        return 0
    source = _source(mapping)
    plan = plan_writes(root, config.handoffs_dir, mapping, source, config.rules.base_branch)
    writes = plan.writes
    for held in plan.held:
        print(f"not written: {held.path}: {held.reason}")
    for note in plan.missing:
        print(f"not written: {note}")
    for write in writes:
        for name, value in write.values.items():
            verb = "would write" if args.dry_run else "write"
            before = write.before[name]
            print(f"{verb} {mapping.system} deal {write.deal_id} {name}: {before!r} -> {value!r}  ({write.path})")
        if not args.dry_run:
            source.write(write.deal_id, write.values)
    unverified = sum(1 for held in plan.held if held.unknown)
    if unverified:
        # Fail closed: a handoff whose approval cannot be verified is never written as approved,
        # and the run fails so that nobody takes the CRM for up to date.
        print(f"write-back: {unverified} handoff(s) not written because their approval cannot be verified")
        return 1
    if not writes:
        print("write-back: the CRM already shows every approved handoff's status and link; nothing to write")
    return 0
