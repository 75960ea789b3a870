"""Pattern matching for team-edited rules, on RE2.

Custom-term, secret and timeframe patterns are written by revenue operations in
``schema/``.  RE2 matches in linear time, so no pattern a team writes can make a
check hang (Python's backtracking ``re`` can), and it scans a whole document for
a hundred alternatives at once, which is what makes ``handoff check`` fast.  The
price is RE2 syntax: no look-arounds and no back-references; a pattern using them
is refused when ``schema/`` is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import re2


class Match(Protocol):
    """What rules use of a match: RE2's and Python's ``re`` both provide it."""

    def start(self, group: int = 0, /) -> int: ...
    def end(self, group: int = 0, /) -> int: ...
    def group(self, group: int = 0, /) -> str | Any: ...  # None for a group that took no part, as in ``re``


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...
    def search(self, text: str, /) -> Match | None: ...
    def finditer(self, text: str, /) -> Iterator[Match]: ...
    def starts_in(self, data: bytes, start: int = 0, /) -> Iterator[int]: ...


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a refused pattern is reported by us, not logged to stderr
    # The union of every custom-term pattern (`Config.any_term_pattern`) needs a DFA larger
    # than RE2's default 8 MiB budget; past the budget RE2 falls back to its NFA, still
    # linear but ~100x slower per byte.  This is a ceiling, not an allocation.
    options.max_mem = 64 << 20
    return options


_OPTIONS = _options()


def compile_pattern(pattern: str) -> Pattern:
    """Compile a case-insensitive pattern; ``ValueError`` explains a refused one."""
    try:
        compiled = Re2Pattern(re2.compile(pattern, _OPTIONS))
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"`{pattern}` is not a valid pattern ({detail}); patterns use RE2 syntax: "
            "no look-arounds (?=…) (?<!…) and no back-references"
        ) from None
    return compiled


# How many bytes a UTF-8 character takes, by its first byte's high four bits: the step
# RE2's binding takes past an empty match, so every scan here steps the same way.
_UTF8_LENGTH = (1,) * 12 + (2, 2, 3, 4)
_NO_SPAN = (-1, -1)


class Re2Pattern:
    """A compiled RE2 pattern as rules use it, without the binding's cost on ``str``.

    For ``str`` text the binding encodes the whole text to UTF-8 on every call and maps
    every offset of every match back to characters in Python, which costs several times
    RE2's matching itself.  Here the text's UTF-8 bytes are matched and only the offsets
    a caller asks for are turned into characters (for ASCII text they are the same
    numbers).  RE2 is asked through the binding's compiled object directly when it
    offers it, skipping a generator and a match object per search.  ``starts_in``
    answers in bytes for callers that only need to know where matches are
    (``Handoff.lines_matching``).
    """

    __slots__ = ("_match", "_regexp", "_splits_characters")

    def __init__(self, regexp: Any) -> None:
        self._regexp = regexp
        # `\C` (any byte) and `\B` (RE2's is ASCII-only, so it holds between two bytes of one
        # character) can put a match's edge inside a character; text without either cannot.
        self._splits_characters = "\\C" in self.pattern or "\\B" in self.pattern
        self._match = _raw_matcher(regexp)

    def __reduce__(self) -> tuple[type[Re2Pattern], tuple[Any]]:
        return Re2Pattern, (self._regexp,)  # for worker processes: the binding pickles its pattern

    @property
    def pattern(self) -> str:
        return str(self._regexp.pattern)

    def search(self, text: str, /) -> Match | None:
        if text.isascii():
            data = text.encode("ascii")
            spans = self._match(_UNANCHORED, data, 0, len(data))
            return None if spans[0][0] < 0 else _BytesMatch(data, spans, None)
        data = text.encode()
        spans = self._match(_UNANCHORED, data, 0, len(data))
        if spans[0][0] < 0:  # most searches find nothing: no offsets to convert
            return None
        if self._splits_characters:
            match: Match | None = self._regexp.search(text)  # the binding's own offsets
            return match
        return _BytesMatch(data, spans, _CharOffsets(data))

    def finditer(self, text: str, /) -> Iterator[Match]:
        if text.isascii():
            return self._finditer(text.encode("ascii"), None)
        if self._splits_characters:
            matches: Iterator[Match] = self._regexp.finditer(text)
            return matches
        data = text.encode()
        return self._finditer(data, _CharOffsets(data))

    def _finditer(self, data: bytes, chars: _CharOffsets | None) -> Iterator[Match]:
        """Every match in ``data``, searched as the binding's ``finditer`` searches ``data.decode()``."""
        match, pos, end = self._match, 0, len(data)
        while (spans := match(_UNANCHORED, data, pos, end))[0][0] >= 0:
            yield _BytesMatch(data, spans, chars)
            if pos == end:
                return
            pos = _after(data, pos, spans[0][1])

    def starts_in(self, data: bytes, start: int = 0, /) -> Iterator[int]:
        """Byte offsets where the matches ``finditer`` finds in ``data.decode()`` start.

        The binding's ``str`` path runs the same RE2 searches over the same UTF-8 bytes,
        from the same byte positions; this only skips turning them into characters.
        From ``start`` (a character's first byte) on, if given: the text before it is
        still the context of ``^`` and ``\b`` there, but no match starts in it.
        """
        if self._splits_characters:
            yield from (offset for offset in self._starts_via_text(data) if offset >= start)
            return
        match, pos, end = self._match, start, len(data)
        while (spans := match(_UNANCHORED, data, pos, end))[0][0] >= 0:
            yield spans[0][0]
            if pos == end:
                return
            pos = _after(data, pos, spans[0][1])

    def _starts_via_text(self, data: bytes) -> Iterator[int]:
        """``starts_in`` through the binding's ``str`` matches, for a match edge inside a character.

        There the binding's character offsets drift from the true ones; its offsets are kept
        (as the bytes up to them) so every line comes out where it always did.
        """
        text = data.decode()
        chars = offset = 0
        for match in self._regexp.finditer(text):  # offsets only ever grow
            offset += len(text[chars : match.start()].encode())
            chars = max(chars, match.start())
            yield offset


