"""``handoff gate kickoff ID``: may onboarding start from this handoff? Exit 0 only if nothing blocks.

The conditions are the ones the HO406 rule applies to `status: kicked-off` (shared
through ``kickoff_blockers``), plus the first milestone and custom-term review.  Offline,
custom terms count as reviewed when the handoff is approved: merging requires the
joint-approval check, which demands an approval from every flagged category's reviewers.
With a token, the reviews of the pull request that merged it decide instead
(``handoffs.metrics.term_reviews``); the output says which rule was applied.
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
from handoffs.findings import Finding, OpenItem

if TYPE_CHECKING:
    from handoffs.config import Config

STATUS_CODES = ("HO406", "HO407")  # the gate's own question, asked of the status field


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
        root=resolve_root(args.root),
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
    from handoffs.config import load_config
    from handoffs.engine import Job, iter_handoffs
    from handoffs.findings import Severity
    from handoffs.git import base_tree
    from handoffs.metrics.term_reviews import token_present
    from handoffs.rules.status import kickoff_blockers

    config = load_config(options.root)
    handoff_id, path = config.handoff_file(options.handoff_id)
    if not path.is_file():
        raise HandoffError(f"no handoff `{handoff_id}` (looked for {path})")
    base = options.base or config.rules.base_branch
    doc, result = next(iter_handoffs([path], Job(options.root, base, options.today, False), config))
    errors = [f for f in result.findings if f.severity is Severity.ERROR and f.code not in STATUS_CODES]
    tree = base_tree(options.root, base, under=config.handoffs_dir)
    relative = str(doc.relative_path) if doc is not None and doc.relative_path else None
    reasons = kickoff_blockers(has_errors=bool(errors), open_items=len(result.open_items), tree=tree, relative=relative)
    blockers = [_detail(reason, errors, result.open_items) for reason in reasons]
    if tree.paths is None:
        blockers.append(f"approval cannot be verified: {tree.problem}")
    if doc is None or doc.front is None:
        blockers.append("no readable first milestone: the front matter is invalid")
    flagged = sorted({f.category for f in result.findings if f.severity is Severity.FLAG and f.category})
    approved = tree.paths is not None and relative in tree.paths
    notes: list[str] = []
    online = token_present()
    if approved and relative is not None and online:
        online_blockers, notes = _online_term_review(options, config, tree.ref, relative)
        blockers += online_blockers
    elif flagged:
        verb = (
            "reviewed (the joint approval that merged it required their approval)" if approved else "not reviewed yet"
        )
        notes.append(f"custom terms ({', '.join(flagged)}): {verb}")
        if not approved:
            blockers.append(f"custom terms ({', '.join(flagged)}) have not been approved by their category reviewers")
        if not online:
            notes.append(
                "custom-term rule applied: offline (no GITHUB_TOKEN), approval on main stands for the category reviews"
            )
    return GateResult(handoff_id, tuple(blockers), tuple(notes))


def _online_term_review(
    options: GateOptions, config: Config, base_ref: str, relative: str
) -> tuple[list[str], list[str]]:
    """With a token: the merging pull request must hold an approval from each flagged category's reviewers."""
    from handoffs.metrics import term_reviews

    blockers: list[str] = []
    notes: list[str] = []
    review = term_reviews.review_custom_terms(options.root, config, base_ref, relative, options.today)
    pull = f"pull request #{review.pull}" if review.pull is not None else "the merging pull request"
    notes.append(f"custom-term rule applied: GitHub reviews of {pull} by each category's reviewers")
    if review.problem is not None:
        blockers.append(f"custom-term reviews cannot be verified: {review.problem}")
    elif review.missing:
        blockers.append(
            f"custom terms ({', '.join(review.missing)}) have not been approved by their category reviewers on {pull}"
        )
    if review.flagged and not review.missing and review.problem is None:
        notes.append(f"custom terms ({', '.join(review.flagged)}): reviewed (approved on {pull})")
    return blockers, notes


def _detail(reason: str, errors: list[Finding], open_items: tuple[OpenItem, ...]) -> str:
    """The shared reason, followed by what exactly is behind it."""
    if reason.startswith("it still has errors"):
        return f"{reason}: " + "; ".join(f"line {e.line} {e.code} {e.message}" for e in errors)
    if "open item" in reason:
        return f"{reason}: " + "; ".join(f"line {o.line} (open: {o.owner} by {o.due}) {o.text}" for o in open_items)
    return reason
