"""Complete GitHub objects from partial ones, driven by the description's own schemas.

Handlers describe what the double *knows* (a pull request's number, title, head sha, the
users involved...) as a partial JSON object. GitHub's response schemas require many more
properties (dozens of ``*_url`` fields, ``node_id``, counters, timestamps, nested
repository objects). Rather than hand-writing every one of them — and drifting whenever
GitHub adds a required property — :func:`fill` walks the operation's response schema and
adds each missing *required* property with a plausible value, recursing into the partial
object so nested users/repositories are completed too. What the handler did provide is
kept as is, so the validator still judges the double's own data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .openapi import OpenAPI

MISSING: Any = object()
EPOCH = "2024-01-01T00:00:00Z"


@dataclass(frozen=True)
class FillContext:
    """What plausible values are derived from."""

    api: OpenAPI
    base_url: str


def fill(ctx: FillContext, schema: Any, value: Any = MISSING, name: str = "") -> Any:
    """Return ``value`` completed to satisfy ``schema`` (or a made-up value if missing)."""
    schema = ctx.api.resolve(schema)
    if value is None or not isinstance(schema, dict):
        return None if value is MISSING else value
    if "allOf" in schema:
        return _fill_all_of(ctx, schema, value, name)
    if "anyOf" in schema or "oneOf" in schema:
        return _fill_choice(ctx, schema, value, name)
    types = _types(schema)
    if value is MISSING:
        return _invent(ctx, schema, types, name, {})
    return _fill_value(ctx, schema, types, value, name)


def _fill_value(ctx: FillContext, schema: dict[str, Any], types: list[str], value: Any, name: str) -> Any:
    """Recurse into objects and arrays the handler provided; keep scalars as they are."""
    if isinstance(value, dict) and ("object" in types or "properties" in schema):
        return _fill_object(ctx, schema, value)
    if isinstance(value, list) and "array" in types:
        items = schema.get("items", {})
        return [fill(ctx, items, item, name) for item in value]
    return value


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    if isinstance(kind, str):
        return [kind]
    return ["object"] if "properties" in schema else []


def _fill_all_of(ctx: FillContext, schema: dict[str, Any], value: Any, name: str) -> Any:
    """Fill part after part, so each adds what it requires to what the others made."""
    current = value
    for part in schema["allOf"]:
        current = fill(ctx, part, current, name)
    return current


def _fill_choice(ctx: FillContext, schema: dict[str, Any], value: Any, name: str) -> Any:
    branches = [ctx.api.resolve(b) for b in schema.get("oneOf", schema.get("anyOf", []))]
    if value is MISSING and any(_types(b) == ["null"] for b in branches):
        return None  # a required-but-nullable property: null is always plausible
    chosen = _discriminated(ctx, schema, value) or _best_branch(branches, value)
    return fill(ctx, chosen, value, name)


def _discriminated(ctx: FillContext, schema: dict[str, Any], value: Any) -> Any:
    """Honour ``discriminator`` (e.g. ``user_view_type`` choosing public/private users)."""
    disc = schema.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(value, dict):
        return None
    key = value.get(disc.get("propertyName", ""))
    target = disc.get("mapping", {}).get(key)
    return ctx.api.resolve({"$ref": target}) if target else None


def _best_branch(branches: list[Any], value: Any) -> Any:
    """The branch the partial value fits best: right type, matching enums, most keys."""
    best, best_score = branches[0] if branches else {}, -1
    for branch in branches:
        score = _fit(branch, value)
        if score > best_score:
            best, best_score = branch, score
    return best


def _fit(branch: Any, value: Any) -> int:
    """How well ``value`` fits a oneOf/anyOf branch: -1 never, higher is better."""
    if not isinstance(branch, dict):
        return -1
    types = _types(branch)
    if value is MISSING:
        return 0 if "null" in types else 1
    kind = _JSON_TYPES.get(type(value), "null")
    if types and kind not in types and not (kind == "integer" and "number" in types):
        return -1
    return _fit_properties(branch, value) if isinstance(value, dict) else 1


def _fit_properties(branch: dict[str, Any], value: dict[str, Any]) -> int:
    props = branch.get("properties", {})
    score = 1
    for key, item in value.items():
        prop = props.get(key)
        if prop is None and branch.get("additionalProperties") is False:
            return -1
        if isinstance(prop, dict) and item not in prop.get("enum", [item]):
            return -1
        score += prop is not None
    return score


_JSON_TYPES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def _fill_object(ctx: FillContext, schema: dict[str, Any], value: dict[str, Any]) -> Any:
    props: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in props:
            out[key] = fill(ctx, props[key], item, key)
        elif isinstance(extra, dict):
            out[key] = fill(ctx, extra, item, key)
        else:
            out[key] = item
    for key in schema.get("required", []):
        if key not in value:
            out[key] = _invent_property(ctx, props.get(key, {}), key, value)
    return out


def _invent_property(ctx: FillContext, schema: Any, name: str, parent: dict[str, Any]) -> Any:
    schema = ctx.api.resolve(schema)
    if isinstance(schema, dict) and ("anyOf" in schema or "oneOf" in schema or "allOf" in schema):
        return fill(ctx, schema, MISSING, name)
    if not isinstance(schema, dict):
        return None
    return _invent(ctx, schema, _types(schema), name, parent)


def _invent(ctx: FillContext, schema: dict[str, Any], types: list[str], name: str, parent: dict[str, Any]) -> Any:
    """A plausible value for a property the handler did not provide."""
    if "null" in types:
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = types[0] if types else "null"
    if kind == "object":
        return _fill_object(ctx, schema, {})
    if kind == "string":
        return _invent_string(ctx, schema, name, parent)
    return _SCALARS.get(kind, lambda s, n: None)(schema, name)


_SCALARS: dict[str, Any] = {
    "array": lambda schema, name: [],
    "integer": lambda schema, name: max(int(schema.get("minimum", 0)), 1 if name == "id" else 0),
    "number": lambda schema, name: float(schema.get("minimum", 0)),
    "boolean": lambda schema, name: False,
}


def _invent_string(ctx: FillContext, schema: dict[str, Any], name: str, parent: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date-time" or name.endswith("_at"):
        value = EPOCH
    elif fmt == "email" or name == "email":
        value = "noreply@example.invalid"
    elif name == "node_id":
        value = "ND_" + _digest(parent)[:12]
    elif name in ("sha", "commit_id") or name.endswith("_sha"):
        value = _digest(parent)
    elif fmt == "uri" or name in ("url", "href") or name.endswith("_url"):
        value = _invent_url(ctx, name, parent)
    else:
        value = ""
    return value


def _digest(parent: dict[str, Any]) -> str:
    """A stable made-up hex id derived from the object it appears in."""
    return hashlib.sha1(repr(sorted(parent.items(), key=repr)).encode()).hexdigest()  # noqa: S324 - ids only


def _invent_url(ctx: FillContext, name: str, parent: dict[str, Any]) -> str:
    """``followers_url`` of a user at ``.../users/x`` becomes ``.../users/x/followers``."""
    anchor = parent.get("url")
    stem = name.removesuffix("_url") or "self"
    if isinstance(anchor, str) and anchor:
        return f"{anchor}/{stem}"
    return f"{ctx.base_url}/_double/{stem}"
