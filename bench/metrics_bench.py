"""Benchmark: `handoff metrics` on generated repositories of 1,000, 3,000 and 10,000 handoffs.

Each handoff has three commits: its pull-request commit, the merge commit into main,
and a post-approval change on main (every tenth one changes Promised scope).  The
repositories are written with one `git fast-import`, so building them takes seconds.

Each size is timed twice: *cold* (nothing cached: every commit's changes read from git,
the first-reviewed and approved version of every handoff checked with every rule, the
other versions read for their facts) and *warm* (the recomputation a scheduled job or a
second run does: commits and versions already seen come from the cache in
.git/handoff-metrics/).  The target is about the cold run.

Each customer is handed on three times, as the product is meant to be used: sales to
implementation, then to customer success, then to account management; so handoffs/
holds one folder per three handoffs.  That folder is flat (one folder per customer),
so each of git's diffs walks a tree that grows with the history: that part grows
faster than linearly.

Run: .venv/bin/python bench/metrics_bench.py [SIZES...]   (target: <= 10 s at 10,000)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tools"))

from tests.factories import FRONT_MATTER, handoff_text, make_repo  # noqa: E402

from handoffs.cli import main  # noqa: E402

SIZES = (1_000, 3_000, 10_000)
EXTRA_PROMISE = "- Weekly status call during rollout (source: call notes)\n"
PROMISE = "- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)\n"
# A customer's life: the handoff type, and the owner and team that receive it.
LIFECYCLE = (
    ("implementation", "@raj-impl", "implementation"),
    ("customer-success", "@kim-csm", "customer-success"),
    ("account-management", "@priya-am", "account-management"),
)


def _front_matter(customer: int, stage: int) -> str:
    handoff_type, owner, team = LIFECYCLE[stage]
    return (
        FRONT_MATTER.replace('customer: "Northwind Health"', f'customer: "Customer {customer}"')
        .replace("type: implementation", f"type: {handoff_type}")
        .replace('"@raj-impl"', f'"{owner}"')
        .replace("team: implementation", f"team: {team}")
    )


def _blob(stream: list[bytes], content: str) -> None:
    data = content.encode("utf-8")
    stream.append(b"data %d\n" % len(data) + data + b"\n")


def _commit(stream: list[bytes], ref: str, mark: int, when: int, *, message: str, parents: list[str]) -> None:
    stream.append(f"commit {ref}\nmark :{mark}\ncommitter Bench <b@example.com> {when} +0000\n".encode())
    _blob(stream, message)
    if parents:
        stream.append(f"from {parents[0]}\n".encode())
        for parent in parents[1:]:
            stream.append(f"merge {parent}\n".encode())


def build(root: Path, count: int) -> None:
    make_repo(root)
    stream: list[bytes] = []
    start = int(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC).timestamp())
    main_tip: str | None = None
    mark = 0
    for index in range(count):
        opened = dt.date(2026, 1, 5) + dt.timedelta(days=index % 300)
        customer, stage = divmod(index, len(LIFECYCLE))
        handoff_id = f"customer-{customer}/{opened.isoformat()}-{LIFECYCLE[stage][0]}"
        text = handoff_text(_front_matter(customer, stage))
        path = f"handoffs/{handoff_id}.md"
        when = start + index * 600
        mark += 1
        _commit(
            stream, "refs/heads/pr", mark, when, message=f"{handoff_id}: open", parents=[main_tip] if main_tip else []
        )
        stream.append(b"M 100644 inline " + path.encode() + b"\n")
        _blob(stream, text)
        pr_mark = f":{mark}"
        mark += 1
        _commit(
            stream,
            "refs/heads/main",
            mark,
            when + 120,
            message=f"Merge {handoff_id}",
            parents=[main_tip, pr_mark] if main_tip else [pr_mark],
        )
        stream.append(b"M 100644 inline " + path.encode() + b"\n")
        _blob(stream, text)
        mark += 1
        changed = text.replace(PROMISE, PROMISE + EXTRA_PROMISE) if index % 10 == 0 else text + "\nMore notes.\n"
        _commit(stream, "refs/heads/main", mark, when + 300, message=f"{handoff_id}: update", parents=[f":{mark - 1}"])
        stream.append(b"M 100644 inline " + path.encode() + b"\n")
        _blob(stream, changed)
        main_tip = f":{mark}"
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "branch", "-D", "pr"], check=True, capture_output=True)


def _time_metrics(root: Path) -> float:
    began = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the figures, not the report, are the output
        code = main(["metrics", "--root", str(root), "--format", "json", "--today", "2026-11-23"])
    if code != 0:
        raise SystemExit(f"handoff metrics failed with exit code {code}")
    return time.perf_counter() - began


def measure(count: int) -> tuple[float, float]:
    """(cold, warm) seconds: the first run analyses every version, the second reuses the cache."""
    with tempfile.TemporaryDirectory(prefix="metrics-bench-") as scratch:
        root = Path(scratch) / "repo"
        built = time.perf_counter()
        build(root, count)
        print(f"  built {count:,} handoffs ({3 * count:,} commits) in {time.perf_counter() - built:.1f} s", flush=True)
        return _time_metrics(root), _time_metrics(root)


def run(sizes: tuple[int, ...]) -> None:
    results: list[tuple[int, float, float]] = []
    for count in sizes:
        cold, warm = measure(count)
        results.append((count, cold, warm))
        print(f"handoff metrics, {count:>6,} handoffs: cold {cold:6.2f} s, warm {warm:6.2f} s", flush=True)
    print("\n  size    cold s   warm s   cold growth (size ratio)   warm growth")
    for index, (count, cold, warm) in enumerate(results):
        growth = ""
        if index:
            previous_count, previous_cold, previous_warm = results[index - 1]
            ratio = count / previous_count
            growth = f"x{cold / previous_cold:.2f} (x{ratio:.2f})            x{warm / previous_warm:.2f}"
        print(f"{count:>6,}  {cold:8.2f} {warm:8.2f}   {growth}")
    largest, cold, warm = results[-1]
    print(
        f"\ntarget <= 10 s at 10,000: warm (recompute) {'meets' if warm <= 10 else 'MISSES'} ({warm:.2f} s), "
        f"cold (first run, nothing cached) {'meets' if cold <= 10 else 'MISSES'} ({cold:.2f} s) at {largest:,}"
    )


if __name__ == "__main__":
    run(tuple(int(a) for a in sys.argv[1:]) or SIZES)
