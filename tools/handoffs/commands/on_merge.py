"""``handoff on-merge``: open the first-milestone issue of every newly merged handoff.

Runs on a push to main (merging is the joint approval).  The pushed range comes
from the push event (``before``/``after``) or ``--before``/``--after``.  Each
issue carries a hidden marker naming its handoff, so a re-run finds it and
never opens a second one.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs import milestone_issue
from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import Config, load_config
from handoffs.document.handoff import handoff_id_of
from handoffs.errors import UsageError

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo
    from handoffs.model import FrontMatter

NO_COMMIT = "0" * 40  # GitHub's `before` when a branch is created


@dataclass(frozen=True)
class OnMergeOptions:
    root: Path
    before: str | None
    after: str
    events: Path | None = None


@dataclass(frozen=True)
class Merged:
    path: str
    handoff_id: str
    front: FrontMatter


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "on-merge",
        help="open the first-milestone issue for each newly merged handoff",
        description=(
            "For each handoff added or changed by a push to main, open an issue for the receiving owner's "
            "first milestone (assigned, labelled, due date in the title, linking the handoff). Idempotent."
        ),
    )
    parser.add_argument("--before", help="the commit before the push (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument("--after", help="the pushed commit (default: the event's `after`, $GITHUB_SHA, HEAD)")
    parser.add_argument(
        "--events", type=Path, help="append one `merge` event per merged handoff to this JSON Lines file"
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args, read_event

    event = read_event()
    before = args.before or event.get("before")
    after = args.after or event.get("after") or os.environ.get("GITHUB_SHA") or "HEAD"
    options = OnMergeOptions(resolve_root(args.root), None if before == NO_COMMIT else before, after, args.events)
    config = load_config(options.root)
    merged = merged_handoffs(options, config)
    if not merged:
        print("on-merge: no handoff was added or changed in this push")
        return 0
    if options.events is not None:
        _record_merge_events(options.root, options.after, options.events, merged)
    gh = connect_from_args(args)
    for handoff in merged:
        print(open_milestone_issue(gh, config, handoff, options.after))
    return 0


def _record_merge_events(root: Path, after: str, events: Path, merged: list[Merged]) -> None:
    from handoffs.git import resolve_commit
    from handoffs.metrics.events import record_merge

    written = record_merge(events, root, [root / m.path for m in merged], commit=resolve_commit(root, after))
    print(f"on-merge: recorded {written} merge event(s) in {events}")


def merged_handoffs(options: OnMergeOptions, config: Config) -> list[Merged]:
    """The handoffs the push added or changed, read at ``after`` (invalid ones are skipped, loudly)."""
    from handoffs.git import changed_paths, file_at, files_at, resolve_commit
    from handoffs.pr.documents import parse_text

    try:
        after = resolve_commit(options.root, options.after)
        if options.before is None:
            paths = files_at(options.root, after)  # the first push of a branch has no `before`
        else:
            paths = [c.path for c in changed_paths(options.root, options.before, after) if c.status != "D"]
    except ValueError as exc:  # handoffs.git turns a bad ref or a missing repository into ValueError
        raise UsageError(f"cannot read the pushed range {options.before}..{options.after}: {exc}") from None
    merged: list[Merged] = []
    for path in paths:
        if handoff_id_of(path, config.handoffs_dir) is None:
            continue
        text = file_at(options.root, after, path)
        doc = parse_text(text, path, config) if text is not None else None
        if doc is None or doc.front is None or doc.handoff_id is None:
            print(f"::warning file={path}::no first-milestone issue: the front matter is invalid")
            continue
        merged.append(Merged(path, doc.handoff_id, doc.front))
    return merged


def open_milestone_issue(gh: GitHubRepo, config: Config, merged: Merged, after: str) -> str:
    """Open the issue unless one with this handoff's marker already exists; say what happened."""
    from handoffs.commands.pr_check import ensure_labels
    from handoffs.pr.brief import HANDOFF_LABEL

    for issue in gh.issues_labelled(milestone_issue.LABEL):
        if milestone_issue.handoff_of(issue.body) == merged.handoff_id:
            return f"on-merge: {merged.handoff_id}: first-milestone issue #{issue.number} already exists"
    ensure_labels(gh, {milestone_issue.LABEL, HANDOFF_LABEL}, config)
    front = merged.front
    milestone = front.first_milestone
    issue = gh.create_issue(
        title=f"First milestone: {milestone.title} — {front.customer} (due {milestone.due})",
        body=_body(gh, merged, after),
        labels=[milestone_issue.LABEL, HANDOFF_LABEL],
        assignees=[front.to.owner],
    )
    return f"on-merge: {merged.handoff_id}: opened first-milestone issue #{issue.number} for {front.to.owner}"


def _body(gh: GitHubRepo, merged: Merged, after: str) -> str:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    link = f"{server}/{gh.full_name}/blob/{after}/{merged.path}"
    front = merged.front
    milestone = front.first_milestone
    return "\n".join(
        [
            milestone_issue.marker(merged.handoff_id),
            f"The handoff [{front.title}]({link}) was merged: both owners approved it.",
            "",
            f"- **First milestone:** {milestone.title}",
            f"- **Due:** {milestone.due}",
            f"- **Milestone owner:** {milestone.owner}",
            f"- **Receiving owner:** {front.to.owner} ({front.to.team})",
            f"- **Sales owner:** {front.from_.owner} ({front.from_.team})",
            f"- **Kickoff:** {front.kickoff}",
            f"- **Handoff:** `{merged.path}`",
            "",
            "Close this issue when the milestone is done.",
        ]
    )
