"""Filter sets of the sales lists: one declaration serves the pages, exports and API lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from guanxi.core.filters import Filter, FilterSet
from guanxi.sales.services import leads, opportunities, orders, products, tasks

PRODUCT_FILTERS = FilterSet(
    filters={
        "category": Filter("category_id", int, many=True),
        "active": Filter("active", bool),
        "code": Filter("code"),
    },
    sorts={"code": "code", "name": "name", "price": "list_price", "updated": "updated_at"},
    default_sort="code",
    search=products.search,
)

CATEGORY_FILTERS = FilterSet(
    filters={"name": Filter("name")},
    sorts={"name": "name", "updated": "updated_at"},
    default_sort="name",
    search=lambda rows, term: rows.filter(name__icontains=term),
)

PRICE_LIST_FILTERS = FilterSet(
    filters={"active": Filter("active", bool)},
    sorts={"name": "name", "updated": "updated_at"},
    default_sort="name",
    search=lambda rows, term: rows.filter(name__icontains=term),
)

PIPELINE_FILTERS = FilterSet(
    filters={"department": Filter("departments", int, many=True)},
    sorts={"name": "name", "default": "is_default"},
    default_sort="-default",
    search=lambda rows, term: rows.filter(name__icontains=term),
)

STAGE_FILTERS = FilterSet(
    filters={"pipeline": Filter("pipeline_id", int, many=True), "kind": Filter("kind", many=True)},
    sorts={"position": "position", "name": "name"},
    default_sort="position",
)

COMPETITOR_FILTERS = FilterSet(
    filters={"name": Filter("name")},
    sorts={"name": "name", "updated": "updated_at"},
    default_sort="name",
    search=lambda rows, term: (
        rows.filter(name__icontains=term) | rows.filter(name_en__icontains=term)
    ),
)

LEAD_FILTERS = FilterSet(
    filters={
        "status": Filter("status", many=True),
        "source": Filter("source", many=True),
        "owner": Filter("owner_id", int, many=True),
        "no_owner": Filter("owner__isnull", bool),
        "department": Filter("department_id", int, many=True),
        "province": Filter("province", many=True),
        "industry": Filter("industry", many=True),
        "created_after": Filter("created_at__date__gte", dt.date),
        "created_before": Filter("created_at__date__lte", dt.date),
    },
    sorts={
        "company": "company",
        "status": "status",
        "value": "estimated_value",
        "owner": "owner__username",
        "created": "created_at",
        "updated": "updated_at",
    },
    default_sort="-created",
    search=leads.search,
)

OPPORTUNITY_FILTERS = FilterSet(
    filters={
        "customer": Filter("customer_id", int, many=True),
        "pipeline": Filter("pipeline_id", int),
        "stage": Filter("stage_id", int, many=True),
        "outcome": Filter("outcome", many=True),
        "owner": Filter("owner_id", int, many=True),
        "department": Filter("department_id", int, many=True),
        "close_after": Filter("expected_close_date__gte", dt.date),
        "close_before": Filter("expected_close_date__lte", dt.date),
        "min_amount": Filter("amount__gte", Decimal),
        "max_amount": Filter("amount__lte", Decimal),
    },
    sorts={
        "name": "name",
        "customer": "customer__name",
        "amount": "amount",
        "stage": "stage__position",
        "close": "expected_close_date",
        "owner": "owner__username",
        "updated": "updated_at",
    },
    default_sort="-updated",
    search=opportunities.search,
)

TASK_FILTERS = FilterSet(
    filters={
        "kind": Filter("kind", many=True),
        "status": Filter("status", many=True),
        "owner": Filter("owner_id", int, many=True),
        "customer": Filter("customer_id", int, many=True),
        "lead": Filter("lead_id", int),
        "opportunity": Filter("opportunity_id", int),
        "after": Filter("starts_at__date__gte", dt.date),
        "before": Filter("starts_at__date__lte", dt.date),
    },
    sorts={"starts": "starts_at", "subject": "subject", "updated": "updated_at"},
    default_sort="starts",
    search=tasks.search,
)

ORDER_FILTERS = FilterSet(
    filters={
        "customer": Filter("customer_id", int, many=True),
        "status": Filter("status", many=True),
        "owner": Filter("owner_id", int, many=True),
        "department": Filter("department_id", int, many=True),
        "after": Filter("order_date__gte", dt.date),
        "before": Filter("order_date__lte", dt.date),
        "has_contract": Filter("contract_number__gt", str),
        "contract_ends_before": Filter("contract_end__lte", dt.date),
    },
    sorts={
        "number": "number",
        "date": "order_date",
        "total": "total",
        "customer": "customer__name",
        "status": "status",
        "updated": "updated_at",
    },
    default_sort="-date",
    search=orders.search,
)

PAYMENT_FILTERS = FilterSet(
    filters={
        "order": Filter("order_id", int, many=True),
        "customer": Filter("customer_id", int, many=True),
        "status": Filter("status", many=True),
        "method": Filter("method", many=True),
        "owner": Filter("owner_id", int, many=True),
        "after": Filter("received_on__gte", dt.date),
        "before": Filter("received_on__lte", dt.date),
    },
    sorts={"date": "received_on", "amount": "amount", "updated": "updated_at"},
    default_sort="-date",
    search=lambda qs, term: qs.filter(reference__icontains=term.strip()),
)

INSTALMENT_FILTERS = FilterSet(
    filters={
        "order": Filter("order_id", int, many=True),
        "due_after": Filter("due_date__gte", dt.date),
        "due_before": Filter("due_date__lte", dt.date),
    },
    sorts={"due": "due_date", "number": "number", "amount": "amount", "updated": "updated_at"},
    default_sort="due",
)
