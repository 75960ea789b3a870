"""Findings: what every rule produces and every reporter renders."""

from __future__ import annotations

import enum
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

_Result = TypeVar("_Result")


def _pickled_by_values(cls: type[_Result]) -> type[_Result]:
    """Pickle instances of a frozen slots dataclass as the class and its values, in field order.

    Results travel back from worker processes.  By default such a dataclass pickles a
    state that is read back one ``object.__setattr__`` at a time after a look-up of its
    fields; the class and a tuple of values pickle and load in a fraction of that time.
    """
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]  # a dataclass

    def reduce(self: Any) -> tuple[type[_Result], tuple[Any, ...]]:
        return cls, values(self)

    setattr(cls, "__reduce__", reduce)  # noqa: B010 - a method set on the class the decorator was given
    return cls


class Severity(enum.StrEnum):
    """How a finding affects a pull request.

    ``error`` blocks the merge, ``warning`` does not, and ``flag`` is not a problem at
    all: it routes the review (a custom term a category reviewer must see).
    """

    ERROR = "error"
    WARNING = "warning"
    FLAG = "flag"


@_pickled_by_values
@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule noticed in one file, at one line."""

    path: str
    line: int
    code: str
    severity: Severity
    message: str
    column: int = 1
    section: str | None = None
    category: str | None = None
    reviewers: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "section": self.section,
            "category": self.category,
            "reviewers": list(self.reviewers),
        }


@_pickled_by_values
@dataclass(frozen=True, slots=True)
class OpenItem:
    """An honest gap, ``(open: @owner by YYYY-MM-DD)``, carried by an item."""

    path: str
    line: int
    owner: str
    due: str
    text: str
    section: str | None
    overdue: bool


@_pickled_by_values
@dataclass(frozen=True, slots=True)
class TermHit:
    """Custom-term language at one line, for one category (a line may hit several).

    Found once by the engine and carried in the ``FileResult``: the site, the pull-request
    commands and the gate reuse it rather than matching again.
    """

    line: int
    column: int
    category: str
    reviewers: tuple[str, ...]  # team names and @handles, as written in schema/custom-terms.yaml
    text: str  # the words as written
    section: str | None
    # Set when the detector found the term negated, refused or standard and the category
    # flags such terms anyway (`flag_not_custom`): why. Such a hit does not contradict `None.`.
    not_custom: str | None = None


@_pickled_by_values
@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything learned about one file."""

    path: str
    findings: tuple[Finding, ...]
    handoff_id: str | None = None
    open_items: tuple[OpenItem, ...] = ()
    term_hits: tuple[TermHit, ...] = ()

    @property
    def flagged(self) -> tuple[str, ...]:
        """The custom-term categories hit, unique, in the order they first appear."""
        return tuple(dict.fromkeys(hit.category for hit in self.term_hits))

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one ``handoff check`` run, over every file it was given."""

    files: tuple[FileResult, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.files for f in r.findings), key=lambda f: f.sort_key)

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.files)

    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for r in self.files for f in r.findings)

    def open_items(self) -> list[OpenItem]:
        return [item for r in self.files for item in r.open_items]


def sorted_findings(findings: Iterable[Finding]) -> Sequence[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


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
