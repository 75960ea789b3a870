"""The metrics dashboard page: inline SVG bar charts drawn at build time, a table behind each.

Nothing is loaded from a CDN and no script runs: each chart is plain SVG computed from
``metrics_for_site`` numbers, and every label is XML-escaped.  Rates are drawn as
percentages with the 90 % acceptance threshold as a dashed line on the acceptance chart.
The generated SVG must reach the browser as written, so the plugin serves this page
without the HTML sanitizer used for pages built from handoff text (nothing on it comes
from a handoff body; customer names do not appear).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from handoffs.metrics.compute import BY_KEY, METRICS, site_label
from handoffs.reporters.markdown import cell

SRC_URI = "metrics.md"
TITLE = "Metrics"
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 48, 36, 16


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


def bar_chart(title: str, points: list[tuple[str, float | None]], *, percent: bool, threshold: float | None) -> str:
    """An accessible SVG bar chart; ``None`` values are marked "n/a" instead of drawn."""
    known = [v for _, v in points if v is not None]
    top = 100.0 if percent else max([*known, 1.0]) * 1.15
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="handoff-chart" width="100%">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 8}" y2="{PAD_TOP + plot_h}" stroke="#888"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end" font-size="11">'
        f"{escape(_axis(top, percent))}</text>",
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, (label, value) in enumerate(points):
        x = PAD_LEFT + index * step + step * 0.15
        width = step * 0.7
        centre = x + width / 2
        if value is None:
            parts.append(
                f'<text x="{centre:.1f}" y="{PAD_TOP + plot_h - 4}" text-anchor="middle" font-size="10">n/a</text>'
            )
        else:
            height = plot_h * min(value / top, 1.0)
            y = PAD_TOP + plot_h - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="#3f6fb5">'
                f"<title>{escape(label)}: {escape(_axis(value, percent))}</title></rect>"
            )
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">'
                f"{escape(_axis(value, percent))}</text>"
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - PAD_BOTTOM + 14}" text-anchor="middle" font-size="10">'
            f"{escape(label)}</text>"
        )
    if threshold is not None:
        y = PAD_TOP + plot_h * (1 - threshold / top)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="#c0392b" '
            f'stroke-dasharray="6 4" class="threshold"/>'
        )
        parts.append(
            f'<text x="{WIDTH - 10}" y="{y - 4:.1f}" text-anchor="end" font-size="11" fill="#c0392b">'
            f"target {escape(_axis(threshold, percent))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _axis(value: float, percent: bool) -> str:
    return f"{value:.0f} %" if percent else f"{value:.4g}"


def _series_section(key: str, series: Mapping[str, Mapping[str, Any]], heading: str, target: float) -> list[str]:
    points = [(label, _number(metrics[key])) for label, metrics in series.items()]
    percent = bool(series) and _is_rate(next(iter(series.values()))[key])
    spec = BY_KEY.get(key)
    threshold = spec.target * 100 if spec is not None and spec.target is not None else None
    label = site_label(key)
    lines = [f"### {label} — {heading}", ""]
    reasons = {str(m[key]["unavailable"]) for m in series.values() if m[key].get("unavailable")}
    if reasons and all(v is None for _, v in points):
        lines += [f"Unavailable: {cell('; '.join(sorted(reasons)))}", ""]
    elif points:
        lines += [bar_chart(f"{label} — {heading}", points, percent=percent, threshold=threshold), ""]
    lines += [f"| {heading} | {label} |", "|---|---|"]
    lines += [f"| {cell(label)} | {cell(_cell(metrics[key]))} |" for label, metrics in series.items()]
    lines.append("")
    return lines


def no_metrics_markdown(reason: str) -> str:
    """The page when nothing can be measured (no git history): it says why, in a sentence."""
    return f"# {TITLE}\n\nNo metrics in this build: {cell(reason)}.\n"


def dashboard_markdown(data: Mapping[str, Any]) -> str:
    """The whole page from ``metrics_for_site(root, config)``."""
    target = float(data.get("acceptance_target", 0.9))
    overall: Mapping[str, Any] = data["overall"]
    lines = [
        f"# {TITLE}",
        "",
        "Recomputed from git history at every build (definitions: README, 'Measuring handoffs'). "
        f"The pilot threshold is **{target * 100:.0f} %** acceptance.",
        "",
        "| Metric | All handoffs |",
        "|---|---|",
    ]
    lines += [f"| {cell(site_label(k))} | {cell(_cell(overall[k]))} |" for k in data["keys"]]
    lines.append("")
    lines += ["## Over time (by month opened)", ""]
    charted = sorted((spec for spec in METRICS if spec.chart is not None), key=lambda spec: spec.chart or 0)
    for spec in charted:
        lines += _series_section(spec.key, data["months"], "month", target)
    for group, heading in (("teams", "team"), ("types", "type")):
        lines += [f"## By {heading}", ""]
        for spec in charted:
            if spec.by_group:
                lines += _series_section(spec.key, data[group], heading, target)
    return "\n".join(lines)
