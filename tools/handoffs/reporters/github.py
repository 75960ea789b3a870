"""``--format github``: workflow commands that GitHub shows as annotations on the diff."""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter
from typing import TextIO

from handoffs.findings import CheckResult, Severity
from handoffs.reporters.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.FLAG: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult, out: TextIO) -> None:
    for path, findings in groupby(result.findings, key=attrgetter("path")):
        file = _escape_property(path)  # once per file; line and col are numbers, nothing to escape
        out.writelines(
            f"::{_COMMAND[f.severity]} file={file},line={f.line},col={f.column},"
            f"title={_escape_property(f'{f.code} {f.severity}')}::{_escape_data(f.message)}\n"
            for f in findings
        )
    out.write(summary_line(result) + "\n")
