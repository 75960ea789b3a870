"""Properties: whatever is in a handoff file, `check` reports findings and never crashes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handoffs.config import load_config
from handoffs.document import yamlsafe
from handoffs.engine import INTERNAL_ERROR_CODE, Job, check_files
from handoffs.findings import FileResult
from tests.factories import BODY, FRONT_MATTER, make_repo

# No example database: runs leave nothing behind in the tree.
SETTINGS = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

Check = Callable[[bytes], FileResult]


@pytest.fixture(scope="module")
def check_bytes(tmp_path_factory: pytest.TempPathFactory) -> Check:
    root = make_repo(tmp_path_factory.mktemp("properties") / "repo", git_init=False)
    config = load_config(root)
    job = Job(root, "main", dt.date(2026, 11, 23), strict=False)
    path = root / "handoffs" / "acme-corp" / "2026-11-23-implementation.md"
    path.parent.mkdir(parents=True)

    def check(content: bytes) -> FileResult:
        path.write_bytes(content)
        (result,) = check_files([path], job, config).files
        return result

    return check


def _assert_sane(result: FileResult) -> None:
    internal = [f.message for f in result.findings if f.code == INTERNAL_ERROR_CODE]
    assert internal == [], internal[0] if internal else ""
    for finding in result.findings:
        assert finding.line >= 1
        assert finding.column >= 1
        assert finding.message


# Pieces of real handoffs, so random text reaches deep into the parsers, not just "no front matter".
FRAGMENTS = [
    "---",
    "-----",
    "title: x",
    "type: implementation",
    "status: kicked-off",
    "kickoff: 2026-02-30",
    "id: 0123",
    "a: &x [*x]",
    "b: !!python/object/apply:os.system ['id']",
    "  owner: NO",
    "## Customer goal",
    "## Custom terms",
    "None.",
    "Setext\n------",
    "- item (source: [x](https://a/b_(c)))",
    "  - sub (open: @dana-sales by 2026-01-01)",
    "1. numbered (open: x by y)",
    "| a | b |\n|---|---|\n| c | d |",
    "```",
    "<script>alert(1)</script>",
    "<!-- comment",
    "[x](javascript:alert(1))",
    "uncapped liability, net 60, 99.9% uptime",
    "4111 1111 1111 1111",
    "\u202e\u200b\ufeff\u00ad",
    "\r",
    "\r\n",
    "TBD <customer goal> ???",
    "((((((((",
    "))))",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map("\n".join)


@settings(SETTINGS, max_examples=200)
@given(text=st.one_of(st.text(), markdownish, markdownish.map(lambda body: f"---\n{FRONT_MATTER}---\n{body}")))
def test_check_never_crashes_on_any_text(check_bytes: Check, text: str) -> None:
    _assert_sane(check_bytes(text.encode("utf-8", "surrogatepass")))


@settings(SETTINGS, max_examples=100)
@given(raw=st.one_of(st.binary(), st.binary().map(lambda b: b"---\n" + FRONT_MATTER.encode() + b"---\n" + b)))
def test_check_never_crashes_on_any_bytes(check_bytes: Check, raw: bytes) -> None:
    _assert_sane(check_bytes(raw))


# --- front matter built from a strategy -------------------------------------------------

KEYS = ["title", "customer", "type", "stage", "from", "to", "crm", "kickoff", "first_milestone", "status",
        "deal", "context_repeats", "owner", "team", "system", "id", "url", "due", "amount", "currency",
        "close_date", "date", "note", "reported_by", "frm", "Title", "unknown"]  # fmt: skip
PLAIN_SCALARS = ["NO", "yes", "off", "~", "null", "0123", "1:30", "0x1F", "1_000", ".inf", "-.inf", ".nan", "1e3",
                 "2026-02-30", "2026-12-01", "2026-12-01 10:00:00", "2026-13-01T00:00:00Z", "12", "-1", "1.5",
                 "@dana-sales", "dana", "implementation", "kicked-off", "closed-won", "salesforce", "USD", "TBD",
                 "<x>", "https://example.com", "'quoted'", '"NO"', "[]", "{}", "[a, b]", "{a: 1}", "&a x", "*a",
                 "!!str x", "!x y", "|\n  block", ""]  # fmt: skip


def _render_yaml(value: object, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, child in value.items():
            if isinstance(child, dict | list) and child:
                lines.append(f"{pad}{key}:\n{_render_yaml(child, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {child if isinstance(child, str) else '{}'}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "\n".join(
            f"{pad}-\n{_render_yaml(item, indent + 2)}" if isinstance(item, dict | list) else f"{pad}- {item}"
            for item in value
        )
    return f"{pad}{value}"


scalars = st.one_of(
    st.sampled_from(PLAIN_SCALARS), st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
)
yamlish = st.recursive(
    st.dictionaries(st.sampled_from(KEYS), scalars, max_size=6),
    lambda children: st.one_of(
        st.dictionaries(st.sampled_from(KEYS), st.one_of(scalars, children), max_size=6),
        st.lists(st.one_of(scalars, children), max_size=3),
    ),
    max_leaves=20,
)


@settings(SETTINGS, max_examples=200)
@given(front=yamlish)
def test_check_never_crashes_on_any_front_matter(check_bytes: Check, front: object) -> None:
    text = f"---\n{_render_yaml(front)}\n---\n\n{BODY}"
    _assert_sane(check_bytes(text.encode()))


@settings(SETTINGS, max_examples=300)
@given(text=st.one_of(st.text(), yamlish.map(_render_yaml)))
def test_yaml_reader_never_raises(text: str) -> None:
    doc = yamlsafe.load(text, first_line=2)
    assert all(problem.line >= 2 for problem in doc.problems)


@settings(SETTINGS, max_examples=300)
@given(text=yamlish.map(_render_yaml))
@example(text="- !")  # found by this test: the bare tag `!` before nothing is "", not null
def test_yaml_reader_agrees_with_pyyaml_when_it_accepts(text: str) -> None:
    """What the checker accepts, PyYAML (as python-frontmatter and MkDocs use it) reads the same way.

    Through libyaml, as they do when it is installed: PyYAML's pure-Python scanner
    refuses some text libyaml reads (a tab or an astral character in certain places).
    """
    doc = yamlsafe.load(text)
    if doc.problems:
        return
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    assert _comparable(doc.data) == _comparable(expected)


def _comparable(value: object) -> object:
    """NaN is never equal to itself; compare it by name."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def test_the_property_harness_sees_real_findings(check_bytes: Check) -> None:
    """Guard: the harness checks for real (an empty file must be reported)."""
    codes = [f.code for f in check_bytes(b"").findings]
    assert codes == ["HO110"] + ["HO300"] * 9  # no front matter, and none of the nine required sections
