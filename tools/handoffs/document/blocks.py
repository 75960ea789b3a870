"""The body's blocks as every rule reads them: sections, items, rows, paragraphs.

Two readers build them (``handoffs.document.body.parse_body`` chooses): a line scanner
for the plain Markdown nearly every handoff is written in, and markdown-it for
everything else.  Every line number is a 1-based line of the file as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

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
        if len(self.paragraphs) + len(self.items) != 1 or self.rows:  # asked of most sections: count first
            return False
        text = self.paragraphs[0].text if self.paragraphs else self.items[0].full_text
        return text.strip().casefold() in ("none.", "none")


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
    # Rules ask for sections by name a dozen times per file: the first of each key, looked up once.
    _first_by_key: dict[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first: dict[str, Section] = {}
        for section in self.sections:
            first.setdefault(section.key, section)
        object.__setattr__(self, "_first_by_key", first)

    def section(self, name: str) -> Section | None:
        """The first section called ``name`` (a duplicate is reported, not used)."""
        return self._first_by_key.get(section_key(name))


@lru_cache(maxsize=1024)  # rules ask for the same few section names in every file
def section_key(title: str) -> str:
    return " ".join(strip_zero_width(title).casefold().split()).rstrip(":").strip()
