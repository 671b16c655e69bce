"""The 360° page's panel registry: later modules (orders, payments, tickets, scores) add a
panel without customers importing them. Each panel filters its rows through its own scope.

    from guanxi.customers import panels
    panels.register("orders", "sales/panels/orders.html", orders_context, order=20)

``context(customer, request)`` returns the panel's context, or None to hide the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    template: str
    context: Callable[[Any, HttpRequest], dict[str, Any] | None]
    order: int = 100
    title: str | Promise = ""


PANELS: dict[str, CustomerPanel] = {}

#: Shown as placeholders until a module registers a panel under the same key.
PLACEHOLDERS: list[tuple[str, Promise]] = [
    ("scores", _("Value scores: ABC class, pyramid tier, RFM, CLV, lifecycle stage")),
    ("orders", _("Orders (订单)")),
    ("payments", _("Payments (回款)")),
    ("tickets", _("Service tickets (客户服务)")),
]


def register(
    key: str,
    template: str,
    context: Callable[[Any, HttpRequest], dict[str, Any] | None],
    order: int = 100,
    title: str | Promise = "",
) -> None:
    PANELS[key] = CustomerPanel(key, template, context, order, title)


def panels_for(customer: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """The registered panels' (template, context) and placeholders for the missing ones."""
    shown: list[dict[str, Any]] = []
    for panel in sorted(PANELS.values(), key=lambda p: p.order):
        context = panel.context(customer, request)
        if context is not None:
            shown.append(
                {
                    "key": panel.key,
                    "template": panel.template,
                    "context": context,
                    "title": panel.title,
                }
            )
    for key, title in PLACEHOLDERS:
        if key not in PANELS:
            shown.append({"key": key, "template": "", "context": {}, "title": title})
    return shown
