"""The built site in a real headless Chromium (Debian's, never a downloaded browser)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.acceptance.test_site_build import ACME, ACME_BODY, ACME_FRONT, NORTHWIND
from tests.browser.sitebuild import add_site_config, built
from tests.browser.xss_corpus import XSS_ID, evil_text
from tests.factories import PROJECT, commit_all, handoff_text, make_repo, write_handoff

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT / "test-artifacts"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of three handoffs (one full of XSS payloads), served on 127.0.0.1 at a free port."""
    root = make_repo(tmp_path_factory.mktemp("browser") / "repo")
    add_site_config(root)
    write_handoff(root, NORTHWIND)
    write_handoff(root, ACME, handoff_text(ACME_FRONT, ACME_BODY))
    write_handoff(root, XSS_ID, evil_text())
    commit_all(root, "Handoffs")
    site = built(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: run tools/setup/install.sh (it installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], f"an injected script opened a dialog: {dialogs}"


def _no_injected_script_ran(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_home_page_says_what_needs_attention(served: str, tab: Page) -> None:
    tab.goto(served)
    expect(tab.locator("article h2", has_text="Needs attention today")).to_be_visible()
    expect(tab.locator("article")).to_contain_text("Overdue open items")
    _no_injected_script_ran(tab)


def test_a_handoff_page_puts_promises_beside_exclusions(served: str, tab: Page) -> None:
    tab.goto(f"{served}handoffs/{NORTHWIND}/")
    expect(tab.locator("h1")).to_contain_text("Northwind Health: EHR integration and go-live")
    promises = tab.locator(".ho-col--promised-scope").bounding_box()
    exclusions = tab.locator(".ho-col--exclusions").bounding_box()
    assert promises is not None
    assert exclusions is not None
    assert exclusions["x"] > promises["x"] + promises["width"] / 2  # side by side, not stacked
    assert abs(exclusions["y"] - promises["y"]) < 5
    expect(tab.locator(".ho-badge--approved")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "handoff-page.png"), full_page=True)
    _no_injected_script_ran(tab)


def test_an_index_links_to_its_handoffs(served: str, tab: Page) -> None:
    tab.goto(f"{served}indexes/status/")
    expect(tab.locator("article h2", has_text="proposed (3)")).to_be_visible()
    tab.locator("article a", has_text="Acme Corp: onboarding of 400 seats").click()
    expect(tab).to_have_url(f"{served}handoffs/{ACME}/")
    expect(tab.locator("article")).to_contain_text("Renewal date unknown")


def test_search_finds_a_handoff_and_follows_the_result(served: str, tab: Page) -> None:
    tab.goto(served)
    search = tab.locator("input.md-search__input")
    search.click()
    search.press_sequentially("metadata", delay=50)  # the theme searches on key events
    result = tab.locator(".md-search-result__item a").first
    expect(result).to_be_visible(timeout=15_000)
    result.click()
    expect(tab).to_have_url(re.compile(re.escape(f"{served}handoffs/{ACME}/")), timeout=10_000)
    expect(tab.locator("article")).to_contain_text("Had to resend the SSO metadata")


def test_no_injected_script_runs_on_the_page_full_of_payloads(served: str, tab: Page) -> None:
    tab.goto(f"{served}handoffs/{XSS_ID}/")
    expect(tab.locator("article")).to_contain_text("<script>window.__xss=1</script>")
    for element in tab.locator("article a, article p, article li, article td").all()[:60]:
        element.hover(timeout=2_000)  # mouseover payloads
    for link in tab.locator("article a[href='#'], article p").all()[:20]:
        link.click(timeout=2_000, no_wait_after=True)  # onclick payloads
    tab.wait_for_timeout(300)
    _no_injected_script_ran(tab)
    tab.goto(f"{served}indexes/not-ready/")
    _no_injected_script_ran(tab)
