"""Team patterns on RE2: the fast paths find exactly what the RE2 binding finds on ``str``."""

from __future__ import annotations

import pickle
import sys
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from handoffs.document.handoff import parse_handoff
from handoffs.findings import FindingSink, Severity
from handoffs.matching import Re2Pattern, any_of, compile_pattern

SETTINGS = settings(deadline=None, database=None, max_examples=300)

# Pieces of patterns that exercise what differs between str and bytes: empty matches,
# word boundaries, anchors, matches across lines, characters of two to four bytes, and
# the two that can match inside a character (`\C` any byte; `\B`, ASCII-only in RE2).
PIECES = ("a", "b", "é", "ß", "§", "😀", "x*", "\\b", "(?m)^", "(?m)$", "\\s+", ".", "[^a]", "(a|)", "(b)?", "\\d+")
PIECES += ("\\C", "\\B")
TEXT = st.text(alphabet="ab é§ß😀\n1-", max_size=30)
PATTERN = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)


def _binding(pattern: str) -> Any:
    options = re2.Options()
    options.case_sensitive = False
    return re2.compile(pattern, options)


@SETTINGS
@given(PATTERN, TEXT)
def test_search_and_finditer_agree_with_the_binding(pattern: str, text: str) -> None:
    ours, theirs = compile_pattern(pattern), _binding(pattern)
    assert [(m.start(), m.end(), m.group(0)) for m in ours.finditer(text)] == [
        (m.start(), m.end(), m.group(0)) for m in theirs.finditer(text)
    ]
    found, expected = ours.search(text), theirs.search(text)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert (found.start(), found.end(), found.group(0)) == (expected.start(), expected.end(), expected.group(0))


@SETTINGS
@given(TEXT)
def test_groups_that_took_no_part_are_none(text: str) -> None:
    ours, theirs = compile_pattern("(a)|(b)"), _binding("(a)|(b)")
    for mine, binding in zip(ours.finditer(text), theirs.finditer(text), strict=True):
        assert [mine.group(g) for g in (0, 1, 2)] == [binding.group(g) for g in (0, 1, 2)]
        assert [mine.start(g) for g in (1, 2)] == [binding.start(g) for g in (1, 2)]


@SETTINGS
@given(PATTERN, st.lists(TEXT.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5))
def test_starts_in_bytes_fall_on_the_lines_finditer_finds(pattern: str, lines: list[str]) -> None:
    _assert_same_lines(pattern, lines)


@pytest.mark.parametrize("pattern", ["\\B", "\\C", "§\\B"])
def test_matches_inside_a_character_keep_the_lines_they_always_had(pattern: str) -> None:
    _assert_same_lines(pattern, ["a§", "§§", "b", "😀"])


def _assert_same_lines(pattern: str, lines: list[str]) -> None:
    text = "\n".join(lines)
    char_starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
    byte_starts = [0, *accumulate(len(line.encode()) + 1 for line in lines[:-1])]
    expected = [bisect_right(char_starts, m.start()) for m in _binding(pattern).finditer(text)]
    found = [bisect_right(byte_starts, start) for start in compile_pattern(pattern).starts_in(text.encode())]
    assert found == expected


@SETTINGS
@given(PATTERN, st.lists(TEXT.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5), st.booleans())
def test_lines_matching_finds_the_lines_finditer_finds(pattern: str, lines: list[str], original: bool) -> None:
    raw = "\n".join(["---", "title: x", "---", *lines]).encode()
    sink = FindingSink("x.md", lambda _code: Severity.ERROR)
    doc = parse_handoff(raw, path=Path("x.md"), root=Path(), max_bytes=10_000, sink=sink)
    assert doc is not None
    text = doc.source.text if original else "\n".join(doc.matching_lines)
    char_starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
    expected = sorted({bisect_right(char_starts, m.start()) for m in _binding(pattern).finditer(text)})
    assert doc.lines_matching(compile_pattern(pattern), original=original) == expected
    assert doc.matches_anywhere(compile_pattern(pattern), original=original) == bool(expected)


