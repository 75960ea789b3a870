"""Judging one exchange (request, then response) against the matched OpenAPI operation.

Request: every query parameter must be documented for the operation and match its
schema (query strings are coerced to the declared type first, as GitHub parses them);
required parameters must be present; a JSON body must be documented and match the
operation's ``requestBody`` schema, and a required body must be present.

Response: the status must be documented for the operation (exactly, as ``NXX`` or as
``default``); a documented JSON body is validated against its schema; a documented
body-less response must have no body. One deliberate exception: GitHub answers 404 with
its ``basic-error`` envelope on *every* route when a resource does not exist, but the
description leaves that out of many operations — an undocumented 404 is accepted when
its body is a valid ``basic-error``.

Where the description's own prose allows more than its schema, :data:`PROSE_TOLERANCES`
says so explicitly, one operation at a time, quoting the description; nothing else is
relaxed.
"""

from __future__ import annotations

from typing import Any

from .openapi import OpenAPI, Operation, escape_pointer

JSON_MEDIA = "application/json"
BASIC_ERROR = "/components/schemas/basic-error"
UNDOCUMENTED_BUT_UNIVERSAL = frozenset({404})
ACCEPTED: Any = object()


def _labels_shorthand(body: Any, *, empty_ok: bool) -> Any:
    """``["a", "b"]`` (PyGithub's form) or ``"a"`` stands for ``{"labels": [...]}``."""
    if isinstance(body, str):
        body = [body]
    if isinstance(body, list):
        return ACCEPTED if (empty_ok and not body) else {"labels": body}
    if empty_ok and isinstance(body, dict) and body.get("labels") == []:
        return ACCEPTED
    return body


# operationId -> rewrite of the request body before validation, justified by the
# description's prose (its schema only lists the object form):
PROSE_TOLERANCES: dict[str, Any] = {
    # "You can also pass an `array` of labels directly, but GitHub recommends passing an
    # object with the `labels` key."
    "issues/add-labels": lambda body: _labels_shorthand(body, empty_ok=False),
    # "You can pass an empty array to remove all labels. Alternatively, you can pass a
    # single label as a `string` or an `array` of labels directly"
    "issues/set-labels": lambda body: _labels_shorthand(body, empty_ok=True),
}


def request_errors(api: OpenAPI, op: Operation, query: dict[str, list[str]], body: Any, has_body: bool) -> list[str]:
    """Everything wrong with a request for ``op``; empty when it is valid."""
    errors = _parameter_errors(api, op, query)
    errors += _body_errors(api, op, body, has_body)
    return errors


def _parameters(api: OpenAPI, op: Operation) -> list[tuple[dict[str, Any], str]]:
    """The operation's parameters with the JSON pointer of each one's schema."""
    found: list[tuple[dict[str, Any], str]] = []
    path_item = api.document["paths"][op.template]
    sources = [
        (path_item.get("parameters", []), escape_pointer("paths", op.template, "parameters")),
        (op.definition.get("parameters", []), op.pointer + "/parameters"),
    ]
    for params, base in sources:
        for index, param in enumerate(params):
            if "$ref" in param:
                pointer = param["$ref"].removeprefix("#")
                found.append((api.pointer(pointer), pointer + "/schema"))
            else:
                found.append((param, f"{base}/{index}/schema"))
    return found


def _parameter_errors(api: OpenAPI, op: Operation, query: dict[str, list[str]]) -> list[str]:
    errors: list[str] = []
    documented: dict[str, tuple[dict[str, Any], str]] = {}
    for param, pointer in _parameters(api, op):
        where = param.get("in")
        name = str(param.get("name"))
        if where == "query":
            documented[name] = (param, pointer)
            if param.get("required") and name not in query:
                errors.append(f"missing required query parameter {name!r}")
        elif where == "path" and name in op.path_params:
            value = _coerce(op.path_params[name], api.resolve(param.get("schema", {})))
            errors += [f"path parameter {name!r} {e}" for e in api.errors(pointer, value)]
    for name, values in query.items():
        if name not in documented:
            known = ", ".join(sorted(documented)) or "none"
            errors.append(f"query parameter {name!r} is not documented (documented: {known})")
            continue
        param, pointer = documented[name]
        schema = api.resolve(param.get("schema", {}))
        value = _query_value(values, schema)
        errors += [f"query parameter {name!r} {e}" for e in api.errors(pointer, value)]
    return errors


