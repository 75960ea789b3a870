"""How the double's objects look on the wire: the properties it knows for certain.

Each function returns a *partial* GitHub object: identities, links PyGithub follows
(``url``, ``issue_url``...), and the state tests care about. :mod:`.factory` then completes
it against the exact response schema of the operation being answered (``pull-request``
vs ``pull-request-simple``, ``repository`` vs ``full-repository``...).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from .state import Commit, GitHubState, Issue, IssueComment, Label, Repo, Review, Status, Team

JSON = dict[str, Any]


def node_id(kind: str, ident: int | str) -> str:
    """GitHub-like opaque global ids (``MDQ6VXNlcjE=`` style)."""
    return base64.b64encode(f"0:{kind}{ident}".encode()).decode()


def api(gh: GitHubState, path: str) -> str:
    """An absolute API URL on the double (PyGithub follows these)."""
    return f"{gh.base_url}{path}"


def repo_api(repo: Repo) -> str:
    """``{base}/repos/owner/name``."""
    return api(repo.state, f"/repos/{repo.owner}/{repo.name}")


def repo_html(repo: Repo) -> str:
    """``https://github.com/owner/name``."""
    return f"{repo.state.html_url}/{repo.owner}/{repo.name}"


def user_view(gh: GitHubState, login: str, *, detail: str | None = None) -> JSON:
    """A user; ``detail`` is ``public``/``private`` for the /users and /user endpoints."""
    user = gh.user(login)
    url = api(gh, f"/users/{user.login}")
    view: JSON = {
        "login": user.login,
        "id": user.id,
        "node_id": node_id("User", user.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{gh.html_url}/{user.login}",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "events_url": f"{url}/events{{/privacy}}",
        "type": user.type,
        "site_admin": False,
    }
    if detail is not None:
        view |= {
            "user_view_type": detail,
            "name": user.name,
            "email": user.email,
            "company": None,
            "blog": "",
            "location": None,
            "hireable": None,
            "bio": None,
            "public_repos": 0,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": user.created_at,
            "updated_at": user.created_at,
        }
    if detail == "private":
        view |= {
            "private_gists": 0,
            "total_private_repos": 0,
            "owned_private_repos": 0,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
        }
    return view


def team_view(gh: GitHubState, team: Team) -> JSON:
    """A team requested as reviewer."""
    url = api(gh, f"/orgs/{team.org}/teams/{team.slug}")
    return {
        "id": team.id,
        "node_id": node_id("Team", team.id),
        "url": url,
        "html_url": f"{gh.html_url}/orgs/{team.org}/teams/{team.slug}",
        "name": team.name or team.slug,
        "slug": team.slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{url}/members{{/member}}",
        "repositories_url": f"{url}/repos",
        "parent": None,
        "type": "organization",
    }


def repo_view(repo: Repo, *, full: bool = False) -> JSON:
    """A repository (``full`` adds what GET /repos/{o}/{r} returns)."""
    gh = repo.state
    url = repo_api(repo)
    view: JSON = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user_view(gh, repo.owner),
        "private": repo.private,
        "visibility": repo.visibility or ("private" if repo.private else "public"),
        "html_url": repo_html(repo),
        "description": repo.description,
        "fork": False,
        "url": url,
        "default_branch": repo.default_branch,
        "clone_url": f"{repo_html(repo)}.git",
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "svn_url": repo_html(repo),
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "archived": False,
        "disabled": False,
        "created_at": repo.created_at,
        "updated_at": repo.created_at,
        "pushed_at": repo.created_at,
        "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": repo.pages is not None,
        "has_downloads": True,
        "has_discussions": False,
        "allow_squash_merge": True,
        "allow_merge_commit": True,
        "allow_rebase_merge": True,
        "delete_branch_on_merge": True,
        "open_issues_count": sum(1 for i in repo.issues.values() if i.state == "open"),
        "topics": [],
        "license": None,
    }
    for key in ("issue_comment", "issues", "labels", "pulls", "statuses", "commits", "branches"):
        view[f"{key}_url"] = f"{url}/{key.replace('issue_comment', 'issues/comments')}"
    if full:
        view |= {
            "network_count": 0,
            "subscribers_count": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "size": 1,
            "open_issues": view["open_issues_count"],
            "forks": 0,
            "watchers": 0,
        }
    return view


def pages_view(repo: Repo, pages: dict[str, Any]) -> JSON:
    """The GitHub Pages site of ``repo`` (GET /repos/{o}/{r}/pages)."""
    html = f"https://{repo.owner.lower()}.github.io/{repo.name}/"
    return {
        "url": f"{repo_api(repo)}/pages",
        "status": "built",
        "cname": None,
        "custom_404": False,
        "html_url": html,
        "build_type": "workflow",
        "https_enforced": True,
        **pages,
    }


