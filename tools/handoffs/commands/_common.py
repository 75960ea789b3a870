"""Arguments and conversions shared by several subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

from handoffs.clock import today
from handoffs.config import find_root, root_above
from handoffs.errors import UsageError

# `today` is defined in handoffs.clock, below the commands (metrics and the site use it too).
__all__ = ["Subparsers", "add_root_argument", "is_handle", "iso_date", "resolve_root", "today"]

# argparse has no public name for the object add_subparsers() returns; the alias is
# a string because the class is not subscriptable at run time.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date like 2026-12-01") from None


def is_handle(text: str) -> bool:
    """A GitHub handle as the front matter accepts it: ``@name``, at most 40 characters."""
    from handoffs.model import HANDLE_MAX_LENGTH, HANDLE_PATTERN

    return len(text) <= HANDLE_MAX_LENGTH and re.match(HANDLE_PATTERN, text) is not None


def add_root_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        help="the handoffs repository (default: the nearest directory above here with schema/types.yaml)",
    )


def resolve_root(root: Path | None, paths: Sequence[Path] = ()) -> Path:
    """``--root``, else the repository holding the first of ``paths`` that is in one, else the current one.

    Found from the paths given, so ``cd /tmp && handoff check ~/repo/handoffs`` checks
    against ``~/repo/schema``.
    """
    if root is not None:
        if not root.is_dir():
            raise UsageError(f"--root {root}: no such directory")
        return root.resolve()
    for path in paths:
        found = root_above(path if path.is_dir() else path.parent)
        if found is not None:
            return found
    return find_root(Path.cwd())
