"""The ``handoff`` command line: parse, dispatch, and the one top-level error handler.

Each subcommand lives in ``handoffs.commands.<name>`` with ``register(subparsers)``
and a ``run(args) -> int``; modules keep heavy imports (PyGithub, GitPython,
mkdocs) inside their functions so ``handoff check`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from handoffs import __version__
from handoffs.errors import HandoffError

if TYPE_CHECKING:
    from handoffs.commands._common import Subparsers

COMMANDS = (
    "check",
    "new",
    "schema",
    "rules",
    "approvals",
    "pr-check",
    "codeowners",
    "on-merge",
    "setup-github",
    "open-pr",
    "issue-to-pr",
    "draft",
    "metrics",
    "log-repeat",
    "gate",
    "alerts",
    "pages-guard",
    "adopt",
    "merge",
    "crm",
)
EXIT_INTERNAL = 2


# One line per command for `handoff --help`, so listing them imports none of them.
SUMMARIES = {
    "check": "validate handoff files against the rules in schema/",
    "new": "scaffold a new handoff from its type's template",
    "schema": "generate schema/handoff.schema.json from the models",
    "rules": "list every rule with its code and severity",
    "approvals": "set the handoff/joint-approval status of a pull request",
    "pr-check": "check a pull request's handoffs; keep its brief, labels and review requests current",
    "codeowners": "generate CODEOWNERS (process files → the admin team) from schema/ (--check: verify)",
    "on-merge": "open the first-milestone issue for each newly merged handoff",
    "setup-github": "configure labels and base-branch rules on GitHub (idempotent, --dry-run)",
    "open-pr": "commit a handoff on its own branch, push it and open its pull request",
    "issue-to-pr": "turn a 'New handoff' issue form into a handoff pull request",
    "draft": "draft a handoff from a CRM export and call notes",
    "metrics": "compute handoff metrics from git history",
    "log-repeat": "record that a customer had to repeat context (context_repeats)",
    "gate": "decide whether a handoff may be kicked off (gate kickoff ID)",
    "alerts": "list overdue open items, unapproved kickoffs and overdue first milestones",
    "crm": "draft handoff PRs from CRM deals (crm sync) and write their status back (crm write-back)",
    "pages-guard": "refuse to deploy the site to a public GitHub Pages site from a private repository",
    "adopt": "set up a repository on a pinned Handoffs release (thin workflows), or --upgrade it",
    "merge": "merge a jointly approved pull request with Approved-by trailers of the verified approvals",
}


class CommandLineError(Exception):
    """argparse found the command line wrong; ``main`` says so in one sentence."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one sentence naming the help to read, not a usage block.

    Sub-command parsers are made of the same class (``add_subparsers`` uses the parent's).
    """

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(self.prog, message)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; only the command named in ``argv`` is imported and fully registered.

    Importing every command would put PyGithub, GitPython and mkdocs on the path of
    ``handoff check``, which pre-commit runs on every commit.
    """
    parser: argparse.ArgumentParser = _Parser(  # sub-command parsers are _Parser too (type(self))
        prog="handoff",
        description="Sales handoffs as code: check, publish and measure handoff files.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if argv and argv[0] in COMMANDS:
        # `handoff check …`: the other commands' placeholders (16 parsers, ~5 ms of every
        # pre-commit run) only serve the list that `--help` or a mistyped command prints.
        _register(subparsers, argv[0])
        return parser
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name in COMMANDS:
        if name == chosen:
            _register(subparsers, name)
        else:
            subparsers.add_parser(name, help=SUMMARIES.get(name, ""), add_help=False)
    return parser


def _register(subparsers: Subparsers, name: str) -> None:
    importlib.import_module(f"handoffs.commands.{name.replace('-', '_')}").register(subparsers)


def unknown_command(word: str) -> str | None:
    """The sentence for a command that does not exist (with the one it most resembles), or ``None``."""
    if word.startswith("-") or word in COMMANDS:
        return None
    import difflib  # only a mistyped command pays for it

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return f"handoff: unknown command `{word}`{hint}; `handoff --help` lists them all"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    problem = unknown_command(arguments[0]) if arguments else None
    if problem:
        print(problem, file=sys.stderr)
        return 2
    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help and --version
        return int(exc.code) if isinstance(exc.code, int) else 2
    except CommandLineError as exc:
        # Left-over words are found by the top parser: name the command they were given to.
        prog = (
            f"handoff {arguments[0]}" if exc.prog == "handoff" and arguments and arguments[0] in COMMANDS else exc.prog
        )
        print(f"{prog}: {exc.message}; `{prog} --help` lists what it takes", file=sys.stderr)
        return 2
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The command's exit code; whatever it raises becomes one sentence, or a reported bug."""
    try:
        return int(args.run(args))
    except HandoffError as exc:
        print(f"handoff {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return _reader_went_away()
        # The file system refused (a missing folder for --output, no permission, a full
        # disk): the user's environment, not a bug, said in one sentence.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"handoff {args.command}: {where}{(exc.strerror or str(exc)).lower()}", file=sys.stderr)
        return 1
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


def _reader_went_away() -> int:
    # The reader (`| head`) went away: not an error of ours. Point stdout at /dev/null
    # so the interpreter's final flush does not fail again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
