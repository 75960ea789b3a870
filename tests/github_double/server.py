"""The GitHub double: a real HTTP server on 127.0.0.1 that PyGithub talks to.

Every exchange goes through the same pipeline::

    match the path against GitHub's OpenAPI templates   (unknown route  -> 404 + violation)
    validate query parameters and JSON body            (invalid        -> 422 + violation)
    injected fault?                                    (answer it, response not validated)
    run the handler under the state lock               (not written    -> 501 + violation)
    complete the partial object from the response schema
    apply an injected corruption, if any
    validate status and body against the description   (invalid        -> violation)

Violations are collected; :meth:`GitHubDouble.assert_valid` (called by the fixture at
teardown) fails the test listing each one with its route and error.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlsplit

from . import handlers
from .factory import FillContext, fill
from .faults import Corruption, Fault, FaultPlan, rate_limit, server_error
from .handlers import HTTPError, Reply, Request
from .openapi import OpenAPI, Operation, load_openapi
from .state import GitHubState
from .validation import (
    documented_response,
    request_errors,
    response_errors,
    response_schema_pointer,
)

if TYPE_CHECKING:
    from github import Github

HOST = "127.0.0.1"
TEST_TOKEN = "test-token"  # the double accepts any token; see GitHubState.add_token


@dataclass(frozen=True)
class Violation:
    """One exchange that does not match GitHub's OpenAPI description."""

    method: str
    path: str
    operation: str  # operationId and template, or "-" when no route matched
    kind: str  # route | request | response | unimplemented
    errors: tuple[str, ...]

    def __str__(self) -> str:
        details = "\n".join(f"      - {e}" for e in self.errors)
        return f"  {self.kind}: {self.method} {self.path} [{self.operation}]\n{details}"


