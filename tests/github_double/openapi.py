"""GitHub's published OpenAPI description, loaded once and used to judge every exchange.

The description ships in the npm package ``@octokit/openapi`` (a devDependency in the
repository's ``package.json``). It is OpenAPI 3.0.3, whose schema dialect is *almost* JSON
Schema: the one difference that matters for GitHub's description is ``nullable: true``,
which we rewrite into Draft 2020-12 (``type: [T, "null"]`` or ``anyOf`` with ``null``) so
that the stock ``jsonschema`` validators can be used. Prose (descriptions, examples) is
dropped while converting; it is most of the 13 MB and is never needed to validate.

Loading costs ~1 s the first time on a machine; the converted document and the route index
are then cached (marshal, keyed by package version, file size/mtime, converter version and
Python version) under the system temp dir, and within one process the loaded description
is a singleton, so a test pays nothing for it after the first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

# Bump when the conversion below changes, so stale caches are ignored.
CONVERTER_VERSION = 3
DOC_URI = "urn:github-double:api.github.com"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keys whose value is a map from *names* (property names, paths, status codes, media types)
# to schema-ish objects: their keys must never be mistaken for keywords.
_NAME_MAP_KEYS = frozenset(
    {
        "properties",
        "patternProperties",
        "paths",
        "schemas",
        "responses",
        "content",
        "headers",
        "requestBodies",
        "securitySchemes",
        "mapping",
        "variables",
        "$defs",
        "definitions",
    }
)
# Keywords that carry prose or examples only; dropping them shrinks the cache several-fold.
_DROP_KEYS = frozenset(
    {
        "description",
        "summary",
        "example",
        "examples",
        "externalDocs",
        "x-github",
        "x-octokit",
        "x-github-breaking-changes",
        "x-webhooks",
        "tags",
    }
)


class OpenAPIUnavailableError(RuntimeError):
    """The npm package with GitHub's description is not installed."""


def repo_root() -> Path:
    """The repository root (this file lives in tests/github_double/)."""
    return Path(__file__).resolve().parents[2]


def description_path() -> Path:
    """Where ``npm ci`` puts GitHub's description for api.github.com."""
    pkg = repo_root() / "node_modules" / "@octokit" / "openapi"
    path = pkg / "generated" / "api.github.com.json"
    if not path.is_file():
        raise OpenAPIUnavailableError(
            f"{path} is missing: run `npm ci` (or `make setup`) at the repository root "
            "to install the @octokit/openapi devDependency"
        )
    return path


# ---------------------------------------------------------------------------- conversion


