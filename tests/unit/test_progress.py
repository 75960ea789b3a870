"""Progress bars: drawn by rich on a terminal once a run lasts, never in a pipe, a log or CI."""

from __future__ import annotations

import io
import time

import pytest

from handoffs.progress import ENV_OFF, ProgressBar, wanted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", ENV_OFF):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def _wait_until_shown(bar: ProgressBar) -> None:
    deadline = time.monotonic() + 60  # a loaded machine may take a while to import rich
    while not bar.shown and time.monotonic() < deadline:
        time.sleep(0.02)
    assert bar.shown


def test_a_long_run_on_a_terminal_shows_rich_bar_with_counts() -> None:
    stream = _Terminal()
    with ProgressBar("Checking handoff versions", 40, stream=stream, delay=0) as bar:
        bar.advance(30)
        _wait_until_shown(bar)
        bar.advance(10)
    assert not bar.shown  # gone when the work is done
    drawn = stream.getvalue()  # rich drew it (and cleared it: transient) on the terminal
    assert "Checking handoff versions" in drawn
    assert "40/40" in drawn  # rich's M/N column, redrawn once more as it stops


def test_a_quick_run_shows_nothing() -> None:
    stream = _Terminal()
    with ProgressBar("Checking handoffs", 3, stream=stream, delay=5) as bar:
        bar.advance(3)
    time.sleep(0.1)
    assert stream.getvalue() == ""


@pytest.mark.parametrize("env", ["CI", ENV_OFF])
def test_never_in_ci_or_when_switched_off(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv(env, "1")
    stream = _Terminal()
    assert not wanted(stream)
    with ProgressBar("Reading git history", stream=stream, delay=0) as bar:
        bar.advance()
        time.sleep(0.2)
    assert stream.getvalue() == ""


def test_never_into_a_pipe_or_a_file() -> None:
    stream = io.StringIO()  # not a terminal
    assert not wanted(stream)
    with ProgressBar("Writing handoff pages", 10, stream=stream, delay=0) as bar:
        bar.advance(10)
        time.sleep(0.2)
    assert stream.getvalue() == ""


def test_the_count_is_kept_even_when_no_bar_is_drawn() -> None:
    with ProgressBar("Checking handoffs", 5, stream=io.StringIO()) as bar:
        bar.advance(2)
        bar.advance(3)
    assert bar.completed == 5
