"""Extractor backends and the verification every backend's output must pass.

The built-in extractor is the default and needs nothing.  An OpenAI-compatible
chat-completions endpoint may be plugged in (``--backend openai-compatible`` with
``--url``/``--model`` or environment variables).  It is given the sentences the
built-in splitter found, each with an id, its file and line, and asked only to
CLASSIFY them into sections (:data:`SYSTEM_PROMPT`).  What it returns is treated as
untrusted suggestions: an item survives only if it names a sentence it was given, or
quotes one verbatim at the line it cites, so a model can sort sentences but never
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
from handoffs.draft.extract import (
    CUSTOM_TERMS,
    EXCLUSIONS,
    SECTIONS,
    Candidate,
    Sentence,
    SourceDoc,
    action_items,
    declined_ask,
    extract,
    locate,
    sentences,
    term_categories,
)
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

    @property
    def invented(self) -> bool:
        """The backend quoted text that is not in the sources as cited."""
        return self.reason in (NOT_VERBATIM, UNKNOWN_FILE, UNKNOWN_SENTENCE)


NOT_VERBATIM = "quote not found verbatim at that line"
UNKNOWN_FILE = "cites a file that was not given"
UNKNOWN_SENTENCE = "names a sentence it was not given"
_NO_SUCH_SENTENCE = "(unknown sentence)"  # the file a model's unknown sentence id is filed under


@dataclass(frozen=True)
class Verified:
    items: list[Candidate]
    rejected: list[Rejected] = field(default_factory=list)


def verify(candidates: Sequence[Candidate], docs: Sequence[SourceDoc]) -> Verified:
    """Keep only items quoted verbatim at every place they cite; drop duplicates."""
    by_name = {doc.name: doc for doc in docs}
    kept: list[Candidate] = []
    rejected: list[Rejected] = []
    seen: set[tuple[str, str, int, str]] = set()
    for item in candidates:
        doc = by_name.get(item.doc)
        end = locate(doc.lines, item.line, item.quote) if doc is not None else None
        places = [(p, by_name.get(p.doc)) for p in item.also]
        also_ok = all(d is not None and locate(d.lines, p.line, p.quote) is not None for p, d in places)
        if item.doc == _NO_SUCH_SENTENCE:
            rejected.append(Rejected(item.section, item.quote, item.citation, UNKNOWN_SENTENCE))
        elif item.section not in SECTIONS:
            rejected.append(Rejected(item.section, item.quote, item.citation, "not a section a draft fills"))
        elif doc is None or any(d is None for _, d in places):
            rejected.append(Rejected(item.section, item.quote, item.citation, UNKNOWN_FILE))
        elif end is None or not also_ok:
            rejected.append(Rejected(item.section, item.quote, item.citation, NOT_VERBATIM))
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
    """A chat-completions endpoint (OpenAI, or any compatible server such as a local one)."""

    base_url: str
    model: str
    api_key: str | None = None
    name: str = "openai-compatible"

    @classmethod
    def from_env(
        cls, url: str | None = None, model: str | None = None, api_key_env: str | None = None
    ) -> OpenAIExtractor:
        base_url = (url or os.environ.get(ENV_BASE_URL, "")).strip()
        model_name = (model or os.environ.get(ENV_MODEL, "")).strip()
        if not base_url or not model_name:
            raise UsageError(
                f"the openai-compatible backend needs a server URL (--url or {ENV_BASE_URL}, "
                f"e.g. http://127.0.0.1:8000/v1) and a model (--model or {ENV_MODEL}); "
                f"{ENV_API_KEY} is optional"
            )
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"{base_url}: the model server URL must start with http:// or https://")
        key = os.environ.get(api_key_env or ENV_API_KEY) or None
        return cls(base_url.rstrip("/"), model_name, key)

    def extract(self, docs: Sequence[SourceDoc], config: Config) -> list[Candidate]:
        numbered = numbered_sentences(docs)
        reply = self._complete(system_prompt(config), classification_prompt(numbered))
        from handoffs.draft.people import people

        # People in lists and tables, and action-item tables, are read by structure, for every backend alike.
        structural = [c for doc in docs for c in people(doc, config.rules.decision_roles)]
        structural += [c for doc in docs for c in action_items(doc)]
        return _candidates(reply, numbered, config) + structural

    def _complete(self, system: str, prompt: str) -> str:
        body = json.dumps(
            {
                "model": self.model,
                "temperature": 0,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": prompt},
                ],
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if not self.base_url.startswith(("http://", "https://")):
            raise UsageError(f"{self.base_url}: the model server URL must start with http:// or https://")
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


# The prompt is documented in the README ("Backends"); change both together.  The
# section names are filled in from schema/types.yaml (``{promised_scope}`` etc.).
SYSTEM_PROMPT = """You sort sentences from sales documents into the sections of a sales-to-delivery handoff.
You CLASSIFY sentences you are given; you never write, shorten, merge or rephrase text.

