"""``handoff pages-guard``: deal terms never go to a public Pages site from a private repository.

Against the GitHub double: the command reads the repository's visibility and the
Pages site's ``public`` flag over real HTTP and decides; anything but a clear
"private site" (or a public repository) refuses, and so does a GitHub failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from handoffs.github import Visibility
from handoffs.publishing import may_deploy
from tests.acceptance.pr_world import World
from tests.conftest import CliResult


def guard(
    world: World, run_cli: Callable[..., CliResult], *, visibility: str, pages: dict[str, Any] | None
) -> CliResult:
    world.gh.private = visibility != "public"
    world.gh.visibility = visibility
    world.gh.pages = pages
    return run_cli("pages-guard")


def test_a_public_site_of_a_private_repository_is_refused_with_the_private_options(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    result = guard(world, run_cli, visibility="private", pages={"public": True})
    assert result.exit_code == 1
    assert "Refusing to deploy: acme/handoffs is private, but its GitHub Pages site" in result.out
    assert "is public" in result.out
    assert "deal amounts and custom terms" in result.out
    assert "Enterprise Cloud" in result.out
    assert "single sign-on" in result.out
    assert "Traceback" not in result.err


def test_an_internal_repository_is_as_private_as_a_private_one(world: World, run_cli: Callable[..., CliResult]) -> None:
    assert guard(world, run_cli, visibility="internal", pages={"public": True}).exit_code == 1
    allowed = guard(world, run_cli, visibility="internal", pages={"public": False})
    assert allowed.exit_code == 0, allowed.out


def test_a_private_site_of_a_private_repository_is_deployed(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = guard(world, run_cli, visibility="private", pages={"public": False})
    assert result.exit_code == 0, result.out
    assert "its Pages site is private" in result.out


def test_a_public_repository_may_publish_what_it_already_shows(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = guard(world, run_cli, visibility="public", pages={"public": True})
    assert result.exit_code == 0, result.out
    assert "acme/handoffs is public" in result.out


def test_pages_not_enabled_is_not_deployed(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = guard(world, run_cli, visibility="private", pages=None)
    assert result.exit_code == 1
    assert "GitHub Pages is not enabled for acme/handoffs" in result.out


@pytest.mark.parametrize("path", [r"/repos/acme/handoffs$", r"/repos/acme/handoffs/pages$"])
def test_github_failing_means_not_deployed(world: World, run_cli: Callable[..., CliResult], path: str) -> None:
    world.double.fail_next("GET", path, status=502, times=10)
    result = guard(world, run_cli, visibility="private", pages={"public": False})
    assert result.exit_code == 2
    assert "could not read" in result.err
    assert "deploying" not in result.out


def test_github_refusing_to_say_means_not_deployed(world: World, run_cli: Callable[..., CliResult]) -> None:
    # A token without `pages: read` gets 403 from the Pages endpoint.
    world.double.fail_next("GET", r"/repos/acme/handoffs/pages$", status=403, times=1)
    result = guard(world, run_cli, visibility="private", pages={"public": False})
    assert result.exit_code == 2
    assert "GitHub refused to read the GitHub Pages settings" in result.err


@pytest.mark.parametrize(
    "seen",
    [
        Visibility(None, True, False, None),  # no visibility at all
        Visibility("secret", True, False, None),  # a visibility this version does not know
        Visibility("private", True, None, None),  # Pages without a `public` flag
        Visibility("private", True, "false", None),  # a string is not an answer
    ],
)
def test_an_answer_it_does_not_understand_refuses(seen: Visibility) -> None:
    decision = may_deploy("acme/handoffs", seen)
    assert not decision.allowed
    assert "did not say" in decision.reason
