"""The home dashboard registry: modules add panels without core importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


PANELS: dict[str, Panel] = {}

ROLE_INTROS = {
    "administrator": _("Manage users, departments and roles, and keep the data clean."),
    "sales_manager": _("Your department's customers, pipeline and targets at a glance."),
    "sales_rep": _("Whom to contact today, your customers and your open deals."),
    "service_agent": _("Open tickets and customers waiting for an answer."),
    "marketing": _("Segments and campaigns, and what they returned."),
    "analyst": _("Customer value analytics: ABC classes, the value pyramid, RFM and CLV."),
}


def register(panel: Panel) -> None:
    PANELS[panel.key] = panel


def role_intros(roles: list[str], superuser: bool) -> list[str]:
    intros = [str(ROLE_INTROS[r]) for r in roles if r in ROLE_INTROS]
    if superuser and not intros:
        intros.append(str(ROLE_INTROS["administrator"]))
    return intros


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Rendered-context pairs of the panels the user may see (a panel returns None to hide)."""
    shown = []
    for panel in sorted(PANELS.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
