"""Each fact the tools state is defined once (issue 10: "`git grep` finds no second definition").

The agreement tests (tests/acceptance/test_verdicts_agree.py) show the consumers agree
today; these scans keep a second definition from coming back: the literal that writes a
fact down may appear only in the module that owns it.  String and number literals are
read with ``tokenize``, so comments and docstrings that merely mention a fact do not count.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "handoffs"


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string (its value) and number literal of ``path``, docstrings left out."""
    found: list[tuple[int, str]] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.STRING and previous not in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            found.append((token.start[0], token.string))
        elif token.type == tokenize.NUMBER:
            found.append((token.start[0], token.string.replace("_", "")))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return found


def _where(matches: Callable[[list[str]], bool]) -> set[str]:
    """The modules with a line whose literals ``matches``."""
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        by_line: dict[int, list[str]] = {}
        for line, literal in _literals(path):
            by_line.setdefault(line, []).append(literal.strip("\"'"))
        if any(matches(literals) for literals in by_line.values()):
            found.add(path.relative_to(PACKAGE).as_posix())
    return found


def _any(test: Callable[[str], bool]) -> Callable[[list[str]], bool]:
    return lambda literals: any(test(literal) for literal in literals)


# fact -> (what writes it down, the one module allowed to)
SINGLE = {
    # the states that are a reviewer's decision, listed together
    "which review of each reviewer counts": (
        lambda literals: {"CHANGES_REQUESTED", "DISMISSED"} <= set(literals),
        {"verdicts.py"},
    ),
    "the first-milestone issue's marker": (_any(lambda s: "handoff-first-milestone" in s), {"milestone_issue.py"}),
    "the first-milestone issue's label": (_any(lambda s: s == "first-milestone"), {"milestone_issue.py"}),
    "GitHub's comment size limit": (_any(lambda s: s.isdigit() and 60_000 <= int(s) <= 70_000), {"github.py"}),
}


@pytest.mark.parametrize("fact", SINGLE)
def test_written_down_in_one_module_only(fact: str) -> None:
    matches, owners = SINGLE[fact]
    assert _where(matches) == owners
