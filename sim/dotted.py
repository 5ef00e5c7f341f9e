"""Dotted paths into scenario data and its schema, such as `designs.integraal.fte_per_10k` or `assumptions.0.size`.

A part names a key of a table, or (a number) an item of a list. Overrides, sweep and
calibration parameters and the app's sliders all reach into a scenario this one way.
"""

from __future__ import annotations

from pydantic import BaseModel
from pydantic.fields import FieldInfo

MISSES = (KeyError, IndexError, ValueError, TypeError)  # what a path that is not in the data raises on the way


def lookup(data: object, dotted: str) -> object:
    """The value at a dotted path of nested tables and lists; KeyError(dotted) when there is none."""
    node = data
    try:
        for part in dotted.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
    except MISSES:
        raise KeyError(dotted) from None
    return node


def assign(data: object, dotted: str, value: object) -> None:
    """Replace the value at a dotted path in place; KeyError(dotted) when there is none (no key is ever added)."""
    parent, _, leaf = dotted.rpartition(".")
    try:
        node = lookup(data, parent) if parent else data
        if isinstance(node, list):
            node[int(leaf)] = value
        elif leaf in node:
            node[leaf] = value
        else:
            raise KeyError(leaf)
    except MISSES:
        raise KeyError(dotted) from None


def inner_model(annotation: object) -> object:
    """The pydantic model inside an annotation such as `list[Model]` or `dict[str, Model]` (else the annotation)."""
    args = getattr(annotation, "__args__", ())
    for arg in (annotation, *args):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def field_info(model: type[BaseModel], path: str | tuple) -> FieldInfo | None:
    """The declaration of the last field on a dotted path (or pydantic error location) of the schema.

    Parts that name no field, such as a design's name or a list index, are passed over;
    None when the path names no field at all.
    """
    info = None
    current: object = model
    for part in path.split(".") if isinstance(path, str) else path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            continue
        info = current.model_fields[part]
        current = inner_model(info.annotation)
    return info
