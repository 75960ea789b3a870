"""A pull request world for the GitHub commands: a real git repository and the GitHub double.

``World`` keeps the two in step: the git repository (the base checkout the
workflows run in) and the double's repository ``acme/handoffs`` with the
pull requests, reviews and file contents the commands read through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factories import BODY, FRONT_MATTER, commit_all, git, handoff_text, make_repo
from tests.github_double.server import GitHubDouble
from tests.github_double.state import FileChange, Issue, Repo

REPOSITORY = "acme/handoffs"
HANDOFF = "handoffs/northwind-health/2026-11-23-implementation.md"
# The default handoff flags a pricing term; this one flags nothing.
PLAIN_BODY = BODY.replace("- 15% discount on year-one subscription fees (source: order form §5)", "None.")
PLAIN = handoff_text(FRONT_MATTER, PLAIN_BODY)


@dataclass
class World:
    root: Path
    double: GitHubDouble
    gh: Repo

    def commit_base(self, files: dict[str, str]) -> str:
        """Commit ``files`` on main in the base checkout; GitHub's main moves to the same commit."""
        for path, text in files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        sha = commit_all(self.root, "base")
        self.sync_main(files)
        return sha

    def sync_main(self, files: dict[str, str] | None = None) -> str:
        """Move the double's ``main`` to the checkout's HEAD: the run's code is then the branch tip."""
        sha = git(self.root, "rev-parse", "HEAD").strip()
        if sha not in self.gh.commits:
            parent = self.gh.resolve_ref("main")
            self.gh.add_commit("base", sha=sha, parents=[parent], branch="main", files=dict(files or {}))
        self.gh.add_branch("main", sha)
        return sha

    def open_pull(self, files: dict[str, str | None], *, author: str = "handoffs-bot") -> Issue:
        """A pull request changing ``files`` (``None``: removed); contents served at its head."""
        changes: list[str | FileChange] = [
            FileChange(
                filename=path,
                status="removed" if text is None else ("modified" if (self.root / path).exists() else "added"),
            )
            for path, text in files.items()
        ]
        pull = self.gh.add_pull("Add handoff", user=author, files=changes)
        for path, text in files.items():
            if text is not None:
                self.serve(pull.head_sha, path, text)
        return pull

    def serve(self, sha: str, path: str, text: str) -> None:
        """Make ``path`` readable through the contents API at commit ``sha``."""
        self.gh.add_file(path, text, ref=sha)

    def push(self, pull: Issue, files: dict[str, str]) -> str:
        """A new head commit on the pull request, with ``files`` changed in it."""
        sha = pull.push("Update")
        for path, text in files.items():
            self.serve(sha, path, text)
        return sha


PR_TEMPLATE = "## Handoff\n\n- Handoff file: `handoffs/<customer-slug>/<YYYY-MM-DD>-<type>.md`\n- Sales owner: @\n"


@pytest.fixture
def world(github_double: GitHubDouble, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    root = make_repo(tmp_path / "repo")
    (root / "README.md").write_text("handoffs\n", encoding="utf-8")
    commit_all(root, "initial")
    git(root, "branch", "-M", "main")
    monkeypatch.chdir(root)
    for name, value in github_double.environ(REPOSITORY).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HANDOFF_GITHUB_BACKOFF", "0")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    monkeypatch.delenv("GITHUB_WORKFLOW_SHA", raising=False)
    world = World(root, github_double, github_double.state.add_repo(REPOSITORY))
    world.sync_main()
    return world


@pytest.fixture
def origin(world: World, tmp_path: Path) -> Path:
    """A bare repository as ``origin``, attached to the double as the GitHub repository's git."""
    (world.root / ".github").mkdir()
    (world.root / ".github" / "PULL_REQUEST_PR_TEMPLATE.md").write_text(PR_TEMPLATE, encoding="utf-8")
    world.commit_base({})
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(world.root, "remote", "add", "origin", str(bare))
    git(world.root, "push", "-q", "origin", "main")
    world.gh.attach_git(bare)
    return bare
