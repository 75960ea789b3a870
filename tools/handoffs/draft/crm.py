"""Read one deal from a CRM export into a normalised :class:`CrmDeal`.

Supported shapes (the field mapping is documented in the README, "Drafting a handoff from evidence"):

* Salesforce Opportunity: a REST query result (``{"records": [...]}``, with the
  ``OpportunityContactRoles`` sub-query) or a single sObject record, and a CSV
  report export (one row per contact role);
* HubSpot deal: CRM v3 JSON (property values are strings), the legacy v1 shape
  (``{"dealname": {"value": ...}}``) and a CSV export.

Anything else is refused with a message that lists what was expected, because a
half-recognised export would pre-fill a handoff with wrong facts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoffs.errors import HandoffError

EXPECTED = (
    "a Salesforce Opportunity query result (JSON with `records`) or record (JSON with "
    '`attributes.type: "Opportunity"`), a Salesforce report CSV (columns such as '
    "`Opportunity Name`, `Account Name`, `Close Date`), a HubSpot CRM v3 deal (JSON with "
    "`id` and string `properties`), a HubSpot v1 deal (JSON with `dealId` and "
    "`properties.*.value`), or a HubSpot CSV export (columns such as `Record ID`, `Deal Name`)"
)


class CrmError(HandoffError):
    """A CRM export that cannot be read; the message names the file and what was expected."""


@dataclass(frozen=True)
class Contact:
    name: str
    title: str = ""
    role: str = ""
    email: str = ""


@dataclass(frozen=True)
class CrmDeal:
    """One deal, whatever CRM it came from; ``None`` means the export did not say."""

    system: str  # salesforce | hubspot
    shape: str  # which export shape it was read from, for the review summary
    id: str
    name: str | None = None
    customer: str | None = None
    stage: str | None = None  # the CRM's own stage label
    won: bool = False
    amount: float | None = None
    currency: str | None = None
    close_date: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    renewal_date: dt.date | None = None
    owner: str | None = None  # the CRM owner as the CRM names it (not a GitHub handle)
    url: str | None = None
    contacts: tuple[Contact, ...] = field(default_factory=tuple)


def read_crm(path: Path) -> CrmDeal:
    """The one deal in ``path``; :class:`CrmError` for anything unreadable or unknown."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CrmError(f"{path}: no such file") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise CrmError(f"{path}: cannot read the CRM export ({exc.__class__.__name__})") from None
    stripped = text.lstrip()
    if not stripped:
        raise CrmError(f"{path}: the CRM export is empty; expected {EXPECTED}")
    if stripped[0] in "[{":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CrmError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); expected {EXPECTED}") from None
        return _from_json(path, data)
    return _from_csv(path, text)


# --- JSON -------------------------------------------------------------------------


def _from_json(path: Path, data: Any) -> CrmDeal:
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        return _salesforce_json(path, _only(path, data["records"], "opportunity records"))
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = _only(path, data["results"], "deals in `results`")
    if isinstance(data, dict):
        if _sobject_type(data) == "Opportunity":
            return _salesforce_json(path, data)
        properties = data.get("properties")
        if isinstance(properties, dict):
            if "dealId" in data or any(isinstance(v, dict) and "value" in v for v in properties.values()):
                return _hubspot_v1(path, data, properties)
            if "id" in data:
                return _hubspot_v3(path, data, properties)
    raise CrmError(f"{path}: not a CRM deal export this tool knows; expected {EXPECTED}")


def _only(path: Path, items: list[Any], what: str) -> Any:
    if len(items) != 1:
        raise CrmError(f"{path}: holds {len(items)} {what}; export exactly one deal per handoff")
    return items[0]


def _sobject_type(record: Mapping[str, Any]) -> str | None:
    attributes = record.get("attributes")
    return attributes.get("type") if isinstance(attributes, dict) else None


def _salesforce_json(path: Path, record: Any) -> CrmDeal:
    if not isinstance(record, dict) or _sobject_type(record) not in ("Opportunity", None):
        raise CrmError(f"{path}: the record is not a Salesforce Opportunity; expected {EXPECTED}")
    where = f"{path} (Salesforce Opportunity)"
    deal_id = text_of(record.get("Id"))
    if not deal_id:
        raise CrmError(f"{where}: the opportunity has no `Id`")
    account = record.get("Account")
    owner = record.get("Owner")
    stage = text_of(record.get("StageName"))
    return CrmDeal(
        system="salesforce",
        shape="Salesforce Opportunity JSON",
        id=deal_id,
        name=text_of(record.get("Name")),
        customer=text_of(account.get("Name")) if isinstance(account, dict) else None,
        stage=stage,
        won=record.get("IsWon") is True or _is_won(stage),
        amount=_amount(where, "Amount", record.get("Amount")),
        currency=_currency(record.get("CurrencyIsoCode")),
        close_date=_date(where, "CloseDate", record.get("CloseDate")),
        contract_start=_date(where, "Contract_Start_Date__c", record.get("Contract_Start_Date__c")),
        contract_end=_date(where, "Contract_End_Date__c", record.get("Contract_End_Date__c")),
        renewal_date=_date(where, "Renewal_Date__c", record.get("Renewal_Date__c")),
        owner=_person(owner),
        contacts=tuple(_salesforce_contacts(where, record.get("OpportunityContactRoles"))),
    )