def _query_value(values: list[str], schema: Any) -> Any:
    """Arrays are repeated keys or comma lists; scalars take the last value."""
    if isinstance(schema, dict) and _has_type(schema, "array"):
        items = [part for value in values for part in value.split(",")]
        return [_coerce(item, api_items(schema)) for item in items]
    return _coerce(values[-1], schema)


def api_items(schema: dict[str, Any]) -> Any:
    """The ``items`` schema of an array schema."""
    return schema.get("items", {})


def _has_type(schema: dict[str, Any], kind: str) -> bool:
    declared = schema.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def _coerce(raw: str, schema: Any) -> Any:
    """Parse a query/path string the way GitHub would for the declared type."""
    if not isinstance(schema, dict):
        return raw
    for kind, parse in _PARSERS:
        if _has_type(schema, kind):
            try:
                return parse(raw)
            except (KeyError, ValueError):
                return raw  # left as a string, so the schema reports the wrong type
    return raw


_PARSERS: tuple[tuple[str, Any], ...] = (
    ("integer", int),
    ("number", float),
    ("boolean", {"true": True, "false": False}.__getitem__),
)


def _body_errors(api: OpenAPI, op: Operation, body: Any, has_body: bool) -> list[str]:
    spec = op.definition.get("requestBody")
    if spec is None:
        return ["this operation takes no request body, but one was sent"] if has_body else []
    pointer = op.pointer + "/requestBody"
    if "$ref" in spec:
        pointer = spec["$ref"].removeprefix("#")
        spec = api.pointer(pointer)
    if not has_body:
        return ["the request body is required but none was sent"] if spec.get("required") else []
    content = spec.get("content", {})
    if JSON_MEDIA not in content:
        return [f"request body media types are {sorted(content)}, the double only speaks JSON"]
    tolerance = PROSE_TOLERANCES.get(op.operation_id)
    if tolerance is not None:
        body = tolerance(body)
        if body is ACCEPTED:
            return []
    schema_pointer = pointer + escape_pointer("content", JSON_MEDIA, "schema")
    return [f"request body {e}" for e in api.errors(schema_pointer, body)]


def documented_response(api: OpenAPI, op: Operation, status: int) -> tuple[Any, str] | None:
    """The response object documented for ``status`` and its pointer, if any."""
    responses: dict[str, Any] = op.definition.get("responses", {})
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            response = responses[key]
            pointer = f"{op.pointer}/responses/{key}"
            if "$ref" in response:
                pointer = response["$ref"].removeprefix("#")
                response = api.pointer(pointer)
            return response, pointer
    return None


def response_schema_pointer(api: OpenAPI, op: Operation, status: int) -> str | None:
    """Where the JSON schema of the ``status`` response lives, if one is documented."""
    found = documented_response(api, op, status)
    if found is None:
        return BASIC_ERROR if status in UNDOCUMENTED_BUT_UNIVERSAL else None
    response, pointer = found
    if JSON_MEDIA in response.get("content", {}):
        return pointer + escape_pointer("content", JSON_MEDIA, "schema")
    return None


def response_errors(api: OpenAPI, op: Operation, status: int, body: Any, has_body: bool) -> list[str]:
    """Everything wrong with a response to ``op``; empty when it is valid."""
    found = documented_response(api, op, status)
    if found is None:
        if status in UNDOCUMENTED_BUT_UNIVERSAL:
            return [f"body {e}" for e in api.errors(BASIC_ERROR, body)]
        documented = ", ".join(op.definition.get("responses", {}))
        return [f"status {status} is not documented for this operation (documented: {documented})"]
    response, pointer = found
    content = response.get("content", {})
    if not content:
        return [f"status {status} is documented without a body, but one was sent"] if has_body else []
    if JSON_MEDIA not in content:
        return [f"status {status} documents {sorted(content)}, the double sent JSON"]
    if not has_body:
        return [f"status {status} documents a JSON body, but none was sent"]
    schema_pointer = pointer + escape_pointer("content", JSON_MEDIA, "schema")
    return [f"body {e}" for e in api.errors(schema_pointer, body)]
