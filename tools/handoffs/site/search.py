"""The search index: Pagefind, fed each searchable page while the site is built.

Pagefind splits the index into chunks by word and the page texts into one fragment per
page, so a query downloads only the chunks for its words and the fragments of the
results it shows: the transfer per search stays small at 10,000 handoffs, where one
lunr index of every page would be tens of megabytes.  Only handoff pages are indexed
(``generate`` marks them ``data-pagefind-body``); their customer, type and status travel
with each result, and status, type, team and owner are filters.

Indexing runs beside the build, not after it: ``SearchIndex`` starts ``pagefind
--service`` (the binary of the ``pagefind-bin`` wheel, installed from the lock: nothing
is downloaded at build time), hands it each page's generated HTML as soon as the page
exists (``add``), and asks it to write the index once the last page is in (``write``),
so Pagefind parses and writes on a second core while the site generator is still
rendering templates.  ``wait`` returns once the index is on disk.  A page is sent as its
content in a minimal document of the site's language: Pagefind reads only the
``data-pagefind-body`` element, its first ``h1`` (the result title) and ``<html lang>``,
so the index is the same as indexing the finished pages, without parsing every page's
navigation.

The service's protocol: each request is a JSON object ``{"message_id": n, "payload":
{...}}``, base64-encoded and followed by a comma, on its stdin; it answers each request,
in order, the same way on stdout.  Any failure (the binary missing, an error answer, a
page it did not take, the process dying) fails the build with Pagefind's message:
a site is never published with a partial or stale search index.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from html import escape
from io import BufferedReader
from pathlib import Path
from typing import IO, Any

from handoffs.errors import HandoffError

BUNDLE = "pagefind"  # the folder of the built site that holds the index and its script
# Pagefind answers every page as it indexes it; this long without a word while answers are
# owed means it hangs (not that it is slow), and the build fails rather than wait forever.
SILENCE_LIMIT = 300.0  # seconds
_STOP = object()  # tells the sending thread that nothing more will be sent


class SearchIndex:
    """One Pagefind index being built in a ``pagefind --service`` process.

    ``add`` and ``write`` never block the caller (a thread sends the requests); ``wait``
    blocks until the index is written and raises ``HandoffError`` if anything failed.
    ``abort`` stops the process (a build that failed elsewhere).  Not reusable: one
    index per build.
    """

    def __init__(self, site_dir: Path, *, language: str = "en", command: Sequence[str] | None = None) -> None:
        """``command``: what runs the service (default: the wheel's ``pagefind --service``)."""
        self.output = site_dir / BUNDLE
        self.language = language
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  # closed by _finish
        self._process = _start_service(command or service_command(), self._stderr)
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._done = threading.Event()  # set on the written index or on the first failure
        self._failure: str | None = None
        self._next_id = 0
        self._answers: dict[int, Callable[[dict[str, Any]], str | None]] = {}  # check per request id
        self._pages = 0
        self._indexed = 0
        self._writing = False
        self._heard = time.monotonic()  # when Pagefind last answered (or was started)
        self._request({"type": "NewIndex", "config": None}, self._new_index)
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or not isinstance(stdout, BufferedReader):  # Popen gives both pipes: never seen
            self._process.kill()
            raise HandoffError("the Pagefind process has no pipes to talk to")
        threading.Thread(target=self._send_all, args=(stdin,), name="pagefind-send", daemon=True).start()
        threading.Thread(target=self._read_all, args=(stdout,), name="pagefind-read", daemon=True).start()

    # -- what the site generator calls -------------------------------------------------

    def add(self, url: str, body: str) -> None:
        """Index one page: ``url`` from the site root (``/handoffs/acme/x/``), ``body`` its HTML content."""
        if self._writing:
            raise HandoffError(f"search index: {url} was added after the index was written")
        document = f'<!DOCTYPE html><html lang="{escape(self.language)}"><head><meta charset="utf-8"></head>'
        self._pages += 1
        self._request(
            {
                "type": "AddFile",
                "index_id": 0,
                "url": url,
                "file_path": None,
                "file_contents": f"{document}<body>{body}</body></html>",
            },
            self._indexed_file,
        )

    def write(self) -> None:
        """No more pages: have Pagefind build and write the index (in the background)."""
        if self._writing:
            return
        self._writing = True
        self._request({"type": "WriteFiles", "index_id": 0, "output_path": str(self.output)}, self._written)
        self._outbox.put(_STOP)

    def wait(self) -> None:
        """Block until the index is written; raise ``HandoffError`` saying why if it was not."""
        self.write()
        # The reader sets it on the last answer, or when the process ends; silence ends it too.
        while not self._done.wait(min(SILENCE_LIMIT, 5.0)):
            if time.monotonic() - self._heard > SILENCE_LIMIT:
                self._fail(f"Pagefind gave no answer for {SILENCE_LIMIT:.0f} s and was stopped")
                self._process.kill()
        self._finish()
        if self._failure is not None:
            raise HandoffError(f"the search index could not be built: {self._failure}")

    def abort(self) -> None:
        """Stop indexing without writing (the build failed elsewhere)."""
        self._fail("the build was stopped")
        if self._process.poll() is None:
            self._process.kill()
        self._finish()

    # -- the protocol ----------------------------------------------------------------------

    def _request(self, payload: dict[str, Any], check: Callable[[dict[str, Any]], str | None]) -> None:
        with self._lock:
            message_id = self._next_id
            self._next_id += 1
            self._answers[message_id] = check
        self._outbox.put({"message_id": message_id, "payload": payload})

    def _send_all(self, stdin: IO[bytes]) -> None:
        try:
            while (message := self._outbox.get()) is not _STOP:
                stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
                if self._outbox.empty():  # nothing queued behind it: let Pagefind have it now
                    stdin.flush()
            stdin.flush()
        except (BrokenPipeError, ValueError):  # the process died or was stopped
            self._fail_stopped()

    def _read_all(self, stdout: BufferedReader) -> None:
        pending = b""
        while chunk := stdout.read1(1 << 16):
            pending += chunk
            *messages, pending = pending.split(b",")
            for message in messages:
                self._answer(message)
        self._fail_stopped()

    def _answer(self, encoded: bytes) -> None:
        self._heard = time.monotonic()
        try:
            answer = json.loads(base64.b64decode(encoded))
            message_id, payload = answer["message_id"], answer["payload"]
        except (ValueError, KeyError, TypeError):
            self._fail(f"Pagefind answered something unreadable: {encoded[:80]!r}")
            return
        with self._lock:
            check = self._answers.pop(message_id, None)
        if check is None:
            self._fail(f"Pagefind answered request {message_id}, which was not asked")
        elif payload.get("type") == "Error":
            self._fail(str(payload.get("message") or "Pagefind reported an error"))
        elif (problem := check(payload)) is not None:
            self._fail(problem)

    def _new_index(self, payload: dict[str, Any]) -> str | None:
        if payload.get("type") != "NewIndex" or payload.get("index_id") != 0:
            return f"Pagefind did not create the index ({payload.get('type')})"
        return None

    def _indexed_file(self, payload: dict[str, Any]) -> str | None:
        if payload.get("type") != "IndexedFile":
            return f"Pagefind did not index {payload.get('page_url', 'a page')} ({payload.get('type')})"
        self._indexed += 1
        return None

    def _written(self, payload: dict[str, Any]) -> str | None:
        if payload.get("type") != "WriteFiles":
            return f"Pagefind did not write the index ({payload.get('type')})"
        if self._indexed != self._pages:  # answers come in order: every page has been answered
            return f"Pagefind indexed {self._indexed} of {self._pages} pages"
        self._done.set()
        return None

    # -- ending ------------------------------------------------------------------------------

    def _fail(self, reason: str) -> None:
        with self._lock:
            if self._failure is None and not self._done.is_set():
                self._failure = reason
        self._done.set()

    def _fail_stopped(self) -> None:
        """The process ended (or stopped reading) before the index was written: say how, with its last words."""
        with self._lock:
            if self._done.is_set():
                return
            try:
                code: int | str = self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = "none yet"
            self._stderr.seek(0)
            said = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        why = f": {said[-1]}" if said else ""
        self._fail(f"Pagefind stopped before the index was written (exit code {code}){why}")

    def _finish(self) -> None:
        if self._process.poll() is None:
            if self._process.stdin is not None:
                with contextlib.suppress(BrokenPipeError, ValueError):
                    self._process.stdin.close()  # the service exits at the end of its input
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._stderr.close()


def service_command() -> list[str]:
    """The Pagefind binary of the ``pagefind-bin`` wheel, as a service."""
    from pagefind_bin import get_executable

    try:
        executable = get_executable()
    except FileNotFoundError as exc:
        raise HandoffError(f"the Pagefind binary is missing ({exc}); reinstall from requirements/") from None
    return [str(executable), "--service"]


def _start_service(command: Sequence[str], stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    except OSError as exc:
        raise HandoffError(f"the Pagefind binary could not be started: {exc}") from None
