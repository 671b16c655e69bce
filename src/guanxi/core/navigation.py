"""The navigation: one section per registered module (see :mod:`guanxi.core.modules`), then
core's Admin section. A section shows only the items the user may see, and a section with
none is left out (never a "coming soon" placeholder)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guanxi.core import modules
from guanxi.core.modules import NavItem

__all__ = ["ADMIN_SECTION", "NavItem", "register", "sections_for"]

ADMIN_SECTION = "admin"


def _manages_organisation(user: Any) -> bool:
    from guanxi.core.services.org import can_manage_organisation

    return can_manage_organisation(user)


_ADMIN_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Users"), "core:user_list", _manages_organisation),
    NavItem(_("Departments"), "core:department_list", _manages_organisation),
    NavItem(_("Roles and data scopes"), "core:role_list", _manages_organisation),
)

#: Items a later module adds to an earlier module's section (or to Admin), by section key.
_EXTRA_ITEMS: dict[str, list[NavItem]] = {}


def register(section: str, item: NavItem) -> None:
    """Add ``item`` to another module's section (by module code) or to ``ADMIN_SECTION``."""
    items = _EXTRA_ITEMS.setdefault(section, [])
    if all(existing.url_name != item.url_name for existing in items):
        items.append(item)


def sections_for(user: Any) -> list[dict[str, Any]]:
    """The sections with at least one item ``user`` may see, in module order, Admin last."""
    declared = [(m.code, m.section_label, m.nav_items) for m in modules.modules()]
    declared.append((ADMIN_SECTION, _("Admin"), _ADMIN_ITEMS))
    result = []
    for key, label, items in declared:
        shown = [
            i for i in (*items, *_EXTRA_ITEMS.get(key, ())) if i.visible is None or i.visible(user)
        ]
        if shown:
            result.append({"key": key, "label": label, "items": shown})
    return result
