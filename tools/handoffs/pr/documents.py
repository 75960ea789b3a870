"""A handoff read from text (a git blob, an API response) as data, with the project's model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from handoffs.config import Category, Config
from handoffs.document.handoff import Handoff, parse_handoff
from handoffs.errors import HandoffError
from handoffs.findings import FindingSink, Severity
from handoffs.rules.terms import find_term_hits
from handoffs.verdicts import scope_changes as changed_scope
from handoffs.verdicts import scope_of

# Where in-memory content is said to live: only its path relative to this root matters.
_VIRTUAL_ROOT = Path("/handoff-repository")


@dataclass(frozen=True)
class Version:
    """One version of one handoff file: its document, or ``None`` where it does not exist."""

    path: str  # repository-relative, e.g. handoffs/acme/2026-11-23-onboarding.md
    doc: Handoff | None


def parse_text(text: str, path: str, config: Config) -> Handoff | None:
    """Parse ``text`` as the handoff at repository path ``path``; it is never executed or trusted."""
    return read_text(text, path, config)[0]


def read_text(text: str | bytes, path: str, config: Config) -> tuple[Handoff | None, tuple[str, ...]]:
    """Parse ``text`` (or raw bytes) as the handoff at ``path``, with every problem met while loading it.

    The problems (bad encoding, YAML duplicate keys, tags or aliases, invalid front
    matter…) are reported whatever severity ``schema/rules.yaml`` gives them: a
    decision must not rest on a document that two readers could read differently.
    The content is parsed in memory, as if it were at ``path`` in the repository
    (the handoff id depends on it); nothing is written to disk.
    """
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        raise HandoffError(f"{path}: not a path inside the repository")
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    sink = FindingSink(path, lambda _code: Severity.ERROR)
    doc = parse_handoff(
        raw,
        path=_VIRTUAL_ROOT.joinpath(*relative.parts),
        root=_VIRTUAL_ROOT,
        max_bytes=config.rules.max_file_bytes,
        sink=sink,
        handoffs_dir=config.handoffs_dir,
    )
    return doc, tuple(f"line {f.line}: {f.code} {f.message}" for f in sink.findings)


def flagged_categories(doc: Handoff | None, config: Config) -> tuple[Category, ...]:
    """The custom-term categories the document's language hits, in configuration order."""
    if doc is None:
        return ()
    hit = {h.category for h in find_term_hits(doc, config)}
    return tuple(c for c in config.categories if c.name in hit)


def scope_changes(base: Handoff | None, head: Handoff | None) -> tuple[str, ...]:
    """Which scope sections of an already-approved handoff (one on base) the head changes."""
    if base is None or head is None:
        return ()
    return changed_scope(scope_of(base.body), scope_of(head.body))
