"""Locating the front matter block, in agreement with python-frontmatter.

The site and any tool built on python-frontmatter must see the same front matter
as the checker.  We split strictly (``---`` on the first line, the next ``---``
line closes), then ask python-frontmatter's own boundary rule where *it* would
split; if the two disagree the file is refused rather than read two ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^---[ \t]*$")
# python-frontmatter's YAMLHandler.FM_BOUNDARY, as documented by that project.
_PYFM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Split:
    """Front matter text (``yaml``) starting at file line ``yaml_line``; the body follows."""

    yaml: str
    yaml_line: int
    body: str
    body_line: int
    closing_line: int


@dataclass(frozen=True, slots=True)
class SplitProblem:
    kind: str  # missing | unclosed | disagree
    message: str
    line: int


def split(lines: tuple[str, ...]) -> Split | SplitProblem:
    if not lines or not _OPEN.match(lines[0]):
        return SplitProblem(
            "missing",
            "front matter missing: the file must start with a `---` line, the YAML keys, and `---`",
            1,
        )
    for index in range(1, len(lines)):
        if lines[index].startswith("---") and _CLOSE.match(lines[index]):  # the cheap test first
            result = Split(
                yaml="\n".join(lines[1:index]) + "\n",
                yaml_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
                closing_line=index + 1,
            )
            return _agree_with_python_frontmatter(lines, result)
    return SplitProblem("unclosed", "front matter is never closed: add a `---` line after the last key", 1)


def _agree_with_python_frontmatter(lines: tuple[str, ...], ours: Split) -> Split | SplitProblem:
    text = "\n".join(lines)
    parts = _PYFM_BOUNDARY.split(text, 2)
    theirs = parts[1] if len(parts) == 3 and parts[0] == "" else None
    if theirs is None or theirs.strip("\n") != ours.yaml.strip("\n"):
        return SplitProblem(
            "disagree",
            "the front matter's `---` lines are ambiguous (other tools would read a different "
            "block); use exactly `---` to open and close it",
            1,
        )
    return ours
