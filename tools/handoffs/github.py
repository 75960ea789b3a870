"""Everything this tool asks GitHub, behind one small module.

PyGithub is imported here and only inside functions, so ``handoff check`` never
loads it.  Configuration follows GitHub Actions: ``GITHUB_TOKEN``,
``GITHUB_API_URL`` (GitHub Enterprise and the test double both work) and
``GITHUB_REPOSITORY``; command-line flags override them.

Every call goes through :meth:`GitHubRepo._call`, which retries server errors
(5xx) and rate limits with exponential backoff and then raises a
:class:`~handoffs.errors.GitHubError` naming what failed — a failure never looks
like success.  PyGithub's own retry is switched off so there is exactly one retry
policy, and it is injectable (tests use a zero delay).
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from handoffs.errors import GitHubError, UsageError

if TYPE_CHECKING:
    from github.Repository import Repository
    from github.Requester import Requester

T = TypeVar("T")
DEFAULT_API_URL = "https://api.github.com"
# GitHub refuses an issue or pull-request comment longer than this ("Body is too long (maximum
# is 65536 characters)").  Every comment this tool writes (the pull-request brief, the alerts'
# tracking issue) is fitted to this one number by ``fit_comment``, measured as Python counts a
# str (code points).  No further safety margin is kept: the room a cut comment needs for its
# own "not shown" note is measured, not guessed.
COMMENT_LIMIT = 65_536
RETRY_STATUSES = frozenset({500, 502, 503, 504, 429})


def fit_comment(lines: Sequence[str], left_out: Callable[[int], str], limit: int = COMMENT_LIMIT) -> str:
    """``lines`` as one comment, each ended by a newline, if GitHub will take it; else as many
    whole lines as fit with ``left_out(number of lines not shown)`` after them, within ``limit``."""
    text = "\n".join(lines) + "\n"
    if len(text) <= limit:
        return text
    size = 0
    for index, line in enumerate(lines):
        note = left_out(len(lines) - index)
        if size + len(line) + 1 + len(note) > limit:
            return "\n".join(lines[:index]) + "\n" + note
        size += len(line) + 1
    return text  # pragma: no cover - the whole text was found too long above


@dataclass(frozen=True)
class Settings:
    """Where to talk to and as whom."""

    token: str
    api_url: str
    repository: str


# Where a token is looked for, in order; GH_ENTERPRISE_TOKEN is what `gh` reads on GitHub
# Enterprise Server.  Without one, every command is offline (the same for all of them).
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN")


def token_from_env(environ: Mapping[str, str]) -> str | None:
    """The GitHub token the environment gives, or ``None``: then the tools work offline."""
    return next((environ[name] for name in TOKEN_VARIABLES if environ.get(name)), None)


def settings_from_env(
    *,
    token: str | None = None,
    api_url: str | None = None,
    repository: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Flags first, then the GitHub Actions environment variables."""
    env = os.environ if environ is None else environ
    token = token or token_from_env(env)
    repository = repository or env.get("GITHUB_REPOSITORY")
    api_url = (api_url or env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not token:
        raise UsageError("no GitHub token: set GITHUB_TOKEN (in a workflow: `GITHUB_TOKEN: ${{ github.token }}`)")
    if not repository or repository.count("/") != 1:
        raise UsageError("no repository: set GITHUB_REPOSITORY=owner/name or pass --repo owner/name")
    return Settings(token, api_url, repository)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; ``sleep`` is injectable for tests."""

    attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """``HANDOFF_GITHUB_BACKOFF`` (seconds) and ``HANDOFF_GITHUB_ATTEMPTS`` tune the defaults."""
        env = os.environ if environ is None else environ
        try:
            base = float(env.get("HANDOFF_GITHUB_BACKOFF", cls.base_delay))
            attempts = int(env.get("HANDOFF_GITHUB_ATTEMPTS", cls.attempts))
        except ValueError:
            raise UsageError("HANDOFF_GITHUB_BACKOFF / HANDOFF_GITHUB_ATTEMPTS must be numbers") from None
        return cls(attempts=max(attempts, 1), base_delay=max(base, 0.0))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (GitHub's ``retry-after`` wins)."""
        wanted = retry_after if retry_after is not None else self.base_delay * 2**attempt
        return min(max(wanted, 0.0), self.max_delay)


# --- what the commands get back: plain values, not PyGithub objects ---------------------


@dataclass(frozen=True)
class PullInfo:
    number: int
    author: str
    title: str
    head_sha: str
    head_ref: str
    base_sha: str
    base_ref: str
    html_url: str
    labels: tuple[str, ...]
    changed_files: int  # as GitHub counts them (its file list stops at 3000)


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: str  # added, modified, removed, renamed, copied, changed, unchanged
    previous_filename: str | None


@dataclass(frozen=True)
class ReviewInfo:
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str | None
    body: str = ""  # the review's text (metrics classify why a handoff was returned)
    submitted_at: str | None = None  # ISO 8601


@dataclass(frozen=True)
class CommentInfo:
    id: int
    user: str
    body: str


@dataclass(frozen=True)
class IssueInfo:
    number: int
    title: str
    body: str
    html_url: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    state: str = "open"  # open | closed
    closed_at: str | None = None  # ISO 8601, set once closed


@dataclass(frozen=True)
class Visibility:
    """Who can read the repository, and its GitHub Pages site (as GitHub's API says)."""

    repository: object  # "public", "private", "internal" — or whatever GitHub answered
    pages_enabled: bool
    pages_public: object  # True/False when GitHub says; anything else means it did not
    pages_url: str | None


@dataclass(frozen=True)
class ComparedFile:
    """One file of a comparison, with its patch (``None``: binary, or too large for GitHub to show)."""

    filename: str
    status: str
    previous_filename: str | None
    patch: str | None


@dataclass(frozen=True)
class Comparison:
    """``base...head``: what ``head`` changes against its merge base with ``base``."""

    merge_base: str
    files: tuple[ComparedFile, ...]
    complete: bool  # False when GitHub cut the file list short (it lists at most 300)


@dataclass(frozen=True)
class EnvironmentInfo:
    """An Actions environment and the branches allowed to deploy to it."""

    name: str
    custom_branches: bool  # deployments limited to the branch policies below
    protected_branches: bool  # …or to every protected branch (any of them)
    branch_policies: tuple[str, ...]  # names/patterns, for custom_branches


@dataclass(frozen=True)
class LabelInfo:
    name: str
    color: str
    description: str


def connect(settings: Settings, policy: RetryPolicy | None = None) -> GitHubRepo:
    """A client for ``settings.repository``; no request is made until the first call."""
    from github import Auth, Github

    policy = policy or RetryPolicy.from_env()
    # One retry policy (ours); no client-side throttling when tests zero the backoff.
    throttle = policy.base_delay > 0
    client = Github(
        base_url=settings.api_url,
        auth=Auth.Token(settings.token),
        retry=None,
        timeout=30,
        per_page=100,
        seconds_between_requests=0.25 if throttle else None,
        seconds_between_writes=1.0 if throttle else None,
        lazy=True,
    )
    return GitHubRepo(client.get_repo(settings.repository), client.requester, policy, settings)


class GitHubRepo:
    """The operations the handoff commands need on one repository."""

    def __init__(self, repo: Repository, requester: Requester, policy: RetryPolicy, settings: Settings) -> None:
        self._repo = repo
        self._requester = requester
        self._policy = policy
        self.settings = settings

    @property
    def full_name(self) -> str:
        return self.settings.repository

    # --- the retry wrapper -------------------------------------------------------

    def _call(self, what: str, action: Callable[[], T]) -> T:
        """Run ``action`` (which must fully materialise any pagination), retrying transient failures."""
        from github import GithubException
        from requests.exceptions import ConnectionError as RequestsConnectionError
        from requests.exceptions import Timeout

        last = ""
        for attempt in range(self._policy.attempts):
            try:
                return action()
            except GithubException as exc:
                retry_after = _retry_after(exc)
                if not _transient(exc, retry_after):
                    raise GitHubError(f"GitHub refused to {what}: {_describe(exc)}") from None
                last = _describe(exc)
            except (RequestsConnectionError, Timeout) as exc:
                retry_after, last = None, f"could not reach {self.settings.api_url} ({type(exc).__name__})"
            if attempt + 1 < self._policy.attempts:
                self._policy.sleep(self._policy.delay(attempt, retry_after))
        raise GitHubError(
            f"could not {what}: GitHub kept failing after {self._policy.attempts} attempts (last: {last}); "
            "nothing was reported as done"
        )

    def _json(self, verb: str, path: str, what: str, payload: Any = None) -> Any:
        """A raw REST call, for endpoints PyGithub has no method for (rulesets)."""
        url = f"{self._repo.url}{path}"

        def go() -> Any:
            _, data = self._requester.requestJsonAndCheck(verb, url, input=payload)
            return data

        return self._call(what, go)

    # --- pull requests -------------------------------------------------------------

    def pull(self, number: int) -> PullInfo:
        def go() -> PullInfo:
            pr = self._repo.get_pull(number)
            return PullInfo(
                number=pr.number,
                author=pr.user.login,
                title=pr.title,
                head_sha=pr.head.sha,
                head_ref=pr.head.ref,
                base_sha=pr.base.sha,
                base_ref=pr.base.ref,
                html_url=pr.html_url,
                labels=tuple(label.name for label in pr.labels),
                changed_files=pr.changed_files,
            )

        return self._call(f"read pull request #{number}", go)

    def pull_files(self, number: int) -> list[ChangedFile]:
        def go() -> list[ChangedFile]:
            pr = self._repo.get_pull(number)
            return [ChangedFile(f.filename, f.status, f.previous_filename) for f in pr.get_files()]

        return self._call(f"list the files of pull request #{number}", go)

    def reviews(self, number: int) -> list[ReviewInfo]:
        """Every review, all pages, oldest first (GitHub's order)."""

        def go() -> list[ReviewInfo]:
            pr = self._repo.get_pull(number)
            return [
                ReviewInfo(
                    r.user.login if r.user else "",
                    r.state,
                    r.commit_id,
                    r.body or "",
                    r.submitted_at.isoformat() if r.submitted_at else None,
                )
                for r in pr.get_reviews()
            ]

        return self._call(f"list the reviews of pull request #{number}", go)

    def request_reviewers(self, number: int, users: Iterable[str]) -> None:
        wanted = [u.lstrip("@") for u in users]
        if not wanted:
            return
        self._call(
            f"request reviews on #{number}",
            lambda: self._repo.get_pull(number).create_review_request(reviewers=wanted),
        )

    def open_pulls_from(self, head_branch: str, *, owner: str | None = None) -> list[PullInfo]:
        """Open pull requests from ``owner:head_branch`` (default owner: this repository's, not a fork's)."""
        owner = owner or self.full_name.split("/")[0]

        def go() -> list[int]:
            return [p.number for p in self._repo.get_pulls(state="open", head=f"{owner}:{head_branch}")]

        return [self.pull(n) for n in self._call(f"list pull requests from {head_branch}", go)]

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullInfo:
        number = self._call(
            f"open a pull request from {head}",
            lambda: self._repo.create_pull(title=title, body=body, head=head, base=base).number,
        )
        return self.pull(number)

    def merge_pull(self, number: int, *, sha: str, method: str, title: str, message: str) -> str:
        """Merge #number only if its head is still ``sha``; the new commit's sha."""

        def go() -> str:
            status = self._repo.get_pull(number).merge(
                commit_message=message, commit_title=title, merge_method=method, sha=sha
            )
            if not status.merged:
                raise GitHubError(f"GitHub did not merge #{number}: {status.message}")
            return str(status.sha)

        return self._call(f"merge pull request #{number}", go)

    def branch_sha(self, branch: str) -> str:
        """The commit at the tip of ``branch`` now."""
        data = self._json("GET", f"/branches/{quote(branch, safe='')}", f"read branch {branch}")
        sha = (data or {}).get("commit", {}).get("sha")
        if not isinstance(sha, str):
            raise GitHubError(f"GitHub answered without a commit for branch {branch}")
        return sha

    # Beyond this many files GitHub's comparison is cut short (it lists at most 300).
    COMPARE_MAX_FILES = 300

    def compare(self, base: str, head: str) -> Comparison:
        """``GET /compare/base...head``: the change ``head`` makes against its merge base with ``base``."""
        data = self._json(
            "GET",
            f"/compare/{quote(base, safe='')}...{quote(head, safe='')}?per_page=100",
            f"compare {base[:12]}...{head[:12]}",
        )
        files = tuple(
            ComparedFile(f.get("filename", ""), f.get("status", ""), f.get("previous_filename"), f.get("patch"))
            for f in (data or {}).get("files") or []
        )
        merge_base = ((data or {}).get("merge_base_commit") or {}).get("sha") or ""
        return Comparison(merge_base, files, len(files) < self.COMPARE_MAX_FILES)

    # --- files ---------------------------------------------------------------------

    def file_bytes(self, path: str, ref: str) -> bytes | None:
        """The file at ``ref`` as bytes (``None`` if it does not exist there) — data only.

        Bytes, not text: decoding is the document model's job, so a file that is not
        UTF-8 is refused there (HO100) exactly as ``handoff check`` refuses it.
        """
        from github import GithubException

        def go() -> bytes | None:
            try:
                content = self._repo.get_contents(path, ref=ref)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
            if isinstance(content, list):
                raise GitHubError(f"{path} is a directory at {ref[:12]}, not a handoff file")
            if content.encoding == "base64" and content.content is not None:
                return base64.b64decode(content.content)
            raise GitHubError(f"{path} at {ref[:12]} is too large to read through the API")

        return self._call(f"read {path} at {ref[:12]}", go)

    # --- statuses ------------------------------------------------------------------

    def set_status(self, sha: str, *, state: str, context: str, description: str, target_url: str | None) -> None:
        def go() -> None:
            # POST /statuses/{sha} directly: get_commit() would cost an extra request.
            payload: dict[str, str] = {"state": state, "context": context, "description": description[:140]}
            if target_url:
                payload["target_url"] = target_url
            self._requester.requestJsonAndCheck("POST", f"{self._repo.url}/statuses/{sha}", input=payload)

        self._call(f"set the {context} status on {sha[:12]}", go)

    # --- comments ------------------------------------------------------------------

    def comments(self, number: int) -> list[CommentInfo]:
        def go() -> list[CommentInfo]:
            issue = self._repo.get_issue(number)
            return [CommentInfo(c.id, c.user.login if c.user else "", c.body or "") for c in issue.get_comments()]

        return self._call(f"list the comments on #{number}", go)

    def create_comment(self, number: int, body: str) -> int:
        return self._call(f"comment on #{number}", lambda: self._repo.get_issue(number).create_comment(body).id)

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._json("PATCH", f"/issues/comments/{comment_id}", f"update comment {comment_id}", {"body": body})

    # --- labels --------------------------------------------------------------------

    def labels(self) -> dict[str, LabelInfo]:
        """The repository's labels by casefolded name."""

        def go() -> dict[str, LabelInfo]:
            return {
                lb.name.casefold(): LabelInfo(lb.name, lb.color, lb.description or "") for lb in self._repo.get_labels()
            }

        return self._call("list labels", go)

    def create_label(self, label: LabelInfo) -> None:
        self._call(
            f"create label {label.name}",
            lambda: self._repo.create_label(label.name, label.color, label.description),
        )

    def update_label(self, current_name: str, label: LabelInfo) -> None:
        self._json(
            "PATCH",
            f"/labels/{quote(current_name, safe='')}",
            f"update label {current_name}",
            {"new_name": label.name, "color": label.color, "description": label.description},
        )

    def issue_labels(self, number: int) -> list[str]:
        return self._call(
            f"list labels of #{number}", lambda: [lb.name for lb in self._repo.get_issue(number).get_labels()]
        )

    def add_labels(self, number: int, names: Iterable[str]) -> None:
        wanted = list(names)
        if wanted:
            self._call(f"label #{number}", lambda: self._repo.get_issue(number).add_to_labels(*wanted))

    def remove_label(self, number: int, name: str) -> None:
        self._json("DELETE", f"/issues/{number}/labels/{quote(name, safe='')}", f"remove label {name} from #{number}")

    # --- issues --------------------------------------------------------------------

    def issues_labelled(self, label: str) -> list[IssueInfo]:
        """Open and closed issues carrying ``label`` (pull requests excluded)."""

        def go() -> list[IssueInfo]:
            found = self._repo.get_issues(state="all", labels=[label])
            return [_issue_info(i) for i in found if i.pull_request is None]

        return self._call(f"list issues labelled {label}", go)

    def create_issue(self, *, title: str, body: str, labels: list[str], assignees: list[str]) -> IssueInfo:
        return self._call(
            f"open issue {title!r}",
            lambda: _issue_info(
                self._repo.create_issue(
                    title=title, body=body, labels=labels, assignees=[a.lstrip("@") for a in assignees]
                )
            ),
        )

    # --- visibility ----------------------------------------------------------------

    def visibility(self) -> Visibility:
        """The repository's visibility and its Pages site's (``GET /repos/…`` and ``…/pages``).

        Values are passed on as GitHub sent them: deciding what an unexpected answer
        means is the caller's job (``handoffs.publishing`` refuses it).
        """
        from github import GithubException

        repo = self._json("GET", "", "read the repository's visibility") or {}
        visibility = repo.get("visibility")
        if not isinstance(visibility, str):  # older GitHub Enterprise Server: only `private`
            private = repo.get("private")
            visibility = ("private" if private else "public") if isinstance(private, bool) else None

        def pages() -> dict[str, Any] | None:
            try:
                _, data = self._requester.requestJsonAndCheck("GET", f"{self._repo.url}/pages")
            except GithubException as exc:
                if exc.status == 404:
                    return None  # Pages is not enabled
                raise
            return data if isinstance(data, dict) else {}

        site = self._call("read the GitHub Pages settings", pages)
        if site is None:
            return Visibility(visibility, False, None, None)
        url = site.get("html_url")
        return Visibility(visibility, True, site.get("public"), url if isinstance(url, str) else None)

    # --- rulesets ------------------------------------------------------------------

    def rulesets(self) -> list[dict[str, Any]]:
        """Every repository ruleset in full (the list endpoint returns summaries)."""
        summaries = self._json("GET", "/rulesets?per_page=100", "list rulesets") or []
        return [self._json("GET", f"/rulesets/{s['id']}", f"read ruleset {s['id']}") for s in summaries]

    def create_ruleset(self, payload: dict[str, Any]) -> None:
        self._json("POST", "/rulesets", f"create ruleset {payload.get('name')}", payload)

    def update_ruleset(self, ruleset_id: int, payload: dict[str, Any]) -> None:
        self._json("PUT", f"/rulesets/{ruleset_id}", f"update ruleset {payload.get('name')}", payload)

    # --- apps, teams, environments ------------------------------------------------------

    def app_id(self, slug: str) -> int | None:
        """The integration id of the GitHub App ``slug`` (``None``: no such app, or not visible)."""
        data = self._optional(f"{self.settings.api_url}/apps/{quote(slug, safe='')}", f"look up the app {slug}")
        ident = (data or {}).get("id")
        return ident if isinstance(ident, int) else None

    def team_id(self, org: str, slug: str) -> int | None:
        """The id of team ``org/slug`` (``None``: no such team, or the owner is not an organisation)."""
        url = f"{self.settings.api_url}/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}"
        data = self._optional(url, f"look up the team {org}/{slug}")
        ident = (data or {}).get("id")
        return ident if isinstance(ident, int) else None

    def environment(self, name: str) -> EnvironmentInfo | None:
        """The Actions environment ``name`` and its deployment branches (``None``: it does not exist)."""
        where = f"{self._repo.url}/environments/{quote(name, safe='')}"
        data = self._optional(where, f"read environment {name}")
        if data is None:
            return None
        policy = data.get("deployment_branch_policy") or {}
        custom = bool(policy.get("custom_branch_policies"))
        names: tuple[str, ...] = ()
        if custom:
            listed = self._json(
                "GET",
                f"/environments/{quote(name, safe='')}/deployment-branch-policies?per_page=100",
                f"list the deployment branches of {name}",
            )
            names = tuple(
                str(b.get("name"))
                for b in (listed or {}).get("branch_policies") or []
                if b.get("type", "branch") == "branch"
            )
        return EnvironmentInfo(name, custom, bool(policy.get("protected_branches")), names)

    def put_environment(self, name: str) -> None:
        """Create or update environment ``name`` so that only custom branch policies may deploy."""
        payload = {"deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True}}
        self._json("PUT", f"/environments/{quote(name, safe='')}", f"configure environment {name}", payload)

    def add_deployment_branch(self, environment: str, branch: str) -> None:
        self._json(
            "POST",
            f"/environments/{quote(environment, safe='')}/deployment-branch-policies",
            f"allow {branch} to deploy to {environment}",
            {"name": branch, "type": "branch"},
        )

    def secret_names(self, environment: str | None = None) -> frozenset[str] | None:
        """Names of the repository's Actions secrets, or of ``environment``'s (``None``: not readable)."""
        where = f"/environments/{quote(environment, safe='')}/secrets" if environment else "/actions/secrets"
        data = self._optional(
            f"{self._repo.url}{where}?per_page=100", f"list the secrets of {environment or 'the repository'}"
        )
        if data is None:
            return None
        return frozenset(str(s.get("name")) for s in data.get("secrets") or [])

    def _optional(self, url: str, what: str) -> Any:
        """GET ``url``: its JSON, or ``None`` on 404 (other failures raise as usual)."""
        from github import GithubException

        def go() -> Any:
            try:
                _, data = self._requester.requestJsonAndCheck("GET", url)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
            return data

        return self._call(what, go)


def _issue_info(issue: Any) -> IssueInfo:
    return IssueInfo(
        number=issue.number,
        title=issue.title,
        body=issue.body or "",
        html_url=issue.html_url,
        labels=tuple(lb.name for lb in issue.labels),
        assignees=tuple(a.login for a in issue.assignees),
        state=issue.state,
        closed_at=issue.closed_at.isoformat() if issue.closed_at else None,
    )


def _header(exc: Any, name: str) -> str | None:
    headers = getattr(exc, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def _retry_after(exc: Any) -> float | None:
    """Seconds GitHub asked us to wait (``retry-after`` or the rate-limit reset), if any."""
    after = _header(exc, "retry-after")
    if after is not None:
        try:
            return float(after)
        except ValueError:
            return None
    if _header(exc, "x-ratelimit-remaining") == "0":
        reset = _header(exc, "x-ratelimit-reset")
        if reset and reset.isdigit():
            return max(float(reset) - time.time(), 0.0)
    return None


def _transient(exc: Any, retry_after: float | None) -> bool:
    """Server errors and rate limits are worth retrying; anything else is a real refusal."""
    status = int(getattr(exc, "status", 0) or 0)
    if status in RETRY_STATUSES:
        return True
    rate_limited = _header(exc, "x-ratelimit-remaining") == "0" or retry_after is not None
    return status == 403 and rate_limited


def _describe(exc: Any) -> str:
    status = getattr(exc, "status", "?")
    data = getattr(exc, "data", None)
    message = data.get("message") if isinstance(data, dict) else None
    errors = data.get("errors") if isinstance(data, dict) else None
    text = f"HTTP {status}" + (f" {message}" if message else "")
    if errors:
        text += f" ({errors})"
    return text


# --- the GitHub Actions environment ------------------------------------------------------


def read_event(path: str | None = None) -> dict[str, Any]:
    """The webhook payload at ``GITHUB_EVENT_PATH`` (``{}`` outside a workflow)."""
    import json

    where = path or os.environ.get("GITHUB_EVENT_PATH")
    if not where:
        return {}
    try:
        with Path(where).open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise UsageError(f"GITHUB_EVENT_PATH={where}: cannot read the event payload ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError(f"GITHUB_EVENT_PATH={where}: the event payload is not a JSON object")
    return data


def append_step_summary(markdown: str) -> None:
    """Add to the job summary page (``GITHUB_STEP_SUMMARY``); a no-op outside a workflow."""
    where = os.environ.get("GITHUB_STEP_SUMMARY")
    if where:
        with Path(where).open("a", encoding="utf-8") as handle:
            handle.write(markdown.rstrip() + "\n\n")


def run_url() -> str | None:
    """The link to this workflow run, for a commit status's details."""
    server, repo, run = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None


def add_github_arguments(parser: Any) -> None:
    """``--repo`` and ``--api-url``: override GITHUB_REPOSITORY and GITHUB_API_URL."""
    parser.add_argument("--repo", metavar="OWNER/NAME", help="the repository (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--api-url", metavar="URL", help="the REST API root (default: $GITHUB_API_URL)")


def connect_from_args(args: Any) -> GitHubRepo:
    """A client configured from the environment, with ``--repo``/``--api-url`` overriding it."""
    return connect(settings_from_env(repository=args.repo, api_url=args.api_url))
