"""The Markdown body, parsed by a real CommonMark parser into sections and items.

Only level-2 headings at the top level start sections, so a heading inside a code
fence, a list or a quote never counts.  An *item* is a top-level list item of a
section (bullets or numbers, wrapped lines included); its nested list items are its
sub-items.  A Stakeholders-style table contributes one row per entry.  Every line
number is a 1-based line of the file as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handoffs.document.source import strip_zero_width


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    end_line: int
    text: str  # the item's own words, soft line breaks as spaces, sub-items excluded
    children: tuple[Item, ...]

    @property
    def full_text(self) -> str:
        return " ".join([self.text, *(child.full_text for child in self.children)]).strip()


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # as written
    key: str  # normalised for matching: casefolded, single spaces
    line: int  # the heading's line
    start: int  # first line after the heading
    end: int  # last line of the section (inclusive)
    items: tuple[Item, ...]
    rows: tuple[Row, ...]
    paragraphs: tuple[Paragraph, ...]
    has_content: bool

    @property
    def entries(self) -> tuple[Item | Row, ...]:
        """What counts as one entry: list items, else table rows."""
        return self.items or self.rows

    def is_none(self) -> bool:
        """The section says exactly ``None.`` (as a paragraph or as its only item)."""
        texts = [p.text for p in self.paragraphs] + [i.full_text for i in self.items]
        return len(texts) == 1 and not self.rows and texts[0].strip().casefold() in ("none.", "none")


@dataclass(frozen=True, slots=True)
class RawHtml:
    line: int
    html: str


@dataclass(frozen=True, slots=True)
class Body:
    sections: tuple[Section, ...]
    html: tuple[RawHtml, ...]
    code_lines: frozenset[int]  # lines inside fenced or indented code
    comment_lines: frozenset[int]  # lines inside HTML comments (never published)

    def section(self, name: str) -> Section | None:
        """The first section called ``name`` (a duplicate is reported, not used)."""
        key = section_key(name)
        return next((s for s in self.sections if s.key == key), None)


@lru_cache(maxsize=1024)  # rules ask for the same few section names in every file
def section_key(title: str) -> str:
    return " ".join(strip_zero_width(title).casefold().split()).rstrip(":").strip()


@cache
def _block_parser() -> MarkdownIt:
    """Block structure only: inline parsing is most of markdown-it's cost and is only
    needed to find inline HTML, so it runs on demand (``_inline_children``)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


@cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True})


def _inline_children(content: str) -> list[Token]:
    if "<" not in content:
        return []  # no inline HTML can exist without a "<"
    tokens = _inline_parser().parseInline(content)
    return list(tokens[0].children or ()) if tokens else []


def parse_body(text: str, first_line: int, last_line: int) -> Body:
    """Parse ``text`` whose first line is file line ``first_line``."""
    tokens = _block_parser().parse(text)
    return _BodyBuilder(tokens, first_line, last_line).build()


