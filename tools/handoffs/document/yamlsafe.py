"""A strict YAML reader for front matter and ``schema/`` files.

PyYAML's loaders quietly do things a handoff must not: expand aliases (an alias
bomb), honour tags (``!!python/object/apply``), keep the last of two duplicate
keys, and read ``NO``, ``0123`` or ``1:30`` as ``False``, 83 and 90.  This module
walks libyaml's *event* stream instead, so aliases are never expanded, and builds
plain Python values while recording, for every location, the line it came from and
how it was written.  Problems are collected, not raised, so one bad key does not
hide the next.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is an order of magnitude faster; the pure-Python parser is a fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[str | int, ...]
MAX_DEPTH = 32
# Our own guard, not libyaml's, decides how deep is too deep: libyaml builds differ
# (PyYAML 6.0.4's refuses ~1,000 levels with a scanner error that would end the whole
# document; older ones recurse until they run out of memory). Text nesting further
# than this is blanked before libyaml sees it; anything between MAX_DEPTH and this is
# refused by the builder. Both say the same thing.
_SCAN_DEPTH = 2 * MAX_DEPTH
_TOO_DEEP = f"values nested more than {MAX_DEPTH} levels deep"

# YAML 1.1 implicit types, as PyYAML resolves plain scalars.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_SURPRISING_INT = re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?[0-9][0-9_]*_[0-9_]*|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
)
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$"
)
# The patterns above but _DATE in one, tried in the same order: which of them a scalar
# matches first, from one call instead of up to six.  Dates, the commonest scalar that is
# no text, are asked of _DATE before it; no kind here matches a date, so the order holds.
_PLAIN_KINDS = re.compile(
    "|".join(
        f"(?P<{kind}>{pattern.pattern})"
        for kind, pattern in (
            ("null", _NULL), ("bool", _BOOL), ("int", _PLAIN_INT), ("surprising", _SURPRISING_INT),
            ("float", _FLOAT), ("datetime", _DATETIME),
        )
    )
)  # fmt: skip
# Every pattern above needs one of these first; only _NULL also matches "" (and, as `$`
# matches before a final newline, "\n").  "=" alone is YAML 1.1's value key.
_MAY_START_NON_TEXT = frozenset("~nNyYtTfFoO+-.0123456789\n=") | {""}


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Something in the YAML that is refused; ``kind`` selects the finding code."""

    kind: str  # syntax | duplicate | alias | tag | not-mapping | number | date | key
    message: str
    line: int


@dataclass(frozen=True, slots=True)
class Scalar:
    """How a scalar was written: its text and whether it was a plain (unquoted) scalar."""

    text: str
    plain: bool


