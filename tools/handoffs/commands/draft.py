"""``handoff draft``: a cited handoff draft from a CRM deal export and source documents.

The tool prepares, people approve: items are source sentences quoted as written with
``(source: FILE:LINE)``, verified verbatim before anything is written; sections with
no evidence stay as placeholders so ``handoff check`` fails until a person fills them.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, iso_date, resolve_root, today
from handoffs.config import Config, did_you_mean, load_config
from handoffs.draft import BACKENDS
from handoffs.errors import HandoffError, UsageError
from handoffs.github import add_github_arguments
from handoffs.model import HANDLE_PATTERN

if TYPE_CHECKING:
    from handoffs.draft.pipeline import DraftRequest


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "draft",
        help="draft a handoff from a CRM deal export and call notes, every item cited",
        description=(
            "Write a new handoff pre-filled from a CRM export (Salesforce or HubSpot, JSON or CSV) "
            "and source documents. Every item is a sentence quoted as written with (source: FILE:LINE); "
            "sections without evidence stay as placeholders. Never overwrites an existing file."
        ),
    )
    parser.add_argument("--crm", type=Path, required=True, metavar="FILE", help="the CRM deal export")
    parser.add_argument(
        "--notes",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="FILE",
        help="call notes, proposal, order form (Markdown or text); repeatable",
    )
    parser.add_argument(
        "--type", dest="handoff_type", metavar="TYPE", default=None, help="handoff type (default: implementation)"
    )
    parser.add_argument("--customer", help="customer name, when the CRM export does not carry it")
    parser.add_argument("--from", dest="sales_owner", metavar="@HANDLE", help="sales owner")
    parser.add_argument("--from-team", dest="sales_team", metavar="TEAM")
    parser.add_argument("--to", dest="receiving_owner", metavar="@HANDLE", help="receiving owner")
    parser.add_argument("--to-team", dest="receiving_team", metavar="TEAM")
    parser.add_argument("--kickoff", type=iso_date, metavar="DATE", help="target kickoff date")
    parser.add_argument("--milestone-title", metavar="TITLE", help="the receiving owner's first task")
    parser.add_argument("--milestone-due", type=iso_date, metavar="DATE", help="when the first task is due")
    parser.add_argument(
        "--date", dest="opened", type=iso_date, metavar="DATE", help="the day the handoff is opened (default: today)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="PATH", help="write here instead of handoffs/<customer>/<date>-<type>.md"
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="builtin",
        help="extractor: builtin (default, offline) or openai-compatible (a model classifies our sentences)",
    )
    parser.add_argument(
        "--url",
        dest="model_url",
        metavar="URL",
        help="openai-compatible backend: the server, e.g. http://127.0.0.1:8000/v1",
    )
    parser.add_argument("--model", dest="model_name", metavar="NAME", help="openai-compatible backend: the model")
    parser.add_argument(
        "--gaps",
        choices=("placeholder", "open"),
        default="placeholder",
        help="a section without evidence gets a <…> placeholder (default) or an open item owned by --from",
    )
    parser.add_argument("--open-pr", action="store_true", help="then open a pull request for it (handoff open-pr)")
    parser.add_argument(
        "--remote", default="origin", help="with --open-pr: the git remote to push to (default: origin)"
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    config = load_config(root)
    # The pipeline (and its urllib backends) is imported only when a draft is made, not to build the parser.
    from handoffs.draft.pipeline import DraftRequest

    command = DraftRequest(
        root=root,
        crm=args.crm,
        notes=tuple(args.notes),
        handoff_type=_type(args.handoff_type, config),
        customer=args.customer,
        sales_owner=_handle("--from", args.sales_owner),
        sales_team=args.sales_team,
        receiving_owner=_handle("--to", args.receiving_owner),
        receiving_team=args.receiving_team,
        kickoff=args.kickoff,
        milestone_title=args.milestone_title,
        milestone_due=args.milestone_due,
        opened=args.opened or today(None),
        out=args.out,
        backend=args.backend,
        gaps=args.gaps,
        model_url=args.model_url,
        model_name=args.model_name,
    )
    if command.gaps == "open" and not command.sales_owner:
        raise UsageError("--gaps open needs --from @sales-owner (the owner of each open item)")
    if args.open_pr:
        _front_matter_complete(command)
    path = execute(command, config)
    if args.open_pr:
        return _open_pr(args, root, config, path)
    return 0


def _front_matter_complete(command: DraftRequest) -> None:
    """A pull request needs front matter that parses; the body's gaps are for the reviewers."""
    flags = {
        "--from": command.sales_owner,
        "--to": command.receiving_owner,
        "--kickoff": command.kickoff,
        "--milestone-title": command.milestone_title,
        "--milestone-due": command.milestone_due,
    }
    missing = [flag for flag, value in flags.items() if value is None]
    if missing:
        raise UsageError(f"--open-pr needs {', '.join(missing)} so the front matter is complete (nothing was written)")


def _type(value: str | None, config: Config) -> str:
    name = value or "implementation"
    if name not in config.type_names:
        raise UsageError(
            f"unknown type{did_you_mean(name, config.type_names)}; use one of {', '.join(config.type_names)}"
        )
    return name


def _handle(flag: str, value: str | None) -> str | None:
    if value is not None and not re.match(HANDLE_PATTERN, value):
        raise UsageError(f"{flag} {value}: expected a GitHub handle like @dana-sales")
    return value


def execute(command: DraftRequest, config: Config) -> Path:
    """Read, extract, verify, write, and print the review summary; returns the new file."""
    from handoffs.draft.crm import read_crm
    from handoffs.draft.pipeline import citation_name, draft_deal

    deal = read_crm(command.crm)
    if not (command.customer or deal.customer):
        raise UsageError(f"{command.crm}: the export does not name the customer; pass --customer 'Name'")
    return draft_deal(command, config, deal, citation_name(command.crm, command.root))


def _open_pr(args: argparse.Namespace, root: Path, config: Config, path: Path) -> int:
    """Hand the new file to ``handoff open-pr``'s logic (imported only when asked for)."""
    try:
        open_pr = importlib.import_module("handoffs.commands.open_pr")
    except ModuleNotFoundError:
        raise HandoffError(
            f"the draft is written ({path}), but `handoff open-pr` is not available in this version; "
            "open the pull request by hand"
        ) from None
    from handoffs.github import connect_from_args

    options = open_pr.OpenPrOptions(root, path.resolve(), config.rules.base_branch, args.remote)
    try:
        pull, created = open_pr.open_pull_request(options, config, connect_from_args(args))
    except HandoffError as exc:
        raise HandoffError(f"the draft is written ({path}), but opening its pull request failed: {exc}") from None
    print(f"{'opened' if created else 'updated'} pull request #{pull.number}: {pull.html_url}")
    return 0
