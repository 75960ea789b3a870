"""Progress bars for long runs (metrics over a long history, a large site build), drawn by rich.

Only a person watching a terminal gets one, and only once a run has lasted long
enough to need it (``DELAY`` seconds): a quick run, a pipe, a log file or CI output
stays exactly as it was.  rich is imported only when a bar is actually shown, so
``handoff check`` never pays for it.
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY = 2.0  # seconds a run lasts before a bar is worth showing
ENV_OFF = "HANDOFF_NO_PROGRESS"


def wanted(stream: TextIO) -> bool:
    """A bar only on an interactive terminal, never in CI or when switched off."""
    if os.environ.get(ENV_OFF) or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class ProgressBar:
    """``with ProgressBar("Checking versions", total) as bar: ... bar.advance(n)``.

    ``total=None`` is a spinner for work of unknown size.  Safe to advance from the
    thread that owns the work while rich redraws from its own.
    """

    def __init__(
        self, description: str, total: int | None = None, *, stream: TextIO | None = None, delay: float = DELAY
    ) -> None:
        self.description = description
        self.total = total
        self.stream = stream or sys.stderr
        self.delay = delay
        self.completed = 0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        if wanted(self.stream):
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    @property
    def shown(self) -> bool:
        """Whether the bar is on screen now."""
        return self._progress is not None

    def advance(self, amount: int = 1) -> None:
        with self._lock:
            self.completed += amount
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, completed=self.completed)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
        progress = Progress(
            *columns, TimeElapsedColumn(), console=Console(file=self.stream), transient=True, refresh_per_second=8
        )
        with self._lock:
            if self._timer is None:  # finished while rich was being imported
                return
            self._task = progress.add_task(self.description, total=self.total, completed=self.completed)
            progress.start()
            self._progress = progress

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._progress is not None:
                self._progress.stop()  # transient: the bar disappears, the command's output stays
                self._progress = None
