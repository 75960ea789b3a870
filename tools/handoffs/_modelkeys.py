"""Which keys a pydantic model accepts at a location, for "did you mean" hints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def allowed_keys(model: type[BaseModel], parent: tuple[Any, ...]) -> list[str]:
    """The keys (aliases where set) accepted at ``parent`` inside ``model``."""
    current = _model_at(model, parent)
    return [f.alias or n for n, f in current.model_fields.items()] if current else []


def field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The field a validation error's ``loc`` points at inside ``model``, if it is a model field."""
    keys = tuple(part for part in loc if not isinstance(part, int))
    parent = _model_at(model, keys[:-1]) if keys else None
    if parent is None:
        return None
    return next((f for n, f in parent.model_fields.items() if (f.alias or n) == keys[-1]), None)


def _model_at(model: type[BaseModel], parent: tuple[Any, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] = model
    for part in parent:
        if isinstance(part, int):
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        nested = _nested_model(field.annotation if field else None)
        if nested is None:
            return None
        current = nested
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None
