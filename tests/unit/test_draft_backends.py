"""The OpenAI-compatible backend against a real local HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from handoffs.config import load_config
from handoffs.draft.backends import OpenAIExtractor, backend, system_prompt, verify
from handoffs.draft.extract import CUSTOM_TERMS, PROMISES, SourceDoc
from handoffs.errors import HandoffError, UsageError

PROJECT = Path(__file__).resolve().parent.parent.parent


@dataclass
class FakeModel:
    """What the local server answers, and what it was asked."""

    status: int = 200
    content: str = '{"items": []}'
    raw_body: bytes | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def chat_reply(items: list[dict[str, Any]]) -> str:
    return json.dumps({"items": items})


@pytest.fixture
def model_server() -> Iterator[tuple[str, FakeModel]]:
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            model.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            model.headers.append(dict(self.headers))
            if model.status != 200:
                self.send_error(model.status, "model overloaded")
                return
            body = (
                model.raw_body
                or json.dumps(
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "model": "local-test",
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": model.content},
                            }
                        ],
                    }
                ).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", model
    finally:
        server.shutdown()
        server.server_close()


NOTES = SourceDoc("notes.md", ("# Call", "", "We will deliver two training sessions.", "Net 60 payment terms apply."))


def test_the_model_classifies_our_sentences_and_cannot_write_its_own(model_server: tuple[str, FakeModel]) -> None:
    url, model = model_server
    scope = "Promised scope"
    model.content = chat_reply(
        [
            {"id": "S1", "section": scope},
            {"id": "S2", "section": "custom terms "},  # a section's name as the schema spells it, give or take case
            {"id": "S99", "section": scope, "quote": "We will deliver ten training sessions."},
            {"section": scope, "file": "notes.md", "line": 3, "quote": "We will deliver five training sessions."},
            {"section": scope, "file": "notes.md", "line": 4, "quote": "We will deliver two training sessions."},
        ]
    )
    extractor = OpenAIExtractor(url, "local-test", "sk-test")
    result = verify(extractor.extract([NOTES], load_config(PROJECT)), [NOTES])
    assert [(i.section, i.line, i.quote) for i in result.items] == [
        (PROMISES, 3, "We will deliver two training sessions."),
        (CUSTOM_TERMS, 4, "Net 60 payment terms apply."),
    ]
    assert result.items[1].categories == ("payment",)  # categories come from schema/, not the model
    assert [(r.quote, r.reason, r.invented) for r in result.rejected] == [
        ("We will deliver ten training sessions.", "names a sentence it was not given", True),
        ("We will deliver five training sessions.", "quote not found verbatim at that line", True),
        ("We will deliver two training sessions.", "quote not found verbatim at that line", True),
    ]
    request = model.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "local-test"
    assert request["body"]["temperature"] == 0
    assert "S1 [notes.md:3] We will deliver two training sessions." in request["body"]["messages"][1]["content"]
    system = request["body"]["messages"][0]["content"]
    assert "CLASSIFY" in system
    assert "never write" in system
    assert system == system_prompt(load_config(PROJECT))
    assert model.headers[0]["Authorization"] == "Bearer sk-test"


def test_the_documented_prompt_is_the_one_sent() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert system_prompt(load_config(PROJECT)) in readme


def test_server_error_is_a_clear_message(model_server: tuple[str, FakeModel]) -> None:
    url, model = model_server
    model.status = 503
    with pytest.raises(HandoffError, match=r"answered HTTP 503 .*nothing was written"):
        OpenAIExtractor(url, "m").extract([NOTES], load_config(PROJECT))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "did not answer with JSON"),
        (b'{"choices": []}', "without choices"),
    ],
)
def test_malformed_server_answers(model_server: tuple[str, FakeModel], raw: bytes, message: str) -> None:
    url, model = model_server
    model.raw_body = raw
    with pytest.raises(HandoffError, match=message):
        OpenAIExtractor(url, "m").extract([NOTES], load_config(PROJECT))


def test_model_content_that_is_not_the_json_asked_for(model_server: tuple[str, FakeModel]) -> None:
    url, model = model_server
    model.content = "Sure! Here are the promises: ..."
    with pytest.raises(HandoffError, match="did not return the JSON asked for"):
        OpenAIExtractor(url, "m").extract([NOTES], load_config(PROJECT))


def test_unreachable_server() -> None:
    with pytest.raises(HandoffError, match="cannot reach the language-model backend"):
        OpenAIExtractor("http://127.0.0.1:9", "m").extract([NOTES], load_config(PROJECT))


def test_openai_backend_needs_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOFF_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("HANDOFF_LLM_MODEL", raising=False)
    with pytest.raises(UsageError, match="HANDOFF_LLM_BASE_URL"):
        backend("openai")
    with pytest.raises(UsageError, match="http:// or https://"):
        backend("openai-compatible", url="file:///etc/passwd", model="m")
    with pytest.raises(UsageError, match="for the openai-compatible backend"):
        backend("builtin", url="http://127.0.0.1:1/v1")
    assert backend("openai-compatible", url="http://127.0.0.1:2/v1", model="x").model == "x"  # type: ignore[attr-defined]
    monkeypatch.setenv("HANDOFF_LLM_BASE_URL", "http://127.0.0.1:1/v1/")
    monkeypatch.setenv("HANDOFF_LLM_MODEL", "m")
    configured = backend("openai")
    assert isinstance(configured, OpenAIExtractor)
    assert configured.base_url == "http://127.0.0.1:1/v1"
