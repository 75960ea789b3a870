"""``handoff pr-check``: check what a pull request changes and tell its reviewers.

Runs in the pull request's checkout.  It finds the handoffs changed in
``base...head`` (git), checks them, prints workflow annotations, writes the job
summary, keeps ONE brief comment on the pull request up to date, sets the
``handoff`` / ``custom-terms:<category>`` / ``scope-change`` / ``blocked``
labels (removing those that stopped applying) and requests the reviews the
joint approval will need.  A stale CODEOWNERS fails the check too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, load_config
from handoffs.document.handoff import handoff_id_of
from handoffs.errors import ConfigError, GitHubError, UsageError
from handoffs.findings import CheckResult, FileResult

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo
    from handoffs.pr.brief import BriefEntry


@dataclass(frozen=True)
class PrCheckOptions:
    root: Path
    pr: int | None
    base: str
    head: str
    today: dt.date


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "pr-check",
        help="check a pull request's handoffs; keep its brief comment, labels and review requests current",
        description=(
            "Check the handoffs changed between the base and the head of a pull request, write annotations "
            "and the job summary, and (with a pull request number and GITHUB_TOKEN) keep one brief comment, "
            "the labels and the review requests up to date. Exit 1 when errors remain or CODEOWNERS is stale."
        ),
    )
    parser.add_argument("--pr", type=int, help="the pull request number (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument("--base", help="the base commit or branch (default: the event's base sha, else main)")
    parser.add_argument("--head", help="the head commit (default: the event's head sha, else HEAD)")
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import read_event

    root = resolve_root(args.root)
    config = load_config(root)
    event = read_event()
    pull: dict[str, Any] = event.get("pull_request") or {}
    # A merge-queue entry (merge_group) is checked like its pull request, between the
    # queue's base and the entry's commit; it has no pull request to comment on.
    group: dict[str, Any] = event.get("merge_group") or {}
    options = PrCheckOptions(
        root=root,
        pr=args.pr if args.pr is not None else pull.get("number"),
        base=args.base or (pull.get("base") or {}).get("sha") or group.get("base_sha") or config.rules.base_branch,
        head=args.head or (pull.get("head") or {}).get("sha") or group.get("head_sha") or "HEAD",
        today=today(None),
    )
    return execute(options, config, args)


def execute(options: PrCheckOptions, config: Config, args: argparse.Namespace) -> int:
    from handoffs.commands.codeowners import FILE_NAME, expected_codeowners, staleness
    from handoffs.github import append_step_summary, run_url
    from handoffs.pr import brief
    from handoffs.reporters import REPORTERS

    entries = changed_handoffs(options, config)
    codeowners_file = options.root / FILE_NAME
    current = codeowners_file.read_text(encoding="utf-8") if codeowners_file.is_file() else None
    codeowners_problem = staleness(current, expected_codeowners(config))
    mapping_problem = crm_mapping_problem(options, config)
    has_errors = any(e.result.has_errors for e in entries if not e.removed)
    blocked = has_errors or codeowners_problem is not None or mapping_problem is not None
    REPORTERS["github"](CheckResult(tuple(e.result for e in entries if not e.removed)), sys.stdout)
    if codeowners_problem:
        print(f"::error file={FILE_NAME}::{codeowners_problem.splitlines()[0]}")
    mapping_text = None
    if mapping_problem is not None:
        # Relative to the working directory, as workflow annotations need (and no runner path in the brief).
        shown = os.path.relpath(mapping_problem.path or options.root / "schema" / "crm.yaml")
        line = f",line={mapping_problem.line}" if mapping_problem.line else ""
        print(f"::error file={shown}{line}::{mapping_problem.message}")
        mapping_text = f"{shown}:{mapping_problem.line or 1}: {mapping_problem.message}"
    gh = None
    earlier: list[str] = []
    if options.pr is not None:
        from handoffs.github import connect_from_args

        gh = connect_from_args(args)
        earlier = _earlier_approvals(gh, options.pr, config)
    body = brief.render(
        entries,
        codeowners_problem,
        preview_url=run_url(),
        earlier_approvals=earlier,
        sections=config.sections,
        mapping_problem=mapping_text,
    )
    append_step_summary(body)
    if gh is not None and options.pr is not None:
        wanted = brief.wanted_labels(entries, blocked)
        publish(gh, options.pr, body, labels=wanted, reviewers=_reviewers(entries, config), config=config)
    else:
        print(body)
    print(f"pr-check: {len(entries)} handoff(s) changed; " + ("blocked" if blocked else "no errors"))
    return 1 if blocked else 0


def _earlier_approvals(gh: GitHubRepo, number: int, config: Config) -> list[str]:
    """Which approvals of earlier commits carry over (informational: the joint approval decides)."""
    from handoffs.commands.approvals import earlier_approvals

    try:
        return earlier_approvals(gh, gh.pull(number), config)
    except GitHubError as exc:
        return [f"could not compare earlier approvals with the head: {exc}"]


def changed_handoffs(options: PrCheckOptions, config: Config) -> list[BriefEntry]:
    """Every handoff file ``base...head`` adds, changes or removes, checked."""
    from handoffs.engine import Job, iter_handoffs
    from handoffs.git import changed_paths, file_at, merge_base
    from handoffs.pr.brief import BriefEntry
    from handoffs.pr.documents import parse_text, scope_changes

    try:
        changes = changed_paths(options.root, options.base, options.head)
        start = merge_base(options.root, options.base, options.head) or options.base
    except ValueError as exc:  # handoffs.git turns a bad ref or a missing repository into ValueError
        raise UsageError(f"cannot compare {options.base}...{options.head}: {exc}") from None
    handoffs = [c for c in changes if handoff_id_of(c.path, config.handoffs_dir) is not None]
    job = Job(options.root, config.rules.base_branch, options.today, strict=False)
    present = [c for c in handoffs if c.status != "D" and (options.root / c.path).is_file()]
    # Paths relative to the working directory: workflow annotations need them so.
    checked = iter_handoffs([Path(os.path.relpath(options.root / c.path)) for c in present], job, config)
    entries: list[BriefEntry] = []
    for change, (doc, result) in zip(present, checked, strict=True):
        base_text = file_at(options.root, start, change.old_path)
        base_doc = parse_text(base_text, change.old_path, config) if base_text is not None else None
        entries.append(BriefEntry(change.path, doc, result, scope_changes(base_doc, doc, config)))
    for change in handoffs:
        if change.status == "D":
            entries.append(BriefEntry(change.path, None, FileResult(change.path, ()), (), removed=True))
    return entries


def crm_mapping_problem(options: PrCheckOptions, config: Config) -> ConfigError | None:
    """Why ``schema/crm.yaml`` would not load for ``handoff crm``, when this change touches ``schema/``.

    ``handoff check`` never reads the mapping: no handoff check depends on it, so a broken
    mapping must not block a rep's handoff.  But the CRM sync runs on a schedule, after the
    merge; without this, a pull request that breaks the mapping (its own file, or a team or
    type it names) would pass and the next sync would fail.  So the pull request that
    changes ``schema/`` is where the mapping is validated, as ``handoff crm`` loads it.
    """
    from handoffs.config import SCHEMA_DIR
    from handoffs.crm.mapping import CRM_FILE, load_mapping
    from handoffs.git import changed_paths

    if not (options.root / SCHEMA_DIR / CRM_FILE).is_file():
        return None  # no CRM configured: nothing to validate
    try:
        changes = changed_paths(options.root, options.base, options.head)
    except ValueError:
        return None  # changed_handoffs has already refused this range with the reason
    if not any(path.startswith(f"{SCHEMA_DIR}/") for c in changes for path in (c.path, c.old_path)):
        return None
    try:
        load_mapping(config)
    except ConfigError as exc:
        return exc
    return None


def _reviewers(entries: list[BriefEntry], config: Config) -> list[str]:
    """Both owners of every changed handoff, then each flagged category's reviewers (teams expanded)."""
    wanted: list[str] = []
    for entry in entries:
        front = entry.doc.front if entry.doc else None
        if front is not None:
            wanted += [front.from_.owner, front.to.owner]
    flagged = {f.category for e in entries for f in e.result.findings if f.code == "HO600" and f.category}
    for category in config.categories:
        if category.name in flagged:
            wanted += sorted(config.reviewers_for(category))
    return list(dict.fromkeys(h.casefold() for h in wanted))


