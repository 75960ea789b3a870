"""``handoff setup-github``: plan (offline too), apply, keep what an admin made stricter, and say
plainly whether the joint approval can still be forged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.acceptance.pr_world import World
from tests.conftest import CliResult

APP = "acme-handoff-approval"
APP_ID = 424242
ACTIONS_ID = 777  # a GitHub Enterprise Server's own id for GitHub Actions: looked up, never assumed


def writes(w: World) -> list[str]:
    return [f"{e.method} {e.path}" for e in w.double.requests if e.method != "GET"]


def rules_of(w: World) -> dict[str, dict[str, object]]:
    [ruleset] = w.gh.rulesets.values()
    return {r["type"]: r.get("parameters", {}) for r in ruleset.rules}


@pytest.fixture
def ghes(world: World) -> World:
    """GitHub Actions under another integration id than on github.com; the admin team exists."""
    world.double.state.add_app("github-actions", app_id=ACTIONS_ID, owner="github")
    world.double.state.add_team("acme", "revenue-operations", ["rita-revops"])
    return world


@pytest.fixture
def with_app(ghes: World) -> World:
    """The approval App exists and schema/rules.yaml names it."""
    ghes.double.state.add_app(APP, app_id=APP_ID)
    rules = (ghes.root / "schema" / "rules.yaml").read_text(encoding="utf-8")
    ghes.commit_base({"schema/rules.yaml": rules + f"\napproval_app: {APP}\n"})
    return ghes


def key_in_environment(w: World) -> None:
    w.gh.environments["handoff-approval"].secrets.append("HANDOFF_APPROVAL_APP_KEY")


# --- the plan --------------------------------------------------------------------------------


def test_dry_run_without_a_token_prints_the_plan_offline(
    world: World, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    result = run_cli("setup-github", "--dry-run")
    assert result.exit_code == 0, result.err
    assert "create  label handoff" in result.out
    assert "create  environment 'handoff-approval': deployments (and its secrets) from main only" in result.out
    assert "required checks: `handoff/joint-approval` from GitHub Actions (its id looked up)" in result.out
    assert "the last push approved by someone else" in result.out
    assert "bypass: team 'revenue-operations'" in result.out
    assert "NOT SECURE as planned" in result.out
    assert world.double.requests == [], "offline: not one request"


def test_dry_run_with_a_token_reads_and_changes_nothing(ghes: World, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("setup-github", "--dry-run")
    assert "create  label custom-terms:legal" in result.out
    assert "create  ruleset" in result.out
    assert f"`handoff/joint-approval` from GitHub Actions ({ACTIONS_ID})" in result.out
    assert "dry run: " in result.out
    assert writes(ghes) == []
    assert not ghes.gh.rulesets
    assert not ghes.gh.labels


# --- without the App: applied, and said to be forgeable -------------------------------------------


def test_without_the_app_it_applies_but_says_the_status_can_be_forged(
    ghes: World, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("setup-github")
    assert result.exit_code == 1, result.out
    assert "NOT SECURE — the joint approval can still be forged" in result.out
    assert "any workflow on any branch of this repository" in result.out
    assert "secure —" not in result.out
    checks = rules_of(ghes)["required_status_checks"]["required_status_checks"]
    assert {"context": "handoff/joint-approval", "integration_id": ACTIONS_ID} in checks  # type: ignore[operator]
    assert {"context": "Check handoffs and CODEOWNERS", "integration_id": ACTIONS_ID} in checks  # type: ignore[operator]
    assert {"handoff", "scope-change", "blocked", "custom-terms:pricing"} <= set(ghes.gh.labels)


# --- with the App ----------------------------------------------------------------------------------


def test_with_the_app_the_check_is_pinned_to_it_and_its_key_is_fenced_to_main(
    with_app: World, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("setup-github")
    assert result.exit_code == 1, result.out  # the key is not in the environment yet
    assert "has no secret HANDOFF_APPROVAL_APP_KEY" in result.out
    assert "NOT SECURE" not in result.out
    env = with_app.gh.environments["handoff-approval"]
    assert (env.custom_branch_policies, env.protected_branches) == (True, False)
    assert [name for _, name, _ in env.branch_policies] == ["main"]
    [ruleset] = with_app.gh.rulesets.values()
    assert ruleset.enforcement == "active"
    assert ruleset.conditions == {"ref_name": {"include": ["refs/heads/main"], "exclude": []}}
    team = with_app.double.state.teams["acme/revenue-operations"]
    assert ruleset.bypass_actors == [{"actor_id": team.id, "actor_type": "Team", "bypass_mode": "pull_request"}]
    rules = rules_of(with_app)
    assert {"deletion", "non_fast_forward", "pull_request", "required_status_checks"} <= set(rules)
    assert rules["pull_request"]["require_last_push_approval"] is True
    assert rules["pull_request"]["require_code_owner_review"] is True
    assert rules["pull_request"]["dismiss_stale_reviews_on_push"] is True
    checks = rules["required_status_checks"]["required_status_checks"]
    assert {"context": "handoff/joint-approval", "integration_id": APP_ID} in checks  # type: ignore[operator]
    assert {"context": "Check handoffs and CODEOWNERS", "integration_id": ACTIONS_ID} in checks  # type: ignore[operator]

    key_in_environment(with_app)
    before = len(writes(with_app))
    again = run_cli("setup-github")
    assert again.exit_code == 0, again.out
    assert "nothing to change" in again.out
    assert "secure — handoff/joint-approval is accepted only from the approval App" in again.out
    assert len(writes(with_app)) == before


def test_an_environment_open_to_other_branches_is_not_secure(
    with_app: World, run_cli: Callable[..., CliResult]
) -> None:
    env = with_app.double.state.add_environment(with_app.gh, "handoff-approval", branches=["main", "release/*"])
    env.secrets.append("HANDOFF_APPROVAL_APP_KEY")
    result = run_cli("setup-github")
    assert result.exit_code == 1
    assert "also deploys from release/*: a workflow there can read the App's key" in result.out


def test_an_environment_any_branch_may_deploy_to_is_fenced(with_app: World, run_cli: Callable[..., CliResult]) -> None:
    with_app.double.state.add_environment(with_app.gh, "handoff-approval", branches=None)
    result = run_cli("setup-github")
    assert "update  environment 'handoff-approval'" in result.out
    env = with_app.gh.environments["handoff-approval"]
    assert env.custom_branch_policies
    assert [name for _, name, _ in env.branch_policies] == ["main"]


def test_the_key_as_a_repository_secret_is_not_secure(with_app: World, run_cli: Callable[..., CliResult]) -> None:
    with_app.gh.secrets.append("HANDOFF_APPROVAL_APP_KEY")
    result = run_cli("setup-github")
    assert result.exit_code == 1
    assert "HANDOFF_APPROVAL_APP_KEY is a repository secret: every workflow on every branch can read it" in result.out


def test_an_app_github_does_not_know_is_an_error(ghes: World, run_cli: Callable[..., CliResult]) -> None:
    rules = (ghes.root / "schema" / "rules.yaml").read_text(encoding="utf-8")
    ghes.commit_base({"schema/rules.yaml": rules + "\napproval_app: no-such-app\n"})
    result = run_cli("setup-github")
    assert result.exit_code == 2
    assert "approval_app 'no-such-app'" in result.out + result.err
    assert writes(ghes) == []


# --- an org can live with it: stricter is compliant, admin additions are kept -----------------------


def test_stricter_settings_are_compliant(with_app: World, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("setup-github").exit_code == 1
    key_in_environment(with_app)
    [ruleset] = with_app.gh.rulesets.values()
    for rule in ruleset.rules:
        if rule["type"] == "pull_request":
            rule["parameters"].update(required_approving_review_count=2, required_review_thread_resolution=True)
        if rule["type"] == "required_status_checks":
            rule["parameters"]["required_status_checks"].append({"context": "security-scan"})
    ruleset.rules.append({"type": "required_signatures"})
    before = len(writes(with_app))
    result = run_cli("setup-github")
    assert result.exit_code == 0, result.out
    assert "ok      ruleset" in result.out
    assert len(writes(with_app)) == before


def test_a_weaker_ruleset_is_strengthened_and_the_admins_rules_are_kept(
    with_app: World, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("setup-github").exit_code == 1
    key_in_environment(with_app)
    [ruleset] = with_app.gh.rulesets.values()
    ruleset.rules = [r for r in ruleset.rules if r["type"] != "non_fast_forward"]
    ruleset.rules.append({"type": "required_linear_history"})
    for rule in ruleset.rules:
        if rule["type"] == "pull_request":
            rule["parameters"].update(require_last_push_approval=False, required_approving_review_count=3)
        if rule["type"] == "required_status_checks":
            checks = rule["parameters"]["required_status_checks"]
            checks[:] = [c for c in checks if c["context"] != "handoff/joint-approval"]
            checks += [{"context": "handoff/joint-approval"}, {"context": "security-scan"}]  # from any source
    with_app.gh.labels["blocked"].color = "000000"
    result = run_cli("setup-github")
    assert result.exit_code == 0, result.out
    assert "rule non_fast_forward is missing" in result.out
    assert "require_last_push_approval is False, wants True" in result.out
    assert f"`handoff/joint-approval` from app {APP_ID} is not required" in result.out
    assert "update  label blocked" in result.out
    rules = rules_of(with_app)
    assert {"non_fast_forward", "required_linear_history"} <= set(rules)
    assert rules["pull_request"]["require_last_push_approval"] is True
    assert rules["pull_request"]["required_approving_review_count"] == 3, "the admin's stricter count is kept"
    checks = rules["required_status_checks"]["required_status_checks"]
    assert {"context": "security-scan"} in checks  # type: ignore[operator]
    assert [c for c in checks if c["context"] == "handoff/joint-approval"] == [  # type: ignore[union-attr, index]
        {"context": "handoff/joint-approval", "integration_id": APP_ID}
    ]
    assert with_app.gh.labels["blocked"].color == "b60205"


def test_a_merge_queue_makes_up_to_date_optional(with_app: World, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("setup-github").exit_code == 1
    key_in_environment(with_app)
    [ruleset] = with_app.gh.rulesets.values()
    for rule in ruleset.rules:
        if rule["type"] == "required_status_checks":
            rule["parameters"]["strict_required_status_checks_policy"] = False
    before = len(writes(with_app))
    assert "strict_required_status_checks_policy is False" in run_cli("setup-github", "--dry-run").out
    ruleset.rules.append({"type": "merge_queue", "parameters": {"merge_method": "MERGE"}})
    result = run_cli("setup-github")
    assert result.exit_code == 0, result.out
    assert "ok      ruleset" in result.out
    assert len(writes(with_app)) == before


def test_accept_forgeable_exits_0_but_still_says_so(ghes: World, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("setup-github", "--accept-forgeable")
    assert result.exit_code == 0, result.out
    assert "NOT SECURE — the joint approval can still be forged" in result.out
