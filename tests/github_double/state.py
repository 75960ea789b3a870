"""The double's in-memory GitHub: users, repositories and what lives in them.

Tests seed it directly (``double.state.add_repo("acme/handoffs").add_pull(...)``) and
inspect it after the code under test ran. Handlers mutate it under ``state.lock``. The
model keeps GitHub's own identities: pull requests are issues with a ``pull`` part
(they share numbers, labels and comments), labels are matched case-insensitively, and
every object gets a unique id from one counter. Time comes from a fake clock that ticks
one second per event, so ordering by timestamps is deterministic.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING")
STATUS_STATES = ("error", "failure", "pending", "success")
DEFAULT_VIEWER = "handoffs-bot"


def fake_sha(*parts: object) -> str:
    """A stable 40-hex commit id derived from its inputs."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()  # noqa: S324 - ids, not security


def _git(git_dir: Path | None, *args: str) -> str | None:
    """Run a read-only git command in ``git_dir``; None when there is none or it fails."""
    if git_dir is None:
        return None
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else None


def _seeded_contents(changes: list[FileChange]) -> dict[str, str | None]:
    """What seeded file changes do to the head commit's tree."""
    tree: dict[str, str | None] = {}
    for change in changes:
        if change.status == "removed":
            tree[change.filename] = None
        elif change.content is not None:
            tree[change.filename] = change.content
        if change.previous_filename:
            tree[change.previous_filename] = None
    return tree


def iso(moment: datetime) -> str:
    """GitHub's timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class User:
    """A GitHub account (``type`` is ``User``, ``Bot`` or ``Organization``)."""

    login: str
    id: int
    type: str = "User"
    name: str | None = None
    email: str | None = None
    created_at: str = "2020-01-01T00:00:00Z"


@dataclass
class Team:
    """A team that can be requested as reviewer (``org/slug``)."""

    slug: str
    id: int
    org: str
    name: str = ""
    members: list[str] = field(default_factory=list)


@dataclass
class Label:
    """A repository label; issues refer to labels by name."""

    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class IssueComment:
    """A comment on an issue or a pull request's conversation."""

    id: int
    issue_number: int
    user: str
    body: str
    created_at: str
    updated_at: str


@dataclass
class Review:
    """A submitted pull-request review."""

    id: int
    user: str
    state: str
    commit_id: str | None
    submitted_at: str | None
    body: str = ""


@dataclass
class FileChange:
    """One entry of a pull request's changed files."""

    filename: str
    status: str = "modified"
    additions: int = 1
    deletions: int = 0
    patch: str | None = None
    previous_filename: str | None = None
    sha: str = ""
    content: str | None = None  # the file at the head commit (None: not seeded / removed)


@dataclass
class Commit:
    """A commit the double knows (pull-request commits, branch heads)."""

    sha: str
    message: str
    author: str
    date: str
    parents: list[str] = field(default_factory=list)
    tree: dict[str, str] = field(default_factory=dict)  # path -> content (full snapshot)


@dataclass
class Status:
    """A commit status (the "Joint approval" check is one)."""

    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: str
    updated_at: str


@dataclass
class Ruleset:
    """A repository ruleset, kept as GitHub echoes it back."""

    id: int
    name: str
    target: str
    enforcement: str
    conditions: dict[str, Any] | None
    rules: list[dict[str, Any]]
    bypass_actors: list[dict[str, Any]]
    created_at: str
    updated_at: str


@dataclass
class Environment:
    """An Actions environment and the branches allowed to deploy to it."""

    id: int
    name: str
    created_at: str
    updated_at: str
    protected_branches: bool = False
    custom_branch_policies: bool = False
    branch_policies: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, type)
    secrets: list[str] = field(default_factory=list)  # names only: GitHub never shows a value


@dataclass
class App:
    """A GitHub App (``slug`` is how it is looked up; ``id`` is its integration id)."""

    id: int
    slug: str
    name: str
    owner: str


@dataclass
class Branch:
    """A branch head and its classic protection settings (as last PUT)."""

    name: str
    sha: str
    protection: dict[str, Any] | None = None


