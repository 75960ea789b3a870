"""A local, stateful GitHub REST API double, checked against GitHub's OpenAPI description.

Use the ``github_double`` fixture (see :mod:`tests.github_double.fixtures`)::

    def test_comment(github_double):
        repo = github_double.state.add_repo("acme/handoffs")
        pr = repo.add_pull("Add handoff", user="alice", files=["handoffs/acme.md"])
        gh = github_double.client()            # or Github(base_url=github_double.url, ...)
        gh.get_repo("acme/handoffs").get_pull(pr.number).create_issue_comment("hi")
        assert [c.body for c in repo.comments_on(pr.number)] == ["hi"]
"""

from .faults import Corruption, Fault
from .openapi import OpenAPI, load_openapi
from .server import Exchange, GitHubDouble, Violation
from .state import GitHubState, Issue, Repo

__all__ = [
    "Corruption",
    "Exchange",
    "Fault",
    "GitHubDouble",
    "GitHubState",
    "Issue",
    "OpenAPI",
    "Repo",
    "Violation",
    "load_openapi",
]
