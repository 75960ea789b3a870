"""The site's metrics series and the dashboard page drawn from them (inline SVG, no CDN)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from handoffs.config import load_config
from handoffs.metrics.service import metrics_for_site
from handoffs.site.dashboard import bar_chart, dashboard_markdown
from tests.acceptance.test_metrics_history import build_history

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def series(repo: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    build_history(repo)
    return metrics_for_site(repo, load_config(repo), dt.date(2026, 11, 23))


def test_series_per_month_team_and_type(series: dict[str, Any]) -> None:
    # All three handoffs were opened in November 2026 (see test_metrics_history for the arithmetic).
    assert list(series["months"]) == ["2026-11"]
    assert series["months"]["2026-11"]["completeness_rate"]["numerator"] == 2
    assert series["overall"]["handoffs"]["value"] == 3
    # A and C: sales -> implementation; B: sales -> onboarding.
    assert {t: m["handoffs"]["value"] for t, m in series["teams"].items()} == {
        "implementation": 2,
        "onboarding": 1,
        "sales": 3,
    }
    assert {t: m["handoffs"]["value"] for t, m in series["types"].items()} == {"implementation": 2, "onboarding": 1}


def test_dashboard_has_a_chart_and_a_table_per_metric(series: dict[str, Any]) -> None:
    page = dashboard_markdown(series)
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    assert "<script" not in page
    charts = [line for line in page.splitlines() if line.startswith("<svg")]
    # 13 charted keys by month, 4 by team and by type; acceptance is unavailable offline, so it
    # gets a note instead of a chart: 12 + 3 + 3.
    assert len(charts) == 12 + 3 + 3
    for chart in charts:
        ET.fromstring(chart)  # noqa: S314 - our own output: is it well-formed SVG?
    assert "| month | Completeness at first review |" in page
    assert "| 2026-11 | 66.7 % (2/3) |" in page
    assert "Unavailable: no GITHUB_TOKEN" in page


def test_acceptance_chart_draws_the_90_percent_line() -> None:
    chart = bar_chart("Acceptance", [("2026-10", 80.0), ("2026-11", None)], percent=True, threshold=90.0)
    svg = ET.fromstring(chart)  # noqa: S314 - our own output
    lines = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "threshold"]
    assert len(lines) == 1
    # Plot height 168 from y=16: 90 % sits 10 % below the top, at 16 + 16.8.
    assert lines[0].get("y1") == "32.8"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "target 90 %" in texts
    assert "n/a" in texts  # a month without data is marked, not drawn as zero
    bar = next(svg.iter(f"{SVG}rect"))
    assert bar.get("height") == "134.4"  # 80 % of 168
