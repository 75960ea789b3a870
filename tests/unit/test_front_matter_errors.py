"""Front-matter validation errors, retold at their line in words a sales rep understands."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from handoffs.document.explain import explain_validation_errors
from handoffs.document.yamlsafe import load
from handoffs.model import FrontMatter
from tests.factories import FRONT_MATTER

CLOSING_LINE = 26  # the factory's front matter is lines 2-25, closed on 26


def _explain(old: str, new: str) -> list[tuple[str, int, str]]:
    assert old in FRONT_MATTER, old
    doc = load(FRONT_MATTER.replace(old, new, 1), first_line=2)
    assert doc.problems == []
    with pytest.raises(ValidationError) as caught:
        FrontMatter.model_validate(doc.data)
    return list(explain_validation_errors(caught.value, doc, closing_line=CLOSING_LINE))


def test_the_factory_front_matter_is_valid() -> None:
    front = FrontMatter.model_validate(load(FRONT_MATTER).data)
    assert (front.from_.owner, front.to.team, front.crm.id) == ("@dana-sales", "implementation", "006Hs00001NWHEAL")


TITLE = 'title: "Northwind Health: EHR integration and go-live"'
SPELLING = "remove it or fix the spelling"
CASES: list[tuple[str, str, list[tuple[str, int, str]]]] = [
    ("from:\n", "frm:\n", [
        ("HO114", CLOSING_LINE, "required key `from` is missing"),
        ("HO113", 6, f"unknown key `frm` (did you mean `from`?): {SPELLING}"),
    ]),
    ("  close_date:", "  clsoe_date:", [
        ("HO113", 25, f"unknown key `clsoe_date` (did you mean `close_date`?): {SPELLING}"),
    ]),
    ("status: proposed\n", "status: proposed\ndate: 2026-11-23\n", [("HO113", 22, f"unknown key `date`: {SPELLING}")]),
    ('  id: "006Hs00001NWHEAL"\n', "", [("HO114", 12, "required key `crm.id` is missing")]),
    ('customer: "Northwind Health"', "customer: NO", [
        ("HO115", 3, "`customer`: expected text, but YAML reads `NO` as the yes/no value false; "
                     'write it in quotes: "NO"'),
    ]),
    ('  id: "006Hs00001NWHEAL"', "  id: 6000123", [
        ("HO115", 14, "`crm.id`: expected text, but YAML reads `6000123` as the number 6000123; "
                      'write it in quotes: "6000123"'),
    ]),
    (TITLE, "title: 2026-11-23", [
        ("HO115", 2, '`title`: expected text, but YAML reads `2026-11-23` as a date; write it in quotes: "2026-11-23"'),
    ]),
    ("status: proposed", "status: kicked_off", [
        ("HO115", 21, "`status`: `kicked_off` (did you mean `kicked-off`?) is not allowed; "
                      "use one of: proposed, kicked-off, completed, cancelled"),
    ]),
    ("  system: salesforce", "  system: Salesforce", [
        ("HO115", 13, "`crm.system`: `Salesforce` (did you mean `salesforce`?) is not allowed; "
                      "use one of: salesforce, hubspot, other"),
    ]),
    ('  owner: "@dana-sales"', '  owner: "dana-sales"', [
        ("HO117", 7, "`from.owner` must be a GitHub handle like @dana-sales, not `dana-sales`"),
    ]),
    ("  currency: USD", "  currency: dollars", [
        ("HO115", 24, "`deal.currency`: `dollars` is not in the expected form (a three-letter code such as EUR)"),
    ]),
    ("  due: 2026-12-15", "  due: 2026-12-15 09:00:00", [
        ("HO116", 20, "`first_milestone.due`: expected a date like 2026-12-01, not a date and time"),
    ]),
    ("kickoff: 2026-12-01", 'kickoff: "next week"', [("HO116", 16, "`kickoff`: expected a date like 2026-12-01")]),
    ("  amount: 184000", "  amount: -5", [("HO115", 23, "`deal.amount`: Input should be greater than or equal to 0")]),
    (TITLE, 'title: ""', [("HO115", 2, "`title`: must not be empty")]),
    ("to:\n  owner", "to: '@raj-impl'\nxto:\n  owner", [
        ("HO115", 9, "`to`: expected `key: value` pairs, got `@raj-impl`"),
        ("HO113", 10, f"unknown key `xto` (did you mean `to`?): {SPELLING}"),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_each_problem_is_explained_at_its_line(old: str, new: str, expected: list[tuple[str, int, str]]) -> None:
    assert _explain(old, new) == expected


def test_context_repeats_are_checked_item_by_item() -> None:
    extra = (
        "context_repeats:\n"
        '  - date: 2026-11-01\n    note: "asked again"\n    reported_by: "@kim"\n'
        "  - date: 2026-11-02\n    reported_by: kim\n"
    )
    doc = load(FRONT_MATTER + extra, first_line=2)
    with pytest.raises(ValidationError) as caught:
        FrontMatter.model_validate(doc.data)
    assert list(explain_validation_errors(caught.value, doc, closing_line=33)) == [
        ("HO114", 30, "required key `context_repeats.1.note` is missing"),
        ("HO117", 31, "`context_repeats.1.reported_by` must be a GitHub handle like @dana-sales, not `kim`"),
    ]
