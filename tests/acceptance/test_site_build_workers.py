"""The site build's helper processes, in a real mkdocs build: charts drawn by the worker
and the search index fed page by page end up in the pages, and when either helper fails
the build fails and says which, never publishing a page without its chart or a site
without its index."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from handoffs.site import charts, search
from tests.acceptance.test_site_build import NORTHWIND
from tests.browser.sitebuild import add_site_config, built
from tests.factories import commit_all, write_handoff


@pytest.fixture
def site_repo(repo: Path) -> Path:
    add_site_config(repo)
    write_handoff(repo, NORTHWIND)
    commit_all(repo, "Add a handoff")
    return repo


def test_charts_and_search_come_from_the_helpers_complete(site_repo: Path) -> None:
    site = built(site_repo)
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("index.html")]
    assert not [p for p in pages if "<!--handoffs-chart" in p], "every chart placeholder was filled"
    metrics = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert metrics.count('class="ho-chart"') >= 10
    fragments = list((site / search.BUNDLE / "fragment").glob("*.pf_fragment"))
    assert len(fragments) == 1, "the one handoff page, and no other page, is searchable"


def _build_in_process(root: Path, caplog: pytest.LogCaptureFixture) -> str:
    config = load_config(str(root / "mkdocs.yml"))
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build(config)
    return caplog.text


def test_a_chart_worker_that_dies_fails_the_build_naming_the_chart(
    site_repo: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    dying = (sys.executable, "-c", "import sys; sys.stderr.write('Segmentation fault\\n'); sys.exit(139)")
    monkeypatch.setattr(charts, "WORKER", dying)
    said = _build_in_process(site_repo, caplog)
    assert "handoffs: metrics.md: the chart 'Handoffs opened by month' could not be drawn" in said
    assert "the chart worker stopped (exit code 139): Segmentation fault" in said


def test_a_search_index_that_fails_fails_the_build(
    site_repo: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = [sys.executable, "-c", "import sys; sys.stderr.write('Error: cannot write bundle\\n'); sys.exit(1)"]
    monkeypatch.setattr(search, "service_command", lambda: failing)
    said = _build_in_process(site_repo, caplog)
    assert "handoffs: the search index could not be built: Pagefind stopped before the index was written" in said
    assert "(exit code 1): Error: cannot write bundle" in said
