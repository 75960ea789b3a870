"""schema/ is team-edited: every mistake is named with its file, key, line and a hint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from handoffs.config import find_root, load_config
from handoffs.errors import ConfigError
from handoffs.findings import Severity
from tests.factories import make_repo

PLAIN_TEAMS = """\
sales: ["@dana-sales", "@li-ae"]
implementation: ["@raj-impl"]
legal: ["@lena-legal"]
finance: ["@frank-finance"]
support: ["@nora-support"]
delivery: ["@eva-delivery"]
security: ["@sam-sec"]
revenue-operations: ["@rita-revops"]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", git_init=False)


def _edit(root: Path, name: str, change: Callable[[str], str]) -> Path:
    path = root / "schema" / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _replace(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def _error(root: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.exit_code == 2
    return caught.value


def test_the_shipped_schema_loads(root: Path) -> None:
    config = load_config(root)
    assert {"onboarding", "customer-success", "implementation", "delivery", "account-management", "internal"} <= set(
        config.type_names
    )
    assert {c.name for c in config.categories} >= {"pricing", "payment", "legal", "sla", "scope", "security"}
    assert config.members("sales") == {"@dana-sales", "@li-ae", "@marco-ae"}
    assert config.teams["revenue-operations"].description.startswith("Owns the handoff process")


@pytest.mark.parametrize("name", ["types.yaml", "teams.yaml", "custom-terms.yaml", "vague-language.yaml", "rules.yaml"])
def test_a_missing_file_is_named(root: Path, name: str) -> None:
    (root / "schema" / name).unlink()
    error = _error(root)
    assert str(error) == f"{root / 'schema' / name}: file is missing"


def test_bad_yaml_names_file_and_line(root: Path) -> None:
    path = _edit(root, "rules.yaml", _replace("base_branch: main", "base_branch: [main"))
    error = _error(root)
    assert error.path == path
    assert error.line == 10
    assert "YAML cannot be read" in error.message


def test_unsafe_yaml_in_schema_is_refused_too(root: Path) -> None:
    _edit(root, "rules.yaml", lambda text: text + "\nbase_branch: develop\n")
    error = _error(root)
    assert "`base_branch` appears twice" in str(error)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("types.yaml", "optional_sections"),
        ("vague-language.yaml", "phrases"),
        ("rules.yaml", "sourced_sections"),
        ("custom-terms.yaml", "skip_sections"),
    ],
)
def test_a_misspelt_key_gets_a_did_you_mean(root: Path, name: str, key: str) -> None:
    old, new = f"{key}:", f"{key[:-1]}:"  # the plural's "s" forgotten
    path = _edit(root, name, _replace(old, new))
    error = _error(root)
    assert error.path == path
    assert f"unknown key `{key[:-1]}` (did you mean `{key}`?)" in error.message
    assert error.line == path.read_text().splitlines().index(new) + 1


def test_a_misspelt_team_key_in_the_extended_form(root: Path) -> None:
    _edit(root, "teams.yaml", _replace('legal: ["@lena-legal"]', 'legal: {members: ["@lena-legal"], descripton: x}'))
    error = _error(root)
    assert "legal.descripton: unknown key `descripton` (did you mean `description`?)" in error.message


@pytest.mark.parametrize(
    ("pattern", "why"),
    [("(?<!no )flat fee", "no look-arounds"), ("flat (fee", "missing )"), (r"(a)\1", "back-references")],
)
def test_a_bad_pattern_is_refused_with_its_location(root: Path, pattern: str, why: str) -> None:
    path = _edit(root, "custom-terms.yaml", _replace(r"'\bflat[- ]fee\b'", f"'{pattern}'"))
    error = _error(root)
    assert error.path == path
    assert error.message.startswith(f"categories.pricing.patterns: `{pattern}` is not a valid pattern")
    assert why in error.message


def test_a_bad_timeframe_pattern_is_refused(root: Path) -> None:
    _edit(root, "rules.yaml", _replace(r"  - '\bh[12]\s+\d{4}\b'", "  - '(unclosed'"))
    assert "timeframe_patterns" in _error(root).message


def test_an_unknown_reviewer_team(root: Path) -> None:
    path = _edit(root, "custom-terms.yaml", _replace("reviewers: [legal]", "reviewers: [legl]"))
    error = _error(root)
    assert error.path == path
    assert "categories.legal.reviewers: unknown team `legl` (did you mean `legal`?)" in error.message


def test_a_reviewer_may_be_a_handle(root: Path) -> None:
    _edit(root, "custom-terms.yaml", _replace("reviewers: [legal]", "reviewers: ['@lena-legal', finance]"))
    config = load_config(root)
    legal = next(c for c in config.categories if c.name == "legal")
    assert config.reviewers_for(legal) == {"@lena-legal", "@frank-finance"}


def test_a_team_member_must_be_a_handle(root: Path) -> None:
    _edit(root, "teams.yaml", _replace('legal: ["@lena-legal"]', 'legal: ["lena-legal"]'))
    error = _error(root)
    assert error.line == 13
    assert "legal.members: `lena-legal` is not a GitHub handle" in error.message


