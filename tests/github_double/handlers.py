"""The double's behaviour: one handler per (method, OpenAPI path template).

Routing is done by :mod:`.openapi` (the request is matched against GitHub's own path
templates), so a handler is registered under the exact template string of the
description, e.g. ``("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")``. Handlers
return partial objects (see :mod:`.views`); the server completes and validates them.
Behaviour follows GitHub's documented semantics where tests can observe it: pagination,
labels created on first use, issues and pull requests sharing numbers, 404 for unknown
resources, 422 for what GitHub rejects.
"""

from __future__ import annotations

import base64
import difflib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from . import views
from .openapi import Operation
from .state import (
    STATUS_STATES,
    Branch,
    Environment,
    GitHubState,
    Issue,
    IssueComment,
    PullPart,
    Repo,
    Ruleset,
    Status,
    fake_sha,
)

T = TypeVar("T")
JSON = dict[str, Any]
DOCS = "https://docs.github.com/rest"


@dataclass
class Request:
    """One incoming request, already matched to its OpenAPI operation."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    op: Operation
    state: GitHubState
    viewer: str

    def q(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter ``name``."""
        values = self.query.get(name)
        return values[-1] if values else default

    def param(self, name: str) -> str:
        """A path parameter (already percent-decoded)."""
        return self.op.path_params[name]

    def number(self, name: str) -> int:
        """An integer path parameter (404 when it is not a number, as GitHub does)."""
        try:
            return int(self.param(name))
        except ValueError as exc:
            raise HTTPError.not_found() from exc

    def field(self, name: str, default: Any = None) -> Any:
        """A property of the JSON request body."""
        return self.body.get(name, default) if isinstance(self.body, dict) else default

    @property
    def repo(self) -> Repo:
        """The ``{owner}/{repo}`` of the path (404 when the double has no such repository)."""
        key = f"{self.param('owner')}/{self.param('repo')}".casefold()
        found = self.state.repos.get(key)
        if found is None:
            raise HTTPError.not_found()
        return found


@dataclass
class Reply:
    """What a handler answers: a status, a partial object and extra headers."""

    status: int
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    complete: bool = True  # False: send ``data`` as is (errors), do not fill from the schema


class HTTPError(Exception):
    """A GitHub error response (404, 422...) raised from inside a handler."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(f"{status} {message}")
        body: JSON = {"message": message, "documentation_url": DOCS, "status": str(status)}
        if errors is not None:
            body["errors"] = errors
        self.reply = Reply(status, body, complete=False)

    @classmethod
    def not_found(cls) -> HTTPError:
        """GitHub's answer for anything that does not exist (or is not visible)."""
        return cls(404, "Not Found")

    @classmethod
    def invalid(cls, resource: str, field_name: str, code: str = "invalid") -> HTTPError:
        """GitHub's ``Validation Failed`` with one error entry."""
        errors = [{"resource": resource, "field": field_name, "code": code}]
        return cls(422, "Validation Failed", errors)