@dataclass
class PullPart:
    """What a pull request adds to an issue."""

    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    files: list[FileChange] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)


@dataclass
class Issue:
    """An issue, or a pull request when ``pull`` is set."""

    repo: Repo = field(repr=False, compare=False)
    number: int
    id: int
    title: str
    body: str | None
    user: str
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    locked: bool = False
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    pull: PullPart | None = None

    # -- seeding helpers for tests -------------------------------------------------------

    @property
    def head_sha(self) -> str:
        """The pull request's head commit."""
        return self._pull().head_sha

    def add_review(
        self,
        user: str,
        state: str = "APPROVED",
        *,
        commit_id: str | None = None,
        submitted_at: str | None = None,
        body: str = "",
    ) -> Review:
        """Seed a submitted review (defaults to one on the current head commit)."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state must be one of {REVIEW_STATES}, not {state!r}")
        gh = self.repo.state
        gh.user(user)
        review = Review(
            id=gh.next_id(),
            user=user,
            state=state,
            commit_id=commit_id or self._pull().head_sha,
            submitted_at=submitted_at or gh.tick(),
            body=body,
        )
        self._pull().reviews.append(review)
        return review

    def push(self, message: str = "Update", *, author: str | None = None) -> str:
        """Add a commit on the pull request's head branch; returns its sha."""
        part = self._pull()
        commit = self.repo.add_commit(
            message, author=author or self.user, parents=[part.head_sha], branch=part.head_ref
        )
        part.head_sha = commit.sha
        part.commits.append(commit.sha)
        self.updated_at = self.repo.state.tick()
        return commit.sha

    def update_branch(self, by: str | None = None) -> str:
        """GitHub's "Update branch": merge the base branch's tip into the head; returns the new head.

        The merge takes the base's tree with the pull request's own changes on top (the
        double knows no conflicts: a path both sides changed keeps the pull request's version).
        """
        part = self._pull()
        repo = self.repo
        base_tip = repo.resolve_ref(part.base_ref)
        own = repo.tree_changes(repo.merge_base(base_tip, part.head_sha) or base_tip, part.head_sha)
        tree = dict(repo.commits[base_tip].tree)
        for path, content in own.items():
            if content is None:
                tree.pop(path, None)
            else:
                tree[path] = content
        commit = repo.add_commit(
            f"Merge branch '{part.base_ref}' into {part.head_ref}",
            author=by or self.user,
            parents=[part.head_sha, base_tip],
            branch=part.head_ref,
        )
        commit.tree = tree
        part.head_sha, part.base_sha = commit.sha, base_tip
        part.commits.append(commit.sha)
        self.updated_at = repo.state.tick()
        return commit.sha

    def merge(self, by: str | None = None, *, message: str | None = None, method: str = "merge") -> str:
        """Merge the pull request into its base branch; returns the new commit's sha.

        ``message`` is the commit message (GitHub's default when not given). With a git
        repository attached the merge (or squash) commit is made there, as GitHub does.
        """
        part = self._pull()
        gh = self.repo.state
        merger = by or gh.viewer
        text = message or f"Merge pull request #{self.number} from {self.repo.owner}/{part.head_ref}"
        learned = self.repo.branch_from_git(part.base_ref) if self.repo.git_dir is not None else None
        base_sha = learned.sha if learned is not None else part.base_sha
        parents = [base_sha] if method == "squash" else [base_sha, part.head_sha]
        made = self.repo.commit_merge_in_git(base_sha, part.head_sha, parents, text, part.base_ref)
        commit = self.repo.add_commit(text, author=merger, parents=parents, branch=part.base_ref, sha=made)
        now = gh.tick()
        part.merged, part.merged_at, part.merged_by = True, now, merger
        part.merge_commit_sha = commit.sha
        self.state, self.closed_at, self.updated_at = "closed", now, now
        return commit.sha

    def _pull(self) -> PullPart:
        if self.pull is None:
            raise TypeError(f"#{self.number} is an issue, not a pull request")
        return self.pull


