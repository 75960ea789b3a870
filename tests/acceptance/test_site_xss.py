"""An XSS corpus through a real build: nothing a handoff author writes becomes live markup."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from tests.browser.sitebuild import Markup, add_site_config, article, built, page
from tests.browser.xss_corpus import XSS_ID, evil_text
from tests.factories import commit_all, write_handoff


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.factories import make_repo

    root = make_repo(tmp_path_factory.mktemp("xss") / "repo")
    add_site_config(root)
    write_handoff(root, XSS_ID, evil_text())
    commit_all(root, "Evil handoff")
    return built(root)


DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta", "link", "base"}


def _assert_inert(html: str) -> None:
    # Charts are the site's own SVG (drawn from numbers and escaped names), put in after sanitising.
    html = re.sub(r'<svg [^>]*class="ho-chart".*?</svg>', "", html, flags=re.DOTALL)
    markup = Markup(html)
    assert not markup.tags() & DANGEROUS_TAGS, markup.tags() & DANGEROUS_TAGS
    for tag, attrs in markup.elements:
        assert not [a for a in attrs if a.startswith("on") or a in ("style", "formaction")], (tag, attrs)
        for name in ("href", "src", "action", "data"):
            value = "".join(attrs.get(name, "").split()).casefold()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, name, value)


PAGES = [
    f"handoffs/{XSS_ID}",
    "indexes/status",
    "indexes/not-ready",
    "indexes/customer",
    "indexes/attention",
    "reports/2026-11",
    "",
]


@pytest.mark.parametrize("uri", PAGES)
def test_no_live_markup_survives_in_page_content(evil_site: Path, uri: str) -> None:
    _assert_inert(article(page(evil_site, uri)))


def test_the_payloads_are_shown_as_text_not_dropped(evil_site: Path) -> None:
    text = Markup(article(page(evil_site, f"handoffs/{XSS_ID}"))).plain_text()
    assert "<script>window.__xss=1</script>" in text
    assert '<img src="x" onerror="window.__xss=1">' in text


def test_page_titles_navigation_and_scripts_outside_the_content_are_the_themes_own(evil_site: Path) -> None:
    html = page(evil_site, f"handoffs/{XSS_ID}")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; Evil title" in html  # the <title>, escaped
    markup = Markup(html)
    for tag, attrs in markup.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not "".join(attrs.get("href", "").split()).casefold().startswith("javascript:"), (tag, attrs)
        assert tag not in {"iframe", "object", "embed"}, (tag, attrs)
    # Every script on the page is the theme's: none carries a payload.
    for start in _find_all(html, "<script"):
        assert "__xss" not in html[start : html.index("</script>", start)]
    # The search index holds the handoff page's text, payloads included, as text: the search
    # page writes results with textContent (the browser test runs them and checks nothing ran).
    fragments = sorted((evil_site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert fragments
    for fragment in fragments:
        record = json.loads(gzip.decompress(fragment.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd"))
        assert record["url"].startswith("/handoffs/")


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found
