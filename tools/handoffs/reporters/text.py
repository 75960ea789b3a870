"""Human output: ``path:line:col: CODE message``, grouped by file, coloured on a TTY."""

from __future__ import annotations

import os
from itertools import groupby
from typing import TextIO

from handoffs.findings import CheckResult, Severity

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.FLAG: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render(result: CheckResult, out: TextIO) -> None:
    if use_colour(out):
        _render_in_colour(result, out)
    else:  # CI logs, pipes, files: a line per finding (tens of thousands on a large tree)
        write = out.write
        for f in result.findings:
            write(f"{f.path}:{f.line}:{f.column}: {f.code} {f.severity}: {f.message}\n")
    out.write(summary_line(result) + "\n")


def _render_in_colour(result: CheckResult, out: TextIO) -> None:
    """On a terminal: each file's name in bold above its findings, severities coloured."""
    for path, findings in groupby(result.findings, key=lambda f: f.path):
        out.write(f"{_BOLD}{path}{_RESET}\n")
        for finding in findings:
            label = f"{_COLOURS[finding.severity]}{finding.code} {finding.severity}{_RESET}"
            out.write(f"{finding.path}:{finding.line}:{finding.column}: {label}: {finding.message}\n")
        out.write("\n")


def summary_line(result: CheckResult) -> str:
    counts = result.counts()
    files = len(result.files)
    failing = sum(1 for r in result.files if r.has_errors)
    return (
        f"{files} handoff file{'s' if files != 1 else ''} checked: "
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.FLAG]} custom-term flag(s); " + ("all pass." if failing == 0 else f"{failing} file(s) fail.")
    )
