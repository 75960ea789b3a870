"""A cold `handoff metrics` run reports exactly what the straightforward reading reports.

The fast path diffs each (parent tree, tree) pair once, split between git processes,
splits the handoffs into several small shares of work, and reparses a later version
only from the section it changed.  The reference run below switches these off (every
commit diffed by one git process, one share per worker, every version read in full, as
the reader did before) on a generated history of a few hundred handoffs with varied
lives, and the two JSON reports must be identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from handoffs.metrics import analysis, history
from handoffs.metrics.facts import read_facts
from handoffs.metrics.versions import Reading
from tests.conftest import CliResult
from tests.factories import FRONT_MATTER, handoff_text

COUNT = 240
START = 1_767_600_000  # 2026-01-05, seconds
PROMISE = "- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)\n"
EXCLUSION = "- No migration of historical discharge summaries before 2026 (source: order form §2.4)\n"

# Post-approval edits, chosen by index: each changes a different figure (or none).
LATER = (
    lambda t: t.replace(PROMISE, PROMISE + "- Weekly status call during rollout (source: call notes)\n"),
    lambda t: t + "\nMore notes.\n",
    lambda t: t.replace("status: proposed", "status: completed"),
    lambda t: t.replace("## Exclusions\n", "```\n## Exclusions\n"),  # a fence swallows the rest
    lambda t: t.replace(EXCLUSION, EXCLUSION + "- No on-site training (source: order form §2.5)\n"),
    lambda t: t.replace("kickoff: 2026-12-01", "kickoff: 2026-12-08"),
    lambda t: t,
)


class _Stream:
    """A `git fast-import` stream: a whole history in one process, in a second."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.mark = 0
        self.clock = START

    def commit(self, ref: str, message: str, parents: list[str], files: dict[str, str | None]) -> str:
        self.mark += 1
        self.clock += 600
        data = message.encode()
        self.parts.append(f"commit {ref}\nmark :{self.mark}\ncommitter T <t@example.com> {self.clock} +0000\n".encode())
        self.parts.append(b"data %d\n%s\n" % (len(data), data))
        if parents:
            self.parts.append(f"from {parents[0]}\n".encode())
            self.parts.extend(f"merge {p}\n".encode() for p in parents[1:])
        for path, text in files.items():
            if text is None:
                self.parts.append(f"D {path}\n".encode())
            else:
                blob = text.encode()
                self.parts.append(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(blob), blob))
        return f":{self.mark}"


def _handoff(index: int, stream: _Stream, tip: str, older_tip: str) -> str:
    """One handoff's life on a pull-request branch and on main; returns main's new tip."""
    path = f"handoffs/customer-{index}/2026-{1 + index % 10:02d}-{1 + index % 27:02d}-implementation.md"
    text = handoff_text(FRONT_MATTER.replace("Northwind Health", f"Customer {index}"))
    ref = f"refs/heads/pr-{index}"
    base = older_tip if index % 6 == 1 else tip  # some branches start behind main
    if index % 3 == 0:  # first put up for review without its exclusions, fixed on the branch
        head = stream.commit(ref, "draft", [base], {path: text.replace(EXCLUSION, "")})
        head = stream.commit(ref, "fix", [head], {path: text})
    else:
        head = stream.commit(ref, "open", [base], {path: text})
    if index % 19 == 0:
        return tip  # never merged
    if index % 2 == 0:
        tip = stream.commit("refs/heads/main", f"Merge pull request #{index + 1} from o/pr", [tip, head], {path: text})
    else:
        tip = stream.commit("refs/heads/main", f"Open customer {index} (#{index + 1})", [tip], {path: text})
    later = LATER[index % len(LATER)](text)
    if later != text:
        tip = stream.commit("refs/heads/main", "update", [tip], {path: later})
    if index % 4 == 0:  # a commit that changes no handoff
        tip = stream.commit("refs/heads/main", "docs", [tip], {"README.md": f"{index}\n"})
    if index % 23 == 0:  # reverted to the approved text
        tip = stream.commit("refs/heads/main", "revert", [tip], {path: text})
    if index % 17 == 0:  # withdrawn
        tip = stream.commit("refs/heads/main", "withdraw", [tip], {path: None})
    return tip


def _build(root: Path) -> None:
    stream = _Stream()
    tip = stream.commit("refs/heads/main", "start", [], {"README.md": "start\n"})
    older = tip
    for index in range(COUNT):
        tip, older = _handoff(index, stream, tip, older), tip
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream.parts), check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)


def _full_read(raw: bytes, previous: Reading | None, scope: Sequence[str]) -> tuple[object, None]:
    return read_facts(raw, scope), None


def _every_commit(
    root: Path, commits: list[history._Listed], trees: dict[str, str], folder: str
) -> dict[str, history.Changes]:
    return history._diff_share(root, [c.sha for c in commits], folder)


def _report(run_cli: Callable[..., CliResult], root: Path) -> dict[str, object]:
    shutil.rmtree(root / ".git" / "handoff-metrics", ignore_errors=True)  # cold: nothing cached
    result = run_cli("metrics", "--root", root, "--format", "json")
    assert result.exit_code == 0, result.err
    report: dict[str, object] = json.loads(result.out)
    return report


def test_cold_run_matches_the_straightforward_reading(
    repo: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(repo)
    monkeypatch.setattr(history, "_PARALLEL_DIFF", 100)  # a history this small is split between git processes too
    monkeypatch.setattr(analysis, "_SHARE_SIZE", 40)  # and its handoffs into several shares per worker
    fast = _report(run_cli, repo)
    with monkeypatch.context() as patch:
        patch.setattr(analysis, "read_version", _full_read)
        patch.setattr(history, "_diff_distinct", _every_commit)
        patch.setattr(analysis, "_SHARE_SIZE", COUNT)
        reference = _report(run_cli, repo)
    assert fast == reference
    figures = fast["metrics"]
    assert isinstance(figures, dict)
    # Not vacuous: the history moves the figures the fast path could get wrong.
    withdrawn = [i for i in range(COUNT) if i % 17 == 0 and i % 19 != 0]  # a never-merged one stays open
    assert figures["handoffs"]["value"] == COUNT - len(withdrawn)
    assert 0 < figures["completeness_rate"]["value"] < 1
    assert figures["rework_count"]["scope_changes"] > 0
    assert figures["missing_promise_count"]["value"] > 0
