"""``handoff setup-github [--dry-run]``: configure a repository for handoffs, idempotently.

Creates or fixes the labels this tool manages and a ruleset on the base branch
requiring the PR check and ``handoff/joint-approval`` (both pinned to GitHub
Actions), a code-owner review with stale approvals dismissed on push, and no
force pushes or deletion.  It prints the plan first; ``--dry-run`` stops there,
and a second run finds nothing to change.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import Config, load_config
from handoffs.github import LabelInfo

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo


@dataclass(frozen=True)
class SetupOptions:
    root: Path
    dry_run: bool


@dataclass(frozen=True)
class LabelChange:
    spec: LabelInfo
    current_name: str | None  # None: the label does not exist yet


@dataclass(frozen=True)
class RulesetChange:
    current_id: int | None  # None: the ruleset does not exist yet
    reasons: tuple[str, ...]


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "setup-github",
        help="configure labels and base-branch rules on GitHub (idempotent)",
        description=(
            "Create the labels and a ruleset on the base branch requiring the PR check and "
            "handoff/joint-approval (from GitHub Actions), code-owner review, dismissal of stale approvals, "
            "and no force pushes or deletion. Prints the plan; --dry-run changes nothing."
        ),
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args

    options = SetupOptions(resolve_root(args.root), args.dry_run)
    config = load_config(options.root)
    return configure(connect_from_args(args), config, options)


def configure(gh: GitHubRepo, config: Config, options: SetupOptions) -> int:
    """Print the plan, then (unless a dry run) carry it out."""
    from handoffs.pr.ruleset import desired_ruleset

    labels = plan_labels(gh, config)
    ruleset = plan_ruleset(gh, config)
    changes = len(labels) + (ruleset is not None)
    if not changes:
        print(f"setup-github: {gh.full_name} is already configured; nothing to change")
        return 0
    if options.dry_run:
        print(f"setup-github: dry run: {changes} change(s) planned, none made")
        return 0
    for change in labels:
        if change.current_name is None:
            gh.create_label(change.spec)
        else:
            gh.update_label(change.current_name, change.spec)
    if ruleset is not None:
        desired = desired_ruleset(config.rules.base_branch)
        if ruleset.current_id is None:
            gh.create_ruleset(desired)
        else:
            gh.update_ruleset(ruleset.current_id, desired)
    print(f"setup-github: {changes} change(s) made to {gh.full_name}")
    return 0


def plan_labels(gh: GitHubRepo, config: Config) -> list[LabelChange]:
    """The labels to create or fix (printed as the plan)."""
    from handoffs.pr.labels import label_specs

    existing = gh.labels()
    changes: list[LabelChange] = []
    for spec in label_specs(config):
        have = existing.get(spec.name.casefold())
        if have is None:
            print(f"  create  label {spec.name}")
            changes.append(LabelChange(spec, None))
        elif (have.color.casefold(), have.description) != (spec.color.casefold(), spec.description):
            print(f"  update  label {spec.name} (colour/description)")
            changes.append(LabelChange(spec, have.name))
        else:
            print(f"  ok      label {spec.name}")
    return changes


def plan_ruleset(gh: GitHubRepo, config: Config) -> RulesetChange | None:
    """The ruleset change needed, or ``None`` when it is already right (printed as the plan)."""
    from handoffs.pr.ruleset import RULESET_NAME, desired_ruleset, differences

    branch = config.rules.base_branch
    current = next((r for r in gh.rulesets() if r.get("name") == RULESET_NAME), None)
    if current is None:
        print(f"  create  ruleset {RULESET_NAME!r} on {branch}")
        return RulesetChange(None, ())
    wrong = differences(desired_ruleset(branch), current)
    if not wrong:
        print(f"  ok      ruleset {RULESET_NAME!r}")
        return None
    print(f"  update  ruleset {RULESET_NAME!r}: {'; '.join(wrong)}")
    return RulesetChange(int(current["id"]), tuple(wrong))
