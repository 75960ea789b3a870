"""Small pure parts of the GitHub commands: retry policy, issue form, ruleset, CODEOWNERS, labels."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from handoffs.config import load_config
from handoffs.errors import HandoffError, UsageError
from handoffs.github import RetryPolicy, settings_from_env
from handoffs.pr.brief import is_managed
from handoffs.pr.codeowners import render
from handoffs.pr.documents import parse_text
from handoffs.pr.issue_form import parse_sections, read_form
from handoffs.pr.ruleset import Pins, desired_ruleset, strengthened, weaker
from tests.factories import make_repo


def test_backoff_doubles_and_is_capped_and_retry_after_wins() -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=5.0)
    assert [policy.delay(n, None) for n in range(4)] == [1.0, 2.0, 4.0, 5.0]
    assert policy.delay(0, 3.0) == 3.0
    assert policy.delay(0, 600.0) == 5.0


def test_retry_policy_from_the_environment() -> None:
    assert RetryPolicy.from_env({"HANDOFF_GITHUB_BACKOFF": "0", "HANDOFF_GITHUB_ATTEMPTS": "2"}).attempts == 2
    with pytest.raises(UsageError):
        RetryPolicy.from_env({"HANDOFF_GITHUB_BACKOFF": "soon"})


def test_settings_flags_override_the_environment() -> None:
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "a/b", "GITHUB_API_URL": "https://ghe.example/api/v3/"}
    assert settings_from_env(environ=env).api_url == "https://ghe.example/api/v3"
    assert settings_from_env(repository="c/d", environ=env).repository == "c/d"
    with pytest.raises(UsageError, match="no GitHub token"):
        settings_from_env(environ={"GITHUB_REPOSITORY": "a/b"})
    with pytest.raises(UsageError, match="no repository"):
        settings_from_env(environ={"GITHUB_TOKEN": "t"})


def test_issue_form_sections_and_no_response() -> None:
    body = "### Customer\n\nAcme\n\n### CRM deal URL\n\n_No response_\n\n### Customer goal\n\nLine one\nLine two\n"
    assert parse_sections(body) == [("Customer", "Acme"), ("CRM deal URL", ""), ("Customer goal", "Line one\nLine two")]


def test_issue_form_converts_dates_and_handles() -> None:
    body = (
        "### Customer\n\nAcme\n\n### Handoff type\n\nonboarding\n\n"
        "### Sales owner\n\ndana\n\n### Target kickoff date\n\n2026-12-01\n"
    )
    answers = read_form(body)
    assert answers.front["sales_owner"] == "@dana"
    assert answers.front["kickoff"] == dt.date(2026, 12, 1)


def test_a_body_that_is_not_the_form_is_refused() -> None:
    with pytest.raises(HandoffError, match="not a filled-in"):
        read_form("Please hand this over to Raj, thanks!")


PINS = Pins(approval_app_id=42, actions_app_id=15368, bypass_team_id=7)


def test_ruleset_drift_ignores_extras_and_order() -> None:
    desired = desired_ruleset("main", PINS)
    current: dict[str, Any] = {**desired, "id": 7, "source": "acme/handoffs"}
    current["rules"] = list(reversed(desired["rules"]))
    assert weaker(desired, current) == []
    less = {**current, "rules": [r for r in current["rules"] if r["type"] != "deletion"]}
    assert weaker(desired, less) == ["rule deletion is missing"]
    assert weaker(desired, {**current, "enforcement": "evaluate"}) == ["enforcement is 'evaluate', wants 'active'"]


def test_a_stricter_ruleset_is_not_drift_and_strengthening_keeps_additions() -> None:
    desired = desired_ruleset("main", PINS)
    current: dict[str, Any] = copy.deepcopy(desired)
    review = next(r for r in current["rules"] if r["type"] == "pull_request")["parameters"]
    review.update(required_approving_review_count=2, required_review_thread_resolution=True)
    current["rules"].append({"type": "required_signatures"})
    assert weaker(desired, current) == []
    review.update(require_last_push_approval=False)
    current["bypass_actors"].append({"actor_id": 99, "actor_type": "Integration", "bypass_mode": "always"})
    assert weaker(desired, current) == ["rule pull_request: require_last_push_approval is False, wants True"]
    fixed = strengthened(desired, current)
    assert weaker(desired, fixed) == []
    fixed_review = next(r for r in fixed["rules"] if r["type"] == "pull_request")["parameters"]
    assert fixed_review["required_approving_review_count"] == 2
    assert {"type": "required_signatures"} in fixed["rules"]
    assert len(fixed["bypass_actors"]) == 2


def test_a_check_from_another_source_is_weaker() -> None:
    desired = desired_ruleset("main", PINS)
    current: dict[str, Any] = copy.deepcopy(desired)
    checks = next(r for r in current["rules"] if r["type"] == "required_status_checks")["parameters"]
    checks["required_status_checks"] = [{"context": "handoff/joint-approval", "integration_id": 15368}]
    found = weaker(desired, current)
    assert "rule required_status_checks: `handoff/joint-approval` from app 42 is not required" in found


def test_codeowners_gives_the_process_to_the_admins_and_handoffs_to_nobody() -> None:
    text = render(["@rev", "@ops", "@rev"], "revenue-operations")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "* @ops @rev"
    assert "/schema/ @ops @rev" in lines
    assert lines[-1] == "/handoffs/**/*.md"  # last line wins on GitHub: handoffs have no code owner


def test_codeowners_of_an_empty_admin_team_names_nobody_but_says_so() -> None:
    assert "* # (no members)" in render([], "revenue-operations")


def test_managed_labels() -> None:
    assert is_managed("custom-terms:legal")
    assert is_managed("blocked")
    assert not is_managed("bug")


def test_a_path_escaping_the_repository_is_refused(tmp_path: Path) -> None:
    config = load_config(make_repo(tmp_path / "repo", git_init=False))
    with pytest.raises(HandoffError, match="not a path inside the repository"):
        parse_text("---\n---\n", "handoffs/../../escape.md", config)
    assert not (tmp_path / "escape.md").exists()


def test_an_overlong_brief_is_cut_to_fit_one_comment() -> None:
    from handoffs.github import COMMENT_LIMIT
    from handoffs.pr.brief import MARKER, fit_comment

    text = MARKER + "\n" + "x\n" * 40_000
    fitted = fit_comment(text)
    assert len(fitted) <= COMMENT_LIMIT
    assert len(fitted) > COMMENT_LIMIT - 200  # no margin beyond the note's own room
    assert fitted.startswith(MARKER)
    assert fitted.endswith(
        "x\n\n…the brief is too long for one comment; the full version is in the PR check's job summary.\n"
    )
    assert fit_comment("short\n") == "short\n"
    exact = MARKER + "\n" + "y" * (COMMENT_LIMIT - len(MARKER) - 2) + "\n"
    assert fit_comment(exact) == exact  # exactly at GitHub's limit: posted whole