@dataclass(slots=True)
class YamlDocument:
    """Values plus, per location, the line it is on and (for scalars) how it was written."""

    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    scalars: dict[Loc, Scalar] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

    def line_of(self, loc: Loc, default: int = 1) -> int:
        """The line of ``loc`` or of its nearest located parent."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), default)


class _Builder:
    """Turns libyaml events into values, recording locations as it goes."""

    def __init__(self, events: list[yaml.Event], first_line: int, doc: YamlDocument) -> None:
        self._events = events
        self._pos = 0
        self._first_line = first_line
        self._doc = doc

    def _line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return (int(mark.line) if mark is not None else 0) + self._first_line

    def _problem(self, kind: str, message: str, event: yaml.Event) -> None:
        self._doc.problems.append(YamlProblem(kind, message, self._line(event)))

    def _next(self) -> yaml.Event:
        event = self._events[self._pos]
        self._pos += 1
        return event

    def build_root(self) -> Any:
        """Read the stream's single document; a second document is refused."""
        self._next()  # StreamStart
        event = self._next()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        value = self.node((), self._next())
        self._next()  # DocumentEnd
        if isinstance(self._events[self._pos], yaml.DocumentStartEvent):
            self._problem("syntax", "only one YAML document is allowed here", self._events[self._pos])
        return value

    def node(self, loc: Loc, event: yaml.Event) -> Any:
        if loc not in self._doc.lines:  # a mapping's value is already on its key's line
            self._doc.lines[loc] = self._line(event)
        if isinstance(event, yaml.ScalarEvent):  # most nodes: spared the collection and alias tests
            if event.anchor is not None or event.tag is not None:  # most scalars have neither
                self._refuse_anchor_and_tag(event)
            return self.scalar(loc, event)
        if len(loc) >= MAX_DEPTH and isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            # Front matter is a few levels deep; deeper nesting is garbage or an attack on
            # the recursion limit, and is skipped without being built.
            self._problem("syntax", _TOO_DEEP, event)
            self._skip(event)
            return None
        if isinstance(event, yaml.AliasEvent):
            self._problem("alias", f"`*{event.anchor}` is a YAML alias; write the value out", event)
            return None
        self._refuse_anchor_and_tag(event)
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(loc)
        if isinstance(event, yaml.SequenceStartEvent):
            return self.sequence(loc)
        raise TypeError(f"unexpected YAML event {event!r}")  # libyaml emits no other node events

    def _refuse_anchor_and_tag(self, event: yaml.Event) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._problem("alias", f"`&{anchor}` is a YAML anchor; anchors are not allowed", event)
        if getattr(event, "tag", None) is not None:  # most nodes have none: spare them the call
            self._refuse_explicit_tag(event)

    def _refuse_explicit_tag(self, event: yaml.Event) -> None:
        tag = getattr(event, "tag", None)
        if tag is None:
            return
        implicit = getattr(event, "implicit", True)
        # A plain scalar or collection without a tag still reports an implied tag in some
        # libyaml builds; ``implicit`` tells the two apart.
        explicit = not (implicit is True or (isinstance(implicit, tuple) and any(implicit)))
        if explicit and tag not in ("!",):
            short = tag.replace("tag:yaml.org,2002:", "!!")
            self._problem("tag", f"YAML tags such as `{short}` are not allowed", event)

    def mapping(self, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        events, lines, first_line = self._events, self._doc.lines, self._first_line
        while not isinstance(key_event := events[self._pos], yaml.MappingEndEvent):
            self._pos += 1
            key = self._key(key_event)
            value_event = self._next()
            if key is None:
                self._skip(value_event)
                continue
            if key in result:
                self._problem("duplicate", f"key `{key}` appears twice; keep one", key_event)
                self._skip(value_event)
                continue
            child = (*loc, key)
            # `_line`, spelt out: this runs for every key of every front matter.
            mark = key_event.start_mark
            lines[child] = (int(mark.line) if mark is not None else 0) + first_line
            result[key] = self.node(child, value_event)
        self._pos += 1
        return result

    def _key(self, event: yaml.Event) -> str | None:
        if isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                self._problem("alias", "anchors are not allowed", event)
            if event.tag is not None:
                self._refuse_explicit_tag(event)
            return str(event.value)
        if isinstance(event, yaml.AliasEvent):
            self._problem("alias", f"`*{event.anchor}` is a YAML alias; write the key out", event)
            return None
        self._problem("key", "keys must be plain words, not lists or mappings", event)
        self._skip(event)
        return None

    def _skip(self, event: yaml.Event) -> None:
        """Consume the rest of a node without building it (used after a refused key)."""
        depth = 1 if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) else 0
        while depth:
            nxt = self._next()
            if isinstance(nxt, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
            elif isinstance(nxt, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1

    def sequence(self, loc: Loc) -> list[Any]:
        result: list[Any] = []
        while not isinstance(self._events[self._pos], yaml.SequenceEndEvent):
            result.append(self.node((*loc, len(result)), self._next()))
        self._next()
        return result

    def scalar(self, loc: Loc, event: yaml.ScalarEvent) -> Any:
        text = str(event.value)
        plain = event.style in (None, "")
        self._doc.scalars[loc] = Scalar(text, plain)
        if not plain or (event.tag == "!" and not event.implicit[0]):
            # Quoted, or the bare non-specific tag `!` with nothing after it, which libyaml
            # marks as not to be resolved: text, as PyYAML's libyaml loader reads it ("", not null).
            return text
        return self._resolve_plain(text, event)

    def _resolve_plain(self, text: str, event: yaml.ScalarEvent) -> Any:  # noqa: PLR0911 - one return per YAML type
        if text[:1] not in _MAY_START_NON_TEXT:  # most words: no pattern below can match them
            return text
        if text == "=":  # PyYAML (and so every reader of the file but this one) refuses it outright
            self._problem("tag", "a bare `=` is a special YAML 1.1 value; put it in quotes", event)
            return text
        if (date := _DATE.match(text)) is not None:  # kickoff, due, close_date: see _PLAIN_KINDS
            return self._date(text, date, event)
        found = _PLAIN_KINDS.match(text)
        kind = found.lastgroup if found is not None else None
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() in ("yes", "true", "on")
        if kind == "int":
            return int(text)
        if kind == "surprising":
            self._problem(
                "number",
                f"`{text}` would be read as a number in surprising ways (octal, base 60 or "
                "with separators); put it in quotes if it is an id, or write the number plainly",
                event,
            )
            return text
        if kind == "float":
            return self._float(text, event)
        if kind == "datetime":
            value = _parse_datetime(text)
            if isinstance(value, str):  # PyYAML (and so the site) would fail on it
                self._problem("date", f"`{text}` is not a real date and time", event)
            return value
        return text

    def _float(self, text: str, event: yaml.Event) -> Any:
        # Python's float() reads neither YAML's `.inf`/`.nan` nor base-60 `1:30.5`.
        if ":" in text:
            self._problem("number", f"`{text}` would be read as a base-60 number; put it in quotes", event)
            return text
        special = text.lstrip("+").lower()
        if special in (".inf", "-.inf", ".nan"):
            return float(special.replace(".", ""))
        try:
            return float(text.replace("_", ""))
        except ValueError:  # YAML 1.1's float pattern admits `._`, which is no number at all
            self._problem("number", f"`{text}` looks like a number but is none; put it in quotes", event)
            return text

    def _date(self, text: str, match: re.Match[str], event: yaml.Event) -> Any:
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            self._problem("date", f"`{text}` is not a real date", event)
            return text


def _parse_datetime(text: str) -> dt.datetime | str:
    normalised = re.sub(r"[ \t]+", "T", text.strip(), count=1).replace("t", "T")
    normalised = re.sub(r"[ \t]*Z$", "+00:00", normalised)
    try:
        return dt.datetime.fromisoformat(normalised)
    except ValueError:
        return text


def load(text: str, *, first_line: int = 1) -> YamlDocument:
    """Read one YAML document; ``first_line`` is the file line the text starts on."""
    doc = YamlDocument()
    text, deep_lines = _blank_deep_nesting(text)
    blanked = [YamlProblem("syntax", _TOO_DEEP, first_line + line) for line in deep_lines]
    try:
        events = _events(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (int(mark.line) if mark is not None else 0)
        problem = exc.problem or "invalid YAML"
        # A library's own nesting limit, should our guard ever miss a case, reads like ours.
        problem = _TOO_DEEP if "nesting depth" in problem else f"YAML cannot be read: {problem}"
        doc.problems.extend([*blanked, YamlProblem("syntax", problem, line)])
        return doc
    except yaml.YAMLError as exc:
        doc.problems.extend([*blanked, YamlProblem("syntax", f"YAML cannot be read: {exc}", first_line)])
        return doc
    doc.data = _Builder(events, first_line, doc).build_root()
    # A value the builder already refused as too deep is one problem, not two.
    refused = [problem.line for problem in doc.problems if problem.message == _TOO_DEEP]
    doc.problems.extend(problem for problem in blanked if not any(line < problem.line for line in refused))
    return doc


def _events(text: str) -> list[yaml.Event]:
    """The whole event stream, as ``yaml.parse`` gives it, without a look-ahead call per event."""
    loader = _Loader(text)
    try:
        return list(iter(loader.get_event, None))  # None once the stream has ended; the loop runs in C
    finally:
        loader.dispose()


def _blank_deep_nesting(text: str) -> tuple[str, list[int]]:
    """Blank out values nested deeper than ``_SCAN_DEPTH``; return the text and their 0-based lines.

    The estimate is conservative and cheap: flow brackets outside quotes, plus block
    levels (indentation steps and compact ``- `` indicators). It only has to keep
    libyaml from reaching its own limit; the builder measures the real depth.
    """
    if len(text) < _SCAN_DEPTH or _depth_bound(text) <= _SCAN_DEPTH:  # nearly every file: no walk
        return text, []
    return _walk_and_blank(text)


def _walk_and_blank(text: str) -> tuple[str, list[int]]:
    """The line-by-line walk ``_blank_deep_nesting`` does when the cheap bound cannot rule it out."""
    lines = text.split("\n")
    found: list[int] = []
    indents: list[int] = []
    flow = 0
    flow_start = 0  # the line where the open flow collection began
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if flow == 0:
            flow_start = number
            if stripped and not stripped.startswith("#"):
                while indents and indents[-1] >= indent:
                    indents.pop()
                indents.append(indent)
        block = len(indents) + _compact_indicators(stripped)
        after, deepest = _flow_depth(line, flow)
        if block > _SCAN_DEPTH:
            found.append(number)
            number = _blank_deep_block(lines, number, indent)
        elif block + deepest > _SCAN_DEPTH:
            found.append(number)
            number = _blank_deep_flow(lines, flow_start)
            flow = 0
        else:
            flow = after
            number += 1
    if not found:  # nearly every file: hand back the text as it came, without a rebuilt copy
        return text, found
    return "\n".join(lines), found


_INDENTATION = re.compile(r"\n +")  # far cheaper than `^ +` with MULTILINE, tried at every character


def _depth_bound(text: str) -> int:
    """An upper bound of every depth the walk below can estimate, from a few scans in C.

    The walk's block depth is a stack of ever deeper indentations (at most one per
    distinct indentation) plus the compact ``- ``/``? `` indicators of one line (at most
    all of them); its flow depth grows only at an opening bracket.
    """
    indentations = len(set(_INDENTATION.findall(text))) + 2  # + no indentation, + the first line's
    indicators = text.count("- ") + text.count("? ")
    return indentations + indicators + text.count("[") + text.count("{")


def _compact_indicators(stripped: str) -> int:
    count = 0
    while stripped.startswith(("- ", "? ")):
        count += 1
        stripped = stripped[2:].lstrip(" ")
    return count


def _flow_depth(line: str, depth: int) -> tuple[int, int]:
    """Flow-collection depth after ``line`` (starting at ``depth``) and the deepest reached on it."""
    if "[" not in line and "{" not in line and "]" not in line and "}" not in line:
        return depth, depth  # only brackets move the depth; most lines have none, so skip the walk
    deepest = depth
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t[{,:"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            break
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return depth, deepest


def _blank_deep_block(lines: list[str], start: int, indent: int) -> int:
    """Blank line ``start`` and every following line indented at least as far; return the next line."""
    number = start
    while number < len(lines):
        stripped = lines[number].lstrip(" ")
        if number > start and stripped and len(lines[number]) - len(stripped) < indent:
            break
        lines[number] = ""
        number += 1
    return number


def _blank_deep_flow(lines: list[str], start: int) -> int:
    """Blank the flow collection opening on line ``start`` up to where it closes; return the next line.

    A ``key:`` in front of it is kept, so the mapping around it stays well formed.
    """
    key, colon, _ = lines[start].partition(": ")
    keeps_key = colon and not any(bracket in key for bracket in "[{")
    depth, _ = _flow_depth(lines[start], 0)
    lines[start] = f"{key}:" if keeps_key else ""
    number = start + 1
    while depth and number < len(lines):
        depth, _ = _flow_depth(lines[number], depth)
        lines[number] = ""
        number += 1
    return number


# --- writing ----------------------------------------------------------------------------

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as exactly ``value``.

    Whatever a person typed (``@dana-sales``, ``NO``, ``0123``, ``a: b # c``, quotes,
    backslashes, line breaks) stays a string.  Characters YAML would not keep as
    written are escaped: control characters, the Unicode line and paragraph
    separators, NEL, a BOM and bidirectional controls (which would make the file read
    differently from what is checked); every other character, accented names
    included, is written as is.  A lone surrogate (bytes that were not UTF-8, smuggled
    in through a command line) is no text at all: ``ValueError``.
    """
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("is not valid UTF-8 text")
    return '"' + "".join(_SHORT_ESCAPES.get(ch) or _escaped(ch) for ch in value) + '"'


def _escaped(ch: str) -> str:
    code = ord(ch)
    printable = 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
    if printable and ch not in _BIDI_CONTROLS and ch not in "\u2028\u2029\ufeff":
        return ch
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
