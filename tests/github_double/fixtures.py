"""pytest fixtures for the GitHub double (load with ``pytest_plugins``).

``github_double`` serves a fresh, empty GitHub on 127.0.0.1 for one test and, at
teardown, fails the test if any exchange did not match GitHub's OpenAPI description.
The description itself is loaded once per test process (``github_openapi``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .openapi import OpenAPI, load_openapi
from .server import GitHubDouble, format_violations

if TYPE_CHECKING:
    from github import Github


@pytest.fixture(scope="session")
def github_openapi() -> OpenAPI:
    """GitHub's OpenAPI description (parsed once per process, cached on disk)."""
    return load_openapi()


@pytest.fixture
def github_double(github_openapi: OpenAPI) -> Iterator[GitHubDouble]:
    """A running double; the test fails at teardown if any exchange was invalid."""
    double = GitHubDouble(github_openapi).start()
    try:
        yield double
    finally:
        double.stop()
    violations = double.take_violations()
    if violations:
        pytest.fail(format_violations(violations, github_openapi.version), pytrace=False)


@pytest.fixture
def github_client(github_double: GitHubDouble) -> Github:
    """PyGithub pointed at the double (no client-side throttling)."""
    return github_double.client()
