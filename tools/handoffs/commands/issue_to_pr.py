"""``handoff issue-to-pr``: turn a submitted "New handoff" issue form into a handoff pull request.

Reads the ``issues.opened`` event from ``GITHUB_EVENT_PATH``, writes the handoff
with the same front-matter writer as ``handoff new``, opens the pull request
like ``handoff open-pr`` and comments its link on the issue.  A problem with
the answers is commented on the issue too, so the person who filled in the
form sees it without reading workflow logs.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, did_you_mean, load_config
from handoffs.errors import GitHubError, HandoffError, UsageError
from handoffs.model import CRM_SYSTEMS, STAGES

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo
    from handoffs.scaffold import NewOptions

MARKER = "<!-- handoff-issue-to-pr -->"


@dataclass(frozen=True)
class IssueToPrOptions:
    root: Path
    number: int
    body: str
    opened: dt.date
    base: str


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "issue-to-pr",
        help="turn a 'New handoff' issue form into a handoff pull request",
        description=(
            "Read the issue from $GITHUB_EVENT_PATH (issues.opened), write the handoff file, push it on its "
            "own branch, open the pull request and comment its link on the issue."
        ),
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args, read_event

    root = resolve_root(args.root)
    config = load_config(root)
    issue: dict[str, Any] = read_event().get("issue") or {}
    if not isinstance(issue.get("number"), int):
        raise UsageError("no issue in $GITHUB_EVENT_PATH: run this on an `issues: opened` event")
    options = IssueToPrOptions(
        root=root,
        number=issue["number"],
        body=str(issue.get("body") or ""),
        opened=_opened(issue.get("created_at")),
        base=config.rules.base_branch,
    )
    gh = connect_from_args(args)
    try:
        return convert(options, config, gh)
    except HandoffError as exc:
        problem = (
            f"{MARKER}\nI could not open a handoff pull request from this issue:\n\n> {exc}\n\n"
            "Please open a new issue from the form with that answer fixed."
        )
        try:
            gh.create_comment(options.number, problem)
        except GitHubError as comment_failed:  # report the original problem, and this one beside it
            raise HandoffError(f"{exc} (and commenting on issue #{options.number} failed: {comment_failed})") from None
        raise


def _opened(created_at: object) -> dt.date:
    """The day the issue was opened (the handoff's date), else today."""
    if isinstance(created_at, str):
        try:
            return dt.date.fromisoformat(created_at[:10])
        except ValueError:
            pass
    return today(None)


def convert(options: IssueToPrOptions, config: Config, gh: GitHubRepo) -> int:
    from handoffs.commands.open_pr import OpenPrOptions, open_pull_request
    from handoffs.pr.issue_form import read_form, render_body
    from handoffs.scaffold import NewOptions, front_matter, slugify

    answers = read_form(options.body)
    new = NewOptions(**answers.front)  # type: ignore[arg-type]
    _validate(new, config)
    path = config.handoffs_path / slugify(new.customer or "") / f"{options.opened}-{new.type}.md"
    if path.exists():
        raise HandoffError(
            f"{path.relative_to(options.root)} already exists on {options.base}; edit it in a pull request instead"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter(new)}---\n\n{render_body(answers.sections)}", encoding="utf-8")
    pull, created = open_pull_request(OpenPrOptions(options.root, path, options.base, "origin"), config, gh)
    verb = "Opened" if created else "Updated"
    gh.create_comment(
        options.number,
        f"{MARKER}\n{verb} the handoff pull request #{pull.number}: {pull.html_url}\n\n"
        "The sales owner and the receiving owner review it there; merging it is the joint approval.",
    )
    print(f"{verb.lower()} pull request #{pull.number} from issue #{options.number}: {pull.html_url}")
    return 0


def _validate(new: NewOptions, config: Config) -> None:
    """Values written unquoted into YAML must be one of the known words."""
    if new.type not in config.type_names:
        raise HandoffError(f"Handoff type: unknown type `{new.type}`{did_you_mean(new.type or '', config.type_names)}")
    if new.stage is not None and new.stage not in STAGES:
        raise HandoffError(f"Stage: `{new.stage}` is not one of {', '.join(STAGES)}")
    if new.crm_system is not None and new.crm_system not in CRM_SYSTEMS:
        raise HandoffError(f"CRM system: `{new.crm_system}` is not one of {', '.join(CRM_SYSTEMS)}")
