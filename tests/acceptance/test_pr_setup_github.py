"""``handoff setup-github``: plan, dry run, apply, and a second run that changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from tests.acceptance.pr_world import World
from tests.conftest import CliResult

WRITES = r"/(labels|rulesets)"


def writes(w: World) -> list[str]:
    return [f"{e.method} {e.path}" for e in w.double.requests if e.method != "GET"]


def test_dry_run_prints_the_plan_and_changes_nothing(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("setup-github", "--dry-run")
    assert result.exit_code == 0, result.err
    assert "create  label handoff" in result.out
    assert "create  label custom-terms:legal" in result.out
    assert "create  ruleset" in result.out
    assert "dry run" in result.out
    assert writes(world) == []
    assert not world.gh.rulesets
    assert not world.gh.labels


def test_apply_creates_labels_and_the_ruleset(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("setup-github")
    assert result.exit_code == 0, result.err
    assert {"handoff", "scope-change", "blocked", "custom-terms:pricing"} <= set(world.gh.labels)
    [ruleset] = world.gh.rulesets.values()
    assert ruleset.enforcement == "active"
    assert ruleset.conditions == {"ref_name": {"include": ["refs/heads/main"], "exclude": []}}
    rules = {r["type"]: r.get("parameters", {}) for r in ruleset.rules}
    assert {"deletion", "non_fast_forward", "pull_request", "required_status_checks"} <= set(rules)
    assert rules["pull_request"]["require_code_owner_review"] is True
    assert rules["pull_request"]["dismiss_stale_reviews_on_push"] is True
    checks = rules["required_status_checks"]["required_status_checks"]
    # Up to date with main before merging, so the checks re-run on the merged state.
    assert rules["required_status_checks"]["strict_required_status_checks_policy"] is True
    assert {"context": "handoff/joint-approval", "integration_id": 15368} in checks
    assert {"context": "Check handoffs and CODEOWNERS", "integration_id": 15368} in checks


def test_a_second_run_changes_nothing(world: World, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("setup-github").exit_code == 0
    before = len(writes(world))
    again = run_cli("setup-github")
    assert again.exit_code == 0, again.err
    assert "nothing to change" in again.out
    assert len(writes(world)) == before


def test_a_drifted_ruleset_and_label_are_put_back(world: World, run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("setup-github").exit_code == 0
    [ruleset] = world.gh.rulesets.values()
    ruleset.rules = [r for r in ruleset.rules if r["type"] != "non_fast_forward"]
    world.gh.labels["blocked"].color = "000000"
    result = run_cli("setup-github")
    assert result.exit_code == 0, result.err
    assert "rule non_fast_forward is missing" in result.out
    assert "update  label blocked" in result.out
    assert len(world.gh.rulesets) == 1
    assert "non_fast_forward" in {r["type"] for r in next(iter(world.gh.rulesets.values())).rules}
    assert world.gh.labels["blocked"].color == "b60205"
