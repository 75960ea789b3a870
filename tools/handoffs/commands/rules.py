"""``handoff rules``: every rule code, its default and configured severity."""

from __future__ import annotations

import argparse
from pathlib import Path

from handoffs.catalog import RULES
from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import SectionRoles, load_config, root_above


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("rules", help="list every rule with its code and severity")
    parser.add_argument("--format", dest="output_format", choices=("text", "markdown"), default="text")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def markdown_table(sections: SectionRoles | None) -> str:
    """The README's rule table: default severities, sections under the names ``sections`` gives them."""
    name = sections.name if sections is not None else None
    rows = ["| Code | Name | Default | What it means |", "|---|---|---|---|"]
    rows += [f"| `{r.code}` | {r.name} | {r.severity} | {r.summary_for(name)} |" for r in RULES]
    return "\n".join(rows) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.output_format == "markdown":
        # The default severities need no repository; the section names come from one when there is one.
        root = resolve_root(args.root) if args.root is not None else root_above(Path.cwd())
        print(markdown_table(load_config(root).sections if root is not None else None), end="")
        return 0
    config = load_config(resolve_root(args.root))
    for rule in RULES:
        configured = config.severity_of(rule.code)
        level = configured.value if configured else "off"
        print(f"{rule.code}  {level:<8} {rule.name:<28} {rule.summary_for(config.sections.name)}")
    return 0
