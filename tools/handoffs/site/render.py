"""HTML for generated pages: handoff text through markdown-it, everything else escaped.

Generated pages skip mkdocs' Markdown step: the plugin writes their HTML directly, so
a site of thousands of handoffs costs little more than the same files as plain pages.
Handoff text (an item, a section) is rendered by markdown-it with raw HTML *disabled*
(``<script>`` shows as text) and markdown-it's own link validation (no
``javascript:``/``vbscript:``/``file:``/``data:`` links); there is no ``attr_list``, so
``{ onclick="…" }`` stays text.  The sanitiser still runs on the whole page afterwards.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handoffs.site.charts import Chart, Draw, svg

_BARE_URL = re.compile(r"(?<![(<\[\w])(https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SLUG = re.compile(r"[^\w\- ]+")


def esc(value: object) -> str:
    """A plain value as HTML text (names, handles, dates)."""
    return html.escape(str(value), quote=True)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Linker:
    """Links as they must be written on one page.

    ``url_of`` gives the URL of another site page (by source path) relative to this one,
    or ``None`` when it is not a page; ``blob`` the URL of a repository file, if the
    repository URL is known.
    """

    page_uri: str
    url_of: Callable[[str], str | None]
    blob: Callable[[str], str | None]

    def page(self, uri: str) -> str:
        url = self.url_of(uri)
        if url is None:
            raise KeyError(f"{uri} is not a page of this site")
        return url

    def content_href(self, href: str) -> str | None:
        """Where a link written in a handoff should point, or ``None`` to drop it.

        Relative links are relative to the handoff file, whose repository path is this
        page's source path: other handoffs become site links, anything else a link to
        the file in the repository.
        """
        if _SCHEME.match(href) or href.startswith("#"):
            return href
        if href.startswith("/"):
            return None
        path, _, anchor = href.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.page_uri), path))
        target = self.url_of(resolved) or self.blob(resolved)
        return f"{target}#{anchor}" if target and anchor else target


def _link_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    linker: Linker | None = env.get("linker")
    href = token.attrGet("href")
    if linker is not None and isinstance(href, str):
        target = linker.content_href(href)
        if target is None:
            del token.attrs["href"]
        else:
            token.attrSet("href", target)
    result: str = renderer.renderToken(tokens, idx, options, env)
    return result


@cache
def _markdown() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.add_render_rule("link_open", _link_open)
    return parser


def _autolink(text: str) -> str:
    return _BARE_URL.sub(r"<\1>", text)


# Text without any of these characters renders to itself, escaped: no need to parse it.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&!#|~]|https?:|^\s*(?:[-+]\s|\d+[.)]\s|=+\s*$|-+\s*$)", re.MULTILINE)


def _simple_block(text: str) -> str | None:
    """Plain paragraphs and one-line ``- `` bullets, rendered without a parser; else ``None``."""
    if _MARKDOWN_SYNTAX.sub("", text.replace("\n- ", "\n").removeprefix("- ")) != text.replace(
        "\n- ", "\n"
    ).removeprefix("- "):
        return None
    html_parts: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.split("\n")
        if any(line[:1].isspace() for line in lines):
            return None  # indentation: nested lists or code
        if all(line.startswith("- ") for line in lines):
            html_parts.append("<ul>" + "".join(f"<li>{esc(line[2:].strip())}</li>" for line in lines) + "</ul>")
        elif not any(line.startswith("- ") for line in lines):
            html_parts.append(f"<p>{esc(' '.join(line.strip() for line in lines))}</p>")
        else:
            return None
    return "\n".join(html_parts)


def block(text: str, linker: Linker) -> str:
    """Handoff Markdown (several lines) as inert HTML."""
    simple = _simple_block(text)
    if simple is not None:
        return simple
    rendered: str = _markdown().render(_autolink(text), {"linker": linker})
    return rendered


def inline(text: str, linker: Linker) -> str:
    """One line of handoff Markdown as inert inline HTML."""
    if not _MARKDOWN_SYNTAX.search(text):
        return html.escape(" ".join(text.split()), quote=False)
    rendered: str = _markdown().renderInline(_autolink(text), {"linker": linker})
    return rendered


@dataclass
class Builder:
    """A page's HTML and its table of contents, built in order."""

    parts: list[str] = field(default_factory=list)
    toc: list[dict[str, Any]] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)  # slot -> a chart, drawn after sanitising
    _ids: set[str] = field(default_factory=set)

    def add(self, *html_parts: str) -> None:
        self.parts.extend(p for p in html_parts if p)

    def add_chart(self, chart: Chart) -> None:
        """A chart: its SVG is written only by ``charts``, from numbers and escaped names, so it
        takes the place of an empty slot after the rest of the page was sanitised (nothing
        else skips the sanitiser)."""
        slot = f'<div class="ho-slot" id="ho-slot-{len(self.charts)}"></div>'
        self.charts[slot] = chart
        self.parts.append(slot)

    def fill_slots(self, sanitised: str, draw: Draw | None = None) -> str:
        """The sanitised page with each chart drawn by ``draw`` (default: ``charts.svg``, here and now)."""
        drawing = draw or svg
        for slot, chart in self.charts.items():
            if slot not in sanitised:  # the sanitiser rewrote a slot: never publish half a page
                raise ValueError(f"a chart's slot was lost in sanitising: {slot}")
            sanitised = sanitised.replace(slot, drawing(chart), 1)
        return sanitised

    def heading(self, level: int, title: str, anchor: str | None = None) -> None:
        """An ``h1`` to ``h3`` with an id; ``title`` is already HTML."""
        anchor = self._unique(anchor or _slug(_text_of(title)))
        # No permalink anchors: the table of contents links every heading, and each extra
        # element costs search indexing time on sites of thousands of pages.
        self.parts.append(f'<h{level} id="{anchor}">{title}</h{level}>')
        entry: dict[str, Any] = {"level": level, "id": anchor, "name": title, "children": []}
        siblings = self.toc
        while siblings and siblings[-1]["level"] < level:
            siblings = siblings[-1]["children"]
        siblings.append(entry)

    def html(self) -> str:
        return "\n".join(self.parts)

    def _unique(self, anchor: str) -> str:
        base, n = anchor or "section", 1
        while anchor in self._ids or not anchor:
            anchor, n = f"{base}_{n}", n + 1
        self._ids.add(anchor)
        return anchor


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def _slug(text: str) -> str:
    return "-".join(_SLUG.sub("", text).casefold().split())


