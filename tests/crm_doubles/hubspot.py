"""A HubSpot portal on 127.0.0.1: CRM v3 search and batch read, v4 associations, owners, deal PATCH.

Shapes follow HubSpot's CRM API reference: objects are ``{id, properties (strings),
createdAt, updatedAt, archived}``; search answers ``{total, results, paging.next.after}``;
batch read ``{status, results, startedAt, completedAt}``; v4 associations
``{results: [{toObjectId, associationTypes}], paging}``; errors
``{status: "error", message, correlationId, category}``.  hubspot-api-client deserialises
every answer into its models, so a missing required field fails the test.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.crm_doubles.base import CrmDouble, Reply

TOKEN = "pat-na1-test-token"
NOW = "2026-11-23T08:00:00.000Z"


@dataclass
class HubSpotState:
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # type -> id -> properties
    associations: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    owners: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    writable: set[str] = field(default_factory=lambda: {"handoff_status", "handoff_link"})


def _error(status: int, message: str, category: str) -> Reply:
    return Reply(
        status,
        {
            "status": "error",
            "message": message,
            "correlationId": "00000000-0000-0000-0000-000000000000",
            "category": category,
        },
    )


class HubSpotDouble(CrmDouble):
    def __init__(self, cert: tuple[Path, Path], page_size: int = 2) -> None:
        super().__init__(cert)
        self.state = HubSpotState()
        self.page_size = page_size
        self._ids = itertools.count(9000)

    # --- seeding ------------------------------------------------------------------------

    def add(self, object_type: str, properties: dict[str, Any], object_id: str | None = None) -> str:
        object_id = object_id or str(next(self._ids))
        self.state.objects.setdefault(object_type, {})[object_id] = dict(properties.items())
        return object_id

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        self.state.associations.setdefault((from_type, from_id, to_type), []).append(to_id)
        reverse = (to_type, to_id, from_type)
        self.state.associations.setdefault(reverse, []).append(from_id)

    def add_owner(self, owner_id: str, email: str) -> None:
        self.state.owners.append(
            {
                "id": owner_id,
                "email": email,
                "firstName": "",
                "lastName": "",
                "userId": int(owner_id),
                "createdAt": NOW,
                "updatedAt": NOW,
                "archived": False,
            }
        )

    # --- serving ------------------------------------------------------------------------

    def handle(  # noqa: PLR0911 (a router: one return per route)
        self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]
    ) -> Reply:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if auth.removeprefix("Bearer ") not in self.state.tokens:
            return _error(
                401,
                "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
                "INVALID_AUTHENTICATION",
            )
        if method == "POST" and path == "/crm/v3/objects/deals/search":
            return self._search(body or {})
        match = re.fullmatch(r"/crm/v3/objects/(\w+)/batch/read", path)
        if method == "POST" and match:
            return self._batch_read(match.group(1), body or {})
        match = re.fullmatch(r"/crm/v4/objects/(\w+)/(\w+)/associations/(\w+)", path)
        if method == "GET" and match:
            return self._associations(*match.groups(), query)
        if method == "GET" and path.rstrip("/") == "/crm/v3/owners":
            return self._owners(query)
        match = re.fullmatch(r"/crm/v3/objects/deals/(\w+)", path)
        if method == "PATCH" and match:
            return self._update(match.group(1), body or {})
        return _error(404, f"Unable to route {method} {path}", "OBJECT_NOT_FOUND")

    def _object(self, object_type: str, object_id: str, properties: list[str]) -> dict[str, Any]:
        stored = self.state.objects[object_type][object_id]
        return {
            "id": object_id,
            "properties": {
                "hs_object_id": object_id,
                **{p: None if stored.get(p) is None else str(stored[p]) for p in properties},
            },
            "createdAt": stored.get("createdate", NOW),
            "updatedAt": stored.get("hs_lastmodifieddate", NOW),
            "archived": False,
        }

    def _search(self, request: dict[str, Any]) -> Reply:
        deals = self.state.objects.get("deals", {})
        groups = request.get("filterGroups") or []
        hits = [i for i, props in deals.items() if not groups or any(_matches(props, g) for g in groups)]
        for sort in reversed(request.get("sorts") or []):
            name = sort["propertyName"]
            hits.sort(key=lambda i, n=name: _sortable(deals[i].get(n)), reverse=sort.get("direction") == "DESCENDING")
        start = int(request.get("after") or 0)
        limit = min(int(request.get("limit") or 10), self.page_size)
        page = hits[start : start + limit]
        body: dict[str, Any] = {
            "total": len(hits),
            "results": [self._object("deals", i, request.get("properties") or []) for i in page],
        }
        if start + limit < len(hits):
            body["paging"] = {"next": {"after": str(start + limit), "link": "?after=" + str(start + limit)}}
        return Reply(200, body)

    def _batch_read(self, object_type: str, request: dict[str, Any]) -> Reply:
        known = self.state.objects.get(object_type, {})
        ids = [str(i["id"]) for i in request.get("inputs") or []]
        results = [self._object(object_type, i, request.get("properties") or []) for i in ids if i in known]
        return Reply(200, {"status": "COMPLETE", "results": results, "startedAt": NOW, "completedAt": NOW})

    def _associations(self, from_type: str, from_id: str, to_type: str, query: dict[str, list[str]]) -> Reply:
        ids = self.state.associations.get((from_type, from_id, to_type), [])
        start = int((query.get("after") or ["0"])[0])
        limit = min(int((query.get("limit") or ["500"])[0]), self.page_size)
        page = ids[start : start + limit]
        body: dict[str, Any] = {
            "results": [
                {
                    "toObjectId": int(i),
                    "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}],
                }
                for i in page
            ]
        }
        if start + limit < len(ids):
            body["paging"] = {"next": {"after": str(start + limit), "link": None}}
        return Reply(200, body)

    def _owners(self, query: dict[str, list[str]]) -> Reply:
        start = int((query.get("after") or ["0"])[0])
        limit = min(int((query.get("limit") or ["100"])[0]), self.page_size)
        body: dict[str, Any] = {"results": self.state.owners[start : start + limit]}
        if start + limit < len(self.state.owners):
            body["paging"] = {"next": {"after": str(start + limit), "link": None}}
        return Reply(200, body)

    def _update(self, deal_id: str, request: dict[str, Any]) -> Reply:
        deals = self.state.objects.get("deals", {})
        if deal_id not in deals:
            return _error(404, f"Object not found. objectId are usually numeric. {deal_id}", "OBJECT_NOT_FOUND")
        values = request.get("properties") or {}
        refused = sorted(set(values) - self.state.writable)
        if refused:
            return _error(400, f"Property values were not valid: {refused}", "VALIDATION_ERROR")
        deals[deal_id].update(values)
        self.state.writes.append((deal_id, dict(values)))
        return Reply(200, self._object("deals", deal_id, list(values)))


def _sortable(value: Any) -> int:
    return _millis(value) if value else 0


def _millis(value: Any) -> int:
    """HubSpot compares date-times as epoch milliseconds; properties are written as ISO text."""
    import datetime as dt

    text = str(value)
    if text.isdigit():
        return int(text)
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _matches(props: dict[str, Any], group: dict[str, Any]) -> bool:
    for f in group.get("filters") or []:
        value, wanted, op = props.get(f["propertyName"]), f.get("value"), f["operator"]
        if op == "GTE" and not (value is not None and _millis(value) >= _millis(wanted)):
            return False
        if op == "EQ" and str(value) != str(wanted):
            return False
        if op == "IN" and str(value) not in {str(v) for v in f.get("values") or []}:
            return False
    return True
