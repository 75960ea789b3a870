"""Rendered HTML of handoff content, made inert: nothing a handoff author writes can run.

Handoff bodies are written by people, pasted from e-mails and drafted by tools, so the
site treats them as untrusted.  The Markdown the plugin writes already escapes raw
HTML, but Markdown itself can still produce live markup (``[x](javascript:…)``, an
``attr_list`` block such as ``{ onclick="…" }``), so the final HTML of every
generated page goes through an allow-list sanitiser (nh3, the Rust ``ammonia``):
only ordinary document elements survive, no ``<script>``/``<style>``/``<iframe>``/
``<object>``/``<svg>``, no ``on*`` or ``style`` attributes, and links only to
``http``, ``https``, ``mailto`` or relative addresses.
"""

from __future__ import annotations

import functools

import nh3

_TAGS = frozenset(nh3.ALLOWED_TAGS) | {"input", "label"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
    "input": {"type", "checked", "disabled"},
    "abbr": set(),
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Material's own scripts look elements up by these ids; content must not shadow them.
_RESERVED_ID_PREFIXES = ("__", "md-")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.startswith(_RESERVED_ID_PREFIXES):
        return None
    if tag == "input" and attribute == "type" and value != "checkbox":
        return None
    return value


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The allow-list, built once (a page's HTML is cleaned in about half a millisecond;
    building the rules for each page added a tenth to that)."""
    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def clean_html(html: str) -> str:
    """``html`` with everything that could execute or load active content removed."""
    return _cleaner().clean(html)


def clean_text(text: str) -> str:
    """Text for a place that is HTML but must hold no markup at all (titles, navigation)."""
    return nh3.clean(text, tags=set())
