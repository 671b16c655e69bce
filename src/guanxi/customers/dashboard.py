"""The home dashboard's customers panel: follow-ups due and counts in the user's own scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from guanxi.core import clock
from guanxi.core.scopes import may_act
from guanxi.customers.models import Activity, Customer


def customers_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not may_act(user, "customers", "view"):
        return None
    now = clock.now()
    due = (
        Activity.objects.visible_to(user)
        .filter(
            next_contact_at__lte=now + dt.timedelta(days=1),
            next_contact_at__gte=now - dt.timedelta(days=7),
        )
        .select_related("customer")
        .only("id", "subject", "next_step", "next_contact_at", "customer__id", "customer__name")
        .order_by("next_contact_at")[:10]
    )
    return {"count": Customer.objects.visible_to(user).count(), "due": list(due)}
