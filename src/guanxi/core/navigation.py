"""The navigation registry: later modules add their pages to the shell without core importing
them. Each app registers its items in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from guanxi.core.models.org import User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    #: Who sees the item; None means every signed-in user.
    visible: Callable[[User], bool] | None = None


@dataclass
class NavSection:
    key: str
    label: str | Promise
    items: list[NavItem] = field(default_factory=list)


SECTIONS: dict[str, NavSection] = {
    key: NavSection(key, label)
    for key, label in [
        ("customers", _("Customers")),
        ("sales", _("Sales")),
        ("service", _("Service")),
        ("marketing", _("Marketing")),
        ("analytics", _("Analytics")),
        ("admin", _("Admin")),
    ]
}


def register(section: str, item: NavItem) -> None:
    items = SECTIONS[section].items
    if all(existing.url_name != item.url_name for existing in items):
        items.append(item)


def sections_for(user: User) -> list[dict[str, Any]]:
    """The sections and items ``user`` may see; empty sections are kept as placeholders."""
    result = []
    for section in SECTIONS.values():
        items = [i for i in section.items if i.visible is None or i.visible(user)]
        result.append({"key": section.key, "label": section.label, "items": items})
    return result
