"""The checker's parser (markdown-it-pyrs) sees the block structure markdown-it-py sees.

The site renders with markdown-it-py; the checker parses with markdown-it.rs for speed.
Both implement markdown-it's CommonMark + GFM-table grammar; this keeps them equal on
every real document in the repository and on generated documents built the way
handoffs are written (blocks separated by blank lines, wrapped and nested items,
tables, fences, HTML).  Known differences, all in constructs no template produces: a
table or lazy quote line directly followed (no blank line) by an empty list item or
a list numbered from other than 1, and a table header continuing a quote's lazy
paragraph: there markdown-it.rs applies CommonMark's "may this interrupt a
paragraph" rule where markdown-it-py does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt as PyMarkdownIt
from markdown_it_pyrs import MarkdownIt as RsMarkdownIt
from markdown_it_pyrs import Node

from handoffs.document.body import parse_body
from tests.factories import BODY, PROJECT, body_of, markdown_documents

# markdown-it-py token type -> markdown-it-pyrs node name, for the structure both report.
_PY_NAMES = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "bullet_list",
    "ordered_list_open": "ordered_list",
    "list_item_open": "list_item",
    "blockquote_open": "blockquote",
    "table_open": "table",
    "tr_open": "trow",
    "fence": "fence",
    "code_block": "code_block",
    "html_block": "html_block",
    "hr": "hr",
}
_RS_NAMES = {"lheading": "heading", **{name: name for name in _PY_NAMES.values()}}


def _py_structure(text: str) -> list[tuple[str, int]]:
    tokens = PyMarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    return [
        (_PY_NAMES[t.type], t.map[0])
        for t in tokens
        if t.type in _PY_NAMES and t.map and not t.hidden  # tight items' paragraphs are hidden
    ]


def _rs_structure(text: str) -> list[tuple[str, int]]:
    data = text.encode("utf-8")
    tree = RsMarkdownIt("commonmark").enable("table").tree(text)
    return [(_RS_NAMES[node.name], _line(data, node)) for node in tree.walk() if node.name in _RS_NAMES]


def _line(data: bytes, node: Node) -> int:
    assert node.srcmap is not None
    return data.count(b"\n", 0, node.srcmap[0])


@pytest.mark.parametrize("path", markdown_documents(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_document_in_the_repository_has_the_same_structure(path: Path) -> None:
    body = body_of(path)
    assert _rs_structure(body) == _py_structure(body)


def test_the_generated_benchmark_handoff_has_the_same_structure() -> None:
    assert _rs_structure(BODY) == _py_structure(BODY)


_BLOCKS = st.sampled_from([
    "## Promised scope", "## Custom terms ##", "# Title", "### Detail", "Open risks\n----------",
    "- first promise (source: order form §2.1)\n- second promise\n  wrapped onto a second line",
    "- item\n  - sub item\n    - sub-sub item\n- next item",
    "1. numbered\n2. numbered again\n   - nested bullet",
    "- loose item\n\n  second paragraph of it\n\n- another",
    "| Name | Role |\n|---|---|\n| Ana | economic buyer |\n| Ben \\| Co | champion |",
    "| a | b |\n|:--|--:|\n| 1 |",
    "```yaml\n## not a heading\nkey: value\n```", "~~~\nfenced\n~~~", "    indented code",
    "<div>\nraw block\n</div>", "<!-- a comment\n## not a heading -->",
    "Text with <b>inline</b> HTML and `code` and *emphasis*.",
    "A paragraph\nwrapped over\nthree lines.", "> quoted\n> - quoted item", "***",
    "Unicode: é §2 ✓ 中文", "[ref]: https://example.com", "None.",
])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_BLOCKS, min_size=1, max_size=20))
def test_documents_written_like_handoffs_have_the_same_structure(blocks: list[str]) -> None:
    text = "\n\n".join(blocks) + "\n"
    assert _rs_structure(text) == _py_structure(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#-*>|`~<!1. \n\tab:")), max_size=200))
def test_the_checker_parses_any_text_without_raising(text: str) -> None:
    body = parse_body(text, 1, text.count("\n") + 1)
    assert all(1 <= s.line <= s.end + 1 for s in body.sections)
