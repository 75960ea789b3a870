"""``handoff open-pr FILE``: branch, commit, push and open the pull request — no git knowledge needed.

The branch is named after the handoff id (``handoff/<customer>/<date>-<type>``),
so running it again after an edit pushes to the same branch and finds the pull
request already open instead of opening a second one.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import Config, load_config
from handoffs.document.handoff import handoff_id_of
from handoffs.errors import HandoffError, UsageError

if TYPE_CHECKING:
    from handoffs.github import GitHubRepo, PullInfo
    from handoffs.model import FrontMatter

TEMPLATE = Path(".github") / "PULL_REQUEST_TEMPLATE.md"


@dataclass(frozen=True)
class OpenPrOptions:
    root: Path
    file: Path
    base: str
    remote: str
    evidence: tuple[Path, ...] = ()  # files committed with the handoff (`handoff crm sync`'s CRM evidence)


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "open-pr",
        help="commit a handoff on its own branch, push it and open its pull request",
        description=(
            "Create (or reuse) the branch handoff/<id>, commit FILE, push it to the remote and open a pull "
            "request with the repository's pull request template. Running it again updates the same PR."
        ),
    )
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="the handoff file, under handoffs/ (or the handoffs_dir of schema/rules.yaml)",
    )
    parser.add_argument("--base", help="the branch to merge into (default: schema/rules.yaml base_branch)")
    parser.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args

    root = resolve_root(args.root, [args.file])  # the repository the file is in, wherever we are
    config = load_config(root)
    file = (args.file if args.file.is_absolute() else Path.cwd() / args.file).resolve()
    options = OpenPrOptions(root, file, args.base or config.rules.base_branch, args.remote)
    pull, created = open_pull_request(options, config, connect_from_args(args))
    print(f"{'opened' if created else 'updated'} pull request #{pull.number}: {pull.html_url}")
    return 0


def open_pull_request(options: OpenPrOptions, config: Config, gh: GitHubRepo) -> tuple[PullInfo, bool]:
    """Commit and push the handoff on its branch; open its PR unless one is open. Returns (PR, created)."""
    from handoffs.pr.documents import parse_text

    relative = _relative(options, config.handoffs_dir)
    doc = parse_text(options.file.read_text(encoding="utf-8"), relative, config)
    if doc is None or doc.front is None or doc.handoff_id is None:
        raise HandoffError(f"{relative}: fix the front matter first (run `handoff check {relative}`)")
    branch = f"handoff/{doc.handoff_id}"
    paths = [relative, *(_inside(options, path) for path in options.evidence)]
    _commit_and_push(options, paths, branch, f"Handoff: {doc.front.title}")
    existing = gh.open_pulls_from(branch)
    if existing:
        return existing[0], False
    body = pull_request_body(options.root, relative, doc.front)
    return gh.create_pull(title=f"Handoff: {doc.front.title}", body=body, head=branch, base=options.base), True


def _relative(options: OpenPrOptions, handoffs_dir: str) -> str:
    try:
        relative = options.file.relative_to(options.root).as_posix()
    except ValueError:
        raise UsageError(f"{options.file} is not inside the repository {options.root}") from None
    if handoff_id_of(relative, handoffs_dir) is None or not options.file.is_file():
        raise UsageError(f"{relative}: not a handoff file under {handoffs_dir}/")
    return relative


def _inside(options: OpenPrOptions, path: Path) -> str:
    try:
        return path.resolve().relative_to(options.root).as_posix()
    except ValueError:
        raise UsageError(f"{path} is not inside the repository {options.root}") from None


def _commit_and_push(options: OpenPrOptions, paths: list[str], branch: str, message: str) -> None:
    from handoffs.git import bot_identity, names_commit, run, run_remote

    root = options.root
    try:
        if names_commit(root, f"refs/heads/{branch}"):
            run(root, "checkout", branch)
        else:
            run(root, "checkout", "-b", branch, _start_point(options))
        run(root, "add", "--", *paths)
        if run(root, "diff", "--cached", "--name-only", "--", *paths).strip():
            run(root, *bot_identity(root), "commit", "-q", "-m", message, "--", *paths)
        run_remote(root, options.remote, "push", "-q", options.remote, f"{branch}:refs/heads/{branch}")
    except HandoffError as exc:
        raise HandoffError(f"git failed while preparing branch {branch}: {exc}") from None


def _start_point(options: OpenPrOptions) -> str:
    """Branch off the remote's base branch when it is known, else the local one."""
    from handoffs.git import names_commit

    for ref in (f"{options.remote}/{options.base}", options.base):
        if names_commit(options.root, ref):
            return ref
    return "HEAD"


def pull_request_body(root: Path, relative: str, front: FrontMatter) -> str:
    """The repository's PR template with the handoff's facts filled in (or a short body without one)."""
    facts = {
        "Handoff file": f"`{relative}`",
        "Sales owner": front.from_.owner,
        "Receiving owner": front.to.owner,
        "CRM deal": f"{front.crm.system} {front.crm.id}" + (f" ({front.crm.url})" if front.crm.url else ""),
    }
    template = root / TEMPLATE
    if not template.is_file():
        return "\n".join(f"- {key}: {value}" for key, value in facts.items()) + "\n"
    text = template.read_text(encoding="utf-8")
    for key, value in facts.items():
        pattern = re.compile(rf"(?m)^(\s*[-*]\s*{re.escape(key)}:).*$")
        text = pattern.sub(_filled(value), text, count=1)
    return text


def _filled(value: str) -> Callable[[re.Match[str]], str]:
    """Keep the template's bullet and label, put the value after it (never read as a regex template)."""
    return lambda match: f"{match.group(1)} {value}"
