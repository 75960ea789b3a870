"""Bar charts as static SVG, drawn by matplotlib when the site is built.

Nothing runs in the reader's browser and nothing is loaded from elsewhere: each chart
is an inline ``<svg>`` with its text kept as text (``svg.fonttype: none``), so it is
small, searchable and drawn in the page's own font.  The axis is always readable:

* ticks at round values (0/20/…/100 % for rates, whole numbers for counts);
* category labels wrapped and, when there are many, rotated, so they never overlap;
* a chart with nothing to draw says "No data yet" instead of showing an empty box;
* the target line, when a metric has one, is drawn whether or not there is data.

matplotlib is imported only here, and only by the site build (never by ``handoff check``).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

BAR = "#3f6fb5"
TARGET = "#c0392b"
INK = "#333333"
GRID = "#dddddd"
_ROTATE_ABOVE = 6  # more categories than this and labels are rotated as well as wrapped
_WRAP = 14  # characters per label line
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_DROPPED = re.compile(r"\s*<metadata>.*?</metadata>|\s*<style\b.*?</style>", re.DOTALL)
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: small files, the page's font
    "svg.hashsalt": "handoffs",  # stable element ids: the same data gives the same bytes
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": "#888888",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


@dataclass(frozen=True)
class Chart:
    """One bar per category; ``None`` is "no figure for this category" (drawn as n/a)."""

    title: str
    points: Sequence[tuple[str, float | None]]
    percent: bool = False  # values are 0-100 and the axis runs to 100 %
    integer: bool = False  # counts: whole-number ticks only
    target: float | None = None  # drawn as a dashed line, always
    unit: str = ""
    size: tuple[float, float] = (7.2, 2.9)  # inches: small charts in a grid get larger text relative to them


def label_text(value: float, chart: Chart) -> str:
    if chart.percent:
        return f"{value:.0f} %"
    if chart.integer or float(value).is_integer():
        return f"{value:,.0f}{chart.unit}"
    return f"{value:,.1f}{chart.unit}"


def svg(chart: Chart) -> str:
    """The chart as one inline ``<svg>`` element, sized by its container."""
    import matplotlib as mpl
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    with mpl.rc_context(_STYLE):  # type: ignore[arg-type]  # keys are checked at run time
        figure = Figure(figsize=chart.size)
        axes = figure.add_subplot()
        rotated = _draw(axes, chart)
        # Fixed margins (one draw; a layout engine draws twice): room for wrapped or rotated labels.
        figure.subplots_adjust(left=0.8 / chart.size[0], right=0.98, top=0.93, bottom=0.28 if rotated else 0.2)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(buffer.getvalue(), chart.title)


def _draw(axes: Any, chart: Chart) -> bool:
    """Draw ``chart`` on ``axes``; returns whether the category labels are rotated."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

    labels = [label for label, _ in chart.points]
    values = [value for _, value in chart.points]
    known = [v for v in values if v is not None]
    positions = range(len(labels))
    rotated = len(labels) > _ROTATE_ABOVE
    if labels:
        drawn = [v if v is not None else 0.0 for v in values]
        bars = axes.bar(positions, drawn, color=BAR, width=0.65)
        for bar, value in zip(bars, values, strict=True):
            text = label_text(value, chart) if value is not None else "n/a"
            axes.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        axes.set_xticks(list(positions), [textwrap.fill(label, _WRAP) for label in labels])
        if rotated:
            for tick in axes.get_xticklabels():
                tick.set_rotation(35)
                tick.set_horizontalalignment("right")
                tick.set_rotation_mode("anchor")
        axes.set_xlim(-0.6, len(labels) - 0.4)
    else:
        axes.set_xticks([])
    if not known:
        axes.text(
            0.5, 0.5, "No data yet", transform=axes.transAxes, ha="center", va="center", fontsize=12, color="#666666"
        )
    if chart.percent:
        axes.set_ylim(0, 105)
        axes.yaxis.set_major_locator(MultipleLocator(20))
    else:
        top = max([*known, chart.target or 0.0, 1.0])
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=chart.integer, steps=[1, 2, 2.5, 5, 10]))
        axes.set_ylim(0, top * 1.15)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: label_text(value, chart)))
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    if chart.target is not None:
        axes.axhline(chart.target, color=TARGET, linestyle=(0, (6, 4)), linewidth=1.2, gid="target-line")
        axes.annotate(
            f"target {label_text(chart.target, chart)}",
            (1, chart.target),
            xycoords=("axes fraction", "data"),
            xytext=(-2, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            color=TARGET,
            fontsize=8,
        )
    return rotated


def _inline(document: str, title: str) -> str:
    """matplotlib's file as an element for an HTML page: no prolog, scalable, labelled."""
    start = document.index("<svg")
    # The RDF metadata is clutter, and the stylesheet would apply to the whole page.
    element = _DROPPED.sub("", document[start:]).strip()
    opening = _SVG_OPEN.match(element)
    if opening is None:  # matplotlib always writes one; refuse anything else
        raise ValueError("matplotlib wrote no <svg> element")
    tag = re.sub(r'\s(?:width|height)="[^"]*"', "", opening.group(0))
    label = escape(title, quote=True)
    tag = tag[:-1] + f' class="ho-chart" role="img" aria-label="{label}">'
    return tag + f"<title>{escape(title)}</title>" + element[opening.end() :]
