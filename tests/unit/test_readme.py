"""The README is part of the contract: its rule table is the catalogue, row for row."""

from __future__ import annotations

from handoffs.commands.rules import markdown_table
from handoffs.config import load_config
from tests.factories import PROJECT


def test_readme_lists_every_rule_with_its_default_severity() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert markdown_table(load_config(PROJECT).sections) in readme, (
        "regenerate the table with `handoff rules --format markdown`"
    )


def test_readme_names_the_two_commands_that_ci_runs() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
    assert "make test" in ci
