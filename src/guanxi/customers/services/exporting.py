"""Exporting the current, filtered list of customers (scoped like the list) to CSV or XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core import exports
from guanxi.customers.models import Customer

MAX_EXPORT_ROWS = 100_000


def _columns() -> list[tuple[str, Any]]:
    return [
        (_("customer code"), lambda c: c.code),
        (_("name"), lambda c: c.name),
        (_("Latin name"), lambda c: c.name_en),
        (_("kind"), lambda c: c.get_kind_display()),
        (_("relationship type"), lambda c: c.get_relationship_type_display()),
        (_("status"), lambda c: c.get_status_display()),
        (_("lifecycle status"), lambda c: c.get_lifecycle_status_display()),
        (_("loyalty"), lambda c: c.get_loyalty_display()),
        (_("importance"), lambda c: c.get_importance_display()),
        (_("value-providing ability"), lambda c: c.get_value_ability_display()),
        (_("relationship depth"), lambda c: c.get_relationship_depth_display()),
        (_("industry"), lambda c: c.industry_label),
        (_("region"), lambda c: c.region_label),
        (_("address"), lambda c: c.address),
        (_("phone"), lambda c: c.phone),
        (_("email"), lambda c: c.email),
        (_("tags"), lambda c: ", ".join(c.tag_list)),
        (_("source"), lambda c: c.get_source_display()),
        (_("annual turnover (CNY)"), lambda c: c.annual_turnover),
        (_("owner"), lambda c: str(c.owner) if c.owner else ""),
        (_("department"), lambda c: str(c.department) if c.department else ""),
        (_("updated"), lambda c: c.updated_at),
    ]


def export_customers(queryset: QuerySet[Customer], fmt: str) -> bytes:
    """``queryset`` must already be scoped (``visible_to``) and filtered by the caller."""
    columns = _columns()
    rows: Iterator[list[Any]] = (
        [func(c) for _h, func in columns]
        for c in queryset.select_related("owner", "department")[:MAX_EXPORT_ROWS].iterator(
            chunk_size=2000
        )
    )
    return exports.write(fmt, [h for h, _f in columns], rows, title="customers")
