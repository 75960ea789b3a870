"""Small readings of item text shared by rules, site and metrics.

Trailing tags on an item — ``(source: …)``, ``(open: @owner by YYYY-MM-DD)``,
``(customer-validated)``, ``(sales-assumed)`` — and the question "is this ``<…>`` a
placeholder or an HTML tag?" are answered here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from handoffs.model import HANDLE_PATTERN

OPEN_TAG = re.compile(r"\(open:([^()]*)\)", re.IGNORECASE)
_OPEN_BODY = re.compile(rf"^\s*(?P<owner>{HANDLE_PATTERN[1:-1]})\s+by\s+(?P<due>\d{{4}}-\d{{2}}-\d{{2}})\s*$")
_SOURCE = re.compile(r"^\(\s*source\s*:\s*(?P<source>.*\S)\s*\)$", re.IGNORECASE | re.DOTALL)
VALIDATION_TAGS = ("customer-validated", "sales-assumed")

# Element names a browser would treat as markup; anything else in angle brackets
# (``<customer goal>``) is a template placeholder, not HTML.
HTML_TAGS = frozenset(
    (
        "a",
        "abbr",
        "address",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "main",
        "map",
        "mark",
        "meta",
        "meter",
        "nav",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "section",
        "select",
        "small",
        "source",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "math",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "frame",
        "frameset",
        "marquee",
        "applet",
        "base",
        "basefont",
        "center",
        "font",
    )
)
_ANGLE = re.compile(r"<([^<>\n]{1,200})>")
_TAG_NAME = re.compile(r"^/?([A-Za-z][A-Za-z0-9-]*)(?:[\s/]|$)")
_AUTOLINK = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s]*|[^\s@]+@[^\s@]+)$")


@dataclass(frozen=True, slots=True)
class OpenTag:
    raw: str
    owner: str | None
    due: str | None
    column: int

    @property
    def valid(self) -> bool:
        return self.owner is not None and self.due is not None


def trailing_groups(text: str) -> list[str]:
    """The parenthesised groups at the end of ``text``, last first (balanced parentheses)."""
    return list(_trailing_groups(text))


def _trailing_groups(text: str) -> Iterator[str]:
    """``trailing_groups`` one at a time: a caller looking for one tag stops at the group holding it."""
    rest = text.rstrip().rstrip(".").rstrip()
    while rest.endswith(")"):
        start = _matching_open(rest)
        if start is None:
            break
        yield rest[start:]
        rest = rest[:start].rstrip()


def _matching_open(text: str) -> int | None:
    """Where the "(" that balances the final ")" of ``text`` is; visits parentheses only."""
    opening, closing = text.rfind("("), text.rfind(")")
    if closing == len(text) - 1 and text.rfind(")", 0, closing) < opening:
        return opening  # nearly every group, "(source: …)": no ")" between its "(" and the end
    depth = 0
    # The last "(" and ")" not yet visited; each search resumes where the last one stopped.
    while opening >= 0 or closing >= 0:
        if closing > opening:
            position, closing = closing, text.rfind(")", 0, closing)
            depth += 1
        else:
            position, opening = opening, text.rfind("(", 0, opening)
            depth -= 1
        if depth == 0:
            return position
    return None


def source_of(text: str) -> str | None:
    """The cited source of an item, if it ends with ``(source: …)``."""
    for group in _trailing_groups(text):
        match = _SOURCE.match(group)
        if match:
            return match.group("source")
    return None


def open_tags(line: str) -> list[OpenTag]:
    tags = []
    for match in OPEN_TAG.finditer(line):
        body = _OPEN_BODY.match(match.group(1))
        owner, due = (body.group("owner"), body.group("due")) if body else (None, None)
        tags.append(OpenTag(match.group(0), owner, due, match.start() + 1))
    return tags


_VALIDATION = re.compile(r"\((customer-validated|sales-assumed)(?:\s*:[^()]*)?\)", re.IGNORECASE)


def validation_tag(text: str) -> str | None:
    """``customer-validated`` or ``sales-assumed`` from ``(tag)`` or ``(tag: why)``."""
    match = _VALIDATION.search(text)
    return match.group(1).casefold() if match else None


def strip_tags(text: str) -> str:
    """``text`` without its trailing tag groups: what the item actually says."""
    kept = text.rstrip().rstrip(".").rstrip()
    for group in trailing_groups(text):
        kept = kept[: len(kept) - len(group)].rstrip()
    return kept


BOOLEAN_ATTRIBUTES = frozenset(
    (
        "open",
        "disabled",
        "checked",
        "selected",
        "hidden",
        "async",
        "defer",
        "autofocus",
        "autoplay",
        "controls",
        "loop",
        "muted",
        "novalidate",
        "readonly",
        "required",
        "multiple",
    )
)


def is_html_markup(snippet: str) -> bool:
    """Whether ``<…>`` is real markup rather than a ``<placeholder>`` that names a tag.

    ``<a href="x">``, ``<br>``, ``</div>`` and ``<details open>`` are markup;
    ``<A measurable target>`` and ``<customer goal>`` are placeholders: real tags carry
    ``name=value`` attributes or none at all.
    """
    inner = snippet.strip().removeprefix("<").removesuffix(">").removesuffix("/").strip()
    if inner.lower().startswith("!doctype"):
        return True
    tag = _TAG_NAME.match(inner)
    if not tag or tag.group(1).lower() not in HTML_TAGS:
        return False
    rest = inner[tag.end() :].strip() if tag.end() < len(inner) else ""
    if inner.startswith("/") or not rest or "=" in rest:
        return True
    return all(word.lower() in BOOLEAN_ATTRIBUTES for word in rest.split())


def placeholders_in_angles(line: str) -> list[tuple[int, str]]:
    """``(column, text)`` of each ``<…>`` that is neither HTML markup, a comment nor an autolink."""
    found = []
    for match in _ANGLE.finditer(line):
        inner = match.group(1).strip()
        if inner.startswith("!") or _AUTOLINK.match(inner) or is_html_markup(match.group(0)):
            continue
        found.append((match.start() + 1, match.group(0)))
    return found
