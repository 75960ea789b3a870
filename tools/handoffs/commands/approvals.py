"""``handoff approvals``: decide the ``handoff/joint-approval`` commit status of a pull request.

Runs from a checkout of the **base** branch: the roster, the rules and the
owners of existing handoffs come from there (or from ``--base-ref``).  The pull
request's handoffs are fetched through the API at its head commit and parsed as
data; nothing from the pull request is executed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, load_config
from handoffs.errors import UsageError

if TYPE_CHECKING:
    from handoffs.github import ChangedFile, GitHubRepo
    from handoffs.pr.approval import Decision, HandoffChange


@dataclass(frozen=True)
class ApprovalsOptions:
    root: Path
    pr: int
    base_ref: str | None
    today: dt.date


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "approvals",
        help="set the handoff/joint-approval status of a pull request",
        description=(
            "Evaluate the reviews of a pull request against the base branch's owners, roster and rules, "
            "and set the handoff/joint-approval commit status on its head commit. "
            "Exit 0 when approved, 1 when not (pending or blocked)."
        ),
    )
    parser.add_argument("--pr", type=int, help="the pull request number (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument(
        "--base-ref",
        help="read existing handoffs from this git ref instead of the checked-out files (e.g. origin/main)",
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args

    options = ApprovalsOptions(resolve_root(args.root), _pr_number(args.pr), args.base_ref, today(None))
    config = load_config(options.root)
    return evaluate(options, config, connect_from_args(args))


def _pr_number(flag: int | None) -> int:
    from handoffs.github import read_event

    if flag is not None:
        return flag
    event = read_event()
    number = (event.get("pull_request") or {}).get("number") or event.get("number")
    if not isinstance(number, int):
        raise UsageError("no pull request: pass --pr N (or run on a pull_request event)")
    return number


def evaluate(options: ApprovalsOptions, config: Config, gh: GitHubRepo) -> int:
    from handoffs.github import append_step_summary, run_url
    from handoffs.pr.approval import CONTEXT, Review, admin_files, decide, listing_problem, requirements, roster

    pr = gh.pull(options.pr)
    files = gh.pull_files(pr.number)
    changes = handoff_changes(options, config, gh, files, pr.head_sha)
    others = admin_files((f for c in files for f in (c.filename, c.previous_filename) if f), config.handoffs_dir)
    needed, problems = requirements(changes, config, pr.author, sorted(set(others)))
    incomplete = listing_problem(len(files), pr.changed_files)
    if incomplete:
        problems.insert(0, incomplete)
    reviews = [Review(r.user, r.state, r.commit_id) for r in gh.reviews(pr.number)]
    decision = decide(needed, problems, reviews, author=pr.author, head_sha=pr.head_sha, people=roster(config))
    # The files were listed for whatever the head was at that moment: if it moved
    # since ``pr`` was read, this decision may describe another commit than head_sha.
    latest = gh.pull(pr.number).head_sha
    if latest != pr.head_sha:
        print(
            f"#{pr.number} moved from {pr.head_sha[:12]} to {latest[:12]} while it was being evaluated: "
            "no status set; the run for the newer push decides."
        )
        return 1
    gh.set_status(
        pr.head_sha,
        state=decision.state.value,
        context=CONTEXT,
        description=decision.description,
        target_url=run_url(),
    )
    report = _summary(pr.number, pr.head_sha, [c.path for c in changes], decision)
    append_step_summary(report)
    print(report)
    return 0 if decision.satisfied else 1


def handoff_changes(
    options: ApprovalsOptions, config: Config, gh: GitHubRepo, files: list[ChangedFile], head_sha: str
) -> list[HandoffChange]:
    """Each handoff the pull request touches: base version from git, PR version through the API."""
    from handoffs.pr.approval import HandoffChange, is_handoff_path
    from handoffs.pr.documents import flagged_categories, parse_text, read_text

    changes: list[HandoffChange] = []
    for changed in files:
        names = (changed.filename, changed.previous_filename or "")
        if not any(is_handoff_path(name, config.handoffs_dir) for name in names):
            continue
        base_path = changed.previous_filename or changed.filename
        base_text = _base_text(options, base_path)
        base_doc = parse_text(base_text, base_path, config) if base_text is not None else None
        removed = changed.status == "removed"
        head_text = None if removed else gh.file_bytes(changed.filename, head_sha)
        head_doc, head_problems = (None, ()) if head_text is None else read_text(head_text, changed.filename, config)
        if head_text is None and not removed:  # listed as changed, yet not there: never "no handoff"
            head_problems = (f"not found at {head_sha[:12]}",)
        changes.append(
            HandoffChange(
                path=changed.filename,
                base=base_doc.front if base_doc else None,
                head=head_doc.front if head_doc else None,
                categories=flagged_categories(head_doc, config),
                removed=removed,
                head_problems=head_problems,
            )
        )
    return changes


def _base_text(options: ApprovalsOptions, path: str) -> str | None:
    """The base branch's version: from ``--base-ref`` through git, else the checked-out file."""
    if options.base_ref is not None:
        from handoffs.git import file_at

        try:
            return file_at(options.root, options.base_ref, path)
        except ValueError as exc:
            raise UsageError(f"--base-ref {options.base_ref}: {exc}") from None
    target = options.root / path
    return target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None


def _summary(number: int, head_sha: str, paths: list[str], decision: Decision) -> str:
    verdict = {"success": "✅ approved", "pending": "⏳ pending", "failure": "❌ blocked"}[decision.state.value]
    lines = [
        f"## Joint approval of #{number}: {verdict}",
        "",
        f"Head commit `{head_sha[:12]}`. {decision.description}.",
        "",
        "Owners, roster and rules are read from the base branch; the pull request's files are read as data.",
        "",
        "Handoffs in this pull request: " + (", ".join(f"`{p}`" for p in paths) or "none"),
        "",
        *decision.lines,
    ]
    return "\n".join(lines)
