"""Adopting a pinned release: the files a team's own repository holds, and thin workflows.

An adopting repository keeps its handoffs, its rules (``schema/``), the site's
configuration (``mkdocs.yml``, ``site-src/``), its evidence and the GitHub files
(forms, pull-request template, workflows).  It holds no ``tools/``: each workflow
installs the tool with ``<source>/.github/actions/setup-handoff@<commit>``, the
composite action of the release, which installs the release it is part of.

The workflows are this repository's own, tested here, with the one line that
names the local action replaced by the pinned reference.  Everything is read
from the release's commit (not its working tree), so the files and the pin
always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handoffs.errors import HandoffError

SETUP_ACTION = ".github/actions/setup-handoff"
WORKFLOWS_DIR = ".github/workflows/"
# The release's own CI: an adopting repository has no test suite of this project.
NOT_SHIPPED = frozenset({".github/workflows/self-check.yml"})
# What a team starts from and then owns (copied once, never overwritten).
STARTER_PREFIXES = ("schema/", "site-src/", "site-theme/", ".github/ISSUE_TEMPLATE/")
STARTER_FILES = ("mkdocs.yml", ".github/PULL_REQUEST_TEMPLATE.md", ".github/dependabot.yml")

_LOCAL_USE = re.compile(r"^(?P<indent>[ \t]+)uses: \./\.github/actions/setup-handoff\b.*$", re.MULTILINE)
_LOCAL_NOTE = re.compile(
    r"^[ \t]+# This repository's own action, as adopting repositories use it[^\n]*\n", re.MULTILINE
)
_VERSION = re.compile(r'^__version__ = "(?P<version>\d+\.\d+\.\d+)"$', re.MULTILINE)
_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Release:
    """Where the release is published, the commit pinned, and its version."""

    source: str  # owner/name on GitHub
    commit: str  # 40 hex digits
    version: str  # X.Y.Z

    @property
    def action(self) -> str:
        return f"{self.source}/{SETUP_ACTION}@{self.commit} # v{self.version}"


def release_of(source: str, commit: str, init_text: str | None) -> Release:
    """The release at ``commit``, its version read from its ``tools/handoffs/__init__.py``."""
    if not _SLUG.match(source):
        raise HandoffError(f"--source {source!r}: expected the release's GitHub repository as owner/name")
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise HandoffError(f"{commit!r} is not a full commit sha")
    match = _VERSION.search(init_text or "")
    if match is None:
        raise HandoffError(
            "the release has no tools/handoffs/__init__.py with a __version__: is it a Handoffs release?"
        )
    return Release(source, commit, match["version"])


def is_shipped_workflow(path: str) -> bool:
    return path.startswith(WORKFLOWS_DIR) and path.endswith((".yml", ".yaml")) and path not in NOT_SHIPPED


def is_starter_file(path: str) -> bool:
    return path.startswith(STARTER_PREFIXES) or path in STARTER_FILES


def thin_workflow(name: str, text: str, release: Release) -> str:
    """``text`` (a workflow of the release) for an adopting repository, pinned to ``release``.

    Each job's "Set up Python" + "pip install the tool" pair, where a workflow still
    installs the tool itself, becomes the pinned action too.  Anything left that
    would need the release's sources fails loudly rather than shipping a workflow
    that breaks in the team's repository.
    """
    pinned = _LOCAL_NOTE.sub("", text)
    pinned = _LOCAL_USE.sub(lambda m: f"{m['indent']}uses: {release.action}", pinned)
    pinned = _replace_self_install(pinned, release)
    leftovers = [marker for marker in ("./.github/", "pip install", "requirements/") if marker in pinned]
    if leftovers:
        raise HandoffError(f"{name}: cannot adapt it for an adopting repository (still uses {', '.join(leftovers)})")
    return pinned


def _replace_self_install(text: str, release: Release) -> str:
    """Steps that set Python up or pip-install the checkout (from the lock) → the pinned action.

    A workflow that installs the tool itself (rather than through the local action)
    has a ``actions/setup-python`` step and a step running ``pip install
    --require-hashes``: the first is dropped (the action sets Python up), the second
    becomes the pinned action, wherever they sit in the job.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        item = re.match(r"^(?P<indent>[ \t]+)- ", lines[i])
        if item:
            end = _step_end(lines, i, item["indent"])
            block = "".join(lines[i:end])
            if "uses: actions/setup-python@" in block:
                i = end
                while i < len(lines) and not lines[i].strip():
                    i += 1
                continue
            if "pip install --require-hashes" in block:
                indent = item["indent"]
                out += [f"{indent}- name: Set up the handoff CLI\n", f"{indent}  uses: {release.action}\n"]
                i = end
                continue
        out.append(lines[i])
        i += 1
    return "".join(out)


def _step_end(lines: list[str], start: int, indent: str) -> int:
    """The index just past the step starting at ``start`` (the next step or a shallower line)."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip():
            depth = len(line) - len(line.lstrip())
            if depth < len(indent) or (depth == len(indent) and line.lstrip().startswith("- ")):
                break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # trailing blank lines belong to the gap
        end -= 1
    return end


def release_notes(changelog: str | None, version: str) -> str | None:
    """The CHANGELOG.md entry of ``version`` (its heading to the next release's), if there is one."""
    if not changelog:
        return None
    start = re.search(rf"^## {re.escape(version)}\b.*$", changelog, flags=re.MULTILINE)
    if start is None:
        return None
    end = re.compile(r"^## ", re.MULTILINE).search(changelog, start.end())
    return changelog[start.start() : end.start() if end else len(changelog)].strip()
