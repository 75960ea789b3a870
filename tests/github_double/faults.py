"""Fault injection: make the next matching request(s) fail, or corrupt their response.

Faults model what GitHub does outside its description (a 502 from the edge, a rate limit
on any route), so the responses they produce are exempt from response validation; the
*request* is still validated. Corruptions exist to prove the validator can fail: they
mutate an otherwise valid response body before it is validated.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R", bound="Rule")
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"


@dataclass
class Rule:
    """Matches requests by method (``*`` for any) and a regex searched in the path."""

    method: str
    path: re.Pattern[str]
    times: int
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a request and still has uses left."""
        return self.hits < self.times and self.method in ("*", method.upper()) and self.path.search(path) is not None


@dataclass
class Fault(Rule):
    """Answer with ``status``/``body``/``headers`` instead of the handler."""

    status: int = 502
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def remaining(self) -> int:
        """How many more requests this fault will hit."""
        return self.times - self.hits


@dataclass
class Corruption(Rule):
    """Replace the completed response body by ``mutate(body)`` before validation."""

    mutate: Callable[[Any], Any] = field(default=lambda body: body)


class FaultPlan:
    """Thread-safe queues of faults and corruptions; the first matching rule is used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._corruptions: list[Corruption] = []

    def add_fault(self, fault: Fault) -> Fault:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_corruption(self, corruption: Corruption) -> Corruption:
        """Queue a corruption."""
        with self._lock:
            self._corruptions.append(corruption)
        return corruption

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault matching this request."""
        return self._take(self._faults, method, path)

    def take_corruption(self, method: str, path: str) -> Corruption | None:
        """Consume one use of the first corruption matching this request."""
        return self._take(self._corruptions, method, path)

    def _take(self, rules: list[R], method: str, path: str) -> R | None:
        with self._lock:
            for rule in rules:
                if rule.matches(method, path):
                    rule.hits += 1
                    return rule
        return None


def server_error(method: str, path_regex: str, status: int, times: int, body: Any) -> Fault:
    """A 5xx (or any status) with GitHub's error envelope."""
    payload = body if body is not None else {"message": "Server Error", "status": str(status)}
    return Fault(method.upper(), re.compile(path_regex), times, status=status, body=payload)


def rate_limit(
    method: str,
    path_regex: str,
    *,
    times: int,
    status: int,
    retry_after: int | None,
    reset_in: int,
    secondary: bool,
) -> Fault:
    """GitHub's primary (``x-ratelimit-remaining: 0``) or secondary rate-limit answer."""
    reset = int(time.time()) + reset_in
    headers = {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "core",
    }
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        if secondary
        else "API rate limit exceeded for user ID 1001."
    )
    body = {"message": message, "documentation_url": RATE_LIMIT_DOCS, "status": str(status)}
    return Fault(method.upper(), re.compile(path_regex), times, status=status, body=body, headers=headers)
