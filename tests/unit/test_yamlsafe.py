"""The strict YAML reader: no silent YAML 1.1 surprises, no aliases, no tags, no duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from handoffs.document import yamlsafe
from handoffs.document.yamlsafe import Scalar, load


def _problems(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    return [(p.kind, p.line) for p in load(text, first_line=first_line).problems]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("NO", False),  # read as YAML 1.1 says; the model then refuses a yes/no where text is expected
        ("yes", True),
        ("Off", False),
        ("~", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("0", 0),
        ("1.5", 1.5),
        ("1e3", "1e3"),  # YAML 1.1 floats need a signed exponent: this is text
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01 10:00:00", dt.datetime(2026, 12, 1, 10, 0)),
        ("006Hs00001NWHEAL", "006Hs00001NWHEAL"),
        ("0o17", "0o17"),  # YAML 1.2 octal is text to YAML 1.1 readers, the site included
        # Each first character a YAML 1.1 type can start with, and words that only look close:
        ("null", None),
        ("TRUE", True),
        ("on", True),
        ("+7", 7),
        (".5", 0.5),
        ("-.inf", float("-inf")),
        ("onboarding", "onboarding"),
        ("Nope", "Nope"),
        ("sales", "sales"),
        ("USD", "USD"),
        ('"NO"', "NO"),
        ("'0123'", "0123"),
        ('"2026-12-01"', "2026-12-01"),
    ],
)
def test_plain_scalars_resolve_as_yaml_1_1_would_without_problems(written: str, value: object) -> None:
    doc = load(f"key: {written}\n")
    assert doc.problems == []
    assert doc.data == {"key": value}
    assert type(doc.data["key"]) is type(value)


@pytest.mark.parametrize("written", ["0123", "1:30", "190:20:30", "0x1F", "1_000", "0b101", "1:30.5"])
def test_surprising_numbers_are_refused_and_kept_as_written(written: str) -> None:
    doc = load(f"id: {written}\n", first_line=5)
    assert [(p.kind, p.line) for p in doc.problems] == [("number", 5)]
    assert f"`{written}`" in doc.problems[0].message
    assert doc.data == {"id": written}


@pytest.mark.parametrize(("text", "value"), [("- !", [""]), ("a: !", {"a": ""}), ("a: ! 12", {"a": 12})])
def test_the_non_specific_tag_reads_as_pyyaml_reads_it(text: str, value: object) -> None:
    # Hypothesis found `- !`: PyYAML reads an empty string, not null (the tag `!` alone is allowed).
    doc = yamlsafe.load(text)
    assert doc.problems == []
    assert doc.data == value
    assert doc.data == yaml.load(text, Loader=yaml.CSafeLoader)


def test_quoted_surprises_are_plain_text() -> None:
    assert load('id: "0123"\nt: "1:30"\neq: "="\n').problems == []


@pytest.mark.parametrize("written", ["key: =\n", "- =\n"])
def test_a_bare_equals_sign_is_refused_as_pyyaml_refuses_it(written: str) -> None:
    doc = load(written, first_line=3)
    assert [(p.kind, p.line) for p in doc.problems] == [("tag", 3)]
    assert "put it in quotes" in doc.problems[0].message
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load(written, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(("written", "text"), [(".inf", "inf"), ("-.INF", "-inf"), (".NaN", "nan"), ("+.inf", "inf")])
def test_special_floats_are_read_not_crashed_on(written: str, text: str) -> None:
    doc = load(f"amount: {written}\n")
    assert doc.problems == []
    assert isinstance(doc.data["amount"], float)
    assert str(doc.data["amount"]) == text


def test_impossible_date_is_a_date_problem_on_its_line() -> None:
    doc = load("title: x\nkickoff: 2026-02-30\n", first_line=2)
    assert [(p.kind, p.line) for p in doc.problems] == [("date", 3)]
    assert doc.problems[0].message == "`2026-02-30` is not a real date"
    assert doc.data["kickoff"] == "2026-02-30"


def test_duplicate_keys_are_refused_and_the_first_value_kept() -> None:
    doc = load("status: proposed\ntitle: x\nstatus: completed\n")
    assert [(p.kind, p.line) for p in doc.problems] == [("duplicate", 3)]
    assert "`status` appears twice" in doc.problems[0].message
    assert doc.data == {"status": "proposed", "title": "x"}


def test_duplicate_keys_in_nested_mappings_are_found_too() -> None:
    assert _problems("to:\n  owner: '@a'\n  owner: '@b'\n") == [("duplicate", 3)]


def test_anchors_and_aliases_are_refused_never_expanded() -> None:
    doc = load("owner: &who '@raj'\nmilestone:\n  owner: *who\n")
    assert [(p.kind, p.line) for p in doc.problems] == [("alias", 1), ("alias", 3)]
    assert doc.data == {"owner": "@raj", "milestone": {"owner": None}}


def test_alias_bomb_builds_nothing_big() -> None:
    levels = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    doc = load("\n".join(levels) + "\n")
    # Each alias stands for None: nine levels of nine, never 9**9 strings.
    assert doc.data["i"] == [None] * 9
    assert len([p for p in doc.problems if p.kind == "alias"]) == 9 + 8 * 9


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("x: !!python/object/apply:os.system ['id']\n", "!!python/object/apply:os.system"),
        ("x: !!str 5\n", "!!str"),
        ("x: !!binary aGVsbG8=\n", "!!binary"),
        ("x: !custom value\n", "!custom"),
        ("x: !!map {a: 1}\n", "!!map"),
    ],
)
def test_every_explicit_tag_is_refused(text: str, tag: str) -> None:
    doc = load(text, first_line=4)
    assert [(p.kind, p.line) for p in doc.problems] == [("tag", 4)]
    assert f"`{tag}`" in doc.problems[0].message


def test_complex_and_aliased_keys_are_refused() -> None:
    assert _problems("? [a, b]\n: 1\nok: 2\n") == [("key", 1)]
    assert load("? [a, b]\n: 1\nok: 2\n").data == {"ok": 2}
    assert _problems("*x : 1\n") == [("alias", 1)]


def test_syntax_error_reports_the_file_line() -> None:
    doc = load("title: x\ncustomer: Blue: Harbor\n", first_line=2)
    assert doc.data is None
    assert [(p.kind, p.line) for p in doc.problems] == [("syntax", 3)]
    assert doc.problems[0].message.startswith("YAML cannot be read: ")


def test_a_second_document_is_refused() -> None:
    assert _problems("a: 1\n---\nb: 2\n") == [("syntax", 2)]


def test_empty_text_is_nothing_and_no_problem() -> None:
    doc = load("")
    assert (doc.data, doc.problems) == (None, [])


def test_line_numbers_of_every_location_are_file_lines() -> None:
    doc = load("title: x\nto:\n  owner: '@a'\nrepeats:\n  - date: 2026-01-02\n    note: n\n", first_line=2)
    assert doc.lines[("title",)] == 2
    assert doc.lines[("to", "owner")] == 4
    assert doc.lines[("repeats", 0)] == 6
    assert doc.lines[("repeats", 0, "note")] == 7
    assert doc.line_of(("to", "owner", "deeper")) == 4  # falls back to the nearest parent
    assert doc.line_of(("missing",)) == 2


def test_how_each_scalar_was_written_is_recorded() -> None:
    doc = load("a: NO\nb: 'NO'\nc: |\n  text\n")
    assert doc.scalars[("a",)] == Scalar("NO", plain=True)
    assert doc.scalars[("b",)] == Scalar("NO", plain=False)
    assert doc.scalars[("c",)] == Scalar("text\n", plain=False)


@pytest.mark.parametrize("written", ["2026-13-01T00:00:00Z", "2026-12-01T25:00:00"])
def test_impossible_date_times_are_refused_not_kept_as_text(written: str) -> None:
    """PyYAML, and so the site, would fail on these; the checker must not pass them."""
    doc = load(f"due: {written}\n")
    assert [(p.kind, p.line) for p in doc.problems] == [("date", 1)]


def test_a_float_lookalike_that_is_no_number_is_a_problem_not_a_crash() -> None:
    doc = load("x: ._\n")
    assert [(p.kind, p.line) for p in doc.problems] == [("number", 1)]
    assert doc.data == {"x": "._"}


def test_deep_nesting_is_refused_without_recursing() -> None:
    doc = load("x: " + "[" * 5000 + "]" * 5000 + "\ny: 1\n")
    assert [(p.kind, p.line) for p in doc.problems] == [("syntax", 1)]
    assert doc.data["y"] == 1, "the keys after the deep value are still read"


DEEP_VALUES = {
    "flow on one line": ("x: " + "[" * 5000 + "]" * 5000 + "\ny: 1\n", 1),
    "flow over many lines": ("x: [\n" + "[\n" * 2000 + "]\n" * 2000 + "]\ny: 1\n", 64),
    "flow mappings": ("x: " + "{a: " * 1500 + "1" + "}" * 1500 + "\ny: 1\n", 1),
    "compact block sequences": ("x:\n  " + "- " * 3000 + "a\ny: 1\n", 2),
    "block indentation": ("x:\n" + "".join(" " * i + "k:\n" for i in range(1, 1500)) + "y: 1\n", 33),
}


@pytest.mark.parametrize(("text", "line"), DEEP_VALUES.values(), ids=DEEP_VALUES.keys())
def test_our_own_depth_guard_decides_whatever_libyaml_allows(text: str, line: int) -> None:
    """libyaml builds differ (PyYAML 6.0.4's stops at ~1,000 levels and ends the document)."""
    doc = load(text)
    assert [(p.kind, p.line, p.message) for p in doc.problems] == [
        ("syntax", line, "values nested more than 32 levels deep")
    ]
    assert doc.data["y"] == 1, "the keys after the deep value are still read"


def test_a_quoted_bracket_run_is_text_not_nesting() -> None:
    doc = load('x: "' + "[" * 5000 + '"\ny: 1\n')
    assert doc.problems == []
    assert doc.data == {"x": "[" * 5000, "y": 1}


def test_a_librarys_own_nesting_limit_reads_like_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    from handoffs.document import yamlsafe

    def refuse(text: str) -> list[yaml.Event]:
        mark = yaml.Mark("<text>", 0, 3, 7, None, None)
        raise yaml.scanner.ScannerError("while increasing flow level", mark, "exceeded maximum nesting depth", mark)

    monkeypatch.setattr(yamlsafe, "_events", refuse)
    doc = load("a: 1\nb: 2\nc: 3\nx: [[[[\n")
    assert [(p.kind, p.line, p.message) for p in doc.problems] == [
        ("syntax", 4, "values nested more than 32 levels deep")
    ]


_NESTING_PIECES = ("- ", "? ", "  ", "    ", "[", "]", "{", "}", "a: ", "b", "'", '"', "#", ", ", "\n")


@settings(deadline=None, database=None, max_examples=400)
@given(st.lists(st.sampled_from(_NESTING_PIECES), max_size=400).map("".join))
def test_the_cheap_depth_bound_never_skips_a_walk_that_would_blank_something(text: str) -> None:
    """Most front matter skips the guard's line walk on a bound from a few C scans; the bound must hold."""
    if yamlsafe._depth_bound(text) <= yamlsafe._SCAN_DEPTH:
        assert yamlsafe._walk_and_blank(text) == (text, [])


def test_the_depth_bound_lets_deep_text_through_to_the_walk() -> None:
    text = "".join(f"{'  ' * n}k{n}:\n" for n in range(yamlsafe._SCAN_DEPTH + 1))
    assert yamlsafe._depth_bound(text) > yamlsafe._SCAN_DEPTH
    assert yamlsafe._blank_deep_nesting(text)[1], "deep enough to be blanked"


_KINDS_IN_ORDER = (  # after _DATE, which the reader asks first
    ("null", yamlsafe._NULL),
    ("bool", yamlsafe._BOOL),
    ("int", yamlsafe._PLAIN_INT),
    ("surprising", yamlsafe._SURPRISING_INT),
    ("float", yamlsafe._FLOAT),
    ("datetime", yamlsafe._DATETIME),
)


@settings(deadline=None, database=None, max_examples=1000)
@given(st.text(alphabet="0123456789-+_.:eExXbBoO~nNuUlLyYsStTrRfFaA T\tZz\n", max_size=24))
@example("2026-12-01")
@example("2026-02-30 10:00:00")
@example("2026-12-01T10:00:00Z")
@example("0123")
@example("1:30.5")
@example("-.inf")
@example("")
def test_one_pattern_tells_the_kind_each_pattern_in_turn_would(text: str) -> None:
    found = yamlsafe._PLAIN_KINDS.match(text)
    first = next((kind for kind, pattern in _KINDS_IN_ORDER if pattern.match(text)), None)
    assert (found.lastgroup if found else None) == first
    if yamlsafe._DATE.match(text):  # so asking for a date first changes no answer
        assert first is None
