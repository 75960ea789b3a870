"""A handoff read from text (a git blob, an API response) as data, with the project's model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from handoffs.config import Category, Config
from handoffs.document import yamlsafe
from handoffs.document.frontmatter_split import SplitProblem, split
from handoffs.document.handoff import Handoff, parse_handoff
from handoffs.errors import HandoffError
from handoffs.findings import FindingSink, Severity
from handoffs.model import HANDLE_PATTERN
from handoffs.rules.terms import find_term_hits
from handoffs.verdicts import scope_changes as changed_scope
from handoffs.verdicts import scope_of

# Where in-memory content is said to live: only its path relative to this root matters.
_VIRTUAL_ROOT = Path("/handoff-repository")

# A base version that does not load is still searched for its owners, but only in its head:
# front matter sits at the top, and a huge file must not cost a huge parse.
LENIENT_READ_BYTES = 256 * 1024
_HANDLE = re.compile(HANDLE_PATTERN)
_SIDES = (("sales owner", "from"), ("receiving owner", "to"))


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


def scope_changes(base: Handoff | None, head: Handoff | None, config: Config) -> tuple[str, ...]:
    """Which scope sections of an already-approved handoff (one on base) the head changes."""
    if base is None or head is None:
        return ()
    names = config.sections.scope
    return changed_scope(scope_of(base.body, names), scope_of(head.body, names))


@dataclass(frozen=True)
class LenientOwners:
    """The owners still readable in a version of a handoff that does not load cleanly.

    ``complete`` only when both owners were read from YAML nobody could read two ways
    (no duplicate keys, no syntax errors): anything less and the decision must add the
    admin team, because an owner may be missing from what was read.
    """

    parties: tuple[tuple[str, str, str | None], ...]  # (role, @owner, team or None)
    complete: bool
    why: str  # what was wrong with the version, for the summary


def lenient_owners(raw: str | bytes, problems: tuple[str, ...] = ()) -> LenientOwners:
    """``from.owner``/``to.owner`` of a handoff version that fails to load, read as leniently as is safe."""
    data = raw[:LENIENT_READ_BYTES] if isinstance(raw, bytes) else raw[:LENIENT_READ_BYTES].encode("utf-8", "replace")
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    why = "; ".join(problems[:2]) or "it cannot be read"
    parts = split(tuple(text.split("\n")))
    if isinstance(parts, SplitProblem):
        return LenientOwners((), False, why)
    doc = yamlsafe.load(parts.yaml, first_line=parts.yaml_line)
    ambiguous = any(p.kind in {"syntax", "duplicate", "alias", "tag", "not-mapping", "key"} for p in doc.problems)
    front = doc.data if isinstance(doc.data, dict) else {}
    parties: list[tuple[str, str, str | None]] = []
    for role, key in _SIDES:
        side = front.get(key)
        owner = side.get("owner") if isinstance(side, dict) else None
        team = side.get("team") if isinstance(side, dict) else None
        if isinstance(owner, str) and _HANDLE.match(owner):
            parties.append((role, owner, team if isinstance(team, str) and team else None))
    return LenientOwners(tuple(parties), len(parties) == len(_SIDES) and not ambiguous, why)
