"""The metrics dashboard page: a static SVG chart (``charts``) and a table behind each metric.

Nothing is loaded from a CDN and no script runs.  Rates are drawn as percentages with
the 90 % acceptance target as a dashed line on the acceptance chart, drawn even when
there is no data yet.  The page is sanitised like every other; only the SVG
of each chart is put in afterwards (``Builder.add_chart``): it is written by ``charts``
from numbers and escaped team, type and month names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handoffs.metrics.compute import METRICS, MetricSpec, site_label
from handoffs.site import render as r
from handoffs.site.charts import Chart

SRC_URI = "metrics.md"
TITLE = "Metrics"


def _is_rate(metric: Mapping[str, Any]) -> bool:
    return "denominator" in metric


def _number(metric: Mapping[str, Any]) -> float | None:
    value = metric.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) * (100 if _is_rate(metric) else 1)


def _cell(metric: Mapping[str, Any]) -> str:
    value = metric.get("value")
    if value is None:
        return "unavailable" if "unavailable" in metric else "n/a"
    if _is_rate(metric):
        return f"{value * 100:.1f} % ({metric['numerator']}/{metric['denominator']})"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return f"{value:g}" if isinstance(value, float) else str(value)


def _chart(spec: MetricSpec, series: Mapping[str, Mapping[str, Any]], heading: str) -> Chart:
    key = spec.key
    metric_kind = next(iter(series.values()))[key] if series else {}
    percent = _is_rate(metric_kind) or key.endswith("_rate")
    unit = {"hours": " h", "days": " d"}.get(str(metric_kind.get("unit", "")), "")
    return Chart(
        f"{spec.site_label} by {heading}",
        [(label, _number(metrics[key])) for label, metrics in series.items()],
        percent=percent,
        integer=key == "handoffs" or key.endswith(("_count", "_incidents")),
        target=spec.target * 100 if spec.target is not None else None,  # the registry's target, always drawn
        unit=unit,
    )


def series_section(out: r.Builder, spec: MetricSpec, series: Mapping[str, Mapping[str, Any]], heading: str) -> None:
    """One metric over one grouping: its chart ("No data yet" when empty), why it is empty, its table."""
    key = spec.key
    out.heading(3, f"{r.esc(spec.site_label)} by {r.esc(heading)}")
    reasons = sorted({str(m[key]["unavailable"]) for m in series.values() if m[key].get("unavailable")})
    out.add('<figure class="ho-figure">')
    out.add_chart(_chart(spec, series, heading))
    out.add("</figure>")
    if reasons:
        out.add(f'<p class="ho-note">Unavailable: {r.esc("; ".join(reasons))}</p>')
    rows = [[r.esc(label), r.esc(_cell(metrics[key]))] for label, metrics in series.items()]
    if rows:
        out.add(r.table([r.esc(heading.capitalize()), r.esc(spec.site_label)], rows, css="ho-table ho-table--figures"))


def no_metrics_page(reason: str) -> r.Builder:
    """The page when nothing can be measured (no git history): it says why, in a sentence."""
    out = r.Builder()
    out.heading(1, TITLE)
    out.add(f"<p>No metrics in this build: {r.esc(reason)}.</p>")
    return out


def dashboard_page(data: Mapping[str, Any]) -> r.Builder:
    """The whole page from ``metrics_for_site(root, config)``: every charted metric of the registry."""
    target = float(data.get("acceptance_target", 0.9))
    overall: Mapping[str, Any] = data["overall"]
    out = r.Builder()
    out.heading(1, TITLE)
    out.add(
        "<p>Recomputed from git history at every build (definitions: README, 'Measuring handoffs'). "
        f"The pilot threshold is <strong>{target * 100:.0f} %</strong> acceptance.</p>"
    )
    rows = [[r.esc(site_label(k)), r.esc(_cell(overall[k]))] for k in data["keys"]]
    out.add(r.table(["Metric", "All handoffs"], rows, css="ho-table ho-table--figures"))
    charted = sorted((spec for spec in METRICS if spec.chart is not None), key=lambda spec: spec.chart or 0)
    out.heading(2, "Over time (by month opened)")
    for spec in charted:
        series_section(out, spec, data["months"], "month")
    for group, heading in (("teams", "team"), ("types", "type")):
        out.heading(2, f"By {heading}")
        for spec in charted:
            if spec.by_group:
                series_section(out, spec, data[group], heading)
    return out
