"""HubSpot through hubspot-api-client: the CRM v3 deals search and v4 associations.

Credentials: ``HUBSPOT_ACCESS_TOKEN``, the access token of a private app (scopes in the
README: ``crm.objects.deals.read``, ``crm.objects.contacts.read``,
``crm.objects.companies.read``, ``crm.objects.quotes.read``, ``crm.objects.line_items.read``,
``crm.objects.owners.read``, and ``crm.objects.deals.write`` only when write-back is on).
``HUBSPOT_API_URL`` points the client elsewhere (a regional proxy, or the test double).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from handoffs.crm.records import DealRecord, Details, LineItem, Note, Quote, ca_bundle, parse_time, retry_policy
from handoffs.draft.crm import Contact, CrmDeal
from handoffs.errors import CrmApiError, UsageError

T = TypeVar("T")
DEFAULT_API_URL = "https://api.hubapi.com"
DEAL_PROPERTIES = (
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "deal_currency_code",
    "closedate",
    "hs_is_closed_won",
    "hubspot_owner_id",
    "hs_lastmodifieddate",
)
PAGE = 100


def connect(fields: list[str], stages: list[str], environ: Mapping[str, str] | None = None) -> HubSpotSource:
    import hubspot

    env = os.environ if environ is None else environ
    token = env.get("HUBSPOT_ACCESS_TOKEN")
    if not token:
        raise UsageError(
            "no HubSpot credentials: set HUBSPOT_ACCESS_TOKEN to a private app's access token "
            "(in a workflow, from a repository secret)"
        )
    options: dict[str, Any] = {"access_token": token, "retry": retry_policy(env)}
    api_url = (env.get("HUBSPOT_API_URL") or DEFAULT_API_URL).rstrip("/")
    options["host"] = api_url
    bundle = ca_bundle(env)
    if bundle:
        options["ssl_ca_cert"] = bundle
    portal = env.get("HUBSPOT_PORTAL_ID")
    return HubSpotSource(hubspot.Client.create(**options), api_url, fields, stages, portal)


class HubSpotSource:
    system = "hubspot"

    def __init__(self, client: Any, api_url: str, fields: list[str], stages: list[str], portal: str | None) -> None:
        self._client = client
        self._api_url = api_url
        self._fields = fields
        # `hs_date_entered_<stage id>`: when the deal entered each stage a trigger names.
        self._entered = [f"hs_date_entered_{stage}" for stage in stages]
        self._portal = portal
        self._owners: dict[str, str] | None = None

    # --- reading ----------------------------------------------------------------------

    def changed_since(
        self, since: dt.datetime, *, stages: Iterable[str] = (), owners: Iterable[str] = ()
    ) -> list[DealRecord]:
        """Deals modified since ``since`` (the search API pages with ``after``), oldest first."""
        millis = str(int(since.timestamp() * 1000))
        request: dict[str, Any] = {
            "filterGroups": [
                {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": millis}]}
            ],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": self._properties(),
            "limit": PAGE,
        }
        rows: list[Any] = []
        after: str | None = None
        while True:
            if after:
                request["after"] = after
            page = self._call(
                "search the deals changed since the last sync",
                lambda: self._client.crm.deals.search_api.do_search(public_object_search_request=dict(request)),
            )
            rows += page.results
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                break
        return [self._record(row) for row in rows]

    def deal(self, deal_id: str) -> DealRecord | None:
        rows = self._batch_read("deals", [deal_id], self._properties())
        return self._record(rows[0]) if rows else None

    def details(self, record: DealRecord) -> Details:
        deal_id = record.deal.id
        notes = self._batch_read("notes", self._associated("deals", deal_id, "notes"), ["hs_note_body", "hs_timestamp"])
        quote_ids = self._associated("deals", deal_id, "quotes")
        quotes = self._batch_read("quotes", quote_ids, ["hs_title", "hs_createdate"])
        latest = max(quotes, key=lambda q: str(_prop(q, "hs_createdate")), default=None)
        item_ids = self._associated("quotes", str(latest.id), "line_items") if latest is not None else []
        items = self._batch_read("line_items", item_ids, ["name", "quantity", "price", "amount", "description"])
        return Details(
            notes=tuple(
                Note("", _html_to_text(_prop(n, "hs_note_body")), _prop(n, "hs_timestamp"))
                for n in sorted(notes, key=lambda n: _prop(n, "hs_timestamp"))
            ),
            quote=Quote(
                name=_prop(latest, "hs_title") or "Quote",
                created=_prop(latest, "hs_createdate"),
                items=tuple(
                    LineItem(
                        name=_prop(i, "name") or "(unnamed product)",
                        quantity=_prop(i, "quantity"),
                        unit_price=_prop(i, "price"),
                        total=_prop(i, "amount"),
                        description=_prop(i, "description"),
                    )
                    for i in items
                ),
            )
            if latest is not None
            else None,
        )

    def current_values(self, deal_ids: list[str], fields: list[str]) -> dict[str, dict[str, str]]:
        if not deal_ids or not fields:
            return {}
        rows = self._batch_read("deals", deal_ids, fields)
        return {str(r.id): {f: _prop(r, f) for f in fields} for r in rows}

    # --- writing (only the fields schema/crm.yaml names) ---------------------------------

    def write(self, deal_id: str, values: Mapping[str, str]) -> None:
        self._call(
            f"update deal {deal_id}",
            lambda: self._client.crm.deals.basic_api.update(deal_id, {"properties": dict(values)}),
        )

    # --- plumbing -----------------------------------------------------------------------

    def _properties(self) -> list[str]:
        return [*DEAL_PROPERTIES, *self._entered, *self._fields]

    def _associated(self, from_type: str, object_id: str, to_type: str) -> list[str]:
        """Every associated id, all pages (v4 associations, 500 a page)."""
        ids: list[str] = []
        after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"limit": 500}
            if after:
                kwargs["after"] = after
            page = self._call(
                f"list the {to_type} of {from_type} {object_id}",
                lambda kwargs=kwargs: self._client.crm.associations.v4.basic_api.get_page(  # type: ignore[misc]
                    from_type, object_id, to_type, **kwargs
                ),
            )
            ids += [str(result.to_object_id) for result in page.results]
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                return ids

    def _batch_read(self, object_type: str, ids: list[str], properties: list[str]) -> list[Any]:
        rows: list[Any] = []
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            body = {"inputs": [{"id": i} for i in chunk], "properties": properties}
            result = self._call(
                f"read {len(chunk)} {object_type}",
                lambda body=body: self._client.crm.objects.batch_api.read(object_type, body),  # type: ignore[misc]
            )
            rows += result.results
        return rows

    def _owner_email(self, owner_id: str | None) -> str | None:
        if not owner_id:
            return None
        if self._owners is None:
            self._owners = {}
            after: str | None = None
            while True:
                kwargs: dict[str, Any] = {"limit": 500, **({"after": after} if after else {})}
                page = self._call(
                    "list the CRM owners",
                    lambda kwargs=kwargs: self._client.crm.owners.owners_api.get_page(**kwargs),  # type: ignore[misc]
                )
                self._owners.update({str(o.id): str(o.email or "") for o in page.results})
                after = page.paging.next.after if page.paging and page.paging.next else None
                if not after:
                    break
        return self._owners.get(owner_id) or None

    def _company(self, deal_id: str) -> str | None:
        ids = self._associated("deals", deal_id, "companies")
        companies = self._batch_read("companies", ids[:1], ["name"])
        return _prop(companies[0], "name") or None if companies else None

    def _contacts(self, deal_id: str) -> list[Contact]:
        ids = self._associated("deals", deal_id, "contacts")
        rows = self._batch_read("contacts", ids, ["firstname", "lastname", "jobtitle", "email", "hs_buying_role"])
        contacts = []
        for row in rows:
            name = " ".join(filter(None, (_prop(row, "firstname"), _prop(row, "lastname"))))
            if name:
                role = _prop(row, "hs_buying_role").replace("_", " ").lower()
                contacts.append(Contact(name=name, title=_prop(row, "jobtitle"), role=role, email=_prop(row, "email")))
        return contacts

    def _record(self, row: Any) -> DealRecord:
        deal_id = str(row.id)
        stage = _prop(row, "dealstage")
        entered = parse_time(_prop(row, f"hs_date_entered_{stage}")) if stage else None
        owner_email = self._owner_email(_prop(row, "hubspot_owner_id") or None)
        amount = _prop(row, "amount")
        deal = CrmDeal(
            system="hubspot",
            shape="HubSpot deal (live)",
            id=deal_id,
            name=_prop(row, "dealname") or None,
            customer=self._company(deal_id),
            stage=stage or None,
            won=_prop(row, "hs_is_closed_won").lower() == "true" or stage.casefold() == "closedwon",
            amount=_float(amount),
            currency=_prop(row, "deal_currency_code").upper() or None,
            close_date=_date(_prop(row, "closedate")),
            owner=owner_email,
            url=f"https://app.hubspot.com/contacts/{self._portal}/record/0-3/{deal_id}" if self._portal else None,
            contacts=tuple(self._contacts(deal_id)),
        )
        return DealRecord(
            deal=deal,
            stage_key=stage.casefold(),
            stage_changed_at=entered,
            modified_at=parse_time(_prop(row, "hs_lastmodifieddate")) or parse_time(getattr(row, "updated_at", None)),
            owner_email=owner_email,
            fields={name: _prop(row, name) for name in self._fields},
        )

    def _call(self, what: str, action: Callable[[], T]) -> T:
        from urllib3.exceptions import HTTPError

        try:
            return action()
        except HTTPError as exc:
            raise CrmApiError(
                f"could not {what}: HubSpot at {self._api_url} could not be reached ({type(exc).__name__}); "
                "nothing was written for this deal"
            ) from None
        except Exception as exc:
            status = getattr(exc, "status", None)
            # Each generated API package has its own ApiException (and subclasses per status).
            if status is None or not any(k.__name__ == "ApiException" for k in type(exc).__mro__):
                raise
            raise CrmApiError(f"HubSpot refused to {what}: {_describe(exc)}") from None


def _describe(exc: Any) -> str:
    import json

    status = int(exc.status or 0)
    message = ""
    try:
        body = json.loads(exc.body or "{}")
        message = str(body.get("message") or body.get("category") or "")
    except (TypeError, ValueError):
        message = str(exc.reason or "")
    hint = {
        401: "the private app's access token is invalid, expired or revoked; set a fresh HUBSPOT_ACCESS_TOKEN",
        403: "the private app lacks a scope this needs (see the README for the minimal scopes)",
        429: "rate limited, still after retries",
    }.get(status, "")
    return "; ".join(part for part in (f"HTTP {status}", message, hint) if part)


def _prop(row: Any, name: str) -> str:
    properties = getattr(row, "properties", None) or {}
    value = properties.get(name)
    return "" if value is None else str(value).strip()


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _date(text: str) -> dt.date | None:
    moment = parse_time(text)
    return moment.date() if moment else None


def _html_to_text(html: str) -> str:
    """Note bodies are HTML: keep the words and the line breaks, drop the markup."""
    import html as html_module
    import re

    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    return html_module.unescape(text).strip()
