"""Trailing tags on items and telling `<placeholders>` from HTML."""

from __future__ import annotations

from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handoffs.document.markup import (
    is_html_markup,
    open_tags,
    placeholders_in_angles,
    source_of,
    strip_tags,
    trailing_groups,
    validation_tag,
)


def test_trailing_groups_balance_nested_parentheses_last_first() -> None:
    text = "Promise (a (b) c) (source: [sow](https://a/b_(c))).  "
    assert trailing_groups(text) == ["(source: [sow](https://a/b_(c)))", "(a (b) c)"]


@settings(deadline=None, database=None)
@given(st.text(alphabet="()a .§", max_size=20))
def test_trailing_groups_are_balanced_and_cover_the_end(text: str) -> None:
    rest = text.rstrip().rstrip(".").rstrip()
    for group in trailing_groups(text):
        assert rest.endswith(group)
        assert group.startswith("(")
        depths = list(accumulate({"(": 1, ")": -1}.get(c, 0) for c in group))
        assert depths[-1] == 0, "balanced"
        assert min(depths[:-1], default=1) > 0, "closed only at its end"
        rest = rest[: -len(group)].rstrip()
    assert not rest.endswith(")") or _open_unmatched(rest)


def _open_unmatched(text: str) -> bool:
    """The final ")" of ``text`` has no "(" to balance it."""
    depth = 0
    for char in reversed(text):
        depth += {")": 1, "(": -1}.get(char, 0)
        if depth == 0:
            return False
    return True


@pytest.mark.parametrize("text", ["no groups", "unbalanced a)", "(only group) then words", ""])
def test_no_trailing_groups(text: str) -> None:
    assert trailing_groups(text) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("HL7 integration (source: order form §2.1)", "order form §2.1"),
        ("x (Source : order form)", "order form"),
        (
            "x (source: [call notes](https://docs.example.com/notes_(v2)))",
            "[call notes](https://docs.example.com/notes_(v2))",
        ),
        ("x (source: order form). ", "order form"),
        ("x (source: order form) (customer-validated)", "order form"),
        ("x (source:\n  multi-line\n  citation)", "multi-line\n  citation"),
    ],
)
def test_source_is_the_trailing_citation(text: str, source: str) -> None:
    assert source_of(text) == source


@pytest.mark.parametrize(
    "text",
    [
        "x (source: y) and then more words",
        "x (source:)",
        "x (sources: y)",
        "x source: y",
        "(source: y) at the start only x",
    ],
)
def test_no_source(text: str) -> None:
    assert source_of(text) is None


def test_open_tags_valid_and_malformed_with_columns() -> None:
    tags = open_tags("a (open: @dana-sales by 2026-12-01) b (open: dana by soon) (OPEN: @x by 2026-1-1)")
    assert [(t.owner, t.due, t.column, t.valid) for t in tags] == [
        ("@dana-sales", "2026-12-01", 3, True),
        (None, None, 39, False),
        (None, None, 60, False),
    ]
    assert tags[1].raw == "(open: dana by soon)"


def test_validation_tags() -> None:
    assert validation_tag("80% in 60 days (Customer-Validated)") == "customer-validated"
    assert validation_tag("80% in 60 days (sales-assumed)") == "sales-assumed"
    assert validation_tag("80% in 60 days") is None


def test_strip_tags_leaves_what_the_item_says() -> None:
    assert strip_tags("renewal date unknown (open: @dana by 2026-12-01) (source: y).") == "renewal date unknown"
    assert strip_tags("plain words") == "plain words"


@pytest.mark.parametrize(
    "snippet",
    ['<a href="https://x">', "<br>", "<br/>", "</div>", "<details open>", "<b>", "<!doctype html>",
     "<img src=x onerror=alert(1)>", "<script>", "<div hidden>", "<SCRIPT>"],
)  # fmt: skip
def test_real_markup(snippet: str) -> None:
    assert is_html_markup(snippet)


@pytest.mark.parametrize(
    "snippet",
    ["<A measurable target>", "<customer goal>", "<full name>", "<YYYY-MM-DD>", "<@sales-owner>",
     "<economic buyer / champion>", "<b and c>", "<td here>"],
)  # fmt: skip
def test_placeholders_that_look_like_tags_are_not_markup(snippet: str) -> None:
    assert not is_html_markup(snippet)


def test_placeholders_in_angles_skip_links_mail_comments_and_markup() -> None:
    line = "see <https://x.example/y> <ana@example.com> <!-- note --> <b> <full name> </td> <A target>"
    columns = [line.index("<full name>") + 1, line.index("<A target>") + 1]
    assert placeholders_in_angles(line) == [(columns[0], "<full name>"), (columns[1], "<A target>")]
