"""Where the front matter ends, in agreement with python-frontmatter (the site's reader)."""

from __future__ import annotations

import frontmatter
import pytest
import yaml

from handoffs.document.frontmatter_split import Split, SplitProblem, split
from handoffs.document.source import decode


def _split(raw: str) -> Split | SplitProblem:
    text, _ = decode(raw.encode())
    assert text is not None
    return split(text.lines)


AGREEING = {
    "plain": "---\ntitle: x\nstatus: proposed\n---\n\n## Goal\n\ntext\n",
    "crlf": "---\r\ntitle: x\r\n---\r\n\r\n## Goal\r\n",
    "trailing spaces on the lines": "---  \ntitle: x\n---\t\n## Goal\n",
    "a horizontal rule in the body": "---\ntitle: x\n---\n\n## Goal\n\n---\n\nmore\n---\n",
    "nested keys and lists": "---\nto:\n  owner: '@a'\nrepeats:\n  - note: 'a -- b'\n---\nbody\n",
    "empty front matter": "---\n---\nbody\n",
    "dashes inside a value": "---\ntitle: 'a --- b'\nnote: ----x\n---\nbody\n",
}


@pytest.mark.parametrize("raw", list(AGREEING.values()), ids=list(AGREEING))
def test_split_agrees_with_python_frontmatter(raw: str) -> None:
    ours = _split(raw)
    assert isinstance(ours, Split)
    metadata, content = frontmatter.parse(raw)
    assert (yaml.safe_load(ours.yaml) or {}) == metadata
    assert ours.body.strip() == content.replace("\r\n", "\n")


def test_split_reports_file_lines() -> None:
    ours = _split("---\ntitle: x\ncustomer: y\n---\n\n## Goal\n")
    assert isinstance(ours, Split)
    assert (ours.yaml_line, ours.closing_line, ours.body_line) == (2, 4, 5)
    assert ours.yaml == "title: x\ncustomer: y\n"
    assert ours.body == "\n## Goal\n"


def test_a_longer_dash_line_python_frontmatter_would_close_on_is_refused() -> None:
    raw = "---\ntitle: x\n-----\n\n## Goal\n\n---\n\nrest\n"
    ours = _split(raw)
    assert isinstance(ours, SplitProblem)
    assert (ours.kind, ours.line) == ("disagree", 1)
    # python-frontmatter closes on `-----`; a strict reader would close on the later `---`.
    metadata, _ = frontmatter.parse(raw)
    assert metadata == {"title": "x"}


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "missing"),
        ("## Goal\n", "missing"),
        ("\n---\ntitle: x\n---\n", "missing"),  # python-frontmatter strips the blank line; we do not guess
        ("----\ntitle: x\n----\n", "missing"),
        ("---\ntitle: x\n", "unclosed"),
        ("---\n", "unclosed"),
    ],
)
def test_missing_or_unclosed_front_matter(raw: str, kind: str) -> None:
    ours = _split(raw)
    assert isinstance(ours, SplitProblem)
    assert (ours.kind, ours.line) == (kind, 1)
