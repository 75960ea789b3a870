"""Metrics as a registry: one spec per metric, from which the table, JSON, CSV and dashboard derive."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from handoffs.metrics import compute
from handoffs.metrics.compute import METRICS, MetricSpec, compute_metrics
from handoffs.metrics.render import render_csv, render_json, render_table
from handoffs.metrics.reviews import Unavailable
from handoffs.site.dashboard import dashboard_page

TODAY = dt.date(2026, 11, 23)


def test_every_spec_is_complete_and_keys_are_unique() -> None:
    keys = [spec.key for spec in METRICS]
    assert len(keys) == len(set(keys))
    for spec in METRICS:
        assert spec.cli_label
        assert spec.site_label
    charts = [spec.chart for spec in METRICS if spec.chart is not None]
    assert len(charts) == len(set(charts))


def _dashboard(data: dict[str, object]) -> str:
    built = dashboard_page(data)
    return built.fill_slots(built.html())


def _site_data(metrics: dict[str, dict[str, object]]) -> dict[str, object]:
    return {
        "keys": list(metrics),
        "acceptance_target": 0.9,
        "overall": metrics,
        "months": {"2026-11": metrics},
        "teams": {"sales": metrics},
        "types": {"onboarding": metrics},
    }


def test_adding_a_metric_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = MetricSpec(
        "crm_synced_count",
        "Handoffs drafted from the CRM",
        "Drafted from the CRM",
        lambda inputs: {"value": 7},
        chart=99,
        by_group=True,
    )
    monkeypatch.setattr(compute, "METRICS", (*METRICS, extra))
    monkeypatch.setattr(compute, "BY_KEY", {spec.key: spec for spec in (*METRICS, extra)})
    monkeypatch.setattr("handoffs.metrics.render.METRICS", (*METRICS, extra))
    monkeypatch.setattr("handoffs.site.dashboard.METRICS", (*METRICS, extra))
    metrics = compute_metrics([], Unavailable("offline"), TODAY, {})
    assert metrics["crm_synced_count"] == {"value": 7}
    table, data, sheet = io.StringIO(), io.StringIO(), io.StringIO()
    render_table({}, metrics, table)
    render_json({}, metrics, data)
    render_csv({}, metrics, sheet)
    assert "Handoffs drafted from the CRM" in table.getvalue()
    assert json.loads(data.getvalue())["metrics"]["crm_synced_count"] == {"value": 7}
    assert "crm_synced_count,7," in sheet.getvalue()
    page = _dashboard(_site_data(metrics))
    assert "Drafted from the CRM by month" in page
    assert "Drafted from the CRM by team" in page


def test_a_metric_without_a_spec_shows_its_key_instead_of_crashing() -> None:
    metrics = {**compute_metrics([], Unavailable("offline"), TODAY, {}), "from_a_newer_cache": {"value": 3}}
    table = io.StringIO()
    render_table({}, metrics, table)
    assert "from_a_newer_cache" in table.getvalue()
    assert "<td>from_a_newer_cache</td><td>3</td>" in _dashboard(_site_data(metrics))
