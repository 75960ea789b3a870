"""The build's helper processes: the search index fed page by page (Pagefind's service) and
the chart worker.  Each is checked against the direct way (the Pagefind CLI over finished
pages; matplotlib in-process), and every way it can fail must fail loudly, naming what failed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from handoffs.errors import HandoffError
from handoffs.site import charts, search
from handoffs.site.charts import Chart, ChartWorker, fill, svg
from handoffs.site.search import BUNDLE, SearchIndex, service_command

CHROME = '<header><nav><a href="/">Home</a> <a href="/tags/">Tags</a> navigation words</nav></header>'


def _body(customer: str, words: str) -> str:
    return (
        f'<div data-pagefind-body><h1 id="t">{customer} rollout</h1><p>{words}</p>'
        f'<div hidden data-pagefind-ignore="index"><span data-pagefind-meta="customer">{customer}</span>'
        f'<span data-pagefind-filter="status">approved</span></div></div>'
    )


PAGES = {
    "/handoffs/acme/2026-11-01-onboarding/": _body("Acme Corp", "Sandbox access before kickoff, 15% discount."),
    "/handoffs/zeta/2026-11-02-implementation/": _body("Zeta Health", "HL7 FHIR integration for discharge."),
}


def _fragments(bundle: Path) -> set[str]:
    return {path.name for path in (bundle / "fragment").iterdir()}


def test_pages_fed_one_by_one_index_as_the_cli_indexes_the_finished_pages(tmp_path: Path) -> None:
    fed = tmp_path / "fed"
    index = SearchIndex(fed)
    for url, body in PAGES.items():
        index.add(url, body)
    index.wait()
    entry = json.loads((fed / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2
    assert (fed / BUNDLE / "pagefind.js").is_file()

    # The same pages as finished documents, with navigation around them and a page that is not
    # searchable, indexed by the CLI: the fragments (text, title, meta, filters, URL) are identical.
    finished = tmp_path / "finished"
    for url, body in {**PAGES, "/": "<h1>Home</h1><p>Welcome</p>"}.items():
        target = finished / url.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>{CHROME}{body}</body></html>'
        )
    executable = service_command()[0]
    subprocess.run([executable, "--site", str(finished), "--output-subdir", BUNDLE, "--silent"], check=True)
    assert _fragments(fed / BUNDLE) == _fragments(finished / BUNDLE)


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


# A stand-in for `pagefind --service` that speaks its protocol and misbehaves as told (argv[1]).
FAKE_SERVICE = r"""
import base64, json, sys
mode = sys.argv[1]
def answer(message_id, payload):
    encoded = base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode())
    sys.stdout.write(encoded.decode() + ",")
    sys.stdout.flush()
pending = b""
adds = 0
while chunk := sys.stdin.buffer.read1(65536):
    pending += chunk
    *messages, pending = pending.split(b",")
    for raw in messages:
        message = json.loads(base64.b64decode(raw))
        kind, message_id = message["payload"]["type"], message["message_id"]
        if kind == "NewIndex":
            answer(message_id, {"type": "NewIndex", "index_id": 0})
        elif kind == "AddFile":
            adds += 1
            if mode == "error":
                answer(message_id, {"type": "Error", "message": "Failed to add file"})
            elif mode == "drop" and adds == 2:
                pass
            elif mode == "die":
                sys.stderr.write("thread 'main' panicked: out of memory\n")
                sys.exit(101)
            else:
                answer(message_id, {"type": "IndexedFile", "page_url": message["payload"]["url"]})
        elif kind == "WriteFiles":
            answer(message_id, {"type": "WriteFiles", "output_path": message["payload"]["output_path"]})