def convert(node: Any, *, name_map: bool = False) -> Any:
    """Return an OpenAPI 3.0 (sub)document rewritten for JSON Schema Draft 2020-12."""
    if isinstance(node, list):
        return [convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    if name_map:
        return {key: convert(value) for key, value in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP_KEYS:
            continue
        out[key] = convert(value, name_map=key in _NAME_MAP_KEYS and isinstance(value, dict))
    return _convert_nullable(out)


def _convert_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Turn OpenAPI 3.0's ``nullable`` into what Draft 2020-12 understands."""
    if "nullable" not in schema:
        return schema
    nullable = schema.pop("nullable") is True
    if not nullable:
        return schema
    combinator = any(key in schema for key in ("allOf", "anyOf", "oneOf", "$ref"))
    kind = schema.get("type")
    if isinstance(kind, str) and not combinator:
        schema["type"] = [kind, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if not schema:
        return schema  # nullable "anything" is still anything
    return {"anyOf": [{"type": "null"}, schema]}


# ---------------------------------------------------------------------------- route index


@dataclass(frozen=True)
class Route:
    """One path template of the description, compiled for matching concrete paths."""

    template: str
    regex: re.Pattern[str]
    param_names: tuple[str, ...]
    literal_segments: int
    methods: frozenset[str]


def compile_route(template: str, methods: frozenset[str]) -> Route:
    """Compile ``/repos/{owner}/{repo}`` into a regex; ``{path}`` may span segments."""
    parts: list[str] = []
    names: list[str] = []
    literals = 0
    for segment in template.strip("/").split("/"):
        pieces = re.split(r"(\{[^}]+\})", segment)
        if len(pieces) == 1:
            literals += 1
        rx = ""
        for piece in pieces:
            if piece.startswith("{") and piece.endswith("}"):
                name = piece[1:-1]
                names.append(name)
                # Content paths contain slashes; everything else is one segment.
                rx += f"(?P<{_group(name)}>.+)" if name == "path" else f"(?P<{_group(name)}>[^/]+)"
            else:
                rx += re.escape(piece)
        parts.append(rx)
    regex = re.compile("^/" + "/".join(parts) + "$")
    return Route(template, regex, tuple(names), literals, methods)


def _group(name: str) -> str:
    """Regex group names must be identifiers; GitHub's parameter names mostly are."""
    return re.sub(r"\W", "_", name)


# ---------------------------------------------------------------------------- loading


def _cache_file(source: Path) -> Path:
    stat = source.stat()
    pkg = json.loads((source.parent.parent / "package.json").read_text())
    key = "|".join(
        [
            str(pkg.get("version")),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            str(CONVERTER_VERSION),
            sys.version,
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / "handoffs-github-double-cache"
    return directory / f"api.github.com-{pkg.get('version')}-{digest}.marshal"


def _load_document(source: Path) -> dict[str, Any]:
    """Converted description, from the on-disk cache when it is fresh."""
    cache = _cache_file(source)
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        # Our own cache file; marshal cannot run code, and only a dict is accepted below.
        loaded = marshal.loads(cache.read_bytes())  # noqa: S302
        if isinstance(loaded, dict):
            return loaded
    raw = json.loads(source.read_bytes())
    keep = {k: raw[k] for k in ("openapi", "info", "paths", "components") if k in raw}
    keep["components"] = {k: v for k, v in keep.get("components", {}).items() if k != "examples"}
    document: dict[str, Any] = convert(keep)
    document["info"] = raw.get("info", {})
    _write_atomically(cache, marshal.dumps(document))
    return document


def _write_atomically(path: Path, data: bytes) -> None:
    """Parallel test workers may race to write the cache: rename makes that harmless."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)


# ---------------------------------------------------------------------------- the description


@dataclass(frozen=True)
class Operation:
    """A matched operation: its route, method, concrete path parameters and definition."""

    method: str
    template: str
    operation_id: str
    path_params: dict[str, str]
    definition: dict[str, Any]
    pointer: str  # JSON pointer of the operation object inside the document


@dataclass
class OpenAPI:
    """GitHub's description: route matching, ``$ref`` resolution and cached validators."""

    document: dict[str, Any]
    source: Path
    _routes: dict[int, list[Route]] = field(default_factory=dict)
    _greedy: list[Route] = field(default_factory=list)
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _registry: Registry[Any] | None = None

    def __post_init__(self) -> None:
        for template, item in self.document["paths"].items():
            methods = frozenset(m for m in item if m in HTTP_METHODS)
            route = compile_route(template, methods)
            if "{path}" in template:
                self._greedy.append(route)
            else:
                self._routes.setdefault(template.count("/"), []).append(route)
        # Prefer the template with the most literal segments: /pulls/comments over /pulls/{n}.
        for routes in self._routes.values():
            routes.sort(key=lambda r: -r.literal_segments)
        resource = DRAFT202012.create_resource(self.document)
        self._registry = Registry().with_resource(DOC_URI, resource)

    @property
    def version(self) -> str:
        """The @octokit/openapi package version the description came from."""
        return str(self.document.get("info", {}).get("version", "?"))

    # -- matching -----------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Operation | None, str | None]:
        """Find the operation for a concrete request; or ``None`` and why not."""
        path = "/" + path.strip("/") if path != "/" else "/"
        candidates = [*self._routes.get(path.count("/"), []), *self._greedy]
        path_only_match: Route | None = None
        for route in candidates:
            found = route.regex.match(path)
            if not found:
                continue
            if method.lower() not in route.methods:
                path_only_match = path_only_match or route
                continue
            params = {name: unquote(found.group(_group(name))) for name in route.param_names}
            definition = self.document["paths"][route.template][method.lower()]
            pointer = f"/paths/{_escape(route.template)}/{method.lower()}"
            op_id = str(definition.get("operationId", f"{method} {route.template}"))
            return Operation(method.upper(), route.template, op_id, params, definition, pointer), None
        if path_only_match is not None:
            allowed = ", ".join(sorted(m.upper() for m in path_only_match.methods))
            return None, (
                f"{method.upper()} is not an operation of {path_only_match.template} "
                f"in GitHub's OpenAPI description (documented: {allowed})"
            )
        return None, f"no path template in GitHub's OpenAPI description matches {path}"

    # -- $ref handling ------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow local ``$ref``s (``#/components/...``) until a concrete object."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self.pointer(node["$ref"].removeprefix("#"))
            seen += 1
            if seen > 50:
                raise RecursionError(f"$ref cycle at {node}")
        return node

    def pointer(self, pointer: str) -> Any:
        """The node at a JSON pointer inside the (converted) document."""
        node: Any = self.document
        for raw in pointer.lstrip("/").split("/"):
            segment = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(segment)] if isinstance(node, list) else node[segment]
        return node

    # -- validation ---------------------------------------------------------------------

    def validator(self, pointer: str) -> Draft202012Validator:
        """A cached validator for the schema at ``pointer`` (refs resolve into the doc)."""
        with self._lock:
            cached = self._validators.get(pointer)
            if cached is None:
                schema = {"$ref": f"{DOC_URI}#{pointer}"}
                cached = Draft202012Validator(schema, registry=self._registry, format_checker=FormatChecker())
                self._validators[pointer] = cached
            return cached

    def errors(self, pointer: str, instance: Any) -> list[str]:
        """Human-readable schema errors for ``instance``, most relevant first."""
        validator = self.validator(pointer)
        found = list(validator.iter_errors(instance))
        if not found:
            return []
        best = best_match(found)
        messages = [_describe(best)]
        messages.extend(_describe(e) for e in found if e is not best)
        return messages[:5]


def _describe(error: ValidationError) -> str:
    """``at $.head.repo.owner: None is not of type 'object'`` style messages."""
    deepest = error
    # anyOf/oneOf errors hide the useful part in their context; surface the deepest one.
    while deepest.context:
        deepest = best_match(deepest.context)
    message = deepest.message
    if len(message) > 300:
        message = message[:300] + "..."
    return f"at {deepest.json_path}: {message}"


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def escape_pointer(*segments: str) -> str:
    """Build a JSON pointer from raw segments."""
    return "".join("/" + _escape(s) for s in segments)


_SINGLETON: OpenAPI | None = None
_SINGLETON_LOCK = threading.Lock()


def load_openapi() -> OpenAPI:
    """The process-wide description (loaded from the cache after the first time)."""
    global _SINGLETON  # noqa: PLW0603 - a process-wide cache on purpose
    with _SINGLETON_LOCK:
        if _SINGLETON is None:
            source = description_path()
            _SINGLETON = OpenAPI(document=_load_document(source), source=source)
        return _SINGLETON
