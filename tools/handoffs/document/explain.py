"""Pydantic validation errors, retold for a sales rep, at the line they are on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from handoffs._modelkeys import allowed_keys
from handoffs.config import did_you_mean
from handoffs.document.yamlsafe import YamlDocument
from handoffs.model import FrontMatter

Loc = tuple[str | int, ...]
_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "model_type": "`key: value` pairs",
    "dict_type": "`key: value` pairs",
    "model_attributes_type": "`key: value` pairs",
}


def explain_validation_errors(
    exc: ValidationError, doc: YamlDocument, *, closing_line: int
) -> Iterator[tuple[str, int, str]]:
    """Yield ``(code, line, message)`` for each error, once per location."""
    seen: set[Loc] = set()
    for error in exc.errors():
        loc = _clean_loc(error["loc"], doc.data, error["type"])
        if loc in seen:
            continue  # a union reports one failure per alternative; one message is enough
        seen.add(loc)
        yield _explain(error, loc, doc, closing_line)


def _clean_loc(loc: tuple[Any, ...], data: Any, kind: str) -> Loc:
    """The keys of ``loc`` that are in the document: pydantic also names union members
    and validators (``('deal', 'amount', 'int')``), and those are not keys.  Walking the
    data, not matching names, keeps a real key called ``date`` or ``int``."""
    cleaned: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        elif not (kind == "missing" and index == len(loc) - 1):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _name(loc: Loc) -> str:
    return ".".join(str(p) for p in loc) or "front matter"


def _explain(error: Mapping[str, Any], loc: Loc, doc: YamlDocument, closing_line: int) -> tuple[str, int, str]:
    kind = error["type"]
    line = doc.line_of(loc, default=1)
    name = _name(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = did_you_mean(key, allowed_keys(FrontMatter, loc[:-1]))
        return "HO113", line, f"unknown key{hint}: remove it or fix the spelling"
    if kind == "missing":
        parent_line = doc.line_of(loc[:-1], default=1) if len(loc) > 1 else closing_line
        return "HO114", parent_line, f"required key `{name}` is missing"
    if loc and loc[-1] in ("owner", "reported_by") and kind == "string_pattern_mismatch":
        return (
            "HO117",
            line,
            f"`{name}` must be a GitHub handle like @dana-sales, not `{error['input']}`",
        )
    if kind in ("value_error", "date_type", "date_from_datetime_inexact") and _is_date_field(loc):
        return "HO116", line, f"`{name}`: {_message(error)}"
    return "HO115", line, f"`{name}`: {_wrong_value(error, loc, doc)}"


def _message(error: Mapping[str, Any]) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _wrong_value(error: Mapping[str, Any], loc: Loc, doc: YamlDocument) -> str:
    kind = error["type"]
    value = error.get("input")
    scalar = doc.scalars.get(loc)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",") if o.strip()]
        hint = did_you_mean(str(value), options)
        return f"{hint.strip()} is not allowed; use one of: {', '.join(options)}"
    if kind in _TYPE_NAMES:
        expected = _TYPE_NAMES[kind]
        if scalar is not None and scalar.plain and kind == "string_type":
            reading = _yaml_reading(value)
            return (
                f'expected {expected}, but YAML reads `{scalar.text}` as {reading}; write it in quotes: "{scalar.text}"'
            )
        return f"expected {expected}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"`{value}` is not in the expected form ({_pattern_hint(loc)})"
    if kind == "string_too_short":
        return "must not be empty"
    return _message(error)


def _yaml_reading(value: object) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, int | float):
        return f"the number {value}"
    return "something other than text"


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "`key: value` pairs"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"`{value}`"


def _pattern_hint(loc: Loc) -> str:
    last = loc[-1] if loc else ""
    return {
        "currency": "a three-letter code such as EUR",
        "url": "a link starting with https://",
    }.get(str(last), "see schema/handoff.schema.json")


def _is_date_field(loc: Loc) -> bool:
    return bool(loc) and str(loc[-1]) in {
        "kickoff", "due", "date", "close_date", "contract_start", "contract_end", "renewal_date",
    }  # fmt: skip
