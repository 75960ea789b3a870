"""What ``handoff crm sync`` reads about a deal, whichever CRM it came from."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from handoffs.draft.crm import CrmDeal
from handoffs.errors import UsageError

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

# Statuses the CRMs document as "try again": rate limits and unavailability.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class Note:
    title: str
    body: str
    created: str  # ISO, as the CRM wrote it


@dataclass(frozen=True)
class LineItem:
    name: str
    quantity: str = ""
    unit_price: str = ""
    total: str = ""
    description: str = ""


@dataclass(frozen=True)
class Quote:
    name: str
    created: str
    items: tuple[LineItem, ...]


@dataclass(frozen=True)
class DealRecord:
    """One deal as the sync sees it: the normalised deal plus what triggers and evidence need."""

    deal: CrmDeal
    stage_key: str  # what a `stage:` trigger is compared with (label and id, casefolded)
    stage_changed_at: dt.datetime | None
    modified_at: dt.datetime | None
    owner_email: str | None
    fields: Mapping[str, str] = field(default_factory=dict)  # custom fields read (evidence, routing)
    stage_aliases: tuple[str, ...] = ()

    @property
    def position(self) -> dt.datetime | None:
        """Where this deal sits in the sync's order: its last change (a stage change is a change)."""
        moments = [m for m in (self.stage_changed_at, self.modified_at) if m is not None]
        return max(moments) if moments else None


@dataclass(frozen=True)
class Details:
    """Notes and the latest quote: read in full before anything is written."""

    notes: tuple[Note, ...]
    quote: Quote | None


class CrmSource(Protocol):
    """What the sync needs from a CRM; one implementation per vendor client."""

    system: str

    def changed_since(
        self, since: dt.datetime, *, stages: Iterable[str] = (), owners: Iterable[str] = ()
    ) -> list[DealRecord]: ...

    def deal(self, deal_id: str) -> DealRecord | None: ...

    def details(self, record: DealRecord) -> Details: ...

    def current_values(self, deal_ids: list[str], fields: list[str]) -> dict[str, dict[str, str]]: ...

    def write(self, deal_id: str, values: Mapping[str, str]) -> None: ...


def retry_policy(environ: Mapping[str, str] | None = None) -> Retry:
    """One retry policy for both CRMs: 429/5xx and connection failures, honouring Retry-After.

    ``HANDOFF_CRM_ATTEMPTS`` and ``HANDOFF_CRM_BACKOFF`` (seconds) tune it; tests zero the backoff.
    The last response is handed back rather than raised, so the error names what the CRM said.
    """
    from urllib3.util.retry import Retry

    env = os.environ if environ is None else environ
    try:
        attempts = max(int(env.get("HANDOFF_CRM_ATTEMPTS", "5")), 1)
        backoff = max(float(env.get("HANDOFF_CRM_BACKOFF", "1.0")), 0.0)
    except ValueError:
        raise UsageError("HANDOFF_CRM_ATTEMPTS / HANDOFF_CRM_BACKOFF must be numbers") from None
    return Retry(
        total=attempts - 1,
        connect=attempts - 1,
        read=attempts - 1,
        status=attempts - 1,
        status_forcelist=RETRY_STATUSES,
        # Reads (GET, the search POST) and the write-back PATCH, which sets fixed values: safe to repeat.
        allowed_methods=frozenset({"GET", "POST", "PATCH"}),
        backoff_factor=backoff,
        backoff_max=60,
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def ca_bundle(environ: Mapping[str, str] | None = None) -> str | None:
    """``HANDOFF_CRM_CA_BUNDLE``: a CA file for a CRM reached through a TLS-inspecting proxy."""
    env = os.environ if environ is None else environ
    return env.get("HANDOFF_CRM_CA_BUNDLE") or None


def parse_time(value: object) -> dt.datetime | None:
    """Salesforce ``2026-11-20T15:04:00.000+0000``, HubSpot ``2026-11-20T15:04:00.000Z`` or epoch ms."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
