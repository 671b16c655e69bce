"""Filters and sorting declared once per model, shared by the list pages and the API.

A :class:`FilterSet` names the query parameters a list accepts, the lookup each one maps to and
the columns it may sort by. Anything else in the query string is an error naming the parameter
(never passed on to ``filter(**...)`` or ``order_by``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput

#: Parameters every list understands; they are not filters.
CONTROL_PARAMS = frozenset({"page", "page_size", "sort", "q", "saved", "format"})


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes"}:
        return True
    if lowered in {"0", "false", "no"}:
        return False
    raise ValueError(raw)


PARSERS: dict[type, Callable[[str], Any]] = {
    str: str,
    int: int,
    bool: _parse_bool,
    decimal.Decimal: decimal.Decimal,
    dt.date: dt.date.fromisoformat,
}


@dataclass(frozen=True)
class Filter:
    """One query parameter: the ORM lookup it feeds and the type of its value."""

    lookup: str
    type: type = str
    many: bool = False
    label: str = ""


@dataclass
class FilterSet:
    filters: dict[str, Filter]
    sorts: dict[str, str]
    default_sort: str
    search: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None
    extra_params: frozenset[str] = field(default_factory=frozenset)

    def check_keys(self, params: Mapping[str, Any]) -> None:
        allowed = set(self.filters) | CONTROL_PARAMS | self.extra_params
        unknown = sorted(k for k in params if k not in allowed)
        if unknown:
            raise InvalidInput(
                {key: [_("Unknown filter parameter: %(key)s") % {"key": key}] for key in unknown}
            )

    def apply(self, queryset: QuerySet[Any], params: Any) -> QuerySet[Any]:
        """Filter, search and sort ``queryset`` by ``params`` (a QueryDict or a plain dict)."""
        self.check_keys(params)
        errors: dict[str, list[str]] = {}
        for name, spec in self.filters.items():
            values = _values(params, name)
            values = [v for v in values if v != ""]
            if not values:
                continue
            try:
                parsed = [PARSERS[spec.type](v) for v in values]
            except (ValueError, ArithmeticError):
                errors[name] = [_("Invalid value for %(key)s.") % {"key": name}]
                continue
            if spec.many or len(parsed) > 1:
                condition = Q()
                for value in parsed:
                    condition |= Q(**{spec.lookup: value})
                queryset = queryset.filter(condition)
            else:
                queryset = queryset.filter(**{spec.lookup: parsed[0]})
        if errors:
            raise InvalidInput(errors)
        term = (_values(params, "q") or [""])[0].strip()
        if term and self.search is not None:
            queryset = self.search(queryset, term)
        return queryset.order_by(*self.ordering(params))

    def ordering(self, params: Any) -> list[str]:
        raw = (_values(params, "sort") or [""])[0] or self.default_sort
        descending = raw.startswith("-")
        key = raw.lstrip("-")
        if key not in self.sorts:
            raise InvalidInput({"sort": [_("Unknown sort key: %(key)s") % {"key": key}]})
        column = self.sorts[key]
        return [f"-{column}" if descending else column, "-pk" if descending else "pk"]


def _values(params: Any, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        listed: list[str] = params.getlist(name)
        return listed
    value = params.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def page_bounds(params: Any, *, default_size: int, max_size: int) -> tuple[int, int]:
    """(page, page_size) from the query, each checked, the size capped at ``max_size``."""
    errors: dict[str, list[str]] = {}
    try:
        page = int((_values(params, "page") or ["1"])[0])
        if page < 1:
            raise ValueError
    except ValueError:
        errors["page"] = [_("page must be a positive integer.")]
        page = 1
    try:
        size = int((_values(params, "page_size") or [str(default_size)])[0])
        if not 1 <= size <= max_size:
            raise ValueError
    except ValueError:
        errors["page_size"] = [_("page_size must be between 1 and %(max)s.") % {"max": max_size}]
        size = default_size
    if errors:
        raise InvalidInput(errors)
    return page, size