@SETTINGS
@given(PATTERN, st.lists(TEXT.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5), st.integers(1, 9))
def test_lines_matching_from_a_line_finds_what_a_search_from_its_start_finds(
    pattern: str, lines: list[str], from_line: int
) -> None:
    # The custom-term scan starts at the body: no match may start before it, and one that
    # starts in the front matter and runs on into the body no longer hides the body's.
    raw = "\n".join(["---", "title: x", "---", *lines]).encode()
    sink = FindingSink("x.md", lambda _code: Severity.ERROR)
    doc = parse_handoff(raw, path=Path("x.md"), root=Path(), max_bytes=10_000, sink=sink)
    assert doc is not None
    text = "\n".join(doc.matching_lines)
    char_starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
    if from_line > len(char_starts):
        expected = []
    elif "\\B" in pattern or "\\C" in pattern:  # matched as before, from the top: the lines from there
        everywhere = {bisect_right(char_starts, m.start()) for m in _binding(pattern).finditer(text)}
        expected = sorted(n for n in everywhere if n >= from_line)
    else:
        matches = _binding(pattern).finditer(text, char_starts[from_line - 1])
        expected = sorted({bisect_right(char_starts, m.start()) for m in matches})
    assert doc.lines_matching(compile_pattern(pattern), from_line=from_line) == expected


@SETTINGS
@given(st.lists(st.text(alphabet="oOpPeEnN: \u0149\u02bc\u212aéß", max_size=12), min_size=1, max_size=5))
def test_lines_with_word_are_the_lines_whose_casefolded_text_has_it(lines: list[str]) -> None:
    raw = "\n".join(["---", "title: x", "---", *lines]).encode()
    sink = FindingSink("x.md", lambda _code: Severity.ERROR)
    doc = parse_handoff(raw, path=Path("x.md"), root=Path(), max_bytes=10_000, sink=sink)
    assert doc is not None
    expected = [n for n, line in enumerate(doc.source.lines, start=1) if "open:" in line.casefold()]
    assert doc.lines_with_word("open:") == expected


def test_no_character_but_ascii_letters_folds_into_the_open_tag() -> None:
    """What ``lines_with_word("open:")`` stands on, for every character this Python knows."""
    folding = {chr(c): chr(c).casefold() for c in range(0x80, sys.maxunicode + 1)}
    into = {c: f for c, f in folding.items() if any(letter in f for letter in "open:")}
    assert into == {"\u0149": "\u02bcn"}  # the n follows U+02BC, never an e


def test_starts_in_steps_over_a_whole_character_after_an_empty_match() -> None:
    text = "é😀a"
    offsets = list(compile_pattern("x*").starts_in(text.encode()))
    assert offsets == [0, 2, 6, 7]  # every character boundary, as finditer's 0, 1, 2, 3


def test_a_pattern_survives_pickling_for_worker_processes() -> None:
    pattern = any_of(["net ?\\d+", "uncapped"])
    copy = pickle.loads(pickle.dumps(pattern))  # noqa: S301 - our own bytes, as the worker pool sends them
    assert copy.pattern == pattern.pattern
    assert [m.group(0) for m in copy.finditer("Net 45, uncapped")] == ["Net 45", "uncapped"]


class _PublicOnly:
    """The binding's public face without its compiled object, as a future release might offer."""

    def __init__(self, regexp: Any) -> None:
        self._public = regexp

    @property
    def pattern(self) -> str:
        return str(self._public.pattern)

    @property
    def groups(self) -> int:
        return int(self._public.groups)

    def search(self, *args: Any) -> Any:
        return self._public.search(*args)

    def finditer(self, *args: Any) -> Any:
        return self._public.finditer(*args)


@SETTINGS
@given(PATTERN, TEXT)
def test_without_the_compiled_object_the_public_search_finds_the_same(pattern: str, text: str) -> None:
    fast, public = compile_pattern(pattern), Re2Pattern(_PublicOnly(_binding(pattern)))
    assert [(m.start(), m.end(), m.group(0)) for m in public.finditer(text)] == [
        (m.start(), m.end(), m.group(0)) for m in fast.finditer(text)
    ]
    assert list(public.starts_in(text.encode())) == list(fast.starts_in(text.encode()))
