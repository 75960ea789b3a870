"""A line scanner for the plain Markdown that handoffs are written in.

Nearly every handoff body uses a few block constructs: ATX headings, paragraphs,
lists (wrapped lines, nested items, bullets or numbers) and pipe tables, separated by
blank lines.  Such a body can be read line by line, at a fraction of the cost of
building a parser's tree and walking it (most of ``handoff check``'s time per file
was spent there).  ``read_plain_body`` reads exactly that subset and gives up,
returning ``None``, at the first line outside it: four columns of indentation or a
tab, a fence, HTML, a quote, a setext underline or thematic break, a reference
definition, a list item holding more than one paragraph, a table not written whole
after a blank line, an indentation between two list levels.  The caller then parses
the body with markdown-it.

Where it answers, it answers what markdown-it does: tests/unit/test_plain_body.py
compares both readers on every document in the repository and on generated ones.
"""

from __future__ import annotations

import re

from handoffs.document.blocks import Body, Item, Paragraph, Row, Section, section_key

# Characters that can open a block other than a paragraph: a line (or an item's words)
# starting with one is read here only as a heading, an item, a table row, or in the
# shapes of words ``_only_words`` accepts; otherwise it is left to the parser.
_MAY_OPEN_A_BLOCK = frozenset("#|-*+>=_`~<[:\\")
_BULLETS = frozenset("-*+")
_ORDERED_MARKER = re.compile(r"([0-9]{1,9})([.)])(?: |$)")  # ASCII digits only, as CommonMark
_ATX_HEADING = re.compile(r"(#{1,6})(?: +(.*))?")
_DELIMITER_CELL = re.compile(r" *:?-+:? *")
_LINK_TEXT = re.compile(r"\[[^\[\]\\]*\](.?)")
_RULE_CHARACTERS = frozenset("-*_=|: ")
_MAX_INDENT = 4  # four columns make indented code (or a paragraph's continuation)


class _NotPlain(Exception):  # noqa: N818 - a signal, not an error: the parser reads the body instead
    """The body uses something this scanner does not read."""


class _OpenItem:
    """A list item still being read: its first paragraph's lines and its sub-items."""

    __slots__ = ("children", "content_indent", "kind", "last", "line", "marker_indent", "words")

    def __init__(self, line: int, marker_indent: int, width: int, kind: str, words: str) -> None:
        self.line = line
        self.last = line  # its last line that is not blank
        self.marker_indent = marker_indent
        self.content_indent = marker_indent + width  # the marker and one space, then the words
        self.kind = kind  # the bullet, or the number's delimiter
        self.words = [words]
        self.children: list[Item] = []

    def close(self) -> Item:
        return Item(self.line, self.last, _joined(self.words), tuple(self.children))


class _OpenSection:
    __slots__ = ("has_content", "items", "line", "paragraphs", "rows", "title")

    def __init__(self, title: str, line: int) -> None:
        self.title = title
        self.line = line
        self.items: list[Item] = []
        self.rows: list[Row] = []
        self.paragraphs: list[Paragraph] = []
        self.has_content = False

    def close(self, end: int) -> Section:
        return Section(
            self.title, section_key(self.title), self.line, self.line + 1, end,
            tuple(self.items), tuple(self.rows), tuple(self.paragraphs), self.has_content,
        )  # fmt: skip


def read_plain_body(text: str, first_line: int, last_line: int) -> Body | None:
    """The body of ``text`` (its first line is file line ``first_line``), or ``None`` if it is not plain."""
    if "<" in text or "\t" in text or "\r" in text or "\0" in text:  # HTML, tabs: the parser's
        return None
    try:
        sections = _Scanner(text.split("\n"), first_line).read(last_line)
    except _NotPlain:
        return None
    return Body(tuple(sections), (), frozenset(), frozenset())