def label_view(repo: Repo, label: Label) -> JSON:
    """A label; its ``url`` is where PyGithub PATCHes it."""
    return {
        "id": label.id,
        "node_id": node_id("Label", label.id),
        "url": f"{repo_api(repo)}/labels/{quote(label.name, safe='')}",
        "name": label.name,
        "color": label.color,
        "description": label.description,
        "default": label.default,
    }


def issue_labels(repo: Repo, issue: Issue) -> list[JSON]:
    """The labels on an issue, as label objects."""
    labels = [repo.labels.get(name.casefold()) for name in issue.labels]
    return [label_view(repo, label) for label in labels if label is not None]


def issue_view(issue: Issue) -> JSON:
    """An issue (pull requests listed as issues carry a ``pull_request`` link)."""
    repo, gh = issue.repo, issue.repo.state
    url = f"{repo_api(repo)}/issues/{issue.number}"
    view: JSON = {
        "id": issue.id,
        "node_id": node_id("Issue", issue.id),
        "url": url,
        "repository_url": repo_api(repo),
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{repo_html(repo)}/issues/{issue.number}",
        "number": issue.number,
        "state": issue.state,
        "state_reason": issue.state_reason,
        "title": issue.title,
        "body": issue.body,
        "user": user_view(gh, issue.user),
        "labels": issue_labels(repo, issue),
        "assignee": user_view(gh, issue.assignees[0]) if issue.assignees else None,
        "assignees": [user_view(gh, login) for login in issue.assignees],
        "milestone": None,
        "locked": issue.locked,
        "active_lock_reason": None,
        "comments": len(repo.comments_on(issue.number)),
        "closed_at": issue.closed_at,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "author_association": author_association(repo, issue.user),
    }
    if issue.pull is not None:
        html = f"{repo_html(repo)}/pull/{issue.number}"
        view["html_url"] = html
        view["pull_request"] = {
            "url": f"{repo_api(repo)}/pulls/{issue.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": issue.pull.merged_at,
        }
    return view


def author_association(repo: Repo, login: str) -> str:
    """OWNER for the owner, MEMBER for everyone else (the double has one organisation)."""
    return "OWNER" if login.casefold() == repo.owner.casefold() else "MEMBER"


def pull_view(issue: Issue, *, full: bool = True) -> JSON:
    """A pull request (``full`` adds the counters of GET /pulls/{n})."""
    repo, gh = issue.repo, issue.repo.state
    part = issue.pull
    assert part is not None
    url = f"{repo_api(repo)}/pulls/{issue.number}"
    html = f"{repo_html(repo)}/pull/{issue.number}"
    issue_url = f"{repo_api(repo)}/issues/{issue.number}"
    view: JSON = {
        "url": url,
        "id": issue.id,
        "node_id": node_id("PullRequest", issue.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{repo_api(repo)}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": f"{repo_api(repo)}/statuses/{part.head_sha}",
        "number": issue.number,
        "state": issue.state,
        "locked": issue.locked,
        "title": issue.title,
        "user": user_view(gh, issue.user),
        "body": issue.body,
        "labels": issue_labels(repo, issue),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "merged_at": part.merged_at,
        "merge_commit_sha": part.merge_commit_sha,
        "assignee": user_view(gh, issue.assignees[0]) if issue.assignees else None,
        "assignees": [user_view(gh, login) for login in issue.assignees],
        "requested_reviewers": [user_view(gh, login) for login in part.requested_reviewers],
        "requested_teams": [team_view(gh, gh.teams[key]) for key in _team_keys(issue)],
        "head": _pull_ref(repo, part.head_ref, part.head_sha, issue.user),
        "base": _pull_ref(repo, part.base_ref, part.base_sha, repo.owner),
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{repo_api(repo)}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": f"{repo_api(repo)}/statuses/{part.head_sha}"},
        },
        "author_association": author_association(repo, issue.user),
        "auto_merge": None,
        "draft": part.draft,
    }
    if full:
        view |= {
            "merged": part.merged,
            "mergeable": None if part.merged else True,
            "rebaseable": None if part.merged else True,
            "mergeable_state": "clean" if issue.state == "open" else "unknown",
            "merged_by": user_view(gh, part.merged_by) if part.merged_by else None,
            "comments": len(repo.comments_on(issue.number)),
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": len(part.commits),
            "additions": sum(f.additions for f in part.files),
            "deletions": sum(f.deletions for f in part.files),
            "changed_files": len(part.files),
        }
    return view


def _team_keys(issue: Issue) -> list[str]:
    assert issue.pull is not None
    org = issue.repo.owner
    return [f"{org}/{slug}".casefold() for slug in issue.pull.requested_teams]


def _pull_ref(repo: Repo, ref: str, sha: str, login: str) -> JSON:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user_view(repo.state, login),
        "repo": repo_view(repo),
    }