"""


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("error", "the search index could not be built: Failed to add file"),
        ("drop", "the search index could not be built: Pagefind indexed 1 of 2 pages"),
        ("die", "Pagefind stopped before the index was written (exit code 101): thread 'main' panicked: out of memory"),
    ],
)
def test_a_service_that_fails_fails_the_index_and_says_how(tmp_path: Path, mode: str, said: str) -> None:
    index = SearchIndex(tmp_path, command=[*_python(FAKE_SERVICE), mode])
    for url, body in PAGES.items():
        index.add(url, body)
    with pytest.raises(HandoffError) as raised:
        index.wait()
    assert said in str(raised.value)


def test_a_service_that_never_starts_fails_the_index(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path, command=_python("import sys; sys.stderr.write('cannot run here\\n'); sys.exit(3)"))
    index.add("/a/", PAGES["/handoffs/acme/2026-11-01-onboarding/"])
    with pytest.raises(HandoffError, match=r"exit code 3\): cannot run here"):
        index.wait()


def test_a_missing_binary_and_late_pages_are_refused(tmp_path: Path) -> None:
    with pytest.raises(HandoffError, match="could not be started"):
        SearchIndex(tmp_path, command=[str(tmp_path / "no-such-pagefind"), "--service"])
    index = SearchIndex(tmp_path)
    index.write()
    with pytest.raises(HandoffError, match="added after the index was written"):
        index.add("/late/", PAGES["/handoffs/acme/2026-11-01-onboarding/"])
    index.wait()  # an empty index is still an index: the search page finds nothing, and says so


def test_an_aborted_index_stops_pagefind_and_writes_nothing(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.add("/a/", PAGES["/handoffs/acme/2026-11-01-onboarding/"])
    index.abort()
    assert not (tmp_path / BUNDLE).exists()
    with pytest.raises(HandoffError, match="the build was stopped"):
        index.wait()


CHART = Chart("Acceptance by month", [("2026-10", 80.0), ("2026-11", None)], percent=True, target=90.0)
COUNTS = Chart("Counts", [("a", 3.0)], integer=True)


def test_the_worker_draws_what_matplotlib_draws_in_process() -> None:
    worker = ChartWorker()
    try:
        first, second = worker.submit(CHART), worker.submit(COUNTS)
        page = f"<h2>A</h2>{first.placeholder}<h2>B</h2>{second.placeholder}"
        assert fill(page, [first, second]) == f"<h2>A</h2>{svg(CHART)}<h2>B</h2>{svg(COUNTS)}"
    finally:
        worker.close()


FAKE_WORKER = r"""
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    print(json.dumps({"id": request["id"], "error": "ValueError: Axis limits cannot be NaN or Inf"}), flush=True)
"""


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (_python(FAKE_WORKER), "could not be drawn: ValueError: Axis limits cannot be NaN or Inf"),
        (
            _python("import sys; sys.stderr.write('No module named matplotlib\\n'); sys.exit(2)"),
            "could not be drawn: the chart worker stopped (exit code 2): No module named matplotlib",
        ),
    ],
)
def test_a_chart_the_worker_cannot_draw_fails_and_is_named(command: list[str], said: str) -> None:
    worker = ChartWorker(command)
    try:
        pending = worker.submit(CHART)
        with pytest.raises(HandoffError) as raised:
            fill(f"<p>{pending.placeholder}</p>", [pending])
        assert f"the chart 'Acceptance by month' {said}" in str(raised.value)
    finally:
        worker.close()


def test_a_chart_whose_place_was_lost_is_an_error() -> None:
    worker = ChartWorker()
    try:
        pending = worker.submit(CHART)
        with pytest.raises(HandoffError, match="place of the chart 'Acceptance by month' was lost"):
            fill("<p>the page without its placeholder</p>", [pending])
    finally:
        worker.close()


def test_charts_asked_of_a_closed_worker_fail() -> None:
    worker = ChartWorker()
    worker.close()
    pending = worker.submit(CHART)
    with pytest.raises(HandoffError, match="the build stopped"):
        pending.markup()


def test_a_service_that_hangs_fails_the_index_instead_of_the_build_waiting_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SILENCE_LIMIT", 0.5)
    index = SearchIndex(tmp_path, command=_python("import sys, time; sys.stdin.read(); time.sleep(60)"))
    index.add("/a/", PAGES["/handoffs/acme/2026-11-01-onboarding/"])
    with pytest.raises(HandoffError, match=r"Pagefind gave no answer for 0 s and was stopped"):
        index.wait()


def test_a_chart_worker_that_hangs_fails_the_chart_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "ANSWER_LIMIT", 0.5)
    worker = ChartWorker(_python("import time; time.sleep(60)"))
    try:
        pending = worker.submit(CHART)
        with pytest.raises(HandoffError, match=r"'Acceptance by month' could not be drawn: .*no answer in 0 s"):
            fill(f"<p>{pending.placeholder}</p>", [pending])
    finally:
        worker.close()
