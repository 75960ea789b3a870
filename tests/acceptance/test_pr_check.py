"""``handoff pr-check``: brief comment, labels, review requests and their idempotency."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import HANDOFF, PLAIN, World
from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, commit_all, git, handoff_text
from tests.github_double.state import FileChange, Issue

MARKER = "<!-- handoff-brief -->"


def start_branch(w: World, files: dict[str, str], *, name: str = "handoff/northwind") -> str:
    """Branch off main, write ``files``, commit (CODEOWNERS as `handoff codeowners` writes it)."""
    git(w.root, "checkout", "-q", "-b", name)
    return commit_files(w, files)


def commit_files(w: World, files: dict[str, str], *, codeowners: bool = True) -> str:
    from handoffs.cli import main

    for path, text in files.items():
        target = w.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if codeowners:
        assert main(["codeowners"]) == 0
    return commit_all(w.root, "change")


def on_main(w: World, files: dict[str, str]) -> None:
    """Put ``files`` on main (an approved handoff) with an up-to-date CODEOWNERS."""
    commit_files(w, files)


def pr_event(w: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pull: Issue) -> None:
    base = git(w.root, "rev-parse", "main").strip()
    head = git(w.root, "rev-parse", "HEAD").strip()
    event = {
        "number": pull.number,
        "pull_request": {"number": pull.number, "base": {"sha": base}, "head": {"sha": head}},
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))


@pytest.fixture
def check(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> Callable[[Issue], tuple[int, str]]:
    def go(pull: Issue) -> tuple[int, str]:
        pr_event(world, tmp_path, monkeypatch, pull)
        result = run_cli("pr-check")
        return result.exit_code, result.out + result.err

    return go


def briefs(w: World, pull: Issue) -> list[str]:
    return [c.body for c in w.gh.comments_on(pull.number) if MARKER in c.body]


def labels(w: World, pull: Issue) -> set[str]:
    return set(w.gh.issues[pull.number].labels)


def test_brief_labels_and_review_requests(world: World, check: Callable[[Issue], tuple[int, str]]) -> None:
    start_branch(world, {HANDOFF: handoff_text()})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    code, out = check(pull)
    assert code == 0, out
    [brief] = briefs(world, pull)
    assert "Cut the time nurses spend" in brief  # the customer goal
    assert "| Promised | Excluded |" in brief
    assert "No migration of historical discharge summaries" in brief
    assert "pricing" in brief
    assert "finance" in brief
    assert "The customer's EHR upgrade window" in brief  # risks
    assert "Technical kickoff and integration plan signed off" in brief  # first milestone
    assert labels(world, pull) == {"handoff", "custom-terms:pricing"}
    requested = {u.casefold() for u in world.gh.pull(pull.number).pull.requested_reviewers}  # type: ignore[union-attr]
    assert requested == {"dana-sales", "raj-impl", "frank-finance"}
    assert f"::notice file={HANDOFF},line=" in out  # annotations carry repository-relative paths


def test_a_rerun_keeps_one_brief_and_drops_labels_that_stopped_applying(
    world: World, check: Callable[[Issue], tuple[int, str]]
) -> None:
    start_branch(world, {HANDOFF: handoff_text()})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    assert check(pull)[0] == 0
    assert check(pull)[0] == 0  # same commit again: nothing new
    assert len(briefs(world, pull)) == 1
    assert len(world.double.calls("PATCH", r"/issues/comments/")) == 0  # unchanged brief is not rewritten
    commit_files(world, {HANDOFF: PLAIN})  # the discount is gone
    assert check(pull)[0] == 0
    [brief] = briefs(world, pull)
    assert "No custom-term language flagged." in brief
    assert labels(world, pull) == {"handoff"}
    assert len(world.gh.comments_on(pull.number)) == 1


def test_errors_block_and_the_label_goes_when_fixed(world: World, check: Callable[[Issue], tuple[int, str]]) -> None:
    broken = handoff_text(FRONT_MATTER, BODY.replace("## Exclusions", "## Exclusions\n\n- TBD (source: call)"))
    start_branch(world, {HANDOFF: broken})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    code, out = check(pull)
    assert code == 1, out
    assert "blocked" in labels(world, pull)
    assert "::error" in out
    commit_files(world, {HANDOFF: handoff_text()})
    assert check(pull)[0] == 0
    assert "blocked" not in labels(world, pull)


def test_a_change_to_exclusions_of_an_approved_handoff_is_a_scope_change(
    world: World, check: Callable[[Issue], tuple[int, str]]
) -> None:
    on_main(world, {HANDOFF: handoff_text()})
    changed = handoff_text(FRONT_MATTER, BODY.replace("before 2026", "before 2025"))
    start_branch(world, {HANDOFF: changed})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF)])
    assert check(pull)[0] == 0
    assert "scope-change" in labels(world, pull)
    assert "Scope change" in briefs(world, pull)[0]
    assert "Exclusions" in briefs(world, pull)[0]


def test_a_change_to_the_goal_only_is_not_a_scope_change(
    world: World, check: Callable[[Issue], tuple[int, str]]
) -> None:
    on_main(world, {HANDOFF: handoff_text()})
    start_branch(world, {HANDOFF: handoff_text(FRONT_MATTER, BODY.replace("Cut the time", "Reduce the time"))})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF)])
    assert check(pull)[0] == 0
    assert "scope-change" not in labels(world, pull)


def test_a_stale_codeowners_fails_the_check(world: World, check: Callable[[Issue], tuple[int, str]]) -> None:
    git(world.root, "checkout", "-q", "-b", "handoff/stale")
    commit_files(world, {HANDOFF: handoff_text()}, codeowners=False)
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    code, out = check(pull)
    assert code == 1, out
    assert "CODEOWNERS is missing" in out
    assert "blocked" in labels(world, pull)
    assert "CODEOWNERS" in briefs(world, pull)[0]


def test_the_author_is_never_requested(world: World, check: Callable[[Issue], tuple[int, str]]) -> None:
    start_branch(world, {HANDOFF: PLAIN})
    pull = world.gh.add_pull(user="dana-sales", files=[FileChange(HANDOFF, status="added")])
    code, out = check(pull)
    assert code == 0, out
    requested = {u.casefold() for u in world.gh.pull(pull.number).pull.requested_reviewers}  # type: ignore[union-attr]
    assert requested == {"raj-impl"}


def test_a_502_on_the_comment_is_retried(world: World, check: Callable[[Issue], tuple[int, str]]) -> None:
    start_branch(world, {HANDOFF: PLAIN})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    world.double.fail_next("POST", r"/issues/1/comments$", status=502, times=1)
    assert check(pull)[0] == 0
    assert len(briefs(world, pull)) == 1


def test_repeated_502_fails_the_check_with_a_clear_message(
    world: World, check: Callable[[Issue], tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_GITHUB_ATTEMPTS", "3")
    start_branch(world, {HANDOFF: PLAIN})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])
    world.double.fail_next("GET", r"/issues/1/comments$", status=502, times=10)
    code, out = check(pull)
    assert code == 2, out
    assert "could not list the comments on #1: GitHub kept failing after 3 attempts" in out
    assert "Traceback" not in out
    assert not briefs(world, pull)


def test_an_unknown_base_is_a_clear_usage_error(world: World, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("pr-check", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "cannot compare no-such-branch...HEAD: no commit named 'no-such-branch'" in result.err
    assert "Traceback" not in result.err


def test_without_a_pull_request_it_prints_the_brief(world: World, run_cli: Callable[..., CliResult]) -> None:
    start_branch(world, {HANDOFF: PLAIN})
    result = run_cli("pr-check", "--base", "main")
    assert result.exit_code == 0, result.err
    assert MARKER in result.out
    assert not world.double.requests  # no pull request number: GitHub is not contacted


def test_the_brief_links_the_site_preview_of_its_run(
    world: World, check: Callable[[Issue], tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    start_branch(world, {HANDOFF: handoff_text()})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])

    code, out = check(pull)

    assert code == 0, out
    [brief] = briefs(world, pull)
    repository = world.gh.full_name
    assert f"[this run](https://github.example/{repository}/actions/runs/4242#artifacts)" in brief
    assert "`site-preview` artifact" in brief


def test_outside_a_workflow_run_the_brief_has_no_preview_link(
    world: World, check: Callable[[Issue], tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_RUN_ID", raising=False)
    start_branch(world, {HANDOFF: handoff_text()})
    pull = world.gh.add_pull(files=[FileChange(HANDOFF, status="added")])

    check(pull)

    [brief] = briefs(world, pull)
    assert "Site preview" not in brief


def test_the_brief_says_which_earlier_approvals_carry_over_and_why(
    world: World, check: Callable[[Issue], tuple[int, str]]
) -> None:
    pull = world.open_pull({HANDOFF: PLAIN})
    pull.add_review("dana-sales")
    pull.add_review("raj-impl")
    approved_on = pull.head_sha
    world.commit_base({"handoffs/acme/2026-10-01-onboarding.md": "another team's handoff\n"})
    pull.update_branch()  # "Update branch": the same change on a newer main
    start_branch(world, {HANDOFF: PLAIN})
    code, out = check(pull)
    assert code == 0, out
    [brief] = briefs(world, pull)
    assert "## Approvals of earlier commits" in brief
    assert f"✅ @dana-sales approved `{approved_on[:12]}`: carries over — the same change as the head" in brief
    world.push(pull, {HANDOFF: PLAIN.replace("Cut the time", "Reduce the time")})
    check(pull)
    [brief] = briefs(world, pull)
    assert f"🔁 @raj-impl approved `{approved_on[:12]}`: does not carry over" in brief


def test_a_merge_queue_entry_is_checked_between_the_queue_base_and_the_entry(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    # In a queue, an entry's base is the entry ahead of it, not main: only this
    # pull request's own handoff is judged (and a required check must report on
    # merge_group at all, or the queue waits forever).
    ahead = start_branch(world, {HANDOFF: PLAIN.replace("## Open risks", "## Open risk")}, name="queue")
    other = HANDOFF.replace("northwind-health", "keelson-logistics")
    entry = commit_files(world, {other: PLAIN.replace("Northwind Health", "Keelson Logistics")})
    event = {"merge_group": {"base_sha": ahead, "head_sha": entry, "head_ref": "gh-readonly-queue/main/pr-7-x"}}
    path = tmp_path / "merge-group.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))

    result = run_cli("pr-check")

    assert result.exit_code == 0, result.out + result.err
    assert "pr-check: 1 handoff(s) changed; no errors" in result.out
    assert "keelson-logistics" in result.out
    assert not world.double.requests  # no pull request: nothing to comment on


def _broken_mapping(w: World) -> dict[str, str]:
    """schema/crm.yaml with `sales_team` misspelt on its line."""
    text = (w.root / "schema" / "crm.yaml").read_text(encoding="utf-8")
    assert "\nsales_team:" in text
    return {"schema/crm.yaml": text.replace("\nsales_team:", "\nsales_teem:")}


def test_a_change_that_breaks_the_crm_mapping_is_blocked_where_it_is_made(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    """`handoff check` does not read schema/crm.yaml; the pull request that changes schema/ is
    where a broken mapping is caught, with file and line, before the scheduled sync meets it."""
    files = _broken_mapping(world)
    lines = files["schema/crm.yaml"].splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith("sales_teem:"))
    start_branch(world, {**files, HANDOFF: PLAIN}, name="revops/crm")
    assert run_cli("check", "handoffs").exit_code == 0  # the handoff itself is fine
    result = run_cli("pr-check", "--base", "main")
    assert result.exit_code == 1, result.out + result.err
    assert f"::error file=schema/crm.yaml,line={line}::sales_teem: unknown key `sales_teem`" in result.out
    assert "## ❌ CRM mapping" in result.out
    assert f"schema/crm.yaml:{line}: sales_teem: unknown key `sales_teem` (did you mean `sales_team`?)" in result.out
    assert "Traceback" not in result.err


def test_a_handoff_change_is_not_blocked_by_a_mapping_it_did_not_touch(
    world: World, run_cli: Callable[..., CliResult]
) -> None:
    on_main(world, _broken_mapping(world))  # broken before this pull request
    start_branch(world, {HANDOFF: PLAIN})
    result = run_cli("pr-check", "--base", "main")
    assert result.exit_code == 0, result.out + result.err
    assert "CRM mapping" not in result.out