Handler = Callable[[Request], Reply]
HANDLERS: dict[tuple[str, str], Handler] = {}


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a handler for an OpenAPI operation."""

    def register(handler: Handler) -> Handler:
        HANDLERS[(method, template)] = handler
        return handler

    return register


# ----------------------------------------------------------------------------- pagination


def paginate(req: Request, items: list[T], view: Callable[[T], Any]) -> Reply:
    """One page of ``items`` plus GitHub's ``Link`` header (``per_page`` ≤ 100, default 30)."""
    per_page = min(max(_int(req.q("per_page"), 30), 1), 100)
    last = max(math.ceil(len(items) / per_page), 1)
    page = max(_int(req.q("page"), 1), 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    reply = Reply(200, [view(item) for item in chunk])
    links = []
    if page < last:
        links += [_link(req, page + 1, per_page, "next"), _link(req, last, per_page, "last")]
    if page > 1:
        links += [_link(req, 1, per_page, "first"), _link(req, page - 1, per_page, "prev")]
    if links:
        reply.headers["Link"] = ", ".join(links)
    return reply


def _link(req: Request, page: int, per_page: int, rel: str) -> str:
    params = [(k, v) for k, vs in req.query.items() if k not in ("page", "per_page") for v in vs]
    params += [("per_page", str(per_page)), ("page", str(page))]
    return f'<{req.state.base_url}{req.path}?{urlencode(params)}>; rel="{rel}"'


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def _sorted(items: list[T], key: Callable[[T], Any], direction: str | None) -> list[T]:
    return sorted(items, key=key, reverse=direction != "asc")


# ----------------------------------------------------------------------------- users


@route("GET", "/user")
def get_authenticated_user(req: Request) -> Reply:
    """The account the token belongs to."""
    return Reply(200, views.user_view(req.state, req.viewer, detail="private"))


@route("GET", "/users/{username}")
def get_user(req: Request) -> Reply:
    """A known account (seed it with ``state.user(login)``)."""
    user = req.state.users.get(req.param("username").casefold())
    if user is None:
        raise HTTPError.not_found()
    return Reply(200, views.user_view(req.state, user.login, detail="public"))


# ----------------------------------------------------------------------------- repository


@route("GET", "/repos/{owner}/{repo}")
def get_repo(req: Request) -> Reply:
    """The repository PyGithub fetches before anything else."""
    return Reply(200, views.repo_view(req.repo, full=True))


@route("GET", "/repos/{owner}/{repo}/pages")
def get_pages(req: Request) -> Reply:
    """The Pages site, with its visibility (``public``); 404 when Pages is not enabled."""
    repo = req.repo
    if repo.pages is None:
        raise HTTPError.not_found()
    return Reply(200, views.pages_view(repo, repo.pages))


@route("GET", "/repos/{owner}/{repo}/branches/{branch}")
def get_branch(req: Request) -> Reply:
    """A branch with its head commit and protection summary."""
    repo = req.repo
    branch = _branch(repo, req.param("branch"))
    url = f"{views.repo_api(repo)}/branches/{quote(branch.name, safe='')}"
    data = {
        "name": branch.name,
        "commit": views.commit_view(repo, repo.commits[branch.sha]),
        "_links": {"self": url, "html": f"{views.repo_html(repo)}/tree/{branch.name}"},
        "protected": branch.protection is not None,
        "protection": {
            "enabled": branch.protection is not None,
            "required_status_checks": {
                "enforcement_level": "non_admins" if branch.protection else "off",
                "contexts": _contexts(branch.protection),
                "checks": [],
            },
        },
        "protection_url": f"{url}/protection",
    }
    return Reply(200, data)


def _branch(repo: Repo, name: str) -> Branch:
    branch = repo.branches.get(name)
    if branch is None:
        raise HTTPError(404, "Branch not found")
    return branch


def _contexts(settings: JSON | None) -> list[str]:
    checks = (settings or {}).get("required_status_checks") or {}
    contexts = list(checks.get("contexts") or [])
    contexts += [c["context"] for c in checks.get("checks") or [] if c["context"] not in contexts]
    return contexts


@route("GET", "/repos/{owner}/{repo}/branches/{branch}/protection")
def get_branch_protection(req: Request) -> Reply:
    """Classic branch protection, in GitHub's read shape."""
    repo = req.repo
    branch = _branch(repo, req.param("branch"))
    if branch.protection is None:
        raise HTTPError(404, "Branch not protected")
    return Reply(200, _protection_view(repo, branch))


@route("PUT", "/repos/{owner}/{repo}/branches/{branch}/protection")
def put_branch_protection(req: Request) -> Reply:
    """Replace classic branch protection (the body's write shape is stored verbatim)."""
    repo = req.repo
    branch = _branch(repo, req.param("branch"))
    branch.protection = dict(req.body)
    return Reply(200, _protection_view(repo, branch))


@route("DELETE", "/repos/{owner}/{repo}/branches/{branch}/protection")
def delete_branch_protection(req: Request) -> Reply:
    """Remove classic branch protection."""
    branch = _branch(req.repo, req.param("branch"))
    branch.protection = None
    return Reply(204)


def _protection_view(repo: Repo, branch: Branch) -> JSON:
    """GitHub answers protection in a different shape from the one it accepts."""
    settings = branch.protection or {}
    url = f"{views.repo_api(repo)}/branches/{quote(branch.name, safe='')}/protection"
    view: JSON = {"url": url}
    checks = settings.get("required_status_checks")
    if checks is not None:
        view["required_status_checks"] = {
            "url": f"{url}/required_status_checks",
            "strict": bool(checks.get("strict")),
            "contexts": _contexts(settings),
            "checks": [{"context": c, "app_id": None} for c in _contexts(settings)],
            "contexts_url": f"{url}/required_status_checks/contexts",
        }
    reviews = settings.get("required_pull_request_reviews")
    if reviews is not None:
        view["required_pull_request_reviews"] = {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
            "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews")),
            "required_approving_review_count": int(reviews.get("required_approving_review_count", 1)),
            "require_last_push_approval": bool(reviews.get("require_last_push_approval")),
        }
    view["enforce_admins"] = {"url": f"{url}/enforce_admins", "enabled": bool(settings.get("enforce_admins"))}
    for key in (
        "required_linear_history",
        "allow_force_pushes",
        "allow_deletions",
        "block_creations",
        "required_conversation_resolution",
        "lock_branch",
        "allow_fork_syncing",
    ):
        view[key] = {"enabled": bool(settings.get(key))}
    view["required_signatures"] = {"url": f"{url}/required_signatures", "enabled": False}
    return view


@route("GET", "/repos/{owner}/{repo}/contents/{path}")
def get_content(req: Request) -> Reply:
    """A file at ``ref`` (default branch by default), base64-encoded as GitHub sends it."""
    repo = req.repo
    path = req.param("path").strip("/")
    ref = req.q("ref") or repo.default_branch
    content = repo.file_at(ref, path)
    if content is None:
        raise HTTPError.not_found()
    # surrogateescape: a test can serve bytes that are not UTF-8 ("\udce9" is byte 0xE9).
    raw = content.encode("utf-8", "surrogateescape")
    sha = fake_sha("blob", raw)
    url = f"{views.repo_api(repo)}/contents/{quote(path)}?ref={quote(ref, safe='')}"
    html = f"{views.repo_html(repo)}/blob/{ref}/{quote(path)}"
    git = f"{views.repo_api(repo)}/git/blobs/{sha}"
    data = {
        "type": "file",
        "encoding": "base64",
        "size": len(raw),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": base64.encodebytes(raw).decode(),
        "sha": sha,
        "url": url,
        "git_url": git,
        "html_url": html,
        "download_url": f"{views.repo_html(repo)}/raw/{ref}/{quote(path)}",
        "_links": {"self": url, "git": git, "html": html},
    }
    return Reply(200, data)


# ----------------------------------------------------------------------------- commits & statuses


