"""Everything this tool asks git, behind one small module.

``handoff check`` must stay fast, so the one question it asks (which handoff files
exist on the base branch?) goes through the ``git`` command directly; commands
that need history (pull requests, metrics, the site) use GitPython, imported only
when they run.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BaseTree:
    """The files on the base branch, or why they could not be listed."""

    ref: str
    paths: frozenset[str] | None
    problem: str | None = None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)


def base_tree(root: Path, base: str, under: str = "handoffs") -> BaseTree:
    """Which files under ``under`` exist on ``base`` (tries ``origin/<base>`` too, as in CI)."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
    except FileNotFoundError:
        return BaseTree(base, None, "git is not installed")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return BaseTree(base, None, f"{root} is not inside a git repository")
    for ref in (base, f"origin/{base}"):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0:
            listed = _git(root, "ls-tree", "-r", "--name-only", "-z", ref, "--", under)
            # ls-tree prints paths relative to the directory it runs in: ``root``.
            return BaseTree(ref, frozenset(p for p in listed.stdout.split("\0") if p))
    # No base branch yet (a brand-new repository): nothing has been approved.
    return BaseTree(base, frozenset())
