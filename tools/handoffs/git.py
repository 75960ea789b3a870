"""Everything this tool asks git, behind one small module.

``handoff check`` must stay fast, so the one question it asks (which handoff files
exist on the base branch?) goes through the ``git`` command directly, as do the
metrics' bulk reads (``run_bytes``, ``read_blobs``); commands that walk commits and trees
(pull requests, the site) use GitPython, imported only when they run.  The base
branch is looked up in one place, ``resolve_ref``: ``base``, else ``origin/<base>``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.errors import HandoffError

if TYPE_CHECKING:  # GitPython is imported at run time only by the functions that need it
    import git


@dataclass(frozen=True)
class BaseTree:
    """The files on the base branch, or why they could not be listed."""

    ref: str
    paths: frozenset[str] | None
    problem: str | None = None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Stdout of one git command in ``root``, as bytes; a clear HandoffError (never a traceback) if it fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise HandoffError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HandoffError(f"git {args[0]} failed in {root}: {message[-1] if message else 'unknown error'}")
    return done.stdout


@dataclass(frozen=True)
class Resolved:
    ref: str  # the name that resolved: ``base`` or ``origin/<base>``
    sha: str


def resolve_ref(root: Path, base: str) -> Resolved | None:
    """``base``, else ``origin/<base>`` (a CI checkout has only the remote branch): the one
    place that lookup is written.  ``None`` when neither names a commit."""
    for ref in (base, f"origin/{base}"):
        try:
            done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except FileNotFoundError:
            return None
        if done.returncode == 0:
            return Resolved(ref, done.stdout.strip())
    return None


def head_commit(root: Path) -> str | None:
    """The commit checked out in ``root`` (``None`` outside git)."""
    try:
        done = _git(root, "rev-parse", "HEAD")
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def is_repository(root: Path) -> bool:
    try:
        return _git(root, "rev-parse", "--git-dir").returncode == 0
    except FileNotFoundError:
        return False


def base_tree(root: Path, base: str, under: str = "handoffs") -> BaseTree:
    """Which files under ``under`` exist on ``base`` (or ``origin/<base>``, as in CI)."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
    except FileNotFoundError:
        return BaseTree(base, None, "git is not installed")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return BaseTree(base, None, f"{root} is not inside a git repository")
    resolved = resolve_ref(root, base)
    if resolved is None:
        # No base branch yet (a brand-new repository): nothing has been approved.
        return BaseTree(base, frozenset())
    listed = _git(root, "ls-tree", "-r", "--name-only", "-z", resolved.ref, "--", under)
    # ls-tree prints paths relative to the directory it runs in: ``root``.
    return BaseTree(resolved.ref, frozenset(p for p in listed.stdout.split("\0") if p))


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The contents of ``blobs`` (shas), read by one ``git cat-file --batch`` process; a
    HandoffError if one cannot be read (the metrics name only blobs they saw in a tree)."""
    wanted = sorted(set(blobs))
    contents: dict[str, bytes] = {}
    for sha, data in zip(wanted, _cat_file_batch(root, wanted), strict=True):
        if data is None:
            raise HandoffError(f"git cat-file could not read blob {sha}")
        contents[sha] = data
    return contents


def _cat_file_batch(root: Path, specs: Sequence[str]) -> list[bytes | None]:
    """Each object ``specs`` names (a sha or ``REF:PATH``), in order, by one ``git cat-file --batch``;
    ``None`` for one git reports missing (or ambiguous).  The one reader of that output format."""
    if not specs:
        return []
    raw = run_bytes(root, "cat-file", "--batch", stdin=("\n".join(specs) + "\n").encode())
    found: list[bytes | None] = []
    position = 0
    for _ in specs:
        header_end = raw.index(b"\n", position)
        header = raw[position:header_end].split(b" ")
        position = header_end + 1
        # "<spec> missing" / "<spec> ambiguous" (a REF:PATH spec may itself hold spaces): no content follows.
        if len(header) != 3 or header[-1] in (b"missing", b"ambiguous"):
            found.append(None)
            continue
        size = int(header[2])
        found.append(raw[position : position + size])
        position += size + 1  # the content is followed by a newline
    return found


# The trailer that records who approved a merge (``handoff merge`` writes one per approver).
# Read by git's own trailer parser (the message's last paragraph), for the site, gate and
# metrics alike: ``APPROVED_BY_FORMAT`` lists the values, separated by ``TRAILER_SEPARATOR``.
APPROVED_BY = "Approved-by"
TRAILER_SEPARATOR = "\x1d"
APPROVED_BY_FORMAT = f"%(trailers:key={APPROVED_BY},valueonly,separator=%x1d)"


@dataclass(frozen=True)
class MainlineCommit:
    """A commit on a branch's first-parent line (what merging into it looks like)."""

    sha: str
    parents: int
    committed_at: str  # ISO 8601, committer date
    committer: str
    message: str
    paths: tuple[str, ...]  # files it changed relative to its first parent
    approved_by: tuple[str, ...] = ()  # its `Approved-by:` trailers' values, as git parses trailers