@dataclass
class Exchange:
    """One request and its response, as logged in ``double.requests``."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    operation_id: str | None = None
    template: str | None = None
    status: int = 0
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    fault: bool = False
    violations: list[Violation] = field(default_factory=list)


class GitHubDouble:
    """A stateful, validated stand-in for api.github.com. Use as a context manager."""

    def __init__(self, api: OpenAPI | None = None, *, validate_responses: bool = True) -> None:
        self.api = api or load_openapi()
        self.state = GitHubState()
        self.validate_responses = validate_responses
        self.faults = FaultPlan()
        self._log: list[Exchange] = []
        self._violations: list[Violation] = []
        self._log_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._request_ids = itertools.count(1)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port on 127.0.0.1 and serve in a background thread."""
        server = ThreadingHTTPServer((HOST, 0), _Handler)
        server.daemon_threads = True
        server.block_on_close = False  # PyGithub keeps connections alive; don't wait for them
        server.double = self  # type: ignore[attr-defined]
        self._server = server
        self.state.base_url = f"http://{HOST}:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, name="github-double", kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use -----------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL for ``GITHUB_API_URL`` / ``Github(base_url=...)``."""
        return self.state.base_url

    @property
    def requests(self) -> list[Exchange]:
        """Every exchange so far, in order."""
        with self._log_lock:
            return list(self._log)

    def calls(self, method: str | None = None, path_regex: str | None = None) -> list[Exchange]:
        """Exchanges filtered by method and a regex searched in the path."""
        pattern = re.compile(path_regex) if path_regex else None
        return [
            e
            for e in self.requests
            if (method is None or e.method == method.upper()) and (pattern is None or pattern.search(e.path))
        ]

    @property
    def violations(self) -> list[Violation]:
        """Exchanges that did not match GitHub's description so far."""
        with self._log_lock:
            return list(self._violations)

    def take_violations(self) -> list[Violation]:
        """Return and forget the violations (for tests that provoke them on purpose)."""
        with self._log_lock:
            taken, self._violations = self._violations, []
            return taken

    def assert_valid(self) -> None:
        """Raise AssertionError listing every violation (the fixture calls this)."""
        found = self.violations
        if found:
            raise AssertionError(format_violations(found, self.api.version))

    def environ(self, repository: str | None = None, token: str = TEST_TOKEN) -> dict[str, str]:
        """Environment variables that point GitHub-using code at the double."""
        env = {"GITHUB_API_URL": self.url, "GITHUB_TOKEN": token}
        if repository is not None:
            env["GITHUB_REPOSITORY"] = repository
        return env

    def client(self, token: str = TEST_TOKEN, **kwargs: Any) -> Github:
        """A PyGithub client for the double, with PyGithub's default retry policy.

        PyGithub sleeps 0.25 s between requests and 1 s between writes by default (to be
        gentle with api.github.com); against the double that only slows tests down, so
        the throttle is off unless the caller passes ``seconds_between_*``.
        """
        from github import Auth, Github

        kwargs.setdefault("seconds_between_requests", None)
        kwargs.setdefault("seconds_between_writes", None)
        return Github(base_url=self.url, auth=Auth.Token(token), **kwargs)

    # -- fault injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 502,
        times: int = 1,
        body: Any = None,
    ) -> Fault:
        """The next ``times`` matching requests get ``status`` (method ``*`` for any)."""
        return self.faults.add_fault(server_error(method, path_regex, status, times, body))

    def rate_limit_next(
        self,
        method: str = "*",
        path_regex: str = ".*",
        *,
        times: int = 1,
        status: int = 403,
        retry_after: int | None = 0,
        reset_in: int = 0,
        secondary: bool = False,
    ) -> Fault:
        """GitHub's rate-limit answer (``x-ratelimit-remaining: 0``, ``retry-after``)."""
        return self.faults.add_fault(
            rate_limit(
                method,
                path_regex,
                times=times,
                status=status,
                retry_after=retry_after,
                reset_in=reset_in,
                secondary=secondary,
            )
        )

    def corrupt_next(self, method: str, path_regex: str, mutate: Callable[[Any], Any], times: int = 1) -> Corruption:
        """Pass the next matching response body through ``mutate`` before validation."""
        corruption = Corruption(method.upper(), re.compile(path_regex), times, mutate=mutate)
        return self.faults.add_corruption(corruption)

    @contextmanager
    def expect_violations(self) -> Iterator[list[Violation]]:
        """Collect (and clear) the violations raised inside the block."""
        before = self.take_violations()
        caught: list[Violation] = []
        try:
            yield caught
        finally:
            caught.extend(self.take_violations())
            with self._log_lock:
                self._violations[:0] = before

    # -- the pipeline -------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Exchange:
        """Answer one request (called from server threads)."""
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        exchange = Exchange(method, split.path, query, headers, None)
        try:
            self._pipeline(exchange, raw)
        except Exception as exc:  # a bug in the double must surface, not hang the client
            where = traceback.format_exception(exc)[-4:]
            self._fail(exchange, "double-error", "-", ["".join(where).strip()])
            self._answer(exchange, Reply(500, {"message": f"github double crashed: {exc}"}))
        with self._log_lock:
            self._log.append(exchange)
        return exchange

    def _pipeline(self, exchange: Exchange, raw: bytes) -> None:
        body, parse_error = _parse_json(raw)
        exchange.body = body
        op, why = self.api.match(exchange.method, exchange.path)
        if op is None:
            self._fail(exchange, "route", "-", [why or "no route"])
            self._answer(exchange, HTTPError.not_found().reply)
            return
        exchange.operation_id, exchange.template = op.operation_id, op.template
        label = f"{op.operation_id} {op.method} {op.template}"
        errors = [parse_error] if parse_error else []
        errors += request_errors(self.api, op, exchange.query, body, bool(raw.strip()))
        if errors:
            self._fail(exchange, "request", label, errors)
            self._answer(exchange, _request_rejected(errors))
            return
        fault = self.faults.take_fault(exchange.method, exchange.path)
        if fault is not None:
            exchange.fault = True
            self._answer(exchange, Reply(fault.status, fault.body, dict(fault.headers), False))
            return
        reply = self._run_handler(exchange, op, label)
        if reply.complete:
            reply.data = self._complete(op, reply)
        elif _documented_without_body(self.api, op, reply.status):
            reply.data = None  # e.g. request-reviewers' 422: GitHub documents no body
        corruption = self.faults.take_corruption(exchange.method, exchange.path)
        if corruption is not None:
            reply.data = corruption.mutate(reply.data)
        self._answer(exchange, reply)
        if self.validate_responses:
            has_body = reply.data is not None
            found = response_errors(self.api, op, reply.status, reply.data, has_body)
            if found:
                self._fail(exchange, "response", label, found)

    def _run_handler(self, exchange: Exchange, op: Operation, label: str) -> Reply:
        handler = handlers.HANDLERS.get((op.method, op.template))
        if handler is None:
            self._fail(
                exchange,
                "unimplemented",
                label,
                [
                    "documented by GitHub but not implemented by the double: "
                    "add a handler in tests/github_double/handlers.py"
                ],
            )
            return Reply(501, {"message": f"github double does not implement {label}"}, {}, False)
        request = Request(
            method=exchange.method,
            path=exchange.path,
            query=exchange.query,
            body=exchange.body,
            headers=exchange.headers,
            op=op,
            state=self.state,
            viewer=self.state.login_for(exchange.headers.get("authorization")),
        )
        with self.state.lock:
            try:
                return handler(request)
            except HTTPError as error:
                return error.reply

    def _complete(self, op: Operation, reply: Reply) -> Any:
        """Fill required properties the handler left out, from the response schema."""
        pointer = response_schema_pointer(self.api, op, reply.status)
        if pointer is None or reply.data is None:
            return reply.data
        return fill(FillContext(self.api, self.url), self.api.pointer(pointer), reply.data)

    def _answer(self, exchange: Exchange, reply: Reply) -> None:
        exchange.status = reply.status
        exchange.response = reply.data
        exchange.response_headers = self._headers(reply)

    def _headers(self, reply: Reply) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Request-Id": f"DOUBLE:{next(self._request_ids):06d}",
            "X-OAuth-Scopes": "repo, workflow",
            "X-Accepted-OAuth-Scopes": "",
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": "4999",
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Used": "1",
            "X-RateLimit-Resource": "core",
        }
        lowered = {k.lower() for k in reply.headers}
        headers = {k: v for k, v in headers.items() if k.lower() not in lowered}
        headers.update(reply.headers)
        return headers

    def _fail(self, exchange: Exchange, kind: str, label: str, errors: list[str]) -> None:
        violation = Violation(exchange.method, exchange.path, label, kind, tuple(errors))
        exchange.violations.append(violation)
        with self._log_lock:
            self._violations.append(violation)


