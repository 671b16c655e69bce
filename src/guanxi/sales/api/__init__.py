"""The sales API: /api/v1/products, price-lists, pipelines, leads, opportunities, tasks, orders,
payments, receivables and reports — one router, its routes in one module per concept.

Lists share the pages' filter sets (unknown query keys → 400 naming the key); every route starts
from the scope rule (out of view scope → 404 like missing; visible but not changeable → 403);
writes carry the version (a ``version`` field or If-Match) and a stale one answers 409. Owner,
department, version, totals, statuses and timestamps are not client-writable: they change
through the dedicated routes (assign, stage, confirm, cancel, reverse ...).
"""

from ninja import Router

router = Router(tags=["sales"])

# The route modules register on ``router`` when imported (after it exists).
from guanxi.sales.api import (  # noqa: E402
    catalogue,
    leads,
    opportunities,
    orders,
    payments,
    reports,
    tasks,
)

__all__ = [
    "catalogue",
    "leads",
    "opportunities",
    "orders",
    "payments",
    "reports",
    "router",
    "tasks",
]
