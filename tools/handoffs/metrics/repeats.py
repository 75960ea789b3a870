"""Appending a ``context_repeats`` entry without changing any other byte of the file.

A YAML round trip would re-emit the whole front matter (quoting, comments, key order,
line endings could all move), so the edit is done on the text: the strict loader says
on which line each key sits, new lines are inserted in the file's own line ending and
the list's own indentation, and the result is parsed again and compared with the
original before it is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoffs.document import yamlsafe
from handoffs.document.frontmatter_split import SplitProblem, split
from handoffs.document.source import decode
from handoffs.errors import HandoffError
from handoffs.verdicts import normalise

KEY = "context_repeats"
_BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_EMPTY_FLOW = re.compile(r"^(?P<key>context_repeats:)[ \t]*\[[ \t]*\](?P<rest>[ \t]*(?:#.*)?)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)-(?P<gap>[ \t]+)")


@dataclass(frozen=True)
class Entry:
    date: dt.date
    note: str
    reported_by: str


@dataclass(frozen=True)
class Outcome:
    changed: bool
    message: str


def _lines(text: str) -> list[str]:
    return _LINE.findall(text)


def _ending(lines: list[str]) -> str:
    for line in lines:
        for ending in ("\r\n", "\n", "\r"):
            if line.endswith(ending):
                return ending
    return "\n"


def _parse(text: str, path: Path) -> tuple[yamlsafe.YamlDocument, int]:
    """The front matter as the checker reads it, and the (1-based) line of the closing ``---``."""
    source, problems = decode(text.encode("utf-8"))
    if source is None or problems:
        raise HandoffError(f"{path}: {problems[0].message if problems else 'cannot be read'}")
    parts = split(source.lines)
    if isinstance(parts, SplitProblem):
        raise HandoffError(f"{path}:{parts.line}: {parts.message}")
    doc = yamlsafe.load(parts.yaml, first_line=parts.yaml_line)
    if doc.problems:
        problem = doc.problems[0]
        raise HandoffError(f"{path}:{problem.line}: {problem.message}; fix it before logging a repeat")
    if not isinstance(doc.data, dict):
        raise HandoffError(f"{path}: the front matter is not `key: value` pairs")
    return doc, parts.closing_line


def _entry_lines(entry: Entry, dash: str, gap: str, eol: str) -> list[str]:
    inner = " " * (len(dash) + 1 + len(gap))
    return [
        f"{dash}-{gap}date: {entry.date.isoformat()}{eol}",
        f"{inner}note: {yamlsafe.quoted(entry.note)}{eol}",
        f"{inner}reported_by: {yamlsafe.quoted(entry.reported_by)}{eol}",
    ]


def add_repeat(text: str, entry: Entry, path: Path) -> str | None:
    """``text`` with ``entry`` appended to ``context_repeats``; ``None`` if it is already there."""
    doc, closing = _parse(text, path)
    existing = doc.data.get(KEY)
    if existing is not None and not isinstance(existing, list):
        raise HandoffError(f"{path}:{doc.line_of((KEY,))}: `{KEY}` must be a list")
    for item in existing or []:
        if (
            isinstance(item, dict)
            and item.get("date") == entry.date
            and normalise(str(item.get("note", ""))) == normalise(entry.note)
        ):
            return None
    lines = _lines(text)
    eol = _ending(lines)
    if KEY not in doc.data or existing is None:
        new_lines = _insert_new_key(lines, doc, closing, entry, eol)
    elif not existing:
        new_lines = _fill_empty_flow(lines, doc, entry, eol, path)
    else:
        new_lines = _append_to_block(lines, doc, closing, entry, eol=eol, path=path)
    result = "".join(new_lines)
    _verify(text, result, entry, path)
    return result


def _insert_new_key(lines: list[str], doc: yamlsafe.YamlDocument, closing: int, entry: Entry, eol: str) -> list[str]:
    if KEY in doc.data:  # `context_repeats:` with nothing after it (null): the entries go under it
        key_line = doc.line_of((KEY,))
        index = key_line  # 0-based index of the line after the key
        return [*lines[:index], *_entry_lines(entry, "  ", " ", eol), *lines[index:]]
    body = [f"{KEY}:{eol}", *_entry_lines(entry, "  ", " ", eol)]
    index = closing - 1  # insert just before the closing `---`
    return [*lines[:index], *body, *lines[index:]]


def _fill_empty_flow(lines: list[str], doc: yamlsafe.YamlDocument, entry: Entry, eol: str, path: Path) -> list[str]:
    index = doc.line_of((KEY,)) - 1
    line = lines[index]
    ending = line[len(line.rstrip("\r\n")) :]
    match = _EMPTY_FLOW.match(line.rstrip("\r\n"))
    if match is None:
        raise HandoffError(f"{path}:{index + 1}: write `{KEY}: []` on one line (or as a list) to log a repeat")
    replaced = f"{match['key']}{match['rest']}{ending or eol}"
    return [*lines[:index], replaced, *_entry_lines(entry, "  ", " ", eol), *lines[index + 1 :]]


def _append_to_block(
    lines: list[str], doc: yamlsafe.YamlDocument, closing: int, entry: Entry, *, eol: str, path: Path
) -> list[str]:
    key_line = doc.line_of((KEY,))
    first_item = doc.lines.get((KEY, 0), key_line)
    style = _ITEM.match(lines[first_item - 1])
    if first_item == key_line or style is None:
        raise HandoffError(f"{path}:{key_line}: `{KEY}` must be a block list (`- date: …` lines) to append to it")
    following = [line for loc, line in doc.lines.items() if len(loc) == 1 and line > key_line]
    end = min(following, default=closing)  # the first line after the list's block
    last = first_item
    for number in range(first_item, end):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            last = number
    if not lines[last - 1].endswith(("\n", "\r")):
        raise HandoffError(f"{path}:{last}: the front matter ends without a line break")
    return [*lines[:last], *_entry_lines(entry, style["indent"], style["gap"], eol), *lines[last:]]


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != KEY}


def _verify(before: str, after: str, entry: Entry, path: Path) -> None:
    old, _ = _parse(before, path)
    new, _ = _parse(after, path)
    expected = [*(old.data.get(KEY) or []), {"date": entry.date, "note": entry.note, "reported_by": entry.reported_by}]
    if _comparable(old.data) != _comparable(new.data) or new.data.get(KEY) != expected:
        raise HandoffError(f"{path}: could not add the entry without changing other front matter; add it by hand")


def log_repeat(path: Path, entry: Entry) -> Outcome:
    raw = path.read_bytes()
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HandoffError(f"{path}: not UTF-8 text") from None
    updated = add_repeat(text, entry, path)
    if updated is None:
        return Outcome(False, f"{path}: this incident is already recorded ({entry.date}); nothing changed")
    path.write_bytes((_BOM if bom else b"") + updated.encode("utf-8"))
    return Outcome(True, f"{path}: recorded the repeated-context incident of {entry.date}")
