"""From bytes to trusted text: size, binary, encoding, BOM, line endings, invisible characters."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handoffs.document.source import as_written, decode, for_matching, read_source, strip_zero_width


def test_bom_is_dropped_and_crlf_and_lone_cr_each_end_one_line() -> None:
    text, problems = decode(b"\xef\xbb\xbf---\r\ntitle: x\rnext\n\r\nlast")
    assert problems == []
    assert text is not None
    assert text.lines == ("---", "title: x", "next", "", "last")
    assert text.text == "---\ntitle: x\nnext\n\nlast"


def test_only_a_leading_bom_is_dropped() -> None:
    text, _ = decode("a\ufeffb".encode())
    assert text is not None
    assert text.text == "a\ufeffb"


def test_nul_bytes_mean_binary_reported_on_their_line() -> None:
    text, problems = decode(b"line one\nline two\nthree \x00 here\n")
    assert text is None
    assert [(p.kind, p.line) for p in problems] == [("binary", 3)]
    assert "NUL" in problems[0].message


def test_invalid_utf8_names_the_byte_and_its_line() -> None:
    text, problems = decode("title: Logística\n".encode() + b"customer: Log\xedstica\n")
    assert text is None
    assert [(p.kind, p.line) for p in problems] == [("encoding", 2)]
    assert "0xed" in problems[0].message
    assert "UTF-8" in problems[0].message


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\u200f", "RIGHT-TO-LEFT MARK"),
        ("\u061c", "ARABIC LETTER MARK"),
    ],
)
def test_each_bidi_control_is_reported_at_its_line_and_column(char: str, name: str) -> None:
    text, problems = decode(f"first\nabc{char}def\n".encode())
    assert text is not None  # the file is still checked
    assert [(p.kind, p.line, p.column) for p in problems] == [("bidi", 2, 4)]
    assert name in problems[0].message


def test_every_bidi_character_is_reported() -> None:
    _, problems = decode("x\u202ey\u202cz\u2067".encode())
    assert [p.column for p in problems] == [2, 4, 6]


def test_zero_width_characters_are_not_bidi_problems() -> None:
    _, problems = decode("un\u200bcapped\u200c \u200d\u2060\u00ad".encode())
    assert problems == []


def test_matching_form_normalises_drops_zero_width_and_casefolds() -> None:
    assert for_matching("Un\u200bCAPPED Lia\u00adbility") == "uncapped liability"
    assert for_matching(_full_width("NET 60")) == "net 60"  # NFKC
    assert for_matching("Straße") == "strasse"
    assert for_matching("a\nb") == "a\nb"  # lines keep their numbers


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Characters whose normal form, case folding or invisibility could tell line-by-line from
# whole-text matching apart: combining marks, Hangul jamo, compatibility forms, zero-width.
TRICKY = "aZ\n\u0301\u0308\u0323\u0345\u1100\u1161\u11a8\ufb01\u2460\u00bd\uff21\u00a0"
TRICKY += "\u200b\u00ad\u200dßİΣς\u1e9e\u0f73\u3099\u304b"


@settings(deadline=None, database=None, max_examples=500)
@given(st.text(alphabet=TRICKY, max_size=16))
def test_matching_form_line_by_line_is_the_whole_texts(text: str) -> None:
    assert [for_matching(line) for line in text.split("\n")] == for_matching(text).split("\n")
    expected = unicodedata.normalize("NFKC", strip_zero_width(text)).casefold()
    assert for_matching(text) == expected  # the shortcuts (ASCII, already normal) change nothing


def test_strip_zero_width_keeps_case() -> None:
    assert strip_zero_width("Cus\u200btomer Goal") == "Customer Goal"


def test_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    text, problems = read_source(path, max_bytes=100)
    assert text is None
    assert [(p.kind, p.line) for p in problems] == [("too-large", 1)]
    assert problems[0].message == "file is 101 bytes; the limit is 100 bytes"


def test_file_at_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.md"
    path.write_bytes(b"x" * 100)
    text, problems = read_source(path, max_bytes=100)
    assert problems == []
    assert text is not None
    assert text.text == "x" * 100


def test_a_match_is_shown_as_the_author_wrote_it() -> None:
    line = "- Net 45 payment terms"
    assert as_written(line, 2, 8, "net 45") == "Net 45"
    # Where normalisation moved characters, the matched form is all that can be shown.
    assert as_written("Stra\u00dfe net 45", 8, 14, "net 45") == "net 45"
