"""Which keys a pydantic model accepts at a location, for "did you mean" hints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def allowed_keys(model: type[BaseModel], parent: tuple[Any, ...]) -> list[str]:
    """The keys (aliases where set) accepted at ``parent`` inside ``model``."""
    current: type[BaseModel] = model
    for part in parent:
        if isinstance(part, int):
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        nested = _nested_model(field.annotation if field else None)
        if nested is None:
            return []
        current = nested
    return [f.alias or n for n, f in current.model_fields.items()]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None
