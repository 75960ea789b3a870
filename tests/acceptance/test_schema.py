"""schema/handoff.schema.json: generated from the models, kept fresh, and true to the examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from handoffs.document.frontmatter_split import Split, split
from handoffs.document.source import decode
from handoffs.document.yamlsafe import load
from tests.factories import FRONT_MATTER, PROJECT

Run = Callable[..., Any]
SCHEMA_FILE = PROJECT / "schema" / "handoff.schema.json"
EXAMPLES = sorted((PROJECT / "handoffs").rglob("*.md"))


def _as_json(value: object) -> Any:
    """Front matter as JSON sees it: dates become ISO strings."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def _front_matter(path: Path) -> dict[str, Any]:
    text, problems = decode(path.read_bytes())
    assert text is not None, problems
    parts = split(text.lines)
    assert isinstance(parts, Split), parts
    doc = load(parts.yaml, first_line=parts.yaml_line)
    assert doc.problems == []
    assert isinstance(doc.data, dict)
    return dict(_as_json(doc.data))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_committed_schema_is_up_to_date(run_cli: Run) -> None:
    result = run_cli("schema", "--check", "--root", PROJECT)
    assert result.exit_code == 0, result.err
    assert result.out.strip() == f"{SCHEMA_FILE} is up to date"


def test_check_fails_when_the_schema_is_stale_and_schema_refreshes_it(repo: Path, run_cli: Run) -> None:
    types = repo / "schema" / "types.yaml"
    types.write_text(types.read_text() + "  renewal:\n    description: Renewal desk.\n", encoding="utf-8")

    stale = run_cli("schema", "--check")
    assert stale.exit_code == 1
    assert "is out of date: run `handoff schema` and commit it" in stale.err

    written = run_cli("schema")
    assert written.exit_code == 0
    assert written.out.startswith("wrote ")
    assert "renewal" in json.loads((repo / "schema" / "handoff.schema.json").read_text())["properties"]["type"]["enum"]
    assert run_cli("schema", "--check").exit_code == 0
    assert run_cli("schema").out.endswith("is up to date\n")


def test_there_are_examples_to_validate() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.relative_to(PROJECT)) for p in EXAMPLES])
def test_every_example_front_matter_is_valid_under_the_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    errors = [e.message for e in validator.iter_errors(_front_matter(path))]
    assert errors == []


def test_the_factory_front_matter_is_valid_under_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(_as_json(load(FRONT_MATTER).data))) == []


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("from:\n", "frm:\n", ""),
        ('  id: "006Hs00001NWHEAL"', "  id: 6000123", "crm.id"),
        ('  owner: "@dana-sales"', '  owner: "dana-sales"', "from.owner"),
        ("type: implementation", "type: implemention", "type"),
        ("status: proposed", "status: approved", "status"),
        ("kickoff: 2026-12-01", "kickoff: 2026-12-01T10:00:00", "kickoff"),
        ("  currency: USD", "  currency: usd", "deal.currency"),
    ],
)
def test_the_schema_refuses_what_the_checker_refuses(
    validator: jsonschema.Draft202012Validator, old: str, new: str, path: str
) -> None:
    assert old in FRONT_MATTER
    data = _as_json(load(FRONT_MATTER.replace(old, new)).data)
    best = jsonschema.exceptions.best_match(validator.iter_errors(data))
    assert best is not None
    assert ".".join(str(p) for p in best.absolute_path) == path