_RECORD, _FIELD = "\x1e", "\x1f"


def mainline_history(root: Path, ref: str, under: str = "handoffs") -> list[MainlineCommit] | None:
    """Every first-parent commit of ``ref`` that changed a file under ``under``, newest first.

    One ``git log`` for the whole tree (not one per file) so a site of thousands of
    handoffs reads history once.  ``None`` when ``root`` is not a repository or ``ref``
    (nor ``origin/<ref>``) does not exist, e.g. in a shallow pull-request checkout.
    """
    import git  # GitPython: only the commands that read history pay for it

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    found = resolve_ref(root, ref)
    if found is None:
        return None
    resolved = found.ref
    prefix = Path(root).resolve().relative_to(Path(repo.working_tree_dir or root).resolve()).as_posix()
    scope = under if prefix == "." else f"{prefix}/{under}"
    fmt = f"{_RECORD}%H{_FIELD}%P{_FIELD}%cI{_FIELD}%cn{_FIELD}{APPROVED_BY_FORMAT}{_FIELD}%B{_FIELD}"
    out = repo.git.log("--first-parent", f"--format={fmt}", "--name-only", resolved, "--", scope)
    commits = []
    for record in out.split(_RECORD)[1:]:
        sha, parents, date, committer, approved_by, message, names = record.split(_FIELD)
        paths = tuple(_strip_prefix(n.strip(), prefix) for n in names.splitlines() if n.strip())
        values = tuple(approved_by.split(TRAILER_SEPARATOR))
        commits.append(MainlineCommit(sha, len(parents.split()), date, committer, message.strip(), paths, values))
    return commits


def _strip_prefix(path: str, prefix: str) -> str:
    return path if prefix == "." else path.removeprefix(f"{prefix}/")


# --- history questions for the pull-request commands (GitPython, imported lazily) ------


@dataclass(frozen=True)
class ChangedPath:
    """One file a range of commits changed (``old_path`` differs only for renames)."""

    status: str  # A, M, D, R, ...
    path: str
    old_path: str


def _open(root: Path) -> git.Repo:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ValueError(f"{root} is not inside a git repository") from None


def _commit(repo: git.Repo, ref: str) -> git.Commit:
    """The commit ``ref`` names; ValueError (never GitPython's own exceptions) if none."""
    import git

    try:
        return repo.commit(ref)
    except (git.BadName, git.BadObject, ValueError):
        raise ValueError(f"no commit named {ref!r}") from None


def resolve_commit(root: Path, ref: str) -> str:
    """The full sha ``ref`` names (or ``origin/<ref>``); ValueError if none."""
    _open(root)  # a clear "not a git repository" first
    found = resolve_ref(root, ref)
    if found is None:
        raise ValueError(f"no commit named {ref!r} in {root}")
    return found.sha