@dataclass
class Repo:
    """One repository ``owner/name`` and everything the double keeps in it."""

    state: GitHubState = field(repr=False, compare=False)
    owner: str
    name: str
    id: int
    default_branch: str = "main"
    private: bool = False
    visibility: str | None = None  # "internal" on Enterprise; None: from ``private``
    # The GitHub Pages site: None when Pages is off; else ``{"public": bool, …}`` as GitHub shows it.
    pages: dict[str, Any] | None = None
    description: str | None = None
    created_at: str = "2023-01-01T00:00:00Z"
    labels: dict[str, Label] = field(default_factory=dict)  # key: name.casefold()
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, IssueComment] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    rulesets: dict[int, Ruleset] = field(default_factory=dict)
    branches: dict[str, Branch] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    collaborators: list[str] = field(default_factory=list)
    environments: dict[str, Environment] = field(default_factory=dict)  # key: name.casefold()
    secrets: list[str] = field(default_factory=list)  # repository Actions secrets, names only
    git_dir: Path | None = None  # a real (bare) repository to read unknown branches/files from

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    # -- seeding helpers for tests -------------------------------------------------------

    def add_commit(
        self,
        message: str = "Commit",
        *,
        author: str | None = None,
        parents: list[str] | None = None,
        sha: str | None = None,
        branch: str | None = None,
        files: dict[str, str | None] | None = None,
    ) -> Commit:
        """Record a commit (optionally moving ``branch`` to it).

        Its tree is the first parent's with ``files`` applied (``None`` deletes a path).
        """
        gh = self.state
        when = gh.tick()
        login = author or self.owner
        gh.user(login)
        parent_list = list(parents or [])
        base = self.commits.get(parent_list[0]) if parent_list else None
        tree = dict(base.tree) if base is not None else {}
        for path, content in (files or {}).items():
            if content is None:
                tree.pop(path, None)
            else:
                tree[path] = content
        commit = Commit(
            sha=sha or fake_sha(self.full_name, message, when, gh.next_id()),
            message=message,
            author=login,
            date=when,
            parents=parent_list,
            tree=tree,
        )
        self.commits[commit.sha] = commit
        if branch is not None:
            self.add_branch(branch, commit.sha)
        return commit

    def add_branch(self, name: str, sha: str | None = None) -> Branch:
        """Create or move a branch (to a new commit when ``sha`` is not given)."""
        if sha is None:
            sha = self.add_commit(f"Start {name}").sha
        branch = self.branches.get(name)
        if branch is None:
            branch = self.branches[name] = Branch(name=name, sha=sha)
        branch.sha = sha
        return branch

    def add_file(self, path: str, content: str, *, ref: str | None = None) -> None:
        """Serve ``path`` with ``content`` through the contents API at ``ref``.

        ``ref`` is a known sha or branch (default: the default branch). Commits made later
        on top of it inherit the file, as in git.
        """
        sha = self.resolve_ref(ref or self.default_branch)
        commit = self.commits.get(sha)
        if commit is None:
            raise KeyError(f"{self.full_name} has no commit {ref!r}: seed it first")
        commit.tree[path] = content

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> Label:
        """Create (or return the existing) label."""
        existing = self.labels.get(name.casefold())
        if existing is not None:
            return existing
        label = Label(id=self.state.next_id(), name=name, color=color, description=description)
        self.labels[name.casefold()] = label
        return label

    def add_issue(
        self,
        title: str,
        *,
        user: str | None = None,
        body: str | None = None,
        labels: list[str] | None = None,
        assignees: list[str] | None = None,
        state: str = "open",
    ) -> Issue:
        """Seed an issue."""
        gh = self.state
        login = user or gh.viewer
        for name in [login, *(assignees or [])]:
            gh.user(name)
        now = gh.tick()
        issue = Issue(
            repo=self,
            number=self.next_number(),
            id=gh.next_id(),
            title=title,
            body=body,
            user=login,
            created_at=now,
            updated_at=now,
            state=state,
            closed_at=now if state == "closed" else None,
            assignees=list(assignees or []),
        )
        issue.labels = [self.add_label(n).name for n in labels or []]
        self.issues[issue.number] = issue
        return issue

    def add_pull(
        self,
        title: str = "Add handoff",
        *,
        user: str = "alice",
        head: str = "handoff-branch",
        base: str | None = None,
        body: str | None = "",
        files: list[str | FileChange] | None = None,
        commits: int = 1,
        draft: bool = False,
        labels: list[str] | None = None,
    ) -> Issue:
        """Seed an open pull request with ``commits`` commits changing ``files``."""
        base_ref = base or self.default_branch
        base_branch = self.branches.get(base_ref) or self.add_branch(base_ref)
        issue = self.add_issue(title, user=user, body=body, labels=labels)
        changes = [f if isinstance(f, FileChange) else FileChange(filename=f) for f in files or []]
        parent = base_branch.sha
        shas: list[str] = []
        count = max(commits, 1)
        for index in range(count):
            last = index == count - 1
            commit = self.add_commit(
                f"{title} ({index + 1})",
                author=user,
                parents=[parent],
                files=_seeded_contents(changes) if last else None,
            )
            shas.append(commit.sha)
            parent = commit.sha
        self.add_branch(head, parent)
        for change in changes:
            change.sha = change.sha or fake_sha(change.filename, parent)
        issue.pull = PullPart(
            head_ref=head,
            head_sha=parent,
            base_ref=base_ref,
            base_sha=base_branch.sha,
            draft=draft,
            files=changes,
            commits=shas,
        )
        return issue

    def add_comment(self, number: int, body: str, *, user: str | None = None) -> IssueComment:
        """Seed a comment on issue/pull request ``number``."""
        gh = self.state
        login = user or gh.viewer
        gh.user(login)
        now = gh.tick()
        comment = IssueComment(gh.next_id(), number, login, body, now, now)
        self.comments[comment.id] = comment
        return comment

    def add_status(
        self,
        sha: str,
        state: str,
        context: str = "default",
        *,
        description: str | None = None,
        target_url: str | None = None,
        creator: str | None = None,
    ) -> Status:
        """Seed a commit status."""
        if state not in STATUS_STATES:
            raise ValueError(f"status state must be one of {STATUS_STATES}, not {state!r}")
        gh = self.state
        now = gh.tick()
        status = Status(
            gh.next_id(),
            sha,
            state,
            context,
            description,
            target_url,
            creator or gh.viewer,
            now,
            now,
        )
        self.statuses.append(status)
        return status

    def add_ruleset(
        self,
        name: str,
        *,
        target: str = "branch",
        enforcement: str = "active",
        conditions: dict[str, Any] | None = None,
        rules: list[dict[str, Any]] | None = None,
        bypass_actors: list[dict[str, Any]] | None = None,
    ) -> Ruleset:
        """Seed a repository ruleset."""
        gh = self.state
        now = gh.tick()
        ruleset = Ruleset(
            gh.next_id(),
            name,
            target,
            enforcement,
            conditions,
            list(rules or []),
            list(bypass_actors or []),
            now,
            now,
        )
        self.rulesets[ruleset.id] = ruleset
        return ruleset

    # -- queries --------------------------------------------------------------------------

    def next_number(self) -> int:
        """Issues and pull requests share one number sequence."""
        return max(self.issues, default=0) + 1

    def pull(self, number: int) -> Issue:
        """The pull request ``number`` (KeyError if there is none)."""
        issue = self.issues[number]
        if issue.pull is None:
            raise KeyError(number)
        return issue

    def pulls(self) -> list[Issue]:
        """All pull requests, oldest first."""
        return [i for i in self.issues.values() if i.pull is not None]

    def comments_on(self, number: int) -> list[IssueComment]:
        """The conversation of issue/pull request ``number``, oldest first."""
        return sorted((c for c in self.comments.values() if c.issue_number == number), key=lambda c: c.id)

    def statuses_for(self, ref: str) -> list[Status]:
        """Statuses of a sha or branch, newest first (as GitHub lists them)."""
        sha = self.resolve_ref(ref)
        return sorted((s for s in self.statuses if s.sha == sha), key=lambda s: -s.id)

    def resolve_ref(self, ref: str) -> str:
        """A branch name, ``heads/x`` or a sha → the sha (asking the attached git repo too)."""
        name = ref.removeprefix("refs/").removeprefix("heads/")
        branch = self.branches.get(name) or self.branch_from_git(name)
        return branch.sha if branch is not None else ref

    def file_at(self, ref: str, path: str) -> str | None:
        """The content of ``path`` at ``ref`` (seeded trees first, then the git repo)."""
        sha = self.resolve_ref(ref)
        commit = self.commits.get(sha)
        if commit is not None and path in commit.tree:
            return commit.tree[path]
        return _git(self.git_dir, "show", f"{sha}:{path}") if self.git_dir else None

    def attach_git(self, git_dir: Path) -> None:
        """Serve branches, commits and files that a test pushed to a real repository.

        ``handoff open-pr`` pushes with git, then opens the pull request through the API:
        with the pushed-to repository attached, the double knows the pushed branch. Seeded
        branches that the git repository also has (``main`` at least) are taken from git.
        """
        self.git_dir = git_dir
        for name in list(self.branches):
            if _git(git_dir, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"):
                del self.branches[name]
                self.branch_from_git(name)

    def commit_merge_in_git(self, base: str, head: str, parents: list[str], message: str, branch: str) -> str | None:
        """The merged tree of ``base`` and ``head`` committed on ``branch`` of the attached repository."""
        if self.git_dir is None or _git(self.git_dir, "cat-file", "-e", f"{head}^{{commit}}") is None:
            return None
        tree = _git(self.git_dir, "merge-tree", "--write-tree", base, head)
        if tree is None:
            raise ValueError(f"#{head[:12]} does not merge cleanly into {branch}")
        identity = {"GIT_AUTHOR_NAME": "GitHub", "GIT_AUTHOR_EMAIL": "noreply@github.com"}
        identity |= {"GIT_COMMITTER_NAME": "GitHub", "GIT_COMMITTER_EMAIL": "noreply@github.com"}
        args = ["git", f"--git-dir={self.git_dir}", "commit-tree", tree.split()[0], "-F", "-"]
        for parent in parents:
            args += ["-p", parent]
        made = subprocess.run(
            args, input=message, capture_output=True, text=True, check=True, env={**os.environ, **identity}
        ).stdout.strip()
        subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "update-ref", f"refs/heads/{branch}", made, base], check=True
        )
        return made

    def ancestors(self, sha: str) -> list[str]:
        """``sha`` and every commit it descends from, nearest first (breadth first)."""
        seen: list[str] = []
        queue = [sha]
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.commits:
                continue
            seen.append(current)
            queue.extend(self.commits[current].parents)
        return seen

    def merge_base(self, base: str, head: str) -> str | None:
        """The nearest commit of ``head``'s history that ``base`` also descends from."""
        base_history = set(self.ancestors(base))
        return next((sha for sha in self.ancestors(head) if sha in base_history), None)

    def tree_changes(self, start: str, end: str) -> dict[str, str | None]:
        """What ``end``'s tree changes against ``start``'s: path → new content (``None``: removed)."""
        before, after = self.commits[start].tree, self.commits[end].tree
        changed: dict[str, str | None] = {
            p: after.get(p) for p in set(before) | set(after) if before.get(p) != after.get(p)
        }
        return dict(sorted(changed.items()))

    def branch_from_git(self, name: str) -> Branch | None:
        """Learn branch ``name`` (and its head commit) from the attached git repository."""
        sha = _git(self.git_dir, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}^{{commit}}")
        if self.git_dir is None or not sha:
            return None
        sha = sha.strip()
        if sha not in self.commits:
            message = _git(self.git_dir, "log", "-1", "--format=%B", sha) or ""
            parents = (_git(self.git_dir, "log", "-1", "--format=%P", sha) or "").split()
            self.add_commit(message.strip() or name, author=self.owner, parents=parents, sha=sha)
        return self.add_branch(name, sha)

    def changes_from_git(self, base: str, head: str) -> list[FileChange]:
        """``git diff --name-status base...head`` of the attached repository as file changes."""
        listing = _git(self.git_dir, "diff", "--name-status", "--no-renames", f"{base}...{head}") or ""
        statuses = {"A": "added", "M": "modified", "D": "removed"}
        changes = []
        for line in listing.splitlines():
            code, _, path = line.partition("\t")
            status = statuses.get(code[:1], "modified")
            content = None if status == "removed" else _git(self.git_dir, "show", f"{head}:{path}")
            changes.append(FileChange(path, status=status, content=content, sha=fake_sha(path, head)))
        return changes


