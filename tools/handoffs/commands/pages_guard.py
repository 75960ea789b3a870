"""``handoff pages-guard``: may the site be deployed to this repository's GitHub Pages site?

The Publish workflow runs it before the deploy job, which only exists when a team
opted in to Pages.  Exit 0 when GitHub says the site is private (or the repository
is public anyway); exit 1, with the reason and the private options, otherwise.  A
GitHub failure stops it with exit 2: in every case but a clear "yes", nothing is
deployed.
"""

from __future__ import annotations

import argparse

from handoffs.commands._common import Subparsers


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "pages-guard",
        help="refuse to deploy the site to a public GitHub Pages site from a private repository",
        description=(
            "Ask GitHub's API for the repository's visibility and its Pages site's visibility. Exit 0 when the "
            "site may be deployed (a private site, or a public repository); exit 1 when deal terms from a "
            "private repository would go to a public site, or GitHub does not say."
        ),
    )
    add_github_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import append_step_summary, connect_from_args
    from handoffs.publishing import PRIVATE_OPTIONS, may_deploy

    gh = connect_from_args(args)
    decision = may_deploy(gh.full_name, gh.visibility())
    if decision.allowed:
        print(f"pages-guard: {decision.reason}")
        return 0
    message = f"{decision.reason} {PRIVATE_OPTIONS}"
    print(f"::error title=Not deployed to GitHub Pages::{message}")
    append_step_summary(f"## ❌ Not deployed to GitHub Pages\n\n{decision.reason}\n\n{PRIVATE_OPTIONS}")
    return 1
