"""The Markdown body, parsed by a real CommonMark parser into sections and items.

Only level-2 headings at the top level start sections, so a heading inside a code
fence, a list or a quote never counts.  An *item* is a top-level list item of a
section (bullets or numbers, wrapped lines included); its nested list items are its
sub-items.  A Stakeholders-style table contributes one row per entry.  Every line
number is a 1-based line of the file as written.

The parser is markdown-it, through markdown-it-pyrs (markdown-it.rs): the
CommonMark + GFM-table grammar of markdown-it-py, which renders the published site,
at about a tenth of its cost.  Parsing was more than half of `handoff check`'s time
per file; tests/unit/test_body_parity.py keeps both parsers' block structure equal
on every example, corpus file and generated document.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from itertools import accumulate

from markdown_it_pyrs import MarkdownIt, Node

from handoffs.document.blocks import Body, Item, Paragraph, RawHtml, Row, Section, section_key
from handoffs.document.plain_body import read_plain_body
from handoffs.matching import compile_pattern

__all__ = ["Body", "Item", "MarkdownError", "Paragraph", "RawHtml", "Row", "Section", "parse_body", "section_key"]

# CommonMark's rules plus GFM tables, named one by one so that the fallback below can
# leave one out.
_RULES = (
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "html_block", "html_inline", "table",
)  # fmt: skip


@cache
def _parser(without: frozenset[str] = frozenset()) -> MarkdownIt:
    parser = MarkdownIt("zero")
    parser.enable_many([rule for rule in _RULES if rule not in without])  # type: ignore[misc]  # the stub wants Literals
    return parser


def _tree(text: str) -> Node:
    """The parser's tree; a document the Rust parser panics on is read without code spans.

    markdown-it.rs 0.4 panics on a bracket followed by an unclosed backtick (``x [` y``).
    Without the ``backticks`` rule the same document parses; its code spans are then
    plain text, so HTML inside one is reported as raw HTML (a warning more, never one
    less). Links and images, which the safety rules read, keep their rules.
    """
    try:
        return _quietly(_parser(), text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a Rust panic arrives as a BaseException subclass
        return _quietly(_parser(frozenset({"backticks"})), text)


def _quietly(parser: MarkdownIt, text: str) -> Node:
    """Parse with stderr closed: a Rust panic prints its backtrace there, which is noise to a user."""
    saved = os.dup(2)
    try:
        os.dup2(_devnull(), 2)
        return parser.tree(text)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@cache
def _devnull() -> int:
    return os.open(os.devnull, os.O_WRONLY)


class MarkdownError(Exception):
    """The parser failed on a document (a bug in it, reported for that file only)."""


# Node names of block structure; every other node is inline content.
_BLOCKS = frozenset({
    "root", "paragraph", "heading", "lheading", "blockquote", "bullet_list", "ordered_list", "list_item",
    "fence", "code_block", "html_block", "hr", "table", "thead", "tbody", "trow", "tcell", "definition",
})  # fmt: skip
_LISTS = frozenset({"bullet_list", "ordered_list"})
_LIST_MARKER = re.compile(rb"[-*+]|[0-9]{1,9}[.)]")
# An ATX heading's optional closing run of `#`, after a space or tab (or alone), at the end.
_ATX_CLOSING = re.compile(r"(?:^|[ \t])#+[ \t]*$")
_HEADINGS = frozenset({"heading", "lheading"})
_CODE = frozenset({"fence", "code_block"})
_ALWAYS_CONTENT = frozenset({"fence", "code_block", "hr", "table"})
# Blocks that can hold code or HTML blocks; without a "<" in the body no other node
# can hold anything `_scan` looks for, so the walk stays on these.
_CONTAINERS = frozenset({"blockquote", "bullet_list", "ordered_list", "list_item"})

Span = tuple[int, int]

# What every code block or piece of HTML needs somewhere in the text: a fence (``` or ~~~),
# four columns of indentation (spaces or a tab, after any list or quote markers), or "<".
# Substring tests, each a memchr-speed scan; a regular expression costs a hundred times more.
_CODE_OR_HTML_NEEDS = (b"`", b"~", b"<", b"\t", b"    ")

# A line opening this many quotes or lists at once: no handoff does, and the parser's
# tree for tens of thousands of them overflows the stack when it is freed.
MAX_OPENED_PER_LINE = 50
_DEEP_LINE = re.compile(rf"^(?:[ \t]*(?:>|[-+*][ \t]|\d{{1,9}}[.)][ \t])){{{MAX_OPENED_PER_LINE},}}.*$", re.MULTILINE)
# Each opener above holds one of these characters, so a line that deep holds fifty of them:
# one linear RE2 scan (its pattern compiles in a fraction of a millisecond) rules that out for
# nearly every document, where Python's engine would try `_DEEP_LINE` at every character.
_MARKERS = ">*+.)\\-"
_MAY_BE_DEEP = compile_pattern(f"(?m)^(?:[^\\n{_MARKERS}]*[{_MARKERS}]){{{MAX_OPENED_PER_LINE}}}")


def parse_body(text: str, first_line: int, last_line: int) -> Body:
    """Parse ``text`` whose first line is file line ``first_line``.

    Plain Markdown, as nearly every handoff is written, is read line by line
    (``plain_body``); anything else by markdown-it.  Both read it alike.
    """
    plain = read_plain_body(text, first_line, last_line)
    return plain if plain is not None else parse_markdown(text, first_line, last_line)


def parse_markdown(text: str, first_line: int, last_line: int) -> Body:
    """Parse ``text`` with markdown-it, whatever it holds.

    A line nesting more than ``MAX_OPENED_PER_LINE`` quotes or lists is read as blank
    (its own line numbers and the others' stay as they are).
    """
    if _MAY_BE_DEEP.search(text) and _DEEP_LINE.search(text):
        text = _DEEP_LINE.sub("", text)
    try:
        root = _tree(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic arrives as a BaseException subclass
        raise MarkdownError(f"the Markdown parser failed: {exc!r}") from exc
    return _BodyBuilder(_Source(text, first_line), last_line).build(root)


class _Source:
    """The parser's byte offsets as file lines and text."""

    def __init__(self, text: str, first_line: int) -> None:
        self.data = text.encode("utf-8")
        self.first_line = first_line
        # Where each line starts: the running sum of the lengths of the lines before it, each with its newline.
        self.starts = list(accumulate((len(line) + 1 for line in self.data.split(b"\n")), initial=0))
        self._before_first = first_line - 1

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset) + self._before_first

    def last_line(self, span: Span) -> int:
        """The line of the last character of ``span`` (its newline excluded)."""
        return self.line(max(span[0], span[1] - 1))

    def last_written_line(self, span: Span) -> int:
        """The last line of ``span`` that is not blank (a list item owns no blank lines)."""
        start, end = span
        while end > start + 1 and self.data[end - 1] in b" \t\n":
            end -= 1
        return self.line(max(start, end - 1))

    def lines(self, span: Span) -> range:
        return range(self.line(span[0]), self.last_line(span) + 1)

    def text(self, start: int, end: int) -> str:
        """The source between two offsets, soft line breaks as spaces, indentation dropped."""
        raw = self.data[start:end].decode("utf-8", errors="replace")
        if "\0" in raw:
            raw = raw.replace("\0", "\ufffd")  # as CommonMark says
        if "\n" not in raw:
            return raw.strip()
        return " ".join(line.strip() for line in raw.split("\n")).strip()


class _BodyBuilder:
    def __init__(self, source: _Source, last_line: int) -> None:
        self.src = source
        self.last_line = last_line
        self.html: list[RawHtml] = []
        self.code_lines: set[int] = set()
        self.comment_lines: set[int] = set()
        self.may_hold_html = b"<" in source.data

    def build(self, root: Node) -> Body:
        blocks = root.children
        whole = root.srcmap or (0, len(self.src.data))
        if any(needed in self.src.data for needed in _CODE_OR_HTML_NEEDS):  # most bodies hold neither: no walk
            self._scan(blocks, whole)
        levels = {i: node.meta["level"] for i, node in enumerate(blocks) if node.name in _HEADINGS}
        boundaries = [i for i, level in levels.items() if level <= 2]
        sections = []
        for n, start in enumerate(boundaries):
            if levels[start] != 2:  # an h1 ends a section; only an h2 starts one
                continue
            end = boundaries[n + 1] if n + 1 < len(boundaries) else len(blocks)
            following = (blocks[end].srcmap or whole)[0] if end < len(blocks) else None
            sections.append(self._section(blocks[start], blocks[start + 1 : end], following, whole))
        return Body(tuple(sections), tuple(self.html), frozenset(self.code_lines), frozenset(self.comment_lines))

    def _section(self, heading: Node, content: Sequence[Node], following: int | None, whole: Span) -> Section:
        span = heading.srcmap or whole
        title = self._heading_words(heading, span)
        end_line = self.src.line(following) - 1 if following is not None else self.last_line
        items: list[Item] = []
        rows: list[Row] = []
        paragraphs: list[Paragraph] = []
        for node in content:
            name = node.name
            if name in _LISTS:
                items.extend(self._item(child, span) for child in node.children)
            elif name == "table":
                rows.extend(self._rows(node, span))
            elif name == "paragraph":
                start, end = node.srcmap or span
                paragraphs.append(Paragraph(self.src.line(start), self.src.text(start, end)))
        has_content = any(_has_content(node) for node in content)
        return Section(
            title, section_key(title), self.src.line(span[0]), self.src.last_line(span) + 1, end_line,
            tuple(items), tuple(rows), tuple(paragraphs), has_content,
        )  # fmt: skip

    def _item(self, item: Node, default: Span) -> Item:
        span = item.srcmap or default
        parts = item.children
        if len(parts) == 1 and parts[0].name == "paragraph":  # a loose item's one paragraph
            text = self.src.text(*(parts[0].srcmap or span))
            return Item(self.src.line(span[0]), self.src.last_written_line(span), text, ())
        own: list[str] = []
        children: list[Item] = []
        # A tight item holds its words directly, without a paragraph.  They are read from the
        # source between the blocks around them (the marker, a sub-list): markdown-it.rs 0.4
        # misplaces the start of emphasis nodes, so the inline nodes' own offsets are not used.
        words_start: int | None = self._after_marker(span)
        words_end = span[0]
        for node in parts:
            name = node.name
            node_span = node.srcmap or span
            if name not in _BLOCKS:
                if words_start is None:
                    words_start = words_end  # words after a block: from where it ended
                words_end = max(words_end, min(node_span[1], span[1]))
                continue
            if words_start is not None and words_end > words_start:
                own.append(self.src.text(words_start, node_span[0]))
            words_start, words_end = None, node_span[1]
            if name in _LISTS:
                children.extend(self._item(child, span) for child in node.children)
            elif name == "paragraph":
                own.append(self.src.text(*node_span))
            elif name in _HEADINGS:
                own.append(self._heading_words(node, node_span))
        if words_start is not None and words_end > words_start:
            own.append(self.src.text(words_start, words_end))
        text = " ".join(words for words in own if words)
        return Item(self.src.line(span[0]), self.src.last_written_line(span), text, tuple(children))

    def _after_marker(self, span: Span) -> int:
        """Where an item's words may start: after its bullet, or its number and delimiter."""
        marker = _LIST_MARKER.match(self.src.data, span[0])
        return marker.end() if marker is not None else span[0]

    def _heading_words(self, heading: Node, span: Span) -> str:
        """A heading's words from the source: an ATX heading's line without its ``#`` runs, or a
        setext heading's lines without the underline."""
        if heading.name == "lheading":
            underline = self.src.data.rfind(b"\n", span[0], span[1])
            return self.src.text(span[0], underline if underline >= 0 else span[1])
        # Only spaces and tabs delimit the `#` runs (CommonMark); other white space is words.
        line = self.src.data[span[0] : span[1]].decode("utf-8", errors="replace").replace("\0", "\ufffd")
        return _ATX_CLOSING.sub("", line.strip(" \t\n").lstrip("#"), count=1).strip()

    def _rows(self, table: Node, default: Span) -> list[Row]:
        rows = []
        for part in table.children:
            if part.name != "tbody":
                continue
            for row in part.children:
                span = row.srcmap or default
                cells = tuple(self.src.text(*(cell.srcmap or span)).replace("\\|", "|") for cell in row.children)
                rows.append(Row(self.src.line(span[0]), cells))
        return rows

    def _scan(self, nodes: Sequence[Node], default: Span) -> None:
        """Record code, comment and raw-HTML lines anywhere below ``nodes``."""
        for node in nodes:
            name = node.name
            if name in _CODE:
                self.code_lines.update(self.src.lines(node.srcmap or default))
            elif name == "html_block":
                self._html_block(node, node.srcmap or default)
            elif name == "html_inline":
                html = str(node.meta.get("content", ""))
                if not _is_comment(html):
                    self.html.append(RawHtml(self.src.line((node.srcmap or default)[0]), html))
            elif name in _CONTAINERS or self.may_hold_html:
                self._scan(node.children, node.srcmap or default)

    def _html_block(self, node: Node, span: Span) -> None:
        html = str(node.meta.get("content", ""))
        if _is_comment(html):
            self.comment_lines.update(self.src.lines(span))
        else:
            self.html.append(RawHtml(self.src.line(span[0]), html.strip()))


def _has_content(node: Node) -> bool:
    """Whether ``node`` publishes anything: words, code, a rule or a table (not a comment)."""
    if node.name == "paragraph":  # the usual first block: its children are all inline words
        return bool(node.children)
    for part in node.walk():
        name = part.name
        if name in _ALWAYS_CONTENT or name not in _BLOCKS:
            return True
        if name == "html_block" and not _is_comment(part.meta.get("content", "")):
            return True
    return False


def _is_comment(html: object) -> bool:
    return str(html).lstrip().startswith("<!--")
