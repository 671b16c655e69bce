"""Small template filters of the customers pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_first(params: Any, key: str) -> str:
    """The first value of ``key`` in a QueryDict (for selected filter options)."""
    if params is None or not hasattr(params, "get"):
        return ""
    return str(params.get(key, "") or "")
