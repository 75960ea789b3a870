"""The site's metrics series and the dashboard page drawn from them (static SVG by matplotlib, no CDN)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from handoffs.config import load_config
from handoffs.metrics.compute import METRICS
from handoffs.metrics.service import metrics_for_site
from handoffs.site.charts import Chart, svg
from handoffs.site.dashboard import dashboard_page
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


def _texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in element.iter(f"{SVG}text")]


def test_dashboard_has_a_chart_and_a_table_per_metric(series: dict[str, Any]) -> None:
    built = dashboard_page(series)
    page = built.fill_slots(built.html())
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xlink", "")
    assert "<script" not in page
    charts = [page[i : page.index("</svg>", i) + 6] for i in range(len(page)) if page.startswith("<svg", i)]
    # Every charted metric of the registry by month, and those charted by group per team and
    # per type: every one drawn, even acceptance, which is unavailable offline and so says
    # "No data yet" above its 90 % line.
    charted = [spec for spec in METRICS if spec.chart is not None]
    assert len(charts) == len(charted) + 2 * sum(1 for spec in charted if spec.by_group)
    for chart in charts:
        ET.fromstring(chart)  # noqa: S314 - our own output: is it well-formed SVG?
    assert '<th scope="col">Month</th><th scope="col">Completeness at first review</th>' in page
    assert "<td>2026-11</td><td>66.7 % (2/3)</td>" in page
    assert "Unavailable: no GITHUB_TOKEN" in page


def test_the_target_line_is_drawn_with_and_without_data() -> None:
    for points in ([("2026-10", 80.0), ("2026-11", None)], [], [("2026-11", None)]):
        chart = ET.fromstring(svg(Chart("Acceptance", points, percent=True, target=90.0)))  # noqa: S314
        assert chart.find(f".//{SVG}g[@id='target-line']") is not None
        texts = _texts(chart)
        assert "target 90 %" in texts
        assert ("No data yet" in texts) == all(v is None for _, v in points)
    drawn = ET.fromstring(svg(Chart("Acceptance", [("2026-10", 80.0), ("2026-11", None)], percent=True, target=90.0)))  # noqa: S314
    texts = _texts(drawn)
    assert "n/a" in texts  # a month without data is marked, not drawn as zero
    assert "80 %" in texts


def test_axis_ticks_are_round_and_labels_do_not_collide() -> None:
    hours = ET.fromstring(svg(Chart("Hours", [(f"2026-{m:02d}", m * 77.7) for m in range(1, 13)], unit=" h")))  # noqa: S314
    ticks = [t for t in _texts(hours) if t.endswith(" h") and t.replace(",", "").split()[0].isdigit()]
    assert {"0 h", "250 h", "500 h", "750 h", "1,000 h"} <= set(ticks)  # not 935.6
    teams = svg(Chart("Teams", [("account-management", 3.0), ("customer-success", 1.0)], integer=True))
    assert "account-management" not in teams  # wrapped onto two lines, never run together
    counts = ET.fromstring(svg(Chart("Rework", [("a", 0.0), ("b", 0.0)], integer=True)))  # noqa: S314
    assert "0.5" not in _texts(counts)  # whole-number ticks for counts