@dataclass
class GitHubState:
    """Everything the double knows. Mutate it under ``lock`` when the server is running."""

    base_url: str = "http://127.0.0.1"
    html_url: str = "https://github.com"
    viewer: str = DEFAULT_VIEWER
    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # key: "org/slug"
    repos: dict[str, Repo] = field(default_factory=dict)  # key: "owner/name".casefold()
    tokens: dict[str, str] = field(default_factory=dict)  # token -> login
    apps: dict[str, App] = field(default_factory=dict)  # key: slug
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001), repr=False)
    _clock: datetime = field(default_factory=lambda: datetime(2024, 5, 1, 9, 0, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        self.user(self.viewer, type="Bot")
        self.add_app("github-actions", app_id=15368, owner="github")  # as on github.com

    def add_environment(self, repo: Repo, name: str, *, branches: list[str] | None = None) -> Environment:
        """Seed an environment; ``branches``: deployments limited to them (None: from any branch)."""
        now = self.tick()
        env = Environment(self.next_id(), name, now, now, custom_branch_policies=branches is not None)
        env.branch_policies = [(self.next_id(), b, "branch") for b in branches or []]
        repo.environments[name.casefold()] = env
        return env

    def next_id(self) -> int:
        """A fresh, unique id for any object."""
        return next(self._ids)

    def tick(self) -> str:
        """Advance the fake clock by one second and return the new time."""
        self._clock += timedelta(seconds=1)
        return iso(self._clock)

    def user(self, login: str, *, type: str = "User", name: str | None = None) -> User:
        """Get or create the account ``login``."""
        found = self.users.get(login.casefold())
        if found is None:
            found = User(login=login, id=self.next_id(), type=type, name=name)
            self.users[login.casefold()] = found
        return found

    add_user = user

    def add_team(self, org: str, slug: str, members: list[str] | None = None) -> Team:
        """Create a team ``org/slug`` (members are created as users)."""
        for member in members or []:
            self.user(member)
        team = Team(slug=slug, id=self.next_id(), org=org, name=slug, members=list(members or []))
        self.teams[f"{org}/{slug}".casefold()] = team
        return team

    def add_app(self, slug: str, *, app_id: int | None = None, owner: str = "acme") -> App:
        """Register the GitHub App ``slug`` (GitHub Actions is ``github-actions``, id 15368 on github.com)."""
        self.user(owner, type="Organization")
        app = App(id=app_id or self.next_id(), slug=slug, name=slug, owner=owner)
        self.apps[slug] = app
        return app

    def add_token(self, token: str, login: str) -> None:
        """Requests with ``Authorization: token <token>`` act as ``login``."""
        self.user(login)
        self.tokens[token] = login

    def login_for(self, authorization: str | None) -> str:
        """Who a request acts as (unknown tokens act as the default viewer)."""
        if authorization:
            token = authorization.split(" ", 1)[-1].strip()
            if token in self.tokens:
                return self.tokens[token]
        return self.viewer

    def add_repo(self, full_name: str, *, default_branch: str = "main", private: bool = False) -> Repo:
        """Create (or return) repository ``owner/name`` with a first commit on its default branch."""
        existing = self.repos.get(full_name.casefold())
        if existing is not None:
            return existing
        owner, _, name = full_name.partition("/")
        if not owner or not name:
            raise ValueError(f"repository must be 'owner/name', not {full_name!r}")
        self.user(owner, type="Organization")
        repo = Repo(self, owner, name, self.next_id(), default_branch, private)
        self.repos[full_name.casefold()] = repo
        repo.add_commit("Initial commit", branch=default_branch)
        return repo

    def repo(self, full_name: str) -> Repo:
        """The repository ``owner/name`` (KeyError if it was never added)."""
        return self.repos[full_name.casefold()]
