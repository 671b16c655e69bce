"""The CSV/XLSX export of a resource's filtered list: its declared columns, then the
contributed ones the user may see; formula-safe through ``core.exports``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from guanxi.core import exports
from guanxi.core.resources.declaration import Resource

if TYPE_CHECKING:
    from guanxi.core.signed_in import RequestUser

#: The most rows one export holds (a spreadsheet's practical limit, and a bound on memory).
MAX_EXPORT_ROWS = 100_000


def _annotation(name: str) -> Callable[[Any], Any]:
    return lambda record: getattr(record, name, None)


def export_bytes(
    resource: Resource, queryset: QuerySet[Any], fmt: str, user: RequestUser | None
) -> bytes:
    """``queryset`` comes from the list view: already scoped and filtered."""
    from guanxi.core.resources.api_routes import visible_contributions

    columns: list[tuple[str, Callable[[Any], Any]]] = [
        (str(c.header), c.get) for c in resource.columns
    ]
    for contributed in visible_contributions(resource, user):
        columns.append(
            (str(contributed.label or contributed.name), _annotation(contributed.annotation))
        )
    rows: Iterator[list[Any]] = (
        [get(record) for _header, get in columns]
        for record in queryset[:MAX_EXPORT_ROWS].iterator(chunk_size=2000)
    )
    return exports.write(fmt, [h for h, _g in columns], rows, title=resource.name)