class _BodyBuilder:
    def __init__(self, tokens: list[Token], first_line: int, last_line: int) -> None:
        self.tokens = tokens
        self.offset = first_line
        self.last_line = last_line
        self.html: list[RawHtml] = []
        self.code_lines: set[int] = set()
        self.comment_lines: set[int] = set()

    def line(self, token: Token) -> int:
        return token.map[0] + self.offset if token.map else self.offset

    def build(self) -> Body:
        sections: list[Section] = []
        heading_at = [
            i for i, t in enumerate(self.tokens) if t.type == "heading_open" and t.level == 0 and t.tag in ("h1", "h2")
        ]
        self._scan_html_and_code(0, len(self.tokens))
        for n, start in enumerate(heading_at):
            if self.tokens[start].tag != "h2":
                continue
            end = heading_at[n + 1] if n + 1 < len(heading_at) else len(self.tokens)
            sections.append(self._section(start, end))
        return Body(
            tuple(sections),
            tuple(self.html),
            frozenset(self.code_lines),
            frozenset(self.comment_lines),
        )

    def _section(self, start: int, end: int) -> Section:
        heading, title_inline = self.tokens[start], self.tokens[start + 1]
        title = title_inline.content.strip()
        content = self.tokens[start + 3 : end]
        end_line = (self.line(self.tokens[end]) - 1) if end < len(self.tokens) else self.last_line
        heading_last = (heading.map[1] - 1 + self.offset) if heading.map else self.line(heading)
        items: list[Item] = []
        rows: list[Row] = []
        paragraphs: list[Paragraph] = []
        i = 0
        while i < len(content):
            token = content[i]
            if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0:
                found, i = self._list(content, i)
                items.extend(found)
                continue
            if token.type == "tr_open" and token.level == 2 and _in_tbody(content, i):
                rows.append(self._row(content, i))
            if token.type == "paragraph_open" and token.level == 0:
                paragraphs.append(Paragraph(self.line(token), _inline_text(content[i + 1])))
            i += 1
        has_content = any(_is_content(t) for t in content)
        return Section(
            title, section_key(title), self.line(heading), heading_last + 1, end_line,
            tuple(items), tuple(rows), tuple(paragraphs), has_content,
        )  # fmt: skip

    def _list(self, tokens: list[Token], start: int) -> tuple[list[Item], int]:
        """Read the list opening at ``start``; return its items and the index after it."""
        level = tokens[start].level
        close = tokens[start].type.replace("_open", "_close")
        items: list[Item] = []
        i = start + 1
        while not (tokens[i].type == close and tokens[i].level == level):
            if tokens[i].type == "list_item_open" and tokens[i].level == level + 1:
                item, i = self._item(tokens, i)
                items.append(item)
                continue
            i += 1
        return items, i + 1

    def _item(self, tokens: list[Token], start: int) -> tuple[Item, int]:
        opening = tokens[start]
        level = opening.level
        own: list[str] = []
        children: list[Item] = []
        i = start + 1
        while not (tokens[i].type == "list_item_close" and tokens[i].level == level):
            token = tokens[i]
            if token.type in ("bullet_list_open", "ordered_list_open") and token.level == level + 1:
                nested, i = self._list(tokens, i)
                children.extend(nested)
                continue
            if token.type == "inline" and token.level == level + 2:
                own.append(_inline_text(token))
            i += 1
        end_line = (opening.map[1] - 1 + self.offset) if opening.map else self.line(opening)
        return Item(self.line(opening), end_line, " ".join(own).strip(), tuple(children)), i + 1

    def _row(self, tokens: list[Token], start: int) -> Row:
        cells: list[str] = []
        i = start + 1
        while tokens[i].type != "tr_close":
            if tokens[i].type == "inline":
                cells.append(_inline_text(tokens[i]))
            i += 1
        return Row(self.line(tokens[start]), tuple(cells))

    def _scan_html_and_code(self, start: int, end: int) -> None:
        for token in self.tokens[start:end]:
            if token.type in ("fence", "code_block") and token.map:
                self.code_lines.update(range(token.map[0] + self.offset, token.map[1] + self.offset))
            elif token.type == "html_block" and _is_comment(token.content) and token.map:
                self.comment_lines.update(range(token.map[0] + self.offset, token.map[1] + self.offset))
            elif token.type == "html_block":
                self.html.append(RawHtml(self.line(token), token.content.strip()))
            elif token.type == "inline":
                self._inline_html(token)

    def _inline_html(self, inline: Token) -> None:
        line = self.line(inline)
        for child in _inline_children(inline.content):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                line += child.content.count("\n")
            elif child.type == "html_inline" and not _is_comment(child.content):
                self.html.append(RawHtml(line, child.content))


def _inline_text(token: Token) -> str:
    return " ".join(token.content.split("\n")).strip()


def _in_tbody(tokens: list[Token], index: int) -> bool:
    for token in reversed(tokens[:index]):
        if token.type in ("tbody_open", "thead_open"):
            return token.type == "tbody_open"
    return False


def _is_comment(html: str) -> bool:
    return html.lstrip().startswith("<!--")


def _is_content(token: Token) -> bool:
    if token.type == "html_block":
        return not _is_comment(token.content)
    if token.type == "inline":
        return bool(token.content.strip())
    return token.type in ("fence", "code_block", "hr", "table_open")
