"""Plain static output: the same pages as the mkdocs site, without mkdocs or its theme.

The second adapter of ``generate.site_pages`` (the first is the mkdocs plugin), and the
fallback of the plan in the README ("Independent of the theme"): every page is written
as ``<path>/index.html`` in one small template of our own, with the site's stylesheet,
and Pagefind indexes the handoff pages as it does in the mkdocs build.  It proves the pages do
not depend on the theme; it is not meant to look like Material.
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

from handoffs.site import render as r
from handoffs.site.collect import Site
from handoffs.site.generate import HOME, Reports, home_html, page_html, site_pages
from handoffs.site.pages import Links
from handoffs.site.search import SearchIndex

STYLESHEET = "stylesheets/handoffs.css"
SEARCH_SCRIPT = "assets/handoffs-search.js"
_NAV = (
    (HOME, "Home"),
    ("search.md", "Search"),
    ("indexes/attention.md", "Needs attention"),
    ("indexes/not-ready.md", "Not kickoff-ready"),
    ("indexes/status.md", "By status"),
    ("indexes/customer.md", "By customer"),
    ("metrics.md", "Metrics"),
    ("reports/index.md", "Monthly review"),
)


def page_dir(uri: str) -> str:
    """``handoffs/acme/x.md`` -> ``handoffs/acme/x/``; ``index.md`` -> ``""`` (directory URLs, as mkdocs)."""
    stem = uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def _relative(from_uri: str, to_uri: str) -> str:
    here, there = page_dir(from_uri), page_dir(to_uri)
    return posixpath.relpath(there or ".", here or ".") + "/"


def write_static_site(site: Site, links: Links, out: Path, source: Path, reports: Reports | None = None) -> int:
    """Write every page of ``site`` under ``out`` (``source`` holds the stylesheet); returns the page count."""
    pages = {page.src_uri: page for page in site_pages(site, links, reports)}
    known = set(pages) | {HOME}

    def linker_for(uri: str) -> r.Linker:
        return r.Linker(uri, lambda target: _relative(uri, target) if target in known else None, links.blob)

    search = SearchIndex(out)
    try:
        for uri, page in pages.items():
            body, _ = page_html(page, linker_for(uri))
            if page.search is not None:
                search.add("/" + page_dir(uri), body)
            if page.kind == "search":
                body += _search_ui(uri)
            _write(out, uri, page.title, body)
        search.write()  # Pagefind writes the index while the rest is copied
        home, _ = home_html(site, linker_for(HOME))
        _write(out, HOME, "Handoffs", "<h1>Handoffs</h1>" + home)
        for asset in (STYLESHEET, SEARCH_SCRIPT):
            (out / asset).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / asset, out / asset)
    except BaseException:
        search.abort()
        raise
    search.wait()
    return len(pages) + 1


def _search_ui(uri: str) -> str:
    """The search form the mkdocs theme's template adds (site-theme/search.html), for this page."""
    root = _relative(uri, HOME)
    return (
        f'<div class="ho-search" data-handoffs-search data-bundle="{root}pagefind/" data-site-root="{root}">'
        '<form class="ho-search__form" role="search" method="get">'
        '<label class="ho-search__label" for="ho-search-q">Search every handoff</label>'
        '<input id="ho-search-q" class="ho-search__input" name="q" type="search" autocomplete="off">'
        '<div class="ho-search__filters"></div></form>'
        '<p class="ho-search__status" aria-live="polite"></p><ol class="ho-search__results"></ol>'
        '<button type="button" class="ho-search__more" hidden>More results</button></div>'
        f'<script type="module" src="{root}{SEARCH_SCRIPT}"></script>'
    )


def _write(out: Path, uri: str, title: str, body: str) -> None:
    target = out / page_dir(uri) / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_document(uri, title, body), encoding="utf-8")


def _document(uri: str, title: str, body: str) -> str:
    root = _relative(uri, HOME)
    nav = " · ".join(f'<a href="{r.esc(_relative(uri, target))}">{r.esc(label)}</a>' for target, label in _NAV)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{r.esc(title)} - Handoffs</title>"
        f'<link rel="stylesheet" href="{r.esc(root + STYLESHEET)}"></head>'
        f'<body><nav class="ho-static-nav">{nav}</nav><main class="md-typeset">{body}</main></body></html>\n'
    )
