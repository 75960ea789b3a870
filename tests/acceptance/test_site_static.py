"""Plain static output: the library's pages written without mkdocs, the plan's fallback adapter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from handoffs.config import load_config
from handoffs.engine import Job
from handoffs.site.collect import collect
from handoffs.site.pages import Links
from handoffs.site.static import write_static_site
from tests.acceptance.test_site_build import ACME, ACME_BODY, ACME_FRONT, NORTHWIND
from tests.browser.sitebuild import Markup
from tests.factories import PROJECT, commit_all, handoff_text, write_handoff


def test_the_same_pages_are_written_without_mkdocs(repo: Path, tmp_path: Path) -> None:
    write_handoff(repo, NORTHWIND)
    write_handoff(repo, ACME, handoff_text(ACME_FRONT, ACME_BODY))
    commit_all(repo, "Two handoffs")
    config = load_config(repo)
    site = collect(sorted((repo / "handoffs").rglob("*.md")), Job(repo, "main", dt.date(2026, 11, 23), False), config)
    out = tmp_path / "static"
    count = write_static_site(site, Links("https://github.com/example-org/handoffs", "main"), out, PROJECT / "site-src")

    assert count >= 2 + 6  # two handoffs, the indexes, search, home
    handoff = (out / "handoffs" / NORTHWIND / "index.html").read_text(encoding="utf-8")
    text = Markup(handoff).plain_text()
    for part in ("Promises and exclusions", "Approval record", "order form or contract order form §2.4"):
        assert part in text
    # Links between pages are relative and land on pages that exist.
    assert 'href="../../../indexes/customer/#customer-northwind-health"' in handoff
    assert (out / "indexes" / "customer" / "index.html").is_file()
    home = Markup((out / "index.html").read_text(encoding="utf-8")).plain_text()
    assert "Needs attention today (2026-11-23)" in home
    assert (out / "pagefind" / "pagefind.js").is_file()  # searchable, as the mkdocs build
    assert "data-handoffs-search" in (out / "search" / "index.html").read_text(encoding="utf-8")
