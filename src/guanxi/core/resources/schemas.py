"""API schemas built from a declaration: the model field's type, nullability and help text.

Input schemas forbid unknown fields (400 naming them); a field that is not nullable in the
database refuses ``null`` instead of failing at the INSERT.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.conf import settings
from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from guanxi.core.resources.declaration import Resource

_TYPES: list[tuple[type[models.Field[Any, Any]], Any]] = [
    (models.BooleanField, bool),
    (models.DecimalField, decimal.Decimal),
    (models.FloatField, float),
    (models.DateTimeField, dt.datetime),
    (models.DateField, dt.date),
    (models.TimeField, dt.time),
    (models.DurationField, dt.timedelta),
    (models.ForeignKey, int),
    (models.AutoField, int),
    (models.BigAutoField, int),
    (models.IntegerField, int),
    (models.JSONField, Any),
    (models.CharField, str),
    (models.TextField, str),
]


def field_type(resource: Resource, name: str) -> tuple[Any, bool]:
    """(python type, nullable) of a declared model field, an override winning."""
    if name == "id":
        return int, False
    model_field = resource.model._meta.get_field(name)
    nullable = bool(getattr(model_field, "null", False))
    if name in resource.types:
        return resource.types[name], nullable
    for field_class, python_type in _TYPES:
        if isinstance(model_field, field_class):
            return python_type, nullable
    raise TypeError(f"{resource.name}.{name}: no API type for {type(model_field).__name__}")


def _optional(kind: Any, nullable: bool) -> Any:
    return kind | None if nullable else kind


def _strict(name: str, fields: dict[str, Any]) -> type[Schema]:
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    model.model_config = ConfigDict(**{**model.model_config, "extra": "forbid"})
    model.model_rebuild(force=True)
    return model


def _label(resource: Resource) -> str:
    return "".join(part.capitalize() for part in resource.singular.split("_"))


#: Built output schemas, so the generated routes and a module's action routes answer with the
#: same class (one OpenAPI component); rebuilt when a contribution arrives later. The entry keeps
#: its resource alive, so an ``id`` is never reused for another one.
_BUILT: dict[tuple[int, str, tuple[str, ...]], tuple[Resource, type[Schema]]] = {}


def _built(resource: Resource, kind: str, build: Any) -> type[Schema]:
    key = (id(resource), kind, tuple(c.name for c in resource.contributed))
    if key not in _BUILT:
        _BUILT[key] = (resource, build(resource))
    return _BUILT[key][1]


def out_schema(resource: Resource) -> type[Schema]:
    """One record as the list shows it."""
    return _built(resource, "out", _out_schema)


def detail_schema(resource: Resource) -> type[Schema]:
    """One record as its own answer shows it: the list's fields and ``detail_computed``."""
    if not resource.detail_computed:
        return out_schema(resource)
    return _built(resource, "detail", _detail_schema)


def _detail_schema(resource: Resource) -> type[Schema]:
    fields: dict[str, Any] = {c.name: (c.type, ...) for c in resource.detail_computed}
    model: type[Schema] = create_model(
        f"{_label(resource)}DetailOut", __base__=out_schema(resource), **fields
    )
    return model


def _out_schema(resource: Resource) -> type[Schema]:
    fields: dict[str, Any] = {}
    for name in resource.read:
        kind, nullable = field_type(resource, name)
        if name in resource.gated:
            fields[name] = (kind | None, None)
        else:
            fields[name] = (_optional(kind, nullable), ...)
    for computed in resource.computed:
        if computed.name in resource.gated:
            fields[computed.name] = (computed.type | None, None)
        else:
            fields[computed.name] = (computed.type, ...)
    for contributed in resource.contributed:
        fields[contributed.name] = (contributed.type | None, None)
    model: type[Schema] = create_model(f"{_label(resource)}Out", __base__=Schema, **fields)
    return model


def page_schema(resource: Resource, item: type[Schema]) -> type[Schema]:
    from guanxi.core.resources.lists import page_schema as page_of_items

    return page_of_items(f"{_label(resource)}Page", item)


def _input_fields(resource: Resource, names: tuple[str, ...], required: set[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        kind, nullable = field_type(resource, name)
        model_field = resource.model._meta.get_field(name)
        constraints: dict[str, Any] = {}
        max_length = getattr(model_field, "max_length", None)
        if kind is str and max_length:
            constraints["max_length"] = max_length
        description = str(getattr(model_field, "help_text", "") or "")
        if description:
            constraints["description"] = description
        if name in required:
            fields[name] = (_optional(kind, nullable), Field(..., **constraints))
        else:
            # Omitted → not sent to the service (exclude_unset); null only where the column is.
            fields[name] = (_optional(kind, nullable), Field(None, **constraints))
    return fields


def create_schema(resource: Resource) -> type[Schema]:
    fields = _input_fields(resource, resource.writable(), set(resource.required))
    for name, kind in resource.create_extra.items():
        fields[name] = (kind, None)
    return _strict(f"{_label(resource)}In", fields)


def patch_schema(resource: Resource) -> type[Schema]:
    fields = _input_fields(resource, resource.write, set())
    fields["version"] = (
        int | None,
        Field(None, description="The version you edited (or send If-Match)."),
    )
    return _strict(f"{_label(resource)}Patch", fields)


def query_schema(resource: Resource) -> type[Schema]:
    """The list's query parameters, published in OpenAPI (the filter set still checks them)."""
    filterset = resource.filterset
    sorts = sorted(filterset.sorts) + sorted(c.name for c in resource.contributed if c.sortable)
    fields: dict[str, Any] = {
        "page": (int | None, Field(None, ge=1, description="Page number, from 1.")),
        "page_size": (
            int | None,
            Field(
                None,
                ge=1,
                le=settings.GUANXI_API_MAX_PAGE_SIZE,
                description=f"Rows per page (default {settings.GUANXI_API_PAGE_SIZE}).",
            ),
        ),
        "q": (str | None, Field(None, description="Search term.")),
        "sort": (
            str | None,
            Field(
                None,
                description="Sort key, '-' first for descending: " + ", ".join(sorts),
            ),
        ),
    }
    filters = dict(filterset.filters)
    for contributed in resource.contributed:
        if contributed.filter is not None:
            filters[contributed.name] = contributed.filter
    for name, spec in sorted(filters.items()):
        kind = list[str] if spec.many else str
        fields[name] = (kind | None, Field(None, description=f"Filter ({spec.type.__name__})."))
    for name in sorted(filterset.extra_params):
        fields.setdefault(name, (list[str] | None, Field(None)))
    model: type[Schema] = create_model(f"{_label(resource)}Query", __base__=Schema, **fields)
    return model
