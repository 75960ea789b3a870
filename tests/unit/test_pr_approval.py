"""The joint-approval decision as pure functions (the acceptance tests drive it over HTTP)."""

from __future__ import annotations

import pytest

from handoffs.config import Config, load_config
from handoffs.model import FrontMatter
from handoffs.pr.approval import (
    HandoffChange,
    Review,
    State,
    admin_files,
    decide,
    listing_problem,
    requirements,
    roster,
)
from handoffs.pr.documents import parse_text, read_text, scope_changes
from handoffs.verdicts import latest_decisions
from tests.factories import BODY, FRONT_MATTER, handoff_text, make_repo

HEAD = "h" * 40
PATH = "handoffs/northwind-health/2026-11-23-implementation.md"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(make_repo(tmp_path_factory.mktemp("cfg") / "repo", git_init=False))


def front(config: Config, text: str = FRONT_MATTER) -> FrontMatter:
    doc = parse_text(handoff_text(text), PATH, config)
    assert doc is not None
    assert doc.front is not None
    return doc.front


def new_handoff(config: Config, text: str = FRONT_MATTER) -> HandoffChange:
    return HandoffChange(PATH, None, front(config, text), ())


def judge(config: Config, change: HandoffChange, reviews: list[Review], author: str = "bot") -> State:
    needed, problems = requirements([change], config, author)
    return decide(needed, problems, reviews, author=author, head_sha=HEAD, people=roster(config)).state


def test_latest_review_wins_and_comments_are_ignored() -> None:
    reviews = [Review("Raj-Impl", "APPROVED", HEAD), Review("raj-impl", "COMMENTED", HEAD)]
    assert latest_decisions(reviews)["@raj-impl"].state == "APPROVED"
    reviews.append(Review("raj-impl", "DISMISSED", HEAD))
    assert latest_decisions(reviews)["@raj-impl"].state == "DISMISSED"


def test_handles_compare_case_insensitively(config: Config) -> None:
    reviews = [Review("Dana-Sales", "APPROVED", HEAD), Review("RAJ-IMPL", "APPROVED", HEAD)]
    assert judge(config, new_handoff(config), reviews) is State.SUCCESS


def test_a_dismissed_approval_does_not_count(config: Config) -> None:
    reviews = [Review("dana-sales", "APPROVED", HEAD), Review("raj-impl", "APPROVED", HEAD)]
    reviews.append(Review("raj-impl", "DISMISSED", HEAD))
    assert judge(config, new_handoff(config), reviews) is State.PENDING


def test_changes_requested_by_a_category_reviewer_blocks(config: Config) -> None:
    pricing = next(c for c in config.categories if c.name == "pricing")
    change = HandoffChange(PATH, None, front(config), (pricing,))
    reviews = [
        Review("dana-sales", "APPROVED", HEAD),
        Review("raj-impl", "APPROVED", HEAD),
        Review("frank-finance", "CHANGES_REQUESTED", HEAD),
    ]
    assert judge(config, change, reviews) is State.FAILURE


def test_unreadable_front_matter_in_the_pr_fails(config: Config) -> None:
    change = HandoffChange(PATH, front(config), None, ())
    reviews = [Review("dana-sales", "APPROVED", HEAD), Review("raj-impl", "APPROVED", HEAD)]
    assert judge(config, change, reviews) is State.FAILURE


