"""``handoff codeowners [--check]``: write CODEOWNERS, or fail when it is out of date."""

from __future__ import annotations

import argparse
import difflib
from dataclasses import dataclass
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import Config, load_config
from handoffs.pr.codeowners import render

FILE_NAME = "CODEOWNERS"


@dataclass(frozen=True)
class CodeownersOptions:
    root: Path
    check: bool


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "codeowners",
        help="generate CODEOWNERS (the process files → the admin team) from schema/",
        description=(
            "Write CODEOWNERS: every file that is not a handoff (schema/, tools/, .github/, mkdocs.yml, "
            "pyproject.toml…) is owned by the admin team; handoffs have no code owner (the PR check asks their "
            "owners and the joint approval requires them). It depends only on the admin team's members, so a "
            "new handoff never makes it stale. With --check, change nothing and exit 1 when it is out of date."
        ),
    )
    parser.add_argument("--check", action="store_true", help="only verify that CODEOWNERS is up to date")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = CodeownersOptions(resolve_root(args.root), args.check)
    config = load_config(options.root)
    expected = expected_codeowners(config)
    target = options.root / FILE_NAME
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if options.check:
        problem = staleness(current, expected)
        if problem:
            print(problem)
            return 1
        print(f"{FILE_NAME} is up to date")
        return 0
    if current == expected:
        print(f"{FILE_NAME} is already up to date")
        return 0
    target.write_text(expected, encoding="utf-8")
    print(f"wrote {FILE_NAME}")
    return 0


def expected_codeowners(config: Config) -> str:
    """What CODEOWNERS must say: a function of the admin team's roster only, never of the handoffs."""
    admin = config.rules.admin_team
    admins = config.teams[admin].members if admin in config.teams else []
    return render(admins, admin, config.handoffs_dir)


def staleness(current: str | None, expected: str) -> str | None:
    """Why the committed CODEOWNERS is out of date (with a diff), or ``None``."""
    if current == expected:
        return None
    if current is None:
        return f"{FILE_NAME} is missing: run `handoff codeowners` and commit it"
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        expected.splitlines(keepends=True),
        f"{FILE_NAME} (committed)",
        f"{FILE_NAME} (expected)",
    )
    return f"{FILE_NAME} is out of date: run `handoff codeowners` and commit it\n" + "".join(diff)
