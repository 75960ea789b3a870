"""``--format github``: workflow commands that GitHub shows as annotations on the diff."""

from __future__ import annotations

from typing import TextIO

from handoffs.findings import CheckResult, Severity
from handoffs.reporters.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.FLAG: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult, out: TextIO) -> None:
    for f in result.findings:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", f.path),
                ("line", f.line),
                ("col", f.column),
                ("title", f"{f.code} {f.severity}"),
            )
        )
        out.write(f"::{_COMMAND[f.severity]} {properties}::{_escape_data(f.message)}\n")
    out.write(summary_line(result) + "\n")