def test_a_missing_head_is_unreadable_unless_the_pr_removes_the_file(config: Config) -> None:
    # A new handoff that fails to load must not read as "no handoff": nothing to approve.
    change = HandoffChange(PATH, None, None, ())
    needed, problems = requirements([change], config, "bot")
    decision = decide(needed, problems, [], author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.FAILURE
    assert f"{PATH} must pass `handoff check` first" in decision.description
    assert not HandoffChange(PATH, front(config), None, (), removed=True).unreadable


def test_load_problems_in_the_head_fail_even_with_front_matter(config: Config) -> None:
    change = HandoffChange(PATH, front(config), front(config), (), head_problems=("line 2: HO112 duplicate key",))
    reviews = [Review("dana-sales", "APPROVED", HEAD), Review("raj-impl", "APPROVED", HEAD)]
    needed, problems = requirements([change], config, "bot")
    assert [r.role for r in needed] == ["sales owner @dana-sales", "receiving owner @raj-impl"]
    decision = decide(needed, problems, reviews, author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.FAILURE
    assert "HO112 duplicate key" in decision.description


def test_read_text_reports_load_problems_whatever_their_severity(config: Config) -> None:
    doubled = handoff_text(FRONT_MATTER.replace("title:", 'title: "x"\ntitle:', 1))
    doc, problems = read_text(doubled, PATH, config)
    assert doc is not None
    assert any("HO112" in p for p in problems)
    assert read_text(handoff_text(), PATH, config)[1] == ()
    assert read_text(handoff_text() + "\x00", PATH, config)[0] is None
    latin1 = handoff_text().replace("Northwind", "Northw\xe9nd").encode("latin-1")
    doc, problems = read_text(latin1, PATH, config)
    assert doc is None
    assert any("HO100" in p and "not UTF-8" in p for p in problems)


def test_a_removed_handoff_needs_its_owners(config: Config) -> None:
    change = HandoffChange(PATH, front(config), None, (), removed=True)
    assert judge(config, change, [Review("dana-sales", "APPROVED", HEAD)]) is State.PENDING
    both = [Review("dana-sales", "APPROVED", HEAD), Review("raj-impl", "APPROVED", HEAD)]
    assert judge(config, change, both) is State.SUCCESS


def test_the_same_owner_twice_is_one_requirement(config: Config) -> None:
    change = HandoffChange(PATH, front(config), front(config), ())
    needed, problems = requirements([change], config, "bot")
    assert [r.role for r in needed] == ["sales owner @dana-sales", "receiving owner @raj-impl"]
    assert problems == []


def test_no_net_change_needs_the_admin_team(config: Config) -> None:
    needed, problems = requirements([], config, "bot")
    assert [r.role for r in needed] == ["revenue-operations reviewer (for a pull request with no net change)"]
    decision = decide(needed, problems, [], author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.PENDING


def test_an_empty_list_of_requirements_is_never_success(config: Config) -> None:
    decision = decide([], [], [], author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.FAILURE


def test_the_pending_description_fits_a_commit_status(config: Config) -> None:
    categories = config.categories
    change = HandoffChange(PATH, None, front(config), categories)
    needed, problems = requirements([change], config, "bot")
    decision = decide(needed, problems, [], author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.PENDING
    assert len(decision.description) <= 140


def test_scope_change_compares_only_the_scope_sections(config: Config) -> None:
    base = parse_text(handoff_text(), PATH, config)
    goal = parse_text(handoff_text(FRONT_MATTER, BODY.replace("Cut the time", "Reduce the time")), PATH, config)
    terms = parse_text(handoff_text(FRONT_MATTER, BODY.replace("15% discount", "20% discount")), PATH, config)
    spaced = parse_text(
        handoff_text(FRONT_MATTER, BODY.replace("## Exclusions\n", "## Exclusions\n\n\n")), PATH, config
    )
    assert scope_changes(base, goal, config) == ()
    assert scope_changes(base, terms, config) == ("Custom terms",)
    assert scope_changes(base, spaced, config) == ()
    assert scope_changes(None, terms, config) == ()


def test_every_file_but_a_handoff_is_the_admin_teams() -> None:
    paths = [
        "handoffs/a/2026-11-23-onboarding.md",
        "schema/teams.yaml",
        ".github/workflows/x.yml",
        "mkdocs.yml",
        "pyproject.toml",
        "site-src/overrides/main.html",
        "handoffs/a/logo.png",
        "handoffs/../pyproject.md",
        "docs/x.md",
    ]
    assert admin_files(paths, "handoffs") == paths[1:]
    assert admin_files(["handoffs/x.md", "handoffs/a/b/2026-11-23-onboarding.md"], "handoffs") == []


def test_a_file_list_github_cut_short_is_a_problem() -> None:
    assert listing_problem(5, 5) is None
    assert listing_problem(2, 3002) == (
        "GitHub listed 2 of the pull request's 3002 changed files; split it into smaller ones"
    )
    assert listing_problem(3000, 3000) is not None  # GitHub's limit: there may be more


def test_a_process_change_alone_needs_the_admin_team(config: Config) -> None:
    needed, problems = requirements([], config, "bot", ["schema/teams.yaml"])
    assert [r.candidates for r in needed] == [frozenset({"@rita-revops"})]
    decision = decide(needed, problems, [], author="bot", head_sha=HEAD, people=roster(config))
    assert decision.state is State.PENDING
    approved = [Review("rita-revops", "APPROVED", HEAD)]
    assert decide(needed, problems, approved, author="bot", head_sha=HEAD, people=roster(config)).satisfied


def test_a_change_is_the_same_wherever_its_hunks_sit_but_not_if_a_space_differs() -> None:
    from handoffs.pr.approval import ChangedPatch, change_identity

    def one(patch: str | None, *, status: str = "modified") -> tuple[str | None, str]:
        return change_identity([ChangedPatch("handoffs/a.md", status, None, patch)], True)

    here = one("@@ -3,2 +3,3 @@\n a\n+b\n c\n")
    moved = one("@@ -40,2 +41,3 @@ ## Scope\n a\n+b\n c\n")
    assert here[0] is not None
    assert here[0] == moved[0]
    assert one("@@ -3,2 +3,3 @@\n a\n+ b\n c\n")[0] != here[0]
    assert one(None) == (None, "handoffs/a.md has no patch to compare (binary or too large)")
    assert one(None, status="removed")[0] is not None
    files = [ChangedPatch("handoffs/a.md", "modified", None, "@@ -1 +1 @@\n-a\n+b\n")]
    assert change_identity(files, False) == (None, "GitHub's comparison lists only part of the change")


def test_owners_of_an_unloadable_version_are_read_leniently_and_ambiguity_says_so() -> None:
    from handoffs.pr.documents import lenient_owners

    text = '---\nfrom:\n  owner: "@dana-sales"\n  team: sales\nto:\n  owner: "@raj-impl"\n  team: x\nbad: [\n---\n'
    broken = lenient_owners(text)
    assert not broken.complete
    fine = lenient_owners(text.replace("bad: [\n", "unknown_key: 1\n"), ("line 9: HO113 unknown key",))
    assert fine.complete
    assert [(role, owner) for role, owner, _ in fine.parties] == [
        ("sales owner", "@dana-sales"),
        ("receiving owner", "@raj-impl"),
    ]
    doubled = lenient_owners(text.replace("bad: [\n", 'to:\n  owner: "@friend"\n  team: x\n'))
    assert not doubled.complete  # duplicate `to`: two readers could disagree on who the owner is
