"""Metrics as a table for people, JSON for scripts and CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, TextIO

from handoffs.metrics.compute import METRICS, Metric, cli_label


def describe(metric: Metric, notes: dict[str, int] | None = None) -> str:
    """One human cell: the value, then its counts, target and any caveat.

    A caveat listed in ``notes`` (reason -> number) is referred to by its number; the
    table prints each such reason once, below it.
    """
    value = metric.get("value")
    parts: list[str] = []
    if "denominator" in metric:
        if value is None:
            parts.append("unavailable" if "unavailable" in metric else "n/a (no cases)")
        else:
            parts.append(f"{value * 100:.1f} % ({metric['numerator']}/{metric['denominator']})")
        if "target" in metric:
            target = metric["target"]
            verdict = "" if value is None else (" — meets" if value >= target else " — BELOW")
            parts.append(f"target {target * 100:.0f} %{verdict}")
    elif "unit" in metric:
        parts.append("n/a (no cases)" if value is None else f"{value:g} {metric['unit']} (n={metric['count']})")
        if "target" in metric:
            parts.append(f"target {metric['target']}: {metric['within_target']}/{metric['count']} within")
    elif isinstance(value, dict):
        parts.append(", ".join(f"{k} {v}" for k, v in value.items()))
    elif value is None:
        parts.append("unavailable")
    else:
        parts.append(str(value))
    for key in ("scope_changes", "changes_requested", "from_files", "from_issues"):
        if key in metric and metric[key] is not None:
            parts.append(f"{key.replace('_', ' ')} {metric[key]}")
    if "unavailable" in metric:
        parts.append(_caveat(metric, notes or {}))
    return "; ".join(parts)


def _caveat(metric: Metric, notes: dict[str, int]) -> str:
    caveat = str(metric["unavailable"])
    for reason, number in notes.items():
        caveat = caveat.replace(reason, f"see note {number}")
    return ("partial: " if metric.get("partial") else "") + caveat


def shared_reasons(metrics: dict[str, Metric]) -> dict[str, int]:
    """Each distinct reason a figure is missing or partial, numbered in the order met.

    A reason quoted inside a longer one (the offline stand-in for milestones names why
    it stands in) is numbered once, and the longer one refers to it.
    """
    reasons = list(dict.fromkeys(str(m["unavailable"]) for m in metrics.values() if "unavailable" in m))
    basic = [r for r in reasons if not any(other != r and other in r for other in reasons)]
    return {reason: number for number, reason in enumerate(basic, start=1)}


def render_table(header: dict[str, Any], metrics: dict[str, Metric], out: TextIO) -> None:
    scope = ", ".join(f"{k} {v}" for k, v in header.items() if v is not None) or "all handoffs"
    out.write(f"Handoff metrics ({scope})\n\n")
    width = max(len(cli_label(key)) for key in (*(spec.key for spec in METRICS), *metrics))
    notes = shared_reasons(metrics)
    for key, metric in metrics.items():
        out.write(f"{cli_label(key):<{width}}  {describe(metric, notes)}\n")
    if notes:
        out.write("\n")
    for reason, number in notes.items():
        out.write(f"Note {number}: {reason}.\n")


def render_json(header: dict[str, Any], metrics: dict[str, Metric], out: TextIO) -> None:
    json.dump({"selection": header, "metrics": metrics}, out, indent=2, sort_keys=False)
    out.write("\n")


def render_csv(header: dict[str, Any], metrics: dict[str, Metric], out: TextIO) -> None:
    del header  # the selection is the caller's; CSV rows stay uniform for spreadsheets
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["metric", "value", "numerator", "denominator", "count", "target", "within_target", "note"])
    for key, metric in metrics.items():
        value = metric.get("value")
        if isinstance(value, dict):
            value = ";".join(f"{k}={v}" for k, v in value.items())
        writer.writerow(
            [
                key,
                "" if value is None else value,
                _blank(metric.get("numerator")),
                _blank(metric.get("denominator")),
                _blank(metric.get("count")),
                _blank(metric.get("target")),
                _blank(metric.get("within_target")),
                metric.get("unavailable", ""),
            ]
        )
    out.write(buffer.getvalue())


def _blank(value: object) -> object:
    return "" if value is None else value


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}
