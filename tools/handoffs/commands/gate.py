"""``handoff gate kickoff ID``: may onboarding start from this handoff? Exit 0 only if it is kickoff-ready.

Kickoff-ready is defined once, in ``handoffs.verdicts``, and the site, ``handoff alerts``
and ``handoff metrics`` apply the same definition.  What cannot be known (approval
outside git, custom-term reviews offline with no trailer naming a reviewer) blocks, with
the reason: the gate fails closed.  The output says which rule decided the custom terms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, iso_date, resolve_root, today
from handoffs.errors import HandoffError
from handoffs.verdicts import STATUS_NOT_READY_CODE

if TYPE_CHECKING:
    from handoffs.assess import Entry


@dataclass(frozen=True)
class GateOptions:
    root: Path
    handoff_id: str
    base: str | None
    today: dt.date
    output_format: str


@dataclass(frozen=True)
class GateResult:
    handoff_id: str
    blockers: tuple[str, ...]
    notes: tuple[str, ...]
    kickoff_ready: str = "no"  # yes | no | unknown (``verdicts.Readiness.answer``)

    @property
    def passed(self) -> bool:
        return not self.blockers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "gate",
        help="decide whether a handoff may be kicked off",
        description="Exit 0 only when the handoff is approved, passes check, has no open items, its custom "
        "terms were reviewed and it has a first milestone; otherwise list every blocking reason and exit 1.",
    )
    parser.add_argument("gate", choices=("kickoff",), help="the gate to evaluate")
    parser.add_argument("handoff_id", metavar="ID", help="the handoff id, e.g. acme-corp/2026-11-23-implementation")
    parser.add_argument("--base", help="the branch that approves (default: schema/rules.yaml base_branch)")
    parser.add_argument("--today", type=iso_date, help="evaluate as if today were this date")
    parser.add_argument("--format", dest="output_format", choices=("text", "json"), default="text")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = GateOptions(
        root=resolve_root(args.root, [Path(args.handoff_id)]),  # an id, or a path into the repository
        handoff_id=args.handoff_id,
        base=args.base,
        today=today(args.today),
        output_format=args.output_format,
    )
    result = evaluate(options)
    if options.output_format == "json":
        json.dump(
            {
                "handoff": result.handoff_id,
                "passed": result.passed,
                "kickoff_ready": result.kickoff_ready,
                "blockers": list(result.blockers),
                "notes": list(result.notes),
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        verdict = "PASSED" if result.passed else "BLOCKED"
        print(f"kickoff gate for {result.handoff_id}: {verdict}")
        for blocker in result.blockers:
            print(f"  - {blocker}")
        for note in result.notes:
            print(f"  note: {note}")
    return 0 if result.passed else 1


def evaluate(options: GateOptions) -> GateResult:
    """Kickoff-ready as ``handoffs.verdicts`` defines it: blockers, then what cannot be known."""
    import os

    from handoffs.approval_record import online_reviews
    from handoffs.assess import assess
    from handoffs.config import load_config
    from handoffs.engine import Job

    config = load_config(options.root)
    handoff_id, path = config.handoff_file(options.handoff_id)
    if not path.is_file():
        raise HandoffError(f"no handoff `{handoff_id}` (looked for {path})")
    base = options.base or config.rules.base_branch
    fetch, cache = online_reviews(options.root, os.environ)
    job = Job(options.root, base, options.today, False)
    (entry,) = assess([path], job, config, fetch_reviews=fetch, review_cache=cache)
    if cache is not None:
        cache.save()
    readiness = entry.readiness
    blockers = [_detail(reason, entry) for reason in readiness.blockers]
    blockers += readiness.unknowns  # fail closed: what cannot be known blocks, with the reason
    notes = [entry.approval_verdict.reason]
    if entry.result.flagged:
        if entry.terms.verdict.yes:  # otherwise it is a blocker already
            notes.append(entry.terms.verdict.reason)
        notes.append(f"custom-term rule applied: {_rule_applied(entry)}")
    return GateResult(handoff_id, tuple(blockers), tuple(notes), str(readiness.answer))


def _rule_applied(entry: Entry) -> str:
    approvers = entry.approvers
    if approvers is None:
        return "no approval record yet: nobody has reviewed the custom terms"
    approval = entry.approval
    pull = f"pull request #{approval.pr}" if approval is not None and approval.pr is not None else "no pull request"
    if approvers.authoritative:
        return f"GitHub reviews of {pull} by each category's reviewers"
    return f"{approvers.why_incomplete()} ({pull})"


def _detail(reason: str, entry: Entry) -> str:
    """The shared reason, followed by what exactly is behind it."""
    errors = [f for f in entry.errors if f.code != STATUS_NOT_READY_CODE]
    if reason.endswith("in the file") and errors:
        return f"{reason}: " + "; ".join(f"line {e.line} {e.code} {e.message}" for e in errors)
    if reason.endswith("unresolved"):
        items = entry.result.open_items
        return f"{reason}: " + "; ".join(f"line {o.line} (open: {o.owner} by {o.due}) {o.text}" for o in items)
    return reason
