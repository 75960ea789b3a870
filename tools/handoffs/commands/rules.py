"""``handoff rules``: every rule code, its default and configured severity."""

from __future__ import annotations

import argparse

from handoffs.catalog import RULES
from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import load_config


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("rules", help="list every rule with its code and severity")
    parser.add_argument("--format", dest="output_format", choices=("text", "markdown"), default="text")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def markdown_table() -> str:
    rows = ["| Code | Name | Default | What it means |", "|---|---|---|---|"]
    rows += [f"| `{r.code}` | {r.name} | {r.severity} | {r.summary} |" for r in RULES]
    return "\n".join(rows) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.output_format == "markdown":
        if args.root is not None:
            resolve_root(args.root)  # the catalogue's defaults need no repository, but a --root given must exist
        print(markdown_table(), end="")
        return 0
    config = load_config(resolve_root(args.root))
    for rule in RULES:
        configured = config.severity_of(rule.code)
        level = configured.value if configured else "off"
        print(f"{rule.code}  {level:<8} {rule.name:<28} {rule.summary}")
    return 0