def merge_base(root: Path, base: str, head: str) -> str | None:
    """The newest common ancestor of ``base`` and ``head`` (``None`` for unrelated histories)."""
    repo = _open(root)
    found = repo.merge_base(_commit(repo, base), _commit(repo, head))
    return str(found[0].hexsha) if found else None


def changed_paths(root: Path, base: str, head: str) -> list[ChangedPath]:
    """What ``base...head`` changed: from the merge base to ``head``, as a pull request shows it."""
    repo = _open(root)
    start = merge_base(root, base, head) or base
    changes: list[ChangedPath] = []
    for diff in _commit(repo, start).diff(_commit(repo, head)):
        status = diff.change_type or "M"
        path = diff.b_path if status != "D" else diff.a_path
        changes.append(ChangedPath(status, str(path), str(diff.a_path or path)))
    return sorted(changes, key=lambda c: c.path)


def file_at(root: Path, ref: str, path: str) -> str | None:
    """The text of ``path`` at ``ref`` (``None`` if it does not exist there); ValueError for a bad ref."""
    repo = _open(root)
    try:
        blob = _commit(repo, ref).tree / path
    except KeyError:
        return None
    data: bytes = blob.data_stream.read()
    return data.decode("utf-8", errors="replace")


def files_at(root: Path, ref: str) -> list[str]:
    """Every file path at ``ref``, relative to the repository; ValueError for a bad ref."""
    repo = _open(root)
    listing: str = repo.git.ls_tree("-r", "--name-only", "-z", _commit(repo, ref).hexsha)
    return sorted(path for path in listing.split("\0") if path)


# --- plumbing for `handoff crm sync` (and the pushes of `handoff open-pr`) ---------------------

# Who commits when a workflow has no git identity: the GitHub Actions bot.
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


def names_commit(root: Path, ref: str) -> bool:
    """Whether ``ref`` names a commit in ``root`` (exactly ``ref``: no ``origin/`` fallback)."""
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0
    except FileNotFoundError:
        return False


def bot_identity(root: Path) -> list[str]:
    """``-c user.name/-c user.email`` for a bot run where no identity is configured (else nothing)."""
    if _git(root, "config", "user.email").returncode == 0:
        return []
    return ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]


def run(root: Path, *args: str, stdin: str | None = None) -> str:
    """``git ARGS`` in ``root``; its output, or a :class:`HandoffError` with git's own message."""
    from handoffs.errors import HandoffError

    result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HandoffError(f"git {_named(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _named(args: tuple[str, ...]) -> str:
    """The command as an error names it: without ``-c NAME=VALUE`` options, which may hold the token."""
    rest = list(args)
    while len(rest) >= 2 and rest[0] == "-c":
        rest = rest[2:]
    return " ".join(rest[:2])


def token_config(root: Path, remote: str) -> list[str]:
    """``-c http.extraheader=…`` giving ``GITHUB_TOKEN`` to one command that talks to ``remote``.

    In a workflow the checkout keeps no credentials (``persist-credentials: false``), so each
    fetch or push that needs them gets the token for that command only; nothing is stored.
    """
    import base64
    import os

    token = os.environ.get("GITHUB_TOKEN")
    url = _git(root, "remote", "get-url", remote).stdout.strip()
    if not token or not url.startswith("https://"):
        return []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return ["-c", f"http.extraheader=AUTHORIZATION: basic {basic}"]


def run_remote(root: Path, remote: str, *args: str) -> str:
    """A git command that talks to ``remote`` (fetch, ls-remote, push), with the token if there is one."""
    return run(root, *token_config(root, remote), *args)


def blobs(root: Path, specs: list[str]) -> list[str | None]:
    """Many ``REF:PATH`` blobs as text, in one ``git cat-file --batch`` (``None`` for a missing one)."""
    return [None if data is None else data.decode("utf-8", "replace") for data in _cat_file_batch(root, specs)]
