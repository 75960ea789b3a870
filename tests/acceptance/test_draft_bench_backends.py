"""bench/draft_eval.py scores any backend on the same set, here a model server on 127.0.0.1.

The fake model classifies the sentences it is sent by a crude rule, and also names a
sentence id it was never given: the benchmark must count that as an invented quote and
score everything else through the same pipeline as `handoff draft`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.factories import PROJECT

SENTENCE = re.compile(r"^(S\d+) \[[^\]]+\] (.*)$", re.MULTILINE)


def classify(prompt: str) -> list[dict[str, str]]:
    items = []
    for key, text in SENTENCE.findall(prompt):
        if re.search(r"\bnot\b|\bseparately\b|\bexclud", text, re.IGNORECASE):
            items.append({"id": key, "section": "Exclusions"})
        elif re.search(r"\bwe(?:'ll| will)\b|\bincluded\b", text, re.IGNORECASE):
            items.append({"id": key, "section": "Promised scope"})
    items.append({"id": "S99999", "section": "Promised scope", "quote": "We will build everything for free."})
    return items


@pytest.fixture
def model_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(request)
            content = json.dumps({"items": classify(request["messages"][1]["content"])})
            body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "draft_eval.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_benchmark_scores_a_model_backend_through_the_same_pipeline(
    model_server: tuple[str, list[dict[str, Any]]],
) -> None:
    url, seen = model_server
    result = bench("--backend", "openai-compatible", "--url", url, "--model", "fake-classifier")
    assert result.returncode == 0, result.stderr
    assert "backend: openai-compatible" in result.stdout
    cases = len([p for p in (PROJECT / "tests" / "corpus" / "draft").iterdir() if (p / "expected.yaml").is_file()])
    assert len(seen) == cases  # one request per case, each asking to classify, never to write
    assert all(r["model"] == "fake-classifier" for r in seen)
    assert all("CLASSIFY" in r["messages"][0]["content"] for r in seen)
    tuning, held_out = result.stdout.split("held-out set")
    # every case's unknown id is an invented quote, counted and never scored as a hit
    assert re.search(r"invented quotes: [1-9]\d* of \d+ proposed", tuning)
    assert re.search(r"invented quotes: 4 of \d+ proposed", held_out)
    assert "targets on the held-out cases: NOT all met" in held_out
    assert re.search(r"Exclusions\s+\d\.\d\d\s+\d\.\d\d", held_out)


def test_the_builtin_benchmark_prints_the_held_out_cases_apart() -> None:
    result = bench()
    assert result.returncode == 0, result.stderr
    assert "backend: builtin" in result.stdout
    assert "tuning set (" in result.stdout
    assert "held-out set (4 cases" in result.stdout
    assert "invented quotes: 0 of" in result.stdout
