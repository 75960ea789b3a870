"""The GitHub double itself, exercised with real PyGithub over real HTTP.

These tests pin two things: the double behaves like GitHub for what the project uses
(pagination, comments, labels, statuses, issues, reviews, rulesets, protection, faults),
and its validator really rejects exchanges that GitHub's OpenAPI description does not
allow (otherwise a green suite would prove nothing).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from github import Auth, Github, GithubException, RateLimitExceededException
from github.CommitStatus import CommitStatus
from github.GithubException import UnknownObjectException
from github.PaginatedList import PaginatedList

from .handlers import HANDLERS, Reply
from .openapi import OpenAPI, convert, load_openapi
from .server import GitHubDouble, format_violations
from .state import FileChange

REPO = "acme/handoffs"


@pytest.fixture
def seeded(github_double: GitHubDouble) -> GitHubDouble:
    """A repository with one pull request by alice changing one handoff."""
    repo = github_double.state.add_repo(REPO)
    repo.add_pull("Add Globex handoff", user="alice", files=["handoffs/globex.md"])
    return github_double


# ----------------------------------------------------------------------------- basics


def test_pygithub_talks_to_the_base_url_as_given(seeded: GitHubDouble) -> None:
    gh = Github(
        base_url=seeded.url,
        auth=Auth.Token("t"),
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    repo = gh.get_repo(REPO)
    assert repo.full_name == REPO
    assert repo.default_branch == "main"
    # No /api/v3 prefix: PyGithub uses the base URL's path (empty) as the prefix.
    assert [e.path for e in seeded.requests] == ["/repos/acme/handoffs"]
    assert seeded.requests[0].headers["authorization"] == "token t"
    assert seeded.url.startswith("http://127.0.0.1:")


def test_users_authenticated_and_by_login(seeded: GitHubDouble) -> None:
    gh = seeded.client()
    assert gh.get_user().login == "handoffs-bot"
    assert gh.get_user("alice").login == "alice"
    with pytest.raises(UnknownObjectException):
        gh.get_user("nobody-here")


def test_tokens_act_as_their_users(seeded: GitHubDouble) -> None:
    seeded.state.add_token("bob-token", "bob")
    pull = seeded.client("bob-token").get_repo(REPO).get_pull(1)
    pull.create_review(event="APPROVE", body="LGTM")
    review = seeded.state.repo(REPO).pull(1).pull.reviews[-1]  # type: ignore[union-attr]
    assert (review.user, review.state) == ("bob", "APPROVED")

    seeded.state.add_token("alice-token", "alice")
    own = seeded.client("alice-token").get_repo(REPO).get_pull(1)
    with pytest.raises(GithubException) as raised:
        own.create_review(event="APPROVE")
    assert raised.value.status == 422


# ----------------------------------------------------------------------------- pagination


def test_reviews_paginate_with_link_headers(seeded: GitHubDouble) -> None:
    pull = seeded.state.repo(REPO).pull(1)
    states = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "APPROVED"] * 2
    for index, state in enumerate(states):
        pull.add_review(f"reviewer{index}", state, submitted_at=f"2024-06-01T10:00:{index:02d}Z")

    reviews = list(seeded.client(per_page=3).get_repo(REPO).get_pull(1).get_reviews())

    assert [r.user.login for r in reviews] == [f"reviewer{i}" for i in range(10)]
    assert [r.state for r in reviews] == states
    assert all(r.commit_id == pull.head_sha for r in reviews)
    pages = seeded.calls("GET", r"/pulls/1/reviews$")
    assert len(pages) == 4
    assert 'rel="next"' in pages[0].response_headers["Link"]
    assert "page=2" in pages[0].response_headers["Link"]
    assert 'rel="next"' not in pages[-1].response_headers.get("Link", "")


def test_total_count_uses_the_last_link(seeded: GitHubDouble) -> None:
    pull = seeded.state.repo(REPO).pull(1)
    for index in range(7):
        pull.add_review(f"r{index}")
    assert seeded.client().get_repo(REPO).get_pull(1).get_reviews().totalCount == 7


def test_pull_files_and_commits_paginate(seeded: GitHubDouble) -> None:
    repo = seeded.state.repo(REPO)
    files = [FileChange(f"handoffs/h{i}.md", status="added", additions=i) for i in range(5)]
    number = repo.add_pull("Five handoffs", user="carol", head="five", files=[*files], commits=4).number
    pull = seeded.client(per_page=2).get_repo(REPO).get_pull(number)
    assert [f.filename for f in pull.get_files()] == [f.filename for f in files]
    assert [f.status for f in pull.get_files()] == ["added"] * 5
    assert len(list(pull.get_commits())) == 4
    assert pull.changed_files == 5
    assert pull.additions == sum(range(5))


# ----------------------------------------------------------------------------- pull requests


def test_pulls_create_list_update_and_merge(seeded: GitHubDouble) -> None:
    repo_state = seeded.state.repo(REPO)
    repo_state.add_branch("handoff/initech")
    repo = seeded.client().get_repo(REPO)

    created = repo.create_pull(base="main", head="handoff/initech", title="Initech", body="Adds it")
    assert created.number == 2  # numbers are shared with issues: #1 exists
    assert [p.number for p in repo.get_pulls(state="open")] == [2, 1]
    created.edit(title="Initech handoff")
    assert repo_state.pull(2).title == "Initech handoff"

    result = created.merge()
    assert result.merged
    assert repo.get_pull(2).merged
    assert [p.number for p in repo.get_pulls(state="closed")] == [2]
    assert repo_state.branches["main"].sha == repo_state.pull(2).pull.merge_commit_sha  # type: ignore[union-attr]


def test_requested_reviewers(seeded: GitHubDouble) -> None:
    pull = seeded.client().get_repo(REPO).get_pull(1)
    pull.create_review_request(reviewers=["bob", "carol"], team_reviewers=["legal"])
    users, teams = pull.get_review_requests()
    assert [u.login for u in users] == ["bob", "carol"]
    assert [t.slug for t in teams] == ["legal"]

    pull.delete_review_request(reviewers=["bob"])
    assert [u.login for u in pull.get_review_requests()[0]] == ["carol"]

    with pytest.raises(GithubException) as raised:
        pull.create_review_request(reviewers=["alice"])  # the author
    assert raised.value.status == 422


def test_contents_at_base_and_head(seeded: GitHubDouble) -> None:
    repo_state = seeded.state.repo(REPO)
    repo_state.add_commit("Roster", branch="main", parents=[repo_state.branches["main"].sha],
                          files={"schema/teams.yaml": "teams: []\n"})  # fmt: skip
    change = FileChange("handoffs/initech.md", status="added", content="---\nclient: Initech\n---\n")
    number = repo_state.add_pull("Initech", user="bob", head="initech", files=[change]).number
    repo = seeded.client().get_repo(REPO)
    head = repo.get_pull(number).head.sha

    handoff = repo.get_contents("handoffs/initech.md", ref=head)
    assert not isinstance(handoff, list)
    assert handoff.decoded_content.decode() == change.content
    roster = repo.get_contents("schema/teams.yaml")  # default branch
    assert not isinstance(roster, list)
    assert roster.decoded_content == b"teams: []\n"
    with pytest.raises(UnknownObjectException):
        repo.get_contents("handoffs/initech.md", ref="main")  # not on the base branch


def test_pull_request_from_a_branch_pushed_with_git(seeded: GitHubDouble, tmp_path: Path) -> None:
    bare, work = tmp_path / "remote.git", tmp_path / "work"
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "--quiet", "--bare", "-b", "main", str(bare)], check=True)
    subprocess.run([*git, "clone", "--quiet", str(bare), str(work)], check=True, capture_output=True)
    (work / "README.md").write_text("hello\n")
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "--quiet", "-m", "init"], check=True)
    subprocess.run([*git, "-C", str(work), "push", "--quiet", "origin", "HEAD:main"], check=True)
    subprocess.run([*git, "-C", str(work), "checkout", "--quiet", "-b", "handoff/umbrella"], check=True)
    (work / "handoffs").mkdir()
    (work / "handoffs" / "umbrella.md").write_text("# Umbrella\n")
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "--quiet", "-m", "Add Umbrella"], check=True)
    subprocess.run([*git, "-C", str(work), "push", "--quiet", "origin", "handoff/umbrella"], check=True)

    other = seeded.state.add_repo("acme/pushed")
    other.attach_git(bare)
    repo = seeded.client().get_repo("acme/pushed")
    pull = repo.create_pull(base="main", head="handoff/umbrella", title="Umbrella")

    assert [(f.filename, f.status) for f in pull.get_files()] == [("handoffs/umbrella.md", "added")]
    content = repo.get_contents("handoffs/umbrella.md", ref="handoff/umbrella")
    assert not isinstance(content, list)
    assert content.decoded_content == b"# Umbrella\n"


# ----------------------------------------------------------------------------- comments


def test_one_comment_created_then_updated_then_deleted(seeded: GitHubDouble) -> None:
    repo_state = seeded.state.repo(REPO)
    repo_state.add_comment(1, "a human said something", user="bob")
    pull = seeded.client().get_repo(REPO).get_pull(1)

    comment = pull.create_issue_comment("<!-- handoff-brief -->\nv1")
    mine = [c for c in pull.get_issue_comments() if c.body.startswith("<!-- handoff-brief -->")]
    assert [c.id for c in mine] == [comment.id]
    assert mine[0].user.login == "handoffs-bot"

    mine[0].edit("<!-- handoff-brief -->\nv2")
    bodies = [c.body for c in repo_state.comments_on(1)]
    assert bodies == ["a human said something", "<!-- handoff-brief -->\nv2"]
    assert seeded.calls("PATCH", rf"/issues/comments/{comment.id}$")

    mine[0].delete()
    assert [c.user for c in repo_state.comments_on(1)] == ["bob"]


# ----------------------------------------------------------------------------- labels


def test_labels_on_pull_requests(seeded: GitHubDouble) -> None:
    repo_state = seeded.state.repo(REPO)
    pull = seeded.client().get_repo(REPO).get_pull(1)

    pull.add_to_labels("handoff", "custom-terms:legal")  # PyGithub sends a bare array
    assert repo_state.issues[1].labels == ["handoff", "custom-terms:legal"]
    assert "custom-terms:legal" in repo_state.labels  # created on first use

    pull.remove_from_labels("custom-terms:legal")
    assert [label.name for label in pull.get_labels()] == ["handoff"]

    pull.set_labels("handoff", "scope-change")
    assert repo_state.issues[1].labels == ["handoff", "scope-change"]

    with pytest.raises(GithubException) as raised:
        pull.remove_from_labels("blocked")  # not on the pull request
    assert (raised.value.status, raised.value.data["message"]) == (404, "Label does not exist")


def test_repository_labels(seeded: GitHubDouble) -> None:
    repo = seeded.client().get_repo(REPO)
    created = repo.create_label("blocked", "b60205", "Cannot proceed")
    assert repo.get_label("BLOCKED").description == "Cannot proceed"  # names are case-insensitive
    created.edit("blocked", "000000", "Waiting on someone")
    assert seeded.state.repo(REPO).labels["blocked"].color == "000000"
    with pytest.raises(GithubException) as raised:
        repo.create_label("blocked", "ffffff")
    assert raised.value.status == 422
    assert [label.name for label in repo.get_labels()] == ["blocked"]


# ----------------------------------------------------------------------------- statuses


def test_commit_statuses_and_combined_status(seeded: GitHubDouble) -> None:
    head = seeded.state.repo(REPO).pull(1).head_sha
    gh = seeded.client()
    commit = gh.get_repo(REPO).get_commit(head)

    commit.create_status("pending", description="Waiting for approvals", context="Joint approval")
    commit.create_status("success", target_url="https://example.invalid/ci", context="lint")
    commit.create_status("success", description="All owners approved", context="Joint approval")

    # The documented listing route (PyGithub's Commit.get_statuses uses a legacy one).
    statuses = PaginatedList(CommitStatus, gh.requester, f"{seeded.url}/repos/{REPO}/commits/{head}/statuses", None)
    assert [s.state for s in statuses] == ["success", "success", "pending"]  # newest first
    combined = commit.get_combined_status()
    assert combined.state == "success"
    assert {s.context: s.state for s in combined.statuses} == {
        "Joint approval": "success",
        "lint": "success",
    }
    assert seeded.state.repo(REPO).statuses[0].creator == "handoffs-bot"


def test_pygithub_get_statuses_uses_an_undocumented_route(seeded: GitHubDouble) -> None:
    """PyGithub lists statuses at GET /repos/{o}/{r}/statuses/{sha}: not in the description."""
    head = seeded.state.repo(REPO).pull(1).head_sha
    commit = seeded.client(retry=None).get_repo(REPO).get_commit(head)
    with seeded.expect_violations() as caught, pytest.raises(GithubException):
        list(commit.get_statuses())
    assert "GET is not an operation of /repos/{owner}/{repo}/statuses/{sha}" in str(caught[0])


# ----------------------------------------------------------------------------- issues


def test_issues_create_list_filter_update(seeded: GitHubDouble) -> None:
    repo = seeded.client().get_repo(REPO)
    first = repo.create_issue(
        "First milestone: kickoff for Globex",
        body="Due: 2026-12-01\n\nFrom handoffs/globex.md",
        assignees=["dana"],
        labels=["handoff", "milestone"],
    )
    repo.create_issue("Unrelated", labels=["bug"])
    assert first.assignees[0].login == "dana"

    milestones = repo.get_issues(state="open", labels=[repo.get_label("milestone")])
    assert [i.number for i in milestones] == [first.number]
    by_bot = repo.get_issues(state="all", creator=seeded.client().get_user("handoffs-bot"))
    assert sorted(i.number for i in by_bot) == [2, 3]
    everything = repo.get_issues(state="all")
    assert any(i.pull_request is not None for i in everything)  # pull requests are issues

    first.edit(state="closed")
    assert seeded.state.repo(REPO).issues[first.number].state == "closed"
    assert [i.number for i in repo.get_issues(state="closed")] == [first.number]
    assert repo.get_issue(first.number).closed_at is not None


# ----------------------------------------------------------------------------- rulesets & protection


RULESET = {
    "name": "handoffs",
    "target": "branch",
    "enforcement": "active",
    "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
    "rules": [
        {
            "type": "pull_request",
            "parameters": {
                "required_approving_review_count": 1,
                "dismiss_stale_reviews_on_push": True,
                "require_code_owner_review": True,
                "require_last_push_approval": False,
                "required_review_thread_resolution": False,
            },
        },
        {
            "type": "required_status_checks",
            "parameters": {
                "strict_required_status_checks_policy": True,
                "required_status_checks": [{"context": "Joint approval"}],
            },
        },
    ],
}


def test_rulesets_create_list_get_update(seeded: GitHubDouble) -> None:
    requester = seeded.client().requester
    base = f"/repos/{REPO}/rulesets"

    _, created = requester.requestJsonAndCheck("POST", base, input=RULESET)
    _, listed = requester.requestJsonAndCheck("GET", base)
    assert [r["name"] for r in listed] == ["handoffs"]

    _, one = requester.requestJsonAndCheck("GET", f"{base}/{created['id']}")
    assert one["rules"] == RULESET["rules"]
    assert one["source"] == REPO

    _, updated = requester.requestJsonAndCheck("PUT", f"{base}/{created['id']}", input={"enforcement": "evaluate"})
    assert updated["enforcement"] == "evaluate"
    assert seeded.state.repo(REPO).rulesets[created["id"]].enforcement == "evaluate"


PROTECTION = {
    "required_status_checks": {"strict": True, "contexts": ["Joint approval"]},
    "enforce_admins": True,
    "required_pull_request_reviews": {
        "dismiss_stale_reviews": True,
        "require_code_owner_reviews": True,
        "required_approving_review_count": 1,
    },
    "restrictions": None,
}


def test_branch_protection(seeded: GitHubDouble) -> None:
    gh = seeded.client()
    branch = gh.get_repo(REPO).get_branch("main")
    assert not branch.protected
    # PyGithub's Branch.edit_protection sends nulls and omits "contexts", which the
    # description rejects; a complete body goes through the requester instead.
    gh.requester.requestJsonAndCheck("PUT", branch.protection_url, input=PROTECTION)

    protection = gh.get_repo(REPO).get_branch("main").get_protection()
    assert protection.required_status_checks.contexts == ["Joint approval"]
    assert protection.required_status_checks.strict
    assert protection.required_pull_request_reviews.dismiss_stale_reviews
    assert protection.required_pull_request_reviews.require_code_owner_reviews
    assert protection.enforce_admins
    assert seeded.state.repo(REPO).branches["main"].protection == PROTECTION
    assert gh.get_repo(REPO).get_branch("main").protected


# ----------------------------------------------------------------------------- faults


def test_injected_502_is_retried_by_pygithub(seeded: GitHubDouble) -> None:
    fault = seeded.fail_next("GET", r"/pulls/1$", status=502)
    pull = seeded.client().get_repo(REPO).get_pull(1)  # PyGithub's default retry policy
    assert pull.title == "Add Globex handoff"
    assert [e.status for e in seeded.calls("GET", r"/pulls/1$")] == [502, 200]
    assert fault.remaining == 0


def test_injected_502_surfaces_without_retry(seeded: GitHubDouble) -> None:
    seeded.fail_next("*", r"/pulls/1$", status=502, times=2)
    repo = seeded.client(retry=None).get_repo(REPO)
    with pytest.raises(GithubException) as raised:
        repo.get_pull(1)
    assert raised.value.status == 502
    with pytest.raises(GithubException):
        repo.get_pull(1)
    assert repo.get_pull(1).number == 1  # the fault is used up


def test_rate_limit_fault(seeded: GitHubDouble) -> None:
    seeded.rate_limit_next("GET", r"/repos/acme/handoffs$", retry_after=0)
    with pytest.raises(RateLimitExceededException) as raised:
        seeded.client(retry=None).get_repo(REPO)
    assert raised.value.headers is not None
    assert raised.value.headers["x-ratelimit-remaining"] == "0"
    assert raised.value.headers["retry-after"] == "0"

    seeded.rate_limit_next("GET", r"/repos/acme/handoffs$", retry_after=0)
    assert seeded.client().get_repo(REPO).name == "handoffs"  # PyGithub waits, then retries


# ----------------------------------------------------------------------------- the validator


def test_a_corrupted_response_is_caught(seeded: GitHubDouble) -> None:
    def corrupt(body: dict[str, object]) -> dict[str, object]:
        return {**body, "number": "one", "state": "merged"}

    seeded.corrupt_next("GET", r"/pulls/1$", corrupt)
    with seeded.expect_violations() as caught:
        seeded.client().get_repo(REPO).get_pull(1)
    assert len(caught) == 1
    assert caught[0].kind == "response"
    assert "pulls/get GET /repos/{owner}/{repo}/pulls/{pull_number}" in caught[0].operation
    text = str(caught[0])
    assert "'one' is not of type 'integer'" in text
    assert "'merged' is not one of ['open', 'closed']" in text


def test_a_corrupted_nested_object_is_caught(seeded: GitHubDouble) -> None:
    seeded.state.repo(REPO).pull(1).add_review("bob")

    def drop_login(body: list[dict[str, dict[str, object]]]) -> object:
        body[0]["user"].pop("login")
        return body

    seeded.corrupt_next("GET", r"/reviews$", drop_login)
    with seeded.expect_violations() as caught:
        list(seeded.client().get_repo(REPO).get_pull(1).get_reviews())
    assert "'login' is a required property" in str(caught[0])


def test_an_undocumented_status_is_caught(seeded: GitHubDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    # GET /pulls/{n}/files documents 200, 422, 500 and 503 only: make the handler say 409.
    route = ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
    monkeypatch.setitem(HANDLERS, route, lambda req: Reply(409, {"message": "x"}, complete=False))
    with seeded.expect_violations() as caught, pytest.raises(GithubException):
        list(seeded.client(retry=None).get_repo(REPO).get_pull(1).get_files())
    assert "status 409 is not documented for this operation" in str(caught[0])


def test_an_unknown_route_is_rejected(seeded: GitHubDouble) -> None:
    requester = seeded.client(retry=None).requester
    with seeded.expect_violations() as caught:
        status, _, _ = requester.requestJson("GET", f"/repos/{REPO}/handoff-magic")
        assert status == 404
        status, _, _ = requester.requestJson("DELETE", f"/repos/{REPO}/pulls")
        assert status == 404
    assert [v.kind for v in caught] == ["route", "route"]
    assert "no path template" in str(caught[0])
    assert "DELETE is not an operation of /repos/{owner}/{repo}/pulls" in str(caught[1])


def test_an_invalid_request_body_is_rejected(seeded: GitHubDouble) -> None:
    requester = seeded.client(retry=None).requester
    with seeded.expect_violations() as caught:
        status, _, body = requester.requestJson("POST", f"/repos/{REPO}/issues", input={"body": "x"})
        assert status == 422
        bad = {**RULESET, "enforcement": "sometimes"}
        status, _, _ = requester.requestJson("POST", f"/repos/{REPO}/rulesets", input=bad)
        assert status == 422
    assert "'title' is a required property" in str(caught[0])
    assert "'sometimes' is not one of" in str(caught[1])
    assert "github double" in body


def test_an_undocumented_query_parameter_is_rejected(seeded: GitHubDouble) -> None:
    requester = seeded.client(retry=None).requester
    with seeded.expect_violations() as caught:
        requester.requestJson("GET", f"/repos/{REPO}/pulls", parameters={"author": "alice"})
        requester.requestJson("GET", f"/repos/{REPO}/pulls", parameters={"per_page": "many"})
    assert "query parameter 'author' is not documented" in str(caught[0])
    assert "query parameter 'per_page'" in str(caught[1])


def test_teardown_report_lists_route_and_error(seeded: GitHubDouble) -> None:
    requester = seeded.client(retry=None).requester
    requester.requestJson("GET", "/not/a/github/route")
    with pytest.raises(AssertionError) as raised:
        seeded.assert_valid()
    report = str(raised.value)
    assert "1 exchange(s) do not match GitHub's OpenAPI description" in report
    assert "GET /not/a/github/route" in report
    seeded.take_violations()  # keep this test's own teardown green
    assert format_violations([], "x").startswith("GitHub double: 0")


def test_the_remaining_routes_answer_valid_responses(seeded: GitHubDouble) -> None:
    """Routes no other test drives; the fixture's teardown checks every response."""
    gh = seeded.client(retry=None)
    call = gh.requester.requestJson
    base = f"/repos/{REPO}"
    seeded.state.repo(REPO).add_comment(1, "hello", user="bob")
    comment_id = next(iter(seeded.state.repo(REPO).comments))
    _, created = gh.requester.requestJsonAndCheck("POST", f"{base}/rulesets", input=RULESET)
    gh.requester.requestJsonAndCheck("PUT", f"{base}/branches/main/protection", input=PROTECTION)

    expected = [
        ("GET", "/rate_limit", None, 200),
        ("GET", f"{base}/issues/comments/{comment_id}", None, 200),
        ("POST", f"{base}/issues/1/assignees", {"assignees": ["erin"]}, 201),
        ("POST", f"{base}/issues/1/labels", {"labels": ["handoff", "blocked"]}, 200),
        ("DELETE", f"{base}/issues/1/labels", None, 204),
        ("POST", f"{base}/labels", {"name": "gone", "color": "ffffff"}, 201),
        ("DELETE", f"{base}/labels/gone", None, 204),
        ("GET", f"{base}/labels/gone", None, 404),
        ("GET", f"{base}/pulls/1/merge", None, 404),
        ("GET", f"{base}/pulls/99", None, 404),
        ("GET", f"{base}/issues/99", None, 404),
        ("GET", f"{base}/commits/main/status", None, 200),
        ("DELETE", f"{base}/rulesets/{created['id']}", None, 204),
        ("GET", f"{base}/rulesets/{created['id']}", None, 404),
        ("DELETE", f"{base}/branches/main/protection", None, 204),
        ("GET", f"{base}/branches/main/protection", None, 404),
        ("GET", "/repos/acme/unknown", None, 404),
    ]
    answered = [(m, path, data, call(m, path, input=data)[0]) for m, path, data, _ in expected]
    assert answered == expected
    assert seeded.state.repo(REPO).issues[1].assignees == ["erin"]


# ----------------------------------------------------------------------------- the description


def test_every_handler_is_an_operation_of_the_description(github_openapi: OpenAPI) -> None:
    paths = github_openapi.document["paths"]
    missing = [f"{method} {template}" for method, template in HANDLERS if method.lower() not in paths.get(template, {})]
    assert missing == []


def test_the_description_is_loaded_once(github_openapi: OpenAPI) -> None:
    assert load_openapi() is github_openapi
    assert github_openapi.document["openapi"].startswith("3.")


@pytest.mark.parametrize(
    ("source", "converted"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        (
            {"type": "string", "enum": ["a"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", None]},
        ),
        (
            {"allOf": [{"$ref": "#/x"}], "nullable": True},
            {"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/x"}]}]},
        ),
        ({"type": "integer", "nullable": False}, {"type": "integer"}),
        (
            {"properties": {"nullable": {"type": "boolean", "description": "a property"}}},
            {"properties": {"nullable": {"type": "boolean"}}},
        ),
    ],
)
def test_openapi_30_nullable_becomes_2020_12(source: object, converted: object) -> None:
    assert convert(source) == converted