@route("GET", "/repos/{owner}/{repo}/commits/{ref}")
def get_commit(req: Request) -> Reply:
    """A commit by sha or branch name (PyGithub's ``repo.get_commit``)."""
    repo = req.repo
    commit = repo.commits.get(repo.resolve_ref(req.param("ref")))
    if commit is None:
        raise HTTPError(422, f"No commit found for SHA: {req.param('ref')}")
    return Reply(200, views.commit_view(repo, commit, with_files=True))


@route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
def create_status(req: Request) -> Reply:
    """Record a commit status as the authenticated account."""
    repo = req.repo
    state = req.field("state")
    if state not in STATUS_STATES:
        raise HTTPError.invalid("Status", "state")
    now = req.state.tick()
    status = Status(
        id=req.state.next_id(),
        sha=req.param("sha"),
        state=state,
        context=req.field("context") or "default",
        description=req.field("description"),
        target_url=req.field("target_url"),
        creator=req.viewer,
        created_at=now,
        updated_at=now,
    )
    repo.statuses.append(status)
    reply = Reply(201, views.status_view(repo, status))
    reply.headers["Location"] = f"{views.repo_api(repo)}/statuses/{status.sha}"
    return reply


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses")
def list_statuses(req: Request) -> Reply:
    """Every status of a ref, newest first."""
    repo = req.repo
    return paginate(req, repo.statuses_for(req.param("ref")), lambda s: views.status_view(repo, s))


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
def combined_status(req: Request) -> Reply:
    """The latest status per context and the rolled-up state."""
    return Reply(200, views.combined_status_view(req.repo, req.param("ref")))


# ----------------------------------------------------------------------------- pull requests


def _pull(req: Request) -> Issue:
    try:
        return req.repo.pull(req.number("pull_number"))
    except KeyError as exc:
        raise HTTPError.not_found() from exc


def _part(issue: Issue) -> PullPart:
    assert issue.pull is not None
    return issue.pull


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(req: Request) -> Reply:
    """Pull requests filtered by state/head/base, sorted like GitHub."""
    wanted = req.q("state", "open")
    head, base = req.q("head"), req.q("base")
    pulls = [
        p
        for p in req.repo.pulls()
        if wanted in ("all", p.state)
        and (head is None or f"{req.repo.owner}:{_part(p).head_ref}" == head or _part(p).head_ref == head)
        and (base is None or _part(p).base_ref == base)
    ]
    sort = req.q("sort", "created")
    direction = req.q("direction") or ("desc" if sort == "created" else "asc")
    key: Callable[[Issue], Any] = (lambda p: p.updated_at) if sort == "updated" else (lambda p: p.id)
    pulls = _sorted(pulls, key, direction)
    return paginate(req, pulls, lambda p: views.pull_view(p, full=False))


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(req: Request) -> Reply:
    """Open a pull request from an existing branch."""
    repo = req.repo
    head_ref = str(req.field("head", "")).split(":")[-1]
    base_ref = str(req.field("base", ""))
    for ref, name in ((head_ref, "head"), (base_ref, "base")):
        # With a git repository attached, its branches are the truth (a push moved them).
        learned = repo.branch_from_git(ref) if repo.git_dir is not None else None
        if learned is None and ref not in repo.branches:
            raise HTTPError.invalid("PullRequest", name)
    if any(_part(p).head_ref == head_ref and p.state == "open" for p in repo.pulls()):
        raise HTTPError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"A pull request already exists for {repo.owner}:{head_ref}.",
                }
            ],
        )
    issue = repo.add_issue(str(req.field("title", "")), user=req.viewer, body=req.field("body"))
    head_sha = repo.branches[head_ref].sha
    issue.pull = PullPart(
        head_ref=head_ref,
        head_sha=head_sha,
        base_ref=base_ref,
        base_sha=repo.branches[base_ref].sha,
        draft=bool(req.field("draft", False)),
        commits=[head_sha],
    )
    if repo.git_dir is not None:
        issue.pull.files = repo.changes_from_git(issue.pull.base_sha, head_sha)
    reply = Reply(201, views.pull_view(issue))
    reply.headers["Location"] = f"{views.repo_api(repo)}/pulls/{issue.number}"
    return reply


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(req: Request) -> Reply:
    """One pull request with its counters."""
    return Reply(200, views.pull_view(_pull(req)))


@route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
def update_pull(req: Request) -> Reply:
    """Edit title/body/state/base."""
    issue = _pull(req)
    _apply_issue_edits(req, issue, ("title", "body"))
    if req.field("base") is not None:
        base = _branch(req.repo, str(req.field("base")))
        _part(issue).base_ref, _part(issue).base_sha = base.name, base.sha
    return Reply(200, views.pull_view(issue))