class _Scanner:
    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line
        self.sections: list[Section] = []
        self.section: _OpenSection | None = None
        self.items: list[_OpenItem] = []  # the open items, outermost first
        self.paragraph: list[str] | None = None  # the lines of the paragraph being read
        self.paragraph_line = 0
        self.after_blank = True

    def read(self, last_line: int) -> list[Section]:
        lines, index, count = self.lines, 0, len(self.lines)
        while index < count:
            line = lines[index]
            content = line.lstrip(" ")
            number = self.first_line + index
            index += 1
            if not content:
                self._end_paragraph()
                self.after_blank = True
                continue
            indent = len(line) - len(content)
            if indent >= _MAX_INDENT:
                raise _NotPlain
            first = content[0]
            if first == "#" and (heading := _ATX_HEADING.fullmatch(content)):
                self._heading(heading, indent, number)
            elif first == "|":
                index = self._table(index, content, indent)
            elif first in _BULLETS and content[1:2] == " ":
                self._item(content[2:], first, indent, number, width=2)
            elif first.isdigit() and (ordered := _ORDERED_MARKER.match(content)):
                width, start = ordered.end(), int(ordered.group(1))
                self._item(content[width:], ordered.group(2), indent, number, width=width, first=start == 1)
            elif _only_words(content):
                self._text(content, indent, number)
            else:
                raise _NotPlain
            self.after_blank = False
        self._end_blocks()
        if self.section is not None:
            self.sections.append(self.section.close(last_line))
        return self.sections

    def _heading(self, heading: re.Match[str], indent: int, number: int) -> None:
        if indent or heading.group(0).rstrip(" ").endswith("#"):  # a closing sequence: the parser's
            raise _NotPlain
        self._end_blocks()
        level, words = len(heading.group(1)), heading.group(2) or ""
        if level > 2:  # a sub-heading is content of its section when it has words (spaces are none)
            if self.section is not None and words.strip(" "):
                self.section.has_content = True
            return
        title = words.strip()
        if self.section is not None:
            self.sections.append(self.section.close(number - 1))
        self.section = _OpenSection(title, number) if level == 2 else None  # an h1 ends a section

    def _item(self, words: str, kind: str, indent: int, number: int, *, width: int, first: bool = True) -> None:
        """A list item (``- words``, ``1. words``), at the indentation of an open item's marker or words.

        ``kind`` is the bullet or the number's delimiter: a different one starts a new list.
        ``first`` says whether the item may start a list where a paragraph is still open
        (a bullet, or a number 1); a later number there is the paragraph's words.
        """
        if not words or words[0] == " " or not _only_words(words) or words[0] in "#|":
            raise _NotPlain  # an empty item, one whose words are indented or open another block
        sibling = self._open_list_at(indent)
        if (sibling is None or sibling.kind != kind) and not first and self.paragraph is not None:
            raise _NotPlain  # a new list cannot start here: the line is the paragraph's words
        self._end_paragraph()  # an item interrupts a paragraph, its parent's words included
        if sibling is not None:
            while self.items[-1] is not sibling:
                self._close_item()
            self._close_item()  # a sibling ends the item before it
        for item in self.items:
            item.last = number
        self.items.append(_OpenItem(number, indent, width, kind, words))
        self.paragraph = self.items[-1].words
        if self.section is not None:
            self.section.has_content = True

    def _open_list_at(self, indent: int) -> _OpenItem | None:
        """The open item whose marker is at ``indent`` (the new item is its sibling), if any.

        ``None`` when the new item opens the first list, or a list inside the innermost
        item (at the indentation of its words); any other indentation is the parser's.
        """
        if not self.items:
            if indent:
                raise _NotPlain
            return None
        if indent == self.items[-1].content_indent:
            return None
        for item in reversed(self.items):
            if item.marker_indent == indent:
                return item
            if item.marker_indent < indent:
                break
        raise _NotPlain  # between two levels

    def _text(self, content: str, indent: int, number: int) -> None:
        if self.paragraph is not None:  # a continuation line, or a lazy one
            self.paragraph.append(content)
            for item in self.items:
                item.last = number
            return
        if self.items:
            if indent or not self.after_blank:  # a second paragraph of an item
                raise _NotPlain
            self._end_lists()
        self.paragraph = [content]
        self.paragraph_line = number

    def _table(self, index: int, header: str, indent: int) -> int:
        """A table written whole: header, delimiter row, rows; returns the index of the line after it."""
        # After a blank line only: markdown-it tries a table before any other block, so a
        # heading or a paragraph line right above a delimiter row would be its header.
        if indent or not self.after_blank:
            raise _NotPlain
        self._end_lists()
        columns = len(_cells(header))
        lines = self.lines
        if index >= len(lines) or len(_cells(lines[index], delimiter=True)) != columns:
            raise _NotPlain
        index += 1
        rows: list[Row] = []
        while index < len(lines) and lines[index].strip(" "):
            cells = _cells(lines[index])
            if len(cells) != columns:
                raise _NotPlain
            rows.append(Row(self.first_line + index, cells))
            index += 1
        if self.section is not None:
            self.section.rows.extend(rows)
            self.section.has_content = True
        return index

    def _end_paragraph(self) -> None:
        if self.paragraph is None:
            return
        if not self.items and self.section is not None:
            self.section.paragraphs.append(Paragraph(self.paragraph_line, _joined(self.paragraph)))
            self.section.has_content = True
        self.paragraph = None

    def _end_lists(self) -> None:
        while self.items:
            self._close_item()

    def _end_blocks(self) -> None:
        self._end_paragraph()
        self._end_lists()

    def _close_item(self) -> None:
        item = self.items.pop().close()
        if self.items:
            self.items[-1].children.append(item)
        elif self.section is not None:
            self.section.items.append(item)