def review_view(issue: Issue, review: Review) -> JSON:
    """A submitted review (``commit_id`` is what joint approval compares with the head)."""
    repo = issue.repo
    html = f"{repo_html(repo)}/pull/{issue.number}"
    pull_url = f"{repo_api(repo)}/pulls/{issue.number}"
    view: JSON = {
        "id": review.id,
        "node_id": node_id("PullRequestReview", review.id),
        "user": user_view(repo.state, review.user),
        "body": review.body,
        "state": review.state,
        "html_url": f"{html}#pullrequestreview-{review.id}",
        "pull_request_url": pull_url,
        "_links": {"html": {"href": f"{html}#pullrequestreview-{review.id}"}, "pull_request": {"href": pull_url}},
        "commit_id": review.commit_id,
        "author_association": author_association(repo, review.user),
    }
    if review.submitted_at is not None:
        view["submitted_at"] = review.submitted_at
    return view


def comment_view(repo: Repo, comment: IssueComment) -> JSON:
    """An issue comment; PyGithub edits/deletes it through its ``url``."""
    issue_url = f"{repo_api(repo)}/issues/{comment.issue_number}"
    issue = repo.issues.get(comment.issue_number)
    kind = "pull" if issue is not None and issue.pull is not None else "issues"
    return {
        "id": comment.id,
        "node_id": node_id("IssueComment", comment.id),
        "url": f"{repo_api(repo)}/issues/comments/{comment.id}",
        "html_url": f"{repo_html(repo)}/{kind}/{comment.issue_number}#issuecomment-{comment.id}",
        "body": comment.body,
        "user": user_view(repo.state, comment.user),
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "issue_url": issue_url,
        "author_association": author_association(repo, comment.user),
    }


def commit_view(repo: Repo, commit: Commit, *, with_files: bool = False) -> JSON:
    """A commit as GET /commits/{ref} and /pulls/{n}/commits return it."""
    gh = repo.state
    url = f"{repo_api(repo)}/commits/{commit.sha}"
    author = gh.user(commit.author)
    person = {"name": author.name or author.login, "email": f"{author.login}@example.invalid", "date": commit.date}
    view: JSON = {
        "url": url,
        "sha": commit.sha,
        "node_id": node_id("Commit", commit.sha[:12]),
        "html_url": f"{repo_html(repo)}/commit/{commit.sha}",
        "comments_url": f"{url}/comments",
        "commit": {
            "url": f"{repo_api(repo)}/git/commits/{commit.sha}",
            "author": person,
            "committer": person,
            "message": commit.message,
            "comment_count": 0,
            "tree": {"sha": commit.sha[::-1], "url": f"{repo_api(repo)}/git/trees/{commit.sha[::-1]}"},
        },
        "author": user_view(gh, commit.author),
        "committer": user_view(gh, commit.author),
        "parents": [
            {"sha": p, "url": f"{repo_api(repo)}/commits/{p}", "html_url": f"{repo_html(repo)}/commit/{p}"}
            for p in commit.parents
        ],
    }
    if with_files:
        view["files"] = []
        view["stats"] = {"additions": 0, "deletions": 0, "total": 0}
    return view


def status_view(repo: Repo, status: Status, *, simple: bool = False) -> JSON:
    """A commit status (``simple`` for the statuses inside a combined status)."""
    gh = repo.state
    view: JSON = {
        "url": f"{repo_api(repo)}/statuses/{status.sha}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{gh.user(status.creator).id}?v=4",
        "id": status.id,
        "node_id": node_id("StatusContext", status.id),
        "state": status.state,
        "description": status.description,
        "target_url": status.target_url,
        "context": status.context,
        "created_at": status.created_at,
        "updated_at": status.updated_at,
    }
    if not simple:
        view["creator"] = user_view(gh, status.creator)
    return view


def combined_status_view(repo: Repo, ref: str) -> JSON:
    """The latest status per context and GitHub's roll-up of them."""
    sha = repo.resolve_ref(ref)
    latest: dict[str, Status] = {}
    for status in repo.statuses_for(sha):  # newest first
        latest.setdefault(status.context, status)
    statuses = sorted(latest.values(), key=lambda s: s.id)
    return {
        "state": combined_state([s.state for s in statuses]),
        "sha": sha,
        "total_count": len(statuses),
        "statuses": [status_view(repo, s, simple=True) for s in statuses],
        "repository": repo_view(repo),
        "commit_url": f"{repo_api(repo)}/commits/{sha}",
        "url": f"{repo_api(repo)}/commits/{sha}/status",
    }


def combined_state(states: list[str]) -> str:
    """GitHub: failure if any error/failure, pending if none or any pending, else success."""
    if any(s in ("error", "failure") for s in states):
        return "failure"
    if not states or any(s == "pending" for s in states):
        return "pending"
    return "success"
