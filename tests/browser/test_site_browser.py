"""The built site in a real headless Chromium (Debian's, never a downloaded browser)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

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


def _search(tab: Page, served: str, query: str) -> Locator:
    tab.goto(f"{served}search/")
    expect(tab.locator("[data-handoffs-search][data-ready=true]")).to_be_attached(timeout=15_000)
    tab.locator("input.ho-search__input").fill(query)
    return tab.locator(".ho-search__result")


def test_search_finds_a_handoff_by_customer_and_follows_the_result(served: str, tab: Page) -> None:
    results = _search(tab, served, "Acme")
    expect(results.first).to_be_visible(timeout=15_000)
    expect(results).to_have_count(1)
    # The result says whose handoff it is, of which type and status, and shows the passage.
    expect(results.first.locator(".ho-search__facts")).to_have_text("Acme Corp · onboarding · proposed")
    expect(results.first.locator(".ho-search__excerpt mark").first).to_be_visible()
    expect(tab.locator("article")).not_to_contain_text("<p>")  # no markup shown as text
    results.first.locator("a").click()
    expect(tab).to_have_url(re.compile(re.escape(f"{served}handoffs/{ACME}/")), timeout=10_000)
    expect(tab.locator("article")).to_contain_text("Had to resend the SSO metadata")


def test_search_finds_a_custom_term_phrase_and_an_owner(served: str, tab: Page) -> None:
    results = _search(tab, served, "year-one subscription fees")
    expect(results.first).to_be_visible(timeout=15_000)
    titles = results.locator(".ho-search__title")
    expect(titles.first).to_be_visible()
    assert "Northwind Health: EHR integration and go-live" in titles.all_inner_texts()
    expect(results.first.locator(".ho-search__excerpt")).to_contain_text("subscription")
    owner = _search(tab, served, "tom-onboard")
    expect(owner).to_have_count(1, timeout=15_000)
    expect(owner.first.locator(".ho-search__title")).to_have_text("Acme Corp: onboarding of 400 seats")


def test_search_filters_by_status_type_team_and_owner(served: str, tab: Page) -> None:
    tab.goto(f"{served}search/?owner=@tom-onboard")
    results = tab.locator(".ho-search__result")
    expect(results).to_have_count(1, timeout=15_000)
    for name in ("status", "type", "team", "owner"):
        expect(tab.locator(f"select[name={name}]")).to_be_attached()
    tab.locator("select[name=owner]").select_option("")
    tab.locator("select[name=type]").select_option("implementation")
    expect(results).to_have_count(2, timeout=10_000)  # Northwind and the payload page
    # Only handoff pages are indexed: the home page and tags never clutter the results.
    _search(tab, served, "handoffs")
    expect(tab.locator(".ho-search__status")).to_contain_text("handoff", timeout=10_000)
    for href in tab.locator(".ho-search__result a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert "/handoffs/" in href


def test_search_shows_payloads_as_text_and_runs_none(served: str, tab: Page) -> None:
    results = _search(tab, served, "window.__xss")
    expect(results.first).to_be_visible(timeout=15_000)
    expect(results.first.locator(".ho-search__title")).to_have_text("<script>window.__xss=1</script> Evil title")
    tab.wait_for_timeout(300)
    _no_injected_script_ran(tab)


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


# One page of each type the site has: every one is screenshot at both widths, checked for
# outside requests and for table cells wider than their column.
PAGE_TYPES = {
    "home": "",
    "handoff": f"handoffs/{NORTHWIND}/",
    "handoff-with-open-items": f"handoffs/{ACME}/",
    "index-by-status": "indexes/status/",
    "index-by-owner": "indexes/owner/",
    "index-by-kickoff": "indexes/kickoff/",
    "customer-timelines": "indexes/customer/",
    "not-ready": "indexes/not-ready/",
    "needs-attention": "indexes/attention/",
    "metrics": "metrics/",
    "monthly-review": "reports/",
    "monthly-report": "reports/2026-11/",
    "search": "search/?q=Acme",
    "tags": "tags/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

_OVERFLOWING = """() => {
  const problems = [];
  for (const cell of document.querySelectorAll("article td, article th")) {
    if (cell.offsetParent === null) continue;  // hidden on this screen
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`cell: ${cell.textContent.trim().slice(0, 60)}`);
  }
  for (const table of document.querySelectorAll("article table.ho-table")) {
    const column = table.closest("article").getBoundingClientRect();
    const box = table.getBoundingClientRect();
    if (box.right > column.right + 1) problems.push(`table wider than the column: ${Math.round(box.width)}px`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const wide = [...document.querySelectorAll("body *")].filter(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.children.length === 0);
    problems.push(`the page scrolls sideways: ${wide.slice(0, 3).map((e) => e.outerHTML.slice(0, 80)).join(" | ")}`);
  }
  return problems;
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_type_fits_and_loads_nothing_from_elsewhere(served: str, browser: Browser, width: str) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    ARTIFACTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    try:
        for name, path in PAGE_TYPES.items():
            page.goto(f"{served}{path}", wait_until="networkidle")
            if name == "search":
                expect(page.locator(".ho-search__result").first).to_be_visible(timeout=15_000)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{w}.png"), full_page=True)
            found = page.evaluate(_OVERFLOWING)
            if found:
                problems[name] = found
            _no_injected_script_ran(page)
    finally:
        context.close()
    outside = sorted({url for url in requests if not url.startswith(served) and not url.startswith("data:")})
    assert outside == [], f"requests outside the site's origin: {outside}"
    assert problems == {}, f"layout problems at {w} px: {problems}"
