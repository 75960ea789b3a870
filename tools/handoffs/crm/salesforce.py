"""Salesforce through simple-salesforce: SOQL over Opportunities and their contact roles.

Credentials come from the environment only:

* ``SALESFORCE_LOGIN_URL`` (the org's My Domain, e.g. ``https://acme.my.salesforce.com``),
  ``SALESFORCE_CLIENT_ID`` and ``SALESFORCE_CLIENT_SECRET``: the OAuth 2.0 client credentials
  flow of a connected app whose run-as user has read access to Opportunities (and edit
  access to the write-back fields only); or
* ``SALESFORCE_INSTANCE_URL`` and ``SALESFORCE_ACCESS_TOKEN``: a token obtained elsewhere.

Every HTTP call shares one session with the retry policy of :func:`retry_policy`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from handoffs.crm.records import DealRecord, Details, LineItem, Note, Quote, ca_bundle, parse_time, retry_policy
from handoffs.draft.crm import Contact, CrmDeal, salesforce_contact, text_of
from handoffs.errors import CrmApiError, UsageError

if TYPE_CHECKING:
    import requests
    from simple_salesforce.api import Salesforce

API_VERSION = "62.0"
_OPPORTUNITY = (
    "Id, Name, StageName, IsWon, Amount, CloseDate, LastStageChangeDate, LastModifiedDate, "
    "Account.Name, Owner.Name, Owner.Email"
)
_CONTACT_ROLES = "(SELECT Role, IsPrimary, Contact.Name, Contact.Title, Contact.Email FROM OpportunityContactRoles)"


def connect(fields: list[str], environ: Mapping[str, str] | None = None) -> SalesforceSource:
    import requests
    from requests.adapters import HTTPAdapter
    from simple_salesforce.api import Salesforce

    env = os.environ if environ is None else environ
    bundle = ca_bundle(env)

    class Adapter(HTTPAdapter):
        """The retry policy, and the CA bundle on every request: requests lets REQUESTS_CA_BUNDLE
        override a session's own ``verify``, so it is set where the connection is made."""

        def send(  # type: ignore[override]
            self, request: requests.PreparedRequest, **kwargs: Any
        ) -> requests.Response:
            if bundle:
                kwargs["verify"] = bundle
            return super().send(request, **kwargs)

    session = requests.Session()
    adapter = Adapter(max_retries=retry_policy(env))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    token, instance_url = _credentials(session, env)
    client = Salesforce(instance_url=instance_url, session_id=token, session=session, version=API_VERSION)
    renew = (lambda: _credentials(session, env)[0]) if not env.get("SALESFORCE_ACCESS_TOKEN") else None
    return SalesforceSource(client, instance_url, fields, renew)