Each input sentence has an id, its file and line, and its text, like:
  S12 [call-notes.md:14] We will roll out the module to all six vessels.

Sections: {sections}.
Rules:
- A sentence may belong to several sections (a go-live date is in {key_dates} and in {requirements}).
- Leave out sentences that belong nowhere (small talk, logistics of the meeting).
- An ask the customer made that was declined, deferred or quoted separately goes in {exclusions}, never in
  {promised_scope}.
- A hedged promise ("probably", "should be able to", "we'll try", "aim to", "ideally") still goes in
  {promised_scope}; do not drop or reword it: the tool marks it vague for a person to decide.
- A service level that mentions "excluding" (e.g. maintenance windows) goes in {custom_terms}, not in {exclusions}.
- A payment clause that names an office ("the CFO's approval") is not one of the {stakeholders}.

Answer with JSON only, using the ids you were given:
{{"items": [{{"id": "S12", "section": "{promised_scope}"}}]}}"""


def system_prompt(config: Config) -> str:
    """SYSTEM_PROMPT with the section names of schema/types.yaml."""
    names = {role: config.sections.name(role) for role in SECTIONS}
    return SYSTEM_PROMPT.format(sections=", ".join(names.values()), **names)


def numbered_sentences(docs: Sequence[SourceDoc]) -> dict[str, Sentence]:
    """The sentences the model may classify, by id (S1, S2, …), in reading order."""
    found = [sentence for doc in docs for sentence in sentences(doc)]
    return {f"S{n}": sentence for n, sentence in enumerate(found, start=1)}


def classification_prompt(numbered: dict[str, Sentence]) -> str:
    lines = [f"{key} [{s.doc}:{s.line}] {s.text}" for key, s in numbered.items()]
    return "Classify these sentences:\n\n" + "\n".join(lines)


def _candidates(reply: str, numbered: dict[str, Sentence], config: Config) -> list[Candidate]:
    """Parse the model's JSON; vague marks and categories come from our own rules, not the model.

    An item names a sentence by ``id`` (the quote is then ours, as split); an item that
    instead quotes ``file``/``line``/``quote`` is kept as quoted and verified verbatim
    later like any other, so a model that rewrites a sentence is caught, not trusted.
    """
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
        if not isinstance(item, dict) or not isinstance(item.get("section"), str):
            continue
        # The model answers with a section's name; a name the schema does not know stays as
        # written, and verification rejects it ("not a section a draft fills").
        section = config.sections.role_of(item["section"]) or item["section"]
        key = item.get("id")
        if isinstance(key, str):
            sentence = numbered.get(key)
            if sentence is None:
                # An id we never gave: nothing to quote, so it is recorded as invented.
                candidates.append(Candidate(section, str(item.get("quote", key)), _NO_SUCH_SENTENCE, 0, 0))
                continue
            name, line, quote = sentence.doc, sentence.line, sentence.text
        else:
            cited = _cited(item)
            if cited is None:
                continue
            name, line, quote = cited
        categories = term_categories(quote, config)
        candidates.append(
            Candidate(
                section=section,
                quote=quote,
                doc=name,
                line=line,
                end_line=line,
                vague=tuple(dict.fromkeys(m.group(0).lower() for m in config.vague_pattern.finditer(quote))),
                categories=categories if section == CUSTOM_TERMS else (),
                declined=section == EXCLUSIONS and declined_ask(quote),
            )
        )
    return candidates


def _cited(item: dict[str, Any]) -> tuple[str, int, str] | None:
    """An item that quotes ``file``/``line``/``quote`` itself (verified verbatim later)."""
    name, line, quote = item.get("file"), item.get("line"), item.get("quote")
    if not (isinstance(name, str) and isinstance(quote, str)):
        return None
    if not isinstance(line, int) or isinstance(line, bool):
        return None
    return name, line, quote


def backend(
    name: str, *, url: str | None = None, model: str | None = None, api_key_env: str | None = None
) -> Extractor:
    """The extractor called ``name`` (one of BACKENDS; ``openai`` is the older name of ``openai-compatible``)."""
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; use one of {', '.join(BACKENDS)}")
    if name in ("openai", "openai-compatible"):
        return OpenAIExtractor.from_env(url, model, api_key_env)
    if url or model:
        raise UsageError("--url and --model are for the openai-compatible backend")
    return BuiltinExtractor()
