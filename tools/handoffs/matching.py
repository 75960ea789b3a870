"""Pattern matching for team-edited rules, on RE2.

Custom-term, secret and timeframe patterns are written by revenue operations in
``schema/``.  RE2 matches in linear time, so no pattern a team writes can make a
check hang (Python's backtracking ``re`` can), and it scans a whole document for
a hundred alternatives at once, which is what makes ``handoff check`` fast.  The
price is RE2 syntax: no look-arounds and no back-references; a pattern using them
is refused when ``schema/`` is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import re2


class Match(Protocol):
    """What rules use of a match: RE2's and Python's ``re`` both provide it."""

    def start(self, group: int = 0, /) -> int: ...
    def end(self, group: int = 0, /) -> int: ...
    def group(self, group: int = 0, /) -> str: ...


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...
    def search(self, text: str, /) -> Match | None: ...
    def finditer(self, text: str, /) -> Iterator[Match]: ...


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a refused pattern is reported by us, not logged to stderr
    return options


_OPTIONS = _options()


def compile_pattern(pattern: str) -> Pattern:
    """Compile a case-insensitive pattern; ``ValueError`` explains a refused one."""
    try:
        compiled: Pattern = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"`{pattern}` is not a valid pattern ({detail}); patterns use RE2 syntax: "
            "no look-arounds (?=…) (?<!…) and no back-references"
        ) from None
    return compiled


def any_of(patterns: Iterable[str]) -> Pattern:
    """One pattern matching wherever any of ``patterns`` matches."""
    joined = "|".join(f"(?:{p})" for p in patterns)
    return compile_pattern(joined or r"[^\x00-\x{10FFFF}]")  # an empty list matches nothing


def phrases(words: Iterable[str]) -> Pattern:
    """Literal words or phrases, longest first so "best efforts" wins over "best effort"."""
    return any_of(_escape(w) for w in sorted(words, key=len, reverse=True))


def _escape(text: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() and c != " " else c for c in text)


def bounded(matches: Iterator[Match], text: str, joiners: str = "-_/") -> Iterator[Match]:
    """Only matches that stand as whole words: no letter, digit or joiner touches them.

    RE2's ``\\b`` is ASCII-only and treats "best-effort" as two words; a phrase such as
    "etc." ends in punctuation where ``\\b`` fails.  Checking the neighbours here is
    simpler and right for every phrase list.
    """
    for match in matches:
        before = text[match.start() - 1] if match.start() > 0 else " "
        after = text[match.end()] if match.end() < len(text) else " "
        first, last = match.group(0)[:1], match.group(0)[-1:]
        if _touches(before, first, joiners) or _touches(after, last, joiners):
            continue
        yield match


def _touches(neighbour: str, edge: str, joiners: str) -> bool:
    return (edge.isalnum() or edge in joiners) and (neighbour.isalnum() or neighbour in joiners)