def publish(gh: GitHubRepo, number: int, body: str, *, labels: set[str], reviewers: list[str], config: Config) -> None:
    """The brief comment, the labels and the review requests, each idempotent."""
    from handoffs.pr.brief import fit_comment

    upsert_comment(gh, number, fit_comment(body))
    ensure_labels(gh, labels, config)
    sync_labels(gh, number, labels)
    author = gh.pull(number).author.casefold()
    # GitHub refuses a review request to the pull request's author.
    wanted = [r for r in reviewers if r.lstrip("@") != author]
    try:
        gh.request_reviewers(number, wanted)
    except GitHubError as exc:  # e.g. a handle without access to the repository
        print(f"::warning::could not request reviews from {', '.join(wanted)}: {exc}")


def upsert_comment(gh: GitHubRepo, number: int, body: str) -> None:
    from handoffs.pr.brief import MARKER

    ours = [c for c in gh.comments(number) if c.body.startswith(MARKER)]
    if not ours:
        gh.create_comment(number, body)
    elif ours[0].body != body:
        gh.edit_comment(ours[0].id, body)


def ensure_labels(gh: GitHubRepo, names: set[str], config: Config) -> None:
    """Create the labels about to be used, with a colour and a description, if the repository lacks them."""
    from handoffs.github import LabelInfo
    from handoffs.pr.labels import label_specs

    specs = {spec.name.casefold(): spec for spec in label_specs(config)}
    existing = gh.labels()
    for name in sorted(names):
        if name.casefold() not in existing:
            gh.create_label(specs.get(name.casefold(), LabelInfo(name, "ededed", "Managed by handoff pr-check")))


def sync_labels(gh: GitHubRepo, number: int, wanted: set[str]) -> None:
    from handoffs.pr.brief import is_managed

    current = {name.casefold(): name for name in gh.issue_labels(number)}
    for key, name in sorted(current.items()):
        if is_managed(key) and key not in {w.casefold() for w in wanted}:
            gh.remove_label(number, name)
    gh.add_labels(number, sorted(w for w in wanted if w.casefold() not in current))
