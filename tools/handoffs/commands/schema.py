"""``handoff schema``: write (or verify) schema/handoff.schema.json from the models."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import SCHEMA_DIR, load_config
from handoffs.model import json_schema

SCHEMA_FILE = "handoff.schema.json"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("schema", help="generate schema/handoff.schema.json from the models")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is out of date")
    add_root_argument(parser)
    parser.set_defaults(run=run)


def render_schema(root: Path) -> str:
    config = load_config(root)
    return json.dumps(json_schema(config.type_names), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    target = root / SCHEMA_DIR / SCHEMA_FILE
    expected = render_schema(root)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if args.check:
        if current != expected:
            print(f"{target} is out of date: run `handoff schema` and commit it", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    if current != expected:
        target.write_text(expected, encoding="utf-8")
        print(f"wrote {target}")
    else:
        print(f"{target} is up to date")
    return 0
