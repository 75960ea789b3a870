"""Every version of every handoff file, from a fixed number of git processes, never one per commit.

``git log --all --topo-order`` (no diffs: cheap) lists every commit of every ref with
its tree and parents.  ``git log --no-walk --stdin --raw`` (one per core) prints, for
the commits not seen before, each one's diff against its *first* parent, of which the
``handoffs/`` part is kept; a diff depends only on the two trees, so each pair of trees
is diffed once.  Commits never change, so those diffs are cached in .git/ and a
recomputation only diffs new commits.  From the parent links we walk the base branch's
first-parent chain: a file's first version on that chain is its approval (a merge
commit, a squash commit or a fast-forwarded commit alike); later versions on the chain
are post-approval changes.  Versions on other commits are pull-request work; the earliest
version anywhere is the one first put up for review.  Blob contents are then read in
one ``git cat-file --batch`` process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from handoffs.approval_record import pull_number, trailer_approvers
from handoffs.errors import HandoffError
from handoffs.git import APPROVED_BY_FORMAT, TRAILER_SEPARATOR, head_commit, is_repository, resolve_ref, run_bytes


def _handoff_path(handoffs_dir: str) -> re.Pattern[str]:
    """``<handoffs_dir>/<customer>/<file>.md``, the id captured, in repository-relative git paths."""
    return re.compile(rf"^{re.escape(handoffs_dir)}/(?P<id>[^/]+/[^/]+)\.md$")


_ZERO = "0" * 40
_PARALLEL_DIFF = 1_000  # commits; below this, a second git process costs more than it saves
# The approvers a commit's `Approved-by:` trailers name (the offline record of who approved), then the subject.
_LOG_FORMAT = f"%x1e%H%x1f%T%x1f%P%x1f%ct%x1f{APPROVED_BY_FORMAT}%x1f%s"


@dataclass(frozen=True, slots=True)
class Version:
    commit: str
    time: dt.datetime
    blob: str | None  # None: the file was deleted by this commit
    pull: int | None = None  # the pull request named in the commit subject, if any
    approvers: tuple[str, ...] = ()  # the @handles its `Approved-by:` trailers name


@dataclass
class FileHistory:
    handoff_id: str
    first: Version | None = None  # earliest version on any ref (first review)
    main: list[Version] = field(default_factory=list)  # versions along the base branch, oldest first
    latest: Version | None = None  # newest version on any ref

    @property
    def approval(self) -> Version | None:
        """The first version on the base branch: the merge that approved it."""
        return next((v for v in self.main if v.blob is not None), None)

    @property
    def current(self) -> Version | None:
        """What the file says now: its version on the base branch, else its newest anywhere."""
        if self.main:
            return self.main[-1] if self.main[-1].blob is not None else None
        return self.latest


@dataclass(frozen=True)
class History:
    base: str | None  # the resolved base ref, or None when it does not exist yet
    files: dict[str, FileHistory]


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    time: dt.datetime
    changes: tuple[tuple[str, str | None], ...]  # (path, new blob or None for deleted)
    subject: str
    approvers: tuple[str, ...]


Changes = tuple[tuple[str, str | None], ...]


def _parse_changes(tokens: list[str]) -> Changes:
    """``:old_mode new_mode old_blob new_blob status`` NUL ``path`` pairs, as ``--raw -z`` prints them."""
    changes: list[tuple[str, str | None]] = []
    index = 1
    while index + 1 < len(tokens):
        meta = tokens[index].lstrip("\n")
        if not meta.startswith(":"):
            break
        new_blob = meta.split(" ")[3]
        changes.append((tokens[index + 1], None if new_blob == _ZERO else new_blob))
        index += 2
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class _Listed:
    sha: str
    tree: str
    parents: tuple[str, ...]
    time: dt.datetime
    subject: str
    approvers: tuple[str, ...]


def _list_commits(root: Path) -> list[_Listed]:
    """Every commit of every ref, children before parents; no diffs, so this is cheap."""
    raw = run_bytes(root, "log", "--all", "--topo-order", "-z", f"--format={_LOG_FORMAT}")
    listed = []
    for record in raw.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
        sha, tree, parents, stamp, trailers, subject = record.rstrip("\0").split("\x1f", 5)
        time = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
        approvers = trailer_approvers(trailers.split(TRAILER_SEPARATOR))
        listed.append(_Listed(sha, tree, tuple(parents.split()), time, subject, approvers))
    return listed


def _diff_distinct(root: Path, commits: list[_Listed], trees: dict[str, str], folder: str) -> dict[str, Changes]:
    """Each commit's changes, diffing each (first parent's tree, tree) pair only once.

    A diff depends only on the two trees, and the same pair recurs often: a pull
    request's commit and the merge commit that brings it in unchanged, a squash merge
    and its branch's head.  A commit with its parent's tree changed nothing.
    """
    empty: Changes = ()
    pairs = {c.sha: (trees.get(c.parents[0], "") if c.parents else "", c.tree) for c in commits}
    representative: dict[tuple[str, str], str] = {}
    for sha, (before, after) in pairs.items():
        if before != after:
            representative.setdefault((before, after), sha)
    diffed = _diff_commits(root, list(representative.values()), folder)
    return {sha: diffed[representative[pair]] if pair in representative else empty for sha, pair in pairs.items()}


def _diff_commits(root: Path, shas: list[str], folder: str) -> dict[str, Changes]:
    """Each commit's changes under ``folder`` (the handoffs folder) against its first parent.

    Diffing is git's slowest step (each diff walks the whole handoffs/ tree, so it grows
    with commits times files); the commits are split between one ``git log`` per core.
    """
    workers = min(os.cpu_count() or 1, 8) if len(shas) >= _PARALLEL_DIFF else 1
    shares = [shas[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:  # threads: the work is in the git processes
        parts = list(pool.map(lambda share: _diff_share(root, share, folder), shares))
    return {sha: changes for part in parts for sha, changes in part.items()}


def _diff_share(root: Path, shas: list[str], folder: str) -> dict[str, Changes]:
    """One ``git log`` run diffing ``shas``."""
    if not shas:
        return {}
    raw = run_bytes(
        root,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--no-renames",
        "--diff-merges=first-parent",
        "--raw",
        "--no-abbrev",
        "-z",
        "--format=%x1e%H",
        # No pathspec: matching one costs more than diffing everything (2.5x on a
        # 10,000-handoff history); other paths are dropped below.
        stdin=("\n".join(shas) + "\n").encode("ascii"),
    )
    empty: Changes = ()
    found = dict.fromkeys(shas, empty)  # commits git leaves out changed nothing under handoffs/
    for record in raw.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
        tokens = record.split("\0")
        found[tokens[0].strip()] = tuple(c for c in _parse_changes(tokens) if c[0].startswith(f"{folder}/"))
    return found


def _load_changes(path: Path | None, folder: str) -> dict[str, Changes]:
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("folder", "handoffs") != folder:
            return {}  # kept for another handoffs folder: those diffs dropped what this one needs
        return {sha: tuple((p, b) for p, b in rows) for sha, rows in data["changes"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # damaged: every commit is diffed again


def _save_changes(path: Path | None, changes: dict[str, Changes], folder: str) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        rows = {sha: [list(c) for c in cs] for sha, cs in changes.items()}
        temporary.write_text(json.dumps({"folder": folder, "changes": rows}, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return  # the cache only saves time


def _read_commits(root: Path, cache: Path | None, folder: str) -> list[_Commit]:
    """All commits with their handoff changes; a commit never changes, so its diff is cached."""
    listed = _list_commits(root)
    known = _load_changes(cache, folder)
    missing = [c for c in listed if c.sha not in known]
    if missing:
        known.update(_diff_distinct(root, missing, {c.sha: c.tree for c in listed}, folder))
        _save_changes(cache, {c.sha: known[c.sha] for c in listed}, folder)
    return [_Commit(c.sha, c.parents, c.time, known[c.sha], c.subject, c.approvers) for c in listed]


def _first_parent_chain(commits: dict[str, _Commit], tip: str) -> list[str]:
    chain: list[str] = []
    sha: str | None = tip
    while sha is not None and sha in commits:
        chain.append(sha)
        parents = commits[sha].parents
        sha = parents[0] if parents else None
    chain.reverse()
    return chain


def read_history(root: Path, base: str, cache: Path | None = None, handoffs_dir: str = "handoffs") -> History:
    """Every handoff file's versions: one cheap listing of commits, one ``git log`` for their diffs.

    ``cache`` (a JSON file) keeps each commit's diff, so a recomputation only diffs new commits.
    ``handoffs_dir`` is the handoffs folder relative to the repository root (schema/rules.yaml).
    """
    if not is_repository(root):
        raise HandoffError(f"{root} is not a git repository; metrics are computed from its history")
    resolved = resolve_ref(root, base)
    base_sha = resolved.sha if resolved else None
    if base_sha is None and head_commit(root) is None:
        return History(None, {})  # no commits at all
    ordered = _read_commits(root, cache, handoffs_dir)
    handoff_path = _handoff_path(handoffs_dir)
    by_sha = {c.sha: c for c in ordered}
    chain = _first_parent_chain(by_sha, base_sha) if base_sha else []
    files: dict[str, FileHistory] = {}
    # Walk oldest-first: --topo-order lists children before parents, so reversed()
    # gives an order where every version comes after the ones it was built on.
    for commit in reversed(ordered):
        for path, blob in commit.changes:
            match = handoff_path.match(path)
            if match is None:
                continue
            history = files.setdefault(match["id"], FileHistory(match["id"]))
            version = Version(commit.sha, commit.time, blob)
            if blob is not None:
                if history.first is None or version.time < history.first.time:
                    history.first = version
                if history.latest is None or version.time >= history.latest.time:
                    history.latest = version
    for sha in chain:
        for path, blob in by_sha[sha].changes:
            match = handoff_path.match(path)
            if match is not None:
                commit = by_sha[sha]
                files[match["id"]].main.append(
                    Version(sha, commit.time, blob, pull_number(commit.subject), commit.approvers)
                )
    return History(base_sha, files)