@route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
def merge_pull(req: Request) -> Reply:
    """Merge (the head must match ``sha`` when given, as on GitHub)."""
    issue = _pull(req)
    part = _part(issue)
    if issue.state != "open":
        raise HTTPError(405, "Pull Request is not mergeable")
    if req.field("sha") not in (None, part.head_sha):
        raise HTTPError(409, "Head branch was modified. Review and try the merge again.")
    method = str(req.field("merge_method") or "merge")
    if method == "rebase":
        raise HTTPError(405, "Rebase merges are not supported by this double")
    title, body = req.field("commit_title"), req.field("commit_message")
    message = None
    if title is not None or body is not None:
        default = f"Merge pull request #{issue.number} from {req.repo.owner}/{part.head_ref}"
        if method == "squash":
            default = f"{issue.title} (#{issue.number})"
        message = str(title or default) + (f"\n\n{body}" if body else "")
    elif method == "squash":
        message = f"{issue.title} (#{issue.number})"
    try:
        sha = issue.merge(by=req.viewer, message=message, method=method)
    except ValueError as exc:
        raise HTTPError(405, str(exc)) from None
    return Reply(200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
def is_merged(req: Request) -> Reply:
    """204 when merged, 404 otherwise."""
    if not _part(_pull(req)).merged:
        raise HTTPError.not_found()
    return Reply(204)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
def list_pull_files(req: Request) -> Reply:
    """The files a pull request changes, paginated."""
    issue = _pull(req)
    repo = req.repo
    part = _part(issue)

    def view(change: Any) -> JSON:
        raw = f"{views.repo_html(repo)}/raw/{part.head_sha}/{quote(change.filename)}"
        data: JSON = {
            "sha": change.sha,
            "filename": change.filename,
            "status": change.status,
            "additions": change.additions,
            "deletions": change.deletions,
            "changes": change.additions + change.deletions,
            "blob_url": f"{views.repo_html(repo)}/blob/{part.head_sha}/{quote(change.filename)}",
            "raw_url": raw,
            "contents_url": f"{views.repo_api(repo)}/contents/{quote(change.filename)}?ref={part.head_sha}",
        }
        if change.patch is not None:
            data["patch"] = change.patch
        if change.previous_filename is not None:
            data["previous_filename"] = change.previous_filename
        return data

    return paginate(req, part.files, view)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits")
def list_pull_commits(req: Request) -> Reply:
    """The pull request's commits, oldest first."""
    repo = req.repo
    commits = [repo.commits[sha] for sha in _part(_pull(req)).commits if sha in repo.commits]
    return paginate(req, commits, lambda c: views.commit_view(repo, c))


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def list_reviews(req: Request) -> Reply:
    """Submitted reviews in chronological order."""
    issue = _pull(req)
    reviews = sorted(_part(issue).reviews, key=lambda r: r.id)
    return paginate(req, reviews, lambda r: views.review_view(issue, r))


_EVENTS = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


@route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def create_review(req: Request) -> Reply:
    """Submit (or leave pending) a review as the authenticated account."""
    issue = _pull(req)
    event = req.field("event")
    if event is not None and event not in _EVENTS:
        raise HTTPError.invalid("PullRequestReview", "event")
    if event in ("APPROVE", "REQUEST_CHANGES") and req.viewer.casefold() == issue.user.casefold():
        raise HTTPError(
            422, "Unprocessable Entity", [f"Can not {event.lower().replace('_', ' ')} your own pull request"]
        )
    review = issue.add_review(
        req.viewer,
        _EVENTS.get(event or "", "PENDING"),
        commit_id=req.field("commit_id") or _part(issue).head_sha,
        body=req.field("body") or "",
    )
    if review.state == "PENDING":
        review.submitted_at = None
    return Reply(200, views.review_view(issue, review))


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
def list_requested_reviewers(req: Request) -> Reply:
    """Users and teams whose review is pending."""
    return Reply(200, _requested(req, _pull(req)))


def _requested(req: Request, issue: Issue) -> JSON:
    part = _part(issue)
    teams = [req.state.teams[f"{req.repo.owner}/{s}".casefold()] for s in part.requested_teams]
    return {
        "users": [views.user_view(req.state, login) for login in part.requested_reviewers],
        "teams": [views.team_view(req.state, team) for team in teams],
    }


@route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
def request_reviewers(req: Request) -> Reply:
    """Request reviews; the author cannot be requested (GitHub answers 422)."""
    issue = _pull(req)
    part = _part(issue)
    users = [str(u) for u in req.field("reviewers") or []]
    if any(u.casefold() == issue.user.casefold() for u in users):
        raise HTTPError(422, "Review cannot be requested from pull request author.")
    for login in users:
        req.state.user(login)
        if login.casefold() not in {r.casefold() for r in part.requested_reviewers}:
            part.requested_reviewers.append(login)
    for slug in [str(t) for t in req.field("team_reviewers") or []]:
        key = f"{req.repo.owner}/{slug}".casefold()
        if key not in req.state.teams:
            req.state.add_team(req.repo.owner, slug)
        if slug not in part.requested_teams:
            part.requested_teams.append(slug)
    issue.updated_at = req.state.tick()
    return Reply(201, views.pull_view(issue, full=False))


@route("DELETE", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
def remove_requested_reviewers(req: Request) -> Reply:
    """Withdraw review requests."""
    issue = _pull(req)
    part = _part(issue)
    drop = {str(u).casefold() for u in req.field("reviewers") or []}
    part.requested_reviewers = [u for u in part.requested_reviewers if u.casefold() not in drop]
    teams = {str(t) for t in req.field("team_reviewers") or []}
    part.requested_teams = [t for t in part.requested_teams if t not in teams]
    return Reply(200, views.pull_view(issue, full=False))


# ----------------------------------------------------------------------------- issues


def _issue(req: Request) -> Issue:
    found = req.repo.issues.get(req.number("issue_number"))
    if found is None:
        raise HTTPError.not_found()
    return found


@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(req: Request) -> Reply:
    """Issues and pull requests, filtered like GitHub (labels must all match)."""
    issues = [i for i in req.repo.issues.values() if _issue_matches(req, i)]
    sort = req.q("sort", "created")
    keys: dict[str, Callable[[Issue], Any]] = {
        "created": lambda i: i.id,
        "updated": lambda i: i.updated_at,
        "comments": lambda i: len(req.repo.comments_on(i.number)),
    }
    issues = _sorted(issues, keys.get(sort or "created", keys["created"]), req.q("direction"))
    return paginate(req, issues, views.issue_view)


def _issue_matches(req: Request, issue: Issue) -> bool:
    state = req.q("state", "open")
    if state not in ("all", issue.state):
        return False
    labels = [n.strip().casefold() for n in (req.q("labels") or "").split(",") if n.strip()]
    if not set(labels) <= {n.casefold() for n in issue.labels}:
        return False
    creator = req.q("creator")
    if creator is not None and creator.casefold() != issue.user.casefold():
        return False
    since = req.q("since")
    if since is not None and issue.updated_at < since:
        return False
    milestone = req.q("milestone")
    if milestone not in (None, "none", "*"):
        return False  # the double has no milestones
    return _assignee_matches(req.q("assignee"), issue)


def _assignee_matches(assignee: str | None, issue: Issue) -> bool:
    if assignee is None or (assignee == "*" and issue.assignees):
        return True
    if assignee == "none":
        return not issue.assignees
    return assignee.casefold() in {a.casefold() for a in issue.assignees}


@route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(req: Request) -> Reply:
    """Open an issue (labels are created on first use, as GitHub does)."""
    repo = req.repo
    assignees = [str(a) for a in req.field("assignees") or []]
    if req.field("assignee"):
        assignees.insert(0, str(req.field("assignee")))
    issue = repo.add_issue(
        str(req.field("title")),
        user=req.viewer,
        body=req.field("body"),
        labels=_label_names(req.field("labels") or []),
        assignees=list(dict.fromkeys(assignees)),
    )
    reply = Reply(201, views.issue_view(issue))
    reply.headers["Location"] = f"{views.repo_api(repo)}/issues/{issue.number}"
    return reply


def _label_names(raw: Iterable[Any]) -> list[str]:
    names = [str(item["name"]) if isinstance(item, dict) else str(item) for item in raw]
    return list(dict.fromkeys(names))


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(req: Request) -> Reply:
    """One issue (or a pull request seen as an issue)."""
    return Reply(200, views.issue_view(_issue(req)))


@route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
def update_issue(req: Request) -> Reply:
    """Edit title/body/state/labels/assignees."""
    issue = _issue(req)
    _apply_issue_edits(req, issue, ("title", "body"))
    if req.field("labels") is not None:
        issue.labels = [req.repo.add_label(n).name for n in _label_names(req.field("labels"))]
    if req.field("assignees") is not None:
        issue.assignees = [req.state.user(str(a)).login for a in req.field("assignees")]
    elif isinstance(req.body, dict) and "assignee" in req.body:
        assignee = req.field("assignee")
        issue.assignees = [req.state.user(str(assignee)).login] if assignee else []
    return Reply(200, views.issue_view(issue))


def _apply_issue_edits(req: Request, issue: Issue, fields: tuple[str, ...]) -> None:
    for name in fields:
        if isinstance(req.body, dict) and name in req.body:
            setattr(issue, name, req.body[name])
    state = req.field("state")
    now = req.state.tick()
    if state in ("open", "closed") and state != issue.state:
        issue.state = state
        issue.closed_at = now if state == "closed" else None
        issue.state_reason = req.field("state_reason") or ("completed" if state == "closed" else "reopened")
    issue.updated_at = now


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees")
def add_assignees(req: Request) -> Reply:
    """Add assignees to an issue."""
    issue = _issue(req)
    for login in req.field("assignees") or []:
        user = req.state.user(str(login))
        if user.login not in issue.assignees:
            issue.assignees.append(user.login)
    return Reply(201, views.issue_view(issue))


# ----------------------------------------------------------------------------- comments


def _comment(req: Request) -> IssueComment:
    found = req.repo.comments.get(req.number("comment_id"))
    if found is None:
        raise HTTPError.not_found()
    return found


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(req: Request) -> Reply:
    """The conversation of an issue or pull request, oldest first."""
    repo = req.repo
    issue = _issue(req)
    comments = repo.comments_on(issue.number)
    since = req.q("since")
    if since is not None:
        comments = [c for c in comments if c.updated_at >= since]
    return paginate(req, comments, lambda c: views.comment_view(repo, c))


COMMENT_LIMIT = 65_536  # characters; GitHub refuses a longer comment body


def _comment_body(req: Request) -> str:
    body = str(req.field("body"))
    if len(body) > COMMENT_LIMIT:
        raise HTTPError(
            422, "Validation Failed", [{"resource": "IssueComment", "field": "body", "code": "custom",
                                        "message": f"body is too long (maximum is {COMMENT_LIMIT} characters)"}]
        )  # fmt: skip
    return body


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(req: Request) -> Reply:
    """Comment as the authenticated account."""
    repo = req.repo
    issue = _issue(req)
    comment = repo.add_comment(issue.number, _comment_body(req), user=req.viewer)
    reply = Reply(201, views.comment_view(repo, comment))
    reply.headers["Location"] = f"{views.repo_api(repo)}/issues/comments/{comment.id}"
    return reply


@route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(req: Request) -> Reply:
    """One comment."""
    return Reply(200, views.comment_view(req.repo, _comment(req)))


@route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(req: Request) -> Reply:
    """Replace a comment's body (the "one comment kept up to date")."""
    comment = _comment(req)
    comment.body = _comment_body(req)
    comment.updated_at = req.state.tick()
    return Reply(200, views.comment_view(req.repo, comment))


@route("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def delete_comment(req: Request) -> Reply:
    """Delete a comment."""
    comment = _comment(req)
    del req.repo.comments[comment.id]
    return Reply(204)


# ----------------------------------------------------------------------------- labels


def _label(req: Request) -> Any:
    found = req.repo.labels.get(req.param("name").casefold())
    if found is None:
        raise HTTPError.not_found()
    return found


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(req: Request) -> Reply:
    """Repository labels by name."""
    repo = req.repo
    labels = sorted(repo.labels.values(), key=lambda label: label.name.casefold())
    return paginate(req, labels, lambda label: views.label_view(repo, label))


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(req: Request) -> Reply:
    """Create a label (422 ``already_exists`` for a duplicate name)."""
    repo = req.repo
    name = str(req.field("name"))
    if name.casefold() in repo.labels:
        raise HTTPError.invalid("Label", "name", "already_exists")
    label = repo.add_label(name, str(req.field("color") or "ededed").lstrip("#"), req.field("description"))
    reply = Reply(201, views.label_view(repo, label))
    reply.headers["Location"] = views.label_view(repo, label)["url"]
    return reply


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(req: Request) -> Reply:
    """One label (case-insensitive name)."""
    return Reply(200, views.label_view(req.repo, _label(req)))


@route("PATCH", "/repos/{owner}/{repo}/labels/{name}")
def update_label(req: Request) -> Reply:
    """Rename/recolour a label; issues carrying it follow the rename."""
    repo = req.repo
    label = _label(req)
    old = label.name
    new_name = req.field("new_name") or req.field("name") or old
    if new_name.casefold() != old.casefold() and new_name.casefold() in repo.labels:
        raise HTTPError.invalid("Label", "name", "already_exists")
    del repo.labels[old.casefold()]
    label.name = new_name
    label.color = str(req.field("color") or label.color).lstrip("#")
    if isinstance(req.body, dict) and "description" in req.body:
        label.description = req.body["description"]
    repo.labels[new_name.casefold()] = label
    for issue in repo.issues.values():
        issue.labels = [new_name if n.casefold() == old.casefold() else n for n in issue.labels]
    return Reply(200, views.label_view(repo, label))


@route("DELETE", "/repos/{owner}/{repo}/labels/{name}")
def delete_label(req: Request) -> Reply:
    """Delete a label and take it off every issue."""
    repo = req.repo
    label = _label(req)
    del repo.labels[label.name.casefold()]
    for issue in repo.issues.values():
        issue.labels = [n for n in issue.labels if n.casefold() != label.name.casefold()]
    return Reply(204)


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def list_issue_labels(req: Request) -> Reply:
    """Labels on an issue or pull request."""
    repo = req.repo
    issue = _issue(req)
    labels = [repo.labels[n.casefold()] for n in issue.labels if n.casefold() in repo.labels]
    return paginate(req, labels, lambda label: views.label_view(repo, label))


def _issue_label_body(body: Any) -> list[str]:
    """GitHub accepts ``["a"]``, ``{"labels": ["a"]}``, ``[{"name": "a"}]``... and a string."""
    if isinstance(body, dict):
        body = body.get("labels", [])
    if isinstance(body, str):
        body = [body]
    return _label_names(body or [])


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_issue_labels(req: Request) -> Reply:
    """Add labels (created on first use); answers with all labels of the issue."""
    repo = req.repo
    issue = _issue(req)
    for name in _issue_label_body(req.body):
        label = repo.add_label(name)
        if label.name.casefold() not in {n.casefold() for n in issue.labels}:
            issue.labels.append(label.name)
    issue.updated_at = req.state.tick()
    return Reply(200, views.issue_labels(repo, issue))


@route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def set_issue_labels(req: Request) -> Reply:
    """Replace all labels of an issue."""
    repo = req.repo
    issue = _issue(req)
    issue.labels = [repo.add_label(name).name for name in _issue_label_body(req.body)]
    issue.updated_at = req.state.tick()
    return Reply(200, views.issue_labels(repo, issue))


@route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def remove_all_issue_labels(req: Request) -> Reply:
    """Take every label off an issue."""
    _issue(req).labels = []
    return Reply(204)


@route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
def remove_issue_label(req: Request) -> Reply:
    """Take one label off (404 ``Label does not exist`` when it is not on the issue)."""
    repo = req.repo
    issue = _issue(req)
    name = req.param("name").casefold()
    if name not in {n.casefold() for n in issue.labels}:
        raise HTTPError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.casefold() != name]
    issue.updated_at = req.state.tick()
    return Reply(200, views.issue_labels(repo, issue))


# ----------------------------------------------------------------------------- rulesets


def _ruleset(req: Request) -> Ruleset:
    found = req.repo.rulesets.get(req.number("ruleset_id"))
    if found is None:
        raise HTTPError.not_found()
    return found


def _ruleset_view(repo: Repo, ruleset: Ruleset) -> JSON:
    url = f"{views.repo_api(repo)}/rulesets/{ruleset.id}"
    return {
        "id": ruleset.id,
        "name": ruleset.name,
        "target": ruleset.target,
        "source_type": "Repository",
        "source": repo.full_name,
        "enforcement": ruleset.enforcement,
        "bypass_actors": ruleset.bypass_actors,
        "current_user_can_bypass": "never",
        "node_id": views.node_id("RepositoryRuleset", ruleset.id),
        "_links": {"self": {"href": url}, "html": {"href": f"{views.repo_html(repo)}/rules/{ruleset.id}"}},
        "conditions": ruleset.conditions,
        "rules": ruleset.rules,
        "created_at": ruleset.created_at,
        "updated_at": ruleset.updated_at,
    }


@route("GET", "/repos/{owner}/{repo}/rulesets")
def list_rulesets(req: Request) -> Reply:
    """Rulesets (GitHub's list omits conditions and rules)."""
    repo = req.repo
    rulesets = sorted(repo.rulesets.values(), key=lambda r: r.id)

    def summary(ruleset: Ruleset) -> JSON:
        view = _ruleset_view(repo, ruleset)
        for key in ("conditions", "rules", "bypass_actors", "current_user_can_bypass"):
            view.pop(key)
        return view

    return paginate(req, rulesets, summary)


@route("POST", "/repos/{owner}/{repo}/rulesets")
def create_ruleset(req: Request) -> Reply:
    """Create a ruleset (names are unique per repository)."""
    repo = req.repo
    name = str(req.field("name"))
    if any(r.name == name for r in repo.rulesets.values()):
        raise HTTPError.invalid("Ruleset", "name", "already_exists")
    ruleset = repo.add_ruleset(
        name,
        target=req.field("target") or "branch",
        enforcement=str(req.field("enforcement")),
        conditions=req.field("conditions"),
        rules=req.field("rules"),
        bypass_actors=req.field("bypass_actors"),
    )
    return Reply(201, _ruleset_view(repo, ruleset))


@route("GET", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
def get_ruleset(req: Request) -> Reply:
    """One ruleset with its conditions and rules."""
    return Reply(200, _ruleset_view(req.repo, _ruleset(req)))


@route("PUT", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
def update_ruleset(req: Request) -> Reply:
    """Update the fields given in the body."""
    ruleset = _ruleset(req)
    for name in ("name", "target", "enforcement", "conditions", "rules", "bypass_actors"):
        if isinstance(req.body, dict) and name in req.body:
            setattr(ruleset, name, req.body[name])
    ruleset.updated_at = req.state.tick()
    return Reply(200, _ruleset_view(req.repo, ruleset))


@route("DELETE", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
def delete_ruleset(req: Request) -> Reply:
    """Delete a ruleset."""
    del req.repo.rulesets[_ruleset(req).id]
    return Reply(204)


# ----------------------------------------------------------------------------- compare


def _patch(before: str | None, after: str | None) -> str:
    """A unified diff body as GitHub's ``patch`` shows it (hunks only, no ---/+++ header)."""
    old = (before or "").splitlines(keepends=True)
    new = (after or "").splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, n=3))[2:]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@route("GET", "/repos/{owner}/{repo}/compare/{basehead}")
def compare_commits(req: Request) -> Reply:
    """``base...head``: the commits and files ``head`` adds since its merge base with ``base``."""
    repo = req.repo
    base_ref, dots, head_ref = req.param("basehead").partition("...")
    if not dots:
        raise HTTPError.not_found()
    base, head = repo.resolve_ref(base_ref), repo.resolve_ref(head_ref)
    if base not in repo.commits or head not in repo.commits:
        raise HTTPError.not_found()
    start = repo.merge_base(base, head)
    if start is None:
        raise HTTPError.not_found()
    before = repo.commits[start].tree
    ahead = [c for c in repo.ancestors(head) if c not in set(repo.ancestors(base))]
    behind = [c for c in repo.ancestors(base) if c not in set(repo.ancestors(head))]
    files = []
    for path, content in repo.tree_changes(start, head).items():
        status = "removed" if content is None else ("added" if path not in before else "modified")
        patch = _patch(before.get(path), content)
        files.append(
            {
                "sha": fake_sha(path, content),
                "filename": path,
                "status": status,
                "additions": patch.count("\n+"),
                "deletions": patch.count("\n-"),
                "changes": patch.count("\n+") + patch.count("\n-"),
                "blob_url": f"{views.repo_html(repo)}/blob/{head}/{quote(path)}",
                "raw_url": f"{views.repo_html(repo)}/raw/{head}/{quote(path)}",
                "contents_url": f"{views.repo_api(repo)}/contents/{quote(path)}?ref={head}",
                "patch": patch,
            }
        )
    url = f"{views.repo_api(repo)}/compare/{base}...{head}"
    html = f"{views.repo_html(repo)}/compare/{base}...{head}"
    status = "identical" if base == head else ("ahead" if not behind else ("behind" if not ahead else "diverged"))
    return Reply(
        200,
        {
            "url": url,
            "html_url": html,
            "permalink_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": views.commit_view(repo, repo.commits[base]),
            "merge_base_commit": views.commit_view(repo, repo.commits[start]),
            "status": status,
            "ahead_by": len(ahead),
            "behind_by": len(behind),
            "total_commits": len(ahead),
            "commits": [views.commit_view(repo, repo.commits[c]) for c in reversed(ahead)],
            "files": files,
        },
    )


# ----------------------------------------------------------------------------- apps, teams, environments


@route("GET", "/apps/{app_slug}")
def get_app(req: Request) -> Reply:
    """A GitHub App by slug: its integration id is what a ruleset pins a required check to."""
    app = req.state.apps.get(req.param("app_slug"))
    if app is None:
        raise HTTPError.not_found()
    owner = views.user_view(req.state, app.owner)
    return Reply(
        200,
        {
            "id": app.id,
            "slug": app.slug,
            "node_id": views.node_id("Integration", app.id),
            "owner": owner,
            "name": app.name,
            "description": None,
            "external_url": f"https://example.invalid/{app.slug}",
            "html_url": f"{req.state.html_url}/apps/{app.slug}",
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
            "permissions": {"statuses": "write", "contents": "read", "pull_requests": "read"},
            "events": [],
        },
    )


@route("GET", "/orgs/{org}/teams/{team_slug}")
def get_team(req: Request) -> Reply:
    """A team of an organisation (bypass actors name teams by id)."""
    team = req.state.teams.get(f"{req.param('org')}/{req.param('team_slug')}".casefold())
    if team is None:
        raise HTTPError.not_found()
    view = views.team_view(req.state, team)
    now = "2020-01-01T00:00:00Z"
    org = views.user_view(req.state, team.org)
    view.update(members_count=len(team.members), repos_count=1, created_at=now, updated_at=now, organization=org)
    return Reply(200, view)


def _environment(req: Request) -> Environment:
    found = req.repo.environments.get(req.param("environment_name").casefold())
    if found is None:
        raise HTTPError.not_found()
    return found


def _environment_view(repo: Repo, env: Environment) -> JSON:
    url = f"{views.repo_api(repo)}/environments/{quote(env.name)}"
    policy = None
    if env.protected_branches or env.custom_branch_policies:
        policy = {"protected_branches": env.protected_branches, "custom_branch_policies": env.custom_branch_policies}
    return {
        "id": env.id,
        "node_id": views.node_id("Environment", env.id),
        "name": env.name,
        "url": url,
        "html_url": f"{views.repo_html(repo)}/deployments/activity_log?environments_filter={quote(env.name)}",
        "created_at": env.created_at,
        "updated_at": env.updated_at,
        "protection_rules": [],
        "deployment_branch_policy": policy,
    }


@route("GET", "/repos/{owner}/{repo}/environments/{environment_name}")
def get_environment(req: Request) -> Reply:
    return Reply(200, _environment_view(req.repo, _environment(req)))


@route("PUT", "/repos/{owner}/{repo}/environments/{environment_name}")
def put_environment(req: Request) -> Reply:
    """Create or update an environment; ``deployment_branch_policy`` replaces the setting."""
    repo = req.repo
    name = req.param("environment_name")
    env = repo.environments.get(name.casefold())
    now = req.state.tick()
    if env is None:
        env = repo.environments[name.casefold()] = Environment(req.state.next_id(), name, now, now)
    body = req.body if isinstance(req.body, dict) else {}
    if "deployment_branch_policy" in body:
        policy = body["deployment_branch_policy"] or {}
        env.protected_branches = bool(policy.get("protected_branches"))
        env.custom_branch_policies = bool(policy.get("custom_branch_policies"))
        if env.protected_branches == env.custom_branch_policies and policy:
            raise HTTPError(422, "Exactly one of protected_branches and custom_branch_policies must be true")
        if not env.custom_branch_policies:
            env.branch_policies = []
    env.updated_at = now
    return Reply(200, _environment_view(repo, env))


def _branch_policy_view(ident: int, name: str, kind: str) -> JSON:
    return {"id": ident, "node_id": views.node_id("DeploymentBranchPolicy", ident), "name": name, "type": kind}


@route("GET", "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies")
def list_deployment_branch_policies(req: Request) -> Reply:
    env = _environment(req)
    policies = [_branch_policy_view(*p) for p in env.branch_policies]
    return Reply(200, {"total_count": len(policies), "branch_policies": policies})


@route("POST", "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies")
def create_deployment_branch_policy(req: Request) -> Reply:
    """Allow a branch (name or pattern) to deploy; only with custom branch policies switched on."""
    env = _environment(req)
    if not env.custom_branch_policies:
        raise HTTPError(404, "Custom branch policies are not enabled for this environment")
    name, kind = str(req.field("name")), str(req.field("type") or "branch")
    if any(p[1] == name and p[2] == kind for p in env.branch_policies):
        raise HTTPError(303, "already exists")
    entry = (req.state.next_id(), name, kind)
    env.branch_policies.append(entry)
    return Reply(200, _branch_policy_view(*entry))


def _secrets_view(names: list[str]) -> JSON:
    stamp = "2020-01-01T00:00:00Z"
    return {
        "total_count": len(names),
        "secrets": [{"name": n, "created_at": stamp, "updated_at": stamp} for n in names],
    }


@route("GET", "/repos/{owner}/{repo}/actions/secrets")
def list_repo_secrets(req: Request) -> Reply:
    """The repository's Actions secrets: names, never values."""
    return Reply(200, _secrets_view(req.repo.secrets))


@route("GET", "/repos/{owner}/{repo}/environments/{environment_name}/secrets")
def list_environment_secrets(req: Request) -> Reply:
    """An environment's secrets: names, never values."""
    return Reply(200, _secrets_view(_environment(req).secrets))


# ----------------------------------------------------------------------------- misc


@route("GET", "/rate_limit")
def rate_limit(req: Request) -> Reply:
    """PyGithub's ``get_rate_limit``: generous, never exhausted (faults simulate that)."""
    core = {"limit": 5000, "remaining": 4999, "reset": 1893456000, "used": 1}
    return Reply(200, {"resources": {"core": core, "search": core, "graphql": core}, "rate": core})
