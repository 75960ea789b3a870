"""From bytes on disk to text the checker can trust.

Everything that makes a file unsafe or unreadable is decided here, once: size,
binary content, encoding, and characters that make text read differently from
what is checked.  A leading BOM and CRLF/CR line endings are tolerated; lines are
counted as the author's editor counts them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Characters that reorder text on screen ("Trojan Source"): what a reviewer reads is
# not what the checker matched.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters that split words so a pattern no longer matches; dropped
# before matching (lines keep their numbers because none of these is a newline).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_TABLE = str.maketrans("", "", ZERO_WIDTH)
# Characters YAML counts as line breaks but editors, Markdown and this checker do
# not: the same text would have two sets of line numbers.
LINE_SEPARATORS = frozenset("\u0085\u2028\u2029")
_INVISIBLE = tuple(sorted(BIDI_CONTROLS | LINE_SEPARATORS))
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "]")


@dataclass(frozen=True, slots=True)
class SourceProblem:
    kind: str  # too-large | binary | encoding | bidi
    message: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded text with ``\\n`` line endings and its line list (index 0 is line 1)."""

    text: str
    lines: tuple[str, ...]


def read_source(path: Path, max_bytes: int) -> tuple[SourceText | None, list[SourceProblem]]:
    """Read ``path``; ``None`` text means it cannot be checked further."""
    # Unbuffered: the file is read whole, at once, so a buffer in between would only copy it.
    with path.open("rb", buffering=0) as file:
        size = os.fstat(file.fileno()).st_size  # of the file opened: no second look-up of the path
        if size > max_bytes:  # decided before reading: a 20 MB file is never loaded
            return None, [_too_large(size, max_bytes)]
        raw = file.readall()  # to the end, as a file that grew since fstat still is
    return decode(raw)


def source_from_bytes(raw: bytes, max_bytes: int) -> tuple[SourceText | None, list[SourceProblem]]:
    """The same decision for content that is already in memory (from git or the API)."""
    if len(raw) > max_bytes:
        return None, [_too_large(len(raw), max_bytes)]
    return decode(raw)


def _too_large(size: int, max_bytes: int) -> SourceProblem:
    return SourceProblem("too-large", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")


def decode(raw: bytes) -> tuple[SourceText | None, list[SourceProblem]]:
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        return None, [SourceProblem("binary", "file contains NUL bytes: it is not a text file", line)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded); save it as UTF-8"
        return None, [SourceProblem("encoding", message, line)]
    text = text.removeprefix("\ufeff")
    if b"\r" in raw:  # a byte search; most files have no CR, and each replace copies the text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(text.split("\n"))
    # None of these characters is a newline, so the whole text tells whether any line has one;
    # a substring test per character is far cheaper than a regular expression over the text.
    problems = bidi_problems(lines) if any(char in text for char in _INVISIBLE) else []
    return SourceText(text, lines), problems


def bidi_problems(lines: tuple[str, ...]) -> list[SourceProblem]:
    """Invisible characters that make the text read differently from what is checked."""
    problems: list[SourceProblem] = []
    if not any(_INVISIBLE_RE.search(line) for line in lines):
        return problems
    for number, line in enumerate(lines, start=1):
        for match in _INVISIBLE_RE.finditer(line):
            char = match.group()
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            what = "line separator" if char in LINE_SEPARATORS else "text-direction character"
            problems.append(
                SourceProblem(
                    "bidi",
                    f"invisible {what} {name} (U+{ord(char):04X}) makes this line read differently "
                    "from what is checked; delete it",
                    number,
                    match.start() + 1,
                )
            )
    return problems


_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")


def for_matching(text: str) -> str:
    """The form every pattern is matched against: NFKC, no zero-width characters, casefolded."""
    if text.isascii():  # most lines: already NFKC, nothing invisible, and folded by lower()
        return text.lower()
    # Most text needs neither step; checking first is much cheaper than doing them.
    if _ZERO_WIDTH_RE.search(text):
        text = text.translate(_ZERO_WIDTH_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def as_written(line: str, start: int, end: int, matched: str) -> str:
    """The matched words as the author wrote them (``Net 45``), not in matching form (``net 45``).

    Matching happens on a normalised copy of the line; where the copy lines up with the
    original character for character, the original span is shown, else the match itself.
    """
    original = line[start:end]
    return original if for_matching(original) == matched else matched


def strip_zero_width(text: str) -> str:
    return text.translate(_ZERO_WIDTH_TABLE)
