"""One handoff file, read into the document model every consumer shares.

``load_handoff`` never raises for a bad file: whatever cannot be read becomes a
finding, and as much of the document as could be read is still returned so the
remaining rules can look at it (a broken front matter must not hide a missing
section).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from handoffs.document import yamlsafe
from handoffs.document.body import Body, parse_body
from handoffs.document.explain import explain_validation_errors
from handoffs.document.fields import Fields, fields_of, read_fields
from handoffs.document.frontmatter_split import Split, SplitProblem, split
from handoffs.document.source import SourceProblem, SourceText, for_matching, read_source, source_from_bytes
from handoffs.findings import FindingSink
from handoffs.matching import Pattern
from handoffs.model import FrontMatter

HANDOFFS_DIR = "handoffs"  # the default; schema/rules.yaml `handoffs_dir` may move it (monorepos)
ID_PATTERN = re.compile(
    r"^(?P<customer>[a-z0-9]+(?:-[a-z0-9]+)*)/(?P<date>\d{4}-\d{2}-\d{2})-(?P<type>[a-z0-9]+(?:-[a-z0-9]+)*)$"
)

_YAML_CODES = {
    "syntax": "HO111",
    "not-mapping": "HO111",
    "duplicate": "HO112",
    "alias": "HO112",
    "tag": "HO112",
    "key": "HO112",
    "number": "HO115",
    "date": "HO116",
}
_SOURCE_CODES = {"too-large": "HO101", "binary": "HO100", "encoding": "HO100", "bidi": "HO102"}


@dataclass(frozen=True)
class Handoff:
    """A handoff as every consumer (rules, site, metrics) sees it."""

    path: Path
    display_path: str
    relative_path: PurePosixPath | None  # relative to the repository root, if inside it
    source: SourceText
    front: FrontMatter | None  # None when the front matter is invalid
    raw_front: Mapping[str, Any]  # what YAML said, even when invalid
    yaml: yamlsafe.YamlDocument
    body: Body
    body_line: int
    handoffs_dir: str = HANDOFFS_DIR  # the folder ids are relative to, relative to the root

    @cached_property
    def under_handoffs(self) -> PurePosixPath | None:
        """The path below the handoffs folder, or ``None`` if the file is not inside it."""
        return below_handoffs_dir(self.relative_path, self.handoffs_dir)

    @cached_property
    def fields(self) -> Fields:
        """The fields the cross-field rules read, each valid on its own (see ``document.fields``)."""
        return fields_of(self.front) if self.front is not None else read_fields(self.raw_front)

    @cached_property  # asked by the location rule and again for the result
    def handoff_id(self) -> str | None:
        """``customer-slug/YYYY-MM-DD-type``: the path under handoffs/ without ``.md``."""
        below = self.under_handoffs
        return None if below is None else _without_suffix(below)

    @cached_property
    def matching_lines(self) -> tuple[str, ...]:
        """Every line in the form patterns are matched against (see ``for_matching``).

        Line by line, as most lines are ASCII (``for_matching``'s shortcut, spelt out here
        to spare a call per line); normalisation never reaches across a newline, so these
        are the lines of the normalised text.
        """
        text = self.source.text
        if text.isascii():  # the whole text at once: lower() of ASCII knows no context
            return tuple(text.lower().split("\n"))
        return tuple(line.lower() if line.isascii() else for_matching(line) for line in self.source.lines)

    @cached_property
    def _matching_bytes(self) -> bytes:
        return "\n".join(self.matching_lines).encode()

    @cached_property
    def _source_bytes(self) -> bytes:
        return self.source.text.encode()

    def lines_matching(self, pattern: Pattern, *, original: bool = False, from_line: int = 1) -> list[int]:
        """Line numbers where ``pattern`` matches, from one scan of the document (from line ``from_line``).

        Matched against the normalised text (``for_matching``) unless ``original``.  The
        scan is of the UTF-8 bytes: the same matches, without turning every offset back
        into a character position.  A match's line is one more than the newlines before
        it, since no line holds a newline of its own (lines are split on it, and
        normalisation never makes one).
        """
        if from_line < 1:
            raise ValueError(f"lines are numbered from 1, not {from_line}")
        data = self._source_bytes if original else self._matching_bytes
        lines_before = (self.source.lines if original else self.matching_lines)[: from_line - 1]
        if len(lines_before) < from_line - 1:
            return []  # the document ends before that line
        # Newlines are counted up to here; matches come in order, so each byte is counted once.
        counted = len("\n".join(lines_before).encode()) + 1 if lines_before else 0
        lines: list[int] = []
        line = from_line
        for start in pattern.starts_in(data, counted):
            line += data.count(b"\n", counted, start)
            counted = start
            if not lines or lines[-1] != line:
                lines.append(line)
        return lines

    def lines_with_word(self, word: str) -> list[int]:
        """Line numbers where the ASCII ``word`` (in lower case) occurs, in any ASCII letter case.

        Lowering the UTF-8 bytes changes ASCII letters only: one cheap pass, where folding the
        case of the whole text would go character by character through Unicode's tables.
        """
        if not word.isascii() or word != word.lower():
            raise ValueError(f"`{word}` is not lower-case ASCII, so no lowered byte can match it")
        data, needle = self._source_bytes.lower(), word.encode("ascii")
        lines: list[int] = []
        line = 1
        counted = 0
        start = data.find(needle)
        while start >= 0:
            line += data.count(b"\n", counted, start)
            counted = start
            if not lines or lines[-1] != line:
                lines.append(line)
            start = data.find(needle, start + 1)
        return lines

    def matches_anywhere(self, pattern: Pattern, *, original: bool = False) -> bool:
        """Whether ``pattern`` matches anywhere in the document (as ``lines_matching`` reads it).

        The scan stops at the first match: for a union of patterns that most documents
        never match, one pass tells that none of them needs its own.
        """
        data = self._source_bytes if original else self._matching_bytes
        return next(pattern.starts_in(data), None) is not None

    def line_of(self, *loc: str | int) -> int:
        return self.yaml.line_of(tuple(loc), default=1)


def below_handoffs_dir(relative: PurePosixPath | str | None, handoffs_dir: str) -> PurePosixPath | None:
    """``relative`` (a root-relative path) below ``handoffs_dir``, or ``None`` when it is elsewhere."""
    if relative is None:
        return None
    parts = (relative if isinstance(relative, PurePosixPath) else PurePosixPath(relative)).parts
    folder = _parts_of(handoffs_dir)
    if len(parts) <= len(folder) or parts[: len(folder)] != folder or ".." in parts:
        return None
    return PurePosixPath(*parts[len(folder) :])


@cache  # asked for every file, of the one or two folders a run knows
def _parts_of(folder: str) -> tuple[str, ...]:
    return PurePosixPath(folder).parts


def handoff_id_of(relative: PurePosixPath | str, handoffs_dir: str) -> str | None:
    """The id of the handoff file at root-relative ``relative``; ``None`` if it is no handoff file."""
    below = below_handoffs_dir(relative, handoffs_dir)
    if below is None or below.suffix != ".md":
        return None
    return _without_suffix(below)


def _without_suffix(below: PurePosixPath) -> str:
    # What str(below.with_suffix("")) says, without building another path for every file.
    return str(below).removesuffix(below.suffix)


def load_handoff(
    path: Path, *, root: Path, max_bytes: int, sink: FindingSink, handoffs_dir: str = HANDOFFS_DIR
) -> Handoff | None:
    """Read ``path``; every problem goes to ``sink``; ``None`` if nothing could be read."""
    return _load(path, root, handoffs_dir, sink, *read_source(path, max_bytes))


def parse_handoff(
    raw: bytes, *, path: Path, root: Path, max_bytes: int, sink: FindingSink, handoffs_dir: str = HANDOFFS_DIR
) -> Handoff | None:
    """Like ``load_handoff`` for content already in memory (a git blob, an API response).

    ``path`` is where the content lives (or would live) under ``root``: the handoff
    id and the path rules depend on it; the file system is never touched.
    """
    return _load(path, root, handoffs_dir, sink, *source_from_bytes(raw, max_bytes))


def _load(  # noqa: PLR0917 - private; both callers pass everything in one order
    path: Path,
    root: Path,
    handoffs_dir: str,
    sink: FindingSink,
    source: SourceText | None,
    problems: list[SourceProblem],
) -> Handoff | None:
    for problem in problems:
        sink.add(_SOURCE_CODES[problem.kind], problem.line, problem.message, column=problem.column)
    if source is None:
        return None
    parts = split(source.lines)
    if isinstance(parts, SplitProblem):
        code = "HO119" if parts.kind == "disagree" else "HO110"
        sink.add(code, parts.line, parts.message)
        return _without_front_matter(path, root, handoffs_dir, source, sink)
    yaml_doc = yamlsafe.load(parts.yaml, first_line=parts.yaml_line)
    front = _validate_front_matter(yaml_doc, parts, sink)
    return Handoff(
        path=path,
        display_path=sink.path,
        relative_path=_relative(path, root),
        source=source,
        front=front,
        raw_front=yaml_doc.data if isinstance(yaml_doc.data, dict) else {},
        yaml=yaml_doc,
        body=parse_body(parts.body, parts.body_line, len(source.lines)),
        body_line=parts.body_line,
        handoffs_dir=handoffs_dir,
    )


def _without_front_matter(path: Path, root: Path, handoffs_dir: str, source: SourceText, sink: FindingSink) -> Handoff:
    """Without front matter the body still gets checked, read from the first line."""
    return Handoff(
        path=path,
        display_path=sink.path,
        relative_path=_relative(path, root),
        source=source,
        front=None,
        raw_front={},
        yaml=yamlsafe.YamlDocument(),
        body=parse_body(source.text, 1, len(source.lines)),
        body_line=1,
        handoffs_dir=handoffs_dir,
    )


def _relative(path: Path, root: Path) -> PurePosixPath | None:
    # abspath, not resolve(): no file-system calls per file, and a symlinked handoff
    # keeps the id of the path it was checked under.
    absolute, top = os.path.abspath(path), os.path.abspath(root)  # noqa: PTH100
    # Inside the root (the usual case) relpath would just drop the root's part of the path.
    inside = absolute.startswith(top + os.sep)
    relative = absolute[len(top) + 1 :] if inside else os.path.relpath(absolute, top)
    if relative.startswith(os.pardir):
        return None
    return PurePosixPath(relative.replace(os.sep, "/"))


def _validate_front_matter(doc: yamlsafe.YamlDocument, parts: Split, sink: FindingSink) -> FrontMatter | None:
    for problem in doc.problems:
        sink.add(_YAML_CODES[problem.kind], problem.line, problem.message)
    if any(p.kind == "syntax" for p in doc.problems):
        return None
    if not isinstance(doc.data, dict):
        found = "nothing" if doc.data is None else "a list" if isinstance(doc.data, list) else "a single value"
        sink.add("HO111", parts.yaml_line, f"front matter must be `key: value` pairs, but it is {found}")
        return None
    try:
        front = FrontMatter.model_validate(doc.data)
    except ValidationError as exc:
        lines_with_problems = {p.line for p in doc.problems}
        for code, line, message in explain_validation_errors(exc, doc, closing_line=parts.closing_line):
            if line not in lines_with_problems:
                sink.add(code, line, message)
        return None
    return front