def _only_words(content: str) -> bool:
    """Whether a line that starts with ``content`` (its indentation dropped) is words to CommonMark.

    Rather than every way a line can open a block, a few safe shapes are accepted: the
    other lines go to the parser.  Of the characters that can open a block, each is
    words here only where it cannot: emphasis (``**Name**``), a ``#tag``, ``+5%``, an
    escape, a code span that is not a fence, a link that is no reference definition.
    """
    first = content[0]
    if first.isdigit():
        return _ORDERED_MARKER.match(content) is None
    if first not in _MAY_OPEN_A_BLOCK:
        return True
    if first in ">|<" or content.startswith(("```", "~~~")):  # quote, table, HTML, fence
        return False
    if first == "[":  # a link's text, unless a reference definition's label (`[x]: url`) may start here
        link = _LINK_TEXT.match(content)
        return link is not None and link.group(1) != ":"
    if first in _BULLETS and content[1:2] in (" ", ""):  # a bullet item, or an empty one
        return False
    # Thematic breaks, setext underlines and table delimiter rows are built of these alone.
    return not set(content.rstrip(" ")) <= _RULE_CHARACTERS and not (first == "#" and _ATX_HEADING.fullmatch(content))


def _cells(line: str, *, delimiter: bool = False) -> tuple[str, ...]:
    """A row's cells, for ``| a | b |`` written with both outer pipes and no empty cell."""
    row = line.lstrip(" ")
    if len(line) - len(row) >= _MAX_INDENT:  # a row indented as code is code
        raise _NotPlain
    row = row.rstrip(" ")
    if len(row) < 2 or row[0] != "|" or row[-1] != "|" or "\\" in row or "`" in row:
        raise _NotPlain
    written = row[1:-1].split("|")
    # A delimiter cell may hold spaces around its dashes, and no other white space.
    if delimiter and not all(_DELIMITER_CELL.fullmatch(cell) for cell in written):
        raise _NotPlain
    cells = tuple(cell.strip() for cell in written)
    if not all(cells):
        raise _NotPlain
    return cells


def _joined(lines: list[str]) -> str:
    """A paragraph's words: its lines stripped and joined by spaces, as the parser's reader does."""
    if len(lines) == 1:
        return lines[0].strip()
    return " ".join(line.strip() for line in lines).strip()
