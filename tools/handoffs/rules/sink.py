"""Where rules report: applies the repository's severity overrides in one place."""

from __future__ import annotations

from collections.abc import Callable

from handoffs.findings import Finding, Severity


class FindingSink:
    """Collects one file's findings; a rule switched off in ``schema/`` is dropped here."""

    def __init__(self, path: str, severity_of: Callable[[str], Severity | None]) -> None:
        self.path = path
        self._severity_of = severity_of
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        line: int,
        message: str,
        *,
        column: int = 1,
        section: str | None = None,
        category: str | None = None,
        reviewers: tuple[str, ...] = (),
    ) -> None:
        severity = self._severity_of(code)
        if severity is None:
            return
        self.findings.append(Finding(self.path, line, code, severity, message, column, section, category, reviewers))

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)
