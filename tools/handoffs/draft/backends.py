"""Extractor backends and the verification every backend's output must pass.

The built-in extractor is the default and needs nothing.  An OpenAI-compatible
chat-completions endpoint may be plugged in through environment variables; what it
returns is treated as untrusted suggestions: an item survives only if its quote
appears verbatim at the line it cites, so a model can select sentences but never
write them.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from handoffs.config import Config
from handoffs.draft import BACKENDS
from handoffs.draft.extract import CUSTOM_TERMS, SECTIONS, Candidate, SourceDoc, extract, locate
from handoffs.errors import HandoffError, UsageError

ENV_BASE_URL = "HANDOFF_LLM_BASE_URL"
ENV_MODEL = "HANDOFF_LLM_MODEL"
ENV_API_KEY = "HANDOFF_LLM_API_KEY"
TIMEOUT_SECONDS = 120


class Extractor(Protocol):
    """Anything that proposes cited candidates from source documents."""

    @property
    def name(self) -> str: ...

    def extract(self, docs: Sequence[SourceDoc], config: Config) -> list[Candidate]: ...


@dataclass(frozen=True)
class Rejected:
    """A proposed item that failed verification, and why (shown in the review summary)."""

    section: str
    quote: str
    citation: str
    reason: str


@dataclass(frozen=True)
class Verified:
    items: list[Candidate]
    rejected: list[Rejected] = field(default_factory=list)


def verify(candidates: Sequence[Candidate], docs: Sequence[SourceDoc]) -> Verified:
    """Keep only items quoted verbatim at their cited line; drop duplicates."""
    by_name = {doc.name: doc for doc in docs}
    kept: list[Candidate] = []
    rejected: list[Rejected] = []
    seen: set[tuple[str, str, int, str]] = set()
    for item in candidates:
        doc = by_name.get(item.doc)
        end = locate(doc.lines, item.line, item.quote) if doc is not None else None
        if item.section not in SECTIONS:
            rejected.append(Rejected(item.section, item.quote, item.citation, "not a section a draft fills"))
        elif doc is None:
            rejected.append(Rejected(item.section, item.quote, item.citation, "cites a file that was not given"))
        elif end is None:
            rejected.append(Rejected(item.section, item.quote, item.citation, "quote not found verbatim at that line"))
        elif (key := (item.section, item.doc, item.line, item.quote)) not in seen:
            seen.add(key)
            kept.append(replace(item, end_line=end))
    return Verified(kept, rejected)


class BuiltinExtractor:
    name = "builtin"

    def extract(self, docs: Sequence[SourceDoc], config: Config) -> list[Candidate]:
        return extract(docs, config)


@dataclass(frozen=True)
class OpenAIExtractor:
    """A chat-completions endpoint (OpenAI, or any compatible local server)."""

    base_url: str
    model: str
    api_key: str | None = None
    name: str = "openai"

    @classmethod
    def from_env(cls) -> OpenAIExtractor:
        base_url = os.environ.get(ENV_BASE_URL, "").strip()
        model = os.environ.get(ENV_MODEL, "").strip()
        if not base_url or not model:
            raise UsageError(
                f"--backend openai needs {ENV_BASE_URL} (e.g. http://127.0.0.1:8000/v1) and {ENV_MODEL}; "
                f"{ENV_API_KEY} is optional"
            )
        return cls(base_url.rstrip("/"), model, os.environ.get(ENV_API_KEY) or None)

    def extract(self, docs: Sequence[SourceDoc], config: Config) -> list[Candidate]:
        reply = self._complete(_prompt(docs))
        return _candidates(reply, config)

    def _complete(self, prompt: str) -> str:
        body = json.dumps(
            {
                "model": self.model,
                "temperature": 0,
                "messages": [
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": prompt},
                ],
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if not self.base_url.startswith(("http://", "https://")):
            raise UsageError(f"{ENV_BASE_URL}={self.base_url}: expected an http:// or https:// URL")
        url = f"{self.base_url}/chat/completions"
        request = urllib.request.Request(url, body, headers, method="POST")  # noqa: S310 (scheme checked above)
        where = f"the language-model backend at {self.base_url}"
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise HandoffError(f"{where} answered HTTP {exc.code} {exc.reason}; nothing was written") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HandoffError(f"cannot reach {where} ({reason}); nothing was written") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HandoffError(f"{where} did not answer with JSON; nothing was written") from None
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise HandoffError(f"{where} answered without choices[0].message.content; nothing was written") from None
        if not isinstance(content, str):
            raise HandoffError(f"{where} answered with a non-text message; nothing was written")
        return content


SYSTEM_PROMPT = f"""You select sentences for a sales-to-delivery handoff. You never write or rephrase text.
For each relevant sentence, copy it EXACTLY as written (character for character) from the numbered source,
and give the file name and the line number where the sentence starts.
Sections: {", ".join(SECTIONS)}.
Answer with JSON only: {{"items": [{{"section": "...", "file": "...", "line": 12, "quote": "..."}}]}}"""  # noqa: S608 (a prompt, not SQL)


def _prompt(docs: Sequence[SourceDoc]) -> str:
    parts = []
    for doc in docs:
        numbered = "\n".join(f"{n}: {text}" for n, text in enumerate(doc.lines, start=1))
        parts.append(f"=== file: {doc.name} ===\n{numbered}")
    return "\n\n".join(parts)


def _candidates(reply: str, config: Config) -> list[Candidate]:
    """Parse the model's JSON; vague marks and categories come from our own rules, not the model."""
    text = reply.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        raise HandoffError(
            "the language-model backend did not return the JSON asked for; nothing was written"
        ) from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise HandoffError('the language-model backend returned JSON without an "items" list; nothing was written')
    candidates = []
    for item in items:
        if not isinstance(item, dict):
            continue
        section, name, line, quote = item.get("section"), item.get("file"), item.get("line"), item.get("quote")
        if not (isinstance(section, str) and isinstance(name, str) and isinstance(quote, str)):
            continue
        if not isinstance(line, int) or isinstance(line, bool):
            continue
        candidates.append(
            Candidate(
                section=section,
                quote=quote,
                doc=name,
                line=line,
                end_line=line,
                vague=tuple(dict.fromkeys(m.group(0).lower() for m in config.vague_pattern.finditer(quote))),
                categories=config.term_detector.categories(quote) if section == CUSTOM_TERMS else (),
            )
        )
    return candidates


def backend(name: str) -> Extractor:
    """The extractor called ``name`` (one of BACKENDS)."""
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; use one of {', '.join(BACKENDS)}")
    if name == "openai":
        return OpenAIExtractor.from_env()
    return BuiltinExtractor()
