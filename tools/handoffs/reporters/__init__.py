"""Reporters render a ``CheckResult``; they never decide anything about it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from handoffs.findings import CheckResult
from handoffs.reporters import github, json_report, markdown, text

Reporter = Callable[[CheckResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "github": github.render,
    "markdown": markdown.render,
}
