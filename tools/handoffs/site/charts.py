"""Bar charts as static SVG, drawn by matplotlib when the site is built.

Nothing runs in the reader's browser and nothing is loaded from elsewhere: each chart
is an inline ``<svg>`` with its text kept as text (``svg.fonttype: none``), so it is
small, searchable and drawn in the page's own font.  The axis is always readable:

* ticks at round values (0/20/…/100 % for rates, whole numbers for counts);
* category labels wrapped and, when there are many, rotated, so they never overlap;
* a chart with nothing to draw says "No data yet" instead of showing an empty box;
* the target line, when a metric has one, is drawn whether or not there is data.

matplotlib is imported only here, and only by the site build (never by ``handoff check``).

``ChartWorker`` draws charts in a separate process, started when the build starts (so
importing matplotlib and loading its fonts overlaps the handoff checks) and handed each
chart as soon as a page asks for it: the page gets a placeholder, and the SVG is put in
when the page is written, while the site generator renders other pages meanwhile.  A
chart that fails to draw, or a worker that dies, fails the build and says which chart:
a page is never published with a chart missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from html import escape
from typing import IO, Any

from handoffs.errors import HandoffError

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


Draw = Callable[[Chart], str]  # a chart to its markup: ``svg``, or a worker's placeholder
WORKER = (sys.executable, "-m", "handoffs.site.charts")  # this module, run as the chart worker
# A chart is drawn in well under a second; a worker this long without an answer hangs, and
# the build fails with the chart's name rather than wait forever.
ANSWER_LIMIT = 300.0  # seconds


def warm_up() -> None:
    """Import matplotlib and load its font, so the first real chart does not wait for them."""
    svg(Chart("warm-up", [("a", 1.0)]))


@dataclass(frozen=True)
class PendingChart:
    """A chart being drawn by the worker, and the placeholder that stands for it in a page."""

    title: str
    placeholder: str
    future: Future[str]

    def markup(self) -> str:
        """The chart's SVG, waiting for the worker if need be; ``HandoffError`` if it was not drawn."""
        try:
            return self.future.result(timeout=ANSWER_LIMIT)
        except HandoffError as exc:
            raise HandoffError(f"the chart '{self.title}' could not be drawn: {exc}") from None
        except TimeoutError:  # concurrent.futures' timeout is the built-in one from Python 3.11
            raise HandoffError(
                f"the chart '{self.title}' could not be drawn: the chart worker gave no answer in {ANSWER_LIMIT:.0f} s"
            ) from None


class ChartWorker:
    """Draws charts in one separate process: this module run as a script (``command``).

    Requests and answers are JSON lines: ``{"id": n, "chart": {...}}`` in, ``{"id": n,
    "svg": "..."}`` or ``{"id": n, "error": "..."}`` out.  A thread reads the answers and
    settles each chart's future; if the process ends first, every chart still waiting
    fails with its exit code and last words.
    """

    def __init__(self, command: Sequence[str] | None = None) -> None:
        self._token = secrets.token_hex(8)  # placeholders no page text can contain by chance
        self._futures: dict[int, Future[str]] = {}
        self._lock = threading.Lock()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  # closed by close()
        # The parent's import path, so the worker imports this very package.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self._process = subprocess.Popen(
                list(command or WORKER), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env
            )
        except OSError as exc:
            raise HandoffError(f"the chart worker could not be started: {exc}") from None
        self._ended: str | None = None  # why the worker can draw no more
        self._reader = threading.Thread(target=self._read_all, name="chart-worker-read", daemon=True)
        self._reader.start()

    def submit(self, chart: Chart) -> PendingChart:
        """Ask for ``chart``; the answer is awaited only when its page is written."""
        future: Future[str] = Future()
        with self._lock:
            number = len(self._futures)
            self._futures[number] = future
            ended = self._ended
        if ended is not None:
            future.set_exception(HandoffError(ended))
        else:
            request = json.dumps({"id": number, "chart": dataclasses.asdict(chart)}) + "\n"
            try:
                stdin = self._process.stdin
                if stdin is None:  # Popen gives the pipe: never seen
                    raise BrokenPipeError
                stdin.write(request.encode("utf-8"))
                stdin.flush()
            except (BrokenPipeError, ValueError):
                self._end(self._stopped())  # the reader also sees it; the first reason wins
        return PendingChart(chart.title, f"<!--handoffs-chart {self._token} {number}-->", future)

    def close(self) -> None:
        """Stop the worker (after the pages are written, or on error): charts not drawn yet fail."""
        self._end("the build stopped")
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._reader.join(timeout=5)
        self._stderr.close()

    def _read_all(self) -> None:
        stdout = self._process.stdout
        if stdout is None:  # Popen gives the pipe: never seen
            return
        for line in stdout:
            try:
                answer = json.loads(line)
                number = int(answer["id"])
            except (ValueError, KeyError, TypeError):
                self._end(f"the chart worker answered something unreadable: {line[:80]!r}")
                return
            with self._lock:
                future = self._futures.get(number)
            if future is None or future.done():
                continue  # an answer for a chart already failed (a stopped build): nothing waits for it
            if isinstance(answer.get("svg"), str):
                future.set_result(answer["svg"])
            else:
                future.set_exception(HandoffError(str(answer.get("error") or "no drawing came back")))
        self._end(self._stopped())

    def _stopped(self) -> str:
        try:
            code: int | str = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = "none yet"
        try:
            self._stderr.seek(0)
            said = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        except ValueError:  # closed: the build is over
            said = []
        return f"the chart worker stopped (exit code {code}){': ' + said[-1] if said else ''}"

    def _end(self, reason: str) -> None:
        """No more drawings: every chart still waiting fails with ``reason``."""
        with self._lock:
            if self._ended is None:
                self._ended = reason
            waiting = [f for f in self._futures.values() if not f.done()]
        for future in waiting:
            with contextlib.suppress(InvalidStateError):  # the reader settled it meanwhile
                future.set_exception(HandoffError(reason))


def fill(html: str, pending: Sequence[PendingChart]) -> str:
    """``html`` with each placeholder replaced by its chart; ``HandoffError`` if one is missing or failed."""
    for chart in pending:
        if chart.placeholder not in html:  # never publish a page with a chart silently missing
            raise HandoffError(f"the place of the chart '{chart.title}' was lost from its page")
        html = html.replace(chart.placeholder, chart.markup(), 1)
    return html


def _chart_of(fields: dict[str, Any]) -> Chart:
    """A chart from its JSON form (``dataclasses.asdict``): lists back to tuples."""
    points = [(str(label), None if value is None else float(value)) for label, value in fields.pop("points")]
    width, height = fields.pop("size")
    return Chart(points=points, size=(float(width), float(height)), **fields)


def _serve() -> None:
    """The worker: load matplotlib, then draw each requested chart, answering in order."""
    warm_up()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"id": request["id"], "svg": svg(_chart_of(request["chart"]))}
        except Exception as exc:  # a chart that cannot be drawn is answered, and named by the build
            answer = {"id": request["id"], "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
