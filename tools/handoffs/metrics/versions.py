"""Successive versions of one handoff, each read for its facts by reparsing only what changed.

Most later versions of a handoff change a few lines, and parsing the whole Markdown
body is most of what reading a version costs.  The reparse is exact because of how
CommonMark block parsing works: a top-level ``## `` heading ends every open block
(paragraph, list, quote, table), so the blocks before it depend only on the lines
before it, and parsing from it onward starts from a clean state.  So when a version
keeps the previous version's lines up to and past one of its section headings, the
sections before that heading are taken as they were and the text from the heading on
is parsed again.  Facts read this way are the ones ``read_facts`` gives (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handoffs.document import yamlsafe
from handoffs.document.body import Body, Section, parse_body
from handoffs.document.frontmatter_split import SplitProblem, split
from handoffs.document.handoff import Handoff
from handoffs.document.source import decode
from handoffs.metrics.facts import Facts, facts_of, front_matter, read_facts
from handoffs.model import FrontMatter


@dataclass(frozen=True, slots=True)
class Reading:
    """One version as read, kept so that the next version can reuse what did not change."""

    head: tuple[str, ...]  # the lines before the body: the front matter and its `---` lines
    body_line: int  # the file line the body starts on
    body_lines: tuple[str, ...]
    sections: tuple[Section, ...]
    front: FrontMatter | None


def reading_of_handoff(doc: Handoff) -> Reading | None:
    """The reading of a document the checker loaded, or ``None`` if it had no front matter."""
    if doc.body_line <= 1:
        return None  # read without front matter: nothing to compare the next version with
    lines = doc.source.lines
    front = doc.front if not doc.yaml.problems else None  # as facts_of_handoff reads it
    return Reading(lines[: doc.body_line - 1], doc.body_line, lines[doc.body_line - 1 :], doc.body.sections, front)


def read_version(raw: bytes, previous: Reading | None, scope: Sequence[str]) -> tuple[Facts, Reading | None]:
    """The facts of ``raw``, reusing ``previous`` where the text is the same."""
    source, _ = decode(raw)
    parts = split(source.lines) if source is not None else None
    if source is None or parts is None or isinstance(parts, SplitProblem):
        return read_facts(raw, scope), None  # rare; read in full, as the checker would
    head = source.lines[: parts.body_line - 1]
    body_lines = source.lines[parts.body_line - 1 :]
    if previous is not None and previous.head == head:
        front = previous.front  # same front matter text, same meaning
    else:
        front = front_matter(yamlsafe.load(parts.yaml, first_line=parts.yaml_line))
    same_start = previous is not None and previous.body_line == parts.body_line  # section lines stay valid
    sections = _reused_sections(previous, body_lines, parts.body_line) if previous and same_start else None
    if sections is None:
        sections = parse_body(parts.body, parts.body_line, len(source.lines)).sections
    reading = Reading(head, parts.body_line, body_lines, sections, front)
    # Facts read only sections; the rest of the Body (HTML, code lines) is not needed.
    return facts_of(front, Body(sections, (), frozenset(), frozenset()), scope), reading


def _reused_sections(previous: Reading, body_lines: tuple[str, ...], body_line: int) -> tuple[Section, ...] | None:
    """The sections of ``body_lines``: the previous version's up to the last heading both
    versions share (with the line after it), then the rest parsed again; ``None`` if none is shared."""
    if any("\r" in line for line in (*body_lines, *previous.body_lines)):
        return None  # Markdown counts a lone CR as a line break; line indexes would not match
    same = _common_prefix(previous.body_lines, body_lines)
    # A heading counts as shared when it and the line after it are unchanged: the line
    # after a heading can decide whether it is a heading at all (a table's delimiter row).
    shared = [s for s in previous.sections if s.line - previous.body_line + 1 < same]
    if not shared:
        return None
    restart = shared[-1].line - previous.body_line  # index of that heading in the body
    kept = tuple(s for s in previous.sections if s.line - previous.body_line < restart)
    last_line = body_line + len(body_lines) - 1
    tail = parse_body("\n".join(body_lines[restart:]), body_line + restart, last_line)
    return kept + tail.sections


def _common_prefix(old: tuple[str, ...], new: tuple[str, ...]) -> int:
    count = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        count += 1
    return count