def _salesforce_contacts(where: str, roles: Any) -> list[Contact]:
    if roles is None:
        return []
    records = roles.get("records") if isinstance(roles, dict) else roles
    if not isinstance(records, list):
        raise CrmError(f"{where}: `OpportunityContactRoles` should hold a `records` list")
    return [contact for role in records if (contact := salesforce_contact(role)) is not None]


def salesforce_contact(role: Any) -> Contact | None:
    """The person of one ``OpportunityContactRole`` record (an export's or the live API's); None without a name."""
    person = role.get("Contact") if isinstance(role, dict) else None
    if not isinstance(person, dict):
        return None
    name = text_of(person.get("Name")) or " ".join(
        filter(None, (text_of(person.get("FirstName")), text_of(person.get("LastName"))))
    )
    if not name:
        return None
    return Contact(
        name=name,
        title=text_of(person.get("Title")) or "",
        role=text_of(role.get("Role")) or "",
        email=text_of(person.get("Email")) or "",
    )


def _hubspot_v3(path: Path, data: Mapping[str, Any], properties: Mapping[str, Any]) -> CrmDeal:
    where = f"{path} (HubSpot v3 deal)"
    for key, value in properties.items():
        if value is not None and not isinstance(value, str):
            raise CrmError(f"{where}: property `{key}` is {type(value).__name__}; v3 property values are strings")
    return _hubspot(where, "HubSpot v3 deal JSON", text_of(data.get("id")), dict(properties))


def _hubspot_v1(path: Path, data: Mapping[str, Any], properties: Mapping[str, Any]) -> CrmDeal:
    where = f"{path} (HubSpot v1 deal)"
    flat: dict[str, Any] = {}
    for key, value in properties.items():
        if not isinstance(value, dict) or "value" not in value:
            raise CrmError(f'{where}: property `{key}` is not a {{"value": …}} object')
        flat[key] = value["value"]
    return _hubspot(where, "HubSpot v1 deal JSON", text_of(data.get("dealId")), flat)


def _hubspot(where: str, shape: str, deal_id: str | None, props: Mapping[str, Any]) -> CrmDeal:
    if not deal_id:
        raise CrmError(f"{where}: the deal has no id")
    stage = text_of(props.get("dealstage"))
    return CrmDeal(
        system="hubspot",
        shape=shape,
        id=deal_id,
        name=text_of(props.get("dealname")),
        customer=_first_text(props, HUBSPOT_COMPANY_KEYS),
        stage=stage,
        won=_is_won(stage) or str(props.get("hs_is_closed_won", "")).lower() == "true",
        amount=_amount(where, "amount", props.get("amount")),
        currency=_currency(props.get("deal_currency_code")),
        close_date=_date(where, "closedate", props.get("closedate")),
        contract_start=_date(where, "contract_start_date", props.get("contract_start_date")),
        contract_end=_date(where, "contract_end_date", props.get("contract_end_date")),
        renewal_date=_date(where, "renewal_date", props.get("renewal_date")),
        owner=text_of(props.get("hubspot_owner_email")) or text_of(props.get("hubspot_owner_id")),
    )


# HubSpot keeps the company on an association, not on the deal; exports that carry a
# company name use one of these keys (JSON properties or CSV columns, compared casefolded).
HUBSPOT_COMPANY_KEYS = ("associated_company", "company", "company_name", "associated company", "company name")


# --- CSV ----------------------------------------------------------------------------


def _from_csv(path: Path, text: str) -> CrmDeal:
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise CrmError(f"{path}: not a readable CSV file ({exc}); expected {EXPECTED}") from None
    header = {h.strip().casefold() for h in (rows[0].keys() if rows else _header(text)) if h}
    if header & {"opportunity name", "opportunity id"}:
        return _salesforce_csv(path, rows)
    if header & {"deal name", "record id"} and "deal name" in header:
        return _hubspot_csv(path, rows)
    raise CrmError(f"{path}: not a CRM deal export this tool knows; expected {EXPECTED}")


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)), [])


