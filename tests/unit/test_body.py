"""The body as CommonMark sees it: sections, items, sub-items, rows, code, HTML, lines as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handoffs.document import body
from handoffs.document.body import Body, Item, Row, parse_body, section_key

# Line numbers below are file lines: the body starts on line 10 of its file.
BODY = """\
## Goal

Para one
wrapped.

## Promised scope ##

- first promise
  wrapped onto a second line (source:
  order form §2)
  - sub one
  - sub two
    - sub-sub
- second promise

1. numbered one
2. numbered two

## Stakeholders

| Name | Role |
|---|---|
| Ana | economic buyer |
| Ben | champion |

```markdown
## Fenced heading
```

Open Risks
----------

text with <b>bold</b> and a <customer goal>

<div>
block
</div>

<!-- a comment
## Commented heading -->

# Title

## Custom terms

None.
"""


def _parse(text: str = BODY, first_line: int = 10) -> Body:
    return parse_body(text, first_line, first_line + text.count("\n"))


def _titles(body: Body) -> list[tuple[str, int]]:
    return [(s.title, s.line) for s in body.sections]


def test_only_top_level_h2_headings_start_sections() -> None:
    body = _parse()
    assert _titles(body) == [
        ("Goal", 10),
        ("Promised scope", 15),
        ("Stakeholders", 28),
        ("Open Risks", 39),  # setext, with its underline on line 40
        ("Custom terms", 53),
    ]
    assert body.section("Fenced heading") is None
    assert body.section("Commented heading") is None


def test_section_spans_end_before_the_next_h1_or_h2() -> None:
    body = _parse()
    goal, scope, stakeholders, risks, custom = body.sections
    assert (goal.start, goal.end) == (11, 14)
    assert (scope.start, scope.end) == (16, 27)
    assert (stakeholders.end, risks.start, risks.end) == (38, 41, 50)  # `# Title` on 51 ends it
    assert custom.end == 56  # the last line of the file


def test_items_keep_wrapped_lines_and_own_their_sub_items() -> None:
    scope = _parse().section("promised scope")
    assert scope is not None
    first, second, one, two = scope.items
    assert (first.line, first.end_line) == (17, 22)
    assert first.text == "first promise wrapped onto a second line (source: order form §2)"
    assert [(c.line, c.text) for c in first.children] == [(20, "sub one"), (21, "sub two")]
    assert first.children[1].children == (Item(22, 22, "sub-sub", ()),)
    assert first.full_text == "first promise wrapped onto a second line (source: order form §2) sub one sub two sub-sub"
    assert (second.line, second.text) == (23, "second promise")
    assert [(i.line, i.text) for i in (one, two)] == [(25, "numbered one"), (26, "numbered two")]
    assert scope.entries == scope.items


def test_table_rows_are_entries_and_the_header_is_not() -> None:
    stakeholders = _parse().section("Stakeholders")
    assert stakeholders is not None
    assert stakeholders.items == ()
    assert stakeholders.rows == (Row(32, ("Ana", "economic buyer")), Row(33, ("Ben", "champion")))
    assert stakeholders.entries == stakeholders.rows
    assert stakeholders.rows[0].text == "Ana | economic buyer"


def test_paragraphs_join_wrapped_lines() -> None:
    goal = _parse().section("Goal")
    assert goal is not None
    assert [(p.line, p.text) for p in goal.paragraphs] == [(12, "Para one wrapped.")]


def test_code_comment_and_html_lines_are_known() -> None:
    body = _parse()
    assert body.code_lines == frozenset({35, 36, 37})
    assert body.comment_lines == frozenset({48, 49})
    assert [(h.line, h.html) for h in body.html] == [
        (42, "<b>"),
        (42, "</b>"),
        (42, "<customer goal>"),
        (44, "<div>\nblock\n</div>"),
    ]


def test_none_is_recognised_as_a_paragraph_or_a_single_item() -> None:
    assert _parse("## Custom terms\n\nNone.\n").sections[0].is_none()
    assert _parse("## Custom terms\n\n- none\n").sections[0].is_none()
    assert not _parse("## Custom terms\n\nNone.\n\n- 10% off (source: x)\n").sections[0].is_none()
    assert not _parse("## Custom terms\n\nNone of the usual.\n").sections[0].is_none()


def test_empty_sections_have_no_content_but_a_comment_is_not_content() -> None:
    body = _parse("## Empty\n\n## Comment only\n\n<!-- later -->\n\n## Code\n\n```\nx\n```\n")
    assert [(s.title, s.has_content) for s in body.sections] == [
        ("Empty", False),
        ("Comment only", False),
        ("Code", True),
    ]


@pytest.mark.parametrize("before", ["", "x\n\n", "> q\n\n", "text\n\n"])
def test_words_that_start_with_emphasis_are_read_whole(before: str) -> None:
    # markdown-it.rs 0.4 misplaces where emphasis starts (depending on the bytes before it):
    # item and heading words come from the source between their blocks, not from inline nodes.
    text = f"{before}## *a** b\n\n- **Net 60** payment terms\n  with early discount\n  (source: SOW §7)\n"
    for parsed in (_parse(text), body.parse_markdown(text, 10, 10 + text.count("\n"))):
        (section,) = parsed.sections
        assert section.title == "*a** b"
        assert section.items[0].text == "**Net 60** payment terms with early discount (source: SOW §7)"


def test_heading_variants_share_one_key() -> None:
    body = _parse("##   CUSTOMER   GOAL   ##   \n\ntext\n\n## Customer goal:\n\nx\n")
    assert {s.key for s in body.sections} == {"customer goal"}
    assert section_key(" Cus\u200btomer  Goal ") == "customer goal"


def test_list_items_inside_a_quote_are_not_section_items() -> None:
    scope = _parse("## Promised scope\n\n> - quoted\n\n- real (source: x)\n").sections[0]
    assert [i.text for i in scope.items] == ["real (source: x)"]


@pytest.mark.parametrize("line", ["x [` y", "[`", "![`", "a [x` b"])
def test_a_bracket_then_an_unclosed_backtick_parses_instead_of_panicking(
    line: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # markdown-it.rs 0.4 panics on these; the body is read without code spans instead,
    # and the panic's backtrace never reaches the user's terminal.
    body = parse_body(f"## Open risks\n\n- {line}\n\n## Notes\n\ntext\n", 10, 16)
    assert [s.title for s in body.sections] == ["Open risks", "Notes"]
    assert [item.line for item in body.section("Open risks").items] == [12]
    assert "panicked" not in capfd.readouterr().err


def test_the_rules_named_one_by_one_are_commonmark_with_tables() -> None:
    from markdown_it_pyrs import MarkdownIt

    from handoffs.document.body import _parser

    text = (
        "# T\n\nsee [`x`](http://a) *b* <i>c</i> &amp;\n\n> - a\n>   1. b\n\n"
        "|a|b|\n|-|-|\n|1|2|\n\n```\nc\n```\n    d\n"
    )
    expected = MarkdownIt("commonmark").enable("table").tree(text).pretty(srcmap=True)
    assert _parser().tree(text).pretty(srcmap=True) == expected


_OPENERS = st.sampled_from(["> ", ">", "- ", "-\t", "* ", "+ ", "1. ", "12) ", "\u0661. ", " ", "\t", "x", "-"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_OPENERS, st.integers(min_value=0, max_value=60)), max_size=4))
def test_the_fast_deep_line_scan_never_misses_a_line_the_pattern_finds(runs: list[tuple[str, int]]) -> None:
    """One RE2 scan rules deep lines out; Python's pattern (which rewrites them) is only asked when it cannot."""
    text = "".join(opener * count for opener, count in runs) + "\nnext line\n" + "> " * 50
    for candidate in (text, text.rsplit("\n", 1)[0]):
        if body._DEEP_LINE.search(candidate) is not None:
            assert body._MAY_BE_DEEP.search(candidate) is not None
    assert body._MAY_BE_DEEP.search(text) is not None, "the last line is deep enough"