def _after(data: bytes, pos: int, stop: int) -> int:
    """Where the next search starts after a match that began its search at ``pos`` and ended at ``stop``.

    After an empty match where the search began, one character on, as the binding steps.
    """
    return pos + _UTF8_LENGTH[data[pos] >> 4] if stop == pos else stop


# ``(anchor, data, pos, endpos) -> [(start, end) of the match, then of each group]``, all
# ``(-1, -1)`` when nothing matches: the binding's compiled object's own call.
RawMatch = Callable[[Any, bytes, int, int], list[tuple[int, int]]]
_UNANCHORED = re2._Anchor.UNANCHORED  # the binding's own constant, as its search passes it


def _raw_matcher(regexp: Any) -> RawMatch:
    """The binding's compiled object's ``Match``: one call, where its public ``search`` wraps it
    in a generator and a match object.  The binding is pinned by hash in requirements/; should
    a release drop the object, the same answers the public way.
    """
    match: RawMatch | None = getattr(getattr(regexp, "_regexp", None), "Match", None)
    if match is not None:
        return match

    def public(_anchor: Any, data: bytes, pos: int, endpos: int) -> list[tuple[int, int]]:
        found = regexp.search(data, pos, endpos)
        return [found.span(g) for g in range(regexp.groups + 1)] if found is not None else [_NO_SPAN]

    return public


class _CharOffsets:
    """Byte offsets in UTF-8 ``data`` as character offsets, for matches found in order.

    Matches are visited left to right, so each conversion counts only the characters
    since the previous one: a whole scan stays linear in the text's length.
    """

    __slots__ = ("_byte", "_char", "_data")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._byte = self._char = 0

    def at(self, offset: int) -> int:
        if offset < self._byte:  # a group before the last offset asked for: count from the start
            return len(self._data[:offset].decode())
        self._char += len(self._data[self._byte : offset].decode())
        self._byte = offset
        return self._char


class _BytesMatch:
    """A match in the UTF-8 bytes of a text: character offsets and ``str`` groups, as ``re`` gives.

    ``chars`` is ``None`` for ASCII text, whose byte offsets are its character offsets.
    """

    __slots__ = ("_chars", "_data", "_end", "_spans", "_start")

    def __init__(self, data: bytes, spans: list[tuple[int, int]], chars: _CharOffsets | None) -> None:
        self._data = data
        self._spans = spans
        self._chars = chars
        start, end = spans[0]
        self._start, self._end = (start, end) if chars is None else (chars.at(start), chars.at(end))

    def start(self, group: int = 0, /) -> int:
        return self._start if group == 0 else self._offset(self._spans[group][0])

    def end(self, group: int = 0, /) -> int:
        return self._end if group == 0 else self._offset(self._spans[group][1])

    def _offset(self, byte: int) -> int:
        if byte < 0 or self._chars is None:
            return byte  # -1 for a group that took no part, as in ``re``
        return len(self._data[:byte].decode())

    def group(self, group: int = 0, /) -> str | None:
        start, end = self._spans[group]
        if start < 0:
            return None
        return self._data[start:end].decode()


class PatternSet:
    """Which of several patterns occur in a text, from one pass (RE2's ``Set``).

    Used to ask only the categories that can match a line for their matches, instead of
    every category in turn.  RE2 answers "none" when its DFA runs out of memory; a caller
    that must not miss a match checks "none" against a pattern that has its own fallback
    (``Pattern.search`` uses RE2's NFA then), as ``TermDetector`` does.
    """

    __slots__ = ("_patterns", "_set", "size")

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = tuple(patterns)
        self._set = re2.Set.SearchSet(_OPTIONS)
        for pattern in patterns:
            self._set.Add(pattern)
        self._set.Compile()
        self.size = len(patterns)

    def __reduce__(self) -> tuple[type[PatternSet], tuple[tuple[str, ...]]]:
        # RE2's compiled Set does not pickle.  Worker processes that are spawned rather than
        # forked (macOS; Linux from Python 3.14) receive the config by pickle, so it is rebuilt.
        return PatternSet, (self._patterns,)

    def which(self, text: str) -> list[int]:
        """Indices of the patterns that match somewhere in ``text``, ascending (empty: none, or no memory)."""
        found = self._set.Match(text.encode())
        return sorted(found) if found else []


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
