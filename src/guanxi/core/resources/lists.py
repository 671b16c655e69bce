"""Pages for hand-written list routes (reports, receivables, the team, the duplicate check).

They answer like the generated lists: a page (``items``, ``count``, ``page``, ``page_size``),
their parameters published in OpenAPI as a query schema, and an unknown key → 400 naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, create_model

from guanxi.core.errors import InvalidInput
from guanxi.core.filters import page_bounds


class PageQuery(Schema):
    """The page parameters every list accepts (a route's own query schema extends it)."""

    page: int | None = Field(None, ge=1, description="Page number, from 1.")
    page_size: int | None = Field(
        None, ge=1, le=settings.GUANXI_API_MAX_PAGE_SIZE, description="Rows per page."
    )


def page_schema(schema_name: str, item: Any, **extra: Any) -> type[Schema]:
    """``{count, page, page_size, items: [item]}`` plus ``extra`` fields (totals, say)."""
    fields: dict[str, Any] = {
        "count": (int, ...),
        "page": (int, ...),
        "page_size": (int, ...),
        "items": (list[item], ...),
        **{key: (kind, ...) for key, kind in extra.items()},
    }
    model: type[Schema] = create_model(schema_name, __base__=Schema, **fields)
    return model


def check_keys(request: HttpRequest, query: type[Schema], also: Iterable[str] = ()) -> None:
    """Refuse a query key the route does not publish (ninja would ignore it silently)."""
    allowed = set(query.model_fields) | set(also)
    unknown = sorted(k for k in request.GET if k not in allowed)
    if unknown:
        raise InvalidInput(
            {key: [_("Unknown filter parameter: %(key)s") % {"key": key}] for key in unknown}
        )


def page_of(
    request: HttpRequest,
    rows: Any,
    query: type[Schema] = PageQuery,
    convert: Callable[[Any], Any] = lambda row: row,
    also: Iterable[str] = (),
) -> dict[str, Any]:
    """One page of ``rows`` after checking the query keys against the route's schema."""
    check_keys(request, query, also)
    return page(request, rows, convert)


def page(
    request: HttpRequest, rows: Any, convert: Callable[[Any], Any] = lambda row: row
) -> dict[str, Any]:
    """The one paging of every list: ``rows`` (a list, or a queryset counted once) cut to the
    page the query asks for, out-of-range ``page``/``page_size`` a 400 naming them. Lists
    behind a filter set have had their keys checked by it."""
    number, size = page_bounds(
        request.GET,
        default_size=settings.GUANXI_API_PAGE_SIZE,
        max_size=settings.GUANXI_API_MAX_PAGE_SIZE,
    )
    count = len(rows) if isinstance(rows, list | tuple) else rows.count()
    found = rows[(number - 1) * size : number * size]
    return {
        "count": count,
        "page": number,
        "page_size": size,
        "items": [convert(row) for row in found],
    }
