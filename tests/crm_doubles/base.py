"""What both CRM doubles share: a TLS server on 127.0.0.1, a request log, and injected faults.

The vendors' clients speak HTTPS only (simple-salesforce builds ``https://`` URLs), so the
doubles serve TLS with a certificate made for 127.0.0.1 at test time; the tool is pointed
at it through ``HANDOFF_CRM_CA_BUNDLE``, the variable a proxied company network would use.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA): (cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crm double")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "crm-double.pem", folder / "crm-double.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Faults:
    """Injected failures: the next ``n`` requests answer ``status``; or "down" after ``n`` more."""

    queue: list[Reply] = field(default_factory=list)
    down_after: int | None = None
    down_reply: Reply | None = None
    down_when: Callable[[str, str, dict[str, list[str]]], bool] | None = None

    def take(self, method: str, path: str, query: dict[str, list[str]]) -> Reply | None:
        if self.down_when is not None and self.down_when(method, path, query):
            self.down_after = 0  # from this request on, the CRM is down
        if self.down_after is not None:
            if self.down_after <= 0:
                return self.down_reply
            self.down_after -= 1
        return self.queue.pop(0) if self.queue else None


class CrmDouble:
    """Subclasses implement :meth:`handle` (method, path, query, body, headers) -> Reply."""

    def __init__(self, cert: tuple[Path, Path]) -> None:
        self._cert = cert
        self.lock = threading.RLock()
        self.log: list[Exchange] = []
        self.faults = Faults()
        self._server: ThreadingHTTPServer | None = None

    # --- control ----------------------------------------------------------------------

    def fail_next(self, count: int, status: int, body: Any = None, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self.lock:
            self.faults.queue += [Reply(status, body, headers) for _ in range(count)]

    def go_down_after(self, requests: int, status: int = 503, body: Any = None) -> None:
        with self.lock:
            self.faults.down_after = requests
            self.faults.down_reply = Reply(status, body)

    def go_down_when(
        self, condition: Callable[[str, str, dict[str, list[str]]], bool], status: int = 503, body: Any = None
    ) -> None:
        """The first request matching ``condition`` and every one after it answers ``status``."""
        with self.lock:
            self.faults.down_when = condition
            self.faults.down_reply = Reply(status, body)

    def come_back(self) -> None:
        with self.lock:
            self.faults.down_when = None
            self.faults.down_after = None
            self.faults.down_reply = None

    def requests(self, method: str | None = None, contains: str = "") -> list[Exchange]:
        return [e for e in self.log if (method is None or e.method == method) and contains in e.path]

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://{HOST}:{self._server.server_address[1]}"

    def start(self) -> CrmDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                query = parse_qs(split.query)
                body = _decode(raw, self.headers.get("Content-Type") or "")
                with double.lock:
                    reply = double.faults.take(self.command, split.path, query) or double.handle(
                        self.command, split.path, query, body, dict(self.headers.items())
                    )
                    double.log.append(Exchange(self.command, split.path, query, body, reply.status))
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.body is not None:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve  # noqa: N815

        server = ThreadingHTTPServer((HOST, 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self._cert[0]), str(self._cert[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]) -> Reply:
        raise NotImplementedError


def _decode(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if "json" in content_type:
        return json.loads(raw)
    if "x-www-form-urlencoded" in content_type:
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    return raw.decode()


Handler = Callable[..., Reply]