@dataclass(frozen=True)
class Column:
    """A table column: its heading (HTML) and the class its cells carry.

    ``ho-date`` and ``ho-nowrap`` never wrap (no "2026-12-/01"); ``ho-optional`` columns
    are hidden on a phone, so each view chooses what a narrow screen keeps.
    """

    header: str
    css: str = ""


def table(header: Sequence[str | Column], rows: Sequence[Sequence[str]], css: str = "ho-table") -> str:
    """An HTML table; every cell is already HTML."""
    columns = [c if isinstance(c, Column) else Column(c) for c in header]
    classes = [f' class="{c.css}"' if c.css else "" for c in columns]
    head = "".join(f'<th scope="col"{cls}>{c.header}</th>' for c, cls in zip(columns, classes, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{cls}>{cell}</td>" for cell, cls in zip(row, classes, strict=False)) + "</tr>"
        for row in rows
    )
    return f'<table class="{css}">\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>'


def bullets(items: Sequence[str], css: str = "") -> str:
    if not items:
        return ""
    attr = f' class="{css}"' if css else ""
    return f"<ul{attr}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def checklist(items: Sequence[str]) -> str:
    box = (
        '<label class="task-list-control"><input type="checkbox" disabled>'
        '<span class="task-list-indicator"></span></label> '
    )
    return '<ul class="task-list">' + "".join(f'<li class="task-list-item">{box}{i}</li>' for i in items) + "</ul>"


def admonition(kind: str, title: str, body: str, *, collapsible: bool = False) -> str:
    if collapsible:
        return f'<details class="{kind}"><summary>{title}</summary>{body}</details>'
    return f'<div class="admonition {kind}"><p class="admonition-title">{title}</p>{body}</div>'


def link(href: str | None, label: str) -> str:
    return f'<a href="{esc(href)}">{label}</a>' if href else label
