"""CRM exports of every supported shape read into one normalised deal; others are refused clearly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from handoffs.draft.crm import CrmError, read_crm

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "draft"


def test_salesforce_query_result_with_contact_roles() -> None:
    deal = read_crm(CORPUS / "harbor-logistics" / "crm.json")
    assert (deal.system, deal.id, deal.customer) == ("salesforce", "006Hs00001HARBOR", "Harbor Logistics")
    assert deal.won
    assert deal.amount == 96000.0
    assert deal.currency == "USD"
    assert deal.close_date == dt.date(2026, 11, 18)
    assert (deal.contract_start, deal.contract_end) == (dt.date(2026, 12, 1), dt.date(2027, 11, 30))
    assert [(c.name, c.title, c.role) for c in deal.contacts] == [
        ("Grace Okafor", "COO", "Economic Buyer"),
        ("Tomasz Nowak", "IT Systems Manager", "Technical Buyer"),
        ("Alicia Reyes", "Warehouse Operations Lead", "Business User"),
    ]


def test_salesforce_single_record_not_won_with_first_and_last_names() -> None:
    deal = read_crm(CORPUS / "meridian-retail" / "crm.json")
    assert deal.system == "salesforce"
    assert not deal.won
    assert deal.stage == "Negotiation/Review"
    assert deal.currency == "GBP"
    assert deal.customer == "Meridian Retail Group"
    assert [c.name for c in deal.contacts] == ["Oliver Grant", "Zara Hussain"]


def test_salesforce_report_csv_one_row_per_contact_role() -> None:
    deal = read_crm(CORPUS / "brightline-dental" / "crm.csv")
    assert (deal.system, deal.shape, deal.id) == ("salesforce", "Salesforce report CSV", "006Hs00002BRIGHT")
    assert deal.amount == 42500.0
    assert deal.currency == "USD"
    assert deal.close_date == dt.date(2026, 11, 19)  # from the report's US m/d/yyyy
    assert [(c.name, c.role) for c in deal.contacts] == [
        ("Hannah Cole", "Economic Buyer"),
        ("Devon Price", "Decision Maker"),
        ("Sunita Rao", "Business User"),
    ]


def test_hubspot_v3_string_properties() -> None:
    deal = read_crm(CORPUS / "kestrel-analytics" / "crm.json")
    assert (deal.system, deal.shape, deal.id) == ("hubspot", "HubSpot v3 deal JSON", "18273645501")
    assert deal.amount == 128000.0
    assert deal.currency == "EUR"
    assert deal.won
    assert deal.close_date == dt.date(2026, 11, 17)  # from an ISO date-time
    assert deal.customer == "Kestrel Analytics GmbH"
    assert deal.renewal_date == dt.date(2027, 12, 31)


def test_hubspot_v1_value_objects_and_epoch_milliseconds() -> None:
    deal = read_crm(CORPUS / "oakridge-schools" / "crm.json")
    assert (deal.system, deal.shape, deal.id) == ("hubspot", "HubSpot v1 deal JSON", "9912345678")
    assert deal.close_date == dt.date(2026, 11, 19)
    assert deal.customer == "Oakridge County Schools"
    assert deal.amount == 58000.0
    assert deal.won


def test_hubspot_csv_export() -> None:
    deal = read_crm(CORPUS / "pinecrest-cu" / "crm.csv")
    assert (deal.system, deal.shape, deal.id) == ("hubspot", "HubSpot CSV export", "20456789012")
    assert deal.close_date == dt.date(2026, 11, 16)
    assert deal.customer == "Pinecrest Credit Union"
    assert deal.won
    assert deal.amount == 215000.0


def test_hubspot_v3_search_results_wrapper(tmp_path: Path) -> None:
    path = tmp_path / "deal.json"
    path.write_text(json.dumps({"results": [{"id": "7", "properties": {"dealname": "X", "amount": None}}]}))
    deal = read_crm(path)
    assert deal.id == "7"
    assert deal.amount is None
    assert deal.customer is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"hello": "world"}', "not a CRM deal export this tool knows; expected a Salesforce"),
        ('{"records": [', "deal.json:1: not valid JSON"),
        ("", "the CRM export is empty"),
        ('{"records": []}', "holds 0 opportunity records; export exactly one deal"),
        ('{"id": "1", "properties": {"amount": 5}}', "property `amount` is int; v3 property values are strings"),
        ('{"dealId": 1, "properties": {"amount": "5"}}', 'property `amount` is not a {"value": …} object'),
        (
            '{"attributes": {"type": "Opportunity"}, "Id": "006", "CloseDate": "next week"}',
            "`CloseDate` is `next week`, not a date",
        ),
        ("name,size\nwidget,3\n", "not a CRM deal export this tool knows"),
        ("Record ID,Deal Name\n1,A\n2,B\n", "holds 2 deals; export exactly one deal"),
    ],
)
def test_unreadable_or_unknown_exports_say_what_was_expected(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "deal.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CrmError, match=None) as caught:
        read_crm(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
