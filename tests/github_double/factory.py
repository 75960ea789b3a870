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
    if not isinstance(schema, dict):
        return value if value is not MISSING else None
    if value is None:
        return None
    if "allOf" in schema:
        return _fill_all_of(ctx, schema, value, name)
    if "anyOf" in schema or "oneOf" in schema:
        return _fill_choice(ctx, schema, value, name)
    types = _types(schema)
    if value is MISSING:
        return _invent(ctx, schema, types, name, {})
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
    merged: dict[str, Any] = {}
    for part in schema["allOf"]:
        filled = fill(ctx, part, value, name)
        if not isinstance(filled, dict):
            return filled
        merged.update(filled)
    return merged


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
    if not isinstance(branch, dict):
        return -1
    types = _types(branch)
    if value is MISSING:
        return 0 if "null" in types else 1
    if types and _json_type(value) not in types and not (
        _json_type(value) == "integer" and "number" in types
    ):
        return -1
    if not isinstance(value, dict):
        return 1
    props = branch.get("properties", {})
    score = 1
    for key, item in value.items():
        prop = props.get(key)
        if prop is None:
            if branch.get("additionalProperties") is False:
                return -1
            continue
        if isinstance(prop, dict) and "enum" in prop and item not in prop["enum"]:
            return -1
        score += 1
    return score


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _fill_object(ctx: FillContext, schema: dict[str, Any], value: dict[str, Any]) -> Any:
    props: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for key in schema.get("required", []):
        if key not in value:
            out[key] = _invent_property(ctx, props.get(key, {}), key, value)
    for key, item in value.items():
        if key in props:
            out[key] = fill(ctx, props[key], item, key)
        elif isinstance(extra, dict):
            out[key] = fill(ctx, extra, item, key)
        else:
            out[key] = item
    return out


def _invent_property(ctx: FillContext, schema: Any, name: str, parent: dict[str, Any]) -> Any:
    schema = ctx.api.resolve(schema)
    if isinstance(schema, dict) and ("anyOf" in schema or "oneOf" in schema or "allOf" in schema):
        return fill(ctx, schema, MISSING, name)
    if not isinstance(schema, dict):
        return None
    return _invent(ctx, schema, _types(schema), name, parent)


def _invent(
    ctx: FillContext, schema: dict[str, Any], types: list[str], name: str, parent: dict[str, Any]
) -> Any:
    """A plausible value for a property the handler did not provide."""
    if "null" in types:
        return None
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = types[0] if types else "null"
    if kind == "object":
        return _fill_object(ctx, schema, {})
    if kind == "array":
        return []
    if kind == "string":
        return _invent_string(ctx, schema, name, parent)
    if kind == "integer":
        return max(int(schema.get("minimum", 0)), 0 if name not in ("id",) else 1)
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def _invent_string(
    ctx: FillContext, schema: dict[str, Any], name: str, parent: dict[str, Any]
) -> str:
    fmt = schema.get("format")
    if fmt == "date-time" or name.endswith("_at"):
        return EPOCH
    if fmt == "email" or name == "email":
        return "noreply@example.invalid"
    if name == "node_id":
        return "ND_" + hashlib.sha1(repr(sorted(parent.items())).encode()).hexdigest()[:12]  # noqa: S324
    if name in ("sha", "commit_id") or name.endswith("_sha"):
        return hashlib.sha1(repr(parent).encode()).hexdigest()  # noqa: S324
    if fmt == "uri" or name == "url" or name.endswith("_url") or name == "href":
        return _invent_url(ctx, name, parent)
    return ""


def _invent_url(ctx: FillContext, name: str, parent: dict[str, Any]) -> str:
    """``followers_url`` of a user at ``.../users/x`` becomes ``.../users/x/followers``."""
    anchor = parent.get("url")
    stem = name.removesuffix("_url") or "self"
    if isinstance(anchor, str) and anchor:
        return f"{anchor}/{stem}"
    return f"{ctx.base_url}/_double/{stem}"
