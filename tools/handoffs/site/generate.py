"""Every page of the site as a function of the handoffs: the part that does not depend on
the static-site generator.

``site_pages`` turns the collected handoffs (and, when given, the metric records) into
``SitePage`` objects: a source path, a title, tags, and a function that writes the
page's HTML given a ``Linker`` (how to link to other pages from this one).  ``page_html``
gives the final, sanitised HTML of a page with its search markers.  Nothing here
imports mkdocs: the mkdocs plugin (``plugin.py``) is a thin adapter that turns these
pages into mkdocs files; a move to another generator (Zensical, or plain static HTML: ``static.py``) is
another adapter of the same pages (README, "Independent of the theme: the plan").
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from handoffs.metrics.analysis import HandoffRecord
from handoffs.metrics.reviews import ReviewData, Unavailable
from handoffs.site import render as r
from handoffs.site.charts import Draw
from handoffs.site.collect import Entry, Site
from handoffs.site.dashboard import SRC_URI as METRICS
from handoffs.site.dashboard import TITLE as METRICS_TITLE
from handoffs.site.indexes import attention, index_pages
from handoffs.site.pages import Links, page_tags, page_title, render_page
from handoffs.site.quality import REPORTS, ReportData, no_reports_page, report_pages
from handoffs.site.sanitize import clean_html

HOME = "index.md"
SEARCH = "search.md"
DEFAULT_HOME = "# Handoffs\n\nEvery approved sales handoff, its approval record and what needs attention.\n"
# Fields the search page filters on, and those its results show (Pagefind names).
SEARCH_FILTERS = ("status", "type", "team", "owner")
SEARCH_META = ("customer", "type", "status")


@dataclass(frozen=True)
class SearchRecord:
    """What search knows of a handoff page beside its text: shown fields and filters."""

    meta: Mapping[str, str]
    filters: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SitePage:
    src_uri: str  # where the page lives, as a Markdown source path (``handoffs/acme/….md``)
    title: str  # plain text
    kind: str  # handoff | index | report | metrics | search
    build: Callable[[r.Linker], r.Builder]
    tags: tuple[str, ...] = ()
    search: SearchRecord | None = None  # indexed by search when set
    template: str | None = None  # a theme template the page needs (the search page)
    hide: tuple[str, ...] = field(default=())  # theme chrome the page does without ("toc")


@dataclass(frozen=True)
class Reports:
    """What the metrics, quality and exception pages are computed from (read from git history)."""

    records: list[HandoffRecord]
    reviews: ReviewData | Unavailable
    series: Mapping[str, Any]


def search_record(entry: Entry) -> SearchRecord | None:
    front = entry.handoff.front if entry.handoff else None
    if front is None:
        return None
    return SearchRecord(
        meta={"customer": front.customer, "type": front.type, "status": front.status},
        filters={
            "status": [front.status],
            "type": [front.type],
            "team": list(dict.fromkeys([front.from_.team, front.to.team])),
            "owner": list(dict.fromkeys([front.from_.owner, front.to.owner])),
        },
    )


def site_pages(
    site: Site, links: Links, reports: Reports | None = None, no_reports: str | None = None
) -> list[SitePage]:
    """Every generated page: one per handoff, the indexes, the search page and the reports
    (or, with ``no_reports`` saying why there are none, a metrics page that says so)."""
    pages = [
        SitePage(
            entry.src_uri,
            page_title(entry),
            "handoff",
            functools.partial(render_page, entry, site, links),
            tags=page_tags(entry),
            search=search_record(entry),
        )
        for entry in site.entries
    ]
    # Index and report pages are wide tables: they give the table of contents' room to the table.
    wide = ("toc",)
    pages += [SitePage(i.src_uri, i.title, "index", i.build, hide=wide) for i in index_pages(site)]
    pages.append(SitePage(SEARCH, "Search", "search", _search_page, template="search.html", hide=("toc",)))
    if reports is None and no_reports is not None:
        from handoffs.site.dashboard import no_metrics_page

        pages.append(SitePage(METRICS, METRICS_TITLE, "metrics", lambda _: no_metrics_page(no_reports)))
        pages.append(SitePage(REPORTS, "Monthly review", "report", lambda _: no_reports_page(no_reports)))
    if reports is not None:
        from handoffs.site.dashboard import dashboard_page

        series = reports.series
        pages.append(SitePage(METRICS, METRICS_TITLE, "metrics", lambda _: dashboard_page(series)))
        data = ReportData(site, reports.records, reports.reviews)
        pages += [SitePage(p.src_uri, p.title, "report", p.build, hide=wide) for p in report_pages(data)]
    return pages


def _search_page(_: r.Linker) -> r.Builder:
    out = r.Builder()
    out.heading(1, "Search")
    # The theme's template (site-theme/search.html, or static.py's) adds the form and the
    # results, read from the Pagefind index in chunks, and says when script is off.
    out.add("<p>Every handoff, by what it says, its customer, owners, team, type and status.</p>")
    return out


def page_meta(page: SitePage) -> dict[str, Any]:
    """The metadata a Markdown-based generator needs for the page: its title, tags, template
    and the theme chrome it hides."""
    meta: dict[str, Any] = {"title": r.esc(page.title)}  # escaped: themes print titles unescaped
    if page.tags:
        meta["tags"] = list(page.tags)
    if page.template:
        meta["template"] = page.template
    if page.hide:
        meta["hide"] = list(page.hide)
    return meta


def front_matter(page: SitePage) -> str:
    """``page_meta`` as front matter (the page's body is HTML)."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in page_meta(page).items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def page_html(page: SitePage, linker: r.Linker, draw: Draw | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The page's final HTML and its table of contents.

    Every page is sanitised, then gets its charts (``Builder.add_chart``), drawn by ``draw``
    (default: here and now; the mkdocs plugin's draws them in a worker and puts in a
    placeholder); handoff pages are wrapped in the search index's markers (written here,
    from escaped values).
    """
    built = page.build(linker)
    body = built.fill_slots(clean_html(built.html()), draw)
    if page.search is not None:
        body = _searchable(body, page.search)
    return body, built.toc


def _searchable(body: str, record: SearchRecord) -> str:
    """Pagefind markers: only handoff pages are indexed; customer, type and status are shown
    with each result, and status, type, team and owner are filters."""
    hidden = [f'<span data-pagefind-meta="{r.esc(k)}">{r.esc(v)}</span>' for k, v in record.meta.items()]
    hidden += [
        f'<span data-pagefind-filter="{r.esc(k)}">{r.esc(v)}</span>'
        for k, values in record.filters.items()
        for v in values
    ]
    return f'<div data-pagefind-body>{body}<div hidden data-pagefind-ignore="index">{"".join(hidden)}</div></div>'


def home_html(site: Site, linker: r.Linker) -> tuple[str, list[dict[str, Any]]]:
    """What the home page adds below the admins' own text: "needs attention"."""
    builder = r.Builder()
    attention(site, linker, builder)
    return clean_html(builder.html()), builder.toc