def _documented_without_body(api: OpenAPI, op: Operation, status: int) -> bool:
    found = documented_response(api, op, status)
    return found is not None and not found[0].get("content")


def _parse_json(raw: bytes) -> tuple[Any, str | None]:
    if not raw.strip():
        return None, None
    try:
        return json.loads(raw), None
    except ValueError as exc:
        return None, f"request body is not JSON: {exc}"


def _request_rejected(errors: list[str]) -> Reply:
    """GitHub rejects malformed input with 422; say it came from the double's validator."""
    body = {
        "message": "github double: the request does not match GitHub's OpenAPI description",
        "errors": errors,
        "documentation_url": handlers.DOCS,
        "status": "422",
    }
    return Reply(422, body, {}, False)


def format_violations(violations: list[Violation], version: str) -> str:
    """The teardown failure message."""
    head = (
        f"GitHub double: {len(violations)} exchange(s) do not match GitHub's OpenAPI "
        f"description (@octokit/openapi {version}):"
    )
    return "\n".join([head, *(str(v) for v in violations)])


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP layer: read the request, hand it to the double, write the answer."""

    protocol_version = "HTTP/1.1"  # keep-alive, as PyGithub's connection pool expects
    server_version = "GitHubDouble/1"
    timeout = 30
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm plus
    # the client's delayed ACK adds ~40 ms to every exchange.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        double: GitHubDouble = self.server.double  # type: ignore[attr-defined]
        exchange = double.handle(self.command, self.path, headers, raw)
        payload = b"" if exchange.response is None else json.dumps(exchange.response).encode()
        self.send_response(exchange.status)
        for name, value in exchange.response_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (the double keeps its own)."""
