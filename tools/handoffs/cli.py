"""The ``handoff`` command line: parse, dispatch, and the one top-level error handler.

Each subcommand lives in ``handoffs.commands.<name>`` with ``register(subparsers)``
and a ``run(args) -> int``; modules keep heavy imports (PyGithub, GitPython,
mkdocs) inside their functions so ``handoff check`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from handoffs import __version__
from handoffs.errors import HandoffError

COMMANDS = ("check", "new", "schema", "rules")
EXIT_INTERNAL = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handoff",
        description="Sales handoffs as code: check, publish and measure handoff files.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"handoffs.commands.{name.replace('-', '_')}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors and --help
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        return int(args.run(args))
    except HandoffError as exc:
        print(f"handoff {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("handoff: interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(
            f"handoff {args.command}: internal error (this is a bug in handoff, not in your files; "
            "please report it with the traceback above)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
