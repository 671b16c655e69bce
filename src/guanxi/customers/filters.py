"""The filter sets of customers, contacts and activities: one declaration serves the list
pages, the exports and the API lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from guanxi.core.filters import Filter, FilterSet, _values
from guanxi.customers.models import AXES
from guanxi.customers.services.customers import search as search_customers

_axis_filters = {name: Filter(name, many=True) for name in AXES}


class CustomerFilterSet(FilterSet):
    """Adds the tag filter: a tag matches whole (",vip," in ",vip,北京,"), never a prefix."""

    def apply(self, queryset: QuerySet, params: Any) -> QuerySet:
        queryset = super().apply(queryset, params)
        for tag in _values(params, "tag"):
            if tag.strip():
                queryset = queryset.filter(tags__contains=f",{tag.strip()},")
        return queryset


CUSTOMER_FILTERS = CustomerFilterSet(
    filters={
        **_axis_filters,
        "owner": Filter("owner_id", int, many=True),
        "no_owner": Filter("owner__isnull", bool),
        "department": Filter("department_id", int, many=True),
        "province": Filter("province", many=True),
        "city": Filter("city", many=True),
        "district": Filter("district", many=True),
        "industry": Filter("industry", many=True),
        "company_size": Filter("company_size", many=True),
        "age_band": Filter("age_band", many=True),
        "code": Filter("code"),
        "created_after": Filter("created_at__date__gte", dt.date),
        "created_before": Filter("created_at__date__lte", dt.date),
    },
    sorts={
        "code": "code",
        "name": "name",
        "kind": "kind",
        "status": "status",
        "importance": "importance",
        "loyalty": "loyalty",
        "lifecycle_status": "lifecycle_status",
        "province": "province",
        "industry": "industry",
        "owner": "owner__username",
        "created": "created_at",
        "updated": "updated_at",
    },
    default_sort="-updated",
    search=search_customers,
    extra_params=frozenset({"tag"}),
)

CONTACT_FILTERS = FilterSet(
    filters={
        "customer": Filter("customer_id", int, many=True),
        "is_primary": Filter("is_primary", bool),
    },
    sorts={"name": "name", "customer": "customer__name", "updated": "updated_at"},
    default_sort="name",
    search=lambda qs, term: qs.filter(name__icontains=term.strip()),
)

ACTIVITY_FILTERS = FilterSet(
    filters={
        "customer": Filter("customer_id", int, many=True),
        "kind": Filter("kind", many=True),
        "after": Filter("occurred_at__date__gte", dt.date),
        "before": Filter("occurred_at__date__lte", dt.date),
    },
    sorts={"occurred": "occurred_at", "updated": "updated_at"},
    default_sort="-occurred",
    search=lambda qs, term: qs.filter(subject__icontains=term.strip()),
)