def _columns(row: Mapping[str | None, Any]) -> dict[str, str]:
    return {k.strip().casefold(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}


def _salesforce_csv(path: Path, rows: list[dict[str | None, Any]]) -> CrmDeal:
    where = f"{path} (Salesforce report CSV)"
    if not rows:
        raise CrmError(f"{where}: the report has a header but no rows")
    table = [_columns(r) for r in rows]
    ids = {_first_text(r, ("opportunity id", "opportunity name")) for r in table}
    if len(ids) != 1:
        raise CrmError(f"{where}: holds {len(ids)} opportunities; export exactly one deal per handoff")
    first = table[0]
    get = _getter(first)
    stage = get("stage")
    contacts = []
    for row in table:
        name = _first_text(row, ("contact: full name", "contact name", "full name")) or " ".join(
            filter(None, (row.get("first name"), row.get("last name")))
        )
        if name:
            role = _first_text(row, ("contact role", "role")) or ""
            title = _first_text(row, ("title", "contact: title")) or ""
            contacts.append(Contact(name=name, title=title, role=role, email=row.get("email", "")))
    amount_text = get("amount")
    return CrmDeal(
        system="salesforce",
        shape="Salesforce report CSV",
        id=get("opportunity id") or _required(where, get("opportunity name"), "Opportunity ID"),
        name=get("opportunity name"),
        customer=get("account name"),
        stage=stage,
        won=_is_won(stage),
        amount=_amount(where, "Amount", amount_text),
        currency=_currency(get("amount currency") or get("opportunity currency") or _currency_in(amount_text)),
        close_date=_date(where, "Close Date", get("close date")),
        contract_start=_date(where, "Contract Start Date", get("contract start date")),
        contract_end=_date(where, "Contract End Date", get("contract end date")),
        renewal_date=_date(where, "Renewal Date", get("renewal date")),
        owner=get("opportunity owner"),
        contacts=tuple(contacts),
    )


def _hubspot_csv(path: Path, rows: list[dict[str | None, Any]]) -> CrmDeal:
    where = f"{path} (HubSpot CSV export)"
    if len(rows) != 1:
        raise CrmError(f"{where}: holds {len(rows)} deals; export exactly one deal per handoff")
    row = _columns(rows[0])
    get = _getter(row)
    stage = get("deal stage")
    return CrmDeal(
        system="hubspot",
        shape="HubSpot CSV export",
        id=_required(where, get("record id"), "Record ID"),
        name=get("deal name"),
        customer=_first_text(row, (*HUBSPOT_COMPANY_KEYS, "associated company (primary)")),
        stage=stage,
        won=_is_won(stage),
        amount=_amount(where, "Amount", get("amount")),
        currency=_currency(get("currency") or get("deal currency code")),
        close_date=_date(where, "Close Date", get("close date")),
        contract_start=_date(where, "Contract start date", get("contract start date")),
        contract_end=_date(where, "Contract end date", get("contract end date")),
        renewal_date=_date(where, "Renewal date", get("renewal date")),
        owner=get("deal owner"),
    )


def _getter(row: Mapping[str, str]) -> Callable[[str], str | None]:
    return lambda key: row.get(key) or None


def _required(where: str, value: str | None, column: str) -> str:
    if not value:
        raise CrmError(f"{where}: the `{column}` column is missing or empty")
    return value


# --- values ----------------------------------------------------------------------------


def text_of(value: Any) -> str | None:
    """A CRM field as trimmed text; None when empty or not a scalar (a nested object, a list, a flag)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def _first_text(row: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    folded = {k.casefold(): v for k, v in row.items()}
    for key in keys:
        value = text_of(folded.get(key))
        if value:
            return value
    return None


def _person(value: Any) -> str | None:
    if isinstance(value, dict):
        return text_of(value.get("Email")) or text_of(value.get("Name"))
    return text_of(value)


def _is_won(stage: str | None) -> bool:
    return stage is not None and re.sub(r"[^a-z]", "", stage.casefold()) == "closedwon"


_CURRENCY = re.compile(r"\b([A-Z]{3})\b")


def _currency(value: Any) -> str | None:
    text = text_of(value)
    return text.upper() if text and re.fullmatch(r"[A-Za-z]{3}", text) else None


def _currency_in(amount: str | None) -> str | None:
    match = _CURRENCY.search(amount or "")
    return match.group(1) if match else None


def _amount(where: str, name: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CrmError(f"{where}: `{name}` is {value!r}, not an amount")
    if isinstance(value, (int, float)):
        return float(value)
    # Report exports write "USD 184,000.00" or "$184,000.00"; keep digits and the point.
    cleaned = re.sub(r"[A-Za-z$€£¥,\s]", "", str(value))
    try:
        return float(cleaned)
    except ValueError:
        raise CrmError(f"{where}: `{name}` is `{value}`, not an amount") from None


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date(where: str, name: str, value: Any) -> dt.date | None:
    """ISO dates, ISO date-times (HubSpot), epoch milliseconds (HubSpot v1), US m/d/yyyy (reports)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{12,14}", text):
            return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC).date()
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text[:10])
        us = _US_DATE.match(text)
        if us:
            return dt.date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
    except ValueError:
        pass
    raise CrmError(f"{where}: `{name}` is `{value}`, not a date (expected YYYY-MM-DD)")
