"""Benchmark: the handoffs site build against a plain mkdocs-material build of the same Markdown,
and what a reader's browser downloads.

Generates N handoffs (10,000 by default, 5 per customer) in a temporary git repository,
then builds, in one run and each in its own process:

* **plugin**: this project's mkdocs.yml (the ``handoffs`` plugin checks every file,
  reads git history, renders pages, indexes and customer timelines, sanitises HTML);
* **plain**: the same mkdocs-material configuration without the plugin, with the same
  handoff files copied in as ordinary Markdown pages.

Prints both times, the ratio (target: plugin <= 1.5 x plain), the cost per handoff
page and each build's peak memory (max RSS), and that of its largest helper process
(git, the chart worker, Pagefind), which runs beside the build.  Then it serves the plugin's site on
127.0.0.1 and opens it in headless Chromium (Debian's), counting every byte the
browser receives: to open the home page (target <= 500 KB), and to run one search
on the search page (target <= 1 MB; the page itself is counted apart).  Usage::

    .venv/bin/python bench/site_build.py [--handoffs 10000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.factories import BODY, FRONT_MATTER, commit_all, handoff_text, make_repo  # noqa: E402

PER_CUSTOMER = 5

# Runs in a fresh interpreter: builds the site in-process and reports its own time and peak RSS.
_CHILD = """
import json, os, resource, sys, time
os.environ["NO_MKDOCS_2_WARNING"] = "1"
from mkdocs.commands.build import build
from mkdocs.config import load_config
import logging
logging.getLogger("mkdocs").setLevel(logging.ERROR)
config = load_config(sys.argv[1])
start = time.perf_counter()
build(config)
elapsed = time.perf_counter() - start
print(json.dumps({
    "seconds": elapsed,
    "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "helpers_max_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def generate(root: Path, count: int) -> list[Path]:
    files = []
    for n in range(count):
        customer = f"customer-{n // PER_CUSTOMER:04d}"
        day = 1 + n % PER_CUSTOMER
        front = FRONT_MATTER.replace(
            '"Northwind Health: EHR integration and go-live"', f'"Customer {n // PER_CUSTOMER} rollout {n}"'
        ).replace('"Northwind Health"', f'"Customer {n // PER_CUSTOMER}"')
        body = BODY.replace("80% of discharge summaries", f"{50 + n % 50}% of discharge summaries")
        path = root / "handoffs" / customer / f"2026-11-{day:02d}-implementation.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(handoff_text(front, body), encoding="utf-8")
        files.append(path)
    return files


def plugin_repo(base: Path, count: int) -> Path:
    root = make_repo(base / "plugin")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site-src", root / "site-src")
    shutil.copytree(PROJECT / "site-theme", root / "site-theme")
    generate(root, count)
    commit_all(root, "Generated handoffs")
    return root / "mkdocs.yml"


def plain_project(base: Path, plugin_root: Path) -> Path:
    """Same theme, extensions and home page; the handoff files as ordinary pages; no plugin."""
    root = base / "plain"
    shutil.copytree(PROJECT / "site-src", root / "docs")
    shutil.copytree(plugin_root / "handoffs", root / "docs" / "handoffs")
    config = yaml.safe_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = "docs"
    config["plugins"] = [p for p in config["plugins"] if p != "handoffs" and "handoffs" not in p]
    config["theme"].pop("custom_dir", None)
    config["nav"] = [{"Home": "index.md"}, {"Tags": "tags.md"}]  # handoff pages outside the nav, as in the plugin build
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root / "mkdocs.yml"


def build_once(config_file: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(config_file)],
        cwd=config_file.parent,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(config_file.parent), "HANDOFF_TODAY": "2026-11-23"},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": min(r["seconds"] for r in runs),
        "max_rss_mb": max(r["max_rss_kb"] for r in runs) / 1024,
        "helpers_max_rss_mb": max(r["helpers_max_rss_kb"] for r in runs) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="builds per variant, interleaved; the fastest is reported"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        base = Path(tmp)
        plugin_config = plugin_repo(base, args.handoffs)
        plain_config = plain_project(base, plugin_config.parent)
        # Interleaved, so a busy machine slows both alike; the fastest of each is reported.
        plain_runs, plugin_runs = [], []
        for _ in range(args.repeat):
            plain_runs.append(build_once(plain_config))
            plugin_runs.append(build_once(plugin_config))
        plain, plugin = best(plain_runs), best(plugin_runs)
        site = plugin_config.parent / "site"
        pages = sum(1 for _ in site.rglob("index.html"))
        transfer = browser_transfer(site, query="Customer 1234 rollout")
    ratio = plugin["seconds"] / plain["seconds"]
    print(f"handoffs:            {args.handoffs} ({args.handoffs // PER_CUSTOMER} customers); site pages: {pages}")
    for name, figures in (("plain mkdocs build", plain), ("plugin build", plugin)):
        seconds = figures["seconds"]
        per_page = 1000 * seconds / args.handoffs
        helpers = figures["helpers_max_rss_mb"]
        beside = f" (largest helper process: {helpers:.0f} MB)" if helpers >= 1 else ""
        print(
            f"{name + ':':<21}{seconds:.2f} s, {per_page:.2f} ms/handoff, peak {figures['max_rss_mb']:.0f} MB{beside}"
        )
    print(f"ratio plugin/plain:  {ratio:.2f}x (target <= 1.50x): {'OK' if ratio <= 1.5 else 'OVER TARGET'}")
    home, search_page, search = transfer["home"], transfer["search_page"], transfer["search"]
    print(
        f"open the home page:  {_kb(home)} in {transfer['home_requests']} requests (target <= 500 KB): {_ok(home, 500)}"
    )
    print(f"open the search page: {_kb(search_page)} in {transfer['search_page_requests']} requests")
    print(
        f"one search:          {_kb(search)} in {transfer['search_requests']} requests, "
        f"{transfer['results']} results, first 20 shown (target <= 1 MB): {_ok(search, 1000)}"
    )


def _kb(size: int) -> str:
    return f"{size / 1000:,.1f} KB"


def _ok(size: int, limit_kb: int) -> str:
    return "OK" if size <= limit_kb * 1000 else "OVER TARGET"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _served(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def browser_transfer(site: Path, query: str) -> dict[str, int]:
    """Bytes of every response the browser receives (the server sends them uncompressed)."""
    from playwright.sync_api import Response, sync_playwright

    received: list[int] = []

    def count(response: Response) -> None:
        try:
            received.append(len(response.body()))
        except Exception:  # a redirect or aborted response has no body: nothing received
            received.append(0)

    figures: dict[str, int] = {}
    with _served(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on("response", count)
        page.goto(url, wait_until="networkidle")
        figures["home"], figures["home_requests"] = sum(received), len(received)
        received.clear()
        page.goto(f"{url}search/", wait_until="networkidle")
        page.wait_for_selector("[data-handoffs-search][data-ready=true]", state="attached", timeout=60_000)
        figures["search_page"], figures["search_page_requests"] = sum(received), len(received)
        received.clear()
        page.fill("input.ho-search__input", query)
        page.wait_for_selector(".ho-search__result", timeout=60_000)
        page.wait_for_load_state("networkidle")
        figures["search"], figures["search_requests"] = sum(received), len(received)
        figures["results"] = int(page.inner_text(".ho-search__status").split()[0].replace(",", ""))
        browser.close()
    return figures


if __name__ == "__main__":
    main()
