"""schema/crm.yaml is team-edited: validated on load, and write-back never reaches deal terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.crm.mapping import load_mapping
from handoffs.errors import ConfigError
from tests.factories import make_repo


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", git_init=False)


def _mapping_error(root: Path, old: str, new: str) -> ConfigError:
    path = root / "schema" / "crm.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mapping(load_config(root))
    return caught.value


def test_the_shipped_mapping_loads(root: Path) -> None:
    mapping = load_mapping(load_config(root))
    assert mapping.system == "salesforce"
    assert mapping.write_fields() == {"status": "Handoff_Status__c", "link": "Handoff_Link__c"}
    assert "Discount_Approval_Reason__c" not in mapping.read_fields()
    assert mapping.sales_owner("DANA@acme.example") == "@dana-sales"


@pytest.mark.parametrize("field", ["Amount", "Discount_Percent__c", "Scope_Summary__c", "hs_arr", "StageName"])
def test_write_back_to_pricing_scope_or_amount_is_refused_on_load(root: Path, field: str) -> None:
    error = _mapping_error(root, "status: Handoff_Status__c", f"status: {field}")
    assert str(error).startswith(f"{root / 'schema' / 'crm.yaml'}:")
    assert error.line is not None
    assert "write_back.status" in str(error)
    assert "never to deal terms" in str(error) or "pricing, scope, amount" in str(error)


def test_write_back_to_a_field_read_as_evidence_is_refused(root: Path) -> None:
    error = _mapping_error(root, "link: Handoff_Link__c", "link: Implementation_Notes__c")
    assert "write_back.link: `Implementation_Notes__c` is also read as evidence or routing" in str(error)


def test_a_misspelt_key_gets_a_did_you_mean_with_its_line(root: Path) -> None:
    error = _mapping_error(root, "triggers:", "trigers:")
    assert "unknown key `trigers` (did you mean `triggers`?)" in str(error)
    assert error.line is not None


def test_an_unknown_team_in_a_route_is_named(root: Path) -> None:
    error = _mapping_error(root, "SMB: onboarding", "SMB: onbaording")
    assert "triggers.0.route.teams.SMB: unknown team `onbaording` (did you mean `onboarding`?)" in str(error)


def test_a_trigger_needs_exactly_one_condition(root: Path) -> None:
    error = _mapping_error(root, "  - stage: Closed Won\n", "  - stage: Closed Won\n    owner: [a@b.example]\n")
    assert "exactly one of `stage`" in str(error)


def test_an_owner_outside_the_sales_team_is_refused(root: Path) -> None:
    error = _mapping_error(root, 'dana@acme.example: "@dana-sales"', 'dana@acme.example: "@raj-impl"')
    assert "@raj-impl is not a member of the sales team `sales`" in str(error)


def test_a_missing_mapping_says_what_it_is_for(root: Path) -> None:
    (root / "schema" / "crm.yaml").unlink()
    with pytest.raises(ConfigError, match="file is missing: `handoff crm` needs the mapping"):
        load_mapping(load_config(root))