def test_the_plain_teams_form_from_issue_2_is_accepted(root: Path) -> None:
    (root / "schema" / "teams.yaml").write_text(PLAIN_TEAMS, encoding="utf-8")
    _edit(root, "custom-terms.yaml", _replace("reviewers: [delivery]", "reviewers: [implementation]"))
    config = load_config(root)
    assert config.members("sales") == {"@dana-sales", "@li-ae"}
    assert config.teams["implementation"].members == ["@raj-impl"]
    assert config.teams["legal"].description == ""


def test_the_extended_teams_form_is_accepted(root: Path) -> None:
    _edit(
        root,
        "teams.yaml",
        _replace(
            'legal: ["@lena-legal"]', 'legal:\n  description: Contract review\n  members: ["@Lena-Legal", "@max-law"]'
        ),
    )
    config = load_config(root)
    assert config.members("legal") == {"@lena-legal", "@max-law"}  # handles compare case-insensitively
    assert config.teams["legal"].description == "Contract review"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("severity: {HO999: off}", "severity: unknown rule code `HO999`"),
        ("severity: {HO500: flag}", "severity.HO500: must be error, warning or off"),
        ("severity: {HO600: error}", "severity.HO600: must be flag or off"),
        ("severity: {HO500: loud}", "severity.HO500: Input should be 'error', 'warning', 'flag' or 'off'"),
    ],
)
def test_bad_severity_overrides(root: Path, line: str, expected: str) -> None:
    _edit(root, "rules.yaml", _replace("severity: {}", line))
    assert expected in _error(root).message


def test_severity_overrides_including_an_unquoted_off(root: Path) -> None:
    _edit(root, "rules.yaml", _replace("severity: {}", "severity:\n  HO500: off\n  HO503: error\n  HO600: 'off'"))
    config = load_config(root)
    assert config.severity_of("HO500") is None
    assert config.severity_of("HO503") is Severity.ERROR
    assert config.severity_of("HO600") is None
    assert config.severity_of("HO501") is Severity.WARNING  # untouched rules keep their default


def test_unknown_admin_team(root: Path) -> None:
    _edit(root, "rules.yaml", _replace("admin_team: revenue-operations", "admin_team: revops"))
    assert "admin_team: unknown team `revops`" in _error(root).message


def test_a_type_template_must_exist(root: Path) -> None:
    _edit(root, "types.yaml", _replace("template: templates/implementation.md", "template: templates/nope.md"))
    assert "types.implementation: template" in _error(root).message


def test_a_mapping_is_required_at_the_top(root: Path) -> None:
    path = _edit(root, "rules.yaml", lambda _: "- a\n- b\n")
    error = _error(root)
    assert (error.path, error.line) == (path, 1)


def test_wrong_types_are_not_coerced(root: Path) -> None:
    _edit(root, "rules.yaml", _replace("max_file_bytes: 1000000", 'max_file_bytes: "1000000"'))
    error = _error(root)
    assert error.line == 4
    assert error.message.startswith("max_file_bytes: ")


def test_type_specific_required_sections(root: Path) -> None:
    _edit(
        root,
        "types.yaml",
        _replace("  internal:\n", "  internal:\n    required_sections: [Customer goal, Evidence]\n"),
    )
    config = load_config(root)
    assert config.required_sections("internal") == ["Customer goal", "Evidence"]
    assert "Exclusions" in config.required_sections("onboarding")


def test_find_root_walks_up_and_explains_when_there_is_none(root: Path, tmp_path: Path) -> None:
    deep = root / "handoffs" / "acme" / "x"
    deep.mkdir(parents=True)
    assert find_root(deep) == root.resolve()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    with pytest.raises(ConfigError, match=r"no schema/types\.yaml found"):
        find_root(outside)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('"@dana-sales": U024BE7LH\ndana: U024BE7LX\n', 2, "`dana` is not a GitHub handle like @dana-sales"),
        (
            '"@dana-sales": U024BE7LH\n"@dana-sale": U024BE7LX\n',
            2,
            "`@dana-sale` (did you mean `@dana-sales`?) is not a member of any team in schema/teams.yaml",
        ),
        ('"@raj-impl": raj\n', 1, "@raj-impl: `raj` is not a Slack member id like U024BE7LH"),
        ('"@raj-impl": U1\n"@raj-impl": U024BE7LH\n', 2, "`@raj-impl` appears twice"),
    ],
)
def test_the_slack_map_is_checked_with_file_and_line(root: Path, text: str, line: int, message: str) -> None:
    path = root / "schema" / "slack-users.yaml"
    path.write_text(text, encoding="utf-8")
    error = _error(root)
    assert error.path == path
    assert error.line == line
    assert message in error.message


def test_the_slack_map_is_optional_and_case_blind(root: Path) -> None:
    assert load_config(root).slack_ids == {}
    (root / "schema" / "slack-users.yaml").write_text('"@Dana-Sales": U024BE7LH\n', encoding="utf-8")
    config = load_config(root)
    assert config.slack_id("@dana-sales") == "U024BE7LH"
    assert config.slack_id("@raj-impl") is None


def test_a_section_role_added_in_a_release_says_what_to_write(root: Path) -> None:
    """A team's older types.yaml lacks `key_dates`: the error names the line to add, not only that it is missing."""
    path = _edit(root, "types.yaml", _replace("  key_dates: Key dates\n", ""))
    error = _error(root)
    assert error.path == path
    assert error.message == "sections.key_dates: this key is required; for example `key_dates: Key dates`"
