"""A Salesforce org on 127.0.0.1: OAuth client credentials, REST query with ``nextRecordsUrl``, sObject PATCH.

Shapes follow the REST API developer guide: a query answers ``{"totalSize", "done",
"records", "nextRecordsUrl"?}`` with each record carrying ``attributes {type, url}``, only
the selected fields, relationship fields as nested objects and a sub-query as a nested
query result; errors are a JSON list of ``{"message", "errorCode"}``.  The SOQL it
understands is the subset the tool sends: one ``FROM``, ``WHERE`` with ``AND``/``OR``,
parentheses, ``=``, ``>=``, ``IN``, ``ORDER BY`` and ``LIMIT``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.crm_doubles.base import CrmDouble, Reply

VERSION = "v62.0"
CLIENT_ID = "3MVG9-test-connected-app"
CLIENT_SECRET = "test-secret"


@dataclass
class SalesforceState:
    opportunities: dict[str, dict[str, Any]] = field(default_factory=dict)
    contact_roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    writable: set[str] = field(default_factory=lambda: {"Handoff_Status__c", "Handoff_Link__c"})


class SalesforceDouble(CrmDouble):
    def __init__(self, cert: tuple[Path, Path], page_size: int = 2) -> None:
        super().__init__(cert)
        self.state = SalesforceState()
        self.page_size = page_size
        self._cursors: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    # --- seeding ------------------------------------------------------------------------

    def add_opportunity(self, **fields: Any) -> dict[str, Any]:
        record = {"attributes": {"type": "Opportunity"}, **fields}
        self.state.opportunities[fields["Id"]] = record
        return record

    def add_contact_role(self, opportunity: str, name: str, title: str, role: str, email: str = "") -> None:
        self.state.contact_roles.setdefault(opportunity, []).append(
            {
                "attributes": {"type": "OpportunityContactRole"},
                "Role": role,
                "IsPrimary": False,
                "Contact": {"attributes": {"type": "Contact"}, "Name": name, "Title": title, "Email": email},
            }
        )

    def add_note(self, parent: str, title: str, body: str, created: str) -> None:
        self.state.notes.append(
            {
                "attributes": {"type": "Note"},
                "Id": f"002{next(self._ids):012d}",
                "ParentId": parent,
                "Title": title,
                "Body": body,
                "CreatedDate": created,
            }
        )

    def add_quote(self, opportunity: str, name: str, created: str, lines: list[dict[str, Any]]) -> None:
        self.state.quotes.append(
            {
                "attributes": {"type": "Quote"},
                "Id": f"0Q0{next(self._ids):012d}",
                "OpportunityId": opportunity,
                "Name": name,
                "CreatedDate": created,
                "QuoteLineItems": [
                    {"attributes": {"type": "QuoteLineItem"}, "Product2": {"Name": line.pop("product")}, **line}
                    for line in lines
                ],
            }
        )

    def issue_token(self) -> str:
        token = f"00Dtest!{next(self._ids)}"
        self.state.tokens.add(token)
        return token

    def expire_tokens(self) -> None:
        self.state.tokens.clear()

    # --- serving ------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]) -> Reply:
        if method == "POST" and path == "/services/oauth2/token":
            return self._token(body or {})
        if not self._authorised(headers):
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        base = f"/services/data/{VERSION}"
        if method == "GET" and path == f"{base}/query/" and "q" in query:
            return self._query(query["q"][0])
        if method == "GET" and path.startswith(f"{base}/query/"):
            return self._more(path.rsplit("/", 1)[1])
        match = re.fullmatch(rf"{base}/sobjects/Opportunity/(\w+)", path)
        if method == "PATCH" and match:
            return self._update(match.group(1), body or {})
        return Reply(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])

    def _token(self, form: dict[str, str]) -> Reply:
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Reply(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
        return Reply(
            200,
            {
                "access_token": self.issue_token(),
                "instance_url": self.url,
                "id": f"{self.url}/id/00D000000000001/005000000000001",
                "token_type": "Bearer",
                "issued_at": "1700000000000",
                "signature": "c2lnbmF0dXJl",
            },
        )

    def _authorised(self, headers: dict[str, str]) -> bool:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        return value.startswith("Bearer ") and value.removeprefix("Bearer ") in self.state.tokens

    def _query(self, soql: str) -> Reply:
        try:
            parsed = parse_soql(soql)
        except ValueError as exc:
            return Reply(400, [{"message": str(exc), "errorCode": "MALFORMED_QUERY"}])
        rows = [row for row in self._table(parsed.sobject) if parsed.where is None or parsed.where(row)]
        for name, descending in reversed(parsed.order):
            rows.sort(key=lambda r, n=name: str(_get(r, n) or ""), reverse=descending)
        if parsed.limit is not None:
            rows = rows[: parsed.limit]
        shaped = [self._shape(row, parsed) for row in rows]
        return self._page(shaped, f"01g{next(self._ids):015d}", 0)

    def _more(self, locator: str) -> Reply:
        cursor, _, offset = locator.rpartition("-")
        if cursor not in self._cursors or not offset.isdigit():
            return Reply(400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}])
        return self._page(self._cursors[cursor], cursor, int(offset))

    def _page(self, rows: list[dict[str, Any]], cursor: str, offset: int) -> Reply:
        chunk = rows[offset : offset + self.page_size]
        done = offset + self.page_size >= len(rows)
        body: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": chunk}
        if not done:
            self._cursors[cursor] = rows
            body["nextRecordsUrl"] = f"/services/data/{VERSION}/query/{cursor}-{offset + self.page_size}"
        return Reply(200, body)

    def _table(self, sobject: str) -> list[dict[str, Any]]:
        if sobject == "Opportunity":
            return [
                {**o, "OpportunityContactRoles": self.state.contact_roles.get(o["Id"], [])}
                for o in self.state.opportunities.values()
            ]
        if sobject == "Note":
            return list(self.state.notes)
        if sobject == "Quote":
            return list(self.state.quotes)
        raise ValueError(f"sObject type '{sobject}' is not supported")

    def _shape(self, row: dict[str, Any], parsed: Soql) -> dict[str, Any]:
        """Only the selected fields, as Salesforce answers: relationships nested, sub-queries as results."""
        out: dict[str, Any] = {
            "attributes": {
                "type": parsed.sobject,
                "url": f"/services/data/{VERSION}/sobjects/{parsed.sobject}/{row.get('Id', '')}",
            }
        }
        for name in parsed.fields:
            head, _, rest = name.partition(".")
            value = row.get(head)
            if rest:
                if isinstance(value, dict):
                    nested = out.setdefault(head, {"attributes": value.get("attributes", {"type": head})})
                    nested[rest] = value.get(rest)
                else:
                    out[head] = None
            else:
                out[head] = value
        for relation, sub in parsed.subqueries.items():
            children = [
                self._shape(child, sub) | {"attributes": child.get("attributes", {})} for child in row.get(relation, [])
            ]
            out[relation] = {"totalSize": len(children), "done": True, "records": children} if children else None
        return out

    def _update(self, record_id: str, values: dict[str, Any]) -> Reply:
        record = self.state.opportunities.get(record_id)
        if record is None:
            return Reply(404, [{"errorCode": "NOT_FOUND", "message": "Provided external ID field does not exist"}])
        refused = sorted(set(values) - self.state.writable)
        if refused:
            return Reply(400, [{"errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE", "message": f"cannot write {refused}"}])
        record.update(values)
        self.state.writes.append((record_id, dict(values)))
        return Reply(204)


# --- a small SOQL reader ------------------------------------------------------------------


@dataclass
class Soql:
    sobject: str
    fields: list[str]
    subqueries: dict[str, Soql]
    where: Any
    order: list[tuple[str, bool]]
    limit: int | None


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:\\.|[^'\\])*')|(?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))"
    r"|(?P<num>\d+(?:\.\d+)?)|(?P<op>>=|<=|!=|=|<|>|\(|\)|,)|(?P<word>[A-Za-z_][\w.]*))"
)


def parse_soql(text: str) -> Soql:
    """Sub-queries in the select list are read recursively; the rest with a tiny recursive descent."""
    subqueries: dict[str, Soql] = {}

    def lift(match: re.Match[str]) -> str:
        inner = parse_soql(match.group(1))
        subqueries[inner.sobject] = inner
        return inner.sobject + "__sub"

    flat = re.sub(r"\((SELECT [^()]*(?:\([^()]*\)[^()]*)*)\)", lift, text.strip())
    match = re.fullmatch(
        r"SELECT (?P<fields>.+?) FROM (?P<sobject>\w+)(?: WHERE (?P<where>.+?))?"
        r"(?: ORDER BY (?P<order>.+?))?(?: LIMIT (?P<limit>\d+))?",
        flat,
        re.IGNORECASE | re.DOTALL,
    )
    if match is None:
        raise ValueError(f"unexpected token in query: {text[:60]}")
    fields = [f.strip() for f in match.group("fields").split(",") if not f.strip().endswith("__sub")]
    order = []
    for part in (match.group("order") or "").split(","):
        words = part.split()
        if words:
            order.append((words[0], len(words) > 1 and words[1].upper() == "DESC"))
    where = _Parser(match.group("where")).parse() if match.group("where") else None
    limit = int(match.group("limit")) if match.group("limit") else None
    return Soql(match.group("sobject"), fields, subqueries, where, order, limit)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [(m.lastgroup, m.group(m.lastgroup or "")) for m in _TOKEN.finditer(text) if m.lastgroup]
        self.at = 0

    def parse(self) -> Any:
        condition = self._or()
        if self.at != len(self.tokens):
            raise ValueError(f"unexpected token {self.tokens[self.at][1]}")
        return condition

    def _peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def _take(self) -> tuple[str | None, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _or(self) -> Any:
        parts = [self._and()]
        while self._peek().upper() == "OR":
            self._take()
            parts.append(self._and())
        return lambda row: any(p(row) for p in parts)

    def _and(self) -> Any:
        parts = [self._factor()]
        while self._peek().upper() == "AND":
            self._take()
            parts.append(self._factor())
        return lambda row: all(p(row) for p in parts)

    def _factor(self) -> Any:
        if self._peek() == "(":
            self._take()
            inner = self._or()
            self._take()
            return inner
        _, name = self._take()
        _, op = self._take()
        if op.upper() == "IN":
            self._take()
            values = []
            while self._peek() != ")":
                values.append(self._value())
                if self._peek() == ",":
                    self._take()
            self._take()
            return lambda row: _get(row, name) in values
        value = self._value()
        compare = {
            "=": lambda a, b: a == b,
            ">=": lambda a, b: a is not None and a >= b,
            ">": lambda a, b: a is not None and a > b,
        }[op]
        return lambda row: compare(_normal(_get(row, name)), value)

    def _value(self) -> Any:
        kind, text = self._take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "dt":
            return _normal(text)
        return text


def _get(row: dict[str, Any], name: str) -> Any:
    value: Any = row
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _normal(value: Any) -> Any:
    """Date-times compare as UTC ``YYYY-MM-DDTHH:MM:SS`` text, whichever way they were written."""
    import datetime as dt

    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        text = value.replace("Z", "+00:00")
        if re.search(r"[+-]\d{4}$", text):
            text = f"{text[:-2]}:{text[-2:]}"
        moment = dt.datetime.fromisoformat(text)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return value
