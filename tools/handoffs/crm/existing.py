"""Which deals already have a handoff: on the base branch, and on every ``handoff/*`` branch.

A deal is matched on its CRM system, ``crm.id`` and handoff ``type``.  Branches cover
pull requests that are still open (and a branch pushed by a run that died before its
pull request was opened).  Reading the refs is fail-closed: if the remote cannot be
read, the sync stops rather than risk opening a second handoff for the same deal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoffs.document import yamlsafe
from handoffs.document.frontmatter_split import SplitProblem, split
from handoffs.errors import HandoffError
from handoffs.git import blobs, run, run_remote

BRANCH_PREFIX = "handoff/"


@dataclass(frozen=True)
class Existing:
    path: str
    ref: str
    on_base: bool
    system: str
    crm_id: str
    type: str
    team: str
    front: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.system, self.crm_id, self.type)


def scan(root: Path, base: str, remote: str, handoffs_dir: str) -> list[Existing]:
    """Every handoff on ``base`` and on the ``handoff/*`` branches (remote and local)."""
    remotes = run(root, "remote").split()
    refs: list[tuple[str, bool]] = []
    if remote in remotes:
        # Fail closed: a remote we cannot read would hide handoffs already opened.
        run_remote(
            root,
            remote,
            "fetch",
            "-q",
            "--prune",
            remote,
            f"+refs/heads/{base}:refs/remotes/{remote}/{base}",
            f"+refs/heads/{BRANCH_PREFIX}*:refs/remotes/{remote}/{BRANCH_PREFIX}*",
        )
        refs.append((f"refs/remotes/{remote}/{base}", True))
        pattern = f"refs/remotes/{remote}/{BRANCH_PREFIX}"
    else:
        refs.append((f"refs/heads/{base}", True))
        pattern = ""
    listed = run(
        root, "for-each-ref", "--format=%(refname)", f"refs/heads/{BRANCH_PREFIX}", *([pattern] if pattern else [])
    )
    refs += [(ref, False) for ref in listed.split()]
    found: dict[tuple[str, str, str, str], Existing] = {}
    for ref, on_base in refs:
        for item in _handoffs_at(root, ref, on_base, handoffs_dir):
            found.setdefault((item.path, *item.key), item)
    return list(found.values())


def _handoffs_at(root: Path, ref: str, on_base: bool, handoffs_dir: str) -> list[Existing]:
    try:
        names = run(root, "ls-tree", "-r", "--name-only", ref, "--", f"{handoffs_dir}/").split("\n")
    except HandoffError:
        return []  # an unborn base branch: no handoffs yet
    paths = [n for n in names if n.endswith(".md")]
    if not paths:
        return []
    texts = blobs(root, [f"{ref}:{p}" for p in paths])
    items = []
    for path, text in zip(paths, texts, strict=True):
        front = read_front(text or "")
        crm, to = mapping_at(front, "crm"), mapping_at(front, "to")
        if crm.get("id") is None:
            continue
        items.append(
            Existing(
                path=path,
                ref=ref,
                on_base=on_base,
                system=str(crm.get("system", "")),
                crm_id=str(crm["id"]),
                type=str(front.get("type", "")),
                team=str(to.get("team", "")),
                front=front,
            )
        )
    return items


def read_front(text: str) -> dict[str, Any]:
    """The front matter as plain data, leniently: a handoff with a typo still names its deal."""
    parts = split(tuple(text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")))
    if isinstance(parts, SplitProblem):
        return {}
    data = yamlsafe.load(parts.yaml, first_line=parts.yaml_line).data
    return data if isinstance(data, dict) else {}


def mapping_at(front: dict[str, Any], key: str) -> dict[str, Any]:
    """``front[key]`` when it is a mapping, else empty (a malformed file names nothing)."""
    value = front.get(key)
    return value if isinstance(value, dict) else {}


def approved_at(root: Path, item: Existing) -> dt.datetime | None:
    """When the handoff reached the base branch: the commit that added it there."""
    # --first-parent: on the base branch, the merge that brought the file in (the joint approval).
    out = run(root, "log", "--first-parent", "--diff-filter=A", "--format=%cI", "-1", item.ref, "--", item.path)
    out = out.strip()
    return dt.datetime.fromisoformat(out) if out else None
