"""The home dashboard registry: modules add panels without core importing them; the intro
lines come from the roles the modules register (:mod:`guanxi.core.modules`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from guanxi.core import modules


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    PANELS[panel.key] = panel


def role_intros(roles: list[str], superuser: bool) -> list[str]:
    """One line per role of the user; a superuser without roles reads the administrators'."""
    specs = [modules.get_role(code) for code in roles]
    intros = [str(spec.intro) for spec in specs if spec is not None and spec.intro]
    if superuser and not intros:
        intros = [str(r.intro) for r in modules.roles() if r.manages_organisation and r.intro][:1]
    return intros


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Rendered-context pairs of the panels the user may see (a panel returns None to hide)."""
    shown = []
    for panel in sorted(PANELS.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
