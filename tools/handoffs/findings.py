"""Findings: what every rule produces and every reporter renders."""

from __future__ import annotations

import enum
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TypeVar, cast


class Severity(enum.StrEnum):
    """How a finding affects a pull request.

    ``error`` blocks the merge, ``warning`` does not, and ``flag`` is not a problem at
    all: it routes the review (a custom term a category reviewer must see).
    """

    ERROR = "error"
    WARNING = "warning"
    FLAG = "flag"


_PATH = operator.attrgetter("path")
_POSITION_IN_FILE = operator.attrgetter("line", "column", "code")  # ``Finding.sort_key`` after the path


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


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything learned about one file: its findings and open items carry its path."""

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
        """Every finding, ordered by ``Finding.sort_key`` (ties in the order they were found).

        File by file, since a file's findings carry its path: the files are ordered by
        path and each one's few findings by the rest of the key, without a key of four
        values built for each of tens of thousands of findings and compared.
        """
        ordered: list[Finding] = []
        for _, same_path in groupby(sorted(self.files, key=_PATH), key=_PATH):
            ordered.extend(sorted((f for r in same_path for f in r.findings), key=_POSITION_IN_FILE))
        return ordered

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


# Results as plain tuples, for another process (see ``pack_results``): each object's fields in
# their order in the class, less the path.  A file's findings and open items carry the file's
# path (the engine gives each file one ``FindingSink``), so it is sent once, in the
# ``FileResult``'s values.
_FindingValues = tuple[int, str, Severity, str, int, str | None, str | None, tuple[str, ...]]
_OpenItemValues = tuple[int, str, str, str, str | None, bool]
_TermHitValues = tuple[int, int, str, tuple[str, ...], str, str | None, str | None]
PackedResult = tuple[
    str,
    tuple[_FindingValues, ...],
    str | None,
    tuple[_OpenItemValues, ...],
    tuple[_TermHitValues, ...],
]

_Value = TypeVar("_Value")


def pack_results(results: Iterable[FileResult]) -> list[PackedResult]:
    """``results`` as plain tuples that ``unpack_results`` turns back into equal objects.

    Worker processes send their results this way.  Pickled as objects, every object would
    be rebuilt through its class's ``__init__`` on arrival, in the process that is also
    checking files, and every message sent in full, though many findings repeat one (the
    same rule, the same term): here each distinct string (message, section, category,
    reviewers) is one object, which pickle sends once.  A finding or open item that did
    not carry its file's path would lose it: refused, as a bug.
    """
    seen: dict[object, object] = {}

    def shared(value: _Value) -> _Value:
        # The first of the equal values met (only strings and tuples of them come here:
        # no `True == 1` to mix up types).
        return cast("_Value", seen.setdefault(value, value))

    results = list(results)
    if any(f.path != r.path for r in results for f in r.findings) or any(
        i.path != r.path for r in results for i in r.open_items
    ):
        raise ValueError("a finding or open item does not carry the path of the file it was found in")
    return [
        (
            r.path,
            tuple(
                (
                    f.line,
                    f.code,
                    f.severity,
                    shared(f.message),
                    f.column,
                    shared(f.section),
                    shared(f.category),
                    shared(f.reviewers),
                )
                for f in r.findings
            ),
            r.handoff_id,
            tuple((i.line, i.owner, i.due, i.text, shared(i.section), i.overdue) for i in r.open_items),
            tuple(
                (
                    h.line,
                    h.column,
                    shared(h.category),
                    shared(h.reviewers),
                    shared(h.text),
                    shared(h.section),
                    shared(h.not_custom),
                )
                for h in r.term_hits
            ),
        )
        for r in results
    ]


def unpack_results(packed: Iterable[PackedResult]) -> list[FileResult]:
    """The file results that ``pack_results`` was given, as equal objects."""
    return [
        FileResult(
            path,
            tuple([Finding(path, *values) for values in findings]),
            handoff_id,
            tuple([OpenItem(path, *values) for values in open_items]),
            tuple([TermHit(*values) for values in term_hits]),
        )
        for path, findings, handoff_id, open_items, term_hits in packed
    ]
