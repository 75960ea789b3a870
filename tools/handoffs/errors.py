"""One error hierarchy for the whole tool.

``HandoffError`` and its subclasses are the user's mistakes: the top-level handler
prints their message (never a traceback).  Anything else escaping a command is a
bug and is reported as an internal error.
"""

from __future__ import annotations

from pathlib import Path


class HandoffError(Exception):
    """A problem the user can fix; printed as a message, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class UsageError(HandoffError):
    """The command line itself is wrong (a missing path, a bad flag value)."""

    exit_code = 2


class ConfigError(HandoffError):
    """A file in ``schema/`` is missing or invalid; nothing can be checked against it."""

    exit_code = 2


class GitHubError(HandoffError):
    """The GitHub API refused or kept failing after retries."""

    exit_code = 2


class CrmApiError(HandoffError):
    """The CRM refused (credentials, permissions) or kept failing after retries."""

    exit_code = 2
