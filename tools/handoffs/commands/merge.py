"""``handoff merge --pr N``: merge a jointly approved pull request, recording who approved it.

Runs from a checkout of the base branch, like ``handoff approvals``, and decides
the same way (the base branch's roster, rules and owners; the pull request's
files as data).  Only when that decision is "approved" does it merge — pinned to
the head commit it judged, so a push in between makes GitHub refuse — with one
``Approved-by:`` trailer per person whose review satisfied a requirement.  The
trailers are never typed by a person.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, load_config

if TYPE_CHECKING:
    from handoffs.commands.approvals import ApprovalsOptions
    from handoffs.github import GitHubRepo


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "merge",
        help="merge a jointly approved pull request with Approved-by trailers of the verified approvals",
        description=(
            "Decide the joint approval of a pull request as `handoff approvals` does; when it is approved, merge "
            "it at the head commit that was judged, writing one Approved-by trailer per approval that counted. "
            "Exit 1, merging nothing, when it is not approved."
        ),
    )
    parser.add_argument("--pr", type=int, required=True, help="the pull request number")
    parser.add_argument(
        "--method", choices=("merge", "squash"), default="merge", help="a merge commit (default) or a squash"
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.commands.approvals import ApprovalsOptions
    from handoffs.github import connect_from_args

    options = ApprovalsOptions(resolve_root(args.root), args.pr, None, today(None))
    config = load_config(options.root)
    return merge(options, config, connect_from_args(args), args.method)


def merge(options: ApprovalsOptions, config: Config, gh: GitHubRepo, method: str) -> int:
    from handoffs.commands.approvals import RefusedError, judge, refuse_unless_protected
    from handoffs.pr.merge_record import merge_message, verified_approvers

    pr = gh.pull(options.pr)
    if pr.base_ref != config.rules.base_branch:
        print(
            f"merge: #{pr.number} targets {pr.base_ref!r}, not {config.rules.base_branch!r} (schema/rules.yaml "
            "base_branch): its approval is not decided by this branch's roster and rules; nothing merged"
        )
        return 1
    try:
        tip = refuse_unless_protected(options, config, gh, pr)
    except RefusedError as refusal:
        print(f"merge: refused, nothing merged: {refusal}")
        return 1
    judged = judge(options, config, gh, pr, tip)
    decision = judged.decision
    if not decision.satisfied:
        print(f"merge: #{pr.number} is not jointly approved, nothing merged: {decision.description}")
        print("\n".join(decision.lines))
        return 1
    approvers = verified_approvers(
        judged.needed,
        judged.reviews,
        author=pr.author,
        head_sha=pr.head_sha,
        people=judged.people,
        same_change=judged.same_change,
    )
    if method == "squash":
        title = f"{pr.title} (#{pr.number})"
        description = ""
    else:
        title = f"Merge pull request #{pr.number} from {gh.full_name.split('/')[0]}/{pr.head_ref}"
        description = pr.title
    message = merge_message(description, approvers, pr.head_sha)
    sha = gh.merge_pull(pr.number, sha=pr.head_sha, method=method, title=title, message=message)
    print(f"merge: merged #{pr.number} as {sha[:12]}; approved by {', '.join(approvers)}")
    return 0