def _credentials(session: requests.Session, env: Mapping[str, str]) -> tuple[str, str]:
    token, instance = env.get("SALESFORCE_ACCESS_TOKEN"), env.get("SALESFORCE_INSTANCE_URL")
    if token and instance:
        return token, instance.rstrip("/")
    login, client_id, secret = (
        env.get(k) for k in ("SALESFORCE_LOGIN_URL", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET")
    )
    if not (login and client_id and secret):
        raise UsageError(
            "no Salesforce credentials: set SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET "
            "(a connected app with the client credentials flow), or SALESFORCE_INSTANCE_URL and "
            "SALESFORCE_ACCESS_TOKEN; in a workflow, from repository secrets"
        )
    return _client_credentials(session, login.rstrip("/"), client_id, secret)


def _client_credentials(session: requests.Session, login: str, client_id: str, secret: str) -> tuple[str, str]:
    """POST /services/oauth2/token with grant_type=client_credentials; the answer names the instance."""
    import requests

    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    try:
        response = session.post(f"{login}/services/oauth2/token", data=data, timeout=30)
    except requests.RequestException as exc:
        raise CrmApiError(f"could not reach Salesforce at {login} ({type(exc).__name__})") from None
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        error = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        raise CrmApiError(
            f"Salesforce refused the connected app's credentials (HTTP {response.status_code}: "
            f"{error or 'no reason given'}); check SALESFORCE_CLIENT_ID / SALESFORCE_CLIENT_SECRET and that "
            "the client credentials flow is enabled with a run-as user"
        )
    return str(body["access_token"]), str(body.get("instance_url") or login).rstrip("/")


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class SalesforceSource:
    system = "salesforce"

    def __init__(
        self, client: Salesforce, instance_url: str, fields: list[str], renew: Callable[[], str] | None = None
    ) -> None:
        self._sf = client
        self._instance = instance_url
        self._fields = fields
        # The client credentials flow can ask for a new token when one expires mid-run;
        # a token given directly (SALESFORCE_ACCESS_TOKEN) cannot be renewed here.
        self._renew = renew

    # --- reading ----------------------------------------------------------------------

    def changed_since(
        self, since: dt.datetime, *, stages: Iterable[str] = (), owners: Iterable[str] = ()
    ) -> list[DealRecord]:
        """Opportunities whose stage changed since ``since``; and, changed at all, those in a trigger
        stage (an edit after approval must be seen) or given to a trigger owner."""
        from simple_salesforce.format import format_soql

        moment = since.astimezone(dt.UTC).replace(microsecond=0)
        clauses = [format_soql("LastStageChangeDate >= {}", moment)]
        stages, owners = list(stages), list(owners)
        if stages:
            clauses.append(format_soql("(LastModifiedDate >= {} AND StageName IN {})", moment, stages))
        if owners:
            clauses.append(format_soql("(LastModifiedDate >= {} AND Owner.Email IN {})", moment, owners))
        where = " OR ".join(clauses)
        # Values go through format_soql (quoted, escaped); field names are validated by schema/crm.yaml.
        soql = f"SELECT {self._select()} FROM Opportunity WHERE {where} ORDER BY LastModifiedDate ASC"  # noqa: S608
        return [self._record(r) for r in self._query_all(soql, "list the opportunities changed since the last sync")]

    def deal(self, deal_id: str) -> DealRecord | None:
        from simple_salesforce.format import format_soql

        soql = f"SELECT {self._select()} FROM Opportunity WHERE " + format_soql("Id = {}", deal_id)  # noqa: S608
        records = self._query_all(soql, f"read opportunity {deal_id}")
        return self._record(records[0]) if records else None

    def details(self, record: DealRecord) -> Details:
        from simple_salesforce.format import format_soql

        deal_id = record.deal.id
        notes = self._query_all(
            format_soql(
                "SELECT Id, Title, Body, CreatedDate FROM Note WHERE ParentId = {} ORDER BY CreatedDate", deal_id
            ),
            f"read the notes of opportunity {deal_id}",
        )
        latest_quote = format_soql(
            "SELECT Id, Name, CreatedDate, (SELECT Product2.Name, Description, Quantity, UnitPrice, TotalPrice "
            "FROM QuoteLineItems ORDER BY SortOrder) FROM Quote WHERE OpportunityId = {} "
            "ORDER BY CreatedDate DESC LIMIT 1",
            deal_id,
        )
        quotes = self._query_all(latest_quote, f"read the latest quote of opportunity {deal_id}")
        return Details(
            notes=tuple(
                Note(str(n.get("Title") or ""), str(n.get("Body") or ""), str(n.get("CreatedDate") or ""))
                for n in notes
            ),
            quote=_quote(quotes[0]) if quotes else None,
        )

    def current_values(self, deal_ids: list[str], fields: list[str]) -> dict[str, dict[str, str]]:
        from simple_salesforce.format import format_soql

        if not deal_ids or not fields:
            return {}
        soql = f"SELECT Id, {', '.join(fields)} FROM Opportunity WHERE " + format_soql("Id IN {}", deal_ids)  # noqa: S608
        rows = self._query_all(soql, "read the write-back fields")
        return {str(r["Id"]): {f: "" if r.get(f) is None else str(r[f]) for f in fields} for r in rows}

    # --- writing (only the fields schema/crm.yaml names) ---------------------------------

    def write(self, deal_id: str, values: Mapping[str, str]) -> None:
        self._call(
            f"update opportunity {deal_id}", lambda: cast(Any, self._sf).Opportunity.update(deal_id, dict(values))
        )

    # --- plumbing -----------------------------------------------------------------------

    def _select(self) -> str:
        extra = "".join(f", {name}" for name in self._fields)
        return f"{_OPPORTUNITY}{extra}, {_CONTACT_ROLES}"

    def _query_all(self, soql: str, what: str) -> list[dict[str, Any]]:
        """Every page (``nextRecordsUrl``), read completely before anything is used."""

        def go() -> list[dict[str, Any]]:
            return list(self._sf.query_all_iter(soql))

        rows: list[dict[str, Any]] = self._call(what, go)
        return rows

    def _call(self, what: str, action: Any) -> Any:
        import requests
        from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

        try:
            try:
                return action()
            except SalesforceExpiredSession:
                if self._renew is None:
                    raise
                # The session expired during the run: one new token from the connected app, one retry.
                self._sf.session_id = self._renew()
                self._sf.headers["Authorization"] = f"Bearer {self._sf.session_id}"
                return action()
        except SalesforceError as exc:
            raise CrmApiError(f"Salesforce refused to {what}: {_describe(exc)}") from None
        except requests.RequestException as exc:
            raise CrmApiError(
                f"could not {what}: Salesforce at {self._instance} could not be reached ({type(exc).__name__}); "
                "nothing was written for this deal"
            ) from None

    def _record(self, row: Mapping[str, Any]) -> DealRecord:
        account, owner = row.get("Account") or {}, row.get("Owner") or {}
        stage = str(row.get("StageName") or "")
        deal = CrmDeal(
            system="salesforce",
            shape="Salesforce Opportunity (live)",
            id=str(row["Id"]),
            name=text_of(row.get("Name")),
            customer=text_of(account.get("Name")),
            stage=stage or None,
            won=row.get("IsWon") is True,
            amount=float(row["Amount"]) if isinstance(row.get("Amount"), int | float) else None,
            close_date=_date(row.get("CloseDate")),
            owner=text_of(owner.get("Email")) or text_of(owner.get("Name")),
            url=f"{self._instance}/lightning/r/Opportunity/{row['Id']}/view",
            contacts=tuple(_contacts(row.get("OpportunityContactRoles"))),
        )
        return DealRecord(
            deal=deal,
            stage_key=stage.casefold(),
            stage_changed_at=parse_time(row.get("LastStageChangeDate")),
            modified_at=parse_time(row.get("LastModifiedDate")),
            owner_email=text_of(owner.get("Email")),
            fields={name: "" if row.get(name) is None else str(row[name]) for name in self._fields},
        )


def _contacts(roles: Any) -> list[Contact]:
    records = roles.get("records") if isinstance(roles, dict) else None
    return [contact for role in records or [] if (contact := salesforce_contact(role)) is not None]


def _quote(row: Mapping[str, Any]) -> Quote:
    lines = (row.get("QuoteLineItems") or {}).get("records") or []
    items = tuple(
        LineItem(
            name=text_of((line.get("Product2") or {}).get("Name")) or "(unnamed product)",
            quantity=_number(line.get("Quantity")),
            unit_price=_number(line.get("UnitPrice")),
            total=_number(line.get("TotalPrice")),
            description=text_of(line.get("Description")) or "",
        )
        for line in lines
    )
    return Quote(name=text_of(row.get("Name")) or "Quote", created=str(row.get("CreatedDate") or ""), items=items)


def _describe(exc: Any) -> str:
    status = getattr(exc, "status", None)
    content = getattr(exc, "content", None)
    detail = ""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        detail = f"{content[0].get('errorCode', '')}: {content[0].get('message', '')}".strip(": ")
    hint = {
        401: "the access token is invalid or expired; renew the connected app's credentials",
        403: "the integration user lacks permission (or the org's API limit is used up)",
    }.get(status or 0, "")
    return "; ".join(part for part in (f"HTTP {status}", detail, hint) if part)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
